"""Framework tabs: every group offers every framework of the book, and a choice is remembered."""

from __future__ import annotations

import pytest
from book_reader import CHAPTERS, FRAMEWORKS, LABELS

pytestmark = pytest.mark.parametrize("chapter", CHAPTERS)

#: The addresses of the page's "next" and "previous" links (the ones that exist).
NEIGHBOURS_JS = """() => Object.fromEntries([['next', 'a.right-next'], ['prev', 'a.left-prev']]
  .map(([key, selector]) => [key, document.querySelector(selector)?.href])
  .filter(([, href]) => href))"""

FRAMEWORK_TABS = [["framework", fw, label] for fw, label in zip(FRAMEWORKS, LABELS)]


def test_every_tab_group_offers_every_framework(reader, chapter):
    """Each group has the MXNet, PyTorch, TensorFlow and JAX tabs, in that order, each with code
    of its own (not the pipeline's "this step has no ... code" placeholder)."""
    reader.open(chapter)
    groups = reader.tab_groups()
    assert groups, f"{chapter} has no tab group"
    for number, group in enumerate(groups):
        assert group == FRAMEWORK_TABS, f"tab group {number} of {chapter}: {group}"
    placeholders = reader.page.locator(".sd-tab-content .d2l-no-framework").count()
    assert placeholders == 0, f"{chapter} has {placeholders} tabs without code"


def test_a_choice_switches_every_group_and_is_remembered(reader, chapter):
    """A click in the last group switches all groups, and the next chapter and a reload
    keep the choice (MXNet, the first tab, is shown before any choice)."""
    reader.open(chapter)
    assert set(reader.selected()) == {"mxnet"}, "MXNet should be chosen before any choice"
    reader.choose("tensorflow", group=len(reader.tab_groups()) - 1)
    assert set(reader.selected()) == {"tensorflow"}
    panel = reader.page.locator(".sd-tab-set").first.locator(":scope > .sd-tab-content")
    assert [panel.nth(i).is_visible() for i in range(len(FRAMEWORKS))] == [
        fw == "tensorflow" for fw in FRAMEWORKS]

    # The next chapter (the previous one after the last chapter) keeps the choice.
    neighbours = reader.page.evaluate(NEIGHBOURS_JS)
    reader.follow("a.right-next" if "/chapters/" in neighbours.get("next", "") else "a.left-prev")
    assert reader.page.url != reader.url(chapter)
    selected = reader.selected()
    assert selected, f"{reader.page.url} has no tab group to check the choice on"
    assert set(selected) == {"tensorflow"}, f"on {reader.page.url}"

    reader.reload()
    assert set(reader.selected()) == {"tensorflow"}, "after a reload"


def test_the_url_parameter_selects_a_framework(reader, chapter):
    """``?framework=...`` wins over a remembered choice, for each framework."""
    reader.open(chapter)
    reader.choose("tensorflow")
    for framework in FRAMEWORKS:
        reader.open(f"{chapter}?framework={framework}")
        assert set(reader.selected()) == {framework}, f"?framework={framework}"


def test_the_keyboard_switches_tabs(reader, chapter):
    """With a tab focused, the arrow keys move to the next or previous framework, everywhere."""
    reader.open(chapter)
    checked = reader.page.locator(".sd-tab-set").first.locator(":scope > input:checked")
    checked.focus()
    assert reader.page.evaluate("() => document.activeElement.type") == "radio"
    for key, expected in [("ArrowRight", "pytorch"), ("ArrowRight", "tensorflow"),
                          ("ArrowRight", "jax"), ("ArrowLeft", "tensorflow")]:
        reader.page.keyboard.press(key)
        assert set(reader.selected()) == {expected}, f"after {key}"
