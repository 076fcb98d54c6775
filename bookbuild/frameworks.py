"""The registry of the frameworks the book is written for: the one place that names them.

Everything that depends on the frameworks (splitting, execution, tabs, downloads, learner
notebooks, the benchmark, the tests) reads :data:`FRAMEWORKS`. Adding a framework is one
:class:`Framework` entry here plus one backend module of ``d2l_shim``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Framework:
    """One framework of the book."""

    #: The cell tag, the tab's sync id, the ``?framework=`` value and the notebooks' folder.
    name: str
    #: What readers see on its tab and download link.
    label: str
    #: The ``d2l_shim`` backend module its chapters import (``from d2l_shim import torch as d2l``).
    shim_module: str
    #: The top-level modules it needs that the other frameworks do not.
    packages: tuple[str, ...]
    #: Other names a writer may reach for instead of :attr:`name` (refused as cell tags).
    aliases: tuple[str, ...] = ()
    #: The distributions pip installs it from, pinned in ``requirements.txt`` (default: :attr:`packages`).
    distributions: tuple[str, ...] = ()

    @property
    def pip_names(self) -> tuple[str, ...]:
        """What a learner of this framework installs for it."""
        return self.distributions or self.packages


class Registry:
    """The frameworks in the order of their tabs; iterate for :class:`Framework` entries."""

    def __init__(self, frameworks: list[Framework]):
        self._frameworks: list[Framework] = []
        for framework in frameworks:
            self.register(framework)

    def register(self, framework: Framework) -> None:
        """Add ``framework`` after the others (the tests register an extra one this way)."""
        taken = {name for fw in self._frameworks for name in (fw.name, *fw.aliases)}
        clash = taken & {framework.name, *framework.aliases}
        if clash:
            raise ValueError(f"framework names must be unique, and {sorted(clash)} are taken")
        self._frameworks.append(framework)

    def __iter__(self) -> Iterator[Framework]:
        return iter(tuple(self._frameworks))

    def __len__(self) -> int:
        return len(self._frameworks)

    def __getitem__(self, name: str) -> Framework:
        for framework in self._frameworks:
            if framework.name == name:
                return framework
        raise KeyError(f"no framework is named {name!r}; the frameworks are {', '.join(self.names)}")

    @property
    def names(self) -> tuple[str, ...]:
        """The frameworks' names (their cell tags), in tab order."""
        return tuple(framework.name for framework in self._frameworks)

    @property
    def labels(self) -> Mapping[str, str]:
        """Each framework's label, by name."""
        return {framework.name: framework.label for framework in self._frameworks}

    @property
    def packages(self) -> tuple[str, ...]:
        """Every framework's own top-level modules."""
        return tuple(package for framework in self._frameworks for package in framework.packages)


#: The frameworks of the book, in the order their tabs appear on a page.
FRAMEWORKS = Registry([
    Framework("mxnet", "MXNet", "d2l_shim.mxnet", ("mxnet",), aliases=("mx", "gluon")),
    Framework("pytorch", "PyTorch", "d2l_shim.torch", ("torch",), aliases=("torch",)),
    Framework("tensorflow", "TensorFlow", "d2l_shim.tensorflow", ("tensorflow",), aliases=("tf", "keras"),
              distributions=("tensorflow-cpu",)),
    Framework("jax", "JAX", "d2l_shim.jax", ("jax", "jaxlib", "optax"), aliases=("jnp", "optax")),
])

#: The sphinx-design sync group shared by every tab set of the book.
SYNC_GROUP = "framework"


def lookalike_tag(tag: str) -> str | None:
    """The framework that ``tag`` seems meant to name, if it is not one already.

    ``pytroch``, ``PyTorch``, ``torch`` and ``tf`` look like framework tags (a misspelling,
    another case, a common short name); ``hide-input`` and other MyST-NB tags do not.
    """
    names = FRAMEWORKS.names
    if tag in names:
        return None
    lowered = tag.lower()
    if lowered in names:
        return lowered
    for framework in FRAMEWORKS:
        if lowered in framework.aliases:
            return framework.name
    close = difflib.get_close_matches(lowered, names, n=1, cutoff=0.75)
    return close[0] if close else None


def framework_tags(cell: Mapping) -> tuple[str, ...]:
    """Return the framework tags of a cell, in tab order (empty if none)."""
    tags = set(cell.get("metadata", {}).get("tags", ()))
    return tuple(name for name in FRAMEWORKS.names if name in tags)


def cell_frameworks(cell: Mapping) -> tuple[str, ...]:
    """Return the frameworks a code cell belongs to, in tab order.

    A cell tagged with one or more framework names belongs to those; a cell without any
    framework tag belongs to all of them.
    """
    return framework_tags(cell) or FRAMEWORKS.names
