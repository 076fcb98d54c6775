"""Command line: ``python -m bookbuild execute [CHAPTER ...]``.

Runs the stages before Sphinx: split each chapter per framework, execute what the cache
lacks (in parallel, in fresh kernels), and write the learner notebooks. ``make html`` runs
it, then ``jupyter-book build``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .cache import DEFAULT_CACHE_DIR, Cache
from .execute import CELL_TIMEOUT, ExecutionFailed, execute, plan
from .notebooks import DEFAULT_NOTEBOOK_DIR, learner_notebook, write_learner_notebook
from .split import read_chapter
from .toc import toc_files


def run_execute(root: Path, sources: list[Path], workers: int | None, timeout: int) -> int:
    """Execute the chapters ``sources`` (default: every file in ``_toc.yml``) of the book at ``root``."""
    try:
        paths = sources or toc_files(root)
    except (OSError, KeyError) as error:
        print(f"bookbuild: cannot read the table of contents: {error}", file=sys.stderr)
        return 2
    chapters = [read_chapter(path) for path in paths]
    names = [chapter.name for chapter in chapters]
    clashes = sorted({name for name in names if names.count(name) > 1})
    if clashes:
        print(f"bookbuild: chapter file names must be unique, and these repeat: {clashes}", file=sys.stderr)
        return 2
    jobs = plan(chapters, root)
    print(f"bookbuild: {len(chapters)} source(s), {len(jobs)} chapter x framework notebook(s)")
    start = time.perf_counter()
    try:
        executed = execute(jobs, Cache(root / DEFAULT_CACHE_DIR), workers, timeout=timeout)
    except ExecutionFailed as error:
        print(f"bookbuild: execution failed\n{error}", file=sys.stderr)
        return 1
    written = sum(
        write_learner_notebook(
            root / DEFAULT_NOTEBOOK_DIR, job.chapter, job.framework,
            learner_notebook(job.notebook, executed[job.key], job.framework),
        )
        for job in jobs
    )
    print(
        f"bookbuild: done in {time.perf_counter() - start:.1f} s; "
        f"{written} notebook(s) written, {len(jobs) - written} unchanged"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bookbuild``."""
    parser = argparse.ArgumentParser(prog="python -m bookbuild", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("execute", help="execute chapters (cached) and write learner notebooks")
    run.add_argument("chapters", nargs="*", type=Path, help="chapter sources (default: all in _toc.yml)")
    run.add_argument("--root", type=Path, default=Path.cwd(), help="the book's root (default: .)")
    run.add_argument("-j", "--jobs", type=int, default=None, help="parallel kernels (default: cores)")
    run.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="seconds a cell may run")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    sources = [path.resolve() for path in args.chapters]
    return run_execute(root, sources, args.jobs, args.timeout)
