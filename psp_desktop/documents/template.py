"""Document templates are data: one JSON file per document type in resources/templates/ holds the page, the styles,
the wording with {placeholders} and the table columns. Code only supplies the values.

A template is checked when it is loaded: every {placeholder} must be a value the document type provides, so a typo
is refused at once instead of printing a document with a hole in it (or only failing on a list with no rows).
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..errors import QT_TRANSLATE_NOOP, ValidationError, os_reason
from ..paths import resource_dir

PAGE_FIELDS = frozenset({"page", "pages"})  # only the footer may use these
ALIGNMENTS = ("left", "center", "right")  # no 'justify': reportlab spreads only spaces, which Chinese lacks
BLOCK_STYLES = {"title": "title", "paragraph": "body", "row": "body", "fields": "cell", "table": "cell",
                "signature": "body", "spacer": "body"}  # the style a block uses when it names none
UNKNOWN_PLACEHOLDER = QT_TRANSLATE_NOOP("Errors", "The document template {template} uses an unknown placeholder "
                                                  "{placeholder}.")
CANNOT_READ = QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {reason}")


class TemplateError(Exception):
    """A template file that is not what the renderer expects (English detail for the 'Cannot read' message)."""


@dataclass(frozen=True, slots=True)
class DocumentType:
    """What a document type gives its template: values for the whole document and, for tables, per row."""

    template: str  # file stem in resources/templates
    fields: frozenset[str]
    row_fields: frozenset[str] = frozenset()
    labels: Mapping[str, frozenset[str]] = field(default_factory=dict)  # wording the code looks up by key
    # repeated columns: group → the values each copy's header may use (one copy per item the code supplies; the
    # copy's cells take item i of a row value that is a list, e.g. a column per criterion or per judge)
    repeats: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Page:
    size: str
    landscape: bool
    margins_mm: tuple[float, float, float, float]  # top, right, bottom, left


@dataclass(frozen=True, slots=True)
class Style:
    size: float
    line_spacing: float = 1.5
    align: str = "left"
    bold: bool = False
    colour: str = "text"
    first_line_indent_em: float = 0
    space_before_mm: float = 0
    space_after_mm: float = 0


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    text: str  # row placeholders
    width_mm: float | None  # None: shares the width left over
    align: str = "left"
    repeat: str = ""  # a DocumentType.repeats group: one copy of the column per item
    show_if: str = ""  # a document value: the column is left out when it is empty


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of the page: title, paragraph, row (texts spread across one line, as the 填报单位 … 日期 line
    above a form), fields (label/value grid), table, signature or spacer."""

    kind: str
    style: str = "body"
    text: str = ""
    lines: tuple[str, ...] = ()  # signature lines; row: texts spread across the width (left … right)
    rows: tuple[tuple[str, str], ...] = ()  # fields: (label, value)
    columns: tuple[Column, ...] = ()
    label_width_mm: float = 0
    label_style: str = "label"
    header_style: str = "header"
    height_mm: float = 0
    right_mm: float = 0
    show_if: str = ""  # a document value: the block is left out when it is empty
    min_row_height_mm: float = 0  # table rows at least this tall (room to write by hand)
    keep_with_next: bool = False  # on the same page as the next block (a notice's last lines, seal and check code)
    align: str = ""  # row: every text aligned so (two parties' signature lines) instead of spread left … right


@dataclass(frozen=True)
class Template:
    name: str
    path: Path
    title: str
    page: Page
    colours: dict[str, str]
    styles: dict[str, Style]
    blocks: tuple[Block, ...]
    footer: str = ""
    footer_style: str = "footer"
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def label(self, group: str, key: str) -> str:
        return self.labels[group][key]

    def document_texts(self) -> Iterator[str]:
        yield self.title
        for block in self.blocks:
            yield block.text
            yield from block.lines
            for label, value in block.rows:
                yield label
                yield value
            yield from (column.header for column in block.columns if not column.repeat)

    def row_texts(self) -> Iterator[str]:
        for block in self.blocks:
            yield from (column.text for column in block.columns)


def template_dir() -> Path:
    return resource_dir() / "templates"


def load_template(kind: DocumentType, directory: Path | None = None) -> Template:
    """Reads and checks resources/templates/<kind.template>.json (or the same name in directory)."""
    path = (directory or template_dir()) / f"{kind.template}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        template = _parse(kind.template, path, data)
    except OSError as exc:
        raise ValidationError(CANNOT_READ, path=path, reason=os_reason(exc)) from exc
    except (ValueError, TemplateError, KeyError, TypeError) as exc:
        raise ValidationError(CANNOT_READ, path=path, reason=_reason(exc)) from exc
    check_placeholders(template, kind)
    _check_labels(template, kind)
    return template


def _check_labels(template: Template, kind: DocumentType) -> None:
    for group, keys in kind.labels.items():
        missing = sorted(keys - set(template.labels.get(group, {})))
        if missing:
            raise ValidationError(CANNOT_READ, path=template.path, reason=f"no label {group}.{missing[0]}")


def _reason(exc: Exception) -> str:
    return f"missing entry {exc}" if isinstance(exc, KeyError) else str(exc)


