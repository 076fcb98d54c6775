"""MyST Markdown turned into the Markdown that Jupyter renders, for the learner notebooks.

The chapters are MyST: ``(label)=`` targets, ``{numref}``, ``{eq}`` and ``{cite:p}`` roles,
labelled display equations and directives. Jupyter shows all of that as raw markup. Here each
Markdown cell is parsed with the parser MyST-NB itself uses (markdown-it-py configured by
myst-parser, with the book's ``myst_enable_extensions``), and the constructs found in the
token stream are rewritten in the cell's source, everything else staying byte for byte:

* ``(label)=`` targets are removed;
* ``{numref}``/``{ref}`` to a section becomes "Section N, Title" (N as Sphinx numbers it from
  ``_toc.yml``), linked to the online page when ``bookbuild.base_url`` is set;
* ``{eq}`` becomes the equation's number, ``(6.2)``, and the labelled equation shows the same
  number with ``\\tag``;
* ``{cite:p}``/``{cite:t}`` become author-year text, and ``{bibliography}`` becomes the list
  of the works the chapter cites (a chapter without one gets a final References cell);
* admonitions, dropdowns and tab items become blockquotes with a bold title (a tab set whose
  tabs are the frameworks keeps the notebook's framework only); ``{literalinclude}`` becomes
  the included code; ``{momentum-explorer}`` becomes a note on ``d2l.explore_momentum()``.

A directive or role with no conversion stops the build with a message naming the chapter
and line, rather than leaving markup a learner would see.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from docutils.nodes import make_id
from docutils.parsers.rst.directives import admonitions
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.directives import parse_directive_text
from myst_parser.parsers.mdit import create_md_parser
from pybtex.database import parse_file
from pybtex.plugin import find_plugin
from pybtex.richtext import Text
from sphinx.directives.code import LiteralInclude, LiteralIncludeReader
from sphinx_design.dropdown import DropdownDirective
from sphinx_design.tabs import TabItemDirective, TabSetDirective

from ..config import BookConfig, read_book_yaml
from ..frameworks import FRAMEWORKS
from .split import load_chapter
from .toc import numbered_files

#: The heading of the list of works a chapter cites.
REFERENCES_TITLE = "References"

#: Admonition directives and the title each shows when it has no argument.
ADMONITIONS = {
    "note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important", "warning": "Warning",
    "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
    "seealso": "See also", "admonition": "",
}
#: Directives whose body is Markdown shown in a blockquote, with their parser classes.
CONTAINERS = {
    **{name: admonitions.Admonition if name == "admonition" else admonitions.Note for name in ADMONITIONS},
    "dropdown": DropdownDirective,
    "tab-item": TabItemDirective,
    "tab-set": TabSetDirective,
}
#: Roles that refer to a section and roles that cite.
SECTION_ROLES = ("numref", "ref")
CITE_ROLES = ("cite", "cite:p", "cite:t", "cite:ps", "cite:ts")

EXPLORER_NOTE = (
    "**Interactive figure.** The online book shows an interactive figure here. In this "
    "notebook, run `d2l.explore_momentum()` in a code cell: it draws the same two panels with "
    "sliders for the learning rate and the momentum."
)


class ConversionError(ValueError):
    """A Markdown cell holds MyST that the learner notebooks cannot show."""


def myst_extensions(book: dict) -> set[str]:
    """The ``parse: myst_enable_extensions`` of a book's parsed ``_config.yml``."""
    return set((book.get("parse") or {}).get("myst_enable_extensions") or ())


def _parser(extensions: set[str]):
    return create_md_parser(MdParserConfig(enable_extensions=extensions), RendererHTML)


def directive_name(token: Token) -> tuple[str, str] | None:
    """``(name, first line)`` of a fenced directive, or None for any other token."""
    if token.type not in ("fence", "colon_fence") or not token.info.startswith("{"):
        return None
    head, _, rest = token.info.partition("}")
    return head[1:].strip(), rest.strip()


@dataclass(frozen=True)
class Section:
    docname: str
    number: str
    title: str
    anchor: str


