"""Form building blocks: money and month fields, enum drop-downs, and showing a service's field problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QWidget

from ..errors import PspError
from ..money import MoneyError, format_yuan, parse_yuan
from .labels import label

translate = QCoreApplication.translate
INVALID_STYLE = "border: 1px solid #c62828; background: #fff4f4;"


class MoneyEdit(QLineEdit):
    """Yuan typed as text ("1,234.50", "3万"); read back as integer fen, or None when empty or unreadable."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("0.00")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.textEdited.connect(lambda _text: self.edited.emit())
        self.editingFinished.connect(self._tidy)

    def fen(self) -> int | None:
        text = self.text().strip()
        if not text:
            return 0
        try:
            return parse_yuan(text)
        except MoneyError:
            return None

    def set_fen(self, fen: int | None) -> None:
        self.setText(format_yuan(fen) if fen else "")

    def _tidy(self) -> None:
        fen = self.fen()
        mark(self, fen is None)
        if fen:
            self.setText(format_yuan(fen))


class DateEdit(QDateEdit):
    """A calendar date with an empty state (for dates that may be unknown): the minimum date reads as blank."""

    def __init__(self, parent: QWidget | None = None, display: str = "yyyy-MM-dd") -> None:
        super().__init__(parent)
        self.setDisplayFormat(display)
        self.setCalendarPopup(True)
        self.setMinimumDate(QDate(1950, 1, 1))
        self.setSpecialValueText(" ")
        self.setDate(self.minimumDate())

    def value(self) -> dt.date | None:
        return None if self.date() == self.minimumDate() else self.date().toPython()

    def set_value(self, value: dt.date | None) -> None:
        self.setDate(QDate(value.year, value.month, value.day) if value else self.minimumDate())


class MonthEdit(DateEdit):
    """A month, stored as its first day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, "yyyy-MM")

    def month(self) -> dt.date | None:
        value = self.value()
        return value.replace(day=1) if value else None

    def set_month(self, value: dt.date | None) -> None:
        self.set_value(value.replace(day=1) if value else None)


def enum_combo(values: Iterable[Enum], parent: QWidget | None = None) -> QComboBox:
    combo = QComboBox(parent)
    for value in values:
        combo.addItem(label(value), value)
    return combo


def select_data(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


def mark(widget: QWidget, invalid: bool) -> None:
    widget.setStyleSheet(INVALID_STYLE if invalid else "")


class ProblemBanner(QLabel):
    """A red box listing what is wrong, in the user's language; hidden when all is well."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("background: #fdecea; color: #8a1c1c; border: 1px solid #f5c2c0; padding: 8px;")
        self.hide()

    def show_error(self, exc: PspError) -> None:
        self.setText(exc.render(translate))
        self.show()

    def clear(self) -> None:
        self.setText("")
        self.hide()


def show_problems(banner: ProblemBanner, widgets: dict[str, QWidget], exc: PspError) -> None:
    banner.show_error(exc)
    mark_problems(exc, widgets)


def mark_problems(exc: PspError, widgets: dict[str, QWidget]) -> None:
    """Red borders on the fields a service named; the others are cleared."""
    named = {p.field.split("[")[0] for p in getattr(exc, "problems", [])}
    for name, widget in widgets.items():
        mark(widget, name in named)
