"""The book works with the network cut: no page asks any host but its own."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

from book_reader import CHAPTERS

#: Output folders whose files are downloads or sources, not pages to read.
NOT_PAGES = ("_sources/", "_downloads/", "_static/", "_images/", "_vendor/")

#: Every link on the page, as an absolute address.
LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"


def book_page(url: str, base_url: str) -> str | None:
    """The book page a link leads to (path relative to the root), or None if it leads elsewhere."""
    address = urldefrag(url).url
    if not address.startswith(base_url):
        return None
    path = urlsplit(address).path[len(urlsplit(base_url).path):]
    if not path.endswith(".html") or path.startswith(NOT_PAGES):
        return None
    return path


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


def test_no_page_asks_another_host(reader, base_url):
    """Every page a reader can reach from the front page (and the search page, which the
    search box opens) loads, math typeset and fonts in, without a request off the host."""
    to_visit = ["index.html", "search.html"]
    seen = set(to_visit)
    while to_visit:
        reader.open(to_visit.pop())
        for url in reader.page.evaluate(LINKS_JS):
            page = book_page(url, base_url)
            if page is not None and page not in seen:
                seen.add(page)
                to_visit.append(page)
    assert {"intro.html", *CHAPTERS} <= seen, sorted(seen)
    assert reader.blocked == [], f"requests to other hosts: {reader.blocked}"
    assert reader.problems == [], "\n".join(reader.problems)
