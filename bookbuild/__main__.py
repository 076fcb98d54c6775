"""``python -m bookbuild``: see :mod:`bookbuild.pipeline.cli`."""

import sys

from .pipeline.cli import main

sys.exit(main())
