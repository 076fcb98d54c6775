"""The numbers behind a chapter's figures, per framework, for parity tests.

:func:`figure_data` runs a chapter's code cells for each framework in a fresh interpreter (one
per framework, side by side, with the environment of the book's kernels) and returns, for each
code cell, the data of every matplotlib figure the cell left open: the points of each line, the
vertices of each collection (contour lines and filled contours, scatter points, the wires of a
3-D wireframe). Comparing these across frameworks with a tolerance says more than comparing the
SVG text alone: it shows how far apart the numbers are, not only that the pictures agree.
"""

import json
import os
import subprocess
import sys

import numpy as np

from bookbuild.pipeline.kernel import KERNEL_ENV
from bookbuild.frameworks import FRAMEWORKS

from .chapter_tools import ROOT, python_source

#: Runs in a fresh interpreter: executes the code cells it reads from stdin (JSON) and prints, as
#: JSON on its last line, one list per cell of the figures that cell drew.
RUNNER = """
import contextlib, io, json, sys
import matplotlib
matplotlib.use('Agg')
from matplotlib import pyplot as plt
import numpy as np


def artists(ax):
    found = [('line', np.asarray(line.get_xydata(), dtype=float).tolist()) for line in ax.lines]
    for collection in ax.collections:
        segments = getattr(collection, '_segments3d', None)
        if segments is not None:
            found.append(('wires', [np.asarray(s, dtype=float).tolist() for s in segments]))
        else:
            found.append(('paths', [np.asarray(p.vertices, dtype=float).tolist()
                                    for p in collection.get_paths()]))
    return found


request = json.load(sys.stdin)
namespace, cells = {}, []
for source in request['cells']:
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, request['name'], 'exec'), namespace)
    cells.append([[artists(ax) for ax in plt.figure(number).axes] for number in plt.get_fignums()])
    plt.close('all')
print(json.dumps(cells))
"""


def figure_data(chapter):
    """{framework: [figures of each code cell]} for a :class:`~.chapter_tools.ChapterUnderTest`.

    A figure is a list of axes, an axes a list of ``(kind, data)`` pairs.
    """
    env = dict(os.environ, MPLBACKEND="Agg", **KERNEL_ENV)
    processes = {fw: subprocess.Popen([sys.executable, "-c", RUNNER], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                      env=env, cwd=ROOT)
                 for fw in FRAMEWORKS.names}
    results = {}
    for fw, process in processes.items():
        cells = [python_source(cell.source) for cell in chapter.code_cells(fw)]
        out, err = process.communicate(json.dumps({"cells": cells, "name": chapter.name}), timeout=600)
        assert process.returncode == 0, f"{chapter.name} failed in {fw}:\n{err[-3000:]}"
        results[fw] = json.loads(out.strip().splitlines()[-1])
    return results


def assert_same_data(reference, other, atol, where="figure"):
    """Assert that two nested figure data agree in structure and within ``atol`` in every number."""
    if isinstance(reference, list) and len(reference) == 2 and isinstance(reference[0], str):
        assert other[0] == reference[0], f"{where}: {other[0]} instead of {reference[0]}"
        assert_same_data(reference[1], other[1], atol, f"{where} ({reference[0]})")
        return
    try:
        a, b = np.asarray(reference, dtype=float), np.asarray(other, dtype=float)
    except ValueError:  # ragged: compare item by item
        assert isinstance(other, list) and len(other) == len(reference), f"{where}: different shapes"
        for i, (x, y) in enumerate(zip(reference, other)):
            assert_same_data(x, y, atol, f"{where}[{i}]")
        return
    assert a.shape == b.shape, f"{where}: shapes {a.shape} and {b.shape}"
    assert np.allclose(a, b, rtol=0, atol=atol, equal_nan=True), (
        f"{where}: differs by {np.nanmax(np.abs(a - b))}")
