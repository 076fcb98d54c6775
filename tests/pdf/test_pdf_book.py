"""The PDF of each framework: title page, chapters in order, only its code, resolved references,
and the landing page's links to it.

Every check on a PDF runs on the text poppler's ``pdftotext`` extracts from it. The import
checks look at the chapters only: the landing page and the API reference are about all the
frameworks (``from d2l_shim import torch as d2l`` and its siblings appear there on purpose).
"""

from __future__ import annotations

import pytest

from bookbuild.frameworks import FRAMEWORKS
from bookbuild.pipeline.toc import toc_files
from pdf_reader import BOOK_TITLE, CHAPTERS, ENTRIES, ROOT, chapter_pages, start_pages, words


def import_lines(pages: list[str], package: str) -> list[str]:
    """The lines that import the top-level module ``package`` (``import x``, ``from x ...``)."""
    found = []
    for page in pages:
        for line in page.splitlines():
            line = line.strip()
            if (line == f"import {package}" or line.startswith((f"import {package} ", f"import {package}.",
                                                                 f"from {package} ", f"from {package}."))):
                found.append(line)
    return found


def shim_import(framework) -> str:
    return f"from d2l_shim import {framework.shim_module.rsplit('.', 1)[-1]} as d2l"


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_title_page_names_the_framework(pdf_pages, framework):
    title_page = words(pdf_pages[framework][0])
    assert words(BOOK_TITLE) in title_page
    label = FRAMEWORKS[framework].label
    assert f"{label} edition" in title_page, f"the title page of the {label} PDF: {title_page!r}"
    for other in FRAMEWORKS:
        if other.name != framework:
            assert f"{other.label} edition" not in title_page


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_every_chapter_in_order_with_a_numbered_table_of_contents(pdf_pages, framework):
    pages = pdf_pages[framework]
    starts = start_pages(pages)
    assert starts == sorted(set(starts)), f"two entries start on one page: {starts}"
    contents = words(" ".join(pages[1:starts[0]]))
    position = 0
    for number, (path, title) in enumerate(ENTRIES, start=1):
        entry = f"{number} {title}"
        found = contents.find(entry, position)
        assert found >= 0, f"the table of contents lacks {entry!r} ({path.name}), or has it out of order"
        position = found


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_chapters_show_only_the_frameworks_code(pdf_pages, framework):
    chosen = FRAMEWORKS[framework]
    by_chapter = chapter_pages(pdf_pages[framework])
    everything = [page for pages in by_chapter.values() for page in pages]
    # The framework's own package (not every one it needs: no chapter imports jaxlib itself).
    package = chosen.packages[0]
    assert import_lines(everything, package), f"the {chosen.label} PDF never imports {package}"
    for other in FRAMEWORKS:
        if other.name == framework:
            continue
        for package in other.packages:
            assert not import_lines(everything, package), (
                f"the {chosen.label} PDF imports {package}: {import_lines(everything, package)[:3]}")
        assert shim_import(other) not in words(" ".join(everything))
    for path in CHAPTERS:
        if shim_import(chosen) in path.read_text(encoding="utf-8"):
            assert shim_import(chosen) in words(" ".join(by_chapter[path.name])), (
                f"{path.name} in the {chosen.label} PDF lacks {shim_import(chosen)!r}")


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_no_unresolved_reference_or_citation(pdf_pages, framework):
    for number, page in enumerate(pdf_pages[framework], start=1):
        assert "??" not in page, f"page {number} of the {framework} PDF has an unresolved reference"
        assert "[?]" not in page, f"page {number} of the {framework} PDF has an unresolved citation"


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_bibliography_lists_each_cited_work_once(pdf_pages, framework):
    from chapters.chapter_tools import ChapterUnderTest

    cited = {key for path in CHAPTERS for key in ChapterUnderTest(path.name).citations()}
    pages = pdf_pages[framework]
    start = next(index for index, page in enumerate(pages)
                 if "BIBLIOGRAPHY" in (line.strip() for line in page.splitlines()))
    labels = []  # each entry starts a line with its label, such as [Pol64]
    for line in (line.strip() for page in pages[start:] for line in page.splitlines()):
        if line.startswith("[") and "]" in line and " " not in line[:line.index("]")]:
            labels.append(line[:line.index("]") + 1])
    assert len(labels) == len(set(labels)) == len(cited), (
        f"the bibliography of the {framework} PDF lists {labels}; the chapters cite {sorted(cited)}")
    text = words(" ".join(pages[:start]))
    for label in labels:
        assert label in text, f"{label} is in the bibliography but cited nowhere in the {framework} PDF"


def test_landing_page_links_each_pdf(pdfs):
    """``make html`` after ``make pdf`` (the order of ``.ci/run``) links every PDF from the landing page."""
    from bs4 import BeautifulSoup

    html = ROOT / "_build" / "html"
    landing = html / f"{toc_files(ROOT)[0].stem}.html"
    assert landing.is_file(), f"{landing} is missing: run `make html` after `make pdf`"
    page = BeautifulSoup(landing.read_text(encoding="utf-8"), "html.parser")
    links = {anchor.get_text(strip=True): anchor["href"] for anchor in page.select("p.d2l-pdf-downloads a[href]")}
    assert list(links) == list(FRAMEWORKS.labels.values()), (
        f"the landing page links {links}; run `make html` after `make pdf`")
    for framework, path in pdfs.items():
        href = links[FRAMEWORKS[framework].label]
        assert href.endswith(f"/{path.name}") and (html / href).is_file(), href


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_each_interactive_explorer_points_to_the_html_edition(pdf_pages, framework):
    from markdown_it import MarkdownIt

    from bookbuild.sphinxext.latex import EXPLORER_SENTENCE

    by_chapter = chapter_pages(pdf_pages[framework])
    total = 0
    for path in CHAPTERS:
        tokens = MarkdownIt().parse(path.read_text(encoding="utf-8"))
        explorers = sum(1 for token in tokens
                        if token.type == "fence" and token.info.strip() == "{momentum-explorer}")
        # Join the words LaTeX hyphenated at the end of a line.
        text = words(" ".join(by_chapter[path.name]).replace("-\n", ""))
        assert text.count(words(EXPLORER_SENTENCE)) == explorers, path.name
        total += explorers
    assert total >= 1, "no chapter has an explorer any more: this test has nothing to check"


#: The header of each framework's table in the Learning-Rate Scheduling chapter's tab set of
#: schedulers, a tab set its author wrote in the frameworks' sync group: (label, module) by framework.
SCHEDULER_TABLES = {"mxnet": ("MXNet", "mx.lr_scheduler"), "pytorch": ("PyTorch", "torch.optim.lr_scheduler"),
                    "tensorflow": ("Keras", "tf.keras.optimizers.schedules"), "jax": ("optax", "optax.schedules")}


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_a_framework_tab_set_written_by_an_author_shows_only_the_frameworks_tab(pdf_pages, framework):
    source = (ROOT / "chapters" / "lr_scheduler.md").read_text(encoding="utf-8")
    assert "::::{tab-set}\n:sync-group: framework\n" in source
    assert set(SCHEDULER_TABLES) == set(FRAMEWORKS.names)
    text = words(" ".join(chapter_pages(pdf_pages[framework])["lr_scheduler.md"]))
    for name, (label, module) in SCHEDULER_TABLES.items():
        assert f"| ours | {label}: `{module}` |" in source, "the test's table headers are the chapter's"
        assert (f"{label}: {module}" in text) == (name == framework), (FRAMEWORKS[framework].label, label)
