"""The learner notebooks' Markdown reads like the book in Jupyter: no MyST is left, and the
numbers of sections and equations and the citations are those of the HTML book.

The numbers are checked against the built book (``make html``), which Sphinx numbers.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import bs4
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pybtex.database import parse_file

from bookbuild.config import read_book_config, read_book_yaml
from bookbuild.frameworks import FRAMEWORKS
from bookbuild.pipeline.learner import ARCHIVE_URL_DIR, archive_name, requirements_name, setup_cell
from bookbuild.pipeline.learner_markdown import (
    REFERENCES_TITLE, BookIndex, ConversionError, _parser, convert_cells, directive_name, myst_extensions,
)
from bookbuild.pipeline.plan import plan
from bookbuild.pipeline.split import load_chapter, parse_chapter, split
from bookbuild.pipeline.toc import toc_files

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
MOMENTUM = ROOT / "chapters" / "momentum.md"
BASE_URL = "https://example.org/book/"


@pytest.fixture(scope="module")
def index() -> BookIndex:
    return BookIndex.build(ROOT, dataclasses.replace(read_book_config(ROOT), base_url=""))


@pytest.fixture(scope="module")
def html():
    """The built book's pages, parsed: ``html("chapters/momentum")``."""
    if not (HTML / "index.html").is_file():
        pytest.fail(f"the built book is missing in {HTML}: run `make html` first", pytrace=False)
    return functools.cache(
        lambda docname: bs4.BeautifulSoup((HTML / f"{docname}.html").read_text(encoding="utf-8"), "html.parser"))


def converted(index: BookIndex, path: Path, framework: str):
    notebook = split(load_chapter(path))[framework]
    convert_cells(notebook, index, path, framework)
    return notebook


def markdown_of(notebook) -> str:
    return "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def all_tokens(tokens):
    for token in tokens:
        yield token
        yield from all_tokens(token.children or ())


def jupyter_tokens(text: str):
    """``text`` parsed as Jupyter does: CommonMark with ``$``/``$$`` math."""
    return list(all_tokens(MarkdownIt("commonmark").use(dollarmath_plugin).parse(text)))


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_no_myst_is_left_in_any_markdown_cell(index, framework):
    """Parsed again as MyST, no cell of any chapter holds a role, a target, a labelled
    equation or a directive."""
    myst = _parser(myst_extensions(read_book_yaml(ROOT)))
    jobs = [job for job in plan([load_chapter(path) for path in toc_files(ROOT)], ROOT) if job.framework == framework]
    assert len(jobs) >= 10
    for path in (job.chapter.path for job in jobs):
        for cell in converted(index, path, framework).cells:
            if cell.cell_type != "markdown":
                continue
            left = [
                f"{token.type} {token.info or token.content!r}"
                for token in all_tokens(myst.parse(cell.source))
                if token.type in ("myst_role", "myst_target", "math_block_label") or directive_name(token)
            ]
            assert not left, f"{path.name} ({framework}) keeps MyST: {left}\n{cell.source[:500]}"


def test_momentum_section_reference_is_the_html_books(index, html):
    """``{numref}`sec_sgd``` reads as the HTML book numbers it, with the chapter's title."""
    page = html("chapters/momentum")
    number = page.select_one('a[href="sgd.html#sec-sgd"]').get_text(" ", strip=True)
    title = html("chapters/sgd").find("h1").get_text(" ", strip=True).rstrip("#").strip()
    text = markdown_of(converted(index, MOMENTUM, "pytorch"))
    assert number.startswith("Section ")
    assert f"stochastic gradient descent in {number}, {title}, the gradient" in text


def test_section_references_link_to_the_online_book_when_its_address_is_set():
    index = BookIndex.build(ROOT, dataclasses.replace(read_book_config(ROOT), base_url=BASE_URL))
    tokens = jupyter_tokens(markdown_of(converted(index, MOMENTUM, "mxnet")))
    links = [
        (token.attrGet("href"), tokens[position + 1].content)
        for position, token in enumerate(tokens) if token.type == "link_open"
    ]
    section = index.sections["sec_sgd"]
    assert (f"{BASE_URL}chapters/sgd.html#sec-sgd", f"Section {section.number}, {section.title}") in links


def test_momentum_equation_reference_and_its_tag_match_the_html_book(index, html):
    """``{eq}`` becomes the number the HTML book shows, and the equation carries it as ``\\tag``."""
    shown = html("chapters/momentum").find(id="equation-eq-momentum-leaky-average").find(class_="eqno")
    number = shown.get_text(strip=True).rstrip("#")  # "(6.2)"
    text = markdown_of(converted(index, MOMENTUM, "tensorflow"))
    assert f"Unrolling the recursion {number} shows" in text
    tagged = [
        token.content for token in jupyter_tokens(text)
        if token.type == "math_block" and r"\mathbf{v}_t = \beta \mathbf{v}_{t-1} + \mathbf{g}_{t, t-1}" in token.content
    ]
    assert len(tagged) == 1 and tagged[0].strip().endswith(rf"\tag{{{number.strip('()')}}}"), tagged


