"""What the chapter tests share: reading a chapter, its code and what the book's pipeline printed.

A test module names its chapter once, ``CHAPTER = ChapterUnderTest("gd.md")``, and then checks
quotations with ``CHAPTER.quoted(...)``, takes the chapter's own functions with
``CHAPTER.function(...)``, and gets the chapter executed per framework with
``CHAPTER.executed()`` (read from the execution cache when ``make html`` ran before). The module
functions read such executed notebooks: :func:`printed`, :func:`normalized` and
:func:`assert_same_outputs_in_every_framework`; :func:`python_source` and :func:`latex_sci` help
read the chapter's code and write numbers the way its text does.
"""

import ast
import math
from pathlib import Path

from bookbuild.config import read_book_config
from bookbuild.frameworks import FRAMEWORKS
from bookbuild.pipeline.cache import Cache
from bookbuild.pipeline.execute import execute
from bookbuild.pipeline.plan import plan
from bookbuild.pipeline.split import load_chapter, split

#: The repository's root directory.
ROOT = Path(__file__).resolve().parents[2]


class ChapterUnderTest:
    """One chapter of the book, ``chapters/<file name>``, as its tests see it.

    ``path`` is the chapter's source file, ``text`` its Markdown source and ``name`` its path
    relative to the repository, as the tests' messages say it.
    """

    def __init__(self, file_name):
        self.path = ROOT / "chapters" / file_name
        self.name = f"chapters/{file_name}"
        self.text = self.path.read_text(encoding="utf-8")

    def __repr__(self):
        return f"ChapterUnderTest({self.path.name!r})"

    def quoted(self, text):
        """Assert that the chapter's text contains ``text``; line breaks count as spaces."""
        assert " ".join(text.split()) in " ".join(self.text.split()), (
            f"{self.name} should quote {text!r}")

    def cells(self):
        """Every cell of the chapter, Markdown and code, parsed as the book's pipeline parses it."""
        return load_chapter(self.path).notebook.cells

    def code_cells(self, framework=None):
        """The chapter's code cells in source order, parsed as the book's pipeline parses them.

        With ``framework``, only those that framework runs (its tagged cells and the untagged
        ones); without, every code cell of the chapter, whatever its framework tags.
        """
        chapter = load_chapter(self.path)
        if framework is None:
            return chapter.code_cells()
        return [cell for cell in split(chapter)[framework].cells if cell.cell_type == "code"]

    def function(self, name):
        """The function ``name`` as the chapter's code defines it (it may use ``math``).

        The chapter must define it exactly once in all of its code cells. Only the definition
        runs, so nothing else of the chapter's code is executed.
        """
        source = "\n".join(python_source(cell.source) for cell in self.code_cells())
        defs = [node for node in ast.parse(source).body
                if isinstance(node, ast.FunctionDef) and node.name == name]
        assert len(defs) == 1, f"{self.name} should define {name} once"
        namespace = {"math": math}
        exec(compile(ast.Module(body=defs, type_ignores=[]), str(self.path), "exec"), namespace)
        return namespace[name]

    def executed(self):
        """The chapter executed in each framework by the book's pipeline: {framework: notebook}.

        Results come from the book's execution cache when it holds them, so this is fast after
        ``make html``; a module-scoped fixture should call it once.
        """
        jobs = plan([load_chapter(self.path)], ROOT)
        cache = Cache(read_book_config(ROOT).cache_path(ROOT))
        report = execute(jobs, cache, log=lambda message: None)
        assert report.ok, f"{self.name} did not execute: {report.failed or report.not_run}"
        return {job.framework: report.notebooks[job.key] for job in jobs}


def python_source(source):
    """A code cell's ``source`` without its IPython magics (lines such as ``%matplotlib inline``)."""
    return "\n".join(line for line in source.splitlines() if not line.startswith("%"))


def latex_sci(x, digits=1):
    """``x`` in scientific notation as the chapters write it, e.g. ``6.1 \\cdot 10^{-9}``."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return f"{mantissa} \\cdot 10^{{{int(exponent)}}}"


def printed(notebook, snippet):
    """What the code cell of ``notebook`` whose source contains ``snippet`` printed to stdout.

    Exactly one code cell must contain ``snippet``. (Nothing may print to stderr: the book's
    build fails on it.)
    """
    cells = [cell for cell in notebook.cells if snippet in cell.source]
    assert len(cells) == 1, f"expected one code cell containing {snippet!r}, found {len(cells)}"
    return "".join(out.text for out in cells[0].outputs
                   if out.output_type == "stream" and out.name == "stdout")


def normalized(outputs):
    """A cell's outputs as (kind, content) pairs, without execution counts and metadata.

    The kind is the stream's name (``stdout``, ``stderr``) or the output type. Consecutive
    pieces of one stream are joined: how a kernel splits printed text into messages depends on
    timing, not on the code.
    """
    result = []
    for output in outputs:
        if output.output_type == "stream" and result and result[-1][0] == output.name:
            result[-1] = (output.name, result[-1][1] + output.text)
        elif output.output_type == "stream":
            result.append((output.name, output.text))
        else:
            result.append((output.output_type, dict(output.get("data", {}))))
    return result


def assert_same_outputs_in_every_framework(notebooks, figures, keep=None, which="the chapter"):
    """Assert that every framework's executed chapter shows the same outputs, figures included.

    ``notebooks`` is :meth:`ChapterUnderTest.executed`; it must hold every framework. The cells
    compared are those for which ``keep(cell)`` is true (all when ``keep`` is None), and their
    outputs are compared as :func:`normalized` gives them, SVG figures to the letter. Those
    cells must draw ``figures`` SVG figures; ``which`` names them in the message.
    """
    assert sorted(notebooks) == sorted(FRAMEWORKS.names)
    outputs = {fw: [normalized(cell.outputs) for cell in notebook.cells if keep is None or keep(cell)]
               for fw, notebook in notebooks.items()}
    drawn = [out for cell in outputs["mxnet"] for out in cell if "image/svg+xml" in out[1]]
    assert len(drawn) == figures, f"{which} should draw {figures} figures, not {len(drawn)}"
    for fw in FRAMEWORKS.names[1:]:
        assert outputs[fw] == outputs["mxnet"], f"{fw} differs from mxnet"
