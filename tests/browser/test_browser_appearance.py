"""How the pages look: per framework, in the dark theme, and on a phone.

The screenshots go to ``_build/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from book_reader import CHAPTERS, FRAMEWORKS, MOMENTUM

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

#: The computed background colour and filter of every figure in the article.
FIGURE_STYLES_JS = """() => Array.from(document.querySelectorAll('.bd-article img'))
  .filter(img => img.getAttribute('src').includes('_images/'))
  .map(img => [img.getAttribute('src'), getComputedStyle(img).backgroundColor,
               getComputedStyle(img).filter])"""

#: How far the page itself can scroll sideways, in CSS pixels.
HORIZONTAL_OVERFLOW_JS = """() => document.documentElement.scrollWidth
  - document.documentElement.clientWidth"""


def rgba(color: str) -> tuple[float, float, float, float]:
    """Parse a computed CSS colour (``rgb(...)`` or ``rgba(...)``) into its channels."""
    channels = [float(c) for c in re.findall(r"[\d.]+", color)]
    if not color.startswith("rgb") or len(channels) not in (3, 4):
        raise ValueError(f"not a computed rgb()/rgba() colour: {color!r}")
    return tuple(channels + [1.0] * (4 - len(channels)))


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_screenshot_of_momentum_per_framework(reader, screenshots, framework):
    """The whole Momentum page with ``framework`` chosen, for a person to look at."""
    reader.open(f"{MOMENTUM}?framework={framework}")
    assert set(reader.selected()) == {framework}
    reader.page.screenshot(path=screenshots / f"momentum-{framework}.png", full_page=True)


def test_figures_have_light_paper_in_the_dark_theme(open_reader, screenshots):
    """In the dark theme, every figure sits on opaque white paper, undimmed."""
    reader = open_reader(color_scheme="dark")
    reader.open(MOMENTUM)
    assert reader.page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    figures = reader.page.evaluate(FIGURE_STYLES_JS)
    assert figures, "the Momentum chapter shows no figure"
    for src, color, image_filter in figures:
        red, green, blue, alpha = rgba(color)
        assert alpha == 1 and min(red, green, blue) >= 230, f"{src} sits on {color}"
        assert image_filter == "none", f"{src} is drawn through the filter {image_filter}"
    reader.page.screenshot(path=screenshots / "momentum-dark.png", full_page=True)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_phone_never_scrolls_the_page_sideways(open_reader, screenshots, chapter):
    """At 390 px, in every framework, wide code and equations scroll in their own boxes."""
    reader = open_reader(**PHONE)
    for framework in FRAMEWORKS:
        reader.open(f"{chapter}?framework={framework}")
        overflow = reader.page.evaluate(HORIZONTAL_OVERFLOW_JS)
        assert overflow <= 0, f"{chapter} ({framework}) scrolls {overflow} px sideways at 390 px"
    if chapter == MOMENTUM:
        reader.page.screenshot(path=screenshots / "momentum-phone.png", full_page=True)
