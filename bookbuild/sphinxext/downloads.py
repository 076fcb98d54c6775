"""Links from each chapter page to its executed notebook in each framework.

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

from ..config import from_mapping
from ..frameworks import FRAMEWORKS
from ..pipeline.learner import notebook_path


def download_links(docname: str, notebooks: dict[str, str]) -> nodes.paragraph:
    """A paragraph linking to each framework's notebook (paths relative to the source root)."""
    paragraph = nodes.paragraph("", "", classes=["d2l-notebook-downloads"])
    paragraph += nodes.Text("Download this chapter as a Jupyter notebook: ")
    for position, (fw, target) in enumerate(notebooks.items()):
        if position:
            paragraph += nodes.Text(" · ")
        paragraph += addnodes.download_reference(
            "", "", nodes.inline("", FRAMEWORKS[fw].label),
            refdoc=docname, refdomain="", reftype="download", refexplicit=True,
            refwarn=True, reftarget="/" + target,
        )
    return paragraph


class NotebookDownloads(SphinxTransform):
    """Put the download links under the title of every page that has notebooks."""

    default_priority = 510

    def apply(self, **kwargs) -> None:
        notebook_dir = from_mapping(self.config.bookbuild).notebook_path(Path(self.app.srcdir))
        name = Path(self.env.docname).name
        notebooks = {
            fw: os.path.relpath(notebook_path(notebook_dir, name, fw), self.app.srcdir)
            for fw in FRAMEWORKS.names
            if notebook_path(notebook_dir, name, fw).exists()
        }
        title = next(iter(self.document.findall(nodes.title)), None)
        if not notebooks or title is None:
            return
        section = title.parent
        section.insert(section.index(title) + 1, download_links(self.env.docname, notebooks))