@dataclass(frozen=True)
class Equation:
    docname: str
    number: str
    anchor: str


@dataclass
class BookIndex:
    """What a learner notebook's references point to, gathered from every chapter of the book."""

    root: Path
    base_url: str = ""
    extensions: set[str] = field(default_factory=set)
    sections: dict[str, Section] = field(default_factory=dict)
    equations: dict[str, Equation] = field(default_factory=dict)
    citations: dict[str, list[str]] = field(default_factory=dict)
    bibliography: dict = field(default_factory=dict)
    pages: dict[str, Section] = field(default_factory=dict)
    #: Formatted bibliography, by key and by list of keys (pybtex finds its plugins slowly).
    _authors: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    _references: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, root: Path, config: BookConfig) -> BookIndex:
        """Read ``_toc.yml``, every chapter and the bibliography of the book at ``root``."""
        book = read_book_yaml(root)
        index = cls(root=root, base_url=config.base_url, extensions=myst_extensions(book))
        for bibfile in book.get("bibtex_bibfiles") or ():
            index.bibliography.update(parse_file(str(root / bibfile), bib_format="bibtex").entries)
        parser = _parser(index.extensions)
        counters: dict[tuple[int, ...], int] = {}
        for path, number in numbered_files(root):
            docname = path.relative_to(root).with_suffix("").as_posix()
            chapter = load_chapter(path)
            text = "\n\n".join(cell.source for cell in chapter.notebook.cells if cell.cell_type == "markdown")
            index._read(parser, docname, text, number, counters)
        return index

    def _read(self, parser, docname: str, text: str, number: tuple[int, ...] | None,
              counters: dict[tuple[int, ...], int]) -> None:
        """Record the labelled sections, labelled equations and citations of one page."""
        # Sphinx numbers a page's sections below its own number and its equations within
        # the page's top-level section number (numfig_secnum_depth 1).
        headings = [0] * 7
        pending: list[str] = []
        cited = self.citations.setdefault(docname, [])
        tokens = list(_walk(parser, text))
        for position, token in enumerate(tokens):
            if token.type == "myst_target":
                pending.append(token.content)
            elif token.type == "heading_open":
                level = int(token.tag[1])
                title = tokens[position + 1].content
                if level == 1:
                    secnum = number
                    self.pages.setdefault(docname, Section(
                        docname, ".".join(map(str, number)) if number else "", title, ""))
                else:
                    headings[level] += 1
                    headings[level + 1:] = [0] * (6 - level)
                    secnum = None if number is None else number + tuple(h for h in headings[2:level + 1] if h)
                for label in pending:
                    self.sections[label] = Section(
                        docname, ".".join(map(str, secnum)) if secnum else "", title, make_id(label))
                pending = []
            elif token.type == "math_block_label":
                prefix = tuple(number[:1]) if number else ()
                counters[prefix] = counters.get(prefix, 0) + 1
                self.equations[token.info] = Equation(
                    docname, ".".join(map(str, (*prefix, counters[prefix]))), "equation-" + make_id(token.info))
            elif token.type == "inline":
                for child in token.children or ():
                    if child.type == "myst_role" and child.meta.get("name") in CITE_ROLES:
                        for key in _cite_keys(child.content):
                            if key not in cited:
                                cited.append(key)
            elif token.type != "inline" and token.nesting >= 0:
                pending = []  # a label above anything but a heading labels no section

    def docname(self, path: Path) -> str:
        """The Sphinx document name of a source (``chapters/momentum``)."""
        path = Path(path)
        return path.relative_to(self.root).with_suffix("").as_posix() if path.is_relative_to(self.root) \
            else path.with_suffix("").name

    def section_of(self, path: Path) -> str:
        """``Section N, Title`` of a page (its title alone when unnumbered)."""
        page = self.pages.get(self.docname(path))
        if page is None:
            return f"`{Path(path).name}`"
        return f"Section {page.number}, {page.title}" if page.number else page.title

    def url(self, docname: str, anchor: str) -> str | None:
        """The online address of ``anchor`` on ``docname``, when the book's address is known."""
        if not self.base_url:
            return None
        page = f"{self.base_url.rstrip('/')}/{docname}.html"
        return f"{page}#{anchor}" if anchor else page

    def author_year(self, key: str, where: str) -> tuple[str, str]:
        """``(authors, year)`` of a work of the bibliography."""
        if key in self._authors:
            return self._authors[key]
        try:
            entry = self.bibliography[key]
        except KeyError:
            raise ConversionError(
                f"{where}: {key!r} is cited but is not in the bibliography; add it to the .bib file "
                "that _config.yml names under bibtex_bibfiles."
            ) from None
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [Text.from_latex(" ".join(p.prelast_names + p.last_names)).render_as("text") for p in people]
        if not names:
            authors = Text.from_latex(entry.fields.get("title", key)).render_as("text")
        elif len(names) == 1:
            authors = names[0]
        elif len(names) == 2:
            authors = f"{names[0]} and {names[1]}"
        else:
            authors = f"{names[0]} et al."
        self._authors[key] = authors, entry.fields.get("year", "n.d.")
        return self._authors[key]

    def references(self, keys: list[str], where: str) -> str:
        """The Markdown list of the works ``keys``, sorted by author and year."""
        if tuple(keys) in self._references:
            return self._references[tuple(keys)]
        for key in keys:
            self.author_year(key, where)
        style = find_plugin("pybtex.style.formatting", "plain")()
        entries = sorted((self.bibliography[key] for key in keys), key=lambda e: self.author_year(e.key, where))
        items = []
        for formatted in style.format_entries(entries):
            authors, year = self.author_year(formatted.key, where)
            items.append(f"- **{authors} ({year})**. {' '.join(formatted.text.render_as('markdown').split())}")
        self._references[tuple(keys)] = "\n".join(items)
        return self._references[tuple(keys)]


