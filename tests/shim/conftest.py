"""Fixtures for the d2l_shim tests.

The frameworks never share a process with each other or with pytest: the
toolchain that runs pytest has none of them installed. The cells of
``d2l_cells.py`` run once per framework, in four parallel subprocesses, each
in the Python of its framework's kernel environment
(:func:`bookbuild.environments.env_python`), and the tests read what they
recorded.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bookbuild.environments import env_python

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from d2l_cells import FRAMEWORKS  # noqa: E402

#: Environment of every subprocess: no TensorFlow C++ logging, JAX on the CPU without
#: looking for accelerators, no display.
SUBPROCESS_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "JAX_PLATFORMS": "cpu", "MPLBACKEND": "Agg"}


def subprocess_env():
    """The test process's environment plus :data:`SUBPROCESS_ENV`."""
    return {**os.environ, **SUBPROCESS_ENV}


def framework_python(framework):
    """The Python of ``framework``'s kernel environment, which must exist (``make env``)."""
    python = env_python(ROOT, framework)
    assert python.exists(), f"{python} is missing: run `make env` first"
    return str(python)


@pytest.fixture
def run_python():
    """A function that runs Python ``code`` in a fresh process and returns the completed process.

    ``run_python(code, framework)`` runs it in the Python of the framework's kernel environment.
    """
    def run(code, framework):
        return subprocess.run([framework_python(framework), "-c", code], capture_output=True,
                              text=True, env=subprocess_env(), cwd=ROOT, timeout=300)
    return run


@pytest.fixture(scope="session")
def records(tmp_path_factory):
    """What each framework's cells printed, drew and raised, by framework."""
    out = tmp_path_factory.mktemp("cells")
    pythons = {fw: framework_python(fw) for fw in FRAMEWORKS}
    runs = {}
    for fw, python in pythons.items():
        with open(out / f"{fw}.log", "w") as log:
            runs[fw] = subprocess.Popen(
                [python, str(HERE / "run_cells.py"), fw, str(out / f"{fw}.json")],
                stdout=log, stderr=subprocess.STDOUT, env=subprocess_env(), cwd=ROOT)
    results = {}
    for fw, process in runs.items():
        process.wait(timeout=900)
        log = (out / f"{fw}.log").read_text()
        assert process.returncode == 0, f"{fw} runner failed:\n{log[-3000:]}"
        results[fw] = json.loads((out / f"{fw}.json").read_text())
    return results


@pytest.fixture(scope="session")
def cells_by_framework(records):
    """The recorded cells, by framework and cell name."""
    return {fw: record["cells"] for fw, record in records.items()}
