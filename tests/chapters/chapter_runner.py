"""Running a chapter's code per framework in fresh interpreters, to read what the book does not print.

The book's pipeline keeps only what a chapter prints and draws. The values behind it (loss
records, optimizer states, the numbers behind each figure, facts about the frameworks' own
optimizers) are obtained here: one subprocess per framework, run side by side with the
environment the book's kernels get (:data:`bookbuild.pipeline.kernel.KERNEL_ENV`), executes code
cells in one namespace, as a notebook does, and sends back the values of named expressions and,
when asked, the data of the figures each cell drew, as JSON.

:func:`run_chapter` runs all of a chapter's code, :func:`run_sections` some of its sections,
:func:`evaluate` expressions about the frameworks alone, :func:`figure_data` records figures, and
:func:`run_code` is what they share. :func:`assert_figures_agree` compares figure data.
"""

import json
import os
import subprocess

import numpy as np

from bookbuild.environments import env_python
from bookbuild.frameworks import FRAMEWORKS
from bookbuild.pipeline.kernel import KERNEL_ENV

from .chapter_tools import ROOT

#: Runs in a fresh interpreter. It reads a request from stdin (JSON): the code cells, their file
#: name, the expressions to evaluate afterwards and whether to record figures. It prints, as JSON
#: on its last line, the values (numbers become floats) and, per cell, the figures the cell left
#: open: per axes, the points of each line and the vertices of each collection (contour lines,
#: filled contours, scatter points, the wires of a 3-D wireframe).
RUNNER = """
import contextlib, io, json, sys
import numpy as np

def plain(value):
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (bool, str)) or value is None:
        return value
    return float(value)

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
namespace, figures = {'__name__': '__main__'}, []
for source in request['cells']:
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, request['file'], 'exec'), namespace)
    if request['figures']:
        from matplotlib import pyplot as plt
        figures.append([[artists(ax) for ax in plt.figure(number).axes] for number in plt.get_fignums()])
        plt.close('all')
with contextlib.redirect_stdout(io.StringIO()):
    values = {name: plain(eval(expression, namespace)) for name, expression in request['values'].items()}
print(json.dumps({'values': values, 'figures': figures}))
"""


def run_code(requests, file, figures=False, timeout=600):
    """{framework: {"values": ..., "figures": ...}} from one fresh interpreter per framework.

    ``requests`` maps each framework to run to ``(cells, values)``: the sources of code cells,
    executed in order in one namespace with the environment of the book's kernels (what they
    print is dropped), and {name: Python expression} evaluated afterwards. ``file`` names the
    code in tracebacks and messages. With ``figures``, the result also holds the figures each
    cell drew.
    """
    env = dict(os.environ, MPLBACKEND="Agg", **KERNEL_ENV)
    processes = {fw: subprocess.Popen([str(env_python(ROOT, fw)), "-c", RUNNER], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                      env=env, cwd=ROOT)
                 for fw in requests}
    results = {}
    for fw, process in processes.items():
        cells, values = requests[fw]
        request = {"cells": cells, "values": values, "file": file, "figures": figures}
        out, err = process.communicate(json.dumps(request), timeout=timeout)
        assert process.returncode == 0, f"{file} failed in {fw}:\n{err[-3000:]}"
        results[fw] = json.loads(out.strip().splitlines()[-1])
    return results


def run_chapter(chapter, names, extra=None):
    """{framework: {name: value}} after running every code cell of ``chapter`` in each framework.

    ``chapter`` is a :class:`~.chapter_tools.ChapterUnderTest`; ``names`` are the variables to
    return; ``extra`` maps a framework to code run after the chapter's cells (it may define
    more of the ``names``).
    """
    extra = extra or {}
    requests = {fw: (chapter.sources(fw) + ([extra[fw]] if fw in extra else []),
                     {name: name for name in names})
                for fw in FRAMEWORKS.names}
    return {fw: result["values"] for fw, result in run_code(requests, chapter.name).items()}


def run_sections(chapter, sections, values):
    """{framework: {name: value}}: the chapter's ``sections`` run per framework, then ``values``.

    The framework's import cell runs first (see :meth:`~.chapter_tools.ChapterUnderTest.section_code`).
    ``values`` maps names to Python expressions evaluated in the namespace of the executed cells;
    their results must be numbers, strings, None or lists and dicts of them.
    """
    requests = {fw: (chapter.section_code(fw, sections), values) for fw in FRAMEWORKS.names}
    return {fw: result["values"] for fw, result in run_code(requests, chapter.name).items()}


#: How a reader reaches each framework's optimizers.
OPTIMIZER_SETUP = {
    "mxnet": "from d2l_shim import mxnet as d2l\nimport mxnet as mx",
    "pytorch": "import torch\nparams = [torch.zeros(1, requires_grad=True)]",
    "tensorflow": "import tensorflow as tf",
    "jax": "import jax\nimport optax",
}


def evaluate(values):
    """{framework: {name: value}} for ``values`` = {framework: {name: expression}}.

    The expressions are evaluated after :data:`OPTIMIZER_SETUP`, one subprocess per framework.
    """
    requests = {fw: ([OPTIMIZER_SETUP[fw]], expressions) for fw, expressions in values.items()}
    return {fw: result["values"] for fw, result in run_code(requests, "optimizer defaults").items()}


def figure_data(chapter):
    """{framework: [figures of each code cell]} after running ``chapter``'s code in each framework.

    A figure is a list of axes, an axes a list of ``(kind, data)`` pairs: ``("line", points)``,
    ``("paths", [vertices])`` or ``("wires", [points])``.
    """
    requests = {fw: (chapter.sources(fw), {}) for fw in FRAMEWORKS.names}
    return {fw: result["figures"] for fw, result in run_code(requests, chapter.name, figures=True).items()}


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


def assert_figures_agree(figures, drawn, atol):
    """Assert that every framework's :func:`figure_data` agrees with MXNet's within ``atol``.

    The code cells must draw in the same places, and ``drawn`` of them must draw.
    """
    cells = [i for i, cell in enumerate(figures["mxnet"]) if cell]
    assert len(cells) == drawn, f"{len(cells)} cells draw, not {drawn}"
    for fw in FRAMEWORKS.names[1:]:
        assert len(figures[fw]) == len(figures["mxnet"])
        for i in cells:
            assert_same_data(figures["mxnet"][i], figures[fw][i], atol=atol, where=f"{fw} cell {i}")
