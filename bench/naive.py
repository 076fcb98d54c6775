"""The naive baseline: every per-framework notebook executed one after another, then the book built.

This is what a build without a content cache or parallelism does: split the chapters into
their per-framework notebooks, run ``jupyter nbconvert --to notebook --execute`` on each in
turn (a fresh kernel each, as the build gives them, with the same kernel environment), then
build the book from the results. When nbconvert is not installed, ``jupyter execute`` (the
command of nbclient, the engine that ``nbconvert --execute`` drives) runs them instead, and
the report names which one ran.

The baseline starts from an empty cache in its own copy of the book, and its Sphinx stage is
the build's own (the executed outputs are put into the cache it reads).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import build, measure
from .workspace import python, tool


@dataclass(frozen=True)
class Baseline:
    """The measurements of the naive baseline."""

    runner: str  # the command that executed the notebooks
    split: measure.Measurement
    notebooks: dict[str, measure.Measurement]  # "<chapter>/<framework>" -> its execution
    fill: measure.Measurement
    assemble: measure.Measurement  # writing the learner notebooks from the filled cache
    sphinx: measure.Measurement

    @property
    def stages(self) -> list[measure.Measurement]:
        """Every command of the baseline, in order."""
        return [self.split, *self.notebooks.values(), self.fill, self.assemble, self.sphinx]

    @property
    def wall(self) -> float:
        """The baseline's wall time: its commands' wall times added up."""
        return sum(stage.wall for stage in self.stages)

    @property
    def cpu(self) -> float:
        """The CPU time of all the baseline's processes."""
        return sum(stage.cpu for stage in self.stages)

    @property
    def others_cpu(self) -> float:
        """The CPU time the rest of the machine used during the baseline."""
        return sum(stage.others_cpu for stage in self.stages)


def runner_command() -> tuple[str, list[str]]:
    """What executes one notebook in place: ``jupyter nbconvert --execute`` when installed,
    else nbclient's ``jupyter execute``; returns a label for the report and the command."""
    nbconvert = tool("jupyter-nbconvert")
    if nbconvert.exists():
        return "jupyter nbconvert --execute", [str(nbconvert), "--to", "notebook", "--execute", "--inplace"]
    return "jupyter execute (nbconvert is not installed)", [str(tool("jupyter-execute")), "--inplace"]


def run(root: Path, env: dict[str, str], log: Path) -> Baseline:
    """Run the naive baseline in the fresh copy ``root``."""
    helper = [python(), "-m", "bench.naive_steps"]
    split = measure.run([*helper, "split", str(root)], root, env, log)
    plan = json.loads(split.stdout)
    kernel_env = {**env, **plan["kernel_env"]}
    label, runner = runner_command()
    notebooks = {}
    for name in plan["notebooks"]:
        path = Path(name)
        notebooks[f"{path.stem}/{path.parent.name}"] = measure.run([*runner, str(path)], root, kernel_env, log)
    fill = measure.run([*helper, "fill-cache", str(root)], root, env, log)
    assemble, executed = build.run_execute(root, env, log)
    if executed:
        raise measure.CommandFailed(
            "the naive baseline's outputs did not fill the execution cache; the build executed "
            f"notebooks again: {', '.join(executed)}"
        )
    sphinx = build.run_sphinx(root, env, log)
    return Baseline(label, split, notebooks, fill, assemble, sphinx)
