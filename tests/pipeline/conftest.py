"""Fixtures for the pipeline tests: a copy of the small test book, and ways to build it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TEMPLATE = Path(__file__).parent / "book"
BIN = Path(sys.executable).parent


def copy_book(destination: Path) -> Path:
    """A fresh copy of the test book (with an empty ``d2l_shim`` stand-in for cache keys)."""
    shutil.copytree(TEMPLATE, destination)
    shim = destination / "d2l_shim"
    shim.mkdir()
    (shim / "__init__.py").write_text('"""Stand-in whose source feeds the cache key."""\n')
    return destination


def execute(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``python -m bookbuild execute`` in ``root``."""
    return subprocess.run(
        [sys.executable, "-m", "bookbuild", "execute", *args],
        cwd=root, capture_output=True, text=True, timeout=600,
    )


def build_html(root: Path) -> subprocess.CompletedProcess:
    """Run ``jupyter-book build`` in ``root`` the way ``make html`` does."""
    return subprocess.run(
        [str(BIN / "jupyter-book"), "build", ".", "--warningiserror", "--keep-going"],
        cwd=root, capture_output=True, text=True, timeout=600,
    )


def executed_names(result: subprocess.CompletedProcess) -> list[str]:
    """The chapter/framework names the run reports as executed."""
    return sorted(line.split()[1] for line in result.stdout.splitlines() if line.split()[:1] == ["executed"])


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A fresh, never executed copy of the test book."""
    return copy_book(tmp_path / "book")


@pytest.fixture(scope="module")
def built_book(tmp_path_factory) -> Path:
    """The test book, executed and built to HTML once for a module."""
    root = copy_book(tmp_path_factory.mktemp("built") / "book")
    result = execute(root)
    assert result.returncode == 0, result.stderr
    result = build_html(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root
