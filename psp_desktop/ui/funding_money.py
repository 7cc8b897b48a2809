"""What the money tabs of the Funding page share (tranche payments in ui/tranches_tab.py, matching funds in
ui/matching_tab.py, the cash flow in ui/cash_flow_tab.py): the action dialog, the tab base class, table helpers.

Each tab is built as `Tab(page)` by ui/pages/funding.py (whose docstring sets the contract): it reads `page.db` each
time, is given the competition by `set_competition` (None: nothing to show) and reloaded by `refresh`, loads off the
GUI thread, hides write buttons with `page.guard`, and after a write emits `page.funding_changed`, upon which the
page reloads its pool bar and every tab. Every money move is one call to services.tranches / services.matching,
which check the signed-in person's permission and every rule; a refusal is shown in Chinese in a red banner (in the
dialog, when the action has one, which stays open for a correction) and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..errors import PspError
from ..services.access import Permission, allowed
from .forms import DateEdit, MoneyEdit, ProblemBanner
from .pdf_actions import documents_folder
from .table import Column, Index, RowTableModel
from .tasks import run_task

if TYPE_CHECKING:
    from ..db import Database

translate = QCoreApplication.translate
CONTEXT = "FundingMoney"

OVERDUE_BACKGROUND = QColor("#fdecea")
BEHIND_BACKGROUND = QColor("#fff3d6")
ALARM_TEXT = QColor("#b3261e")  # the word that says why a row is tinted: 逾期, 滞后
LONG_TEXT = 14  # characters: longer cell texts are repeated in the tooltip, in case the column cut them
TEXT_WIDTH = 170  # the widest a text column starts; the rest is in the tooltip
NOTE_STYLE = "color: #1e6b2e;"
PLANNED_COLOUR = "#9dbfe3"
PAID_COLOUR = "#1d4f91"


def tr(source: str) -> str:
    """A source string already marked with QT_TRANSLATE_NOOP("FundingMoney", ...)."""
    return translate(CONTEXT, source)


# --- table plumbing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Derived(Column):
    """A column computed from the row at display time (so a language switch applies): `get` gives the value the
    proxy sorts by, `show` (optional) the text shown for the row."""

    get: Callable[[Any], Any] = field(default=lambda _row: None)
    show: Callable[[Any], str] | None = None

    def raw(self, row: Any) -> Any:
        return self.get(row)

    def text(self, row: Any) -> str:
        return self.show(row) if self.show is not None else super().text(row)


class MarkedModel(RowTableModel):
    """Rows from a service, some tinted (overdue, behind) with a tooltip saying why; a bold last row for totals."""

    def __init__(
        self,
        columns: Sequence[Column],
        parent: QObject | None = None,
        *,
        tint: Callable[[Any], QColor | None] = lambda _row: None,
        tip: Callable[[Any], str] = lambda _row: "",
        bold_last: bool = False,
        alarm: Callable[[Any, int], bool] = lambda _row, _column: False,
    ) -> None:
        super().__init__(columns, parent)
        self.tint, self.tip, self.bold_last, self.alarm = tint, tip, bold_last, alarm
        self.first_header = ""  # replaces the first column's header when set (the totals' grouping)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        row = self.row_at(index.row())
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = self.tint(row)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:  # why the row is marked, and a long text cut short in full
            text = self.columns[index.column()].text(row)
            return "\n".join(t for t in (text if len(text) > LONG_TEXT else "", self.tip(row)) if t) or None
        if role == Qt.ItemDataRole.ForegroundRole and self.alarm(row, index.column()):
            return QBrush(ALARM_TEXT)
        if role == Qt.ItemDataRole.FontRole and (
            (self.bold_last and index.row() == self.rowCount() - 1) or self.alarm(row, index.column())
        ):
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            section == 0
            and self.first_header
            and orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return self.first_header
        return super().headerData(section, orientation, role)


def percent_text(x100: int) -> str:
    return f"{x100 / 100:.1f}%"


# --- dialogs -----------------------------------------------------------------------------------------------------


class InputProblem(Exception):
    """Something typed in a dialog that cannot be read (a blank date, an unreadable amount); already translated."""


class ActionDialog(QDialog):
    """A small form for one money move: what it is about, the fields, a red banner for refusals. OK runs `action`;
    a refusal keeps the dialog open with the reason shown, so the user can correct it."""

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(540)
        self.fields: dict[str, QWidget] = {}
        self.action: Callable[[], None] = lambda: None
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.banner = ProblemBanner(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.banner)
        layout.addWidget(buttons)

    def add(self, key: str, caption: str, widget: QWidget) -> QWidget:
        self.fields[key] = widget
        self.form.addRow(caption, widget)
        return widget

    def add_date(self, key: str, caption: str, value: dt.date) -> DateEdit:
        edit = DateEdit(self)
        edit.set_value(value)
        self.add(key, caption, edit)
        return edit

    def add_text(self, key: str, caption: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        self.add(key, caption, edit)
        return edit

    def add_reason(self, key: str, caption: str, placeholder: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
        self.add(key, caption, edit)
        return edit

    def add_money(self, key: str, caption: str, fen: int | None = None) -> MoneyEdit:
        edit = MoneyEdit(self)
        edit.set_fen(fen)
        self.add(key, caption, edit)
        return edit

    # reading fields: a field that cannot be read stops the action with a message naming it

    def text(self, key: str) -> str:
        widget = self.fields[key]
        return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()  # type: ignore[attr-defined]

    def date(self, key: str, caption: str) -> dt.date:
        value = self.fields[key].value()  # type: ignore[attr-defined]
        if value is None:
            raise InputProblem(translate("FundingMoney", "Give the date: {field}.").format(field=caption.rstrip("：:")))
        return value

    def fen(self, key: str, caption: str) -> int:
        widget = self.fields[key]
        assert isinstance(widget, MoneyEdit)
        value = widget.fen()
        if value is None:
            raise InputProblem(
                translate(
                    "FundingMoney", "“{text}” is not an amount in yuan (for example 12,500.00 or 1.25万)."
                ).format(text=widget.text().strip())
            )
        return value

    def submit(self) -> None:
        self.banner.clear()
        try:
            self.action()
        except InputProblem as problem:
            self.banner.setText(str(problem))
            self.banner.show()
            return
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.accept()


def choose_path(parent: QWidget, title: str, name: str, kind: str, suffix: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(parent, title, str(documents_folder() / name), kind)
    if not path:
        return None
    return Path(path if path.lower().endswith(suffix) else path + suffix)


# --- the shared tab ----------------------------------------------------------------------------------------------


class MoneyTab(QWidget):
    """Loading, permissions, the refusal banner and the note after a successful action, shared by the tabs."""

    loaded = Signal()

    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self.page = page
        self.competition_id: int | None = None
        self.is_loaded = False
        self._generation = 0
        self.guarded: list[tuple[QWidget | QAction, Permission]] = []
        self.banner = ProblemBanner(self)
        self.note = QLabel(self)
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.setWordWrap(True)
        self.note.hide()
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 8, 0, 0)

    @property
    def db(self) -> Database | None:
        return getattr(self.page, "db", None)

    def set_competition(self, competition_id: int | None) -> None:
        if competition_id != self.competition_id:
            self.banner.clear()
            self.note.hide()
        self.competition_id = competition_id
        self.refresh()

    def refresh(self) -> None:
        db = self.db
        self.apply_permissions()
        self._generation += 1
        if db is None:  # signed out: nothing of the last person's work stays on screen
            self.banner.clear()
            self.note.hide()
            self.fill(self.nothing())
            return
        generation, competition_id = self._generation, self.competition_id
        job = self.job(db, competition_id)
        run_task(job, lambda data: self._arrived(generation, data), lambda exc: self._failed(generation, exc))

    def job(self, db: Database, competition_id: int | None) -> Callable[[], Any]:
        """The read to run off the GUI thread; what it returns goes to fill."""
        raise NotImplementedError

    def nothing(self) -> Any:
        """What fill shows when there is no database."""
        return ()

    def fill(self, data: Any) -> None:
        raise NotImplementedError

    def _arrived(self, generation: int, data: Any) -> None:
        if generation != self._generation:  # an older answer that arrived late is not shown
            return
        self.fill(data)
        self.is_loaded = True
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.show_refusal(exc)

    # --- permissions: hidden unless the signed-in person may (the service checks again) --------------------------

    def guard(self, widget: QWidget | QAction, permission: Permission) -> None:
        """Through the page, so sign-in changes apply; also kept here and applied on every load."""
        self.guarded.append((widget, permission))
        page_guard = getattr(self.page, "guard", None)
        if callable(page_guard):
            page_guard(widget, permission)
        else:
            widget.setVisible(self.db is not None and allowed(self.db, permission))

    def apply_permissions(self) -> None:
        db = self.db
        for widget, permission in self.guarded:
            widget.setVisible(db is not None and allowed(db, permission))

    # --- outcomes ---------------------------------------------------------------------------------------------

    def place(self, bar: QHBoxLayout, first: QWidget, second: QWidget, orientation: Qt.Orientation) -> None:
        """The tab's layout: its button bar, the banners, then two parts in a splitter (3 : 2)."""
        splitter = QSplitter(orientation, self)
        splitter.addWidget(first)
        splitter.addWidget(second)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.layout_.addLayout(bar)
        self.layout_.addWidget(self.banner)
        self.layout_.addWidget(self.note)
        self.layout_.addWidget(splitter, 1)

    def show_refusal(self, exc: BaseException) -> None:
        self.note.hide()
        if isinstance(exc, PspError):
            self.banner.show_error(exc)
        else:
            self.banner.setText(translate("FundingMoney", "Unexpected error: {error}").format(error=exc))
            self.banner.show()

    def export_workbook(self, title: str, name: str, write: Callable[[Path], int], done: str) -> None:
        """Asks where, then writes off the GUI thread; `done` is a source string with {count} and {file}."""
        path = choose_path(self, title, name, "Excel (*.xlsx)", ".xlsx")
        if path is None:
            return
        self.banner.clear()
        self.note.hide()
        run_task(
            lambda: write(path),
            lambda count: self.show_note(tr(done).format(count=count, file=path)),
            self.show_refusal,
        )

    def show_note(self, text: str) -> None:
        self.banner.clear()
        self.note.setText(text)
        self.note.show()

    def attempt(self, action: Callable[[], Any]) -> bool:
        """Runs a write without a dialog; a refusal goes to the banner."""
        self.banner.clear()
        self.note.hide()
        try:
            action()
        except PspError as exc:
            self.show_refusal(exc)
            return False
        self.after_write()
        return True

    def run_dialog(self, dialog: ActionDialog) -> bool:
        self.banner.clear()
        self.note.hide()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.after_write()
        return True

    def after_write(self) -> None:
        """The page reloads the pool bar and every tab (this one too); alone, the tab reloads itself."""
        signal = getattr(self.page, "funding_changed", None)
        if signal is not None:
            signal.emit()
        else:
            self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        pass


def selected_row(view: QTableView, model: RowTableModel) -> Any:
    index = view.currentIndex()
    if not index.isValid():
        return None
    proxy = view.model()
    return model.row_at(proxy.mapToSource(index).row())  # type: ignore[attr-defined]


def select_where(view: QTableView, model: RowTableModel, match: Callable[[Any], bool]) -> None:
    """Selects the first row matching (the row that was selected before a reload)."""
    proxy = view.model()
    for source_row in range(model.rowCount()):
        if match(model.row_at(source_row)):
            index = proxy.mapFromSource(model.index(source_row, 0))  # type: ignore[attr-defined]
            if index.isValid():
                view.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                )
                view.scrollTo(index)
            return


def shown_rows(view: QTableView, model: RowTableModel) -> list[Any]:
    """The rows on screen, in their order (after search and sorting)."""
    proxy = view.model()
    return [
        model.row_at(proxy.mapToSource(proxy.index(i, 0)).row())  # type: ignore[attr-defined]
        for i in range(proxy.rowCount())
    ]
