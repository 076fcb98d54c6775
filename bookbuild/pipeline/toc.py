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
