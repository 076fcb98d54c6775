"""Merge a chapter's executed framework notebooks into the notebook of its page.

The merged notebook keeps the chapter's Markdown cells. Its code cells carry, in
``metadata["bookbuild"]``, the framework they show and the tab group they belong to:

* consecutive framework-tagged cells form one group, holding each framework's cells with
  that framework's outputs;
* an untagged cell that printed or drew something in any framework forms a group of its
  own: the same code once per framework, each with its own outputs;
* an untagged cell without output stays a single, shared cell outside any group.

:mod:`bookbuild.tabs` turns every group into a tab set on the page.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

import nbformat

from ..frameworks import FRAMEWORKS, cell_frameworks, framework_tags
from ..pipeline.split import Chapter, code_cell_indices

METADATA_KEY = "bookbuild"


def outputs_by_cell(
    chapter: Chapter, executed: Mapping[str, nbformat.NotebookNode]
) -> dict[str, dict[int, nbformat.NotebookNode]]:
    """Map each framework's executed code cells back to the chapter's code cell indices."""
    mapping = {}
    for fw, notebook in executed.items():
        indices = code_cell_indices(chapter, fw)
        if len(indices) != len(notebook.cells):
            raise ValueError(
                f"{chapter.path} [{fw}]: the executed notebook has {len(notebook.cells)} code "
                f"cells, the chapter {len(indices)}; rebuild with `make html`."
            )
        mapping[fw] = dict(zip(indices, notebook.cells))
    return mapping


def merge(chapter: Chapter, executed: Mapping[str, nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """Build the page notebook of ``chapter`` from its executed per-framework notebooks."""
    ran = outputs_by_cell(chapter, executed)
    source_map = chapter.notebook.metadata.get("source_map", [])
    cells, lines = [], []
    group = 0
    run: list[tuple[int, nbformat.NotebookNode, int]] = []  # (code index, cell, cell position)

    def emit(cell, position):
        cells.append(cell)
        lines.append(source_map[position] if position < len(source_map) else 0)

    def flush_run():
        nonlocal group, run
        if run:
            group += 1
            for fw in FRAMEWORKS.names:
                for code_index, cell, position in run:
                    if fw in cell_frameworks(cell):
                        emit(_framework_cell(cell, ran[fw][code_index], fw, group), position)
        run = []

    code_index = -1
    for position, cell in enumerate(chapter.notebook.cells):
        if cell.cell_type != "code":
            flush_run()
            emit(copy.deepcopy(cell), position)
            continue
        code_index += 1
        if framework_tags(cell):
            run.append((code_index, cell, position))
            continue
        flush_run()
        if any(ran[fw][code_index].outputs for fw in ran):
            group += 1
            for fw in FRAMEWORKS.names:
                if fw in ran:
                    emit(_framework_cell(cell, ran[fw][code_index], fw, group), position)
        else:
            shared = copy.deepcopy(cell)
            shared.execution_count = None
            emit(shared, position)
    flush_run()

    metadata = copy.deepcopy(chapter.notebook.metadata)
    metadata["source_map"] = lines
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


def _framework_cell(source_cell, executed_cell, fw: str, group: int) -> nbformat.NotebookNode:
    """The page cell of ``source_cell`` in framework ``fw``, with that framework's outputs."""
    cell = copy.deepcopy(source_cell)
    cell["id"] = f"{source_cell['id']}-{fw}"
    cell.outputs = copy.deepcopy(executed_cell.outputs)
    cell.execution_count = executed_cell.execution_count
    cell.metadata[METADATA_KEY] = {"framework": fw, "group": group}
    return cell