def test_every_equation_and_section_number_is_the_html_books(index, html):
    assert len(index.equations) >= 40
    for label, equation in index.equations.items():
        shown = html(equation.docname).find(id=equation.anchor).find(class_="eqno")
        assert shown.get_text(strip=True).rstrip("#") == f"({equation.number})", label
    for label, section in index.sections.items():
        heading = html(section.docname).find(id=section.anchor)
        assert heading is not None, label
    chapters = [p for p in toc_files(ROOT) if p.stem not in ("intro", "api")]
    shown = {
        link["href"].split("#")[0]: link.get_text(" ", strip=True)
        for link in html("chapters/gd").select("a.reference.internal")
        if link.find(class_="std-numref")
    }
    compared = [f"{path.stem}.html" for path in chapters if f"{path.stem}.html" in shown]
    assert len(compared) >= 3, shown  # Gradient Descent refers to several later chapters
    for path in chapters:
        page = f"{path.stem}.html"
        if page in shown:
            assert shown[page] == f"Section {index.pages[index.docname(path)].number}", page


def test_momentum_citation_and_its_references_entry(index):
    entry = parse_file(str(ROOT / "chapters" / "references.bib")).entries["Polyak.1964"]
    surname, year = entry.persons["author"][0].last_names[0], entry.fields["year"]
    notebook = converted(index, MOMENTUM, "pytorch")
    text = markdown_of(notebook)
    assert f"goes back to {surname} ({year}), who introduced it" in text
    tokens = jupyter_tokens(text)
    headings = [position for position, token in enumerate(tokens)
                if token.type == "inline" and token.content == REFERENCES_TITLE
                and tokens[position - 1].type == "heading_open"]
    assert len(headings) == 1
    items = [token.content for token in tokens[headings[0]:]
             if token.type == "inline" and token.content.startswith("**")]
    ours = [item for item in items if item.startswith(f"**{surname} ({year})**")]
    assert len(ours) == 1 and "Some methods of speeding up the convergence" in ours[0], items
    cited = index.citations["chapters/momentum"]
    assert len(items) == len(cited) >= 5


def test_an_unknown_directive_stops_the_build_naming_its_line(index, tmp_path):
    source = tmp_path / "odd.md"
    source.write_text("# Odd\n\nText.\n\n```{figure} plot.png\nA plot.\n```\n", encoding="utf-8")
    notebook = split(parse_chapter(source.read_text(), source))[FRAMEWORKS.names[0]]
    with pytest.raises(ConversionError, match=r"odd\.md, line 5: the directive \{figure\}"):
        convert_cells(notebook, index, source, FRAMEWORKS.names[0])


def test_a_reference_to_an_unknown_label_names_it(index, tmp_path):
    source = tmp_path / "odd.md"
    source.write_text("# Odd\n\nSee {numref}`sec_nowhere`.\n", encoding="utf-8")
    notebook = split(parse_chapter(source.read_text(), source))[FRAMEWORKS.names[0]]
    with pytest.raises(ConversionError, match="sec_nowhere"):
        convert_cells(notebook, index, source, FRAMEWORKS.names[0])


def test_the_setup_cell_links_the_archive_online_when_the_books_address_is_set():
    index = BookIndex.build(ROOT, dataclasses.replace(read_book_config(ROOT), base_url=BASE_URL))
    framework = FRAMEWORKS.names[0]
    cell = setup_cell(index, load_chapter(MOMENTUM), framework)
    tokens = jupyter_tokens(cell.source)
    hrefs = [token.attrGet("href") for token in tokens if token.type == "link_open"]
    assert f"{BASE_URL}{ARCHIVE_URL_DIR}/{archive_name(framework)}" in hrefs
    commands = [token.content for token in tokens if token.type == "fence"]
    assert commands == [f"python -m pip install -r {requirements_name(framework)}\n"]


ADMONITIONS_AND_TABS = """# Odd

:::{note}
A note with $x^2$.
:::

```{admonition} Careful
Mind the step.
```

::::{tab-set}

:::{tab-item} {mxnet_label}
Only MXNet.
:::
:::{tab-item} {pytorch_label}
Only PyTorch.
:::
::::
"""


def test_admonitions_become_titled_blockquotes_and_framework_tabs_keep_one_framework(index, tmp_path):
    source = tmp_path / "odd.md"
    labels = FRAMEWORKS.labels
    source.write_text(ADMONITIONS_AND_TABS.replace("{mxnet_label}", labels["mxnet"])
                      .replace("{pytorch_label}", labels["pytorch"]), encoding="utf-8")
    notebook = split(parse_chapter(source.read_text(), source))["pytorch"]
    convert_cells(notebook, index, source, "pytorch")
    text = markdown_of(notebook)
    tokens = jupyter_tokens(text)
    quotes = [position for position, token in enumerate(tokens) if token.type == "blockquote_open"]
    assert len(quotes) == 2, text
    strong = [next(p for p in range(position, len(tokens)) if tokens[p].type == "strong_open") for position in quotes]
    titles = [tokens[position + 1].content for position in strong]
    assert titles == ["Note", "Careful"], text
    assert any(token.type == "math_inline" and token.content == "x^2" for token in tokens)
    assert "Only PyTorch." in text and "Only MXNet." not in text
