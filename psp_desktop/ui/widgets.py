"""Small shared widgets: page header, empty state, figure tiles, a titled table with a search box."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def heading(point_delta: int = 6, bold: bool = True, text: str = "") -> QLabel:
    label = QLabel(text)
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
        self.body.setMaximumWidth(760)
        centred = QHBoxLayout()  # stretches, not an alignment flag, so the wrapped text gets its full height
        centred.addStretch(1)
        centred.addWidget(self.body, 4)
        centred.addStretch(1)
        layout.addWidget(self.title)
        layout.addLayout(centred)
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
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # keep the service's order
    view.setSortingEnabled(sortable)
    view.setWordWrap(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    return view


class ColumnFitter(QObject):
    """Columns as wide as their contents (capped); one text column also takes whatever width is spare, and
    gives it back when the viewport narrows (window resized, row numbers or a scroll bar appearing)."""

    def __init__(self, view: QTableView, stretch: int | None, max_width: int = 360) -> None:
        super().__init__(view)
        view.viewport().installEventFilter(self)
        self.view = view
        self.stretch = stretch
        self.max_width = max_width
        self.natural = 0

    def fit(self) -> None:
        view = self.view
        view.resizeColumnsToContents()
        for column in range(view.horizontalHeader().count()):
            view.setColumnWidth(column, min(view.columnWidth(column) + 16, self.max_width))
        if self.stretch is not None:
            self.natural = view.columnWidth(self.stretch)
        self.spread()

    def spread(self) -> None:
        """Call on resize: the stretch column is its natural width plus the spare width, if any."""
        if self.stretch is None or self.stretch >= self.view.horizontalHeader().count():
            return
        header = self.view.horizontalHeader()
        others = header.length() - header.sectionSize(self.stretch)
        spare = self.view.viewport().width() - others - self.natural
        self.view.setColumnWidth(self.stretch, self.natural + max(0, spare))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.natural:
            self.spread()
        return False


def search_box(parent: QWidget | None = None) -> QLineEdit:
    box = QLineEdit(parent)
    box.setClearButtonEnabled(True)
    box.setMinimumWidth(220)
    box.setMaximumWidth(360)
    return box
