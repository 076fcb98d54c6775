"""``python -m bookbuild pdf`` on the small test book: framework-only tabs, no execution,
links from the HTML landing page, and short failures (no TeX; a LaTeX error).
"""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from bookbuild.frameworks import FRAMEWORKS
from bookbuild.pdf import LOG_DIR, REPORT_FILE, PDF_DIR, apt_command, chapter_at, first_error, pdf_path
from minibook import build_html, copy_book, execute
from pdf_reader import pages, words

#: The framework the test book's PDF is built for (the middle one: neither first nor last).
CHOSEN = FRAMEWORKS.names[len(FRAMEWORKS) // 2]


def build_pdf(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bookbuild", "pdf", *args], cwd=root, capture_output=True,
                          text=True, timeout=900, env=env)


class Links(HTMLParser):
    """Collects the ``href`` of every link of a page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def pdf_links(root: Path) -> list[str]:
    """The links to PDFs on the landing page (``index.html`` only redirects to it)."""
    landing = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))["root"]
    parser = Links()
    parser.feed((root / "_build" / "html" / f"{landing}.html").read_text(encoding="utf-8"))
    return [href for href in parser.hrefs if href.endswith(".pdf")]


def cache_entries(root: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in (root / ".cache" / "executed").iterdir()}


@pytest.fixture(scope="module")
def pdf_book(tmp_path_factory) -> Path:
    """The test book executed and built to HTML, then its PDF for :data:`CHOSEN` built."""
    root = copy_book(tmp_path_factory.mktemp("pdf") / "book")
    assert execute(root).returncode == 0
    result = build_html(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert pdf_links(root) == []
    before = cache_entries(root)
    result = build_pdf(root, CHOSEN)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert cache_entries(root) == before, "building the PDF changed the execution cache"
    return root


def test_pdf_shows_the_chosen_frameworks_cells_once(pdf_book):
    text = words(" ".join(pages(pdf_path(pdf_book, CHOSEN))))
    assert f'framework = "{CHOSEN}"' in text
    assert f"running under {CHOSEN}" in text
    for other in FRAMEWORKS.names:
        if other != CHOSEN:
            assert f'framework = "{other}"' not in text
            assert f"running under {other}" not in text
    assert text.count("shared_value = 42") == 1
    assert "Download this chapter" not in text


def test_a_missing_framework_is_said_in_its_pdf(pdf_book):
    """The test book's last tab group lacks TensorFlow: its PDF says so where the code would be."""
    result = build_pdf(pdf_book, "tensorflow")
    assert result.returncode == 0, result.stderr[-3000:]
    text = words(" ".join(pages(pdf_path(pdf_book, "tensorflow"))))
    assert "This step has no TensorFlow code." in text
    assert "no tensorflow here" not in text


def test_report_says_nothing_was_executed(pdf_book):
    report = json.loads((pdf_book / PDF_DIR / REPORT_FILE).read_text(encoding="utf-8"))
    assert report["notebooks_executed"] == 0
    assert report["notebooks_from_cache"] == len(list((pdf_book / ".cache" / "executed").iterdir()))
    assert list(report["pdfs"]) in ([CHOSEN], ["tensorflow"])


def test_landing_page_links_the_built_pdf_after_the_next_html_build(pdf_book):
    result = build_html(pdf_book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    links = pdf_links(pdf_book)
    built = sorted(path.name for path in (pdf_book / PDF_DIR).glob("*.pdf"))
    assert sorted(Path(link).name for link in links) == built
    for link in links:
        assert (pdf_book / "_build" / "html" / link).is_file(), link


def test_latex_error_names_the_chapter_and_keeps_the_log(pdf_book):
    plain = pdf_book / "chapters" / "plain.md"
    original = plain.read_text(encoding="utf-8")
    # MathJax shows an unknown macro in red; LaTeX stops on it.
    plain.write_text(original + "\nA formula LaTeX cannot typeset: $\\nosuchmacro{x}$.\n", encoding="utf-8")
    try:
        result = build_pdf(pdf_book, CHOSEN)
    finally:
        plain.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "Undefined control sequence" in result.stderr
    assert "chapters/plain.md" in result.stderr
    log = Path(result.stderr.split("full log: ")[1].split()[0])
    assert log.is_file() and log.parent == (pdf_book / LOG_DIR).resolve()
    assert "nosuchmacro" in log.read_text(encoding="utf-8", errors="replace")
    assert len(result.stderr.splitlines()) < 12, "the error should be short; the log holds the rest"


def test_without_tex_it_stops_at_once_with_the_install_command(tmp_path):
    root = copy_book(tmp_path / "book")
    env = {"PATH": str(tmp_path / "empty"), "PYTHONPATH": ":".join(sys.path)}
    for args in ((), ("--check-tex",)):  # `make pdf` checks first, before executing anything
        result = build_pdf(root, *args, env=env)
        assert result.returncode == 3
        assert apt_command() in result.stderr
        assert not (root / PDF_DIR).exists()


def test_first_error_and_its_chapter():
    log = "(./book.tex\nsome line\n./book.tex:7: Undefined control sequence.\nl.7 $\\nosuchmacro\n"
    failure = first_error(log)
    assert (failure.file, failure.line, failure.message) == ("./book.tex", 7, "Undefined control sequence.")
    tex = "\n".join([r"\label{\detokenize{intro::doc}}", "a", r"\label{\detokenize{chapters/gd::doc}}",
                     "b", "c", "d", "bad"])
    assert chapter_at(tex, 7) == "chapters/gd"
    assert chapter_at(tex, 2) == "intro"
    assert chapter_at("\\documentclass{book}\n", 1) is None
    assert first_error("This is XeTeX\nno error here\n") is None
