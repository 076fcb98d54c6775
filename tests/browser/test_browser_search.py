"""The book's search finds its chapters."""

from __future__ import annotations

from book_reader import MOMENTUM

RESULT_LINKS_JS = """() => Array.from(document.querySelectorAll('#search-results ul.search li a'))
  .map(a => a.getAttribute('href'))"""


def test_search_finds_momentum(reader):
    """Searching the book for "momentum" lists the Momentum chapter."""
    reader.open("search.html?q=momentum")
    reader.page.wait_for_selector(f"#search-results ul.search li a[href*='{MOMENTUM}']")
    links = reader.page.evaluate(RESULT_LINKS_JS)
    assert any(link.split("?")[0].endswith(MOMENTUM) for link in links), links
