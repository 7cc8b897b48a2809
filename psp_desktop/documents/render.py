"""Turns a checked Template plus values (and table rows) into PDF bytes. Every document type goes through here."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..errors import ValidationError
from .fonts import setup
from .template import CANNOT_READ, Block, Column, Template, fill
from .text import BoldParagraph, CJKParagraph

ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
CREATOR = "PSP Desktop"
GRID_WIDTH = 0.6  # points: a clear grid that still prints crisply
CELL_PADDING = (4.0, 3.5)  # points: horizontal, vertical


Row = Mapping[str, object]
Items = Mapping[str, Sequence[Mapping[str, object]]]  # repeated-column group → one item per copy


@dataclass(frozen=True)
class Section:
    """One pass over the template's blocks (a judge's sheet, one proposal's blank sheet), starting on a new page.
    Its values are laid over the document's."""

    values: Mapping[str, object]
    rows: Sequence[Row] = ()
    items: Items = field(default_factory=dict)


@dataclass
class _Context:
    template: Template
    values: Mapping[str, object]
    rows: Sequence[Row]
    font: str
    width: float  # of the text frame, points
    height: float
    _styles: dict[tuple[str, str], ParagraphStyle]
    items: Items = field(default_factory=dict)

    def style(self, name: str, align: str | None = None) -> ParagraphStyle:
        key = (name, align or "")
        if key not in self._styles:
            self._styles[key] = _paragraph_style(self.template, name, self.font, align)
        return self._styles[key]

    def paragraph(self, markup: str, style: str, align: str | None = None) -> CJKParagraph:
        paragraph_class = BoldParagraph if self.template.styles[style].bold else CJKParagraph
        return paragraph_class(markup, self.style(style, align))

    def colour(self, name: str) -> colors.Color:
        return colors.HexColor(self.template.colours[name])


