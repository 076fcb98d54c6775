"""Execute per-framework notebooks in fresh kernels, concurrently, through the cache.

One process drives every kernel: each notebook gets a kernel of its own, which is shut
down when the notebook ends, however it ends (finished, failed, timed out, interrupted).
Kernels watch this process (ipykernel's parent poller), so a build killed with
``kill -9`` leaves no kernel behind either.

* A finished notebook enters the cache at once; one that wrote anything to stderr never
  does (a page shows only what its code means to show).
* The first failure stops the notebooks that have not started; the running ones finish.
* The first Ctrl-C (or SIGTERM) stops every kernel within seconds and keeps what had
  finished; a second Ctrl-C kills the kernels and exits at once.
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from ..config import BookConfig
from ..environments import env_python
from .cache import Cache, shim_digest
from .kernel import KERNEL_ENV, ProjectKernels
from .plan import Job
from .split import code_cell_indices

#: Seconds a kernel may take to start.
STARTUP_TIMEOUT = 120

#: Exit status of a build stopped by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED_STATUS = 130


class ExecutionFailed(Exception):
    """A notebook did not run to the end; the message names chapter, framework and cell."""


@dataclass
class ExecutionReport:
    """What one call of :func:`execute` did, job by job (jobs are named ``chapter/framework``).

    ``notebooks`` maps each cache key to its executed notebook, for every job that ran or
    came from the cache; the rest is what ``python -m bookbuild execute --json`` prints.
    """

    executed: dict[str, float] = field(default_factory=dict)
    cached: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    not_run: list[str] = field(default_factory=list)
    interrupted: bool = False
    notebooks: dict[str, nbformat.NotebookNode] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        """Whether every job has its executed notebook."""
        return not (self.failed or self.not_run or self.interrupted)

    def summary(self) -> dict:
        """The report as plain data (job names and seconds; no notebooks)."""
        return {
            "executed": {name: round(seconds, 3) for name, seconds in self.executed.items()},
            "cached": list(self.cached),
            "failed": dict(self.failed),
            "not_run": list(self.not_run),
            "interrupted": self.interrupted,
        }


class _LiveKernels:
    """The kernels running now, so that a second Ctrl-C can kill them without waiting."""

    def __init__(self) -> None:
        self.managers: set[AsyncKernelManager] = set()

    def kill_all(self) -> None:
        """Kill every live kernel's process group at once and remove its connection file."""
        for manager in list(self.managers):
            process = getattr(manager.provisioner, "process", None)
            if process is not None and process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except OSError:
                    pass
            manager.cleanup_connection_file()


