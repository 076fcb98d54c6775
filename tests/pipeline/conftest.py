"""Fixtures for the pipeline tests: a copy of the small test book, and ways to build it."""

from __future__ import annotations

import os
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


FRONT_MATTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def add_chapter(root: Path, name: str, body: str, title: str | None = None) -> Path:
    """Write ``chapters/<name>.md`` (front matter, a title, ``body``); the TOC is left alone."""
    path = root / "chapters" / f"{name}.md"
    path.write_text(f"{FRONT_MATTER}\n# {title or name.title()}\n{body}", encoding="utf-8")
    return path


def execute_env(**changes: str | None) -> dict[str, str]:
    """This process's environment with ``changes`` (None removes a variable)."""
    env = dict(os.environ)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def execute(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m bookbuild execute`` in ``root``."""
    return subprocess.run(
        [sys.executable, "-m", "bookbuild", "execute", *args],
        cwd=root, capture_output=True, text=True, timeout=600, env=env,
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
