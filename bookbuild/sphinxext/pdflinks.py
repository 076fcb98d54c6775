"""Links from the HTML book's landing page to the PDFs that ``make pdf`` has built.

``make pdf`` writes ``_build/pdf/<targetname>-<framework>.pdf`` (see :mod:`bookbuild.pdf`);
the next HTML build (``make html``) puts a paragraph under the landing page's title that
links each PDF present, in the frameworks' order. The links are Sphinx download references,
so Sphinx copies the PDFs into the HTML output (``_downloads/``) and re-reads the landing page
when one of them changes; when a PDF appears or disappears, :func:`landing_page_outdated`
has the page read again. Without any PDF the page has no paragraph, and no link is ever
broken.
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform

from ..frameworks import FRAMEWORKS
from ..config import ConfigError
from ..pdf import PDF_DIR, pdf_path, target_name

LINKS_CLASS = "d2l-pdf-downloads"


def built_pdfs(srcdir: str) -> dict[str, str]:
    """Each framework's PDF that exists, as a path relative to ``srcdir``, by framework."""
    root = Path(srcdir)
    try:
        target = target_name(root)
    except ConfigError:  # a book without a LaTeX document has no PDFs
        return {}
    found = {}
    for framework in FRAMEWORKS.names:
        path = pdf_path(root, framework, target)
        if path.is_file():
            found[framework] = os.path.relpath(path, root)
    return found


def pdf_links(docname: str, pdfs: dict[str, str]) -> nodes.paragraph:
    """A paragraph linking to each PDF (paths relative to the source root)."""
    paragraph = nodes.paragraph("", "", classes=[LINKS_CLASS])
    paragraph += nodes.Text("Download the whole book as a PDF with one framework's code: ")
    for position, (framework, target) in enumerate(pdfs.items()):
        if position:
            paragraph += nodes.Text(" · ")
        paragraph += addnodes.download_reference(
            "", "", nodes.inline("", FRAMEWORKS[framework].label),
            refdoc=docname, refdomain="", reftype="download", refexplicit=True,
            refwarn=True, reftarget="/" + target,
        )
    return paragraph


class PdfLinks(SphinxTransform):
    """Put the PDF links under the landing page's title (HTML builds only)."""

    default_priority = 511

    def apply(self, **kwargs) -> None:
        if self.app.builder.format != "html" or self.env.docname != self.config.root_doc:
            return
        pdfs = built_pdfs(self.app.srcdir)
        title = next(iter(self.document.findall(nodes.title)), None)
        if not pdfs or title is None:
            return
        section = title.parent
        section.insert(section.index(title) + 1, pdf_links(self.env.docname, pdfs))


def landing_page_outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                          removed: set[str]) -> list[str]:
    """``env-get-outdated``: read the landing page again when the set of built PDFs changed."""
    if app.builder.format != "html" or app.config.root_doc not in env.all_docs:
        return []
    linked = {dependency for dependency in env.dependencies.get(app.config.root_doc, ())
              if str(dependency).endswith(".pdf") and Path(dependency).parent.as_posix() == PDF_DIR}
    return [app.config.root_doc] if linked != set(built_pdfs(app.srcdir).values()) else []


def setup(app: Sphinx) -> dict:
    app.add_transform(PdfLinks)
    app.connect("env-get-outdated", landing_page_outdated)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
