"""Read a chapter source and split it into one notebook per framework."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import nbformat
from myst_nb.core.read import read_myst_markdown_notebook

from ..frameworks import FRAMEWORKS, cell_frameworks, lookalike_tag


class ChapterError(ValueError):
    """A chapter source cannot be used; the message names the file, what is wrong and what to do."""


@dataclass(frozen=True)
class Chapter:
    """A chapter source: where it lives and the notebook MyST-NB reads from it."""

    path: Path
    notebook: nbformat.NotebookNode

    @property
    def name(self) -> str:
        """The chapter's file name without suffix, e.g. ``momentum``."""
        return self.path.stem

    def code_cells(self) -> list[nbformat.NotebookNode]:
        """The chapter's code cells, in source order."""
        return [cell for cell in self.notebook.cells if cell.cell_type == "code"]

    def describe_code_cell(self, index: int) -> str:
        """Say where code cell ``index`` (0-based, chapter-wide) is, for error messages."""
        cells = self.notebook.cells
        position = [i for i, cell in enumerate(cells) if cell.cell_type == "code"][index]
        line = self.notebook.metadata.get("source_map", [None] * len(cells))[position]
        where = f"code cell {index + 1}"
        return f"{where} (line {line})" if line else where


def parse_chapter(text: str, path: Path | str = "<string>") -> Chapter:
    """Parse MyST Markdown notebook ``text`` the way MyST-NB does.

    Cell ids are made deterministic (``cell-<index>``) so that every stage downstream
    produces the same bytes for the same input. Raises :class:`ChapterError` for an empty
    source, one MyST-NB cannot read, or a code cell tag that looks like a misspelt
    framework.
    """
    if not text.strip():
        raise ChapterError(f"{path} is empty: give it a title and some content, or remove it from _toc.yml.")
    try:
        notebook = read_myst_markdown_notebook(text, add_source_map=True, path=str(path))
    except Exception as error:  # MyST-NB's reader raises whatever its parsers raise
        raise ChapterError(
            f"{path} cannot be read as a MyST Markdown notebook ({type(error).__name__}: {error}); "
            "compare its front matter and code-cell fences with an existing chapter."
        ) from None
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"
    chapter = Chapter(Path(path), notebook)
    _check_tags(chapter)
    return chapter


def _check_tags(chapter: Chapter) -> None:
    """Refuse a code cell tag that looks like a framework but is none (``[pytroch]``)."""
    source_map = chapter.notebook.metadata.get("source_map", [])
    for position, cell in enumerate(chapter.notebook.cells):
        if cell.cell_type != "code":
            continue
        for tag in cell.metadata.get("tags", ()):
            meant = lookalike_tag(tag)
            if meant is not None:
                line = source_map[position] if position < len(source_map) else "?"
                raise ChapterError(
                    f"{chapter.path}, line {line}: the code cell tag {tag!r} is not a framework "
                    f"(did you mean {meant!r}?); the framework tags are {', '.join(FRAMEWORKS.names)}, "
                    "and a cell without any of them belongs to every framework."
                )


def load_chapter(path: Path | str) -> Chapter:
    """Read and parse the chapter source at ``path`` (UTF-8 text)."""
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ChapterError(
            f"{path}, line {line}: the file is not UTF-8 text (byte 0x{data[error.start]:02x} "
            f"at offset {error.start}); save it with the UTF-8 encoding."
        ) from None
    return parse_chapter(text, path)


def split(chapter: Chapter) -> dict[str, nbformat.NotebookNode]:
    """Return one notebook per framework.

    Each holds every Markdown cell and the code cells that belong to its framework
    (the cells tagged with it and the untagged ones), in source order. A framework
    whose notebook would have no code cell is still present, so that the chapter reads
    the same in every framework.
    """
    notebooks = {}
    for fw in FRAMEWORKS.names:
        cells = [
            copy.deepcopy(cell)
            for cell in chapter.notebook.cells
            if cell.cell_type != "code" or fw in cell_frameworks(cell)
        ]
        notebooks[fw] = nbformat.v4.new_notebook(
            cells=cells, metadata=copy.deepcopy(chapter.notebook.metadata)
        )
    return notebooks


def code_cell_indices(chapter: Chapter, fw: str) -> list[int]:
    """Chapter-wide indices (0-based, among code cells) of the code cells of ``fw``."""
    return [i for i, cell in enumerate(chapter.code_cells()) if fw in cell_frameworks(cell)]
