"""Each chapter's three notebook links return valid, executed notebooks of their framework."""

from __future__ import annotations

import re

import nbformat
import pytest
from book_reader import CHAPTERS, FRAMEWORKS, LABELS, REGISTRY

#: The text and absolute address of every notebook link on the page.
NOTEBOOK_LINKS_JS = """() => Array.from(document.querySelectorAll('.bd-article a[href$=".ipynb"]'))
  .map(a => [a.textContent.trim(), a.href])"""

#: Python packages a framework's code imports (directly or as the shim's backend module).
PACKAGES = {framework.name: framework.packages[0] for framework in REGISTRY}
IMPORT = re.compile(
    r"^\s*(?:import|from)\s+(mxnet|torch|tensorflow)\b|^\s*from\s+d2l_shim\s+import\s+(mxnet|torch|tensorflow)\b",
    re.MULTILINE,
)


def imported_frameworks(notebook: nbformat.NotebookNode) -> set[str]:
    """The frameworks whose packages the notebook's code cells import."""
    source = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    packages = {a or b for a, b in IMPORT.findall(source)}
    return {fw for fw, package in PACKAGES.items() if package in packages}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_three_notebook_links_return_valid_notebooks(reader, chapter):
    """The links read MXNet, PyTorch, TensorFlow; each returns a valid notebook with outputs
    whose code imports its own framework and no other."""
    reader.open(chapter)
    links = reader.page.evaluate(NOTEBOOK_LINKS_JS)
    assert [text for text, _ in links] == list(LABELS), f"notebook links on {chapter}: {links}"
    for framework, (label, url) in zip(FRAMEWORKS, links):
        response = reader.context.request.get(url)
        assert response.ok, f"{label} notebook of {chapter}: HTTP {response.status}"
        notebook = nbformat.reads(response.text(), as_version=4)
        nbformat.validate(notebook)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert any(cell.outputs for cell in code), f"the {label} notebook has no outputs"
        assert imported_frameworks(notebook) == {framework}, f"the {label} notebook of {chapter}"
