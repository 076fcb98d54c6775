"""Run one command and measure its wall time, and the CPU time and peak memory of its process tree.

The build starts worker processes that start Jupyter kernels, and not every one of them
is reaped by its parent, so the command's own resource usage misses most of the work. This
module samples the CPU times of the command and all its descendants as well, every
:data:`SAMPLE_SECONDS`, and adds up the last sample of every process it saw (a process
that ends between two samples loses at most that interval's CPU time). The larger of the
two sums is the command's CPU time. The same samples add up the resident memory of the
whole tree; the largest such sum is the command's peak memory (a peak shorter than one
sampling interval can be missed).

Other people's work on the same machine inflates wall times. To tell a slow build from a
busy machine, every measurement also records the CPU time the whole machine spent
meanwhile (from ``/proc/stat``) beyond the command's own: the *others'* CPU time.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

#: Seconds between two samples of the process tree's CPU times.
SAMPLE_SECONDS = 0.1


@dataclass(frozen=True)
class Measurement:
    """What one command took and printed."""

    wall: float
    cpu: float
    others_cpu: float  # CPU seconds the rest of the machine used meanwhile (0 where unknown)
    output: str  # standard output and error, together
    stdout: str = ""  # standard output alone
    peak_rss: int = 0  # bytes: the largest resident memory of the whole process tree seen


class CommandFailed(RuntimeError):
    """A measured command exited with a non-zero status."""


def run(command: list[str], cwd: Path, env: dict[str, str], log: Path | None = None) -> Measurement:
    """Run ``command`` in ``cwd`` with ``env``; return its wall time, CPU time and output.

    Standard output and error are captured (and appended to ``log`` when given).
    Raises :class:`CommandFailed`, quoting the end of the output, when the command fails.
    """
    busy_before = machine_busy_seconds()
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    out: list[str] = []
    err: list[str] = []
    readers = [threading.Thread(target=lambda: out.extend(process.stdout), daemon=True),
               threading.Thread(target=lambda: err.extend(process.stderr), daemon=True)]
    for reader in readers:
        reader.start()
    cpu_seen: dict[tuple[int, float], float] = {}
    peak_rss = 0
    root = psutil.Process(process.pid)
    while True:
        peak_rss = max(peak_rss, _sample(root, cpu_seen))
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = max(sum(cpu_seen.values()), usage.ru_utime + usage.ru_stime)
    others = max(0.0, machine_busy_seconds() - busy_before - cpu)
    for reader in readers:
        reader.join()
    output = "".join(out) + "".join(err)
    if log is not None:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"$ {' '.join(command)}\n{output}\n")
    if process.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-25:])
        raise CommandFailed(
            f"`{' '.join(command)}` in {cwd} exited with status {process.returncode}:\n{tail}"
        )
    return Measurement(wall, cpu, others, output, "".join(out), peak_rss)


def _sample(root: psutil.Process, cpu_seen: dict[tuple[int, float], float]) -> int:
    """Record the CPU time of ``root`` and each of its descendants; return their resident memory."""
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    resident = 0
    for process in processes:
        try:
            with process.oneshot():
                times = process.cpu_times()
                key = (process.pid, process.create_time())
                resident += process.memory_info().rss
        except psutil.Error:
            continue
        cpu_seen[key] = max(cpu_seen.get(key, 0.0), times.user + times.system)
    return resident


def machine_busy_seconds() -> float:
    """The CPU seconds all cores of the machine have spent busy since boot (0 without ``/proc/stat``)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return 0.0
    # cpu  user nice system idle iowait irq softirq steal ...: all but idle and iowait are busy.
    ticks = [int(value) for value in fields[1:9]]
    busy = sum(ticks) - ticks[3] - ticks[4]
    return busy / os.sysconf("SC_CLK_TCK")
