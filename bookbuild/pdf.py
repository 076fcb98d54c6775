"""``python -m bookbuild pdf``: one PDF of the book per framework (``make pdf``).

For each framework of the registry, in order, it runs Jupyter Book 1's LaTeX builder with the
framework chosen (:data:`FRAMEWORK_VARIABLE`, read only here, by :func:`chosen_framework` and
:func:`pdf_build_requested`), then ``latexmk`` with XeLaTeX, and copies the result to
``_build/pdf/<targetname>-<framework>.pdf`` (``targetname`` from ``latex: latex_documents:`` in
``_config.yml``). :mod:`bookbuild.sphinxext.latex` makes the LaTeX show that framework's code only.

It executes nothing. The pages come from the execution cache that ``make notebooks`` (or
``make html``) filled; when the cache lacks a notebook, it stops before building and says so.
The per-framework builds share one Sphinx environment (``_build/pdf/work``): the pages are read once and
only the writing differs by framework.

Failures are short: without TeX it stops at once with the ``apt-get`` command that installs
it; a LaTeX error is reported with its message, the chapter it comes from and the path of the
full log (kept under ``_build/pdf/logs``); an unresolved reference or citation fails too. A
report of what was built (``report.json``) sits beside the PDFs.
"""

from __future__ import annotations

import ctypes.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_FILE, ConfigError, read_book_config, read_book_yaml
from .frameworks import FRAMEWORKS, Framework

#: Names the framework of a LaTeX build; set by :func:`build_pdfs`, read by :func:`chosen_framework`.
FRAMEWORK_VARIABLE = "BOOKBUILD_PDF_FRAMEWORK"
#: Where the PDFs, their logs and the report go, relative to the book's root.
PDF_DIR = "_build/pdf"
#: Jupyter Book's ``--path-output`` of the LaTeX builds (it adds ``_build/latex`` itself).
WORK_DIR = f"{PDF_DIR}/work"
LOG_DIR = f"{PDF_DIR}/logs"
REPORT_FILE = "report.json"

#: Debian packages of a TeX system that builds the book: XeLaTeX with the LaTeX packages Sphinx
#: and Jupyter Book load, latexmk, the GNU FreeFont fonts Sphinx uses with XeLaTeX, Latin
#: Modern (fontspec's default font), and poppler's tools, which the tests read the PDFs with.
#: (Jupyter Book's class also loads ``bbm``, which Debian has only in the large
#: texlive-fonts-extra; ``bookbuild/sphinxext/static/latex/bbm.sty`` stands in for it.)
#: The last one, the cairo library, is what cairosvg draws the SVG figures into PDF with.
TEX_PACKAGES = (
    "texlive-xetex", "texlive-latex-recommended", "texlive-latex-extra",
    "texlive-fonts-recommended", "lmodern", "latexmk", "fonts-freefont-otf", "poppler-utils",
    "libcairo2",
)
#: The commands ``make pdf`` runs (``xdvipdfmx`` is XeLaTeX's PDF writer).
TEX_COMMANDS = ("latexmk", "xelatex", "xdvipdfmx")


def apt_command() -> str:
    """The one command that installs :data:`TEX_PACKAGES` on Debian (as root)."""
    return ("apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "
            f"--no-install-recommends {' '.join(TEX_PACKAGES)}")


class FrameworkChoiceError(ValueError):
    """A LaTeX build was not told which framework to print, or was told a wrong one."""


class PdfError(RuntimeError):
    """A PDF could not be built; the message says why and where the full log is."""


def chosen_framework() -> Framework:
    """The framework this LaTeX build prints, from :data:`FRAMEWORK_VARIABLE`."""
    value = os.environ.get(FRAMEWORK_VARIABLE, "")
    if not value:
        raise FrameworkChoiceError(
            f"a LaTeX build of the book prints one framework: set {FRAMEWORK_VARIABLE} to one of "
            f"{', '.join(FRAMEWORKS.names)}, or run `make pdf`, which builds every framework's PDF."
        )
    try:
        return FRAMEWORKS[value]
    except KeyError as error:
        raise FrameworkChoiceError(f"{FRAMEWORK_VARIABLE}={value!r}: {error.args[0]}.") from None


def pdf_build_requested() -> bool:
    """Whether this process is one of :func:`build_pdfs`'s LaTeX builds."""
    return bool(os.environ.get(FRAMEWORK_VARIABLE))


def target_name(root: Path) -> str:
    """The name of the book's LaTeX document without ``.tex`` (``latex_documents.targetname``)."""
    book = read_book_yaml(root)
    documents = (book.get("latex") or {}).get("latex_documents") or {}
    if "targetname" not in documents:
        raise ConfigError(f"{CONFIG_FILE} names no LaTeX document; add `latex: latex_documents: "
                          "targetname: book.tex` to it (the PDFs are then book-<framework>.pdf).")
    name = documents["targetname"]
    if not isinstance(name, str) or not name.endswith(".tex") or "/" in name or name == ".tex":
        raise ConfigError(f"latex.latex_documents.targetname in {CONFIG_FILE} must be a file name "
                          f"ending in .tex, got {name!r}.")
    return name[: -len(".tex")]


