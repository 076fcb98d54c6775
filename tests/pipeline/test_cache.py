"""The execution cache: unchanged work never runs twice, and only what changed re-runs."""

import os
import signal
import subprocess
import sys
import time

import nbformat

from minibook import execute, execute_report

from bookbuild.environments import lock_file
from bookbuild.frameworks import FRAMEWORKS

ALL = sorted(f"{chapter}/{fw}" for chapter in ("plain", "tabs") for fw in FRAMEWORKS.names)


def executed_names(book, *args: str) -> list[str]:
    """The chapter/framework names a successful run of the book's build executed."""
    result, report = execute_report(book, *args)
    assert result.returncode == 0, result.stderr
    return sorted(report["executed"])


def first_run(book):
    assert executed_names(book) == ALL


def test_second_run_executes_nothing(book):
    first_run(book)
    result, report = execute_report(book)
    assert result.returncode == 0
    assert report["executed"] == {}
    assert sorted(report["cached"]) == ALL
    assert report["learner_notebooks"] == {"written": [], "unchanged": len(ALL)}


def test_prose_edit_executes_nothing(book):
    first_run(book)
    chapter = book / "chapters/tabs.md"
    chapter.write_text(chapter.read_text().replace("Prose before any code", "Other words before the code"))
    assert executed_names(book) == []


def test_one_framework_cell_edit_executes_exactly_that_notebook(book):
    first_run(book)
    chapter = book / "chapters/tabs.md"
    chapter.write_text(chapter.read_text().replace('framework = "pytorch"', 'framework = "pytorch"  # edited'))
    assert executed_names(book) == ["tabs/pytorch"]


def test_shim_edit_reexecutes_the_notebooks_that_import_it(book):
    first_run(book)
    (book / "d2l_shim/__init__.py").write_text('"""Edited stand-in."""\n')
    assert executed_names(book) == sorted(f"tabs/{fw}" for fw in FRAMEWORKS.names)


def test_one_lock_file_edit_reexecutes_that_frameworks_notebooks_only(book):
    first_run(book)
    lock = lock_file(book, "tensorflow")
    lock.parent.mkdir(exist_ok=True)
    lock.write_text("numpy==2.4.6\n")
    assert executed_names(book) == ["plain/tensorflow", "tabs/tensorflow"]
    (book / "requirements.txt").write_text("pytest==9.2.0\n")  # the toolchain's pins change no output
    assert executed_names(book) == []


def test_interrupted_build_leaves_no_entry_a_later_build_trusts(book):
    chapter = book / "chapters/plain.md"
    chapter.write_text(chapter.read_text().replace("print(sum(range(10)))", "import time\ntime.sleep(60)"))
    process = subprocess.Popen(
        [sys.executable, "-m", "bookbuild", "execute", "--jobs", "1"],
        cwd=book, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    deadline = time.monotonic() + 120  # wait until a notebook has finished, so the cache is in use
    while not list(book.glob(".cache/executed/[!.]*.ipynb")) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    # A kill may leave a temporary file behind, but every entry a build can find is complete.
    entries = sorted((book / ".cache/executed").glob("[!.]*.ipynb"))
    assert entries
    for entry in entries:
        nbformat.validate(nbformat.read(entry, as_version=4))
    chapter.write_text(chapter.read_text().replace("time.sleep(60)", "print('resumed')"))
    result, report = execute_report(book)
    assert result.returncode == 0, result.stderr
    assert len(report["executed"]) + len(report["cached"]) == len(ALL)
    assert "plain/mxnet" in report["executed"]


def test_shim_edited_during_execution_is_not_cached(book):
    chapter = book / "chapters/plain.md"
    edit = 'open("../d2l_shim/__init__.py", "a").write("# edited while running\\n")'
    chapter.write_text(chapter.read_text().replace("print(sum(range(10)))", edit))
    result = execute(book, "--jobs", "1", "chapters/plain.md")
    assert result.returncode == 1
    assert "d2l_shim changed while it ran; build again" in result.stderr
    assert list(book.glob(".cache/executed/*.ipynb")) == []
