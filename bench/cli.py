"""``python -m bench`` (``make bench``): measure the book's build and training speed, print tables.

The benchmark is not a test: it never fails on a missed target, it says which targets hold.
It exits non-zero only when something it runs fails (or, with status 2, when the airfoil
data is not available offline).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bookbuild.environments import env_python
from bookbuild.frameworks import FRAMEWORKS

from . import build, edits, environments, measure, naive, report, training
from .sources import chapter_paths
from .workspace import (REPO_ROOT, WorkspaceError, build_environment, copy_repository, data_dir,
                        double_chapters)

#: Where each run's log and JSON results go (ignored by git).
RESULTS_DIR = REPO_ROOT / "bench" / "results"

#: The rebuilds, in the order they run, each after the edit that precedes it (None: no edit).
REBUILDS = (
    ("no-op rebuild", None),
    ("prose edit", edits.prose_edit),
    ("one framework cell edit", edits.framework_cell_edit),
    ("d2l_shim edit", edits.shim_edit),
)


@dataclass(frozen=True)
class Results:
    """Everything one benchmark run measured."""

    environments: dict[str, float]
    clean: build.Build
    doubled: report.Doubled
    baseline: naive.Baseline
    rebuilds: dict[str, tuple[edits.Edit | None, build.Build]]
    speeds: list[training.Speed]


def say(message: str) -> None:
    """Print a line of progress or report at once (the run is long)."""
    print(message, flush=True)


def machine() -> dict:
    """The cores, processor and Python the numbers were measured on."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cores": os.cpu_count(), "cpu": model or platform.processor(),
            "python": platform.python_version(), "system": platform.platform()}


def warm_up(root: Path, env: dict[str, str], log: Path) -> None:
    """Import each framework once, untimed, so that no measurement pays for a cold disk cache."""
    for framework in FRAMEWORKS:
        measure.run([str(env_python(root, framework.name)), "-c", f"import {framework.shim_module}"],
                    root, env, log)


def measure_all(scratch: Path, data: Path, log: Path, jobs: int | None, repeats: int) -> Results:
    """Run every measurement in copies of the repository under ``scratch``."""
    say("bench: kernel environments (uv cold and warm, then pip) ...")
    envs = environments.measure()
    say("bench:   " + ", ".join(f"{name} {value:g}" for name, value in envs.items()))

    book = copy_repository(scratch / "book")
    env = build_environment(book, data)
    warm_up(book, env, log)

    say("bench: clean build (empty cache) ...")
    clean = build.build(book, env, log, jobs)
    say(f"bench:   {clean.wall:.1f} s, {len(clean.executed)} notebook(s) executed, "
        f"peak {clean.peak_rss / 2**30:.2f} GB")

    say("bench: memory, every chapter twice over (execution stage, empty cache) ...")
    twice = copy_repository(scratch / "twice")
    sources = [str(path.relative_to(twice)) for path in double_chapters(twice, chapter_paths(twice))]
    measured, executed = build.run_execute(twice, build_environment(twice, data), log, jobs, sources)
    doubled = report.Doubled(measured, len(executed))
    say(f"bench:   {measured.wall:.1f} s, {len(executed)} notebook(s) executed, "
        f"peak {measured.peak_rss / 2**30:.2f} GB")

    say("bench: naive baseline (one notebook after another, then the book) ...")
    base_root = copy_repository(scratch / "naive")
    base_env = build_environment(base_root, data)
    baseline = naive.run(base_root, base_env, log)
    say(f"bench:   {baseline.wall:.1f} s, {len(baseline.notebooks)} notebook(s) executed")

    rebuilds = {}
    for name, edit in REBUILDS:
        change = edit(book) if edit else None
        say(f"bench: {name}{f' ({change.description})' if change else ''} ...")
        result = build.build(book, env, log, jobs)
        rebuilds[name] = (change, result)
        say(f"bench:   {result.wall:.1f} s, {len(result.executed)} notebook(s) executed")

    say(f"bench: training speed, {repeats} repeat(s) per setting ...")
    speeds = training.run(base_root, base_env, log, repeats)  # the unedited copy
    return Results(envs, clean, doubled, baseline, rebuilds, speeds)


