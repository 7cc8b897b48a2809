"""One project register across the three ways of buying services (公益创投, 公益招投标, 服务委托): the mode filter
that the Funding, Monitoring and Documents pages put on their filter bars, and the 方式 column of their lists.

Rows carry `mode` (a CompetitionMode, or None for a document whose competition is not known); the filter keeps
the rows of the chosen mode, or every row under 全部方式.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from ..enums import CompetitionMode
from .labels import label
from .table import Column

MODE_COLUMN = Column(QT_TRANSLATE_NOOP("Columns", "Funding mode"), "mode")


class ModeFilter(QComboBox):
    """全部方式, then each mode by its label; `chosen` is emitted when people pick another item."""

    chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modeFilter")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.addItem("", "")
        for mode in CompetitionMode:
            self.addItem("", mode.value)  # the plain value: Qt keeps a str, not the enum
        self.activated.connect(lambda _index: self.chosen.emit())
        self.retranslate()

    @property
    def mode(self) -> CompetitionMode | None:
        value = self.currentData()
        return CompetitionMode(value) if value else None

    def set_mode(self, mode: CompetitionMode | None) -> None:
        """Chooses mode (None: every mode) as if people had picked it."""
        self.setCurrentIndex(max(0, self.findData(mode.value if mode else "")))
        self.chosen.emit()

    def keeps(self, row: Any) -> bool:
        wanted = self.mode
        return wanted is None or getattr(row, "mode", None) is wanted

    def retranslate(self) -> None:
        self.setItemText(0, QCoreApplication.translate("ModeFilter", "All modes"))
        for index, mode in enumerate(CompetitionMode, 1):
            self.setItemText(index, label(mode))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def mixed(rows: Iterable[Any]) -> bool:
    """More than one mode among the rows: only then is the 方式 column worth its width."""
    return len({getattr(row, "mode", None) for row in rows}) > 1
