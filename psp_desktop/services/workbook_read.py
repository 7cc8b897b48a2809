"""Reading .xlsx files with python-calamine: refusing what is not a workbook, finding a sheet and its header row,
and turning cell values into program values (text, codes, dates, months, fen, counts, enum members).

Grids start at A1 (`skip_empty_area=False`) so list indexes map to real Excel row numbers; merged cells are
filled with their top-left value; formulas arrive as the values Excel or WPS cached when saving."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Context, Decimal
from enum import StrEnum
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from ..errors import QT_TRANSLATE_NOOP, ValidationError, os_reason
from ..money import MAX_FEN, MoneyError, parse_yuan
from .validation import Problem, Problems, parse_date
from .workbook_columns import ALIASES, LABELS, NO, YES, Column, Kind, SheetSpec

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls are OLE2 compound files
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
HEADER_SEARCH_ROWS = 10  # a title line or two above the headers is tolerated
MAX_INT = 2**31 - 1  # counts are INTEGER columns
MAX_YUAN = MAX_FEN // 100
EXCEL_DIGITS = Context(prec=15)  # Excel keeps 15 significant digits; a cached 0.30000000000000004 means 0.3
# control characters and lone surrogates (from _xHHHH_ escapes) that databases refuse; tab and newlines stay
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_BLANK = ("", None)

NOT_XLSX = QT_TRANSLATE_NOOP(
    "Errors", "{file} is not an Excel workbook (.xlsx). Save it as an .xlsx workbook in Excel or WPS and try again.")
OLD_XLS = QT_TRANSLATE_NOOP(
    "Errors", "{file} is an old Excel 97-2003 workbook (.xls). Save it as an .xlsx workbook and try again.")
PASSWORD = QT_TRANSLATE_NOOP(
    "Errors", "{file} is protected with a password. Remove the password in Excel or WPS, save it and try again.")
DAMAGED = QT_TRANSLATE_NOOP("Errors", "{file} cannot be read as a workbook: {reason}")
CANNOT_READ = QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {reason}")
MISSING_COLUMNS = QT_TRANSLATE_NOOP(
    "Errors", "The sheet {sheet} lacks the required columns {columns}. Is the workbook from another template?")

NOT_DATE = QT_TRANSLATE_NOOP("Errors", "{value} is not a valid date (for example 2026-02-28)")
NOT_MONTH = QT_TRANSLATE_NOOP("Errors", "{value} is not a valid month (for example 2026-03)")
NOT_AMOUNT = QT_TRANSLATE_NOOP("Errors", "{value} is not an amount in yuan")
AMOUNT_TOO_LARGE = QT_TRANSLATE_NOOP("Errors", "{field} is too large")  # as validation.Problems.money says
NOT_WHOLE = QT_TRANSLATE_NOOP("Errors", "{value} is not a whole number")
TOO_LARGE = QT_TRANSLATE_NOOP("Errors", "{value} is too large")
NOT_CHOICE = QT_TRANSLATE_NOOP("Errors", "{value} is not one of: {choices}")
CODE_AS_NUMBER = QT_TRANSLATE_NOOP(
    "Errors", "{value} was typed as a number and Excel dropped digits; format the column as text and type it again")


# --- the file --------------------------------------------------------------------------------------------


def open_workbook(path: Path) -> CalamineWorkbook:
    """The workbook, or a ValidationError saying in plain words why the file is not one we can read."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise ValidationError(CANNOT_READ, path=path, reason=os_reason(exc)) from exc
    if head.startswith(OLE2_MAGIC):
        encrypted = ENCRYPTED_STREAM in path.read_bytes()
        raise ValidationError(PASSWORD if encrypted else OLD_XLS, file=path.name)
    if not head.startswith(b"PK") or not _is_xlsx_zip(path):
        raise ValidationError(NOT_XLSX, file=path.name)
    try:
        return CalamineWorkbook.from_path(str(path))
    except PasswordError as exc:
        raise ValidationError(PASSWORD, file=path.name) from exc
    except (CalamineError, OSError, ValueError) as exc:
        raise ValidationError(DAMAGED, file=path.name, reason=_reason(exc)) from exc


def _is_xlsx_zip(path: Path) -> bool:
    """An .xlsx is a zip with xl/workbook.xml (an .ods, .docx or .xlsb is a zip too)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _reason(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


# --- sheets ----------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One sheet as read: every row from A1, the header row and where each known column is."""

    spec: SheetSpec
    name: str
    grid: list[list[object]]
    header_index: int  # 0-based; Excel row header_index + 1
    positions: dict[str, int]  # column field → 0-based column index


