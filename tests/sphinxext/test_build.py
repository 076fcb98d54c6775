"""A full build of the small test book, checked on its HTML and its notebooks."""

import json

import nbformat
import pytest
from bs4 import BeautifulSoup

from bookbuild.frameworks import FRAMEWORKS
from bookbuild.environments import kernel_name

LABELS = FRAMEWORKS.labels


@pytest.fixture(scope="module")
def page(built_book):
    html = (built_book / "_build/html/chapters/tabs.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


def tab_sets(page):
    return page.select("div.sd-tab-set")


def tabs(tab_set):
    """(sync id, label text, content element) of each tab of a tab set."""
    result = []
    for label in tab_set.find_all("label", recursive=False):
        content = tab_set.find(id=label["aria-controls"])
        result.append((label["data-sync-id"], label.get_text(strip=True), content))
    return result


def test_page_has_one_tab_set_per_group(page):
    assert len(tab_sets(page)) == 3


def test_every_tab_is_in_the_framework_sync_group_in_book_order(page):
    for tab_set in tab_sets(page):
        labels = tab_set.find_all("label", recursive=False)
        assert [label["data-sync-group"] for label in labels] == ["framework"] * len(FRAMEWORKS.names)
        assert [label["data-sync-id"] for label in labels] == list(FRAMEWORKS.names)
        assert [label.get_text(strip=True) for label in labels] == [LABELS[fw] for fw in FRAMEWORKS.names]


def test_each_tab_holds_its_frameworks_code_and_output(page):
    first, untagged, _ = tab_sets(page)
    for fw, _, content in tabs(first):
        assert f'framework = "{fw}"' in content.get_text()
    assert "only in tensorflow" in tabs(first)[2][2].get_text()
    assert "only in tensorflow" not in tabs(first)[0][2].get_text()
    for fw, _, content in tabs(untagged):
        assert f"running under {fw}" in content.get_text()
        assert all(f"running under {other}" not in content.get_text() for other in FRAMEWORKS.names if other != fw)


def test_missing_framework_gets_a_note_in_its_own_tab(page):
    *_, partial = tab_sets(page)
    (mx, _, mx_content), (pt, _, pt_content), (tf, _, tf_content), (jx, _, jax_content) = tabs(partial)
    assert (mx, pt, tf, jx) == FRAMEWORKS.names
    assert "no tensorflow here: mxnet" in mx_content.get_text()
    assert "no tensorflow here: pytorch" in pt_content.get_text()
    assert "no TensorFlow code" in tf_content.get_text()
    assert "no JAX code" in jax_content.get_text()


def test_cell_without_output_is_shown_once_outside_tabs(page):
    cells = [cell for cell in page.select("div.cell") if "shared_value = 42" in cell.get_text()]
    assert len(cells) == 1
    assert cells[0].find_parent("div", class_="sd-tab-set") is None


def test_math_is_kept_for_mathjax_and_no_error_output(page):
    assert r"\(x^2\)" in page.get_text()
    assert "Traceback" not in page.get_text()
    assert not page.select(".output.traceback, .output.error")


def test_pages_link_to_their_executed_notebooks_one_per_framework(built_book, page):
    links = page.select("p.d2l-notebook-downloads a.download")
    assert [a.get_text(strip=True) for a in links] == [LABELS[fw] for fw in FRAMEWORKS.names]
    for fw, link in zip(FRAMEWORKS.names, links):
        path = built_book / "_build/html/chapters" / link["href"]
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        assert notebook.metadata.kernelspec.name == kernel_name(fw)
        assert notebook.cells[0].cell_type == "markdown" and "Run All" in notebook.cells[0].source
        outputs = json.dumps([cell.get("outputs", []) for cell in notebook.cells])
        assert f"running under {fw}" in outputs


def test_learner_notebooks_are_written_per_framework(built_book):
    for fw in FRAMEWORKS.names:
        notebook = nbformat.read(built_book / f"_build/notebooks/{fw}/tabs.ipynb", as_version=4)
        code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
        assert f'framework = "{fw}"' in code[0]
        # the group without TensorFlow and JAX has no cell in their notebooks
        assert len(code) == (4 if fw in ("mxnet", "pytorch") else 3)


def test_page_without_code_has_no_tabs_and_no_downloads(built_book):
    html = (built_book / "_build/html/intro.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    assert not page.select("div.sd-tab-set") and not page.select("p.d2l-notebook-downloads")


def test_punctuation_after_inline_math_stays_with_it(page):
    (group,) = page.select("span.d2l-nowrap")
    assert group.get_text() == r"\(x^2\)."
    assert group.find("span", class_="math") is not None
    assert "with math" in group.parent.get_text()
