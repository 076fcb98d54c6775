"""Every kernel ends with its notebook, and a stopped build leaves no process behind.

Kernels are found as the processes that carry the build's process id in ``JPY_PARENT_PID``
(jupyter_client sets it for every kernel it starts), so a kernel that outlived its build is
found even after it was re-parented.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbclient.exceptions import CellTimeoutError

from bookbuild.frameworks import FRAMEWORKS
from bookbuild.pipeline.cache import Cache
from bookbuild.pipeline.execute import run_coroutine, run_notebook

from minibook import add_chapter, execute_env

#: A kernel needs no framework here: the toolchain's own Python starts it.
PYTHON = Path(sys.executable)
#: The notebooks of one chapter.
PER_CHAPTER = len(FRAMEWORKS.names)

SLEEPER = """
```{code-cell} ipython3
import time
print("started", flush=True)
time.sleep(300)
```
"""


def kernels_of(pid: int) -> list[psutil.Process]:
    """Live kernels started by the process ``pid`` (which may be gone by now)."""
    found = []
    for process in psutil.process_iter(["pid"]):
        try:
            if process.environ().get("JPY_PARENT_PID") == str(pid) and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def wait_until(condition, seconds: float, step: float = 0.1) -> bool:
    """Poll ``condition`` for up to ``seconds``; return its last value."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


def start_build(root: Path, *args: str, runtime_dir: Path) -> subprocess.Popen:
    """Start ``python -m bookbuild execute`` in ``root`` without waiting for it."""
    return subprocess.Popen(
        [sys.executable, "-m", "bookbuild", "execute", *args], cwd=root,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=execute_env(JUPYTER_RUNTIME_DIR=str(runtime_dir)),
    )


def code_notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def test_kernel_is_shut_down_when_its_notebook_ends(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    executed = run_coroutine(run_notebook(code_notebook("print(6 * 7)"), tmp_path, PYTHON))
    assert executed.cells[0].outputs[0].text == "42\n"
    assert kernels_of(os.getpid()) == []
    assert list(tmp_path.glob("kernel-*.json")) == []


def test_timed_out_kernel_is_stopped_at_once(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    start = time.monotonic()
    with pytest.raises(CellTimeoutError) as raised:
        run_coroutine(run_notebook(code_notebook("x = 1", "while True: pass"), tmp_path, PYTHON, timeout=2))
    assert raised.value.cell_index == 1
    assert time.monotonic() - start < 60
    assert kernels_of(os.getpid()) == []
    assert list(tmp_path.glob("kernel-*.json")) == []


def test_build_leaves_no_kernel_and_no_connection_file(book, tmp_path):
    build = start_build(book, runtime_dir=tmp_path)
    out, err = build.communicate(timeout=600)
    assert build.returncode == 0, err
    assert kernels_of(build.pid) == []
    assert list(tmp_path.glob("kernel-*.json")) == []


def test_kill_9_leaves_no_process_behind(book, tmp_path):
    add_chapter(book, "sleeper", SLEEPER)
    build = start_build(book, "chapters/sleeper.md", runtime_dir=tmp_path)
    assert wait_until(lambda: len(kernels_of(build.pid)) == 2, 120), "kernels did not start"
    kernels = kernels_of(build.pid)
    build.kill()
    build.wait(timeout=10)
    assert wait_until(lambda: not any(k.is_running() and k.status() != psutil.STATUS_ZOMBIE for k in kernels), 15)
    assert kernels_of(build.pid) == []


def test_ctrl_c_stops_within_seconds_and_keeps_what_finished(book, tmp_path):
    add_chapter(book, "sleeper", SLEEPER)
    build = start_build(book, "--jobs", str(2 * PER_CHAPTER), "chapters/plain.md", "chapters/sleeper.md",
                        runtime_dir=tmp_path)
    finished = []

    def plain_done():
        line = build.stdout.readline()
        if line.split()[:1] == ["executed"]:
            finished.append(line.split()[1])
        return len(finished) == PER_CHAPTER

    assert wait_until(plain_done, 120, step=0), finished
    assert wait_until(lambda: len(kernels_of(build.pid)) == PER_CHAPTER, 60)
    start = time.monotonic()
    build.send_signal(signal.SIGINT)
    out, err = build.communicate(timeout=30)
    assert time.monotonic() - start < 10
    assert build.returncode == 130
    assert "Traceback" not in err
    lines = [line for line in out.splitlines() if "interrupted" in line]
    assert lines == [f"bookbuild: interrupted; kept {PER_CHAPTER} newly executed notebook(s) in the cache "
                     f"(0 were cached already, {PER_CHAPTER} not run)"]
    assert len(list(Cache(book / ".cache/executed").directory.glob("*.ipynb"))) == PER_CHAPTER
    assert kernels_of(build.pid) == []
    assert list(tmp_path.glob("kernel-*.json")) == []


def test_second_ctrl_c_exits_at_once(book, tmp_path):
    add_chapter(book, "sleeper", SLEEPER)
    build = start_build(book, "--jobs", "3", "chapters/sleeper.md", runtime_dir=tmp_path)
    assert wait_until(lambda: len(kernels_of(build.pid)) == 3, 120)
    kernels = kernels_of(build.pid)
    build.send_signal(signal.SIGINT)
    build.send_signal(signal.SIGINT)
    build.wait(timeout=5)
    assert build.returncode == 130
    assert wait_until(lambda: not any(k.is_running() and k.status() != psutil.STATUS_ZOMBIE for k in kernels), 5)
