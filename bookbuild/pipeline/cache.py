"""The execution cache: executed notebooks stored under a hash of what can change them.

A key covers exactly what can change a notebook's outputs: its code cells (source, and the
tags the executor acts on), the framework, the source of ``d2l_shim`` when the code imports
it, its framework's lock file, the Python version and the environment variables the executor
gives its kernels. Prose never enters a key, so a prose
edit executes nothing. File times never enter a key either.

Entries are written to a temporary file and renamed into place, so an interrupted build
leaves no half-written entry that a later build could trust.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from ..environments import lock_file

#: Tags that change how the executor runs a cell (see nbclient), and so enter the key.
EXECUTION_TAGS = ("raises-exception", "skip-execution")

#: Bump when the executor changes in a way that changes outputs.
EXECUTOR_VERSION = 1

SHIM_PACKAGE = "d2l_shim"


def digest_files(paths: list[Path], root: Path) -> str:
    """SHA-256 over the relative names and contents of ``paths``."""
    sha = hashlib.sha256()
    for path in sorted(paths):
        sha.update(path.relative_to(root).as_posix().encode() + b"\0")
        sha.update(path.read_bytes() + b"\0")
    return sha.hexdigest()


def shim_digest(root: Path) -> str:
    """Digest of the shim's source files under ``root``."""
    package = root / SHIM_PACKAGE
    return digest_files([p for p in package.rglob("*.py") if "__pycache__" not in p.parts], root)


def environment_digest(root: Path, kernel_env: dict[str, str], framework: str) -> str:
    """Digest of ``framework``'s lock file, the Python version and the kernels' environment.

    Only the framework's own lock file enters it: new pins for one framework re-execute
    that framework's notebooks only.
    """
    sha = hashlib.sha256(f"python {sys.version_info[0]}.{sys.version_info[1]}\0".encode())
    sha.update(json.dumps(kernel_env, sort_keys=True).encode())
    lock = lock_file(root, framework)
    if lock.exists():
        sha.update(lock.read_bytes())
    return sha.hexdigest()


def imports_shim(notebook: nbformat.NotebookNode) -> bool:
    """Whether any code cell imports ``d2l_shim``.

    Cells are turned into plain Python the way IPython does (``%matplotlib inline`` and
    friends become function calls) and parsed; a cell that does not parse counts as
    importing the shim, so that the cache errs on the side of re-running.
    """
    transformer = TransformerManager()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(transformer.transform_cell(cell.source))
        except SyntaxError:
            return True
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            if any(name.split(".")[0] == SHIM_PACKAGE for name in names):
                return True
    return False


def execution_key(
    notebook: nbformat.NotebookNode, framework: str, shim: str, environment: str
) -> str:
    """The cache key of one per-framework notebook (see the module docstring)."""
    cells = [
        {
            "source": cell.source,
            "tags": [t for t in EXECUTION_TAGS if t in cell.metadata.get("tags", ())],
        }
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]
    payload = {
        "executor": EXECUTOR_VERSION,
        "framework": framework,
        "cells": cells,
        "shim": shim if imports_shim(notebook) else None,
        "environment": environment,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class Cache:
    """Executed notebooks (code cells with outputs) in a directory, one file per key."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.ipynb"

    def has(self, key: str) -> bool:
        """Whether a usable entry is stored under ``key``."""
        return self.get(key) is not None

    def get(self, key: str) -> nbformat.NotebookNode | None:
        """The entry stored under ``key``, or None if there is none or it is unreadable.

        An unreadable entry (damaged outside the build) is never used: the notebook runs
        again and its new entry replaces the damaged one.
        """
        path = self._path(key)
        if not path.exists():
            return None
        try:
            notebook = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
            nbformat.validate(notebook)
        except (ValueError, nbformat.ValidationError):
            return None
        return notebook

    def put(self, key: str, notebook: nbformat.NotebookNode) -> None:
        """Store ``notebook`` under ``key`` atomically."""
        self.directory.mkdir(parents=True, exist_ok=True)
        write_atomic(self._path(key), nbformat.writes(notebook))


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8 when a string) to ``path`` through a temporary file and a rename.

    The file is readable by all (``mkstemp`` would leave it to its owner), as the served book
    and the learners' downloads must be.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, text: str | bytes) -> bool:
    """Write ``text`` (UTF-8 when a string) to ``path`` unless it already holds exactly that; say if it wrote."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return True
