"""The small test book of the pipeline and extension tests, and ways to build a copy of it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bookbuild.environments import ENVS_DIR, env_dir
from bookbuild.frameworks import FRAMEWORKS

TEMPLATE = Path(__file__).parent / "book"
BIN = Path(sys.executable).parent


#: The book's own root, whose kernel environments the test book's kernels use.
BOOK_ROOT = Path(__file__).resolve().parents[2]


def copy_book(destination: Path) -> Path:
    """A fresh copy of the test book (with an empty ``d2l_shim`` stand-in for cache keys).

    Its kernel environments are the book's own; the tests' NumPy framework runs in the
    toolchain's environment, which has NumPy and no framework.
    """
    shutil.copytree(TEMPLATE, destination)
    envs = destination / ENVS_DIR
    envs.mkdir()
    for framework in FRAMEWORKS.names:
        (envs / framework).symlink_to(env_dir(BOOK_ROOT, framework))
    (envs / "numpy").symlink_to(sys.prefix)
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


def execute_report(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    """Run ``python -m bookbuild execute --json`` in ``root``; return the run and its report."""
    result = execute(root, "--json", *args, env=env)
    return result, json.loads(result.stdout)


def build_html(root: Path) -> subprocess.CompletedProcess:
    """Run ``jupyter-book build`` in ``root`` the way ``make html`` does."""
    return subprocess.run(
        [str(BIN / "jupyter-book"), "build", ".", "--warningiserror", "--keep-going"],
        cwd=root, capture_output=True, text=True, timeout=600,
    )


#: The tests' directory, which holds this package (kernels need it on their path).
TESTS_DIR = Path(__file__).resolve().parent.parent

#: A cell of the test book's first tab group in the tests' NumPy framework.
NUMPY_CELL = """
```{code-cell} ipython3
:tags: [numpy]
import minibook.numpy_backend as d2l
framework = "numpy"
print(d2l.tensor([1.0, 2.0]).sum())
```
"""


def build_extra_framework_book(destination: Path) -> Path:
    """Copy the test book, give its tab chapter NumPy cells, and build it with the NumPy framework added."""
    root = copy_book(destination)
    chapter = root / "chapters/tabs.md"
    text = chapter.read_text(encoding="utf-8")
    anchor = "An untagged cell that prints"
    chapter.write_text(text.replace(anchor, NUMPY_CELL + "\n" + anchor), encoding="utf-8")
    env = execute_env(PYTHONPATH=os.pathsep.join(filter(None, [str(TESTS_DIR), os.environ.get("PYTHONPATH")])))
    for stage in (["execute"], ["build", ".", "--warningiserror", "--keep-going"]):
        result = subprocess.run(
            [sys.executable, "-m", "minibook.extra_framework", *stage],
            cwd=root, capture_output=True, text=True, timeout=600, env=env,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root
