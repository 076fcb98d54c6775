"""Shared test configuration.

Tests read the airfoil data from the directory named by ``D2L_DATA_DIR``. When the
variable is unset, they use ``../shared/data`` beside the repository (where CI and
developers' machines keep the offline copy), so the suite never needs the network.
"""

import os
from pathlib import Path

import pytest

from d2l_shim.environment import DATA_DIR_VARIABLE
from minibook import build_html, copy_book, execute

ROOT = Path(__file__).resolve().parent.parent
_SHARED_DATA = ROOT.parent / "shared" / "data"

if DATA_DIR_VARIABLE not in os.environ and _SHARED_DATA.is_dir():
    os.environ[DATA_DIR_VARIABLE] = str(_SHARED_DATA)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A fresh, never executed copy of the test book."""
    return copy_book(tmp_path / "book")


@pytest.fixture(scope="module")
def built_book(tmp_path_factory) -> Path:
    """The test book, executed and built to HTML once for a module."""
    root = copy_book(tmp_path_factory.mktemp("built") / "book")
    result = execute(root)
    assert result.returncode == 0, result.stderr
    result = build_html(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root
