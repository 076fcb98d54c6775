"""The edits an author makes between two builds, applied to the benchmark's copy of the book.

Each edit changes one file the way a person would and says which chapter x framework
notebooks a correct incremental build must execute next (worked out by :mod:`bench.sources`,
independently of the build's cache).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .sources import chapter_paths, code_cells, notebooks

#: The text every edit adds; harmless prose or a comment.
MARK = "edited by the build benchmark"


@dataclass(frozen=True)
class Edit:
    """What an edit changed and which notebooks must run again because of it."""

    description: str
    must_execute: frozenset[str]


def _chapters_with_code(root: Path) -> list[Path]:
    """The chapters of the table of contents that have code cells, in its order."""
    return [path for path in chapter_paths(root) if code_cells(path.read_text(encoding="utf-8"))]


def prose_edit(root: Path) -> Edit:
    """Add a paragraph under the title of the first chapter that has code; nothing must run."""
    path = _chapters_with_code(root)[0]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    in_fence = False
    for index, line in enumerate(lines):
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith("# "):
            lines.insert(index + 1, f"\nThis paragraph was {MARK}.\n")
            break
    else:
        raise ValueError(f"{path} has no title line ('# ...') to add prose under")
    path.write_text("".join(lines), encoding="utf-8")
    return Edit(f"{path.relative_to(root)}: a new paragraph under the title", frozenset())


def framework_cell_edit(root: Path) -> Edit:
    """Add a comment to the first code cell that belongs to a single framework; its notebook must run."""
    for path in _chapters_with_code(root):
        text = path.read_text(encoding="utf-8")
        single = [cell for cell in code_cells(text) if len(cell.frameworks) == 1]
        if single:
            cell = single[0]
            lines = text.splitlines(keepends=True)
            lines.insert(cell.body_line, f"# {MARK}\n")
            path.write_text("".join(lines), encoding="utf-8")
            framework = cell.frameworks[0]
            return Edit(
                f"{path.relative_to(root)}: a comment in the {framework} cell at line {cell.first_line + 1}",
                frozenset({f"{path.stem}/{framework}"}),
            )
    raise ValueError(f"no chapter under {root} has a code cell tagged with a single framework")


def shim_edit(root: Path) -> Edit:
    """Add a comment to ``d2l_shim/__init__.py``; every notebook that imports the shim must run."""
    path = root / "d2l_shim" / "__init__.py"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"# {MARK}\n")
    importing = frozenset(name for name, imports in notebooks(root).items() if imports)
    return Edit(f"{path.relative_to(root)}: a comment at the end", importing)
