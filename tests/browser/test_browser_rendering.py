"""What a reader sees: figures loaded, equations typeset, and no stray TeX."""

from __future__ import annotations

import pytest
from book_reader import CHAPTERS

pytestmark = pytest.mark.parametrize("chapter", CHAPTERS)

#: Every image of the page: whether it finished loading and its natural width.
IMAGES_JS = """() => Array.from(document.images).map(img =>
  [img.getAttribute('src'), img.complete, img.naturalWidth])"""

#: For every Sphinx math element: whether MathJax replaced its TeX with its own output.
MATH_JS = """() => Array.from(document.querySelectorAll('.bd-article .math')).map(el =>
  el.querySelector('mjx-container') !== null)"""

#: The article's visible text without code blocks (where TeX delimiters could be legitimate).
PROSE_TEXT_JS = """() => {
  const article = document.querySelector('.bd-article').cloneNode(true);
  article.querySelectorAll('pre, mjx-assistive-mml').forEach(el => el.remove());
  return article.textContent;
}"""


def test_every_image_has_loaded(reader, chapter):
    """Every image of the page, figures in hidden tabs included, has loaded."""
    reader.open(chapter)
    images = reader.page.evaluate(IMAGES_JS)
    assert any("_images/" in src for src, _, _ in images), f"{chapter} shows no figure"
    broken = [src for src, complete, width in images if not (complete and width > 0)]
    assert broken == [], f"images that did not load on {chapter}: {broken}"


def test_math_is_typeset_and_no_raw_tex_shows(reader, chapter):
    """Every equation holds MathJax output, and no TeX delimiter shows in the prose."""
    reader.open(chapter)
    typeset = reader.page.evaluate(MATH_JS)
    assert typeset, f"{chapter} has no math"
    assert all(typeset), f"{typeset.count(False)} of {len(typeset)} equations not typeset"
    text = reader.page.evaluate(PROSE_TEXT_JS)
    for delimiter in ("$$", "\\[", "\\(", "\\begin{"):
        assert delimiter not in text, f"raw TeX {delimiter!r} visible on {chapter}"
