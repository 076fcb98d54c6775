"""Incremental builds keep every page's navigation current, and forget removed chapters."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from minibook import add_chapter, build_html, copy_book, execute


def build(root: Path) -> None:
    """``make html`` on the test book, asserting success."""
    result = execute(root)
    assert result.returncode == 0, result.stderr
    result = build_html(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def sidebar(root: Path, page: str) -> list[str]:
    """The titles in the sidebar navigation of a built page."""
    soup = BeautifulSoup((root / "_build/html" / page).read_text(encoding="utf-8"), "html.parser")
    return [link.get_text(strip=True) for link in soup.select("nav.bd-links a")]


def next_link(root: Path, page: str) -> str:
    soup = BeautifulSoup((root / "_build/html" / page).read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("a.right-next").get_text(" ", strip=True)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = copy_book(tmp_path / "book")
    build(root)
    return root


def test_renamed_title_reaches_every_page(built):
    assert "Plain" in sidebar(built, "chapters/tabs.html")
    chapter = built / "chapters/plain.md"
    chapter.write_text(chapter.read_text().replace("# Plain", "# Plain and Simple"))
    build(built)
    for page in ("intro.html", "chapters/tabs.html", "chapters/plain.html"):
        assert "Plain and Simple" in sidebar(built, page), page
    assert "Plain and Simple" in next_link(built, "chapters/tabs.html")


def test_added_chapter_reaches_every_page(built):
    add_chapter(built, "extra", "\nWords only.\n", title="Extra Words")
    with (built / "_toc.yml").open("a") as toc:
        toc.write("  - file: chapters/extra\n")
    build(built)
    for page in ("intro.html", "chapters/tabs.html", "chapters/plain.html", "chapters/extra.html"):
        assert "Extra Words" in sidebar(built, page), page
    assert "Extra Words" in next_link(built, "chapters/plain.html")


def test_removed_chapter_leaves_the_output(built):
    assert list(built.glob("_build/notebooks/*/plain.ipynb"))
    toc = built / "_toc.yml"
    toc.write_text(toc.read_text().replace("  - file: chapters/plain\n", ""))
    build(built)
    html = built / "_build/html"
    assert not (html / "chapters/plain.html").exists()
    assert not list(html.glob("_sources/chapters/plain.*"))
    assert not list(html.glob("_downloads/*/plain.ipynb"))
    assert list(html.glob("_downloads/*/tabs.ipynb"))
    assert not list(built.glob("_build/notebooks/*/plain.ipynb"))
    for page in ("intro.html", "chapters/tabs.html"):
        assert "Plain" not in sidebar(built, page), page
