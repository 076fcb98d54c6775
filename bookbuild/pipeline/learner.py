"""The executed per-framework notebooks that learners download and run, and one archive per framework.

A learner notebook is the chapter's notebook for one framework with its outputs, its Markdown
turned into what Jupyter renders (:mod:`.learner_markdown`) and a first cell that says how to
set it up. ``d2l-book-<framework>.zip`` holds a framework's notebooks, the ``d2l_shim``
package, ``requirements-<framework>.txt`` (the shim's dependencies, that framework and
Jupyter, pinned as in ``requirements.txt``) and a short README.
"""

from __future__ import annotations

import copy
import io
import tomllib
import zipfile
from pathlib import Path

import nbformat
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from d2l_shim.environment import DATA_DIR_VARIABLE

from ..environments import kernel_display_name, kernel_name, requirements_in
from ..frameworks import FRAMEWORKS
from .cache import SHIM_PACKAGE, write_if_changed
from .learner_markdown import BookIndex, convert_cells
from .split import Chapter

#: The pins of the book (the learner's come from here) and what learners need besides.
LEARNER_REQUIREMENTS = Path("requirements") / "learner.txt"


SETUP_TEXT = """\
*{section}, from the multi-backend optimization book, in its {label} edition: executed,
with its outputs.*

**To run it yourself** you need Python 3.11 and the book's {label} archive,
{archive}{where}: it holds every chapter's {label} notebook, the book's small helper
library `d2l_shim` and `{requirements}`. Unpack it and, in its folder (ideally in a fresh
virtual environment), run the one setup command

```sh
python -m pip install -r {requirements}
```

It installs {label}, NumPy, matplotlib, pooch and Jupyter, and no other framework. Then
start `jupyter lab` in that folder, open this notebook and use *Run All*. The airfoil data
set is downloaded on first use (its SHA-1 is checked); to use a copy you already have, set
the environment variable `{data_dir}` to the directory that holds `airfoil_self_noise.dat`
before starting Jupyter.
"""

README_TEXT = """\
# Optimization for deep learning, in {label}

The {label} notebooks of the multi-backend optimization book, executed, with their outputs.

## Set up (once)

With Python 3.11, in this folder (ideally in a fresh virtual environment):

```sh
python -m pip install -r {requirements}
```

This installs {label}, NumPy, matplotlib, pooch and Jupyter; no other framework is needed.
The book's helper library, `d2l_shim`, is the folder of that name here: the notebooks import
it from this folder.

## Run

Start `jupyter lab` here, open a chapter and use *Run All*. The airfoil data set is
downloaded on first use; set `{data_dir}` to a directory holding `airfoil_self_noise.dat`
to use a copy you already have.

## Chapters

{chapters}
"""


class LearnerError(ValueError):
    """The learners' files cannot be written; the message says what to fix."""


#: The folder of the built HTML book that serves the archives, at stable addresses.
ARCHIVE_URL_DIR = "notebooks"


def archive_name(framework: str) -> str:
    """The file name of a framework's archive, ``d2l-book-<framework>.zip``."""
    return f"d2l-book-{FRAMEWORKS[framework].name}.zip"


def archive_path(notebook_dir: Path, framework: str) -> Path:
    """Where ``make notebooks`` writes a framework's archive."""
    return notebook_dir / archive_name(framework)


def requirements_name(framework: str) -> str:
    """The file name of a framework's learner requirements, ``requirements-<framework>.txt``."""
    return f"requirements-{FRAMEWORKS[framework].name}.txt"


def _pins(path: Path) -> dict[str, str]:
    """``{canonical name: requirement line}`` of the pinned lines of a requirements file."""
    pins = {}
    if not path.exists():
        return pins
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.partition("#")[0].strip()
        if not text:
            continue
        option, _, included = text.partition(" ")
        if option in ("-r", "--requirement"):
            pins.update(_pins(path.parent / included.strip()))
            continue
        try:
            requirement = Requirement(text)
        except InvalidRequirement as error:
            raise LearnerError(f"{path}, line {number}: {error}") from None
        pins[canonicalize_name(requirement.name)] = str(requirement)
    return pins


def shim_dependencies(root: Path) -> list[str]:
    """The names of the distributions ``d2l_shim`` needs (``[project] dependencies``)."""
    pyproject = root / "pyproject.toml"
    if not pyproject.exists():
        return []
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("dependencies", [])
    return [Requirement(text).name for text in dependencies]


