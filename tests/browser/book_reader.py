"""A reader's browser tab on the served book, and the problems it runs into.

Every request to a host other than the local server is blocked and recorded, and so are
console errors, uncaught page errors and local requests that fail or return an HTTP
error. The tests' fixture checks at the end of every test that a reader met none.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bookbuild.frameworks import FRAMEWORKS as REGISTRY

#: Hosts that count as the book's own.
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

#: The chapters the tests study closely: Momentum, one before it and two adaptive methods.
MOMENTUM = "chapters/momentum.html"
OTHER_CHAPTER = "chapters/minibatch_sgd.html"
ADAGRAD = "chapters/adagrad.html"
ADAM = "chapters/adam.html"
CHAPTERS = (MOMENTUM, OTHER_CHAPTER, ADAGRAD, ADAM)

#: The sync ids and the label texts of a framework tab group, in page order.
FRAMEWORKS = REGISTRY.names
LABELS = tuple(REGISTRY.labels.values())

#: One entry per sphinx-design tab set: its labels' sync group, sync id and text.
TAB_GROUPS_JS = """() => Array.from(document.querySelectorAll('.sd-tab-set')).map(set =>
  Array.from(set.querySelectorAll(':scope > label.sd-tab-label')).map(label =>
    [label.dataset.syncGroup || null, label.dataset.syncId || null, label.textContent.trim()]))"""

#: One entry per tab set: the sync id of its selected tab (null if none is selected).
SELECTED_JS = """() => Array.from(document.querySelectorAll('.sd-tab-set')).map(set => {
  const input = set.querySelector(':scope > input:checked');
  return input && input.nextElementSibling ? input.nextElementSibling.dataset.syncId : null;
})"""

#: True once the page is not a redirect (Jupyter Book's ``index.html`` is one).
REDIRECT_DONE_JS = "() => !document.querySelector('meta[http-equiv=refresh]')"

#: True once MathJax has typeset the page and its fonts are in (at once on a page
#: without math, which does not load MathJax). Polled, so a MathJax that never loads
#: ends in a timeout rather than a hang.
MATHJAX_DONE_JS = """() => {
  if (!document.querySelector('script[src*="mathjax"]')) return true;
  if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return false;
  if (window.bookTypesetDone === undefined) {
    window.bookTypesetDone = false;
    MathJax.startup.promise.then(() => document.fonts.ready)
      .then(() => { window.bookTypesetDone = true; });
  }
  return window.bookTypesetDone;
}"""


def is_local(url: str) -> bool:
    """Whether a request goes to the book's own server (or never leaves the page)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS


class Reader:
    """One browser context and page on the book served at ``base_url``."""

    def __init__(self, context: BrowserContext, base_url: str):
        self.context = context
        self.base_url = base_url.rstrip("/") + "/"
        self.blocked: list[str] = []
        self.problems: list[str] = []
        context.route("**/*", self._route)
        self.page: Page = context.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self._on_request_failed)
        self.page.on("response", self._on_response)

    def _route(self, route: Route) -> None:
        """Let local requests through; block and record all others."""
        if is_local(route.request.url):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def _on_console(self, message: ConsoleMessage) -> None:
        """Record console errors (warnings and logs are the page's own business)."""
        if message.type == "error":
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _on_request_failed(self, request: Request) -> None:
        """Record local requests that failed (blocked remote ones are in ``blocked``)."""
        if is_local(request.url):
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _on_response(self, response: Response) -> None:
        """Record HTTP errors, such as a missing font or image."""
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def url(self, path: str) -> str:
        """The absolute address of ``path`` (relative to the book's root)."""
        return self.base_url + path.lstrip("/")

    def open(self, path: str) -> Page:
        """Open ``path`` and wait until the page has loaded and its math is typeset."""
        self.page.goto(self.url(path), wait_until="load")
        self.settle()
        return self.page

    def reload(self) -> Page:
        """Reload the current page, as a reader pressing F5 would."""
        self.page.reload(wait_until="load")
        self.settle()
        return self.page

    def follow(self, selector: str) -> Page:
        """Click the link at ``selector`` and wait for the page it leads to."""
        with self.page.expect_navigation(wait_until="load"):
            self.page.locator(selector).first.click()
        self.settle()
        return self.page

    def settle(self) -> None:
        """Wait for a redirect page to move on, then for MathJax and the web fonts."""
        self.page.wait_for_function(REDIRECT_DONE_JS)
        self.page.wait_for_load_state("load")
        try:
            self.page.wait_for_function(MATHJAX_DONE_JS)
        except PlaywrightTimeoutError:
            raise AssertionError(
                f"MathJax did not typeset {self.page.url}; blocked requests: {self.blocked}"
            ) from None

    def tab_groups(self) -> list[list[list[str | None]]]:
        """The labels of every tab group on the page (see :data:`TAB_GROUPS_JS`)."""
        return self.page.evaluate(TAB_GROUPS_JS)

    def selected(self) -> list[str | None]:
        """The selected framework of every tab group on the page, in page order."""
        return self.page.evaluate(SELECTED_JS)

    def choose(self, framework: str, group: int = 0) -> None:
        """Click the ``framework`` tab of tab group number ``group``."""
        tab_set = self.page.locator(".sd-tab-set").nth(group)
        tab_set.locator(f":scope > label[data-sync-id='{framework}']").click()
