"""Keep inline math and the punctuation that follows it on one line.

The theme lays out inline math as a box of its own, so a browser may break the line
between an equation and the full stop after it and start the next line with ``.``. This
transform wraps each inline equation together with the punctuation right after it in a
``d2l-nowrap`` span, which the book's stylesheet keeps on one line.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms import SphinxTransform

#: Characters that must not start a line after an equation.
TRAILING_PUNCTUATION = ".,;:!?)"

NOWRAP_CLASS = "d2l-nowrap"


def _punctuation_after(node: nodes.Node) -> str:
    """The punctuation that starts the text node right after ``node``, if any."""
    following = node.next_node(descend=False, siblings=True)
    if not isinstance(following, nodes.Text):
        return ""
    text = following.astext()
    return text[: len(text) - len(text.lstrip(TRAILING_PUNCTUATION))]


class KeepPunctuationWithMath(SphinxTransform):
    """Wrap ``$...$`` followed by punctuation in a span that does not break."""

    default_priority = 520

    def apply(self, **kwargs) -> None:
        for math in list(self.document.findall(nodes.math)):
            punctuation = _punctuation_after(math)
            if not punctuation:
                continue
            parent = math.parent
            position = parent.index(math)
            following = parent[position + 1]
            rest = following.astext()[len(punctuation):]
            group = nodes.inline("", "", classes=[NOWRAP_CLASS])
            parent.remove(math)
            parent.remove(following)
            group += math
            group += nodes.Text(punctuation)
            parent.insert(position, group)
            if rest:
                parent.insert(position + 1, nodes.Text(rest))
