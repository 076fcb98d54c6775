"""Links from each chapter page to its executed notebook in each framework, and to the archives.

The notebook links are Sphinx download references, so Sphinx copies the notebooks into the
built book, and it re-reads the page whenever one of them changes: that is how a change in
outputs (say, after an edit to ``d2l_shim``) reaches a page whose source did not change.
The archives (``d2l-book-<framework>.zip``, written by ``make notebooks``) are copied, when
they changed, to a stable address, ``notebooks/`` of the built book, which the learner
notebooks can name; a changed archive re-reads no page.

Every chapter page links to its notebook and to the archive of each framework; the landing
page links to the archives. ``static/notebook-downloads.js`` marks the links of the
framework the reader has chosen in the tabs as the prominent ones (``d2l-download-chosen``,
styled by ``static/notebook-downloads.css``) and follows the choice when it changes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform

from ..config import from_mapping
from ..frameworks import FRAMEWORKS, SYNC_GROUP
from ..pipeline.cache import write_if_changed
from ..pipeline.learner import ARCHIVE_URL_DIR, archive_name, archive_path, notebook_path
from .static_files import serve

JS_FILE = "notebook-downloads.js"
CSS_FILE = "notebook-downloads.css"

#: Classes of the download links: every one, and the one of framework ``fw`` (``d2l-download-fw``).
LINK_CLASS = "d2l-download"
CHOSEN_CLASS = "d2l-download-chosen"


def _links(text: str, links: dict[str, nodes.Element], classes: list[str]) -> nodes.paragraph:
    """A paragraph: ``text``, then the link of each framework."""
    paragraph = nodes.paragraph("", "", classes=classes)
    paragraph += nodes.Text(text)
    for position, (fw, link) in enumerate(links.items()):
        if position:
            paragraph += nodes.Text(" · ")
        link["classes"] += [LINK_CLASS, f"{LINK_CLASS}-{fw}"]
        paragraph += link
    return paragraph


def download_links(docname: str, notebooks: dict[str, str]) -> nodes.paragraph:
    """A paragraph linking to each framework's notebook (paths relative to the source root)."""
    links = {
        fw: addnodes.download_reference(
            "", "", nodes.inline("", FRAMEWORKS[fw].label),
            refdoc=docname, refdomain="", reftype="download", refexplicit=True,
            refwarn=True, reftarget="/" + target,
        )
        for fw, target in notebooks.items()
    }
    return _links("Download this chapter as a Jupyter notebook: ", links, ["d2l-notebook-downloads"])


def archive_links(docname: str, frameworks: list[str]) -> nodes.paragraph:
    """A paragraph linking to each framework's archive of the whole book, at its stable address."""
    up = "../" * docname.count("/")
    links = {
        fw: nodes.reference("", "", nodes.inline("", FRAMEWORKS[fw].label),
                            refuri=f"{up}{ARCHIVE_URL_DIR}/{archive_name(fw)}", internal=True)
        for fw in frameworks
    }
    return _links("Download the whole book for one framework (notebooks, helper library and setup, "
                  "as a zip file): ", links, ["d2l-archive-downloads"])


class NotebookDownloads(SphinxTransform):
    """Put the download links under the title of every chapter page and of the landing page."""

    default_priority = 510

    def apply(self, **kwargs) -> None:
        srcdir = self.app.srcdir
        notebook_dir = from_mapping(self.config.bookbuild).notebook_path(Path(srcdir))
        name = Path(self.env.docname).name
        notebooks = {
            fw: os.path.relpath(notebook_path(notebook_dir, name, fw), srcdir)
            for fw in FRAMEWORKS.names
            if notebook_path(notebook_dir, name, fw).exists()
        }
        archives = [fw for fw in FRAMEWORKS.names if archive_path(notebook_dir, fw).exists()]
        title = next(iter(self.document.findall(nodes.title)), None)
        is_landing_page = self.env.docname == self.config.root_doc
        if title is None or not (notebooks or is_landing_page):
            return
        added = []
        if notebooks:
            added.append(download_links(self.env.docname, notebooks))
        if archives:
            added.append(archive_links(self.env.docname, archives))
        section = title.parent
        at = section.index(title) + 1
        for offset, paragraph in enumerate(added):
            section.insert(at + offset, paragraph)


def copy_archives(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: put the archives at their stable address in the HTML book (if changed)."""
    if exception is not None or app.builder.format != "html":
        return
    notebook_dir = from_mapping(app.config.bookbuild).notebook_path(Path(app.srcdir))
    for fw in FRAMEWORKS.names:
        source = archive_path(notebook_dir, fw)
        if source.exists():
            write_if_changed(Path(app.outdir) / ARCHIVE_URL_DIR / source.name, source.read_bytes())


def configure(app: Sphinx, config: Config) -> None:
    """Serve the script and stylesheet; rewrite every page when they change."""
    config.notebook_downloads_digest = serve(config, JS_FILE, CSS_FILE)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the transform and the assets that follow the reader's framework."""
    app.add_config_value("notebook_downloads_digest", "", "html", types=(str,))
    app.add_transform(NotebookDownloads)
    app.connect("config-inited", configure, priority=600)
    app.connect("build-finished", copy_archives)
    # After sphinx-design's design-tabs.js (priority 500), whose choice it follows.
    app.add_js_file(JS_FILE, priority=600, **{"data-sync-group": SYNC_GROUP})
    app.add_css_file(CSS_FILE)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
