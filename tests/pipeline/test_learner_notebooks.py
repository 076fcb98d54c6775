"""The notebooks learners download run top to bottom in the project's registered kernel, and name
the kernel a learner's own environment has."""

from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from bookbuild.frameworks import FRAMEWORKS
from bookbuild.config import read_book_config
from bookbuild.environments import env_python, kernel_name

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = read_book_config(ROOT).notebook_path(ROOT)


@pytest.fixture(scope="module")
def learner_notebooks():
    paths = sorted(NOTEBOOKS.glob("*/*.ipynb"))
    assert paths, f"no learner notebooks in {NOTEBOOKS}: run `make notebooks` (or `make html`) first"
    return paths


def test_every_chapter_has_a_notebook_per_framework(learner_notebooks):
    chapters = {path.stem for path in learner_notebooks}
    for fw in FRAMEWORKS.names:
        assert {p.stem for p in learner_notebooks if p.parent.name == fw} == chapters


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_each_framework_kernel_is_registered_with_its_environment(framework):
    spec = KernelSpecManager().get_kernel_spec(kernel_name(framework))
    assert spec.argv[0] == str(env_python(ROOT, framework)), "run `make env` to register it"
    assert spec.display_name == f"d2l-book ({FRAMEWORKS[framework].label})"


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_a_downloaded_notebook_runs_all_in_the_registered_kernel(framework, tmp_path):
    notebook = nbformat.read(NOTEBOOKS / framework / "gd.ipynb", as_version=4)
    assert notebook.metadata.kernelspec.name == kernel_name(framework)
    recorded = [cell.outputs for cell in notebook.cells if cell.cell_type == "code"]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    # "Run All" from a fresh kernel in a directory of the learner's choosing.
    NotebookClient(notebook, timeout=600, kernel_name=kernel_name(framework),
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    rerun = [cell.outputs for cell in notebook.cells if cell.cell_type == "code"]
    assert len(rerun) == len(recorded)
    assert [stdout(outputs) for outputs in rerun] == [stdout(outputs) for outputs in recorded]
    assert not [o for outs in rerun for o in outs if o.output_type == "error"]


def stdout(outputs):
    """What a cell printed to standard output."""
    return "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stdout")
