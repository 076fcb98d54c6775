"""One more framework is one registry entry and one shim backend: the test book then has one
more synced tab in every group and one more notebook per chapter."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from book_reader import Reader
from conftest import QuietHandler

from bookbuild.frameworks import FRAMEWORKS
from minibook import build_extra_framework_book
from minibook.numpy_backend import FRAMEWORK as NUMPY

ALL = [*FRAMEWORKS.names, NUMPY.name]


@pytest.fixture(scope="module")
def extra_framework_book(tmp_path_factory) -> Path:
    return build_extra_framework_book(tmp_path_factory.mktemp("extra") / "book")


@pytest.fixture(scope="module")
def extra_framework_url(extra_framework_book):
    handler = functools.partial(QuietHandler, directory=str(extra_framework_book / "_build/html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_every_chapter_has_a_notebook_per_framework(extra_framework_book):
    notebooks = extra_framework_book / "_build/notebooks"
    for chapter in ("tabs", "plain"):
        assert sorted(path.parent.name for path in notebooks.glob(f"*/{chapter}.ipynb")) == sorted(ALL)


def test_synced_tabs_of_every_framework_in_every_group(browser, extra_framework_url):
    """Every group offers the book's frameworks and NumPy; choosing NumPy in one group switches all of them.

    (The test book is not the reader's book: it lacks the offline extension, so its console
    and remote requests are not checked here; the real book's browser tests do that.)"""
    context = browser.new_context()
    try:
        reader = Reader(context, extra_framework_url)
        reader.page.goto(reader.url("chapters/tabs.html"), wait_until="load")
        groups = reader.tab_groups()
        labels = [["framework", fw.name, fw.label] for fw in [*FRAMEWORKS, NUMPY]]
        assert groups and all(group == labels for group in groups), groups
        links = reader.page.locator("p.d2l-notebook-downloads a").all_inner_texts()
        assert links == [*FRAMEWORKS.labels.values(), NUMPY.label]
        reader.choose("numpy", group=len(groups) - 1)
        assert set(reader.selected()) == {"numpy"}
        first = reader.page.locator(".sd-tab-set").first.locator(":scope > .sd-tab-content").nth(ALL.index("numpy"))
        assert "tensor([1., 2.]).sum()" not in first.inner_text()
        assert "3.0" in first.inner_text()
    finally:
        context.close()
