"""The Momentum chapter's figures in each PDF: all there, all vector, and a page to look at.

The notebooks draw their figures as SVG. The PDF build converts each to a PDF figure and marks
it with a named destination (:func:`bookbuild.sphinxext.latex.figure_destination`), so the
tests count a chapter's figures with ``pdfinfo -dests``. A figure turned into a bitmap on the
way would show up in ``pdfimages``: the only raster images allowed on the chapter's pages are
the ones the SVGs themselves embed (matplotlib embeds the colour map of a heat map as a PNG).
"""

from __future__ import annotations

import pytest

from bookbuild.frameworks import FRAMEWORKS
from bookbuild.sphinxext.latex import figure_destination
from chapters.chapter_tools import ChapterUnderTest
from pdf_reader import (
    ENTRIES, PAGES_DIR, ROOT, destinations, embedded_png_sizes, ink, raster_images, render, start_pages,
)

MOMENTUM = ChapterUnderTest("momentum.md")
DOCNAME = MOMENTUM.path.relative_to(ROOT).with_suffix("").as_posix()


@pytest.fixture(scope="module")
def executed():
    """The Momentum chapter executed in each framework (from the execution cache)."""
    return MOMENTUM.executed()


def svg_figures(notebook) -> list[str]:
    return [output["data"]["image/svg+xml"] for cell in notebook.cells for output in cell.get("outputs", [])
            if "image/svg+xml" in output.get("data", {})]


def momentum_page_range(pages: list[str]) -> tuple[int, int]:
    """The first and last page (numbered from 1) of the Momentum chapter."""
    starts = start_pages(pages) + [len(pages)]
    index = [path for path, _ in ENTRIES].index(MOMENTUM.path)
    return starts[index] + 1, starts[index + 1]


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_every_momentum_figure_is_a_vector_figure(pdfs, pdf_pages, executed, framework):
    svgs = svg_figures(executed[framework])
    assert len(svgs) >= 5, f"the Momentum chapter draws {len(svgs)} figures in {framework}"
    first, last = momentum_page_range(pdf_pages[framework])
    marks = destinations(pdfs[framework])
    figure_pages = [marks.get(figure_destination(DOCNAME, number)) for number in range(1, len(svgs) + 1)]
    assert None not in figure_pages, f"figures missing from the {framework} PDF: {figure_pages}"
    assert figure_destination(DOCNAME, len(svgs) + 1) not in marks, "the PDF has more figures than the notebook"
    assert all(first <= page <= last for page in figure_pages), (figure_pages, first, last)
    embedded = sorted(size for svg in svgs for size in embedded_png_sizes(svg))
    assert sorted(raster_images(pdfs[framework], first, last)) == embedded, (
        "the Momentum pages hold raster images that no SVG figure embeds: a figure was rasterized")


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_render_a_momentum_page_and_the_title_page(pdfs, framework):
    """Written for people to look at: ``_build/pdf/pages/``."""
    pdf = pdfs[framework]
    page = destinations(pdf)[figure_destination(DOCNAME, 1)]
    momentum = render(pdf, page, PAGES_DIR / f"momentum-{framework}.png")
    title = render(pdf, 1, PAGES_DIR / f"title-{framework}.png")
    assert momentum.stat().st_size > 10_000 and title.stat().st_size > 2_000
    # A page of text and a figure is inked, but far from black; the title page, sparsely.
    assert 0.03 < ink(pdf, page) < 0.5
    assert 0.002 < ink(pdf, 1) < 0.1
