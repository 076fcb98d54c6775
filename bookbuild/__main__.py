"""``python -m bookbuild``: see :mod:`bookbuild.cli`."""

import sys

from .cli import main

sys.exit(main())
