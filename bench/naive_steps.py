"""Helpers of the naive baseline, run inside the benchmark's copy: ``python -m bench.naive_steps``.

``split ROOT``
    write every chapter x framework notebook of the book (the build's own split) to
    ``ROOT/_build/naive/<framework>/<chapter>.ipynb`` and print, as one JSON object, their
    paths and the environment variables the build gives its kernels.
``fill-cache ROOT``
    store the outputs of those notebooks, once executed, in the book's execution cache,
    so that the Sphinx stage renders the baseline's results.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import nbformat

from bookbuild.config import read_book_config
from bookbuild.pipeline.cache import Cache
from bookbuild.pipeline.kernel import KERNEL_ENV
from bookbuild.pipeline.plan import plan
from bookbuild.pipeline.split import load_chapter
from bookbuild.pipeline.toc import toc_files

#: Where the baseline's notebooks are written, relative to the book's root.
NAIVE_DIR = Path("_build") / "naive"


def _jobs(root: Path):
    """The build's chapter x framework jobs for the book at ``root``."""
    return plan([load_chapter(path) for path in toc_files(root)], root)


def _path(root: Path, job) -> Path:
    """Where the baseline keeps the notebook of ``job``."""
    return root / NAIVE_DIR / job.framework / f"{job.chapter.name}.ipynb"


def split(root: Path) -> dict:
    """Write the per-framework notebooks; return their paths and the kernels' environment."""
    paths = []
    for job in _jobs(root):
        path = _path(root, job)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(job.notebook, path)
        paths.append(str(path))
    return {"notebooks": paths, "kernel_env": KERNEL_ENV}


def fill_cache(root: Path) -> dict:
    """Put the executed notebooks' code cells, with their outputs, into the execution cache."""
    cache = Cache(read_book_config(root).cache_path(root))
    stored = 0
    for job in _jobs(root):
        executed = nbformat.read(_path(root, job), as_version=4)
        code = [cell for cell in executed.cells if cell.cell_type == "code"]
        for cell in code:
            cell.metadata.pop("execution", None)
        cache.put(job.key, nbformat.v4.new_notebook(cells=code, metadata=executed.metadata))
        stored += 1
    return {"stored": stored}


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.naive_steps", description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["split", "fill-cache"])
    parser.add_argument("root", type=Path)
    args = parser.parse_args(argv)
    step = split if args.step == "split" else fill_cache
    print(json.dumps(step(args.root.resolve())))


if __name__ == "__main__":
    main()
