"""MyST-NB reader: the page notebook of a chapter, merged from the execution cache.

Registered by :mod:`bookbuild.sphinxext` for ``.md`` sources. It executes nothing:
``python -m bookbuild execute`` (run by ``make html``) has filled the cache beforehand. A
chapter whose notebooks the cache lacks is read without outputs and reported, together
with every other such chapter, before any page is written (see :mod:`bookbuild.sphinxext`).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from ..pipeline.cache import Cache
from ..pipeline.plan import Job, plan
from ..pipeline.split import parse_chapter
from .merge import merge


def page_notebook(text: str, *, root: str, cache_dir: str) -> nbformat.NotebookNode:
    """Return the page notebook for the MyST Markdown source ``text``.

    A source without code cells, or one not executed yet, is returned as parsed, without outputs.
    """
    chapter = parse_chapter(text)
    jobs = plan([chapter], Path(root))
    executed = cached_notebooks(jobs, Path(cache_dir))
    if not jobs or len(executed) < len(jobs):
        return chapter.notebook
    return merge(chapter, executed)


def cached_notebooks(jobs: list[Job], cache_dir: Path) -> dict[str, nbformat.NotebookNode]:
    """The executed notebook of each job that the cache holds, by framework."""
    cache = Cache(cache_dir)
    found = {job.framework: cache.get(job.key) for job in jobs}
    return {framework: notebook for framework, notebook in found.items() if notebook is not None}


def missing_frameworks(text: str, root: Path, cache_dir: Path) -> list[str]:
    """The frameworks whose notebook of the chapter ``text`` the cache does not hold."""
    jobs = plan([parse_chapter(text)], root)
    executed = cached_notebooks(jobs, cache_dir)
    return [job.framework for job in jobs if job.framework not in executed]
