"""What the chapter tests share: reading a chapter, its code and what the book's pipeline printed.

A test module names its chapter once, ``CHAPTER = ChapterUnderTest("gd.md")``, and then checks
quotations with ``CHAPTER.quoted(...)``, takes the chapter's own functions with
``CHAPTER.function(...)``, and gets the chapter executed per framework with
``CHAPTER.executed()`` (read from the execution cache when ``make html`` ran before). The module
functions read such executed notebooks: :func:`printed`, :func:`stdout`, :func:`cells_matching`,
:func:`normalized`, :func:`assert_same_outputs_in_every_framework` and
:func:`assert_each_run_draws_one_figure`; :func:`python_source`, :func:`literal_assignments` and
:func:`latex_sci` help read the chapter's code and write numbers the way its text does; the rest
compares the loss records of training runs (:func:`second_epoch`, :func:`largest_gap`,
:func:`assert_same_losses_in_every_framework`). Running a chapter's code outside the book's
pipeline is :mod:`.chapter_runner`'s job.
"""

import ast
import math
import re
from pathlib import Path

import numpy as np

from bookbuild.config import read_book_config
from bookbuild.frameworks import FRAMEWORKS, framework_tags
from bookbuild.pipeline.cache import Cache
from bookbuild.pipeline.execute import execute
from bookbuild.pipeline.plan import plan
from bookbuild.pipeline.split import load_chapter, split

#: The repository's root directory.
ROOT = Path(__file__).resolve().parents[2]

#: The book's bibliography, which every citation must name.
BIBLIOGRAPHY = (ROOT / "chapters" / "references.bib").read_text(encoding="utf-8")

#: ``train_ch11`` records the loss every 200 of the 1500 airfoil examples: 7 records an epoch.
RECORDS_PER_EPOCH = 7


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

    def sources(self, framework=None):
        """The sources of :meth:`code_cells` without IPython magics, ready to ``exec``."""
        return [python_source(cell.source) for cell in self.code_cells(framework)]

    def code_cells_containing(self, snippet):
        """The chapter's code cells, whatever their framework, whose source contains ``snippet``."""
        return [cell for cell in self.code_cells() if snippet in cell.source]

    def section_code(self, framework, sections):
        """The sources of the framework's first (import) cell and of its code cells in ``sections``.

        A cell belongs to the ``##`` section whose heading precedes it; ``sections`` names
        sections by their headings.
        """
        sources, section = [], None
        for cell in self.cells():
            if cell.cell_type == "markdown":
                heading = re.findall(r"^## (.+)$", cell.source, flags=re.M)
                section = heading[-1] if heading else section
            elif framework in (framework_tags(cell) or FRAMEWORKS.names):
                if section in sections or (not sources and framework_tags(cell)):
                    sources.append(python_source(cell.source))
        return sources

    def shared_namespace(self, **globals_):
        """The functions and imports of the chapter's shared (untagged) cells, as a namespace.

        Only ``def`` and ``import`` statements run, so nothing is plotted or trained. Keyword
        arguments become globals of the functions, e.g. the ``eta`` and ``beta`` they read.
        """
        nodes = []
        for cell in self.code_cells():
            if not framework_tags(cell):
                nodes += [node for node in ast.parse(python_source(cell.source)).body
                          if isinstance(node, (ast.FunctionDef, ast.Import, ast.ImportFrom))]
        namespace = dict(globals_)
        exec(compile(ast.Module(body=nodes, type_ignores=[]), str(self.path), "exec"), namespace)
        return namespace

    def calls(self, name):
        """(framework tags, positional arguments, keyword arguments) of every call of ``name``.

        ``name`` is a function's or a method's name; the calls are listed in the order of the
        chapter's code. An argument is its literal value, or its source when it is not a literal.
        """
        found = []
        for cell in self.code_cells():
            for node in ast.walk(ast.parse(python_source(cell.source))):
                if isinstance(node, ast.Call):
                    called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                    if called == name:
                        found.append((framework_tags(cell), [_literal(arg) for arg in node.args],
                                      {kw.arg: _literal(kw.value) for kw in node.keywords}))
        return found

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

    def citations(self):
        """The keys the chapter cites, in order; each must be in :data:`BIBLIOGRAPHY`."""
        keys = re.findall(r"\{cite:[pt]\}`([^`]+)`", self.text)
        for key in keys:
            assert re.search(rf"@\w+\{{{re.escape(key)},", BIBLIOGRAPHY), f"{self.name} cites unknown {key}"
        return keys

    def assert_equation_references_resolve(self):
        """Assert that the chapter refers to equations, and that each is labelled in the chapter."""
        labels = set(re.findall(r"^\$\$ \((eq_\w+)\)$", self.text, flags=re.M))
        referenced = set(re.findall(r"\{eq\}`(eq_\w+)`", self.text))
        assert referenced and referenced <= labels, f"{self.name}: unlabelled {referenced - labels}"

    def assert_section_references_resolve(self):
        """Assert that every section the chapter refers to (``{numref}``) is labelled in some chapter."""
        chapters = [path.read_text(encoding="utf-8") for path in (ROOT / "chapters").glob("*.md")]
        for label in re.findall(r"\{numref\}`(sec_\w+)`", self.text):
            assert any(f"({label})=" in text for text in chapters), label

    def assert_exercises_have_collapsed_answers(self, exercises):
        """Assert that the chapter has ``exercises`` exercises, each with a closed hint or answer.

        The exercises are the numbered items between ``## Exercises`` and ``## References``; each
        must have a ``:::{dropdown} Hint`` or ``Answer``, and none may be open.
        """
        section = self.text.split("## Exercises", 1)[1].split("## References", 1)[0]
        items = re.findall(r"^1\. ", section, flags=re.M)
        dropdowns = re.findall(r"^   :::\{dropdown\} (Hint|Answer)$", section, flags=re.M)
        assert len(items) == len(dropdowns) == exercises, (
            f"{self.name}: {len(items)} exercises and {len(dropdowns)} dropdowns, not {exercises}")
        assert ":open:" not in section