def _cite_keys(content: str) -> list[str]:
    return [key.strip() for key in content.split(",") if key.strip()]


def _walk(parser, text: str) -> Iterator[Token]:
    """The tokens of ``text``, with the bodies of container directives parsed in place."""
    for token in parser.parse(text):
        yield token
        named = directive_name(token)
        if named and named[0] in CONTAINERS:
            body = parse_directive_text(CONTAINERS[named[0]], named[1], token.content, validate_options=False)
            yield from _walk(parser, "\n".join(body.body))


class MarkdownConverter:
    """Converts the Markdown cells of one chapter's learner notebook in one framework."""

    def __init__(self, index: BookIndex, docname: str, framework: str, source: Path):
        self.index = index
        self.docname = docname
        self.framework = framework
        self.source = source
        self.parser = _parser(index.extensions)
        self.placed_references = False

    def where(self, line: int | None) -> str:
        return f"{self.source}, line {line}" if line else str(self.source)

    def convert(self, text: str, first_line: int | None = None) -> str:
        """The Jupyter Markdown for the MyST ``text`` (``first_line``: its line in the source)."""
        lines = text.splitlines(keepends=True)
        blocks: list[tuple[int, int, str]] = []
        for token in self.parser.parse(text):
            line = None if first_line is None or token.map is None else first_line + token.map[0]
            if token.type == "inline" and token.children:
                self._rewrite_inline(lines, token, line)
            elif token.type == "myst_target":
                blocks.append((*token.map, ""))
            elif token.type == "math_block_label":
                equation = self.index.equations.get(token.info)
                if equation is None:
                    raise ConversionError(
                        f"{self.where(line)}: the equation {token.info!r} is in no chapter of _toc.yml; "
                        "list the chapter there.")
                body = f"{token.content.strip()} \\tag{{{equation.number}}}"
                blocks.append((*token.map, self._indent(lines[token.map[0]], token.markup, f"$$\n{body}\n$$")))
            elif directive_name(token):
                new = self._directive(token, line)
                blocks.append((*token.map, self._indent(lines[token.map[0]], token.markup, new) if new else ""))
        for start, end, new in sorted(blocks, reverse=True):
            replacement = new.splitlines(keepends=True)
            if replacement and not replacement[-1].endswith("\n") and end < len(lines):
                replacement[-1] += "\n"
            lines[start:end] = replacement
        return _tidy("".join(lines))

    @staticmethod
    def _indent(first: str, markup: str, text: str) -> str:
        """``text`` under the prefix (indentation, ``>``) that its block had in the source."""
        prefix = first[: first.index(markup)] if markup and markup in first else ""
        rest = "".join(ch if ch == ">" else " " for ch in prefix)
        out = text.splitlines()
        return "\n".join([prefix + out[0], *[(rest + line) if line else rest.rstrip() for line in out[1:]]])

    def _rewrite_inline(self, lines: list[str], token: Token, line: int | None) -> None:
        """Replace each role of the inline ``token`` in the source lines it spans."""
        if not any(child.type == "myst_role" for child in token.children):
            return
        if token.map is None:
            raise ConversionError(f"{self.where(line)}: a role in a table cannot be converted; move it out of the table.")
        start, end = token.map
        text = "".join(lines[start:end])
        cursor = 0
        changed = False
        for child in token.children:
            if child.type in ("code_inline", "math_inline") and child.content:
                found = text.find(child.content, cursor)
                cursor = found + len(child.content) if found >= 0 else cursor
            elif child.type == "myst_role":
                name = child.meta.get("name", "")
                found = text.find(f"{{{name}}}`", cursor)
                ticks_at = found + len(name) + 2
                ticks = len(text[ticks_at:]) - len(text[ticks_at:].lstrip("`"))
                body_at = text.find(child.content, ticks_at + ticks)
                if found < 0 or body_at < 0:
                    raise ConversionError(f"{self.where(line)}: cannot locate the role {{{name}}} in its paragraph")
                close_end = text.index("`" * ticks, body_at + len(child.content)) + ticks
                new = self._role(name, child.content, line)
                text = text[:found] + new + text[close_end:]
                cursor = found + len(new)
                changed = True
        if changed:
            replaced = text.splitlines(keepends=True)
            assert len(replaced) == end - start, "a role's text holds no line break"
            lines[start:end] = replaced

    def _role(self, name: str, content: str, line: int | None) -> str:
        where = self.where(line)
        if name in SECTION_ROLES:
            explicit, label = _explicit(content)
            section = self.index.sections.get(label)
            if section is None:
                raise ConversionError(f"{where}: {{{name}}} refers to {label!r}, which labels no section of the book.")
            if explicit is not None:
                text = explicit.replace("%s", section.number).replace("{number}", section.number).replace(
                    "{name}", section.title)
            elif section.number:
                text = f"Section {section.number}, {section.title}"
            else:
                text = section.title
            url = self.index.url(section.docname, section.anchor)
            return f"[{text}]({url})" if url else text
        if name == "eq":
            equation = self.index.equations.get(content.strip())
            if equation is None:
                raise ConversionError(f"{where}: {{eq}} refers to {content!r}, which labels no equation of the book.")
            text = f"({equation.number})"
            url = self.index.url(equation.docname, equation.anchor) if equation.docname != self.docname else None
            return f"[{text}]({url})" if url else text
        if name in CITE_ROLES:
            works = [self.index.author_year(key, where) for key in _cite_keys(content)]
            if name.startswith("cite:t"):
                return "; ".join(f"{authors} ({year})" for authors, year in works)
            return "(" + "; ".join(f"{authors}, {year}" for authors, year in works) + ")"
        if name == "math":
            return f"${content}$"
        raise ConversionError(
            f"{where}: the role {{{name}}} has no conversion for the learner notebooks; use one of "
            f"{', '.join(('numref', 'ref', 'eq', 'math', *CITE_ROLES))}, or add a conversion in "
            "bookbuild/pipeline/learner_markdown.py."
        )

    def _directive(self, token: Token, line: int | None) -> str:
        name, first = directive_name(token)
        where = self.where(line)
        body_line = None if line is None else line + 1
        if name == "bibliography":
            self.placed_references = True
            cited = self.index.citations.get(self.docname, [])
            return self.index.references(cited, where) if cited else ""
        if name == "momentum-explorer":
            return _blockquote(EXPLORER_NOTE)
        if name == "literalinclude":
            parsed = parse_directive_text(LiteralInclude, first, token.content)
            target = parsed.arguments[0]
            path = self.index.root / target.lstrip("/") if target.startswith("/") else self.source.parent / target
            reader = LiteralIncludeReader(str(path), parsed.options, types.SimpleNamespace(source_encoding="utf-8-sig"))
            try:
                code, _ = reader.read()
            except (OSError, ValueError) as error:
                raise ConversionError(f"{where}: {{literalinclude}} {target}: {error}") from None
            language = parsed.options.get("language", "python")
            return f"```{language}\n{code.rstrip()}\n```"
        if name == "tab-set":
            return self._tab_set(token, body_line)
        if name in CONTAINERS:
            parsed = parse_directive_text(CONTAINERS[name], first, token.content, validate_options=False)
            title = parsed.arguments[0] if parsed.arguments else ADMONITIONS.get(name) or "Details"
            body = self.convert("\n".join(parsed.body) + "\n", body_line)
            return _blockquote(f"**{self.convert(title).strip()}**\n\n{body}")
        raise ConversionError(
            f"{where}: the directive {{{name}}} has no conversion for the learner notebooks; use an "
            "admonition, a dropdown or a tab set, or add a conversion in bookbuild/pipeline/learner_markdown.py."
        )

    def _tab_set(self, token: Token, line: int | None) -> str:
        """The notebook's own framework's tab of a set of framework tabs; otherwise every tab."""
        items = []
        body = parse_directive_text(TabSetDirective, "", token.content, validate_options=False)
        for item in self.parser.parse("\n".join(body.body)):
            named = directive_name(item)
            if named is None:
                continue
            if named[0] != "tab-item":
                raise ConversionError(f"{self.where(line)}: a tab set holds only tab items, not {{{named[0]}}}")
            parsed = parse_directive_text(TabItemDirective, named[1], item.content, validate_options=False)
            label = parsed.arguments[0] if parsed.arguments else ""
            items.append((label, parsed.options.get("sync"), "\n".join(parsed.body) + "\n"))
        labels = FRAMEWORKS.labels
        for label, sync, text in items:
            if sync == self.framework or label == labels[self.framework]:
                return self.convert(text, line).strip("\n")
        return "\n\n".join(_blockquote(f"**{label}**\n\n{self.convert(text, line)}") for label, _, text in items)


