"""The budget table of a proposal (预算明细), edited in place, with totals per category kept live."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ..enums import BudgetCategory
from ..money import MoneyError, format_yuan, parse_yuan
from ..services.proposals import BudgetLineData
from .labels import label
from .table import EditableRowsModel

translate = QCoreApplication.translate
Index = QModelIndex | QPersistentModelIndex

CATEGORY, ITEM, UNIT_PRICE, QUANTITY, AMOUNT, NOTE = range(6)
HEADERS = (
    QT_TRANSLATE_NOOP("Columns", "Category"), QT_TRANSLATE_NOOP("Columns", "Item"),
    QT_TRANSLATE_NOOP("Columns", "Unit price (yuan)"), QT_TRANSLATE_NOOP("Columns", "Quantity"),
    QT_TRANSLATE_NOOP("Columns", "Amount (yuan)"), QT_TRANSLATE_NOOP("Columns", "Note"),
)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class BudgetModel(EditableRowsModel):
    """Lines of BudgetLineData. Editing the unit price or quantity recomputes the amount; typing an amount
    fixes it (a lump sum)."""

    @property
    def lines(self) -> list[BudgetLineData]:
        return self.rows

    def set_lines(self, lines: list[BudgetLineData]) -> None:
        self.set_rows(lines)

    def new_row(self) -> BudgetLineData:
        return BudgetLineData(BudgetCategory.ACTIVITY, "")

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("Columns", HEADERS[section])
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (UNIT_PRICE, QUANTITY, AMOUNT):
            return RIGHT
        if role == Qt.ItemDataRole.EditRole and column == CATEGORY:
            return line.category
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return None
        return (label(line.category), line.item, format_yuan(line.unit_price_fen), str(line.quantity),
                format_yuan(line.amount), line.note)[column]

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        line = self.lines[index.row()]
        try:
            self._assign(line, index.column(), value)
        except (MoneyError, ValueError):
            return False  # the cell keeps its old value
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), NOTE))
        return True

    @staticmethod
    def _assign(line: BudgetLineData, column: int, value: Any) -> None:
        text = str(value).strip()
        if column == CATEGORY:
            line.category = BudgetCategory(value)
        elif column == ITEM:
            line.item = text
        elif column == UNIT_PRICE:
            line.unit_price_fen, line.amount_fen = parse_yuan(text or "0"), None
        elif column == QUANTITY:
            quantity = int(text or "0")
            if quantity < 0:
                raise ValueError(text)
            line.quantity, line.amount_fen = quantity, None
        elif column == AMOUNT:
            line.amount_fen = parse_yuan(text or "0")
        elif column == NOTE:
            line.note = text


class CategoryDelegate(QStyledItemDelegate):
    """A drop-down of budget categories in the category column."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        for category in BudgetCategory:
            combo.addItem(label(category), category)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
