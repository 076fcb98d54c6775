"""Reading the built PDFs with poppler's tools (``apt-get install poppler-utils``).

Text comes from ``pdftotext`` (one string per page), named destinations from ``pdfinfo
-dests``, raster images from ``pdfimages -list`` and rendered pages from ``pdftoppm``. Each
function runs the tool and fails with its error output when it fails.
"""

from __future__ import annotations

import base64
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from bookbuild.pdf import PDF_DIR
from bookbuild.pipeline.toc import toc_files

#: The repository's root directory.
ROOT = Path(__file__).resolve().parents[2]

#: Where the tests write rendered pages, for people to look at.
PAGES_DIR = ROOT / PDF_DIR / "pages"

SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def _run(*command: str) -> str:
    tool = shutil.which(command[0])
    assert tool, f"{command[0]} is missing: install poppler-utils (`make pdf` prints the command)"
    result = subprocess.run([tool, *command[1:]], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(command)} failed: {result.stderr}"
    return result.stdout


def pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (index 0 is page 1)."""
    text = _run("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def words(text: str) -> str:
    """``text`` with every run of white space made one space."""
    return " ".join(text.split())


def destinations(pdf: Path) -> dict[str, int]:
    """The named destinations of ``pdf`` and the page each is on."""
    found = {}
    for line in _run("pdfinfo", "-dests", str(pdf)).splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 2 and fields[0].isdigit() and fields[-1].startswith('"') and fields[-1].endswith('"'):
            found[fields[-1][1:-1]] = int(fields[0])
    return found


def raster_images(pdf: Path, first: int, last: int) -> list[tuple[int, int]]:
    """(width, height) in pixels of each raster image drawn on pages ``first``..``last``."""
    listing = _run("pdfimages", "-list", "-f", str(first), "-l", str(last), str(pdf)).splitlines()
    sizes = []
    for line in listing[2:]:  # a header and a rule come first
        fields = line.split()
        if fields[2] == "image":  # not the soft masks (transparency) that go with some
            sizes.append((int(fields[3]), int(fields[4])))
    return sizes


def render(pdf: Path, page: int, target: Path, dpi: int = 60) -> Path:
    """Render ``page`` of ``pdf`` to the PNG file ``target`` (``pdftoppm``)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    stem = target.with_suffix("")
    _run("pdftoppm", "-png", "-singlefile", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf), str(stem))
    return stem.with_suffix(".png")


def ink(pdf: Path, page: int, dpi: int = 30) -> float:
    """The share of a rendered page's pixels that are not white (a grey-scale rendering)."""
    # Without an output name, pdftoppm writes the one page to its standard output.
    raw = subprocess.run(
        [shutil.which("pdftoppm") or "pdftoppm", "-gray", "-r", str(dpi), "-f", str(page),
         "-l", str(page), str(pdf)], capture_output=True, timeout=120, check=True,
    ).stdout
    # Binary PGM: "P5", width, height, maxval, each separated by white space, then the pixels.
    fields, position = [], 0
    while len(fields) < 4:
        while raw[position:position + 1].isspace():
            position += 1
        end = position
        while not raw[end:end + 1].isspace():
            end += 1
        fields.append(raw[position:end])
        position = end
    width, height = int(fields[1]), int(fields[2])
    pixels = raw[position + 1:position + 1 + width * height]
    return sum(1 for value in pixels if value < 200) / len(pixels)


def embedded_png_sizes(svg: str) -> list[tuple[int, int]]:
    """(width, height) in pixels of each PNG an SVG embeds (matplotlib does so for images)."""
    sizes = []
    for image in ET.fromstring(svg).iter(f"{SVG_NAMESPACE}image"):
        href = image.get(XLINK_HREF) or image.get("href") or ""
        prefix = "data:image/png;base64,"
        assert href.startswith(prefix), f"an SVG image that is not an embedded PNG: {href[:40]}"
        png = base64.b64decode(href[len(prefix):])
        sizes.append(struct.unpack(">II", png[16:24]))  # IHDR: width and height
    return sizes


def markdown_title(path: Path) -> str:
    """The text of the first level-1 heading of the MyST Markdown file ``path``."""
    tokens = MarkdownIt().parse(path.read_text(encoding="utf-8"))
    for position, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            inline = tokens[position + 1]
            return "".join(child.content for child in inline.children or [])
    raise AssertionError(f"{path} has no title")


#: The pages after the landing page, in the order of ``_toc.yml``: (source, title).
ENTRIES = [(path, markdown_title(path)) for path in toc_files(ROOT)[1:]]
#: The chapters (the sources under ``chapters/``); the API reference is not one.
CHAPTERS = [path for path, _ in ENTRIES if path.parent.name == "chapters"]
#: The book's title, from ``_config.yml``.
BOOK_TITLE = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]


def start_pages(pages: list[str]) -> list[int]:
    """The index of the page where each entry of :data:`ENTRIES` starts, in order.

    A chapter's page starts with its title in capitals (the chapter heading); the table of
    contents has the titles in their own case, so it never matches.
    """
    found, start = [], 0
    for path, title in ENTRIES:
        heading = title.upper()
        page = next((index for index in range(start, len(pages)) if heading in words(pages[index])), None)
        assert page is not None, f"the heading {heading!r} of {path.name} is missing, or out of order"
        found.append(page)
        start = page
    return found


def chapter_pages(pages: list[str]) -> dict[str, list[str]]:
    """The text of each chapter's pages (a chapter starts on a new page), by source file name."""
    starts = start_pages(pages) + [len(pages)]
    return {
        path.name: pages[starts[index]:starts[index + 1]]
        for index, (path, _) in enumerate(ENTRIES) if path in CHAPTERS
    }
