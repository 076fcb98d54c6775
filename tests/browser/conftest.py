"""Fixtures for the browser tests: the built book, a local server for it, and Chromium.

The tests read the real book in ``<repo>/_build/html`` (``make test`` builds it first), or
the one named by ``BOOK_HTML_DIR``. They drive Debian's Chromium (``apt-get install
chromium``) through Playwright; no browser is downloaded.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from book_reader import CHAPTERS, Reader

ROOT = Path(__file__).resolve().parents[2]
BOOK_DIR = Path(os.environ.get("BOOK_HTML_DIR", ROOT / "_build" / "html"))
SCREENSHOT_DIR = BOOK_DIR.parent / "screenshots"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Milliseconds a page action may take before Playwright gives up.
ACTION_TIMEOUT = 15_000


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
        """Stay silent; failed requests are reported by the browser side."""


@pytest.fixture(scope="session")
def book() -> Path:
    """The built book's HTML directory; the session fails at once if it is missing."""
    missing = [page for page in ("index.html", *CHAPTERS) if not (BOOK_DIR / page).is_file()]
    if missing:
        pytest.fail(
            f"The built book is missing or incomplete: {BOOK_DIR} lacks {', '.join(missing)}. "
            "Build it with `make html` (`make test` does so first), or point BOOK_HTML_DIR "
            "at a built book.",
            pytrace=False,
        )
    return BOOK_DIR


@pytest.fixture(scope="session")
def base_url(book: Path) -> Iterator[str]:
    """Serve the book on 127.0.0.1 (an ephemeral port) for the whole session."""
    handler = functools.partial(QuietHandler, directory=str(book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's browser with `apt-get install -y chromium`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_reader(browser: Browser, base_url: str) -> Iterator[Callable[..., Reader]]:
    """Open readers (fresh browser contexts) on the book; check what they met at the end.

    Keyword arguments go to ``Browser.new_context`` (viewport, color scheme, ...). When the
    test is over, no reader may have sent a request off the local host, logged a console
    error or met a failed local request.
    """
    readers: list[Reader] = []

    def open_one(**options) -> Reader:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT)
        reader = Reader(context, base_url)
        readers.append(reader)
        return reader

    yield open_one
    for reader in readers:
        reader.context.close()
    blocked = [url for reader in readers for url in reader.blocked]
    problems = [problem for reader in readers for problem in reader.problems]
    assert not blocked, f"pages asked other hosts: {blocked}"
    assert not problems, "the reader met problems:\n" + "\n".join(problems)


@pytest.fixture
def reader(open_reader: Callable[..., Reader]) -> Reader:
    """A reader at desktop width in the light theme."""
    return open_reader(color_scheme="light")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The directory the tests write their screenshots to."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