# --- placeholders ------------------------------------------------------------------------------------------


def placeholders(text: str) -> list[str]:
    """The {names} in text; '{}' and '{0}' come back as '' and '0' (which no document provides)."""
    try:
        return [name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    except ValueError:  # a lone '{' or '}'
        return [text]


def check_placeholders(template: Template, kind: DocumentType) -> None:
    repeated = [c for block in template.blocks for c in block.columns if c.repeat]
    for column in repeated:
        if column.repeat not in kind.repeats:
            raise ValidationError(CANNOT_READ, path=template.path, reason=f"no repeated columns {column.repeat!r}")
    conditions = [b.show_if for b in template.blocks] + [c.show_if for b in template.blocks for c in b.columns]
    checks = [(template.document_texts(), kind.fields), (template.row_texts(), kind.row_fields),
              (iter([template.footer]), kind.fields | PAGE_FIELDS),
              *(([c.header], kind.fields | kind.repeats[c.repeat]) for c in repeated),
              ((f"{{{name}}}" for name in conditions if name), kind.fields)]
    for texts, allowed in checks:
        for text in texts:
            for name in placeholders(text):
                if name not in allowed:
                    raise ValidationError(UNKNOWN_PLACEHOLDER, template=template.path.name,
                                          placeholder="{" + name + "}")


def fill(text: str, values: Mapping[str, object], template: Template | None = None) -> str:
    """Paragraph markup with the values put in (escaped, so '&' or '<' in a name prints as itself)."""
    safe = {key: escape(str(value)) for key, value in values.items()}
    try:
        return text.format_map(safe)
    except (KeyError, IndexError, ValueError) as exc:
        name = exc.args[0] if isinstance(exc, KeyError) else text
        raise ValidationError(UNKNOWN_PLACEHOLDER, template=template.path.name if template else "?",
                              placeholder="{" + str(name) + "}") from exc


# --- parsing -------------------------------------------------------------------------------------------------


def _parse(name: str, path: Path, data: dict[str, Any]) -> Template:
    if data.get("document") != name:
        raise TemplateError(f"'document' should be {name!r}")
    styles = {key: _style(key, value) for key, value in data["styles"].items()}
    template = Template(
        name=name, path=path, title=str(data["title"]), page=_page(data["page"]), colours=dict(data["colours"]),
        styles=styles, blocks=tuple(_block(b) for b in data["blocks"]), footer=str(data.get("footer", "")),
        footer_style=str(data.get("footer_style", "footer")), labels=dict(data.get("labels", {})),
    )
    _check_references(template)
    return template


def _page(data: dict[str, Any]) -> Page:
    if data["size"] != "A4":
        raise TemplateError(f"page size {data['size']!r} is not supported (A4 only)")
    if data["orientation"] not in ("portrait", "landscape"):
        raise TemplateError(f"orientation {data['orientation']!r} should be 'portrait' or 'landscape'")
    m = data["margins_mm"]
    return Page("A4", data["orientation"] == "landscape",
                (float(m["top"]), float(m["right"]), float(m["bottom"]), float(m["left"])))


def _style(name: str, data: dict[str, Any]) -> Style:
    style = Style(**data)
    if style.align not in ALIGNMENTS:
        raise TemplateError(f"style {name!r}: align {style.align!r} should be one of {', '.join(ALIGNMENTS)}")
    return style


def _block(data: dict[str, Any]) -> Block:
    data = dict(data)
    kind = data.pop("type")
    if kind not in BLOCK_STYLES:
        raise TemplateError(f"unknown block type {kind!r}")
    data.setdefault("style", BLOCK_STYLES[kind])
    data["lines"] = tuple(data.get("lines", ()))
    data["rows"] = tuple(tuple(row) for row in data.get("rows", ()))
    data["columns"] = tuple(Column(**c) for c in data.get("columns", ()))
    if any(len(row) != 2 for row in data["rows"]):
        raise TemplateError("every row of a fields block is [label, value]")
    return Block(kind=kind, **data)


def _check_references(template: Template) -> None:
    """Every style, colour and alignment a block names exists."""
    used = {template.footer_style} if template.footer else set()
    for block in template.blocks:
        if block.kind != "spacer":
            used.add(block.style)
        if block.kind == "fields":
            used.add(block.label_style)
        if block.align and block.align not in ALIGNMENTS:
            raise TemplateError(f"block align {block.align!r} should be one of {', '.join(ALIGNMENTS)}")
        if block.kind == "table":
            used.add(block.header_style)
            bad = [c.align for c in block.columns if c.align not in ALIGNMENTS]
            if bad:
                raise TemplateError(f"column align {bad[0]!r} should be one of {', '.join(ALIGNMENTS)}")
    missing = sorted(used - set(template.styles))
    if missing:
        raise TemplateError(f"no style named {missing[0]!r}")
    colours = {style.colour for style in template.styles.values()} | {"text", "grid"}
    unknown = sorted(c for c in colours if c not in template.colours)
    if unknown:
        raise TemplateError(f"no colour named {unknown[0]!r}")
    for name, value in template.colours.items():
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            raise TemplateError(f"colour {name!r} should look like #1A2B3C, not {value!r}")
