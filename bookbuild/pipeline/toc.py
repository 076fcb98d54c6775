"""The chapters of the book, as listed in Jupyter Book's ``_toc.yml``."""

from __future__ import annotations

from pathlib import Path

import yaml

SOURCE_SUFFIX = ".md"


def toc_files(root: Path) -> list[Path]:
    """The Markdown sources that ``_toc.yml`` under ``root`` lists, in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]] + [entry["file"] for entry in _entries(toc) if "file" in entry]
    paths = []
    for name in names:
        path = root / name if name.endswith(SOURCE_SUFFIX) else root / f"{name}{SOURCE_SUFFIX}"
        if not path.exists():
            raise FileNotFoundError(f"_toc.yml lists {name!r}, but {path.relative_to(root)} does not exist")
        paths.append(path)
    return paths


def _entries(node):
    """Every mapping below the top level of the table of contents."""
    for key in ("parts", "chapters", "sections"):
        for entry in node.get(key, ()):
            yield entry
            yield from _entries(entry)


def numbered_files(root: Path) -> list[tuple[Path, tuple[int, ...] | None]]:
    """Each source of ``_toc.yml`` with its section number as Sphinx gives it (None: unnumbered).

    Jupyter Book makes each part a toctree of the root page; Sphinx numbers the chapters of
    each numbered toctree from 1, and the sections a chapter lists below its number.
    """
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    paths = dict(zip([toc["root"]] + [e["file"] for e in _entries(toc) if "file" in e], toc_files(root)))
    numbered: list[tuple[Path, tuple[int, ...] | None]] = [(paths[toc["root"]], None)]

    def visit(entries, prefix: tuple[int, ...] | None) -> None:
        count = 0
        for entry in entries:
            number = None
            if "file" in entry:
                count += 1
                number = None if prefix is None else (*prefix, count)
                numbered.append((paths[entry["file"]], number))
            visit(entry.get("sections", ()), number)

    if "parts" in toc:
        for part in toc["parts"]:
            visit(part.get("chapters", ()), () if part.get("numbered") else None)
    else:
        visit(toc.get("chapters", ()), () if toc.get("defaults", {}).get("numbered") else None)
    return numbered
