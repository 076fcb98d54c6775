"""The Sphinx extension of the book: reads chapters from the execution cache, draws tabs.

Listed in ``_config.yml`` under ``sphinx.extra_extensions``. It

* validates the ``bookbuild`` settings (:mod:`bookbuild.config`) and keeps the execution
  cache and the learner notebooks out of the sources;
* registers :func:`bookbuild.sphinxext.reader.page_notebook` as MyST-NB's reader for
  ``.md`` sources, so every chapter page is its merged, already executed notebook;
* collects the chapters whose current code has not been executed and, once every page has
  been read, stops the build with one message that names them all;
* adds the :mod:`~bookbuild.sphinxext.tabs`, :mod:`~bookbuild.sphinxext.downloads` (with its
  script) and :mod:`~bookbuild.sphinxext.typography` transforms and the
  :mod:`~bookbuild.sphinxext.navigation` handlers, and the ``{momentum-explorer}`` directive
  (:mod:`~bookbuild.sphinxext.explorer`).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError, ExtensionError

from .. import config as book_config
from ..environments import ENVS_DIR
from ..frameworks import FRAMEWORKS
from ..pipeline.cache import digest_files
from . import downloads, navigation
from .reader import missing_frameworks
from .tabs import FrameworkTabs
from .typography import KeepPunctuationWithMath

#: Attribute of the build environment: docname -> frameworks whose outputs the cache lacks.
_UNEXECUTED = "bookbuild_unexecuted"


def settings(config: Config) -> book_config.BookConfig:
    """The validated ``bookbuild`` settings of this build."""
    try:
        return book_config.from_mapping(config.bookbuild)
    except book_config.ConfigError as error:
        raise ConfigError(str(error)) from None


def _configure(app: Sphinx, config: Config) -> None:
    """Check the settings, register the reader, keep the cache, the learner notebooks and the
    kernel environments out of the sources."""
    root = Path(app.srcdir)
    book = settings(config)
    config.exclude_patterns = [*config.exclude_patterns, f"{book.cache_dir}/**", f"{book.notebook_dir}/**",
                               f"{ENVS_DIR}/**"]
    config.nb_custom_formats = {
        **config.nb_custom_formats,
        ".md": [
            "bookbuild.sphinxext.reader.page_notebook",
            {"root": str(root), "cache_dir": str(book.cache_path(root))},
        ],
    }
    # The API page documents the shim, not the frameworks: importing them costs seconds.
    config.autodoc_mock_imports = sorted({*getattr(config, "autodoc_mock_imports", []), *FRAMEWORKS.packages})


def _note_unexecuted(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: remember a chapter whose current code the cache has no outputs for."""
    root = Path(app.srcdir)
    missing = missing_frameworks(source[0], root, settings(app.config).cache_path(root))
    unexecuted = getattr(app.env, _UNEXECUTED, {})
    unexecuted.pop(docname, None)
    if missing:
        unexecuted[docname] = missing
    setattr(app.env, _UNEXECUTED, unexecuted)


def _merge_unexecuted(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    """``env-merge-info``: bring a parallel reader's notes into the main environment."""
    setattr(env, _UNEXECUTED, {**getattr(env, _UNEXECUTED, {}), **getattr(other, _UNEXECUTED, {})})


def _report_unexecuted(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: stop before writing any page if some chapter was not executed."""
    unexecuted = {doc: fws for doc, fws in getattr(env, _UNEXECUTED, {}).items() if doc in env.found_docs}
    if not unexecuted:
        return
    lines = [f"  {env.doc2path(doc, base=False)} ({', '.join(fws)})" for doc, fws in sorted(unexecuted.items())]
    raise ExtensionError(
        f"{len(unexecuted)} chapter(s) have not been executed with their current code:\n"
        + "\n".join(lines)
        + "\nRun `make html` (or `python -m bookbuild execute` before `jupyter-book build`)."
    )


def _own_source_digest() -> str:
    """Digest of the bookbuild package's code: when it changes, Sphinx re-reads every page."""
    package = Path(__file__).parent.parent
    return digest_files(sorted(package.rglob("*.py")), package)


def setup(app: Sphinx) -> dict:
    """Register the extension with Sphinx."""
    app.setup_extension("sphinx_design")
    app.setup_extension("myst_nb")
    app.add_config_value(book_config.SECTION, {}, "env", types=(dict,))
    app.add_config_value("bookbuild_source_digest", _own_source_digest(), "env")
    app.connect("config-inited", _configure, priority=400)
    app.connect("source-read", _note_unexecuted)
    app.connect("env-merge-info", _merge_unexecuted)
    app.connect("env-updated", _report_unexecuted, priority=400)
    app.add_transform(FrameworkTabs)
    downloads.setup(app)
    app.add_transform(KeepPunctuationWithMath)
    navigation.setup(app)
    app.setup_extension("bookbuild.sphinxext.explorer")
    app.setup_extension("bookbuild.sphinxext.latex")
    app.setup_extension("bookbuild.sphinxext.pdflinks")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
