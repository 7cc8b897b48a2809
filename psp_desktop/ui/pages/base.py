"""Page plumbing: lazy loading through the task helper, retranslation, and list pages made of table sections."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QStackedLayout, QVBoxLayout, QWidget

from ...services.access import Permission, allowed
from ..table import Column, RowTableModel, make_proxy
from ..tasks import run_task
from ..widgets import ColumnFitter, EmptyState, heading, make_table_view, search_box

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate


class Page(QWidget):
    """A page of the main window. Data is loaded off the GUI thread the first time the page is shown."""

    loaded = Signal()
    failed = Signal(object)
    changed = Signal()  # the page wrote data: other pages' figures are stale
    name = ""
    title_source = ""  # English source text, context "Pages"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db: Database | None = None
        self._stale = True
        self.is_loaded = False
        self.title = heading(6)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(18, 14, 18, 14)
        self.layout_.addWidget(self.title)
        self.toolbar = QHBoxLayout()
        self.layout_.addLayout(self.toolbar)
        self.buttons: list[tuple[QPushButton, str]] = []
        self.menu_actions: list[tuple[QAction, str]] = []
        self.guarded: list[tuple[QWidget, Permission]] = []

    def add_button(self, source_text: str, slot: Callable[[], None], *, needs_row: bool = False,
                   permission: Permission | None = None) -> QPushButton:
        """A toolbar button; its caption is source text in context "Pages". needs_row: disabled until a row is
        selected. permission: hidden unless the signed-in person has it (the service checks again)."""
        button = QPushButton(translate("Pages", source_text))
        button.clicked.connect(lambda _checked=False: slot())
        button.setProperty("needs_row", needs_row)
        self.toolbar.addWidget(button)
        self.buttons.append((button, source_text))
        self.guard(button, permission)
        return button

    def guard(self, widget: QWidget, permission: Permission | None) -> None:
        """Shows widget only to people whose roles have permission; checked again whenever the database or the
        signed-in person changes (set_database)."""
        if permission is not None:
            self.guarded.append((widget, permission))
            widget.setVisible(self.db is not None and allowed(self.db, permission))

    def apply_permissions(self) -> None:
        for widget, permission in self.guarded:
            widget.setVisible(self.db is not None and allowed(self.db, permission))

    def add_menu(self, source_text: str, items: Sequence[tuple[str, Callable[[], None]]], *,
                 permission: Permission | None = None) -> QPushButton:
        """A toolbar button that opens a menu of related actions (import, export, print)."""
        button = QPushButton()
        menu = QMenu(button)
        for text, slot in items:
            action = menu.addAction(translate("Pages", text))
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            self.menu_actions.append((action, text))
        button.setMenu(menu)
        self.toolbar.addWidget(button)
        self.buttons.append((button, source_text))
        button.setText(translate("Pages", source_text))
        self.guard(button, permission)
        return button

    def finish_toolbar(self) -> None:
        self.toolbar.addStretch(1)

    def set_database(self, db: Database | None) -> None:
        self.db = db
        self._stale = True
        self.is_loaded = False
        self.apply_permissions()

    def ensure_loaded(self) -> None:
        if self._stale and self.db is not None:
            self._stale = False
            self.reload()

    def reload(self) -> None:
        """Fetch data in the background and fill the page; subclasses with data override fetch/fill."""
        db = self.db
        if db is None:
            return
        run_task(lambda: self.fetch(db), self._filled, self._failed)

    def fetch(self, db: Database) -> Any:
        return None

    def fill(self, data: Any) -> None:
        pass

    def _filled(self, data: Any) -> None:
        self.show_data(data)

    def show_data(self, data: Any) -> None:
        self.fill(data)
        self.is_loaded = True
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._stale = True
        self.failed.emit(exc)

    def retranslate(self) -> None:
        self.title.setText(translate("Pages", self.title_source))
        for widget, source in [*getattr(self, "buttons", ()), *getattr(self, "menu_actions", ())]:
            widget.setText(translate("Pages", source))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


@dataclass(frozen=True)
class Section:
    """A titled table on a list page, and what to say when it has no rows."""

    title: str
    columns: Sequence[Column]
    loader: Callable[[Database], Sequence[Any]]
    empty_title: str = ""
    empty_body: str = ""
    stretch: str = ""  # attribute of the column that takes spare width; default: the first text column
    height: int = 1  # share of the page's height, against the other sections


class TableSection(QWidget):
    """A table with its title, a search box that filters every column, and a row count."""

    def __init__(self, spec: Section, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.model = RowTableModel(spec.columns, self)
        self.proxy = make_proxy(self.model, self)
        self.view = make_table_view(self)
        self.view.setModel(self.proxy)
        self.fitter = ColumnFitter(self.view, self._stretch_column())
        self.caption = heading(2)
        self.search = search_box(self)
        self.search.textChanged.connect(self._filter)
        self.count = QLabel()
        self.empty = EmptyState(self)

        bar = QHBoxLayout()
        bar.addWidget(self.caption)
        bar.addStretch(1)
        bar.addWidget(self.count)
        bar.addWidget(self.search)
        table_page = QWidget(self)
        inner = QVBoxLayout(table_page)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(bar)
        inner.addWidget(self.view)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(table_page)
        self.stack.addWidget(self.empty)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.model.set_rows(rows)
        self.stack.setCurrentIndex(1 if not rows and self.spec.empty_title else 0)
        self.fitter.fit()
        self._update_count()

    def _stretch_column(self) -> int | None:
        """The column that takes spare width: the one named by the section, else the first text column."""
        columns = self.spec.columns
        named = [i for i, c in enumerate(columns) if c.attr == self.spec.stretch]
        return named[0] if named else next((i for i, c in enumerate(columns) if c.kind == "text"), None)

    def selected_row(self) -> Any:
        """The row object under the cursor, or None."""
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = (translate("Pages", "{shown} of {total}").format(shown=shown, total=total) if shown != total
                else translate("Pages", "{total} rows").format(total=total))
        self.count.setText(text)

    def retranslate(self) -> None:
        self.caption.setText(translate("Pages", self.spec.title) if self.spec.title else "")
        self.caption.setVisible(bool(self.spec.title))
        self.search.setPlaceholderText(translate("Pages", "Search…"))
        self.empty.set_text(translate("Pages", self.spec.empty_title) if self.spec.empty_title else "",
                            translate("Pages", self.spec.empty_body) if self.spec.empty_body else "")
        self.model.retranslate()
        self._update_count()


class ListPage(Page):
    """A page of one or more table sections filled by service calls."""

    sections: Sequence[Section] = ()
    note_source = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.layout_.addWidget(self.note)
        self.tables = [TableSection(spec, self) for spec in self.sections]
        for table in self.tables:
            self.layout_.addWidget(table, table.spec.height)
        self.retranslate()

    def fetch(self, db: Database) -> list[Sequence[Any]]:
        return [spec.loader(db) for spec in self.sections]

    def export(self, kind: str) -> None:
        """The list as an Excel workbook (all rows, whatever the search box holds)."""
        from .. import workbook_actions

        if self.db is not None:
            workbook_actions.export(self, self.db, kind, translate("Pages", self.title_source) + ".xlsx")

    def fill(self, data: list[Sequence[Any]]) -> None:
        for table, rows in zip(self.tables, data, strict=True):
            table.set_rows(rows)

    def retranslate(self) -> None:
        super().retranslate()
        self.note.setText(translate("Pages", self.note_source) if self.note_source else "")
        self.note.setVisible(bool(self.note_source))
        for table in getattr(self, "tables", ()):
            table.retranslate()


class EmptyPage(Page):
    """A page whose work a later version brings: it says so plainly instead of showing made-up data."""

    empty_title = ""
    empty_body = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty = EmptyState(self)
        self.layout_.addWidget(self.empty, 1)
        self.retranslate()

    def fetch(self, db: Database) -> None:
        return None

    def retranslate(self) -> None:
        super().retranslate()
        self.empty.set_text(translate("Pages", self.empty_title), translate("Pages", self.empty_body))
