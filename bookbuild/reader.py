"""MyST-NB reader: the page notebook of a chapter, merged from the execution cache.

Registered by :mod:`bookbuild.sphinx` for ``.md`` sources. It does not execute anything:
``python -m bookbuild execute`` (run by ``make html``) has filled the cache beforehand, and
a chapter missing from it stops the build with instructions.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from .cache import Cache
from .execute import plan
from .merge import merge
from .split import parse_chapter


class ChapterNotExecuted(RuntimeError):
    """The cache holds no outputs for a chapter's current code."""


def read_chapter(text: str, *, root: str, cache_dir: str) -> nbformat.NotebookNode:
    """Return the page notebook for the MyST Markdown source ``text``.

    A source without code cells is returned as parsed, without outputs.
    """
    chapter = parse_chapter(text)
    jobs = plan([chapter], Path(root))
    if not jobs:
        return chapter.notebook
    cache = Cache(Path(cache_dir))
    executed = {}
    for job in jobs:
        notebook = cache.get(job.key)
        if notebook is None:
            raise ChapterNotExecuted(not_executed_message("A chapter", job.framework))
        executed[job.framework] = notebook
    return merge(chapter, executed)


def not_executed_message(chapter: str, framework: str) -> str:
    """What to say when the cache lacks a chapter's outputs."""
    return (
        f"{chapter} has not been executed for {framework} with its current code; "
        "run `make html` (or `python -m bookbuild execute` before `jupyter-book build`)."
    )


def missing_frameworks(text: str, root: Path, cache_dir: Path) -> list[str]:
    """The frameworks whose notebook of the chapter ``text`` the cache does not hold."""
    cache = Cache(cache_dir)
    return [job.framework for job in plan([parse_chapter(text)], root) if not cache.has(job.key)]
