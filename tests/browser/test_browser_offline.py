"""The book works with the network cut: no page asks any host but its own."""

from __future__ import annotations

from pathlib import Path

#: Output folders that hold assets rather than pages.
ASSET_DIRS = {"_static", "_sources", "_images", "_downloads", "_vendor"}


def book_pages(book: Path) -> list[str]:
    """Every HTML page of the built book, relative to its root."""
    return sorted(
        path.relative_to(book).as_posix()
        for path in book.rglob("*.html")
        if not ASSET_DIRS.intersection(path.relative_to(book).parts)
    )


def test_blocking_counts_a_request_to_another_host(reader):
    """The guard the other tests rely on: a request off the local host is blocked and counted."""
    reader.open("intro.html")
    probe = "https://offline-check.invalid/probe.js"
    outcome = reader.page.evaluate(f"() => fetch('{probe}').then(() => 'loaded', () => 'blocked')")
    assert outcome == "blocked"
    assert reader.blocked == [probe]
    assert len(reader.problems) == 1 and "ERR_BLOCKED_BY_CLIENT" in reader.problems[0]
    # Both were provoked here: clear them so the fixture's final check sees only the book.
    reader.blocked.clear()
    reader.problems.clear()


def test_no_page_asks_another_host(reader, book):
    """Every page of the book loads (math typeset, fonts in) without a request off the host."""
    pages = book_pages(book)
    assert "chapters/momentum.html" in pages
    for page in pages:
        reader.open(page)
    assert reader.blocked == [], f"requests to other hosts: {reader.blocked}"
    assert reader.problems == [], "\n".join(reader.problems)
