"""One build of the book, as ``make html`` runs it, timed stage by stage.

``make html`` is two commands: ``python -m bookbuild execute`` (execute what the cache
lacks, write the learner notebooks) and ``jupyter-book build . --warningiserror
--keep-going`` (the Sphinx stage). The benchmark runs the same two commands in its copy
and reads from the first one's log which notebooks it executed and how long each took.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import measure
from .workspace import python, tool

_EXECUTED = re.compile(r"^\s*executed\s+(\S+)\s+in\s+([0-9.]+)\s*s\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Build:
    """The measurements of one build."""

    execute: measure.Measurement
    sphinx: measure.Measurement
    executed: dict[str, float]  # notebook -> seconds, as the build reported it

    @property
    def wall(self) -> float:
        """The build's wall time, both stages."""
        return self.execute.wall + self.sphinx.wall

    @property
    def cpu(self) -> float:
        """The CPU time of all the build's processes, kernels included."""
        return self.execute.cpu + self.sphinx.cpu

    @property
    def others_cpu(self) -> float:
        """The CPU time the rest of the machine used during the build."""
        return self.execute.others_cpu + self.sphinx.others_cpu


def execute_command(jobs: int | None) -> list[str]:
    """The command of the execution stage (``make notebooks``)."""
    return [python(), "-m", "bookbuild", "execute", *(["--jobs", str(jobs)] if jobs else [])]


def sphinx_command() -> list[str]:
    """The command of the Sphinx stage (the rest of ``make html``)."""
    return [str(tool("jupyter-book")), "build", ".", "--warningiserror", "--keep-going"]


def run_sphinx(root: Path, env: dict[str, str], log: Path) -> measure.Measurement:
    """Run the Sphinx stage in ``root``."""
    return measure.run(sphinx_command(), root, env, log)


def build(root: Path, env: dict[str, str], log: Path, jobs: int | None = None) -> Build:
    """Build the book in ``root`` as ``make html`` does; return what each stage took."""
    execute = measure.run(execute_command(jobs), root, env, log)
    sphinx = run_sphinx(root, env, log)
    return Build(
        execute,
        sphinx,
        {name: float(seconds) for name, seconds in _EXECUTED.findall(execute.output)},
    )