def pdf_path(root: Path, framework: str, target: str | None = None) -> Path:
    """Where the PDF of ``framework`` goes."""
    return root / PDF_DIR / f"{target or target_name(root)}-{framework}.pdf"


def missing_tex() -> list[str]:
    """The commands of :data:`TEX_COMMANDS` that are not on the ``PATH``, and the cairo library if absent."""
    missing = [command for command in TEX_COMMANDS if shutil.which(command) is None]
    if ctypes.util.find_library("cairo") is None:
        missing.append("the cairo library")
    return missing


def unexecuted_notebooks(root: Path) -> tuple[list[str], int]:
    """The chapter x framework notebooks (``chapter/framework``) the cache lacks, and how many there are."""
    from .pipeline.cache import Cache
    from .pipeline.plan import plan
    from .pipeline.split import load_chapter
    from .pipeline.toc import toc_files

    cache = Cache(read_book_config(root).cache_path(root))
    jobs = plan([load_chapter(path) for path in toc_files(root)], root)
    return [job.name for job in jobs if not cache.has(job.key)], len(jobs)


@dataclass
class LatexFailure:
    """The first error of a LaTeX log."""

    message: str
    context: list[str]
    file: str
    line: int | None


# A LaTeX log is not Markdown or HTML: its error lines (with -file-line-error) have a fixed form.
_FILE_LINE_ERROR = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+): (?P<message>.*)$")
_UNDEFINED = re.compile(r"LaTeX Warning: (?P<kind>Reference|Citation) `(?P<key>[^']+)'.*undefined")
_DOC_LABEL = re.compile(r"\\label\{\\detokenize\{(?P<doc>[^{}]*)::doc\}\}")


def first_error(log: str) -> LatexFailure | None:
    """The first error in the TeX log ``log`` (``file:line: message`` or ``! message``)."""
    lines = log.splitlines()
    for index, text in enumerate(lines):
        match = _FILE_LINE_ERROR.match(text)
        if match and not text.startswith("l."):
            file, line, message = match["file"], int(match["line"]), match["message"]
        elif text.startswith("! "):
            file, line, message = "", None, text[2:]
        else:
            continue
        # TeX's context ends with the input line it stopped at (``l.<number> ...``).
        context = []
        for item in lines[index + 1:index + 6]:
            if item.strip():
                context.append(item)
            if item.startswith("l."):
                break
        return LatexFailure(message, context, file, line)
    return None


def undefined_references(log: str) -> list[str]:
    """The references and citations LaTeX left unresolved (printed as ``??`` or ``[?]``)."""
    found = []
    for match in _UNDEFINED.finditer(log):
        item = f"{match['kind'].lower()} {match['key']}"
        if item not in found:
            found.append(item)
    return found


def chapter_at(tex: str, line: int) -> str | None:
    """The document (Sphinx docname) that line ``line`` of the book's ``.tex`` belongs to."""
    doc = None
    for text in tex.splitlines()[:line]:
        for match in _DOC_LABEL.finditer(text):
            doc = match["doc"]
    return doc


def source_of(root: Path, doc: str | None) -> str:
    """The source file of the docname ``doc`` (or a description when there is none)."""
    if doc is None:
        return "the preamble (before the first page of the book)"
    for suffix in (".md", ".ipynb", ".rst"):
        if (root / f"{doc}{suffix}").exists():
            return f"{doc}{suffix}"
    return doc


