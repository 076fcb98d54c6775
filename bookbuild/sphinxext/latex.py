"""The book's LaTeX build: one framework per PDF (``python -m bookbuild pdf``, see :mod:`bookbuild.pdf`).

A LaTeX build renders the same doctrees as the HTML book; what only makes sense in a browser
is changed when the LaTeX is written (post-transforms run for the ``latex`` builder only, so
the HTML build and its cached doctrees never see these changes):

* every framework tab set becomes the chosen framework's cells alone (an untagged cell whose
  outputs differ by framework thus appears once, with that framework's outputs; an untagged
  cell without outputs was never in a tab set and appears once anyway), and so does a tab set
  that an author wrote in the frameworks' sync group (``:sync-group: framework``);
* the links to the chapter's notebooks are dropped (a PDF cannot carry them);
* an interactive ``{momentum-explorer}`` becomes a sentence that sends the reader to the HTML
  edition;
* LaTeX gathers the chapters' citations into one bibliography: a work cited by several
  chapters is listed once, and the sections left empty go;
* the title page names the framework, figures that notebooks wrote as SVG are converted to
  PDF (vector, by ``sphinxcontrib.cairosvgconverter``), and long code lines wrap.

The framework comes from :func:`bookbuild.pdf.chosen_framework` (an environment variable that
``python -m bookbuild pdf`` sets per build); a LaTeX build without it stops with a message
saying how to build the PDFs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..frameworks import SYNC_GROUP, Framework
from ..pdf import FrameworkChoiceError, chosen_framework, pdf_build_requested
from .explorer import momentum_explorer

#: LaTeX files copied beside the book's ``.tex`` (see ``static/latex/bbm.sty``).
STATIC_LATEX = Path(__file__).parent / "static" / "latex"

#: Classes of the nodes this module rewrites (set by :mod:`.tabs` and :mod:`.downloads`).
TABS_CLASS = "d2l-framework-tabs"
DOWNLOADS_CLASS = "d2l-notebook-downloads"

#: What the PDF says where the HTML book has an interactive explorer.
EXPLORER_SENTENCE = (
    "The HTML edition of this book has an interactive figure here: sliders for the learning "
    "rate and the momentum redraw the trace and mark the settings on the map of the spectral "
    "radius."
)

#: LaTeX settings the book needs; an author's own ``latex_elements`` entries take precedence.
LATEX_ELEMENTS = {
    # Long code and output lines wrap, even inside a long word such as an array's digits.
    "sphinxsetup": "verbatimwrapslines=true, verbatimforcewraps=true, verbatimmaxunderfull=0",
    "papersize": "a4paper",
    # No index: its only entries would be the API reference's, and making it needs xindy.
    "makeindex": "",
    "printindex": "",
}


#: Where sphinx-jupyterbook-latex's own preamble starts; :data:`PREAMBLE` replaces it.
JBLATEX_PREAMBLE_MARK = "% Start of preamble defined in sphinx-jupyterbook-latex %"
PREAMBLE = r"""
% The book's preamble (bookbuild.sphinxext.latex), in place of sphinx-jupyterbook-latex's.
\addto\captionsenglish{\renewcommand{\contentsname}{Contents}}
\hypersetup{pdfencoding=auto, psdextra}
"""


def _framework() -> Framework:
    try:
        return chosen_framework()
    except FrameworkChoiceError as error:
        raise ConfigError(str(error)) from None


def _is_framework_tab_set(node: nodes.container) -> bool:
    """Whether ``node`` is a tab set of frameworks: one of :mod:`.tabs`, or one an author wrote
    whose tabs are in the sync group of the frameworks (``:sync-group: framework``)."""
    if TABS_CLASS in node["classes"]:
        return True
    if "sd-tab-set" not in node["classes"]:
        return False
    labels = [label for label in node.findall(nodes.rubric) if "sd-tab-label" in label["classes"]]
    return bool(labels) and all(label.get("sync_group") == SYNC_GROUP for label in labels)


class OneFrameworkOnly(SphinxPostTransform):
    """The chosen framework's cells for each tab set; no download links; the explorer as prose."""

    default_priority = 100
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        chosen = _framework().name
        for tab_set in list(self.document.findall(nodes.container)):
            if not _is_framework_tab_set(tab_set):
                continue
            cells: list[nodes.Node] = []
            for label in tab_set.findall(nodes.rubric):
                if label.get("sync_group") == SYNC_GROUP and label.get("sync_id") == chosen:
                    item = label.parent
                    for content in item.children[item.index(label) + 1:]:
                        cells.extend(content.children)
            _replace(tab_set, cells)
        for paragraph in list(self.document.findall(nodes.paragraph)):
            if DOWNLOADS_CLASS in paragraph["classes"]:
                paragraph.parent.remove(paragraph)
        self._mark_figures()
        for explorer in list(self.document.findall(momentum_explorer)):
            note = nodes.paragraph("", "", nodes.emphasis("", EXPLORER_SENTENCE),
                                   classes=["d2l-explorer-note"])
            _replace(explorer, [note])

    def _mark_figures(self) -> None:
        """Give each figure a notebook drew a named PDF destination (``pdfinfo -dests`` lists them).

        The destination of the ``n``-th figure (from 1) of the page ``doc`` is
        :func:`figure_destination` ``(doc, n)``: links can point into the PDF, and the tests
        count a chapter's figures and find their pages.
        """
        counts: dict[str, int] = {}
        for image in list(self.document.findall(nodes.image)):
            if not _in_notebook_output(image):
                continue
            doc = _docname_of(image, self.env) or self.env.docname
            counts[doc] = counts.get(doc, 0) + 1
            target = nodes.raw("", f"\\hypertarget{{{figure_destination(doc, counts[doc])}}}{{}}%\n",
                               format="latex")
            image.parent.insert(image.parent.index(image), target)


