"""Run sections of a chapter's code in fresh interpreters, one per framework, and read back values.

The book's pipeline keeps what cells print and draw, not the values behind them (loss records,
optimizer states). :func:`run_sections` executes a framework's import cells and the code cells of
the named sections of a chapter in a subprocess with the environment of the book's kernels, and
returns the values of the requested expressions, as JSON. The three frameworks run side by side.
"""

import json
import os
import re
import subprocess
import sys

from bookbuild.frameworks import FRAMEWORKS, framework_tags
from bookbuild.pipeline.kernel import KERNEL_ENV

from .chapter_tools import ROOT, python_source

#: Runs in a fresh interpreter: executes the code cells it reads from stdin (JSON) and prints
#: the values of the requested expressions as JSON on its last line.
RUNNER = """
import contextlib, io, json, sys
request = json.load(sys.stdin)
namespace = {}
with contextlib.redirect_stdout(io.StringIO()):
    for source in request["cells"]:
        exec(compile(source, request["chapter"], "exec"), namespace)
    values = {name: eval(expression, namespace) for name, expression in request["values"].items()}
print(json.dumps(values))
"""


def section_cells(chapter, fw, sections):
    """The sources of the framework's first (import) cell and of its code cells in ``sections``.

    A cell belongs to the ``##`` section whose heading precedes it.
    """
    sources, section = [], None
    for cell in chapter.cells():
        if cell.cell_type == "markdown":
            heading = re.findall(r"^## (.+)$", cell.source, flags=re.M)
            section = heading[-1] if heading else section
        elif fw in (framework_tags(cell) or FRAMEWORKS.names):
            if section in sections or (not sources and framework_tags(cell)):
                sources.append(python_source(cell.source))
    return sources


def run_sections(chapter, sections, values):
    """{framework: {name: value}}: the chapter's ``sections`` run per framework, then ``values``.

    ``values`` maps names to Python expressions evaluated in the namespace of the executed
    cells; their results must be JSON-serializable.
    """
    env = dict(os.environ, MPLBACKEND="Agg", **KERNEL_ENV)
    processes = {}
    for fw in FRAMEWORKS.names:
        processes[fw] = subprocess.Popen(
            [sys.executable, "-c", RUNNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    results = {}
    for fw, process in processes.items():
        request = json.dumps({"cells": section_cells(chapter, fw, sections), "values": values,
                              "chapter": chapter.name})
        out, err = process.communicate(request, timeout=600)
        assert process.returncode == 0, f"{chapter.name} failed in {fw}:\n{err[-3000:]}"
        results[fw] = json.loads(out.strip().splitlines()[-1])
    return results


#: How a reader reaches each framework's optimizers.
OPTIMIZER_SETUP = {
    "mxnet": "from d2l_shim import mxnet as d2l\nimport mxnet as mx",
    "pytorch": "import torch\nparams = [torch.zeros(1, requires_grad=True)]",
    "tensorflow": "import tensorflow as tf",
}


def evaluate(values):
    """{framework: {name: value}} for ``values`` = {framework: {name: expression}}.

    The expressions are evaluated after :data:`OPTIMIZER_SETUP`, one subprocess per framework;
    their results must be JSON-serializable.
    """
    env = dict(os.environ, **KERNEL_ENV)
    results = {}
    for fw, expressions in values.items():
        request = json.dumps({"cells": [OPTIMIZER_SETUP[fw]], "values": expressions,
                              "chapter": "optimizer defaults"})
        process = subprocess.run([sys.executable, "-c", RUNNER], input=request,
                                 capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
        assert process.returncode == 0, f"{fw}:\n{process.stderr[-3000:]}"
        results[fw] = json.loads(process.stdout.strip().splitlines()[-1])
    return results
