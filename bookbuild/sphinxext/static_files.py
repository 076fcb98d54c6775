"""The extension's static files (``bookbuild/sphinxext/static``) in the HTML book.

Sphinx copies static files only when it writes pages. Each feature that ships some of them
keeps a digest of its files in a configuration value of its own, so that a change to one of
them makes Sphinx rewrite every page.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sphinx.config import Config

STATIC_DIR = Path(__file__).parent / "static"


def serve(config: Config, *names: str) -> str:
    """Serve :data:`STATIC_DIR` with the book (once) and return the SHA-256 of the files ``names``."""
    if str(STATIC_DIR) not in map(str, config.html_static_path):
        config.html_static_path.append(str(STATIC_DIR))
    digest = hashlib.sha256()
    for name in names:
        digest.update((STATIC_DIR / name).read_bytes())
    return digest.hexdigest()