def print_report(results: Results, found: list[report.Target], cores: int, jobs: int | None) -> None:
    """Print the tables and the targets."""
    say("")
    say("## Kernel environments (all frameworks; seconds and MB on disk)\n")
    say(report.environments_table(results.environments))
    say(f"\n## Builds ({cores} cores; `bookbuild execute` with "
        f"{f'--jobs {jobs}' if jobs else 'one worker per core'}; wall and CPU seconds)\n")
    say(report.builds_table(results.clean, [(n, e, b) for n, (e, b) in results.rebuilds.items()],
                            results.baseline))
    for name, (edit, _) in results.rebuilds.items():
        if edit:
            say(f"- {name}: {edit.description}")
    say("\n## Peak memory (resident memory of the whole process tree)\n")
    say(report.memory_table(results.clean, results.doubled))
    say("\n## Each chapter x framework execution\n")
    say(report.notebooks_table(results.clean, results.baseline))
    say("\n## Training speed (the Momentum chapter's runs: lr, momentum = "
        "(0.02, 0.5), (0.01, 0.9), (0.005, 0.9); batch 10; 2 epochs)\n")
    say(report.training_table(results.speeds))
    say("\n## Targets\n")
    say(report.targets_table(found))


def save(path: Path, results: Results, found: list[report.Target], context: dict) -> None:
    """Write the results as JSON."""

    def build_json(result: build.Build) -> dict:
        """The numbers of one build."""
        return {"wall": result.wall, "cpu": result.cpu, "others_cpu": result.others_cpu,
                "peak_rss": result.peak_rss, "execute_wall": result.execute.wall,
                "sphinx_wall": result.sphinx.wall, "executed": result.executed}

    baseline = results.baseline
    data = {
        **context,
        "environments": results.environments,
        "clean": build_json(results.clean),
        "twice_over": {"notebooks": results.doubled.notebooks, "wall": results.doubled.execute.wall,
                       "peak_rss": results.doubled.execute.peak_rss},
        "rebuilds": {name: {"edit": asdict(edit) if edit else None, **build_json(result)}
                     for name, (edit, result) in results.rebuilds.items()},
        "naive": {"runner": baseline.runner, "wall": baseline.wall, "cpu": baseline.cpu,
                  "others_cpu": baseline.others_cpu,
                  "notebooks": {name: m.wall for name, m in baseline.notebooks.items()},
                  "sphinx": baseline.sphinx.wall},
        "training": [asdict(speed) for speed in results.speeds],
        "targets": [asdict(target) for target in found],
    }
    path.write_text(json.dumps(data, indent=1, default=sorted), encoding="utf-8")


def run(jobs: int | None, repeats: int, keep: bool) -> int:
    """Run the whole benchmark, print its report and save its results; return the exit status."""
    try:
        data = data_dir()
    except WorkspaceError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    log = RESULTS_DIR / f"{stamp}.log"
    host = machine()
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    scratch = Path(tempfile.mkdtemp(prefix="d2l-bench-"))
    say(f"bench: {host['cores']} cores ({host['cpu']}), load average {load_before:.1f}; "
        f"working in {scratch}; log in {log.relative_to(REPO_ROOT)}")
    try:
        results = measure_all(scratch, data, log, jobs, repeats)
    except (measure.CommandFailed, WorkspaceError, ValueError) as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    finally:
        if keep:
            say(f"bench: kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    elapsed, load_after = time.perf_counter() - started, os.getloadavg()[0]
    found = report.targets(results.clean, results.rebuilds, results.baseline, results.speeds, host["cores"],
                           results.doubled)
    print_report(results, found, host["cores"], jobs)
    say(f"\nbench: done in {elapsed / 60:.1f} min; load average {load_before:.1f} before, {load_after:.1f} after. "
        "Where the others' load is well above 0.1 cores, other work shared the cores: rerun before trusting a ratio.")
    path = RESULTS_DIR / f"{stamp}.json"
    save(path, results, found, {"machine": host, "command": "make bench", "jobs": jobs, "repeats": repeats,
                                "load_average": [load_before, load_after], "seconds": elapsed})
    say(f"bench: results in {path.relative_to(REPO_ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bench``."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--jobs", type=int, default=None,
                        help="parallel kernels of the build (default: the build's own, one per core)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed repeats of each training run (default: 5)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies of the book")
    args = parser.parse_args(argv)
    if args.repeats < 1 or (args.jobs is not None and args.jobs < 1):
        parser.error("--repeats and --jobs must be at least 1")
    return run(args.jobs, args.repeats, args.keep)
