"""Run one framework's cells from ``d2l_cells.py`` and write what they did as JSON.

Usage: ``python run_cells.py FRAMEWORK OUTPUT.json``. The cells run in order
in one namespace, like a notebook. Recorded per cell: its printed output, the
figures it left open (SVG digest, plotted data, labels), its error if any,
and, for the named variables, their values. Figures are closed after each
cell.
"""

import contextlib
import hashlib
import io
import json
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


def figure_record(figure):
    """The SVG digest, plotted lines and texts of a matplotlib figure."""
    svg = io.BytesIO()
    figure.savefig(svg, format="svg", metadata={"Date": None})
    axes = figure.axes
    return {
        "svg_sha256": hashlib.sha256(svg.getvalue()).hexdigest(),
        "lines": [[[float(v) for v in line.get_xdata()], [float(v) for v in line.get_ydata()]]
                  for ax in axes for line in ax.lines],
        "texts": [[ax.get_xlabel(), ax.get_ylabel()]
                  + [t.get_text() for t in (ax.get_legend().get_texts() if ax.get_legend() else [])]
                  for ax in axes],
        "contours": sum(len(c.get_paths()) for ax in axes for c in ax.collections),
    }


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
            import numpy
            record["modules_after_import"] = sorted(
                m for m in FRAMEWORK_MODULES if m in sys.modules)
            record["numpy_aliases"] = "bool" in numpy.__dict__
        record["cells"][name] = entry
    return record


if __name__ == "__main__":
    framework, output = sys.argv[1:]
    Path(output).write_text(json.dumps(run(framework)))
