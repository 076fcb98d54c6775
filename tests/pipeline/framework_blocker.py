"""A Python environment in which some frameworks are not installed, as a learner's is.

:func:`blocking_environment` writes a ``sitecustomize`` module that replaces Python's path
finder by one that does not see the blocked top-level modules, and returns the environment
variables under which a child Python (a subprocess or a Jupyter kernel) loads it. There,
``import torch`` fails with ``ModuleNotFoundError`` and ``importlib.util.find_spec("torch")``
is None, exactly as when the package is not installed.
"""

from __future__ import annotations

import os
from pathlib import Path

from bookbuild.frameworks import FRAMEWORKS

#: The variable naming the blocked modules (comma-separated).
BLOCKED_VARIABLE = "D2L_TEST_BLOCKED_MODULES"

SITECUSTOMIZE = f'''\
"""Hide some installed top-level modules (written by the tests' framework_blocker)."""
import importlib.machinery
import os
import sys

_BLOCKED = frozenset(filter(None, os.environ.get("{BLOCKED_VARIABLE}", "").split(",")))


class _PathFinderWithoutBlocked(importlib.machinery.PathFinder):
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname.partition(".")[0] in _BLOCKED:
            return None
        return super().find_spec(fullname, path, target)


sys.meta_path[:] = [
    _PathFinderWithoutBlocked if finder is importlib.machinery.PathFinder else finder
    for finder in sys.meta_path
]
'''


def other_frameworks_packages(framework: str) -> list[str]:
    """The top-level modules of every framework but ``framework``."""
    return [package for fw in FRAMEWORKS if fw.name != framework for package in fw.packages]


def blocking_environment(directory: Path, blocked: list[str]) -> dict[str, str]:
    """Write the blocker into ``directory``; return the variables a child Python needs for it.

    ``PYTHONPATH`` becomes ``directory`` alone, so nothing else of the test process's path
    (such as the repository's ``d2l_shim``) leaks into the child.
    """
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return {"PYTHONPATH": str(directory), BLOCKED_VARIABLE: ",".join(blocked)}


def environ_with(changes: dict[str, str]) -> dict[str, str]:
    """This process's environment with ``changes``."""
    return {**os.environ, **changes}
