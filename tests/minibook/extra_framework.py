"""A build stage of the test book with one more framework registered (the tests' NumPy backend).

``python -m minibook.extra_framework execute [ARGS]`` runs ``python -m bookbuild execute``;
``python -m minibook.extra_framework build [ARGS]`` runs ``jupyter-book build``; both after
adding :data:`minibook.numpy_backend.FRAMEWORK` to the registry, as one more entry in
``bookbuild/frameworks.py`` would.
"""

import sys

from bookbuild.frameworks import FRAMEWORKS
from minibook.numpy_backend import FRAMEWORK


def main(argv: list[str]) -> int:
    FRAMEWORKS.register(FRAMEWORK)
    stage, *args = argv
    if stage == "execute":
        from bookbuild.pipeline.cli import main as execute

        return execute(["execute", *args])
    from jupyter_book.cli.main import main as jupyter_book

    return jupyter_book(["build", *args], standalone_mode=False) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
