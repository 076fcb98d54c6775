"""The Sphinx extension of the book: reads chapters from the execution cache, draws tabs.

Listed in ``_config.yml`` under ``sphinx.extra_extensions``. It

* registers :func:`bookbuild.reader.read_chapter` as MyST-NB's reader for ``.md``
  sources, so every chapter page is its merged, already executed notebook;
* stops the build, naming the chapter, when a chapter's current code has not been
  executed;
* adds the :mod:`bookbuild.tabs`, :mod:`bookbuild.downloads` and
  :mod:`bookbuild.typography` transforms.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

from .cache import DEFAULT_CACHE_DIR, digest_files
from .downloads import NotebookDownloads
from .notebooks import DEFAULT_NOTEBOOK_DIR
from .reader import missing_frameworks, not_executed_message
from .tabs import FrameworkTabs
from .typography import KeepPunctuationWithMath


def _configure(app: Sphinx, config: Config) -> None:
    """Register the reader, and keep the cache and the learner notebooks out of the sources."""
    root = Path(app.srcdir)
    config.exclude_patterns = [
        *config.exclude_patterns,
        f"{config.bookbuild_cache_dir}/**",
        f"{config.bookbuild_notebook_dir}/**",
    ]
    config.nb_custom_formats = {
        **config.nb_custom_formats,
        ".md": [
            "bookbuild.reader.read_chapter",
            {"root": str(root), "cache_dir": str(root / config.bookbuild_cache_dir)},
        ],
    }


def _check_executed(app: Sphinx, docname: str, source: list[str]) -> None:
    root = Path(app.srcdir)
    missing = missing_frameworks(source[0], root, root / app.config.bookbuild_cache_dir)
    if missing:
        raise ExtensionError(not_executed_message(f"Chapter {docname!r}", ", ".join(missing)))


def _own_source_digest() -> str:
    """Digest of this package's code: when it changes, Sphinx re-reads every page."""
    package = Path(__file__).parent
    return digest_files(sorted(package.glob("*.py")), package)


def setup(app: Sphinx) -> dict:
    """Register the extension with Sphinx."""
    app.setup_extension("sphinx_design")
    app.setup_extension("myst_nb")
    app.setup_extension("bookbuild.explorer")
    app.add_config_value("bookbuild_cache_dir", DEFAULT_CACHE_DIR, "env")
    app.add_config_value("bookbuild_notebook_dir", DEFAULT_NOTEBOOK_DIR, "env")
    app.add_config_value("bookbuild_source_digest", _own_source_digest(), "env")
    app.connect("config-inited", _configure, priority=400)
    app.connect("source-read", _check_executed)
    app.add_transform(FrameworkTabs)
    app.add_transform(NotebookDownloads)
    app.add_transform(KeepPunctuationWithMath)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
