"""Running a chapter's code per framework in fresh interpreters, to read what its figures do not print.

The book's pipeline keeps only what a chapter prints and draws. The loss curves behind its
training figures, and facts about the frameworks' own optimizers, are obtained here: one
subprocess per framework, run side by side, executes the chapter's code cells for that framework
(with the environment the book's kernels get) followed by optional extra code of the test, and
returns named values of the resulting namespace as JSON.
"""

import json
import os
import subprocess
import sys

from bookbuild.frameworks import FRAMEWORKS
from bookbuild.pipeline.kernel import KERNEL_ENV

from .chapter_tools import ROOT, python_source

#: Runs in a fresh interpreter: executes the code it reads from stdin (JSON), then prints the
#: named values (numbers, or sequences of numbers) as JSON on its last line.
RUNNER = """
import contextlib, io, json, sys
request = json.load(sys.stdin)
namespace = {}
with contextlib.redirect_stdout(io.StringIO()):
    for source in request["cells"]:
        exec(compile(source, request["file"], "exec"), namespace)

def plain(value):
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (bool, str)) or value is None:
        return value
    return float(value)

print(json.dumps({name: plain(namespace[name]) for name in request["names"]}))
"""


def run_chapter(chapter, names, extra=None, timeout=600):
    """{framework: {name: value}} after running every code cell of ``chapter`` in each framework.

    ``chapter`` is a :class:`~tests.chapters.chapter_tools.ChapterUnderTest`; ``names`` are
    the variables to return; ``extra`` maps a framework to code run after the chapter's cells
    (it may define more of the ``names``).
    """
    env = dict(os.environ, MPLBACKEND="Agg", **KERNEL_ENV)
    processes = {}
    for fw in FRAMEWORKS.names:
        processes[fw] = subprocess.Popen(
            [sys.executable, "-c", RUNNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    results = {}
    for fw, process in processes.items():
        cells = [python_source(cell.source) for cell in chapter.code_cells(fw)]
        if extra and fw in extra:
            cells.append(extra[fw])
        request = json.dumps({"cells": cells, "names": list(names), "file": chapter.name})
        out, err = process.communicate(request, timeout=timeout)
        assert process.returncode == 0, f"{chapter.name} failed in {fw}:\n{err[-3000:]}"
        results[fw] = json.loads(out.strip().splitlines()[-1])
    return results
