"""The frameworks a chapter is written for, and which of them a code cell belongs to."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

#: Framework tags, in the order their tabs appear on a page.
FRAMEWORKS: tuple[str, ...] = ("mxnet", "pytorch", "tensorflow")

#: What a reader sees on each tab.
LABELS: Mapping[str, str] = {"mxnet": "MXNet", "pytorch": "PyTorch", "tensorflow": "TensorFlow"}

#: The sphinx-design sync group shared by every tab set of the book.
SYNC_GROUP = "framework"

#: Other names a writer may reach for instead of a framework's tag.
ALIASES: Mapping[str, str] = {
    "mx": "mxnet", "gluon": "mxnet", "torch": "pytorch", "tf": "tensorflow", "keras": "tensorflow",
}


def lookalike_tag(tag: str) -> str | None:
    """The framework that ``tag`` seems meant to name, if it is not one already.

    ``pytroch``, ``PyTorch``, ``torch`` and ``tf`` look like framework tags (a misspelling,
    another case, a common short name); ``hide-input`` and other MyST-NB tags do not.
    """
    if tag in FRAMEWORKS:
        return None
    lowered = tag.lower()
    if lowered in FRAMEWORKS:
        return lowered
    if lowered in ALIASES:
        return ALIASES[lowered]
    close = difflib.get_close_matches(lowered, FRAMEWORKS, n=1, cutoff=0.75)
    return close[0] if close else None


def framework_tags(cell: Mapping) -> tuple[str, ...]:
    """Return the framework tags of a cell, in :data:`FRAMEWORKS` order (empty if none)."""
    tags = set(cell.get("metadata", {}).get("tags", ()))
    return tuple(fw for fw in FRAMEWORKS if fw in tags)


def cell_frameworks(cell: Mapping) -> tuple[str, ...]:
    """Return the frameworks a code cell belongs to, in :data:`FRAMEWORKS` order.

    A cell tagged with one or more framework names belongs to those; a cell without any
    framework tag belongs to all of them.
    """
    return framework_tags(cell) or FRAMEWORKS