async def run_notebook(
    notebook: nbformat.NotebookNode,
    cwd: Path,
    python: Path,
    timeout: int = BookConfig.timeout,
    live: _LiveKernels | None = None,
) -> nbformat.NotebookNode:
    """Execute the code cells of ``notebook`` top to bottom in a fresh kernel of ``python``.

    Returns a notebook of the code cells only, with their outputs. The kernel is shut down
    before this returns or raises. A failure raises :class:`CellExecutionError`,
    :class:`CellTimeoutError` or :class:`DeadKernelError` with ``cell_index`` set to the
    cell that was running, or ``RuntimeError`` with ``cell_index`` None when the kernel
    did not start.
    """
    code = nbformat.v4.new_notebook(
        cells=[cell for cell in notebook.cells if cell.cell_type == "code"],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    manager = AsyncKernelManager(kernel_spec_manager=ProjectKernels(python), kernel_name="python3")
    client = NotebookClient(
        code, km=manager, timeout=timeout, startup_timeout=STARTUP_TIMEOUT,
        record_timing=False, resources={"metadata": {"path": str(cwd)}},
    )
    running: list[int | None] = [None]
    client.on_cell_execute = lambda cell, cell_index: running.__setitem__(0, cell_index)
    live = live if live is not None else _LiveKernels()
    live.managers.add(manager)
    try:
        # The kernel's own start-up chatter (not the notebook's output) stays off the console.
        await client.async_start_new_kernel(stderr=subprocess.DEVNULL, env={**os.environ, **KERNEL_ENV})
        await client.async_start_new_kernel_client()
        for index, cell in enumerate(code.cells):
            await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
    except (CellExecutionError, CellTimeoutError, DeadKernelError, RuntimeError) as error:
        error.cell_index = running[0]
        raise
    finally:
        await _shut_down(client, manager)
        live.managers.discard(manager)
    return code


async def _shut_down(client: NotebookClient, manager: AsyncKernelManager) -> None:
    """Stop the client's channels and kill the kernel, whatever state they are in."""
    if client.kc is not None:
        client.kc.stop_channels()
    try:
        if manager.has_kernel:
            await manager.shutdown_kernel(now=True)
    except RuntimeError:
        pass  # the kernel is gone already
    finally:
        manager.cleanup_connection_file()


def _stderr_cell(notebook: nbformat.NotebookNode) -> tuple[int, str] | None:
    """The first code cell that wrote to stderr, with the first line it wrote."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", ()):
            if output.output_type == "stream" and output.name == "stderr":
                text = output.text.strip()
                return index, (text.splitlines()[0] if text else "(blank)")
    return None


async def _execute_job(job: Job, timeout: int, live: _LiveKernels) -> tuple[nbformat.NotebookNode, float]:
    """Run one job; turn any failure into a message that names chapter, framework and cell."""
    start = time.perf_counter()
    path = job.chapter.path
    where = f"{path.relative_to(job.root) if path.is_relative_to(job.root) else path} [{job.framework}]"

    def cell(index: int) -> str:
        return job.chapter.describe_code_cell(code_cell_indices(job.chapter, job.framework)[index])

    python = env_python(job.root, job.framework)
    if not python.exists():
        raise ExecutionFailed(
            f"{where}: the {job.framework} kernel environment {python.parent.parent.relative_to(job.root)} "
            "does not exist; run `make env` to make it.")
    try:
        executed = await run_notebook(job.notebook, job.chapter.path.parent, python, timeout, live)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        raise ExecutionFailed(f"{where}: {cell(error.cell_index or 0)} failed: {_summary(error)}") from None
    except RuntimeError as error:
        if error.cell_index is not None:
            raise ExecutionFailed(f"{where}: {cell(error.cell_index)} failed: {_summary(error)}") from None
        raise ExecutionFailed(
            f"{where}: the kernel did not start ({_summary(error)}); check that the environment "
            "runs `python -m ipykernel_launcher`, or recreate it with `make distclean env`."
        ) from None
    stderr = _stderr_cell(executed)
    if stderr is not None:
        index, line = stderr
        raise ExecutionFailed(
            f"{where}: {cell(index)} wrote to stderr: {line!r}. Pages show only what the code "
            "means to show: fix the cause or silence it in the cell; the notebook was not cached."
        )
    if shim_digest(job.root) != job.shim:
        # The outputs may come from either version of the shim: file them under neither.
        raise ExecutionFailed(f"{where}: d2l_shim changed while it ran; build again.")
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
    timeout: int = BookConfig.timeout,
) -> ExecutionReport:
    """Execute the jobs that the cache does not hold; report what ran, came cached or failed.

    Up to ``workers`` notebooks (default: the number of cores) run at once, each cell for
    at most ``timeout`` seconds. See the module docstring for failures and interruptions.
    """
    report = ExecutionReport()
    pending = []
    for job in jobs:
        cached = cache.get(job.key)
        if cached is None:
            pending.append(job)
        else:
            report.cached.append(job.name)
            report.notebooks[job.key] = cached
            log(f"  cached    {job.name}")
    if pending:
        workers = max(1, min(workers or os.cpu_count() or 1, len(pending)))
        log(f"  executing {len(pending)} notebook(s) on {workers} worker(s)")
        run_coroutine(_execute_pending(pending, cache, workers, timeout, log, report))
    return report


def run_coroutine(coroutine):
    """Run ``coroutine`` to its end and return its result, from synchronous code.

    When this thread already runs an event loop (a notebook, or a test session that drives a
    browser), the coroutine gets a loop of its own in a thread of its own, without the
    Ctrl-C handling that only the main thread can have.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


async def _execute_pending(
    pending: list[Job], cache: Cache, workers: int, timeout: int,
    log: Callable[[str], None], report: ExecutionReport,
) -> None:
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    live = _LiveKernels()
    slots = asyncio.Semaphore(workers)
    stopped = asyncio.Event()

    def on_signal() -> None:
        if report.interrupted:  # the second one: no more waiting
            live.kill_all()
            os._exit(INTERRUPTED_STATUS)
        report.interrupted = True
        main.cancel()

    async def run(job: Job) -> None:
        async with slots:
            if stopped.is_set():
                return
            try:
                executed, seconds = await _execute_job(job, timeout, live)
            except ExecutionFailed as error:
                if report.interrupted:  # stopped by the interruption, not by its code
                    return
                report.failed[job.name] = str(error)
                log(f"  FAILED    {job.name}")
                stopped.set()
                return
            cache.put(job.key, executed)
            report.notebooks[job.key] = executed
            report.executed[job.name] = seconds
            log(f"  executed  {job.name} in {seconds:.1f} s")

    signals = (signal.SIGINT, signal.SIGTERM) if threading.current_thread() is threading.main_thread() else ()
    for signum in signals:
        loop.add_signal_handler(signum, on_signal)
    tasks = [asyncio.ensure_future(run(job)) for job in pending]
    try:
        await asyncio.gather(*tasks)
    except asyncio.CancelledError:
        # Interrupted: the tasks' own clean-up shuts their kernels down; wait for it.
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)
        done = set(report.executed) | set(report.failed)
        report.not_run = [job.name for job in pending if job.name not in done]
