"""Keep every page's navigation current across incremental builds.

Sphinx rewrites only the pages whose sources changed, but every page carries the book's
navigation: the sidebar, the previous/next links and the chapter numbers. When the table of
contents or any page title changes, this module has Sphinx rewrite every page; when a
chapter leaves the book, its page, its copied source and its downloads leave the output.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

#: Attribute of the (pickled) build environment that holds the previous build's navigation.
_STATE = "bookbuild_navigation"


def navigation(env: BuildEnvironment) -> dict:
    """What every page's navigation is made of: the page titles and the toctree.

    (Chapter numbers follow from the toctree; Sphinx assigns them after this is read.)
    """
    return {
        "titles": {doc: env.titles[doc].astext() for doc in sorted(env.titles)},
        "toctree": {doc: list(children) for doc, children in sorted(env.toctree_includes.items())},
    }


def rewrite_all_when_navigation_changes(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: every page, when the navigation differs from the previous build's."""
    current = navigation(env)
    previous = getattr(env, _STATE, None)
    setattr(env, _STATE, current)
    if previous is None or previous == current:
        return []
    return sorted(env.found_docs)


def forget_removed_pages(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """``env-purge-doc`` for a page that left the book: delete what the last build wrote of it."""
    if docname in env.found_docs or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for path in [outdir / f"{docname}.html", *outdir.glob(f"_sources/{docname}.*")]:
        path.unlink(missing_ok=True)


def drop_stale_downloads(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: remove downloadable files that no page links to any more."""
    if exception is not None or app.builder.format != "html":
        return
    downloads = Path(app.outdir) / "_downloads"
    linked = {dest for _, dest in app.env.dlfiles.values()}
    for path in downloads.glob("*/*"):
        if path.relative_to(downloads).as_posix() not in linked:
            path.unlink()
            if not any(path.parent.iterdir()):
                path.parent.rmdir()


def setup(app: Sphinx) -> None:
    """Connect the handlers (called by :mod:`bookbuild.sphinx`)."""
    app.connect("env-updated", rewrite_all_when_navigation_changes)
    app.connect("env-purge-doc", forget_removed_pages)
    app.connect("build-finished", drop_stale_downloads)
