"""The executed per-framework notebooks that learners download and run."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from d2l_shim.environment import DATA_DIR_VARIABLE

from ..frameworks import FRAMEWORKS
from .cache import write_if_changed
from .kernel import KERNEL_DISPLAY_NAME, KERNEL_NAME
from .split import Chapter

SETUP_TEXT = """\
*This is the {label} edition of this chapter of the multi-backend optimization book,
executed, with its outputs.*

**To run it yourself:** clone the book's repository and run `make env` in it (it creates
`.venv` with MXNet, PyTorch and TensorFlow and registers the Jupyter kernel
`{display}`), then open this notebook in Jupyter, choose that kernel and use
*Run All*. The airfoil data set is downloaded on first use (its SHA-1 is checked); to
use a copy you already have, set the environment variable `{data_dir}` to the directory
that holds `airfoil_self_noise.dat` before starting Jupyter.
"""


def learner_notebook(
    chapter_notebook: nbformat.NotebookNode, executed: nbformat.NotebookNode, framework: str
) -> nbformat.NotebookNode:
    """The framework's notebook with outputs, opening with a short setup note."""
    notebook = copy.deepcopy(chapter_notebook)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for cell, ran in zip(code_cells, executed.cells, strict=True):
        cell.outputs = copy.deepcopy(ran.outputs)
        cell.execution_count = ran.execution_count
        tags = [tag for tag in cell.metadata.pop("tags", []) if tag not in FRAMEWORKS.names]
        if tags:
            cell.metadata["tags"] = tags
    setup = nbformat.v4.new_markdown_cell(
        SETUP_TEXT.format(label=FRAMEWORKS[framework].label, display=KERNEL_DISPLAY_NAME,
                          data_dir=DATA_DIR_VARIABLE)
    )
    setup["id"] = "setup"
    notebook.cells.insert(0, setup)
    notebook.metadata = {
        "kernelspec": {"name": KERNEL_NAME, "display_name": KERNEL_DISPLAY_NAME, "language": "python"},
        "language_info": {"name": "python"},
    }
    return notebook


def notebook_path(notebook_dir: Path, chapter_name: str, framework: str) -> Path:
    """Where the learner notebook of a chapter in ``framework`` is written."""
    return notebook_dir / framework / f"{chapter_name}.ipynb"


def write_learner_notebook(
    notebook_dir: Path, chapter: Chapter, framework: str, notebook: nbformat.NotebookNode
) -> bool:
    """Write one learner notebook unless it is unchanged; say whether it was written."""
    nbformat.validate(notebook)
    path = notebook_path(notebook_dir, chapter.name, framework)
    return write_if_changed(path, nbformat.writes(notebook))


def prune_learner_notebooks(notebook_dir: Path, keep: list[tuple[str, str]]) -> list[Path]:
    """Remove the learner notebooks of chapters the book no longer has; return what went.

    ``keep`` lists the ``(chapter name, framework)`` pairs whose notebooks stay.
    """
    wanted = {notebook_path(notebook_dir, name, fw) for name, fw in keep}
    removed = [path for path in notebook_dir.glob("*/*.ipynb") if path not in wanted]
    for path in removed:
        path.unlink()
    return removed
