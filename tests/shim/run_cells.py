"""Run one framework's cells from ``d2l_cells.py`` and write what they did as JSON.

Usage: ``python run_cells.py FRAMEWORK OUTPUT.json``, with the Python of the
framework's kernel environment. The cells run in order in one namespace, like
a notebook. Recorded per cell: its printed output, the figures it left open
(SVG digest, plotted data, labels), its error if any, and, for the named
variables, their values. Figures are closed after each cell.
"""

import contextlib
import hashlib
import io
import json
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from d2l_cells import REGISTRY, cells  # noqa: E402

from matplotlib import pyplot as plt  # noqa: E402

#: Namespace variables recorded after the cell that sets them.
RECORDED = ("result", "trace_gd_04", "trace_gd_06", "trace_momentum_05",
            "trace_momentum_025", "trace_sgd", "gd_res", "mini_res",
            "batch_shapes", "first_epoch", "second_epoch", "batch_type",
            "num_batches", "normal_draws", "helpers", "adaptive")

FRAMEWORK_MODULES = REGISTRY.packages

#: The ids matplotlib gives the clip paths of an SVG: ``p`` and 10 hex digits of a hash of
#: ``str()`` of the clip rectangle's bounds, NumPy floats. NumPy 2 writes those as
#: ``np.float64(57.6)`` where NumPy 1 writes ``57.6``, so the same figure gets other ids in
#: MXNet's environment (NumPy 1.26) than in the others' (NumPy 2).
CLIP_ID = re.compile(rb'(?<=id=")p[0-9a-f]{10}(?=")|(?<=url\(#)p[0-9a-f]{10}(?=\))')


def renamed_clip_ids(svg):
    """``svg`` (bytes) with its clip-path ids renamed ``clip0``, ``clip1``, ... in order of appearance."""
    names = {}
    return CLIP_ID.sub(lambda match: names.setdefault(match.group(), b"clip%d" % len(names)), svg)


def figure_record(figure):
    """The SVG digest, plotted lines and texts of a matplotlib figure.

    The digest is of the SVG with its clip-path ids renamed (see :data:`CLIP_ID`); every other
    byte counts.
    """
    svg = io.BytesIO()
    figure.savefig(svg, format="svg", metadata={"Date": None})
    axes = figure.axes
    return {
        "svg_sha256": hashlib.sha256(renamed_clip_ids(svg.getvalue())).hexdigest(),
        "clip_ids": len(set(CLIP_ID.findall(svg.getvalue()))),
        "lines": [[[float(v) for v in line.get_xdata()], [float(v) for v in line.get_ydata()]]
                  for ax in axes for line in ax.lines],
        "texts": [[ax.get_xlabel(), ax.get_ylabel()]
                  + [t.get_text() for t in (ax.get_legend().get_texts() if ax.get_legend() else [])]
                  for ax in axes],
        "contours": sum(len(c.get_paths()) for ax in axes for c in ax.collections),
    }


def restored_numpy_aliases():
    """NumPy's removed aliases of builtin types (``numpy.int`` ...) that are the builtins again.

    NumPy 2 has a ``numpy.bool`` of its own (``numpy.bool_``), so an alias counts only if it
    is the builtin type itself, as :func:`d2l_shim._compat.restore_numpy_aliases` sets it.
    """
    import builtins

    import numpy
    return sorted(name for name in ("bool", "int", "float", "complex", "object", "str")
                  if numpy.__dict__.get(name) is getattr(builtins, name))


def jsonable(value):
    """``value`` with tuples turned into lists, for JSON."""
    return json.loads(json.dumps(value))


def run(framework):
    """Execute the framework's cells and return the record."""
    namespace = {"__name__": "__main__"}
    record = {"framework": framework, "cells": {}}
    for name, source in cells(framework):
        stdout = io.StringIO()
        error = None
        try:
            with contextlib.redirect_stdout(stdout):
                exec(compile(source, name, "exec"), namespace)
        except Exception as exc:  # the record says which cell failed and how
            error = f"{type(exc).__name__}: {exc}"
        entry = {"stdout": stdout.getvalue(), "error": error,
                 "figures": [figure_record(plt.figure(n)) for n in plt.get_fignums()]}
        for variable in RECORDED:
            if variable in namespace:
                entry[variable] = jsonable(namespace.pop(variable))
        plt.close("all")
        if name == "imports":
            record["modules_after_import"] = sorted(
                m for m in FRAMEWORK_MODULES if m in sys.modules)
            record["numpy_aliases"] = restored_numpy_aliases()
            record["numpy_version"] = sys.modules["numpy"].__version__
        record["cells"][name] = entry
    return record


if __name__ == "__main__":
    framework, output = sys.argv[1:]
    Path(output).write_text(json.dumps(run(framework)))
