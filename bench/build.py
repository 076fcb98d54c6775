"""One build of the book, as ``make html`` runs it, timed stage by stage.

``make html`` is two commands: ``python -m bookbuild execute`` (execute what the cache
lacks, write the learner notebooks) and ``jupyter-book build . --warningiserror
--keep-going`` (the Sphinx stage). The benchmark runs the same two commands in its copy
and reads from the first one's JSON report (``--json``) which notebooks it executed and how
long each took.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import measure
from .workspace import python, tool


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

    @property
    def peak_rss(self) -> int:
        """The largest resident memory of the build's process tree, in bytes, in either stage."""
        return max(self.execute.peak_rss, self.sphinx.peak_rss)


def execute_command(jobs: int | None, chapters: list[str] = ()) -> list[str]:
    """The command of the execution stage (``make notebooks``), for ``chapters`` (default: all)."""
    return [python(), "-m", "bookbuild", "execute", "--json", *(["--jobs", str(jobs)] if jobs else []),
            *chapters]


def sphinx_command() -> list[str]:
    """The command of the Sphinx stage (the rest of ``make html``)."""
    return [str(tool("jupyter-book")), "build", ".", "--warningiserror", "--keep-going"]


def run_sphinx(root: Path, env: dict[str, str], log: Path) -> measure.Measurement:
    """Run the Sphinx stage in ``root``."""
    return measure.run(sphinx_command(), root, env, log)


def run_execute(
    root: Path, env: dict[str, str], log: Path, jobs: int | None = None, chapters: list[str] = ()
) -> tuple[measure.Measurement, dict[str, float]]:
    """Run the execution stage in ``root``; return its measurement and what it executed (seconds)."""
    execute = measure.run(execute_command(jobs, chapters), root, env, log)
    return execute, json.loads(execute.stdout)["executed"]


def build(root: Path, env: dict[str, str], log: Path, jobs: int | None = None) -> Build:
    """Build the book in ``root`` as ``make html`` does; return what each stage took."""
    execute, executed = run_execute(root, env, log, jobs)
    sphinx = run_sphinx(root, env, log)
    return Build(execute, sphinx, executed)
