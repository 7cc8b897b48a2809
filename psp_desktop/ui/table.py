"""Table models for every list: rows arrive from services through a setter; the models never read the database.

`RowTableModel` holds a list of frozen rows and is sorted/filtered by a QSortFilterProxyModel using SORT_ROLE.
`LazyTableModel` holds only ids and asks a fetch function for the rows on screen (tens of thousands of rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from ..money import format_yuan
from .labels import label

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


def show_text(value: Any) -> str:
    """How a stored value reads in a table cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return QCoreApplication.translate("Columns", "Yes") if value else QCoreApplication.translate("Columns", "No")
    if isinstance(value, Enum):
        return label(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def sort_value(value: Any) -> Any:
    """What the proxy compares: numbers as numbers, enums by their shown label, dates as ISO text."""
    if value is None:
        return ""
    if isinstance(value, Enum | dt.date | bool):
        return show_text(value)
    return value


@dataclass(frozen=True)
class Column:
    """One table column: header source text (context "Columns"), the row attribute, and how to show it."""

    header: str
    attr: str
    kind: str = "text"  # text | money | int | points

    def raw(self, row: Any) -> Any:
        return getattr(row, self.attr)

    def text(self, row: Any) -> str:
        value = self.raw(row)
        if self.kind == "money":
            return format_yuan(value)
        if self.kind == "points":
            return f"{value / 100:g}"
        return show_text(value)

    @property
    def alignment(self) -> Qt.AlignmentFlag:
        return RIGHT if self.kind in ("money", "int", "points") else LEFT


class _ColumnsMixin:
    columns: Sequence[Column]

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return QCoreApplication.translate("Columns", self.columns[section].header)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(self.columns[section].alignment)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def cell(self, row: Any, column: int, role: int) -> Any:
        col = self.columns[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == SORT_ROLE:
            return sort_value(col.raw(row))
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(col.alignment)
        return None


class RowTableModel(_ColumnsMixin, QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, index: int) -> Any:
        return self._rows[index]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self.columns) - 1))
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1))


def make_proxy(model: QAbstractTableModel, parent: QObject) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setSortLocaleAware(True)
    return proxy


class LazyTableModel(_ColumnsMixin, QAbstractTableModel):
    """Rows for tens of thousands of ids, fetched a block at a time as the view scrolls to them.

    `fetch(ids)` returns rows for ids; `order(attr, descending)` returns all ids in a new order. Both are
    service calls supplied by the page.
    """

    BLOCK = 100

    def __init__(self, columns: Sequence[Column], fetch: Callable[[Sequence[int]], Sequence[Any]],
                 order: Callable[[str, bool], Sequence[int]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self._fetch = fetch
        self._order = order
        self._ids: list[int] = []
        self._cache: dict[int, Any] = {}

    def set_ids(self, ids: Sequence[int]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._cache.clear()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def row_at(self, index: int) -> Any:
        row_id = self._ids[index]
        if row_id not in self._cache:
            start = max(0, index - self.BLOCK // 4)
            block = [i for i in self._ids[start:start + self.BLOCK] if i not in self._cache]
            for row in self._fetch(block):
                self._cache[row.id] = row
        return self._cache.get(row_id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        row = self.row_at(index.row())
        return None if row is None else self.cell(row, index.column(), role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        ids = self._order(self.columns[column].attr, order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        self._ids = list(ids)
        self.layoutChanged.emit()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self.columns) - 1))
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self.columns) - 1))


class EditableRowsModel(QAbstractTableModel):
    """Rows edited in place in a dialog (budget lines, team members); subclasses say what a new row is and how
    cells show and change."""

    def __init__(self, rows: Sequence[Any] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = list(rows or [])

    def new_row(self) -> Any:
        raise NotImplementedError

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def add(self) -> None:
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(self.new_row())
        self.endInsertRows()

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()
