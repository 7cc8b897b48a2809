"""Small shared widgets: page header, empty state, figure tiles, a titled table with a search box."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def heading(point_delta: int = 6, bold: bool = True) -> QLabel:
    label = QLabel()
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + point_delta)
    font.setBold(bold)
    label.setFont(font)
    return label


class EmptyState(QFrame):
    """An honest empty page: what will appear here, and what makes it appear."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title = heading(4)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.setStyleSheet("color: #666;")
        self.body.setMaximumWidth(640)
        layout.addWidget(self.title)
        layout.addWidget(self.body, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def set_text(self, title: str, body: str) -> None:
        self.title.setText(title)
        self.body.setText(body)


class StatTile(QFrame):
    """A big figure with its caption, as on the dashboard."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statTile")
        self.setStyleSheet("#statTile { background: #f4f7fb; border: 1px solid #d8e0ea; border-radius: 6px; }")
        layout = QVBoxLayout(self)
        self.value = heading(10)
        self.value.setStyleSheet("color: #1d4f91;")
        self.caption = QLabel()
        self.caption.setStyleSheet("color: #555;")
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, value: str, caption: str) -> None:
        self.value.setText(value)
        self.caption.setText(caption)


def make_table_view(parent: QWidget | None = None, *, sortable: bool = True) -> QTableView:
    view = QTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(sortable)
    view.setWordWrap(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    return view


def search_box(parent: QWidget | None = None) -> QLineEdit:
    box = QLineEdit(parent)
    box.setClearButtonEnabled(True)
    box.setMaximumWidth(360)
    return box