def _run(command: list[str], cwd: Path, log: Path, env: dict[str, str]) -> int:
    """Run ``command``, its output going to ``log`` only."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as stream:
        return subprocess.run(command, cwd=cwd, env=env, stdout=stream, stderr=subprocess.STDOUT,
                              check=False).returncode


def _tail(path: Path, count: int = 15) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(f"  {line}" for line in lines[-count:])


def build_pdf(root: Path, framework: Framework, target: str, say=print) -> dict:
    """Build the PDF of ``framework``; return what the report says about it. Raises PdfError."""
    start = time.perf_counter()
    env = {**os.environ, FRAMEWORK_VARIABLE: framework.name}
    logs = root / LOG_DIR
    sphinx_log = logs / f"{target}-{framework.name}-sphinx.log"
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    say(f"bookbuild: {framework.label}: writing LaTeX (Jupyter Book) ...")
    status = _run(
        [str(jupyter_book), "build", str(root), "--builder", "latex", "--path-output",
         str(root / WORK_DIR), "--warningiserror", "--keep-going"],
        root, sphinx_log, env,
    )
    if status:
        raise PdfError(
            f"the LaTeX build of the {framework.label} PDF failed (Jupyter Book exited with "
            f"{status}); its last lines:\n{_tail(sphinx_log)}\nfull log: {sphinx_log}"
        )
    latex_dir = root / WORK_DIR / "_build" / "latex"
    tex_file = latex_dir / f"{target}.tex"
    if not tex_file.is_file():
        raise PdfError(f"Jupyter Book wrote no {tex_file}; see {sphinx_log}")
    say(f"bookbuild: {framework.label}: typesetting (latexmk, XeLaTeX) ...")
    # Start from a clean slate: latexmk remembers failures of earlier runs.
    _run(["latexmk", "-C", tex_file.name], latex_dir, logs / f"{target}-{framework.name}-clean.log", env)
    latexmk_log = logs / f"{target}-{framework.name}-latexmk.log"
    status = _run(
        ["latexmk", "-pdfxe", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
         tex_file.name],
        latex_dir, latexmk_log, env,
    )
    tex_log_source = latex_dir / f"{target}.log"
    tex_log = logs / f"{target}-{framework.name}.log"
    tex_log.unlink(missing_ok=True)  # never report an earlier run's log
    if tex_log_source.is_file():
        shutil.copyfile(tex_log_source, tex_log)
    log_text = tex_log.read_text(encoding="utf-8", errors="replace") if tex_log.is_file() else ""
    if status:
        failure = first_error(log_text)
        if failure is None:
            raise PdfError(f"latexmk failed for the {framework.label} PDF (exit {status}); its last "
                           f"lines:\n{_tail(latexmk_log)}\nfull log: {latexmk_log}")
        where = "its LaTeX preamble or class"
        if failure.line is not None and Path(failure.file).name == tex_file.name:
            tex = tex_file.read_text(encoding="utf-8", errors="replace")
            chapter = source_of(root, chapter_at(tex, failure.line))
            where = f"{chapter} ({tex_file.relative_to(root)} line {failure.line})"
        elif failure.file:
            where = f"{failure.file} line {failure.line}"
        context = "".join(f"\n    {line}" for line in failure.context)
        raise PdfError(
            f"LaTeX failed on the {framework.label} PDF, in {where}:\n  {failure.message}{context}\n"
            f"full log: {tex_log}"
        )
    unresolved = undefined_references(log_text)
    if unresolved:
        raise PdfError(
            f"the {framework.label} PDF has {len(unresolved)} unresolved reference(s) or "
            f"citation(s), printed as ?? in it: {', '.join(unresolved)}\nfull log: {tex_log}"
        )
    output = pdf_path(root, framework.name, target)
    shutil.copyfile(latex_dir / f"{target}.pdf", output)
    seconds = round(time.perf_counter() - start, 1)
    say(f"bookbuild: {framework.label}: wrote {output.relative_to(root)} in {seconds} s")
    return {"pdf": str(output.relative_to(root)), "seconds": seconds, "log": str(tex_log.relative_to(root))}


def check_tex() -> int:
    """0 when TeX is installed; otherwise say which command installs it, and return 3."""
    missing = missing_tex()
    if not missing:
        return 0
    verb = "is" if len(missing) == 1 else "are"
    print(f"bookbuild: `make pdf` needs TeX, and {', '.join(missing)} {verb} not installed. "
          f"Install it (as root) with:\n  {apt_command()}", file=sys.stderr)
    return 3


def build_pdfs(root: Path, names: list[str] | None = None, say=print) -> int:
    """Build the PDF of each framework in ``names`` (default: all); return the exit status."""
    if check_tex():
        return 3
    try:
        frameworks = [FRAMEWORKS[name] for name in names] if names else list(FRAMEWORKS)
    except KeyError as error:
        print(f"bookbuild: {error.args[0]}", file=sys.stderr)
        return 2
    try:
        target = target_name(root)
        unexecuted, total = unexecuted_notebooks(root)
    except (ConfigError, OSError, KeyError, ValueError) as error:
        print(f"bookbuild: {error}", file=sys.stderr)
        return 2
    if unexecuted:
        print(f"bookbuild: {len(unexecuted)} notebook(s) have not been executed with their current "
              f"code ({', '.join(unexecuted)}); run `make notebooks` first (`make pdf` executes nothing).",
              file=sys.stderr)
        return 2
    (root / PDF_DIR).mkdir(parents=True, exist_ok=True)
    report = {"notebooks_from_cache": total, "notebooks_executed": 0, "pdfs": {}}
    for framework in frameworks:
        try:
            report["pdfs"][framework.name] = build_pdf(root, framework, target, say)
        except PdfError as error:
            print(f"bookbuild: {error}", file=sys.stderr)
            return 1
    (root / PDF_DIR / REPORT_FILE).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    say(f"bookbuild: {len(frameworks)} PDF(s) in {PDF_DIR}, from {total} cached notebook(s), none "
        "executed. `make html` links them from the book's landing page.")
    return 0