class OneEntryPerWork(SphinxPostTransform):
    """List a work cited in several chapters once in the book's bibliography.

    Every chapter's ``{bibliography}`` holds its own entry for each work it cites, and LaTeX
    gathers them all into one bibliography (Sphinx's ``BibliographyTransform``, priority 750),
    where a work cited by two chapters would appear twice. The first entry stays; each later
    one is removed, and its anchor (``cite.<page>:<id>``, which that chapter's citations link
    to) moves to the entry that stays.
    """

    default_priority = 700
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        kept: dict[str, nodes.citation] = {}
        for citation in list(self.document.findall(nodes.citation)):
            label = citation.next_node(nodes.label)
            if label is None or not citation["ids"]:
                continue
            first = kept.setdefault(label.astext(), citation)
            if first is citation:
                continue
            anchor = f"cite.{citation['docname']}:{citation['ids'][0]}"
            paragraph = first.next_node(nodes.paragraph)
            target = nodes.raw("", f"\\hypertarget{{{anchor}}}{{}}", format="latex")
            if paragraph is not None:
                paragraph.insert(0, target)
            else:
                first.append(target)
            citation.parent.remove(citation)


class DropEmptySections(SphinxPostTransform):
    """Remove sections left with nothing but a title.

    A chapter's ``{bibliography}`` section is one: LaTeX gathers every citation into the book's
    one bibliography at the end (Sphinx's ``BibliographyTransform``, priority 750), which would
    leave an empty "References" section in each chapter and in the table of contents.
    """

    default_priority = 800
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for section in list(self.document.findall(nodes.section)):
            title = section.next_node(nodes.title)
            drawn = next(iter(section.findall(lambda node: isinstance(node, (nodes.image, nodes.raw,
                                                                            nodes.math_block)))), None)
            if title is not None and drawn is None and section.astext().strip() == title.astext().strip():
                section.parent.remove(section)


def figure_destination(doc: str, number: int) -> str:
    """The PDF destination name of the ``number``-th notebook figure of page ``doc``."""
    return "d2l-figure-" + "".join(char if char.isalnum() else "-" for char in doc) + f"-{number}"


def _in_notebook_output(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.container) and parent.get("nb_element") == "cell_code_output":
            return True
        parent = parent.parent
    return False


def _docname_of(node: nodes.Node, env: BuildEnvironment) -> str | None:
    """The page a node of the assembled LaTeX document comes from (from its source file)."""
    while node is not None:
        if node.source:
            return env.path2doc(node.source.split(":")[0])
        node = node.parent
    return None


def _replace(node: nodes.Element, replacements: list[nodes.Node]) -> None:
    """Put ``replacements`` where ``node`` is (without carrying its attributes over)."""
    parent = node.parent
    position = parent.index(node)
    parent[position:position + 1] = replacements


def _configure(app: Sphinx, config: Config) -> None:
    """The LaTeX settings: SVG outputs shown (as PDF), wrapped code, the preamble, the title page."""
    priorities = list(config.nb_mime_priority_overrides)
    # MyST-NB leaves SVG out of LaTeX; the converter turns it into a vector PDF figure.
    priorities.append(("latex", "image/svg+xml", 15))
    config.nb_mime_priority_overrides = priorities
    elements = {**LATEX_ELEMENTS, **config.latex_elements}
    # sphinx-jupyterbook-latex loads unicode-math, under which TeX that MathJax and plain
    # LaTeX accept (``_\mathcal{X}``, without braces) stops the build; the book's math needs
    # only amsmath, which Sphinx loads. Its other settings are kept.
    preamble = elements.get("preamble", "")
    if JBLATEX_PREAMBLE_MARK in preamble:
        preamble = preamble[:preamble.index(JBLATEX_PREAMBLE_MARK)] + PREAMBLE
    if pdf_build_requested():
        # The title page names the framework, on the line Sphinx keeps for the release. It is
        # set once the document begins, after the template's own (empty) \release.
        preamble += f"\\AtBeginDocument{{\\release{{{_framework().label} edition}}}}\n"
    elements["preamble"] = preamble
    config.latex_elements = elements
    if pdf_build_requested():
        # sphinx-jupyterbook-latex sets this once the builder exists, which is after Sphinx
        # compared the configuration with the saved environment's: set here as well, the
        # frameworks' builds share one environment instead of each reading every page.
        config.numfig_secnum_depth = 2
    bbm = str(STATIC_LATEX / "bbm.sty")
    if bbm not in config.latex_additional_files:
        config.latex_additional_files = [*config.latex_additional_files, bbm]


def _check_framework(app: Sphinx) -> None:
    """``builder-inited``: a LaTeX build must know its framework before it reads anything."""
    if app.builder.format == "latex":
        _framework()


def setup(app: Sphinx) -> dict:
    """Register the post-transform and the handlers."""
    app.setup_extension("myst_nb")
    app.setup_extension("sphinxcontrib.cairosvgconverter")
    app.add_post_transform(OneFrameworkOnly)
    app.add_post_transform(OneEntryPerWork)
    app.add_post_transform(DropEmptySections)
    # After sphinx-jupyterbook-latex (priority 500) has written its LaTeX settings.
    app.connect("config-inited", _configure, priority=800)
    app.connect("builder-inited", _check_framework)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