def render(template: Template, values: Mapping[str, object], rows: Sequence[Row] = (), *,
           author: str = "", subject: str = "", items: Items | None = None,
           sections: Sequence[Section] | None = None) -> bytes:
    """The PDF as bytes: identical input gives identical bytes (rl_config.invariant). With sections, the blocks are
    laid out once per section, each from a new page; values (and the footer) are the document's."""
    font = setup()
    page_size = (landscape if template.page.landscape else portrait)(A4)
    top, right, bottom, left = (m * mm for m in template.page.margins_mm)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=page_size, leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom,
        title=_plain(template.title, {**values, **(sections[0].values if sections else {})}), author=author,
        subject=subject, creator=CREATOR, producer=CREATOR,
        invariant=1, initialFontName=font,  # no page may fall back to an unembedded Helvetica
    )
    frame = Frame(left, bottom, doc.width, doc.height, id="text", leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    context = _Context(template, values, rows, font, doc.width, doc.height, {}, items or {})
    story: list[Flowable] = []
    for section in sections if sections is not None else [Section(values, rows, items or {})]:
        part = replace(context, values={**values, **section.values}, rows=section.rows,
                       items={**(items or {}), **section.items})
        story += [PageBreak()] if story else []
        story += _section_story(part, [b for b in template.blocks if _shown(part, b.show_if)])
    canvasmaker: Callable[..., Canvas] = Canvas
    if template.footer:
        canvasmaker = partial(_FooterCanvas, footer=partial(_draw_footer, context, page_size[0] / 2, bottom / 2))
    doc.build(story, canvasmaker=canvasmaker)
    return buffer.getvalue()


def _section_story(context: _Context, blocks: Sequence[Block]) -> list[Flowable]:
    story: list[Flowable] = []
    kept: list[Flowable] = []  # blocks to keep on one page with the next
    for block in blocks:
        flowables = _flowables(context, block)
        if block.keep_with_next or kept:  # KeepTogether inside KeepTogether never fits (its wrap says 0xffffff)
            flowables = [part for f in flowables for part in (f._content if isinstance(f, KeepTogether) else [f])]
        if block.keep_with_next:
            kept += flowables
        elif kept:
            story.append(KeepTogether([*kept, *flowables]))
            kept = []
        else:
            story += flowables
    return story + kept


def _shown(context: _Context, condition: str) -> bool:
    return not condition or bool(context.values.get(condition))


def _plain(text: str, values: Mapping[str, object]) -> str:
    """Text for metadata and the footer (drawn as a string, not as paragraph markup)."""
    return text.format_map({key: str(value) for key, value in values.items()})


def _paragraph_style(template: Template, name: str, font: str, align: str | None) -> ParagraphStyle:
    s = template.styles[name]
    return ParagraphStyle(
        f"{name}-{align or s.align}", fontName=font, fontSize=s.size, leading=s.size * s.line_spacing,
        alignment=ALIGN[align or s.align], firstLineIndent=s.first_line_indent_em * s.size,
        spaceBefore=s.space_before_mm * mm, spaceAfter=s.space_after_mm * mm,
        textColor=colors.HexColor(template.colours[s.colour]), wordWrap="CJK",
    )


# --- blocks --------------------------------------------------------------------------------------------------


def _flowables(context: _Context, block: Block) -> list[Flowable]:
    builders: dict[str, Callable[[_Context, Block], list[Flowable]]] = {
        "title": _title, "paragraph": _paragraph, "row": _row, "fields": _fields, "table": _table,
        "signature": _signature, "spacer": _spacer,
    }
    return builders[block.kind](context, block)


def _title(context: _Context, block: Block) -> list[Flowable]:
    return [context.paragraph(fill(context.template.title, context.values, context.template), block.style)]


def _paragraph(context: _Context, block: Block) -> list[Flowable]:
    return [context.paragraph(fill(block.text, context.values, context.template), block.style)]


def _row(context: _Context, block: Block) -> list[Flowable]:
    """Texts side by side: the first flush left, the last flush right, any others centred (or all as block.align
    says, in equal columns)."""
    count = len(block.lines)
    aligns = ["left", *["center"] * (count - 2), "right"] if count > 1 else ["center"]
    aligns = [block.align] * count if block.align else aligns
    cells = [context.paragraph(fill(text, context.values, context.template), block.style, align)
             for text, align in zip(block.lines, aligns, strict=True)]
    table = Table([cells], colWidths=[context.width / count] * count)
    table.setStyle(_table_style(context, *_no_padding(), ("VALIGN", (0, 0), (-1, -1), "TOP")))  # a wrapped name
    return [table]


def _no_padding() -> list[tuple[Any, ...]]:
    return [(side, (0, 0), (-1, -1), 0) for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")]


def _spacer(_context: _Context, block: Block) -> list[Flowable]:
    return [Spacer(1, block.height_mm * mm)]


def _table_style(context: _Context, *commands: tuple[Any, ...]) -> TableStyle:
    """Empty string cells are drawn with the table's font too: without FONT that is an unembedded Helvetica."""
    return TableStyle([("FONT", (0, 0), (-1, -1), context.font), *commands])


def _grid_style(context: _Context, *extra: tuple[Any, ...]) -> TableStyle:
    horizontal, vertical = CELL_PADDING
    return _table_style(
        context,
        ("GRID", (0, 0), (-1, -1), GRID_WIDTH, context.colour("grid")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), horizontal), ("RIGHTPADDING", (0, 0), (-1, -1), horizontal),
        ("TOPPADDING", (0, 0), (-1, -1), vertical), ("BOTTOMPADDING", (0, 0), (-1, -1), vertical + 1),
        *extra,
    )


def _shade(context: _Context, start: tuple[int, int], stop: tuple[int, int]) -> list[tuple[Any, ...]]:
    if "shade" not in context.template.colours:
        return []
    return [("BACKGROUND", start, stop, context.colour("shade"))]


def _fields(context: _Context, block: Block) -> list[Flowable]:
    """A bordered two-column grid: label | value."""
    t = context.template
    rows = [[context.paragraph(fill(label, context.values, t), block.label_style),
             context.paragraph(fill(value, context.values, t), block.style)] for label, value in block.rows]
    label_width = block.label_width_mm * mm
    table = Table(rows, colWidths=[label_width, context.width - label_width])
    table.setStyle(_grid_style(context, *_shade(context, (0, 0), (0, -1))))
    return [table]


def _column_widths(context: _Context, columns: Sequence[Column]) -> list[float]:
    fixed = sum(c.width_mm * mm for c in columns if c.width_mm is not None)
    shared = [c for c in columns if c.width_mm is None]
    left_over = context.width - fixed
    if left_over < (10 * mm if shared else -0.5):
        reason = f"the table columns need {fixed / mm:.0f} mm; the page has {context.width / mm:.0f} mm"
        raise ValidationError(CANNOT_READ, path=context.template.path, reason=reason)
    return [c.width_mm * mm if c.width_mm is not None else left_over / len(shared) for c in columns]


@dataclass(frozen=True)
class _Copy:
    """A column as laid out: a repeated column once per item, with the item's values and its index."""

    column: Column
    item: Mapping[str, object] | None = None
    index: int = 0

    def header_values(self, values: Mapping[str, object]) -> Mapping[str, object]:
        return values if self.item is None else {**values, **self.item}

    def cell_values(self, row: Row) -> Row:
        """A repeated column's cell takes item `index` of each list value in the row."""
        if self.item is None:
            return row
        return {k: _nth(v, self.index) if isinstance(v, list | tuple) else v for k, v in row.items()}


def _nth(values: Sequence[object], index: int) -> object:
    """A row may hold lists for several repeated groups of different lengths; a copy reads only its own."""
    return values[index] if index < len(values) else ""


def _copies(context: _Context, columns: Sequence[Column]) -> list[_Copy]:
    copies: list[_Copy] = []
    for column in columns:
        if not _shown(context, column.show_if):
            continue
        if column.repeat:
            copies += [_Copy(column, item, i) for i, item in enumerate(context.items.get(column.repeat, ()))]
        else:
            copies.append(_Copy(column))
    return copies


def _table(context: _Context, block: Block) -> list[Flowable]:
    """The data table: a header row repeated on every page, then one row per record."""
    t = context.template
    copies = _copies(context, block.columns)
    columns = [c.column for c in copies]
    header = [context.paragraph(fill(c.column.header, c.header_values(context.values), t), block.header_style,
                                "center") for c in copies]
    body = [[context.paragraph(fill(c.column.text, c.cell_values(row), t), block.style, c.column.align)
             for c in copies] for row in context.rows]
    extra: list[tuple[Any, ...]] = [*_shade(context, (0, 0), (-1, 0))]
    if not body:  # an empty list still says so, across the whole width
        body = [[context.paragraph(fill(block.text, context.values, t), block.style, "center")]
                + [""] * (len(columns) - 1)]
        extra.append(("SPAN", (0, 1), (-1, 1)))
    widths = _column_widths(context, columns)
    room = context.height - _row_height(header, widths)  # below the header repeated on every page
    extra += [("VALIGN", (0, n), (-1, n), "TOP")
              for n, cells in enumerate(body, start=1) if _row_height(cells, widths) > room]
    heights = None
    if block.min_row_height_mm:  # room to write: the rows grow, never shrink below their text
        heights = [None, *(max(_row_height(cells, widths), block.min_row_height_mm * mm) for cells in body)]
    table = _DataTable([header, *body], colWidths=widths, rowHeights=heights, repeatRows=1,
                       page_height=context.height)
    table.setStyle(_grid_style(context, *extra))
    return [table]


def _row_height(cells: Sequence[Any], widths: Sequence[float]) -> float:
    """As the grid will lay the row out (the paragraphs keep the lines, so the table does not wrap them again).
    A row taller than a page is split across pages and aligned to the top, so its first part names the proposal."""
    horizontal, vertical = CELL_PADDING
    heights = [cell.wrap(width - 2 * horizontal, 1e6)[1] for cell, width in zip(cells, widths, strict=True)
               if isinstance(cell, CJKParagraph)]
    return max(heights, default=0) + 2 * vertical + 1


class _DataTable(Table):
    """Rows move to the next page whole; only a row taller than a whole page (a very long reason) is split
    inside, and only at the top of a page, so the repeated header never appears twice on one page."""

    def __init__(self, *args: Any, page_height: float = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # the halves of a split are made by reportlab, without page_height
        self._page_height = page_height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.splitInRow = 1 if availHeight >= self._page_height - 1 else 0
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part._page_height = self._page_height
        return parts


def _signature(context: _Context, block: Block) -> list[Flowable]:
    """Lines centred on each other, standing at the right (where the seal goes), kept on one page."""
    size = context.template.styles[block.style].size
    texts = [_plain(line, context.values) for line in block.lines]
    width = max((stringWidth(text, context.font, size) for text in texts), default=0) + 2 * size
    cells = [[context.paragraph(fill(line, context.values, context.template), block.style, "center"), ""]
             for line in block.lines]
    table = Table(cells, colWidths=[width, block.right_mm * mm], hAlign="RIGHT")
    table.setStyle(_table_style(context, *_no_padding()))
    return [KeepTogether([table])]


# --- page footer: "page X of Y" needs Y, known only when the last page is done -------------------------------


def _draw_footer(context: _Context, x: float, y: float, canvas: Canvas, page: int, pages: int) -> None:
    """Centred in the bottom margin."""
    template = context.template
    style = template.styles[template.footer_style]
    text = _plain(template.footer, {**context.values, "page": page, "pages": pages})
    canvas.saveState()
    canvas.setFont(context.font, style.size)
    canvas.setFillColor(context.colour(style.colour))
    canvas.drawCentredString(x, y, text)
    canvas.restoreState()


class _FooterCanvas(Canvas):
    """Keeps each finished page until save(), then draws the footers with the page count (reportlab's recipe)."""

    def __init__(self, *args: Any, footer: Callable[[Canvas, int, int], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._finished_pages: list[dict[str, Any]] = []
        self._footer = footer

    def showPage(self) -> None:
        self._finished_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = len(self._finished_pages)
        for number, state in enumerate(self._finished_pages, start=1):
            self.__dict__.update(state)
            self._footer(self, number, pages)
            super().showPage()
        super().save()
