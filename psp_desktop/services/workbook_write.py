"""Writing .xlsx files with xlsxwriter: typed sheets (templates and exports share them, so an export imports
again), the 填写说明 notes sheet, and the error workbook (the rows as read plus a 错误说明 column).

Text never becomes a formula: strings go through write_string, and a string that Excel would take for a formula
when someone edits the cell (= + - @) carries the quote prefix, Excel's own leading-apostrophe marker."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..errors import QT_TRANSLATE_NOOP, ValidationError
from .workbook_columns import ERRORS_HEADER, LABELS, NO, NOTES_SHEET, YES, Column, Kind, SheetSpec, label
from .workbook_read import Sheet

LAST_ROW = 1_048_575  # drop-down lists cover the whole column
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUM_FORMATS = {Kind.CODE: "@", Kind.DATE: "yyyy-mm-dd", Kind.MONTH: "yyyy-mm", Kind.MONEY: "#,##0.00", Kind.INT: "0"}
HEADER = {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center", "border": 1, "bg_color": "#DDEBF7"}
REQUIRED_HEADER = {**HEADER, "bg_color": "#9BC2E6"}
ERROR_CELL = {"text_wrap": True, "valign": "top", "font_color": "#C00000", "bg_color": "#FDE9E7"}


class Formats:
    """One xlsxwriter format per distinct style (each add_format call is a style record in the file)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.cache: dict[tuple[tuple[str, Any], ...], Format] = {}

    def get(self, **props: Any) -> Format:
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.book.add_format(props)
        return self.cache[key]

    def cell(self, kind: Kind | None, *, quote: bool = False) -> Format:
        props: dict[str, Any] = {"num_format": NUM_FORMATS[kind]} if kind in NUM_FORMATS else {}
        if quote:
            props["quote_prefix"] = True
        return self.get(**props)


def new_workbook(path: Path) -> tuple[xlsxwriter.Workbook, Formats]:
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    return book, Formats(book)


def close_workbook(book: xlsxwriter.Workbook, path: Path) -> None:
    """Writes the file (xlsxwriter writes on close); a folder that cannot be written is a plain refusal."""
    try:
        book.close()
    except (FileCreateError, OSError) as exc:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Cannot write to the folder {folder}. Choose another location."), folder=path.parent) from exc


def write_text(ws: Worksheet, row: int, col: int, text: str, formats: Formats, kind: Kind | None = None) -> None:
    ws.write_string(row, col, text, formats.cell(kind, quote=text.startswith(FORMULA_STARTS)))


def write_value(ws: Worksheet, row: int, col: int, column: Column, value: object, formats: Formats) -> None:
    """A program value in its column's kind: money in fen becomes yuan (Decimal, never float arithmetic)."""
    kind = column.kind
    if value is None or value == "":
        ws.write_blank(row, col, None, formats.cell(kind))
    elif kind in (Kind.DATE, Kind.MONTH):
        ws.write_datetime(row, col, value, formats.cell(kind))
    elif kind is Kind.MONEY:
        ws.write_number(row, col, Decimal(int(value)).scaleb(-2), formats.cell(kind))  # type: ignore[call-overload]
    elif kind is Kind.INT:
        ws.write_number(row, col, int(value), formats.cell(kind))  # type: ignore[call-overload]
    elif kind is Kind.BOOL:
        write_text(ws, row, col, YES if value else NO, formats)
    elif kind is Kind.ENUM and isinstance(value, StrEnum):
        write_text(ws, row, col, label(value), formats)
    else:
        write_text(ws, row, col, str(value), formats, kind)


def write_sheet(book: xlsxwriter.Workbook, formats: Formats, name: str, columns: tuple[Column, ...],
                rows: Iterable[Mapping[str, object]], *, dropdowns: bool = True, autofilter: bool = False) -> int:
    """A sheet with a frozen header row, column widths and formats, drop-down lists; returns the row count."""
    ws = book.add_worksheet(name)
    write_header(ws, columns, formats)
    count = 0
    for count, values in enumerate(rows, start=1):
        for index, column in enumerate(columns):
            write_value(ws, count, index, column, values.get(column.field), formats)
    if dropdowns:
        add_dropdowns(ws, columns)
    if autofilter:
        ws.autofilter(0, 0, count, len(columns) - 1)
    return count


def write_header(ws: Worksheet, columns: tuple[Column, ...], formats: Formats) -> None:
    for index, column in enumerate(columns):
        ws.write_string(0, index, column.header, formats.get(**(REQUIRED_HEADER if column.required else HEADER)))
        ws.set_column(index, index, column.width, formats.cell(column.kind))
    ws.set_row(0, 32)
    ws.freeze_panes(1, 0)


def add_dropdowns(ws: Worksheet, columns: tuple[Column, ...]) -> None:
    for index, column in enumerate(columns):
        choices = list(LABELS[column.enum].values()) if column.enum else [YES, NO] if column.kind is Kind.BOOL else []
        if choices:
            ws.data_validation(1, index, LAST_ROW, index, {
                "validate": "list", "source": choices, "error_title": column.header,
                "error_message": "请从下拉列表中选择：" + "、".join(choices)})


# --- templates -------------------------------------------------------------------------------------------


