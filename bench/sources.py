"""What the benchmark needs to know about the book's sources, read without the build's code.

The targets name how many notebooks a rebuild must execute. The benchmark works those
numbers out itself, from the table of contents and the code cells of the chapters, so that
a bug in the build pipeline cannot move its own goalposts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bookbuild.frameworks import FRAMEWORKS as REGISTRY

#: The frameworks every chapter is written for (the names of the build's registry).
FRAMEWORKS = REGISTRY.names

_FENCE = re.compile(r"^(`{3,}|~{3,})\{code-cell\}")
_SHIM_IMPORT = re.compile(r"^\s*(from\s+d2l_shim[\s.]|import\s+d2l_shim\b)", re.MULTILINE)


@dataclass(frozen=True)
class CodeCell:
    """A code cell of a chapter: the frameworks it runs in and where it is in the file."""

    frameworks: tuple[str, ...]
    source: str
    first_line: int  # index of the ```{code-cell} line
    body_line: int  # index of the first line after the cell's options


def chapter_paths(root: Path) -> list[Path]:
    """The chapter sources that ``_toc.yml`` under ``root`` lists (the root page included)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]
    stack = [toc]
    while stack:
        node = stack.pop(0)
        for key in ("parts", "chapters", "sections"):
            for entry in node.get(key, ()):
                if "file" in entry:
                    names.append(entry["file"])
                stack.append(entry)
    return [root / (name if name.endswith(".md") else f"{name}.md") for name in names]


def code_cells(text: str) -> list[CodeCell]:
    """The ``{code-cell}`` blocks of a MyST Markdown chapter, with their frameworks.

    A cell's frameworks are its framework tags, or all frameworks when it has none.
    """
    lines = text.splitlines()
    cells, i = [], 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, start, j, tags = match.group(1), i, i + 1, []
        while j < len(lines) and lines[j].startswith(":"):
            key, _, value = lines[j][1:].partition(":")
            if key.strip() == "tags":
                tags = yaml.safe_load(value) or []
            j += 1
        body = j
        while j < len(lines) and lines[j].strip() != fence:
            j += 1
        frameworks = tuple(fw for fw in FRAMEWORKS if fw in tags) or FRAMEWORKS
        cells.append(CodeCell(frameworks, "\n".join(lines[body:j]), start, body))
        i = j + 1
    return cells


def notebooks(root: Path) -> dict[str, bool]:
    """Every chapter x framework notebook of the book, mapped to whether its code imports ``d2l_shim``.

    Keys are ``<chapter>/<framework>``; a framework without code cells in a chapter has no notebook.
    """
    found = {}
    for path in chapter_paths(root):
        cells = code_cells(path.read_text(encoding="utf-8"))
        for fw in FRAMEWORKS:
            sources = [cell.source for cell in cells if fw in cell.frameworks]
            if sources:
                found[f"{path.stem}/{fw}"] = any(_SHIM_IMPORT.search(s) for s in sources)
    return found
