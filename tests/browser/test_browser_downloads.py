"""Each chapter's notebook links, one per framework, return valid, executed notebooks of their framework; the
chosen framework's downloads are the prominent ones, and the choice is stored under the book's key."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from book_reader import ADAM, CHAPTERS, FRAMEWORKS, LABELS, MOMENTUM, REGISTRY

from bookbuild.frameworks import SYNC_GROUP
from bookbuild.pipeline.learner import ARCHIVE_URL_DIR, archive_name

ROOT = Path(__file__).resolve().parents[2]

#: The text and absolute address of every notebook link on the page.
NOTEBOOK_LINKS_JS = """() => Array.from(document.querySelectorAll('.bd-article a[href$=".ipynb"]'))
  .map(a => [a.textContent.trim(), a.href])"""

#: Python packages a framework's code imports (directly or as the shim's backend module).
PACKAGES = {framework.name: framework.packages[0] for framework in REGISTRY}
#: (The shim's backend modules are named after those packages.)
_NAMES = "|".join(PACKAGES.values())
IMPORT = re.compile(
    rf"^\s*(?:import|from)\s+({_NAMES})\b|^\s*from\s+d2l_shim\s+import\s+({_NAMES})\b",
    re.MULTILINE,
)


def imported_frameworks(notebook: nbformat.NotebookNode) -> set[str]:
    """The frameworks whose packages the notebook's code cells import."""
    source = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    packages = {a or b for a, b in IMPORT.findall(source)}
    return {fw for fw, package in PACKAGES.items() if package in packages}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_notebook_links_return_valid_notebooks(reader, chapter):
    """The links read MXNet, PyTorch, TensorFlow, JAX; each returns a valid notebook with outputs
    whose code imports its own framework and no other."""
    reader.open(chapter)
    links = reader.page.evaluate(NOTEBOOK_LINKS_JS)
    assert [text for text, _ in links] == list(LABELS), f"notebook links on {chapter}: {links}"
    for framework, (label, url) in zip(FRAMEWORKS, links):
        response = reader.context.request.get(url)
        assert response.ok, f"{label} notebook of {chapter}: HTTP {response.status}"
        notebook = nbformat.reads(response.text(), as_version=4)
        nbformat.validate(notebook)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert any(cell.outputs for cell in code), f"the {label} notebook has no outputs"
        assert imported_frameworks(notebook) == {framework}, f"the {label} notebook of {chapter}"


#: The framework and address of each prominent download link, per paragraph of links.
CHOSEN_LINKS_JS = """() => Array.from(document.querySelectorAll('.bd-article a.d2l-download-chosen'))
  .map(a => [a.closest('p').className, a.textContent.trim(), a.href])"""

#: Every localStorage entry of the page's origin.
STORAGE_JS = "() => Object.fromEntries(Object.entries(window.localStorage))"


def book_storage_prefix() -> str:
    """The sphinx-design storage prefix the book sets in its ``_config.yml``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["sphinx"]["config"]["sd_tabs_storage_prefix"]


def test_the_chosen_frameworks_downloads_are_prominent_and_follow_the_choice(reader):
    """Before any choice the first framework's links stand out; after choosing TensorFlow,
    TensorFlow's do, on this chapter and on the next, where the notebook link returns a
    valid TensorFlow notebook and the archive link a zip of TensorFlow notebooks."""
    chosen = FRAMEWORKS[-1]
    reader.open(MOMENTUM)
    before = reader.page.evaluate(CHOSEN_LINKS_JS)
    assert [label for _, label, _ in before] == [LABELS[0], LABELS[0]], before
    reader.choose(chosen, group=len(reader.tab_groups()) - 1)
    after = reader.page.evaluate(CHOSEN_LINKS_JS)
    assert [label for _, label, _ in after] == [LABELS[-1], LABELS[-1]], after

    reader.follow("a.right-next")
    assert reader.page.url != reader.url(MOMENTUM)
    links = dict((kind, (label, url)) for kind, label, url in reader.page.evaluate(CHOSEN_LINKS_JS))
    assert set(links) == {"d2l-notebook-downloads", "d2l-archive-downloads"}, links
    label, url = links["d2l-notebook-downloads"]
    assert label == LABELS[-1] and url.endswith(".ipynb")
    response = reader.context.request.get(url)
    assert response.ok, f"HTTP {response.status} for {url}"
    notebook = nbformat.reads(response.text(), as_version=4)
    nbformat.validate(notebook)
    assert imported_frameworks(notebook) == {chosen}
    label, url = links["d2l-archive-downloads"]
    assert label == LABELS[-1] and url == reader.url(f"{ARCHIVE_URL_DIR}/{archive_name(chosen)}")
    response = reader.context.request.get(url)
    assert response.ok, f"HTTP {response.status} for {url}"
    with zipfile.ZipFile(io.BytesIO(response.body())) as archive:
        notebooks = [name for name in archive.namelist() if name.endswith(".ipynb")]
        assert len(notebooks) >= 10
        for name in notebooks:
            assert imported_frameworks(nbformat.reads(archive.read(name), as_version=4)) == {chosen}, name


def test_the_landing_page_offers_the_archives_and_marks_the_stored_choice(reader):
    reader.open("intro.html")
    links = reader.page.evaluate(
        "() => Array.from(document.querySelectorAll('.bd-article a.d2l-download')).map(a => a.href)")
    # At stable addresses, which the learner notebooks can name.
    assert links == [reader.url(f"{ARCHIVE_URL_DIR}/{archive_name(fw)}") for fw in FRAMEWORKS]
    reader.open(ADAM)
    reader.choose(FRAMEWORKS[1])
    reader.open("intro.html")
    assert [label for _, label, _ in reader.page.evaluate(CHOSEN_LINKS_JS)] == [LABELS[1]]


def test_the_choice_is_stored_under_the_books_own_key(reader):
    """The tab choice lives under the book's prefix, not sphinx-design's default one."""
    prefix = book_storage_prefix()
    assert prefix and prefix != "sphinx-design-tab-id-"
    reader.open(ADAM)
    reader.choose(FRAMEWORKS[1])
    storage = reader.page.evaluate(STORAGE_JS)
    holding_a_framework = {key: value for key, value in storage.items() if value in FRAMEWORKS}
    assert holding_a_framework == {f"{prefix}{SYNC_GROUP}": FRAMEWORKS[1]}, storage
    # Another sphinx-design site on the same host writes under the default key: no effect.
    reader.page.evaluate(f"() => window.localStorage.setItem('sphinx-design-tab-id-{SYNC_GROUP}', '{FRAMEWORKS[2]}')")
    reader.open(MOMENTUM)
    assert set(reader.selected()) == {FRAMEWORKS[1]}
