"""Failure is loud and exact: a raising cell stops the build and is named."""

from pathlib import Path

from minibook import execute

RAISING = """
```{code-cell} ipython3
:tags: [pytorch]
numerator = 1
print(numerator / 0)
```
"""


def test_raising_cell_fails_and_names_chapter_framework_and_cell(book):
    chapter = book / "chapters" / "tabs.md"
    text = chapter.read_text()
    chapter.write_text(text + RAISING)
    line = len((text + RAISING).splitlines()) - 4  # the line of the failing cell's fence
    result = execute(book)
    assert result.returncode == 1
    assert "chapters/tabs.md [pytorch]" in result.stderr
    number = text.count("```{code-cell}") + 1  # the appended cell is the chapter's last
    assert f"code cell {number} (line {line})" in result.stderr
    assert "ZeroDivisionError: division by zero" in result.stderr
    # a failed build writes no learner notebook
    assert list(book.glob("_build/notebooks/*/*.ipynb")) == []


def test_duplicate_chapter_names_are_refused(book):
    other = book / "other"
    other.mkdir()
    (other / "tabs.md").write_text((book / "chapters/tabs.md").read_text())
    result = execute(book, "chapters/tabs.md", "other/tabs.md")
    assert result.returncode == 2
    assert "must be unique" in result.stderr and "tabs" in result.stderr


def test_toc_entry_without_file_is_reported(book: Path):
    (book / "chapters/plain.md").unlink()
    result = execute(book)
    assert result.returncode != 0
    assert "chapters/plain" in result.stderr and "does not exist" in result.stderr


def test_cell_that_runs_too_long_is_stopped_and_named(book):
    chapter = book / "chapters/plain.md"
    chapter.write_text(chapter.read_text().replace("print(sum(range(10)))", "import time\ntime.sleep(120)"))
    result = execute(book, "--timeout", "3", "chapters/plain.md")
    assert result.returncode == 1
    assert "chapters/plain.md [mxnet]: code cell 1 (line" in result.stderr
    assert "CellTimeoutError" in result.stderr
