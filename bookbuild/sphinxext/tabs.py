"""Turn the merged notebook's cell groups into synchronised framework tab sets.

MyST-NB renders every code cell as a container node that keeps the cell's metadata.
This transform replaces each run of cells that share a ``bookbuild`` group with a
sphinx-design tab set, one tab per framework in the book's order. Every tab label joins
the sync group ``framework`` under the framework's name, so choosing a framework anywhere
switches every group on every page (sphinx-design remembers the choice in the browser and
reads ``?framework=...``); a group that lacks a framework still shows its tab, with a
short note, so the reader's choice never lands on another framework's code.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx_design.shared import create_component

from ..frameworks import FRAMEWORKS, SYNC_GROUP
from .merge import METADATA_KEY


def _group_of(node: nodes.Node):
    if not isinstance(node, nodes.container) or node.get("nb_element") != "cell_code":
        return None
    return node.get("cell_metadata", {}).get(METADATA_KEY)


def framework_tab_set(cells_by_framework: dict[str, list[nodes.Node]]) -> nodes.container:
    """A sphinx-design tab set with one tab per framework holding its cells."""
    items = []
    for framework in FRAMEWORKS:
        label = nodes.rubric(
            framework.label, "", nodes.Text(framework.label),
            classes=["sd-tab-label"], sync_group=SYNC_GROUP, sync_id=framework.name,
        )
        cells = cells_by_framework.get(framework.name) or [
            nodes.paragraph("", "", nodes.emphasis("", f"This step has no {framework.label} code."),
                            classes=["d2l-no-framework"])
        ]
        content = create_component("tab-content", classes=["sd-tab-content"], children=cells)
        items.append(
            create_component("tab-item", classes=["sd-tab-item"], children=[label, content],
                             selected=False)
        )
    return create_component("tab-set", classes=["sd-tab-set", "d2l-framework-tabs"], children=items)


class FrameworkTabs(SphinxTransform):
    """Replace each group of framework cells with a framework tab set."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        groups: dict[tuple[int, int], list[nodes.container]] = {}
        for cell in self.document.findall(lambda node: _group_of(node) is not None):
            groups.setdefault((id(cell.parent), _group_of(cell)["group"]), []).append(cell)
        for cells in groups.values():
            parent = cells[0].parent
            position = parent.index(cells[0])
            by_framework: dict[str, list[nodes.Node]] = {}
            for cell in cells:
                parent.remove(cell)
                by_framework.setdefault(_group_of(cell)["framework"], []).append(cell)
            tab_set = framework_tab_set(by_framework)
            tab_set.source, tab_set.line = cells[0].source, cells[0].line
            parent.insert(position, tab_set)
