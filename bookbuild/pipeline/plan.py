"""Which notebooks a book needs: each chapter in each of its frameworks, with its cache key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .cache import environment_digest, execution_key, shim_digest
from .kernel import KERNEL_ENV
from .split import Chapter, split


@dataclass(frozen=True)
class Job:
    """One chapter in one framework."""

    chapter: Chapter
    framework: str
    notebook: nbformat.NotebookNode
    key: str
    root: Path
    shim: str

    @property
    def name(self) -> str:
        return f"{self.chapter.name}/{self.framework}"


def plan(chapters: Iterable[Chapter], root: Path) -> list[Job]:
    """The jobs for ``chapters``: each chapter's per-framework notebooks and their keys.

    Frameworks without a single code cell in a chapter get no job.
    """
    shim = shim_digest(root)
    environments = {}
    jobs = []
    for chapter in chapters:
        for fw, notebook in split(chapter).items():
            if any(cell.cell_type == "code" for cell in notebook.cells):
                if fw not in environments:
                    environments[fw] = environment_digest(root, KERNEL_ENV, fw)
                key = execution_key(notebook, fw, shim, environments[fw])
                jobs.append(Job(chapter, fw, notebook, key, root, shim))
    return jobs