def _literal(node):
    """The value of a literal expression, or its source when it is not a literal."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ast.unparse(node)


def python_source(source):
    """A code cell's ``source`` without its IPython magics (lines such as ``%matplotlib inline``)."""
    return "\n".join(line for line in source.splitlines() if not line.startswith("%"))


def literal_assignments(cell):
    """{name: value} for the assignments of literals in a code cell, ``a, b = 1, 2`` included."""
    values = {}
    for node in ast.parse(python_source(cell.source)).body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        try:
            value = ast.literal_eval(node.value)
        except ValueError:
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name):
            values[target.id] = value
        elif isinstance(target, ast.Tuple):
            values.update(zip((element.id for element in target.elts), value))
    return values


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
    return stdout(cells[0])


def stdout(cell):
    """What an executed code cell printed to stdout."""
    return "".join(out.text for out in cell.outputs if out.output_type == "stream" and out.name == "stdout")


def cells_matching(notebook, pattern):
    """The cells of ``notebook`` whose source matches the regular expression ``pattern`` (``re.search``)."""
    return [cell for cell in notebook.cells if re.search(pattern, cell.source)]


#: The ids matplotlib gives the clip paths, markers and hatches of an SVG figure: a letter and
#: ten hex digits of a hash of the salt and of ``str()`` of what they name.
SVG_HASHED_ID = re.compile(r"\b[mph][0-9a-f]{10}\b")