def _explicit(content: str) -> tuple[str | None, str]:
    """``("text", "label")`` for ``text <label>``, ``(None, "label")`` for a bare label."""
    stripped = content.strip()
    if stripped.endswith(">") and "<" in stripped:
        text, _, label = stripped[:-1].rpartition("<")
        return text.strip(), label.strip()
    return None, stripped


def _blockquote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip("\n").splitlines())


def _tidy(text: str) -> str:
    """Drop the blank lines a removed block leaves at the start and end of a cell."""
    return text.strip("\n")


def convert_cells(notebook, index: BookIndex, chapter_path: Path, framework: str) -> None:
    """Convert every Markdown cell of ``notebook`` in place, and add a References cell if needed."""
    docname = index.docname(chapter_path)
    converter = MarkdownConverter(index, docname, framework, chapter_path)
    source_map = notebook.metadata.get("source_map", [])
    kept = []
    for position, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            line = source_map[position] + 1 if position < len(source_map) else None
            cell.source = converter.convert(cell.source, line)
            if not cell.source.strip():
                continue
        kept.append(cell)
    notebook.cells = kept
    cited = index.citations.get(docname, [])
    if cited and not converter.placed_references:
        references = nbformat.v4.new_markdown_cell(
            f"## {REFERENCES_TITLE}\n\n{index.references(cited, str(chapter_path))}")
        references["id"] = "references"
        notebook.cells.append(references)

