"""Stage 2: execute per-framework notebooks in fresh kernels, in parallel, through the cache."""

from __future__ import annotations

import functools
import os
import subprocess
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import nbformat
from ipykernel.kernelspec import get_kernel_dict
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from .cache import Cache, environment_digest, execution_key, shim_digest
from .split import Chapter, code_cell_indices, split

#: Environment of every kernel: batch plotting in the shim, reproducible SVG metadata, and
#: none of TensorFlow's start-up logging on the pages (its oneDNN notice is printed before
#: its log level applies, so oneDNN's custom operations are switched off instead).
KERNEL_ENV = {
    "D2L_LIVE_PLOTS": "0",
    "SOURCE_DATE_EPOCH": "0",
    "PYTHONHASHSEED": "0",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_ENABLE_ONEDNN_OPTS": "0",
}

#: Seconds one cell may run before the build gives up on it (``--timeout``).
CELL_TIMEOUT = 1200


class ExecutionFailed(Exception):
    """A notebook did not run to the end; the message names chapter, framework and cell."""


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
    shim, environment = shim_digest(root), environment_digest(root, KERNEL_ENV)
    jobs = []
    for chapter in chapters:
        for fw, notebook in split(chapter).items():
            if any(cell.cell_type == "code" for cell in notebook.cells):
                key = execution_key(notebook, fw, shim, environment)
                jobs.append(Job(chapter, fw, notebook, key, root, shim))
    return jobs


class _ProjectKernels(KernelSpecManager):
    """Kernel specs that always start this process's Python, whatever is installed elsewhere."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(resource_dir="", **get_kernel_dict())


def run_notebook(
    notebook: nbformat.NotebookNode, cwd: Path, timeout: int = CELL_TIMEOUT
) -> nbformat.NotebookNode:
    """Execute the code cells of ``notebook`` top to bottom in a fresh kernel.

    Returns a notebook of the code cells only, with their outputs. Raises
    :class:`CellExecutionError` (with ``cell_index`` set) when a cell fails.
    """
    code = nbformat.v4.new_notebook(
        cells=[cell for cell in notebook.cells if cell.cell_type == "code"],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    os.environ.update(KERNEL_ENV)
    manager = AsyncKernelManager(kernel_spec_manager=_ProjectKernels(), kernel_name="python3")
    client = NotebookClient(
        code, km=manager, timeout=timeout, record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    failed_at: list[int] = []
    client.on_cell_error = lambda cell, cell_index, execute_reply: failed_at.append(cell_index)
    try:
        # The kernel's own start-up chatter (not the notebook's output) stays off the console.
        client.execute(stderr=subprocess.DEVNULL)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        error.cell_index = failed_at[0] if failed_at else _current_cell(code)
        raise
    return code


def _current_cell(notebook: nbformat.NotebookNode) -> int:
    """Index of the last cell that started executing (for timeouts and dead kernels)."""
    started = [i for i, cell in enumerate(notebook.cells) if cell.get("execution_count")]
    return started[-1] if started else 0


def _execute_job(job: Job, timeout: int) -> tuple[nbformat.NotebookNode, float]:
    """Worker: run one job; turn a cell failure into a message that names the cell."""
    start = time.perf_counter()
    try:
        executed = run_notebook(job.notebook, job.chapter.path.parent, timeout)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        chapter_index = code_cell_indices(job.chapter, job.framework)[error.cell_index]
        where = job.chapter.describe_code_cell(chapter_index)
        summary = _summary(error)
        raise ExecutionFailed(
            f"{job.chapter.path} [{job.framework}]: {where} failed: {summary}"
        ) from None
    if shim_digest(job.root) != job.shim:
        # The outputs may come from either version of the shim: file them under neither.
        raise ExecutionFailed(
            f"{job.chapter.path} [{job.framework}]: d2l_shim changed while it ran; build again."
        )
    return executed, time.perf_counter() - start


def _summary(error: Exception) -> str:
    """``Type: message`` of a cell's failure."""
    if isinstance(error, CellExecutionError):
        return f"{error.ename}: {error.evalue}"
    first_line = next(iter(str(error).strip().splitlines()), "")
    return f"{type(error).__name__}: {first_line}"


def execute(
    jobs: list[Job],
    cache: Cache,
    workers: int | None = None,
    log: Callable[[str], None] = functools.partial(print, flush=True),
    timeout: int = CELL_TIMEOUT,
) -> dict[str, nbformat.NotebookNode]:
    """Execute the jobs that the cache does not hold; return every job's executed notebook.

    Jobs run in parallel in worker processes, up to ``workers`` (default: the number of
    cores), each cell for at most ``timeout`` seconds. The first failure cancels the jobs
    not yet started; the ones running finish.
    Raises :class:`ExecutionFailed` listing every failure.
    """
    results: dict[str, nbformat.NotebookNode] = {}
    pending = []
    for job in jobs:
        cached = cache.get(job.key)
        if cached is None:
            pending.append(job)
        else:
            results[job.key] = cached
            log(f"  cached    {job.name}")
    if not pending:
        return results
    workers = max(1, min(workers or os.cpu_count() or 1, len(pending)))
    log(f"  executing {len(pending)} notebook(s) on {workers} worker(s)")
    failures = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_execute_job, job, timeout): job for job in pending}
        remaining = set(futures)
        while remaining:
            done, remaining = wait(remaining, return_when=FIRST_COMPLETED)
            for future in done:
                job = futures[future]
                if future.cancelled():
                    continue
                try:
                    executed, seconds = future.result()
                except ExecutionFailed as error:
                    failures.append(str(error))
                    log(f"  FAILED    {job.name}")
                    for other in remaining:
                        other.cancel()
                    continue
                cache.put(job.key, executed)
                results[job.key] = executed
                log(f"  executed  {job.name} in {seconds:.1f} s")
    if failures:
        raise ExecutionFailed("\n".join(failures))
    return results
