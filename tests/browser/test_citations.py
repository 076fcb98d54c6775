"""Citations: every chapter lists the works it cites, and its citations link to its own list.

A work cited in several chapters is listed in each of them (``_config.yml`` silences the
warning about the repeated entry); this checks that each chapter's citations still resolve
to the chapter's own list, not to another chapter's.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from conftest import BOOK_DIR

from bookbuild.pipeline.toc import toc_files

ROOT = BOOK_DIR.parent.parent
CHAPTERS = [path.relative_to(ROOT).with_suffix(".html").as_posix()
            for path in toc_files(ROOT) if path.parent.name == "chapters"]


@pytest.mark.parametrize("page", CHAPTERS)
def test_citations_link_to_the_chapters_own_references(book, page):
    soup = BeautifulSoup((book / page).read_text(encoding="utf-8"), "html.parser")
    entries = {entry["id"] for entry in soup.select('div.citation[role="doc-biblioentry"]')}
    links = [link.get("href", "") for citation in soup.select("span.bibtex-citation") for link in citation.find_all("a")]
    assert links, f"{page} cites nothing"
    assert all(href.startswith("#") and href[1:] in entries for href in links), (page, links, entries)


@pytest.mark.parametrize("page", CHAPTERS)
def test_citation_labels_are_author_initials_and_year(book, page):
    """A label such as [GDG+17] or [Pol64]; an accent written in LaTeX once made it [GDollarG+17]."""
    soup = BeautifulSoup((book / page).read_text(encoding="utf-8"), "html.parser")
    labels = [entry.select_one("span.label").get_text().strip("[]")
              for entry in soup.select('div.citation[role="doc-biblioentry"]')]
    assert labels, f"{page} lists no references"
    for label in labels:
        assert re.fullmatch(r"[A-Za-z]{1,4}\+?\d{2}[a-z]?", label), (page, label)
