"""Time the kernel environments' set-up: cold (empty package cache), warm (cache filled), and pip.

:func:`measure` makes every framework's environment in scratch copies of the book's
requirements, as ``make env`` does (uv): first with an empty uv cache of its own, then again in
a second copy with the cache the first run filled. For comparison it then makes the same
environments with plain ``venv`` and ``pip`` from the same lock files (pip with its usual cache,
so warm as far as this machine has used pip before). ``python -m bench.environments`` prints the
seconds and disk use of each; ``python -m bench`` reports them beside the builds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from bookbuild.environments import ENVS_DIR, REQUIREMENTS_DIR, env_dir, env_python, lock_file, make_envs
from bookbuild.frameworks import FRAMEWORKS

from .workspace import REPO_ROOT


def _scratch_book(directory: Path) -> Path:
    """What making the environments reads: the requirements and the project's packages and metadata."""
    directory.mkdir(parents=True)
    for name in (REQUIREMENTS_DIR, "d2l_shim", "bookbuild"):
        shutil.copytree(REPO_ROOT / name, directory / name)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO_ROOT / name, directory / name)
    return directory


def _disk_mb(*paths: Path) -> float:
    """Megabytes of ``paths`` together, each hard-linked file counted once (as ``du`` does)."""
    out = subprocess.run(["du", "-sck", *map(str, paths)], capture_output=True, text=True, check=True).stdout
    return int(out.strip().splitlines()[-1].split()[0]) / 1024


def _make_with_pip(book: Path) -> None:
    """Every framework's environment made with ``venv`` and ``pip`` from its lock file."""
    for framework in FRAMEWORKS:
        python = str(env_python(book, framework.name))
        for command in ([sys.executable, "-m", "venv", str(env_dir(book, framework.name))],
                        [python, "-m", "pip", "install", "--quiet", "--require-hashes",
                         "-r", str(lock_file(book, framework.name))],
                        [python, "-m", "pip", "install", "--quiet", "--no-deps", "-e", str(book)]):
            subprocess.run(command, check=True, capture_output=True, cwd=book)


def measure() -> dict[str, float]:
    """Seconds and megabytes of a cold and a warm set-up of all the kernel environments with uv,
    and of one with pip."""
    with tempfile.TemporaryDirectory(prefix="bench-envs-") as scratch:
        scratch = Path(scratch)
        cache = scratch / "uv-cache"
        # Registering kernels is part of make env, but must not replace the user's real ones.
        with mock.patch.dict(os.environ, {"UV_CACHE_DIR": str(cache),
                                          "JUPYTER_DATA_DIR": str(scratch / "jupyter")}):
            results = {}
            for run in ("cold", "warm"):
                book = _scratch_book(scratch / run)
                start = time.perf_counter()
                make_envs(book, log=lambda line: None)
                results[f"uv {run} seconds"] = round(time.perf_counter() - start, 1)
                results[f"uv {run} environments MB"] = round(_disk_mb(book / ENVS_DIR), 0)
            results["uv both runs with the cache MB"] = round(
                _disk_mb(scratch / "cold" / ENVS_DIR, scratch / "warm" / ENVS_DIR, cache), 0)
            book = _scratch_book(scratch / "pip")
            start = time.perf_counter()
            _make_with_pip(book)
            results["pip seconds"] = round(time.perf_counter() - start, 1)
            results["pip environments MB"] = round(_disk_mb(book / ENVS_DIR), 0)
    return results

if __name__ == "__main__":
    for name, value in measure().items():
        print(f"{name:32} {value}")
