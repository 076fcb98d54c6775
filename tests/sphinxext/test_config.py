"""The build's settings: read from _config.yml by both halves, validated with named messages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bookbuild.config import BookConfig, ConfigError, from_mapping, read_book_config
from bookbuild.frameworks import FRAMEWORKS
from minibook import build_html, execute, execute_report

ROOT = Path(__file__).resolve().parents[2]


def set_bookbuild(root: Path, settings) -> None:
    """Put ``settings`` under ``sphinx: config: bookbuild:`` in the book's ``_config.yml``."""
    path = root / "_config.yml"
    config = yaml.safe_load(path.read_text())
    config.setdefault("sphinx", {}).setdefault("config", {})["bookbuild"] = settings
    path.write_text(yaml.safe_dump(config))


def test_the_book_uses_the_defaults_or_valid_settings():
    assert isinstance(read_book_config(ROOT), BookConfig)


def test_cache_and_notebook_directories_move_for_the_whole_build(book):
    set_bookbuild(book, {"cache_dir": "store/run", "notebook_dir": "out/learners"})
    result, report = execute_report(book)
    assert result.returncode == 0, result.stderr
    # two chapters (plain and tabs), each once per framework
    assert len(list((book / "store/run").glob("*.ipynb"))) == len(report["executed"]) == 2 * len(FRAMEWORKS.names)
    assert not (book / ".cache").exists()
    assert sorted(p.relative_to(book).as_posix() for p in book.glob("out/learners/*/tabs.ipynb")) == sorted(
        f"out/learners/{fw}/tabs.ipynb" for fw in FRAMEWORKS.names)
    result = build_html(book)
    assert result.returncode == 0, result.stderr[-3000:]
    html = (book / "_build/html/chapters/tabs.html").read_text()
    assert "running under pytorch" in html  # the pages read the moved cache
    assert "tabs.ipynb" in html  # and link the moved notebooks


@pytest.mark.parametrize("settings, message", [
    ({"cache_dri": ".c"}, "bookbuild.cache_dri in _config.yml is not a setting of the build; "
                          "the settings are cache_dir, notebook_dir, timeout, base_url."),
    ({"timeout": "long"}, "bookbuild.timeout in _config.yml must be a positive whole number of seconds, got 'long'."),
    ({"timeout": 0}, "bookbuild.timeout in _config.yml must be a positive whole number of seconds, got 0."),
    ({"cache_dir": 3}, "bookbuild.cache_dir in _config.yml must be a directory relative to the book's root, got 3."),
    ({"base_url": "example.org/book"}, "bookbuild.base_url in _config.yml must be the http:// or https:// address "
                                       "of the online book, such as https://example.org/book/, or empty, got 'example.org/book'."),
])
def test_bad_setting_is_named(settings, message):
    with pytest.raises(ConfigError) as raised:
        from_mapping(settings)
    assert str(raised.value) == message


def test_bad_setting_stops_both_halves_of_the_build(book):
    set_bookbuild(book, {"timeout": "long"})
    result = execute(book)
    assert result.returncode == 2
    assert "bookbuild.timeout in _config.yml must be a positive whole number of seconds" in result.stderr
    result = build_html(book)
    assert result.returncode != 0
    assert "bookbuild.timeout in _config.yml must be a positive whole number of seconds" in result.stdout + result.stderr


def test_the_online_books_address_is_optional():
    assert from_mapping({}).base_url == from_mapping({"base_url": ""}).base_url == ""
    assert from_mapping({"base_url": "https://example.org/book/"}).base_url == "https://example.org/book/"
