"""The build's settings: defaults in one place, read and validated the same way by every stage.

Authors set them in ``_config.yml`` under ``sphinx: config: bookbuild:``, where Jupyter Book
passes them to the Sphinx extension; ``python -m bookbuild execute`` reads the same mapping::

    sphinx:
      config:
        bookbuild:
          cache_dir: .cache/executed     # executed notebooks, keyed by content
          notebook_dir: _build/notebooks # learner notebooks
          timeout: 1200                  # seconds one cell may run
          base_url: ""                   # the online book's https:// address, if any

An unknown setting or a value of the wrong type stops the build with a message that names
the setting and what it accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

#: Where the settings sit in ``_config.yml`` (and the name of the Sphinx config value).
SECTION = "bookbuild"
CONFIG_FILE = "_config.yml"


class ConfigError(ValueError):
    """A setting is unknown or has a value it cannot take."""


@dataclass(frozen=True)
class BookConfig:
    """The validated settings of the build (paths relative to the book's root)."""

    #: Executed notebooks, one file per cache key.
    cache_dir: str = ".cache/executed"
    #: Learner notebooks, ``<notebook_dir>/<framework>/<chapter>.ipynb``.
    notebook_dir: str = "_build/notebooks"
    #: Seconds one cell may run before the build stops its kernel (``--timeout`` overrides).
    timeout: int = 1200
    #: The address of the online book; learner notebooks link their references to its pages
    #: (empty: references are plain text).
    base_url: str = ""

    def cache_path(self, root: Path) -> Path:
        return root / self.cache_dir

    def notebook_path(self, root: Path) -> Path:
        return root / self.notebook_dir


#: What each setting accepts, for the checks and their messages.
_ACCEPTS = {
    "cache_dir": (str, "a directory relative to the book's root"),
    "notebook_dir": (str, "a directory relative to the book's root"),
    "timeout": (int, "a positive whole number of seconds"),
    "base_url": (str, "the http:// or https:// address of the online book, such as https://example.org/book/, "
                      "or empty"),
}


def from_mapping(settings: Mapping | None) -> BookConfig:
    """The :class:`BookConfig` for ``settings`` (the ``bookbuild`` mapping; None: all defaults)."""
    if settings is None:
        return BookConfig()
    if not isinstance(settings, Mapping):
        raise ConfigError(
            f"{SECTION} in {CONFIG_FILE} (under sphinx: config:) must be a mapping of settings, "
            f"got {settings!r}; the settings are {', '.join(_ACCEPTS)}."
        )
    for key, value in settings.items():
        if key not in _ACCEPTS:
            raise ConfigError(
                f"{SECTION}.{key} in {CONFIG_FILE} is not a setting of the build; "
                f"the settings are {', '.join(_ACCEPTS)}."
            )
        kind, meaning = _ACCEPTS[key]
        wrong_type = not isinstance(value, kind) or isinstance(value, bool)
        if key == "base_url" and value == "":
            continue  # no online book: the learner notebooks' references are plain text
        if key == "base_url" and not wrong_type:
            address = urlsplit(value)
            wrong_type = address.scheme not in ("http", "https") or not address.netloc
        if wrong_type or (kind is int and value < 1) or (kind is str and not value.strip()):
            raise ConfigError(f"{SECTION}.{key} in {CONFIG_FILE} must be {meaning}, got {value!r}.")
    return BookConfig(**settings)


def read_book_yaml(root: Path) -> dict:
    """The whole ``_config.yml`` of the book at ``root``, parsed (Jupyter Book's own keys too)."""
    path = root / CONFIG_FILE
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None


def read_book_config(root: Path) -> BookConfig:
    """The settings of the book at ``root``, from its ``_config.yml``."""
    book = read_book_yaml(root)
    sphinx_config = (book.get("sphinx") or {}).get("config") or {}
    return from_mapping(sphinx_config.get(SECTION))
