"""Pages whose chapters were not executed: every one named in one message, no page written."""

from bookbuild.frameworks import FRAMEWORKS
from minibook import build_html, execute

#: How the message lists a chapter's frameworks.
ALL = ", ".join(FRAMEWORKS.names)


def test_build_refuses_a_chapter_that_was_not_executed(book):
    result = build_html(book)
    assert result.returncode != 0
    # One error names every chapter, each on a line of its own, and the command that fixes it.
    assert ("2 chapter(s) have not been executed with their current code:\n"
            f"  chapters/plain.md ({ALL})\n"
            f"  chapters/tabs.md ({ALL})\n"
            "Run `make html`") in result.stderr
    assert not (book / "_build/html/chapters/tabs.html").exists()


def test_only_the_chapters_not_executed_are_named(book):
    assert execute(book, "chapters/tabs.md").returncode == 0
    result = build_html(book)
    assert result.returncode != 0
    assert "1 chapter(s) have not been executed" in result.stderr
    assert f"chapters/plain.md ({ALL})" in result.stderr
    assert "chapters/tabs.md" not in result.stderr.split("have not been executed")[1]
