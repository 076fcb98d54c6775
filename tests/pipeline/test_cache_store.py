"""The cache's storage: atomic writes, damaged entries refused, keys from content only."""

import os

import nbformat
import pytest

from bookbuild.pipeline.cache import Cache, execution_key, imports_shim, write_atomic, write_if_changed
from bookbuild.pipeline.split import parse_chapter, split


def notebook_of(*sources):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def test_failed_write_leaves_neither_entry_nor_temporary_file(tmp_path, monkeypatch):
    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "entry.ipynb", "{}")
    assert list(tmp_path.iterdir()) == []


def test_damaged_entry_is_not_used(tmp_path):
    cache = Cache(tmp_path)
    cache.put("k", notebook_of("x = 1"))
    assert cache.get("k").cells[0].source == "x = 1"
    (tmp_path / "k.ipynb").write_text('{"cells": [')
    assert cache.get("k") is None and not cache.has("k")


def test_write_if_changed_rewrites_only_on_change(tmp_path):
    path = tmp_path / "a" / "b.txt"
    assert write_if_changed(path, "one")
    stamp = path.stat().st_mtime_ns
    assert not write_if_changed(path, "one")
    assert path.stat().st_mtime_ns == stamp
    assert write_if_changed(path, "two") and path.read_text() == "two"


def test_key_depends_on_code_not_on_prose_or_outputs():
    chapter = parse_chapter("# A\n\n```{code-cell} ipython3\nx = 1\n```\n")
    reworded = parse_chapter("# A\n\nNew prose.\n\n```{code-cell} ipython3\nx = 1\n```\n")
    key = execution_key(split(chapter)["mxnet"], "mxnet", "shim", "env")
    assert key == execution_key(split(reworded)["mxnet"], "mxnet", "shim", "env")
    assert key != execution_key(split(chapter)["pytorch"], "pytorch", "shim", "env")
    assert key != execution_key(split(chapter)["mxnet"], "mxnet", "shim", "other env")


def test_shim_enters_the_key_only_of_code_that_imports_it():
    plain, shimmed = notebook_of("%matplotlib inline\nx = 1"), notebook_of("from d2l_shim import torch as d2l")
    assert not imports_shim(plain) and imports_shim(shimmed)
    assert imports_shim(notebook_of("import d2l_shim.torch"))
    assert execution_key(plain, "pytorch", "a", "e") == execution_key(plain, "pytorch", "b", "e")
    assert execution_key(shimmed, "pytorch", "a", "e") != execution_key(shimmed, "pytorch", "b", "e")
