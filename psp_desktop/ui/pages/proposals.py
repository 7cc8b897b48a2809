"""The proposals list: ids in display order from the service, rows fetched for the part on screen.

Sorting and searching run in SQL, so the list opens as fast with twenty thousand proposals as with sixty.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from ..table import Column, LazyTableModel
from ..tasks import run_task
from ..widgets import make_table_view, search_box
from .base import Page

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Intake no."), "intake_number"),
    Column(QT_TRANSLATE_NOOP("Columns", "Project"), "title"),
    Column(QT_TRANSLATE_NOOP("Columns", "Organization"), "organization"),
    Column(QT_TRANSLATE_NOOP("Columns", "Service domain"), "domain"),
    Column(QT_TRANSLATE_NOOP("Columns", "Requested (yuan)"), "requested_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Matching funds (yuan)"), "matching_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Total budget (yuan)"), "total_budget_fen", "money"),
    Column(QT_TRANSLATE_NOOP("Columns", "Status"), "status"),
    Column(QT_TRANSLATE_NOOP("Columns", "Competition"), "competition"),
)
WIDTHS = (120, 300, 260, 110, 120, 130, 120, 100, 260)


class ProposalsPage(Page):
    name = "Proposals"
    title_source = QT_TRANSLATE_NOOP("Pages", "Proposals")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sort: tuple[str, bool] = ("", False)  # newest first until a column is clicked
        self.model = LazyTableModel(COLUMNS, self._fetch_rows, self._order, self)
        self.view = make_table_view(self)
        self.view.setModel(self.model)
        for column, width in enumerate(WIDTHS):
            self.view.setColumnWidth(column, width)
        self.search = search_box(self)
        self.search.setMinimumWidth(300)
        self.count = QLabel()
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.add_button(QT_TRANSLATE_NOOP("Pages", "New application…"), self.new_application)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Open"), self.open_selected)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Screen…"), self.screen_selected)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Intake receipt (PDF)…"), self.receipt_selected)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Screening list (PDF)…"), self.screening_list)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.count)
        self.toolbar.addWidget(self.search)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.layout_.addWidget(self.view, 1)
        self.retranslate()

    # --- actions ------------------------------------------------------------------------------------------

    def selected_id(self) -> int | None:
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row.id if row is not None else None

    def new_application(self) -> None:
        self._open(None)

    def open_selected(self) -> None:
        proposal_id = self.selected_id()
        if proposal_id is not None:
            self._open(proposal_id)

    def _open(self, proposal_id: int | None) -> None:
        from ..dialogs.proposal_dialog import ProposalDialog

        if self.db is None:
            return
        ProposalDialog(self.db, proposal_id, self).exec()
        self.changed.emit()

    def screen_selected(self) -> None:
        from ..dialogs.screening_dialog import ScreeningDialog

        proposal_id = self.selected_id()
        if self.db is None or proposal_id is None:
            return
        reviewer = self.window().settings["operator_name"] if hasattr(self.window(), "settings") else ""
        if ScreeningDialog(self.db, proposal_id, reviewer, self).exec():
            self.changed.emit()

    def receipt_selected(self) -> None:
        from ...services import printouts, proposals
        from ..pdf_actions import save_pdf

        proposal_id, db = self.selected_id(), self.db
        if db is None or proposal_id is None:
            return
        number = proposals.header(db, proposal_id).intake_number or str(proposal_id)
        save_pdf(self, lambda: printouts.intake_receipt_pdf(db, proposal_id),
                 translate("Pages", "Intake receipt {number}.pdf").format(number=number))

    def screening_list(self) -> None:
        from ...services import lists, printouts
        from ..pdf_actions import save_pdf

        db = self.db
        if db is None:
            return
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        competitions = lists.competition_choices(db)
        chosen = next((c for c in competitions if row is not None and c.name == row.competition),
                      competitions[0] if competitions else None)
        if chosen is not None:
            save_pdf(self, lambda: printouts.screening_list_pdf(db, chosen.id),
                     translate("Pages", "Screening list {name}.pdf").format(name=chosen.name))

    def _services(self) -> Any:
        from ...services import lists

        return lists

    def _fetch_rows(self, ids: Sequence[int]) -> Sequence[Any]:
        assert self.db is not None
        return self._services().proposal_rows(self.db, ids)

    def _order(self, attr: str, descending: bool) -> Sequence[int]:
        self._sort = (attr, descending)
        if self.db is None:
            return []
        return self._services().proposal_ids(self.db, search=self.search.text(), sort=attr, descending=descending)

    def fetch(self, db: Database) -> list[int]:
        attr, descending = self._sort
        return self._services().proposal_ids(db, search=self.search.text(), sort=attr, descending=descending)

    def reload(self) -> None:
        db = self.db
        if db is not None:
            run_task(lambda: self.fetch(db), self._filled, self._failed)

    def fill(self, ids: list[int]) -> None:
        self.model.set_ids(ids)
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(translate("Pages", "{total} rows").format(total=self.model.rowCount()))

    def retranslate(self) -> None:
        super().retranslate()
        self.search.setPlaceholderText(translate("Pages", "Search intake no., project or organization…"))
        self.model.retranslate()
        self._update_count()