def learner_requirements(root: Path, framework: str) -> str:
    """The text of ``requirements-<framework>.txt``: the shim's needs, the framework, Jupyter.

    Versions are those of the framework's kernel environment (``requirements/<framework>.in``)
    and ``requirements/learner.txt`` for what only learners need, so the learner runs what the
    book was executed with; a package neither file pins is listed without a version.
    """
    book = _pins(requirements_in(root, framework))
    learner = _pins(root / LEARNER_REQUIREMENTS)
    lines = [f"# {FRAMEWORKS[framework].label} edition of the multi-backend optimization book:",
             f"#   python -m pip install -r {requirements_name(framework)}"]
    for name in [*shim_dependencies(root), *FRAMEWORKS[framework].pip_names]:
        # A package the book does not pin is listed bare (the tests check the book pins all).
        lines.append(book.get(canonicalize_name(name), name))
    lines.extend(learner.values())
    return "\n".join(lines) + "\n"


def setup_cell(index: BookIndex, chapter: Chapter, framework: str) -> nbformat.NotebookNode:
    """The first cell of a learner notebook: what it is and the one command that sets it up."""
    section = index.section_of(chapter.path)
    label = FRAMEWORKS[framework].label
    archive = archive_name(framework)
    if index.base_url:
        online = index.base_url.rstrip("/")
        archive_text = f"[`{archive}`]({online}/{ARCHIVE_URL_DIR}/{archive})"
        where = f" (every chapter page of [the online book]({online}/) links to it)"
    else:
        archive_text, where = f"`{archive}`", " (every chapter page of the book links to it)"
    cell = nbformat.v4.new_markdown_cell(SETUP_TEXT.format(
        label=label, section=section, archive=archive_text, where=where,
        requirements=requirements_name(framework), data_dir=DATA_DIR_VARIABLE,
    ))
    cell["id"] = "setup"
    return cell


def learner_notebook(
    chapter: Chapter, chapter_notebook: nbformat.NotebookNode, executed: nbformat.NotebookNode,
    framework: str, index: BookIndex,
) -> nbformat.NotebookNode:
    """The framework's notebook with outputs and Jupyter Markdown, opening with the setup cell."""
    notebook = copy.deepcopy(chapter_notebook)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for cell, ran in zip(code_cells, executed.cells, strict=True):
        cell.outputs = copy.deepcopy(ran.outputs)
        cell.execution_count = ran.execution_count
        tags = [tag for tag in cell.metadata.pop("tags", []) if tag not in FRAMEWORKS.names]
        if tags:
            cell.metadata["tags"] = tags
    convert_cells(notebook, index, chapter.path, framework)
    notebook.cells.insert(0, setup_cell(index, chapter, framework))
    kernelspec = {"name": kernel_name(framework), "display_name": kernel_display_name(FRAMEWORKS[framework]),
                  "language": "python"}
    notebook.metadata = {"kernelspec": kernelspec, "language_info": {"name": "python"}}
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


def archive_bytes(root: Path, notebook_dir: Path, chapters: list[Chapter], framework: str,
                  index: BookIndex) -> bytes:
    """The framework's archive: its notebooks, the shim, its requirements and a README.

    Entries are sorted and dated 1980-01-01, so the same content gives the same bytes.
    """
    folder = Path(archive_name(framework)).stem
    requirements = requirements_name(framework)
    files: dict[str, bytes] = {}
    listed = []
    for chapter in chapters:
        path = notebook_path(notebook_dir, chapter.name, framework)
        if path.exists():
            files[f"{folder}/{path.name}"] = path.read_bytes()
            listed.append(f"- `{path.name}`: {index.section_of(chapter.path)}")
    shim = root / SHIM_PACKAGE
    for path in sorted(shim.rglob("*.py")):
        if "__pycache__" not in path.parts:
            files[f"{folder}/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    files[f"{folder}/{requirements}"] = learner_requirements(root, framework).encode()
    files[f"{folder}/README.md"] = README_TEXT.format(
        label=FRAMEWORKS[framework].label, requirements=requirements, data_dir=DATA_DIR_VARIABLE,
        chapters="\n".join(listed),
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


def write_archives(root: Path, notebook_dir: Path, chapters: list[Chapter], index: BookIndex) -> list[Path]:
    """Write each framework's archive unless unchanged; return those written."""
    written = []
    for framework in FRAMEWORKS.names:
        path = archive_path(notebook_dir, framework)
        if write_if_changed(path, archive_bytes(root, notebook_dir, chapters, framework, index)):
            written.append(path)
    return written
