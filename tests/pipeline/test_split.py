"""Splitting a chapter source into per-framework notebooks."""

from bookbuild.frameworks import FRAMEWORKS, cell_frameworks
from bookbuild.pipeline.split import code_cell_indices, parse_chapter, split

SOURCE = """\
---
kernelspec:
  name: python3
  display_name: Python 3
---
# Title

Intro.

```{code-cell} ipython3
:tags: [mxnet]
a = "mx"
```

```{code-cell} ipython3
:tags: [pytorch, tensorflow]
a = "pt or tf"
```

```{code-cell} ipython3
:tags: [hide-input]
b = a
```

Closing words.
"""


def sources(notebook, cell_type="code"):
    return [cell.source for cell in notebook.cells if cell.cell_type == cell_type]


def test_each_framework_gets_its_cells_and_the_untagged_ones():
    notebooks = split(parse_chapter(SOURCE))
    assert set(notebooks) == set(FRAMEWORKS.names)
    assert sources(notebooks["mxnet"]) == ['a = "mx"', "b = a"]
    assert sources(notebooks["pytorch"]) == ['a = "pt or tf"', "b = a"]
    assert sources(notebooks["tensorflow"]) == ['a = "pt or tf"', "b = a"]


def test_markdown_is_shared_by_every_framework():
    notebooks = split(parse_chapter(SOURCE))
    for notebook in notebooks.values():
        assert sources(notebook, "markdown") == ["# Title\n\nIntro.", "Closing words."]


def test_tags_that_are_not_frameworks_do_not_restrict_a_cell():
    cell = {"metadata": {"tags": ["hide-input"]}}
    assert cell_frameworks(cell) == FRAMEWORKS.names
    assert cell_frameworks({"metadata": {"tags": ["tensorflow", "mxnet"]}}) == ("mxnet", "tensorflow")


def test_cell_ids_are_deterministic_and_positions_are_known():
    first, second = parse_chapter(SOURCE), parse_chapter(SOURCE)
    assert [c.id for c in first.notebook.cells] == [c.id for c in second.notebook.cells]
    assert code_cell_indices(first, "mxnet") == [0, 2]
    assert code_cell_indices(first, "tensorflow") == [1, 2]
    assert first.describe_code_cell(1) == "code cell 2 (line 15)"