GENERAL_NOTES = (
    "请不要修改各表第一行的列名；列的先后可以调整，表中多出的列在导入时忽略。",
    "深色表头的列是必有列，不能删除；其余列可以留空。",
    "统一社会信用代码、联系电话、银行账号等列已设为文本格式，请勿改成数字格式，否则长数字会被 Excel 改写。",
    "日期填写为 2026-02-28 或 2026年2月28日；月份填写为 2026-03 或 2026年3月。",
    "金额单位为元，最多两位小数；可以填写数字，也可以填写 1,234.50 或 3万 这样的文字。",
    "下拉列表中的选项请直接选择；也可以粘贴相同的文字。",
    "导入时逐行逐格检查：只要有一处错误，整个文件都不导入，并生成一份带“错误说明”列的工作簿，改正后可直接再次导入。",
    "可以用 Excel、WPS 表格或 LibreOffice 填写，保存为 .xlsx 格式；请不要设置打开密码。",
)


def write_template(path: Path, sheets: list[tuple[SheetSpec, str]]) -> None:
    """Empty sheets (with the note shown for each on the 填写说明 sheet) and the notes sheet last."""
    book, formats = new_workbook(path)
    for spec, _note in sheets:
        write_sheet(book, formats, spec.name, spec.columns, ())
    write_notes(book, formats, sheets)
    close_workbook(book, path)


def write_notes(book: xlsxwriter.Workbook, formats: Formats, sheets: list[tuple[SheetSpec, str]]) -> None:
    ws = book.add_worksheet(NOTES_SHEET)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 10)
    ws.set_column(2, 2, 90)
    wrap = formats.get(text_wrap=True, valign="top")
    ws.write_string(0, 0, NOTES_SHEET, formats.get(bold=True, font_size=16))
    row = 2
    for number, text in enumerate(GENERAL_NOTES, start=1):
        ws.merge_range(row, 0, row, 2, f"{number}. {text}", wrap)
        row += 1
    for spec, note in sheets:
        row += 1
        ws.merge_range(row, 0, row, 2, f"“{spec.name}”表：{note}", formats.get(bold=True, font_size=12))
        row += 1
        for col, title in enumerate(("列名", "必有列", "填写要求")):
            ws.write_string(row, col, title, formats.get(**HEADER))
        for column in spec.columns:
            row += 1
            ws.write_string(row, 0, column.header, wrap)
            ws.write_string(row, 1, YES if column.required else "", wrap)
            ws.write_string(row, 2, column_note(column), wrap)


def column_note(column: Column) -> str:
    parts = [column.note] if column.note else []
    if column.enum:
        parts.append("可选：" + "、".join(LABELS[column.enum].values()))
    if column.limit:
        parts.append(f"不超过{column.limit}字")
    return "；".join(parts)


# --- the error workbook ----------------------------------------------------------------------------------


def write_error_workbook(path: Path, sheets: list[tuple[Sheet, dict[int, list[str]]]]) -> None:
    """Each sheet as read (same rows, so row numbers match the messages) with 错误说明 after the last column."""
    book, formats = new_workbook(path)
    for sheet, messages in sheets:
        ws = book.add_worksheet(sheet.name)
        kinds = {position: _kind(sheet.spec, field) for field, position in sheet.positions.items()}
        width = max((len(r) for r in sheet.grid), default=0)
        for index, cells in enumerate(sheet.grid):
            for position, value in enumerate(cells):
                write_raw(ws, index, position, value, formats, kinds.get(position))
            if index == sheet.header_index:
                ws.write_string(index, width, ERRORS_HEADER, formats.get(**REQUIRED_HEADER))
            elif messages.get(index + 1):
                ws.write_string(index, width, "\n".join(messages[index + 1]), formats.get(**ERROR_CELL))
        for field, position in sheet.positions.items():
            column = next(c for c in sheet.spec.columns if c.field == field)
            ws.set_column(position, position, column.width, formats.cell(column.kind))
        ws.set_column(width, width, 60)
        ws.freeze_panes(sheet.header_index + 1, 0)
        ws.autofilter(sheet.header_index, 0, max(len(sheet.grid) - 1, sheet.header_index), width)
    close_workbook(book, path)


def _kind(spec: SheetSpec, field: str) -> Kind:
    return next(c.kind for c in spec.columns if c.field == field)


def write_raw(ws: Worksheet, row: int, col: int, value: object, formats: Formats, kind: Kind | None) -> None:
    """A cell value exactly as read (numbers stay numbers, codes stay text)."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float) and math.isfinite(value):  # 1.8e308 may read back as inf
        ws.write_number(row, col, value)
    elif isinstance(value, dt.date | dt.time | dt.timedelta) and _excel_can_hold(value):
        fmt = "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd" \
            if isinstance(value, dt.date) else "hh:mm:ss"
        ws.write_datetime(row, col, value, formats.get(num_format=fmt))
    else:
        text = value.isoformat() if isinstance(value, dt.date | dt.time) else str(value)
        write_text(ws, row, col, text, formats, Kind.CODE if kind is Kind.CODE else None)


def _excel_can_hold(value: dt.date | dt.time | dt.timedelta) -> bool:
    return not isinstance(value, dt.date) or value.year >= 1900