def read_sheet(book: CalamineWorkbook, spec: SheetSpec, file_name: str, *, optional: bool = False) -> Sheet | None:
    """The sheet named in spec (or, for a required sheet, any sheet with the required headers); None when an
    optional sheet is absent. A sheet without the required headers is refused with a ValidationError."""
    names = [str(n) for n in book.sheet_names]
    wanted = next((n for n in names if n.strip() == spec.name), None)
    if wanted is None and optional:
        return None
    if wanted is not None:
        sheets = [_load(book, spec, wanted, file_name)]
    else:  # renamed: any sheet with the headers will do (chart sheets and the like are skipped)
        sheets = [s for s in (_try_load(book, spec, n, file_name) for n in names) if s is not None]
    first: Sheet | None = None
    for sheet in sheets:
        if not _missing(sheet):
            return sheet
        first = first or sheet
    if first is None:  # a workbook without sheets
        raise ValidationError(MISSING_COLUMNS, sheet=spec.name, columns=_header_list(spec.required))
    raise ValidationError(MISSING_COLUMNS, sheet=first.name, columns=_header_list(_missing(first)))


def _load(book: CalamineWorkbook, spec: SheetSpec, name: str, file_name: str) -> Sheet:
    try:
        raw = book.get_sheet_by_name(name)
        grid = raw.to_python(skip_empty_area=False)
        merged = raw.merged_cell_ranges or []
    except (CalamineError, ValueError, TypeError) as exc:
        raise ValidationError(DAMAGED, file=file_name, reason=_reason(exc)) from exc
    _fill_merged(grid, merged)
    header_index, positions = _find_header(grid, spec)
    return Sheet(spec, name, grid, header_index, positions)


def _try_load(book: CalamineWorkbook, spec: SheetSpec, name: str, file_name: str) -> Sheet | None:
    try:
        return _load(book, spec, name, file_name)
    except ValidationError:
        return None


def _missing(sheet: Sheet) -> tuple[Column, ...]:
    return tuple(c for c in sheet.spec.required if c.field not in sheet.positions)


def _header_list(columns: tuple[Column, ...]) -> str:
    return "、".join(c.header for c in columns)


