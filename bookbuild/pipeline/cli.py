"""Command line: ``python -m bookbuild execute [CHAPTER ...]``, ``pdf``, ``envs`` and ``lock``.

``execute`` runs the stages before Sphinx: split each chapter per framework, execute what
the cache lacks (concurrently, in fresh kernels), and write the learner notebooks. ``make
html`` runs it, then ``jupyter-book build``. Its settings come from ``_config.yml`` (see
:mod:`bookbuild.config`); ``--jobs`` and ``--timeout`` override them for one run. ``pdf``
builds the PDFs from the cache (``make pdf``; see :mod:`bookbuild.pdf`).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import sys
import time
from pathlib import Path

from ..config import BookConfig, ConfigError, read_book_config
from ..environments import EnvironmentFailed, compile_lock, make_envs
from ..frameworks import FRAMEWORKS
from .cache import Cache
from .execute import INTERRUPTED_STATUS, ExecutionReport, execute
from .learner import LearnerError, learner_notebook, prune_learner_notebooks, write_archives, write_learner_notebook
from .learner_markdown import BookIndex, ConversionError
from .plan import plan
from .split import ChapterError, load_chapter
from .toc import toc_files


def run_execute(
    root: Path, sources: list[Path], config: BookConfig, workers: int | None, as_json: bool = False
) -> int:
    """Execute the chapters ``sources`` (default: every file in ``_toc.yml``) of the book at ``root``."""
    try:
        paths = sources or toc_files(root)
    except (OSError, KeyError) as error:
        print(f"bookbuild: cannot read the table of contents: {error}", file=sys.stderr)
        return 2
    try:
        chapters = [load_chapter(path) for path in paths]
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
    say = functools.partial(print, file=sys.stderr if as_json else sys.stdout, flush=True)
    say(f"bookbuild: {len(chapters)} source(s), {len(jobs)} chapter x framework notebook(s)")
    start = time.perf_counter()
    report = execute(jobs, Cache(config.cache_path(root)), workers, log=say, timeout=config.timeout)
    summary = report.summary()
    status = 0
    if report.interrupted:
        say(f"bookbuild: interrupted; {_kept(report)}")
        status = INTERRUPTED_STATUS
    elif not report.ok:
        failures = "\n".join(report.failed.values())
        print(f"bookbuild: execution failed\n{failures}\n{_kept(report)}", file=sys.stderr)
        status = 1
    else:
        notebook_dir = config.notebook_path(root)
        try:
            index = BookIndex.build(root, config)
            written = [
                job.name for job in jobs
                if write_learner_notebook(
                    notebook_dir, job.chapter, job.framework,
                    learner_notebook(job.chapter, job.notebook, report.notebooks[job.key], job.framework, index),
                )
            ]
            if not sources:  # the whole book: notebooks of chapters it no longer has go
                prune_learner_notebooks(notebook_dir, [(job.chapter.name, job.framework) for job in jobs])
            book_chapters = [load_chapter(path) for path in toc_files(root)]
            archives = write_archives(root, notebook_dir, book_chapters, index)
        except (ConversionError, LearnerError, ChapterError) as error:
            print(f"bookbuild: cannot write the learner notebooks: {error}", file=sys.stderr)
            return 2
        summary["learner_notebooks"] = {"written": written, "unchanged": len(jobs) - len(written)}
        summary["archives"] = [path.name for path in archives]
        say(
            f"bookbuild: done in {time.perf_counter() - start:.1f} s; "
            f"{len(written)} notebook(s) written, {len(jobs) - len(written)} unchanged"
        )
    if as_json:
        print(json.dumps(summary, indent=2))
    return status


def run_environments(command: str, root: Path, names: list[str]) -> int:
    """``envs``: make the kernel environments that are not current; ``lock``: compile lock files."""
    try:
        frameworks = [FRAMEWORKS[name] for name in names] if names else list(FRAMEWORKS)
    except KeyError as error:
        print(f"bookbuild: {error.args[0]}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        if command == "lock":
            for framework in frameworks:
                print(f"bookbuild: wrote {compile_lock(root, framework).relative_to(root)}", flush=True)
            return 0
        made = make_envs(root, frameworks, log=functools.partial(print, flush=True))
    except EnvironmentFailed as error:
        print(f"bookbuild: {error}", file=sys.stderr)
        return 1
    print(f"bookbuild: {len(made)} kernel environment(s) made, {len(frameworks) - len(made)} current, "
          f"in {time.perf_counter() - start:.1f} s")
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
    run.add_argument("-j", "--jobs", type=int, default=None, help="notebooks run at once (default: cores)")
    run.add_argument("--timeout", type=int, default=None,
                     help="seconds a cell may run (default: bookbuild.timeout in _config.yml)")
    run.add_argument("--json", action="store_true", help="print the execution report as JSON on stdout")
    envs = commands.add_parser("envs", help="make each framework's kernel environment that is not current")
    envs.add_argument("frameworks", nargs="*", help="frameworks (default: all)")
    envs.add_argument("--root", type=Path, default=Path.cwd(), help="the book's root (default: .)")
    lock = commands.add_parser("lock", help="compile requirements/<framework>.in into its lock file")
    lock.add_argument("frameworks", nargs="*", help="frameworks (default: all)")
    lock.add_argument("--root", type=Path, default=Path.cwd(), help="the book's root (default: .)")
    pdf = commands.add_parser("pdf", help="build one PDF per framework from the cache (see bookbuild.pdf)")
    pdf.add_argument("frameworks", nargs="*", help="frameworks to build (default: all)")
    pdf.add_argument("--root", type=Path, default=Path.cwd(), help="the book's root (default: .)")
    pdf.add_argument("--apt-packages", action="store_true",
                     help="print the Debian packages of the TeX system it needs, and stop")
    pdf.add_argument("--check-tex", action="store_true",
                     help="only check that TeX is installed (exit 3 and say how to install it if not)")
    args = parser.parse_args(argv)
    if args.command in ("envs", "lock"):
        return run_environments(args.command, args.root.resolve(), args.frameworks)
    if args.command == "pdf":
        from ..pdf import TEX_PACKAGES, build_pdfs, check_tex

        if args.apt_packages:
            print(" ".join(TEX_PACKAGES))
            return 0
        if args.check_tex:
            return check_tex()
        return build_pdfs(args.root.resolve(), args.frameworks)
    if args.timeout is not None and args.timeout < 1:
        parser.error(f"--timeout must be a positive number of seconds, got {args.timeout}")
    if args.jobs is not None and args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    root = args.root.resolve()
    try:
        config = read_book_config(root)
    except ConfigError as error:
        print(f"bookbuild: {error}", file=sys.stderr)
        return 2
    if args.timeout is not None:
        config = dataclasses.replace(config, timeout=args.timeout)
    sources = [path.resolve() for path in args.chapters]
    return run_execute(root, sources, config, args.jobs, args.json)
