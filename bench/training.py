"""Training speed: the shim's ``train_ch11`` against a hand-written loop, per framework.

Each framework runs in its own fresh process (:mod:`bench.train_worker`), one after
another, so that the two loops of a framework share a process and the frameworks never
compete for the cores.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path

from bookbuild.environments import env_python

from . import measure
from .sources import FRAMEWORKS
from .workspace import REPO_ROOT


@dataclass(frozen=True)
class Speed:
    """Seconds per epoch of the shim and of the hand-written loop in one framework."""

    framework: str
    shim: float  # median over repeats of the mean over the chapter's settings
    hand: float
    ratio: float  # median over repeats and settings of shim / hand, each pair run back to back
    max_loss_gap: float  # largest difference of the two loops' final losses
    others_load: float  # cores the rest of the machine used meanwhile, on average
    raw: dict


def _summarize(raw: dict, others_load: float) -> Speed:
    """Condense a worker's JSON report into a :class:`Speed`."""
    settings = raw["settings"]
    repeats = len(settings[0]["shim"])
    shim = [statistics.fmean(s["shim"][r] for s in settings) for r in range(repeats)]
    hand = [statistics.fmean(s["hand"][r] for s in settings) for r in range(repeats)]
    ratios = [a / b for s in settings for a, b in zip(s["shim"], s["hand"])]
    gap = max(abs(s["shim_loss"] - s["hand_loss"]) for s in settings)
    return Speed(raw["framework"], statistics.median(shim), statistics.median(hand),
                 statistics.median(ratios), gap, others_load, raw)


def run(root: Path, env: dict[str, str], log: Path, repeats: int) -> list[Speed]:
    """Measure every framework in the copy ``root``."""
    speeds = []
    for framework in FRAMEWORKS:
        result = measure.run([str(env_python(REPO_ROOT, framework)), "-m", "bench.train_worker", framework,
                              "--repeats", str(repeats)],
                             root, env, log)
        speeds.append(_summarize(json.loads(result.stdout.strip().splitlines()[-1]),
                                 result.others_cpu / result.wall))
    return speeds
