"""Fixtures for the d2l_shim tests.

The frameworks never share a process with each other or with pytest: the
cells of ``d2l_cells.py`` run once per framework, in three parallel
subprocesses, and the tests read what they recorded.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from d2l_cells import FRAMEWORKS  # noqa: E402

#: Environment of every subprocess: no TensorFlow C++ logging, no display.
SUBPROCESS_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "MPLBACKEND": "Agg"}


def subprocess_env():
    """The test process's environment plus :data:`SUBPROCESS_ENV`."""
    return {**os.environ, **SUBPROCESS_ENV}


@pytest.fixture
def run_python():
    """A function that runs Python ``code`` in a fresh process and returns the completed process."""
    def run(code):
        return subprocess.run([sys.executable, "-c", code], capture_output=True,
                              text=True, env=subprocess_env(), timeout=300)
    return run


@pytest.fixture(scope="session")
def records(tmp_path_factory):
    """What each framework's cells printed, drew and raised, by framework."""
    out = tmp_path_factory.mktemp("cells")
    runs = {}
    for fw in FRAMEWORKS:
        with open(out / f"{fw}.log", "w") as log:
            runs[fw] = subprocess.Popen(
                [sys.executable, str(HERE / "run_cells.py"), fw, str(out / f"{fw}.json")],
                stdout=log, stderr=subprocess.STDOUT, env=subprocess_env())
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
