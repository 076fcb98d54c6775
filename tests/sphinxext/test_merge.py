"""Merging executed framework notebooks into the page notebook."""

import nbformat
import pytest

from bookbuild.frameworks import FRAMEWORKS
from bookbuild.sphinxext.merge import METADATA_KEY, merge
from bookbuild.pipeline.split import parse_chapter, split

SOURCE = """\
# Page

```{code-cell} ipython3
:tags: [mxnet]
x = 1
```

```{code-cell} ipython3
:tags: [pytorch]
x = 2
```

```{code-cell} ipython3
:tags: [tensorflow]
x = 3
```

```{code-cell} ipython3
:tags: [jax]
x = 4
```

```{code-cell} ipython3
print(x)
```

```{code-cell} ipython3
y = x
```

```{code-cell} ipython3
:tags: [mxnet, pytorch]
print("no tf")
```
"""


def fake_execution(chapter):
    """Executed notebooks whose outputs say which framework and cell produced them."""
    executed = {}
    for fw, notebook in split(chapter).items():
        cells = []
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            ran = nbformat.v4.new_code_cell(cell.source)
            if "print" in cell.source:
                ran.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{fw}: {cell.source}\n")]
            cells.append(ran)
        executed[fw] = nbformat.v4.new_notebook(cells=cells)
    return executed


@pytest.fixture
def merged():
    chapter = parse_chapter(SOURCE)
    return merge(chapter, fake_execution(chapter))


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_consecutive_framework_cells_form_one_group_in_framework_order(merged):
    first_group = [c for c in code_cells(merged) if c.metadata.get(METADATA_KEY, {}).get("group") == 1]
    assert [c.metadata[METADATA_KEY]["framework"] for c in first_group] == list(FRAMEWORKS.names)
    assert [c.source for c in first_group] == ["x = 1", "x = 2", "x = 3", "x = 4"]


def test_untagged_cell_with_output_gets_each_frameworks_output(merged):
    group = [c for c in code_cells(merged) if c.metadata.get(METADATA_KEY, {}).get("group") == 2]
    assert [c.source for c in group] == ["print(x)"] * len(FRAMEWORKS.names)
    for cell in group:
        fw = cell.metadata[METADATA_KEY]["framework"]
        assert cell.outputs[0].text == f"{fw}: print(x)\n"


def test_untagged_cell_without_output_appears_once_without_group(merged):
    shared = [c for c in code_cells(merged) if c.source == "y = x"]
    assert len(shared) == 1
    assert METADATA_KEY not in shared[0].metadata


def test_group_lacking_a_framework_keeps_names_not_positions(merged):
    group = [c for c in code_cells(merged) if c.metadata.get(METADATA_KEY, {}).get("group") == 3]
    assert [c.metadata[METADATA_KEY]["framework"] for c in group] == ["mxnet", "pytorch"]
    assert [c.outputs[0].text.split(":")[0] for c in group] == ["mxnet", "pytorch"]


def test_merged_notebook_is_valid_with_unique_ids(merged):
    nbformat.validate(merged)
    ids = [cell.id for cell in merged.cells]
    assert len(ids) == len(set(ids))
    assert len(merged.metadata["source_map"]) == len(merged.cells)


def test_mismatched_execution_is_refused():
    chapter = parse_chapter(SOURCE)
    executed = fake_execution(chapter)
    executed["pytorch"].cells.pop()
    with pytest.raises(ValueError, match=r"\[pytorch\].*make html"):
        merge(chapter, executed)
