"""The kernel environments: one virtual environment per framework, beside the toolchain's.

Each framework of the registry runs in an environment of its own, ``.envs/<framework>``,
installed by uv from its lock file ``requirements/<framework>.txt`` (exact pins with hashes,
compiled from ``requirements/<framework>.in`` by ``python -m bookbuild lock``). The book's
toolchain (Jupyter Book, Sphinx, the tests) lives in ``.venv`` and imports no framework.

uv keeps one package cache for all environments and hard-links files from it, so a second
environment with the same packages costs little disk and a re-creation takes seconds. When pip
is told of a local wheel directory (``PIP_FIND_LINKS``), uv is told of it too: that is where a
machine may keep the CPU build of PyTorch.

Packages are installed with their bytecode compiled, as pip does: uv leaves that out by
default, and where Python may not write bytecode (``PYTHONDONTWRITEBYTECODE``) every kernel
would then compile its imports again, which doubled the time of every notebook.

An environment is stamped last, with a digest of its lock file, the install options, the
Python version and the project's metadata; one without a matching stamp (never made, half
made, or made from other pins or options) is removed and made again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .frameworks import FRAMEWORKS, Framework

#: Where the kernel environments live, relative to the book's root.
ENVS_DIR = ".envs"
#: Where the requirements of the kernel environments live, relative to the book's root.
REQUIREMENTS_DIR = "requirements"
#: The file in an environment that records what it was made from.
STAMP = ".d2l-book-stamp"
#: How uv installs a lock file (part of the stamp: other options make other environments).
INSTALL_OPTIONS = ("--require-hashes", "--compile-bytecode")
#: Jupyter kernel names: ``d2l-book-<framework>``, shown as ``d2l-book (<Label>)``.
KERNEL_PREFIX = "d2l-book"


class EnvironmentFailed(RuntimeError):
    """A framework's environment could not be made; the message names the framework and the package."""


def env_dir(root: Path, framework: str) -> Path:
    """The kernel environment of ``framework`` (a registry name) in the book at ``root``."""
    return Path(root) / ENVS_DIR / framework


def env_python(root: Path, framework: str) -> Path:
    """The Python of ``framework``'s kernel environment."""
    return env_dir(root, framework) / "bin" / "python"


def requirements_in(root: Path, framework: str) -> Path:
    """What ``framework``'s environment asks for (pins of direct requirements)."""
    return Path(root) / REQUIREMENTS_DIR / f"{framework}.in"


def lock_file(root: Path, framework: str) -> Path:
    """The lock file of ``framework``'s environment (every package pinned, with hashes)."""
    return Path(root) / REQUIREMENTS_DIR / f"{framework}.txt"


def kernel_name(framework: str) -> str:
    """The Jupyter kernel of ``framework`` that ``make env`` registers and learner notebooks name."""
    return f"{KERNEL_PREFIX}-{framework}"


def kernel_display_name(framework: Framework) -> str:
    """What Jupyter shows for the kernel of ``framework``."""
    return f"{KERNEL_PREFIX} ({framework.label})"


def stamp_of(root: Path, framework: str) -> str:
    """The digest an up-to-date environment of ``framework`` carries in its stamp."""
    sha = hashlib.sha256(f"python {sys.version_info[0]}.{sys.version_info[1]}\0"
                         f"{' '.join(INSTALL_OPTIONS)}\0".encode())
    for path in (lock_file(root, framework), Path(root) / "pyproject.toml"):
        sha.update(path.read_bytes() + b"\0")
    return sha.hexdigest()


def is_current(root: Path, framework: str) -> bool:
    """Whether ``framework``'s environment exists and was made from its current lock file."""
    stamp = env_dir(root, framework) / STAMP
    return stamp.exists() and stamp.read_text().strip() == stamp_of(root, framework)


def _uv() -> str:
    from uv import find_uv_bin

    return find_uv_bin()


def _find_links() -> list[str]:
    """uv's options for the local wheel directories that pip is told of, if any."""
    return [option for links in os.environ.get("PIP_FIND_LINKS", "").split()
            for option in ("--find-links", links)]


def _run(framework: Framework, what: str, command: list[str], cwd: Path | None = None,
         hint: str | None = None) -> None:
    """Run ``command``; on failure raise :class:`EnvironmentFailed` with uv's own explanation and ``hint``."""
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    if result.returncode:
        reason = "\n".join(line for line in result.stderr.strip().splitlines() if line.strip())
        hint = hint or (f"Check the pins in {REQUIREMENTS_DIR}/{framework.name}.in, run "
                        f"`python -m bookbuild lock {framework.name}`, then `make env` again.")
        raise EnvironmentFailed(f"cannot make the {framework.label} environment: {what} failed:\n{reason}\n{hint}")


def make_env(root: Path, framework: Framework, log: Callable[[str], None] = print) -> bool:
    """Make ``framework``'s environment unless it is current; say whether it was made."""
    if is_current(root, framework.name):
        return False
    lock = lock_file(root, framework.name)
    if not lock.exists():
        raise EnvironmentFailed(
            f"cannot make the {framework.label} environment: {lock.relative_to(root)} is missing; "
            f"run `python -m bookbuild lock {framework.name}` to compile it from "
            f"{requirements_in(root, framework.name).relative_to(root)}.")
    target, python = env_dir(root, framework.name), env_python(root, framework.name)
    shutil.rmtree(target, ignore_errors=True)
    log(f"  making    {ENVS_DIR}/{framework.name} from {lock.relative_to(root)}")
    uv = _uv()
    _run(framework, "creating the virtual environment",
         [uv, "venv", "--quiet", "--python", sys.executable, str(target)],
         hint="Check that the toolchain's Python in .venv works, or remake it with `make distclean env`.")
    _run(framework, "installing its lock file",
         [uv, "pip", "install", "--quiet", "--python", str(python), *INSTALL_OPTIONS,
          *_find_links(), "-r", str(lock)])
    _run(framework, "installing the shim",
         [uv, "pip", "install", "--quiet", "--python", str(python), "--no-deps", "-e", str(root)],
         hint="Check that pyproject.toml describes the packages d2l_shim and bookbuild.")
    _run(framework, "registering its Jupyter kernel",
         [str(python), "-m", "ipykernel", "install", "--user", "--name", kernel_name(framework.name),
          "--display-name", kernel_display_name(framework)],
         hint="Check that Jupyter's data directory (jupyter --data-dir) is writable.")
    (target / STAMP).write_text(stamp_of(root, framework.name) + "\n")
    return True


def make_envs(root: Path, frameworks=FRAMEWORKS, log: Callable[[str], None] = print) -> list[str]:
    """Make every framework's environment that is not current; return the names of those made."""
    return [framework.name for framework in frameworks if make_env(root, framework, log)]


def compile_lock(root: Path, framework: Framework) -> Path:
    """Compile ``requirements/<framework>.in`` into its lock file (hashes included); return it."""
    # Relative names, so that the lock's comments name no directory of this machine.
    lock = lock_file(root, framework.name).relative_to(root)
    source = requirements_in(root, framework.name).relative_to(root)
    _run(framework, f"compiling {source}",
         [_uv(), "pip", "compile", "--quiet", "--generate-hashes", "--no-header",
          "--python-version", f"{sys.version_info[0]}.{sys.version_info[1]}",
          *_find_links(), str(source), "-o", str(lock)], cwd=root)
    return root / lock
