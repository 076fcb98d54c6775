"""Command line: ``python -m bookbuild execute [CHAPTER ...]``.

Runs the stages before Sphinx: split each chapter per framework, execute what the cache
lacks (in parallel, in fresh kernels), and write the learner notebooks. ``make html`` runs
it, then ``jupyter-book build``.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from pathlib import Path

from .cache import DEFAULT_CACHE_DIR, Cache
from .execute import CELL_TIMEOUT, INTERRUPTED_STATUS, ExecutionReport, execute, plan
from .notebooks import DEFAULT_NOTEBOOK_DIR, learner_notebook, prune_learner_notebooks, write_learner_notebook
from .split import ChapterError, read_chapter
from .toc import toc_files


def run_execute(
    root: Path, sources: list[Path], workers: int | None, timeout: int, as_json: bool = False
) -> int:
    """Execute the chapters ``sources`` (default: every file in ``_toc.yml``) of the book at ``root``."""
    try:
        paths = sources or toc_files(root)
    except (OSError, KeyError) as error:
        print(f"bookbuild: cannot read the table of contents: {error}", file=sys.stderr)
        return 2
    try:
        chapters = [read_chapter(path) for path in paths]
    except (ChapterError, OSError) as error:
        print(f"bookbuild: {error}", file=sys.stderr)
        return 2
    names = [chapter.name for chapter in chapters]
    clashes = sorted({name for name in names if names.count(name) > 1})
    if clashes:
        print(f"bookbuild: chapter file names must be unique, and these repeat: {clashes}", file=sys.stderr)
        return 2
    jobs = plan(chapters, root)
    # With --json, stdout carries the report alone; progress goes to stderr.
    progress = sys.stderr if as_json else sys.stdout
    say = functools.partial(print, file=progress, flush=True)
    say(f"bookbuild: {len(chapters)} source(s), {len(jobs)} chapter x framework notebook(s)")
    start = time.perf_counter()
    report = execute(jobs, Cache(root / DEFAULT_CACHE_DIR), workers, log=say, timeout=timeout)
    if as_json:
        print(json.dumps(report.summary(), indent=2))
    if report.interrupted:
        say(f"bookbuild: interrupted; {_kept(report)}")
        return INTERRUPTED_STATUS
    if not report.ok:
        failures = "\n".join(report.failed.values())
        print(f"bookbuild: execution failed\n{failures}\n{_kept(report)}", file=sys.stderr)
        return 1
    notebook_dir = root / DEFAULT_NOTEBOOK_DIR
    written = sum(
        write_learner_notebook(
            notebook_dir, job.chapter, job.framework,
            learner_notebook(job.notebook, report.notebooks[job.key], job.framework),
        )
        for job in jobs
    )
    if not sources:  # the whole book: notebooks of chapters it no longer has go
        prune_learner_notebooks(notebook_dir, [(job.chapter.name, job.framework) for job in jobs])
    say(
        f"bookbuild: done in {time.perf_counter() - start:.1f} s; "
        f"{written} notebook(s) written, {len(jobs) - written} unchanged"
    )
    return 0


def _kept(report: ExecutionReport) -> str:
    """One line on what this run leaves in the cache."""
    return (
        f"kept {len(report.executed)} newly executed notebook(s) in the cache "
        f"({len(report.cached)} were cached already, {len(report.not_run)} not run)"
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bookbuild``."""
    parser = argparse.ArgumentParser(prog="python -m bookbuild", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("execute", help="execute chapters (cached) and write learner notebooks")
    run.add_argument("chapters", nargs="*", type=Path, help="chapter sources (default: all in _toc.yml)")
    run.add_argument("--root", type=Path, default=Path.cwd(), help="the book's root (default: .)")
    run.add_argument("-j", "--jobs", type=int, default=None, help="parallel kernels (default: cores)")
    run.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="seconds a cell may run")
    run.add_argument("--json", action="store_true", help="print the execution report as JSON on stdout")
    args = parser.parse_args(argv)
    if args.timeout < 1:
        parser.error(f"--timeout must be a positive number of seconds, got {args.timeout}")
    root = args.root.resolve()
    sources = [path.resolve() for path in args.chapters]
    return run_execute(root, sources, args.jobs, args.timeout, args.json)
