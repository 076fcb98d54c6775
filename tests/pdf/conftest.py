"""Fixtures for the PDF tests: the PDFs that ``make pdf`` built, one per framework.

The tests read ``<repo>/_build/pdf/<targetname>-<framework>.pdf`` (CI runs ``make pdf``
before ``make test``); a missing PDF fails the session at once, saying how to build it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bookbuild.frameworks import FRAMEWORKS
from bookbuild.pdf import apt_command, pdf_path
from pdf_reader import ROOT, pages


@pytest.fixture(scope="session")
def pdfs() -> dict[str, Path]:
    """Each framework's PDF, by framework name."""
    found = {name: pdf_path(ROOT, name) for name in FRAMEWORKS.names}
    missing = [str(path.relative_to(ROOT)) for path in found.values() if not path.is_file()]
    if missing:
        pytest.fail(
            f"The PDFs are not built: {', '.join(missing)} missing. Run `make pdf` (it needs TeX: "
            f"{apt_command()}).",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="session")
def pdf_pages(pdfs) -> dict[str, list[str]]:
    """The text of each page of each framework's PDF."""
    return {name: pages(path) for name, path in pdfs.items()}
