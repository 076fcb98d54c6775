"""A throw-away copy of the repository to build in, and the environment to build it with.

The benchmark never touches the developer's ``_build`` and ``.cache``: it copies the files
git knows about (tracked ones and untracked ones that are not ignored, as they are in the
working tree) into a temporary directory and builds there, with the already installed
environment's Python. ``PYTHONPATH`` points at the copy, so the kernels import the copy's
``d2l_shim`` and Sphinx loads the copy's ``bookbuild``, not the editable install's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bookbuild.environments import ENVS_DIR
from d2l_shim.data import AIRFOIL_FILE as DATA_FILE
from d2l_shim.environment import DATA_DIR_VARIABLE

#: The repository this package lives in.
REPO_ROOT = Path(__file__).resolve().parent.parent


class WorkspaceError(RuntimeError):
    """The copy cannot be made or the data cannot be found."""


def source_files(repo: Path = REPO_ROOT) -> list[Path]:
    """The files of the working tree that git tracks or would track (not ignored), relative to ``repo``."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=repo, check=True, capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise WorkspaceError(
            f"cannot list the files of {repo} with git ({error}); run the benchmark from a git checkout"
        ) from error
    names = [name for name in listing.decode().split("\0") if name]
    # A tracked file deleted in the working tree is left out, as a build there would.
    return [Path(name) for name in names if (repo / name).is_file()]


def copy_repository(destination: Path, repo: Path = REPO_ROOT) -> Path:
    """Copy the working tree's source files of ``repo`` into ``destination``; return it.

    The copy's kernel environments are ``repo``'s own (linked, not copied).
    """
    for name in source_files(repo):
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, target)
    (destination / ENVS_DIR).symlink_to(repo / ENVS_DIR)
    return destination


def data_dir(repo: Path = REPO_ROOT) -> Path:
    """The absolute directory holding the airfoil data: ``$D2L_DATA_DIR``, else ``../shared/data``.

    The benchmark runs offline, so it refuses to start without a local copy.
    """
    configured = os.environ.get(DATA_DIR_VARIABLE)
    directory = Path(configured) if configured else repo.parent / "shared" / "data"
    if not (directory / DATA_FILE).is_file():
        where = f"{DATA_DIR_VARIABLE}={configured}" if configured else (
            f"{DATA_DIR_VARIABLE} is unset and the default {directory}")
        raise WorkspaceError(
            f"{where} holds no {DATA_FILE}; the benchmark does not download data. "
            f"Set {DATA_DIR_VARIABLE} to a directory that holds {DATA_FILE}."
        )
    return directory.resolve()


def build_environment(workspace: Path, data: Path) -> dict[str, str]:
    """The environment of every command run in ``workspace``."""
    env = dict(os.environ)
    env[DATA_DIR_VARIABLE] = str(data)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(workspace), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return env


def python() -> str:
    """The installed environment's Python (the one running the benchmark)."""
    return sys.executable


def tool(name: str) -> Path:
    """A console script installed beside the environment's Python, e.g. ``jupyter-book``."""
    return Path(sys.executable).parent / name


def double_chapters(root: Path, chapters: list[Path]) -> list[Path]:
    """Copy each chapter to ``<name>_again.md`` beside it; return originals and copies, in order.

    A build of the returned list executes every notebook twice over, under other names, as a
    book twice as large would.
    """
    copies = []
    for path in chapters:
        copy = path.with_name(f"{path.stem}_again{path.suffix}")
        shutil.copy2(path, copy)
        copies.append(copy)
    return [*chapters, *copies]
