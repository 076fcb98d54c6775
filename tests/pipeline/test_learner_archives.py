"""Each framework's archive, unpacked into an empty folder, runs: every notebook, "Run All",
in a kernel where the other frameworks are not installed, importing the archive's own shim.

Needs the archives of ``make notebooks``. The kernel is the Python of the framework's own
kernel environment, which has no other framework installed; the other frameworks are hidden as
well (:mod:`.framework_blocker`), in case one were, and nothing of the repository is on its path
(the environment's editable install of the shim is hidden by the archive's copy, which the test
checks it imports).
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from bookbuild.config import read_book_config
from bookbuild.frameworks import FRAMEWORKS
from bookbuild.pipeline.cache import SHIM_PACKAGE
from bookbuild.pipeline.kernel import KERNEL_ENV
from bookbuild.environments import env_python, kernel_name
from bookbuild.pipeline.learner import archive_path, requirements_name, write_archives
from bookbuild.pipeline.learner_markdown import BookIndex
from bookbuild.pipeline.split import load_chapter
from bookbuild.pipeline.toc import toc_files
from d2l_shim.environment import DATA_DIR_VARIABLE

from .framework_blocker import blocking_environment, other_frameworks_packages

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = read_book_config(ROOT).notebook_path(ROOT)
#: Seconds one cell may take (the longest chapters train for a while on two cores).
CELL_TIMEOUT = 1200

WHERE_IS_THE_SHIM = "import d2l_shim, json, sys; print(d2l_shim.__file__); print(json.dumps(sorted(sys.modules)))"


def learner_kernel(jupyter_dir: Path, name: str, env: dict[str, str], python: Path) -> None:
    """Register, under ``jupyter_dir``, a kernel of ``python`` with ``env``."""
    spec = jupyter_dir / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": name, "language": "python", "env": env,
    }))


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_an_unpacked_archive_runs_every_notebook_without_the_other_frameworks(framework, tmp_path, monkeypatch):
    archive = archive_path(NOTEBOOKS, framework)
    assert archive.is_file(), f"{archive} is missing: run `make notebooks` (or `make html`) first"
    unpacked = tmp_path / "learner"
    unpacked.mkdir()
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(unpacked)
    (folder,) = unpacked.iterdir()
    assert (folder / requirements_name(framework)).is_file()
    assert (folder / "README.md").is_file()
    assert (folder / SHIM_PACKAGE / "__init__.py").is_file()
    notebooks = sorted(folder.glob("*.ipynb"))
    assert len(notebooks) >= 10

    blocked = other_frameworks_packages(framework)
    env = {**KERNEL_ENV, **blocking_environment(tmp_path / "blocker", blocked),
           DATA_DIR_VARIABLE: os.environ[DATA_DIR_VARIABLE]}
    learner_kernel(tmp_path / "jupyter", "learner", env, env_python(ROOT, framework))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))

    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        assert notebook.metadata.kernelspec.name == kernel_name(framework)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        for cell in code:
            cell.outputs = []
        notebook.cells.append(nbformat.v4.new_code_cell(WHERE_IS_THE_SHIM))
        # "Run All": every cell in order in a fresh kernel, stopping at the first error.
        NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="learner",
                       resources={"metadata": {"path": str(folder)}}).execute()
        assert all(cell.execution_count for cell in code), path.name
        errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{path.name}: {errors}"
        # A kernel may deliver one cell's printed text in several pieces: join them.
        printed = "".join(out.text for out in notebook.cells[-1].outputs
                          if out.output_type == "stream" and out.name == "stdout")
        shim_file, modules = printed.splitlines()
        assert Path(shim_file).parent == folder / SHIM_PACKAGE, f"{path.name} imported {shim_file}"
        assert not set(blocked) & set(json.loads(modules)), path.name


def test_archives_are_rewritten_only_when_their_content_changes(tmp_path):
    """Writing the archives twice writes nothing the second time; a changed notebook rewrites
    its framework's archive only, and the same content gives the same bytes."""
    index = BookIndex.build(ROOT, read_book_config(ROOT))
    chapters = [load_chapter(path) for path in toc_files(ROOT)]
    notebook_dir = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, notebook_dir, ignore=shutil.ignore_patterns("*.zip"))
    assert write_archives(ROOT, notebook_dir, chapters, index) == [archive_path(notebook_dir, fw) for fw in FRAMEWORKS.names]
    before = {fw: archive_path(notebook_dir, fw).read_bytes() for fw in FRAMEWORKS.names}
    assert before[FRAMEWORKS.names[0]] == archive_path(NOTEBOOKS, FRAMEWORKS.names[0]).read_bytes()
    assert write_archives(ROOT, notebook_dir, chapters, index) == []
    changed = FRAMEWORKS.names[-1]
    path = notebook_dir / changed / "gd.ipynb"
    path.write_text(path.read_text(encoding="utf-8").replace("Gradient Descent", "Gradient descent"), encoding="utf-8")
    assert write_archives(ROOT, notebook_dir, chapters, index) == [archive_path(notebook_dir, changed)]
    assert not list(notebook_dir.glob(".*.tmp"))