def _fill_merged(grid: list[list[object]], merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """A merged block reads as its top-left value in every cell (e.g. one credit code over three projects)."""
    for (top, left), (bottom, right) in merged:
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                row[c] = value


def normalise_header(value: object) -> str:
    """Headers as typed in other programs: spaces, required-marks and half-width brackets do not matter."""
    text = value if isinstance(value, str) else str(value)
    text = "".join(text.split()).replace("*", "").replace("＊", "")
    return text.replace("(", "（").replace(")", "）")


def _find_header(grid: list[list[object]], spec: SheetSpec) -> tuple[int, dict[str, int]]:
    """The row (among the first few) naming the most known columns, and each known column's position."""
    by_header = {normalise_header(c.header): c.field for c in spec.columns}
    best_index, best = 0, {}
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        positions: dict[str, int] = {}
        for position, cell in enumerate(row):
            field = by_header.get(normalise_header(cell)) if not is_blank(cell) else None
            if field is not None and field not in positions:  # a repeated header: the first one counts
                positions[field] = position
        if len(positions) > len(best):
            best_index, best = index, positions
    return best_index, best


# --- cells -----------------------------------------------------------------------------------------------


class CellError(Exception):
    """A cell that cannot be read as its column's kind; message is an "Errors" source string."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


def is_blank(value: object) -> bool:
    return value in _BLANK or (isinstance(value, str) and not value.strip())


def shown(value: object) -> str:
    """A cell value as quoted in a message: short, whatever its length."""
    text = value.isoformat() if isinstance(value, dt.date | dt.time) else str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def excel_decimal(value: float) -> Decimal:
    """A number cell as a Decimal: through its shortest text form (never float arithmetic), at Excel's precision."""
    return EXCEL_DIGITS.create_decimal(str(value))


def read_text(value: object) -> str:
    if type(value) is str:  # printable text (the usual cell) holds nothing a database refuses
        return value.strip() if value.isprintable() else _UNSTORABLE.sub("", value).strip()
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float | int):
        return _number_text(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return _UNSTORABLE.sub("", str(value)).strip()


def _number_text(value: float | int) -> str:
    number = excel_decimal(value) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def read_code(value: object) -> str:
    """A code typed as a number keeps its digits only while Excel held all of them (15 significant digits)."""
    if isinstance(value, float) and abs(value) >= 1e15:
        raise CellError(CODE_AS_NUMBER, value=shown(value))
    return read_text(value)


def read_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError:
            pass
    raise CellError(NOT_DATE, value=shown(value))


def read_month(value: object) -> dt.date:
    """2026-03, 2026/3, 2026年3月, or a date in the month: the first day of that month."""
    if isinstance(value, dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).replace(day=1)
    if isinstance(value, str):
        text = value.strip()
        for candidate in (text, text.removesuffix("月") + "-1"):
            try:
                return parse_date(candidate).replace(day=1)
            except ValueError:
                continue
    raise CellError(NOT_MONTH, value=shown(value))


def read_money(value: object) -> int:
    """Yuan (a number cell or text such as 1,234.50 or 3万) → fen; signs are left for the validators."""
    if isinstance(value, bool) or not isinstance(value, str | float | int):
        raise CellError(NOT_AMOUNT, value=shown(value))
    try:
        return parse_yuan(value if isinstance(value, str | int) else _finite(value))
    except MoneyError as exc:
        if "too large" in str(exc):
            raise CellError(AMOUNT_TOO_LARGE) from exc
        raise CellError(NOT_AMOUNT, value=shown(value)) from exc


def _finite(value: float | int) -> Decimal:
    number = excel_decimal(value) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise CellError(NOT_AMOUNT, value=shown(value))
    return number


def read_int(value: object) -> int:
    if isinstance(value, bool | dt.date | dt.time):
        raise CellError(NOT_WHOLE, value=shown(value))
    text = read_text(value).replace(",", "")
    if not re.fullmatch(r"[+-]?\d+", text):
        raise CellError(NOT_WHOLE, value=shown(value))
    number = int(text)
    if abs(number) > MAX_INT:
        raise CellError(TOO_LARGE, value=shown(value))
    return number


_TRUE = {YES, "有", "Y", "YES", "TRUE", "1", "√"}
_FALSE = {NO, "无", "没有", "N", "NO", "FALSE", "0", "×"}


def read_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = read_text(value).upper() if isinstance(value, str | int | float) else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(NOT_CHOICE, value=shown(value), choices=f"{YES}、{NO}")


def enum_reader(enum: type[StrEnum]) -> Callable[[object], StrEnum]:
    """Accepts the Chinese label, an alias, or the stored value (as older files and other tools write)."""
    lookup: dict[str, StrEnum] = {}
    for text, member in [*((m.value, m) for m in enum), *((t, m) for m, t in LABELS[enum].items()),
                         *ALIASES.get(enum, {}).items()]:
        lookup[text] = lookup[text.casefold()] = member
    choices = "、".join(LABELS[enum].values())

    def read(value: object) -> StrEnum:
        member = lookup.get(value) if type(value) is str else None  # a label picked from the list
        if member is None:
            member = lookup.get("".join(read_text(value).split()).casefold())
        if member is None:
            raise CellError(NOT_CHOICE, value=shown(value), choices=choices)
        return member

    return read


MISSING = object()  # a blank cell


@dataclass(frozen=True, slots=True)
class Flawed:
    """A cell with a problem: value is MISSING when it could not be read, else the value (e.g. too long)."""

    problem: Problem
    value: object = MISSING


def read_column(column: Column, cells: Iterable[object]) -> list[object]:
    """Every cell of a column as its program value, MISSING when blank, or Flawed (a column at a time: one map
    over the cells instead of per-cell bookkeeping, the innermost loop of an import)."""
    read, name, limit = reader_for(column), column.field, column.limit

    def too_long(value: str) -> Flawed:
        problems = Problems()
        problems.max_length(name, value, limit)  # type: ignore[arg-type]
        return Flawed(problems.items[0], value)

    def cell(value: object) -> object:
        if value.__class__ is str:
            if not value or value.isspace():  # type: ignore[attr-defined]
                return MISSING
        elif value is None:
            return MISSING
        try:
            result = read(value)
        except CellError as exc:
            problems = Problems()
            problems.add(name, exc.message, **exc.params)
            return Flawed(problems.items[0])
        if limit and len(result) > limit:  # type: ignore[arg-type]
            return too_long(result)  # type: ignore[arg-type]
        return result

    # The usual cells take a short way here, without two calls per cell; the rest, and anything unusual, go
    # through cell(): printable text is only trimmed, whole numbers (of yuan, or counts) are exact integers.
    kind = column.kind
    if kind in (Kind.TEXT, Kind.CODE):
        values = [(v.strip() or MISSING) if v.__class__ is str and v.isprintable() else cell(v)  # type: ignore[attr-defined]
                  for v in cells]
        if limit:
            values = [too_long(v) if v.__class__ is str and len(v) > limit else v for v in values]  # type: ignore[arg-type]
        return values
    if kind is Kind.MONEY:
        return [int(v) * 100 if v.__class__ is float and v.is_integer() and -MAX_YUAN <= v <= MAX_YUAN  # type: ignore[attr-defined,operator]
                else cell(v) for v in cells]
    if kind is Kind.INT:
        return [int(v) if v.__class__ is float and v.is_integer() and -MAX_INT <= v <= MAX_INT  # type: ignore[attr-defined,operator]
                else cell(v) for v in cells]
    return list(map(cell, cells))


READERS: dict[Kind, Callable[[object], object]] = {
    Kind.TEXT: read_text, Kind.CODE: read_code, Kind.DATE: read_date, Kind.MONTH: read_month,
    Kind.MONEY: read_money, Kind.INT: read_int, Kind.BOOL: read_bool,
}


def reader_for(column: Column) -> Callable[[object], object]:
    if column.kind is Kind.ENUM:
        assert column.enum is not None
        return enum_reader(column.enum)
    return READERS[column.kind]