def svg_with_numbered_ids(svg):
    """``svg`` with matplotlib's hashed ids (:data:`SVG_HASHED_ID`) numbered in order of appearance.

    The hash reads ``str()`` of a clip rectangle's bounds, which NumPy 2 writes as
    ``np.float64(56.16...)`` and NumPy 1 (MXNet's environment) as ``56.16...``: the same figure
    gets other ids in MXNet. The clipped rectangle itself stays in the SVG (a ``<clipPath>``
    with its ``<rect>``), so renumbering hides no difference in what is drawn.
    """
    ids = {}
    return SVG_HASHED_ID.sub(lambda found: ids.setdefault(found.group(), f"id{len(ids)}"), svg)


def normalized(outputs):
    """A cell's outputs as (kind, content) pairs, without execution counts and metadata.

    The kind is the stream's name (``stdout``, ``stderr``) or the output type. Consecutive
    pieces of one stream are joined: how a kernel splits printed text into messages depends on
    timing, not on the code. SVG figures have their ids numbered (:func:`svg_with_numbered_ids`).
    """
    result = []
    for output in outputs:
        if output.output_type == "stream" and result and result[-1][0] == output.name:
            result[-1] = (output.name, result[-1][1] + output.text)
        elif output.output_type == "stream":
            result.append((output.name, output.text))
        else:
            data = dict(output.get("data", {}))
            if "image/svg+xml" in data:
                data["image/svg+xml"] = svg_with_numbered_ids(data["image/svg+xml"])
            result.append((output.output_type, data))
    return result


def assert_same_outputs_in_every_framework(notebooks, figures, keep=None, which="the chapter"):
    """Assert that every framework's executed chapter shows the same outputs, figures included.

    ``notebooks`` is :meth:`ChapterUnderTest.executed`; it must hold every framework. The cells
    compared are those for which ``keep(cell)`` is true (all when ``keep`` is None), and their
    outputs are compared as :func:`normalized` gives them, SVG figures to the letter (but for
    the numbering of their ids). Those
    cells must draw ``figures`` SVG figures; ``which`` names them in the message.
    """
    assert sorted(notebooks) == sorted(FRAMEWORKS.names)
    outputs = {fw: [normalized(cell.outputs) for cell in notebook.cells if keep is None or keep(cell)]
               for fw, notebook in notebooks.items()}
    drawn = [out for cell in outputs["mxnet"] for out in cell if "image/svg+xml" in out[1]]
    assert len(drawn) == figures, f"{which} should draw {figures} figures, not {len(drawn)}"
    for fw in FRAMEWORKS.names[1:]:
        assert outputs[fw] == outputs["mxnet"], f"{fw} differs from mxnet"


def assert_each_run_draws_one_figure(notebooks, pattern, runs):
    """Assert that, in every framework, ``runs`` cells match ``pattern`` and each draws one SVG figure.

    ``notebooks`` is :meth:`ChapterUnderTest.executed`; ``pattern`` is a regular expression
    that finds the cells that train (:func:`cells_matching`).
    """
    for fw, notebook in notebooks.items():
        cells = cells_matching(notebook, pattern)
        assert len(cells) == runs, f"{fw}: {len(cells)} cells match {pattern!r}, not {runs}"
        for cell in cells:
            assert sum("image/svg+xml" in out.get("data", {}) for out in cell.outputs) == 1, fw


def second_epoch(record):
    """The losses ``train_ch11`` recorded during the second epoch (see :data:`RECORDS_PER_EPOCH`)."""
    return record[RECORDS_PER_EPOCH:]


def largest_gap(record, other):
    """The largest absolute difference between two loss records of the same length."""
    assert len(record) == len(other), f"records of {len(record)} and {len(other)} losses"
    return float(np.max(np.abs(np.subtract(record, other))))


def assert_same_losses_in_every_framework(results, names, atol):
    """Assert that each framework's loss records ``names`` agree with MXNet's within ``atol``.

    ``results`` is {framework: {name: record}}, as :mod:`.chapter_runner` returns it.
    """
    for fw in FRAMEWORKS.names[1:]:
        for name in names:
            assert np.allclose(results[fw][name], results["mxnet"][name], rtol=0, atol=atol), (fw, name)
