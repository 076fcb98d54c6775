"""Links from each chapter page to its three executed notebooks.

The links are Sphinx download references, so Sphinx copies the notebooks into the built
book, and it re-reads the page whenever a notebook changes: that is how a change in
outputs (say, after an edit to ``d2l_shim``) reaches a page whose source did not change.
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from .frameworks import FRAMEWORKS, LABELS
from .notebooks import notebook_path


def download_links(docname: str, notebooks: dict[str, str]) -> nodes.paragraph:
    """A paragraph linking to each framework's notebook (paths relative to the source root)."""
    paragraph = nodes.paragraph("", "", classes=["d2l-notebook-downloads"])
    paragraph += nodes.Text("Download this chapter as a Jupyter notebook: ")
    for position, (fw, target) in enumerate(notebooks.items()):
        if position:
            paragraph += nodes.Text(" · ")
        paragraph += addnodes.download_reference(
            "", "", nodes.inline("", LABELS[fw]),
            refdoc=docname, refdomain="", reftype="download", refexplicit=True,
            refwarn=True, reftarget="/" + target,
        )
    return paragraph


class NotebookDownloads(SphinxTransform):
    """Put the download links under the title of every page that has notebooks."""

    default_priority = 510

    def apply(self, **kwargs) -> None:
        notebook_dir = Path(self.app.srcdir) / self.config.bookbuild_notebook_dir
        name = Path(self.env.docname).name
        notebooks = {
            fw: os.path.relpath(notebook_path(notebook_dir, name, fw), self.app.srcdir)
            for fw in FRAMEWORKS
            if notebook_path(notebook_dir, name, fw).exists()
        }
        title = next(iter(self.document.findall(nodes.title)), None)
        if not notebooks or title is None:
            return
        section = title.parent
        section.insert(section.index(title) + 1, download_links(self.env.docname, notebooks))
