"""The proposals list: ids in display order from the service, rows fetched for the part on screen.

Sorting and searching run in SQL, so the list opens as fast with twenty thousand proposals as with sixty.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QWidget

from ...services.access import Permission
from .. import workbook_actions
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
        self.add_button(QT_TRANSLATE_NOOP("Pages", "New application…"), self.new_application,
                        permission=Permission.INTAKE_EDIT)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Open"), self.open_selected)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Screen…"), self.screen_selected,
                        permission=Permission.SCREENING_DECIDE)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Intake receipt (PDF)…"), self.receipt_selected)
        self.add_menu(QT_TRANSLATE_NOOP("Pages", "Import"), [
            (QT_TRANSLATE_NOOP("Pages", "Filled-in Word application form…"), self.import_word),
            (QT_TRANSLATE_NOOP("Pages", "Applications from a workbook (as drafts)…"),
             lambda: self.import_workbook(submit=False)),
            (QT_TRANSLATE_NOOP("Pages", "Applications from a workbook (received and numbered)…"),
             lambda: self.import_workbook(submit=True)),
        ], permission=Permission.INTAKE_EDIT)
        self.add_menu(QT_TRANSLATE_NOOP("Pages", "Print and export"), [
            (QT_TRANSLATE_NOOP("Pages", "Screening list (PDF)…"), self.screening_list),
            (QT_TRANSLATE_NOOP("Pages", "Export this list to Excel…"), self.export),
            (QT_TRANSLATE_NOOP("Pages", "Blank Word application form…"), self.word_template),
            (QT_TRANSLATE_NOOP("Pages", "Blank Excel import template…"),
             lambda: workbook_actions.save_template(self, "proposals")),
        ])
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.count)
        self.toolbar.addWidget(self.search)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.setAcceptDrops(True)  # a .docx 申报书 dropped on the list is imported
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

    def current_competition(self) -> int | None:
        """The competition of the selected proposal, else the latest one."""
        from ...services import lists

        if self.db is None:
            return None
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        choices = lists.competition_choices(self.db)
        chosen = next((c for c in choices if row is not None and c.name == row.competition),
                      choices[0] if choices else None)
        return chosen.id if chosen else None

    def import_word(self, path: Path | None = None) -> None:
        from PySide6.QtWidgets import QFileDialog

        from ..dialogs.application_import_dialog import ApplicationImportDialog

        competition_id = self.current_competition()
        if self.db is None or competition_id is None:
            return
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(self, translate("Pages", "Import a Word application form"),
                                                          "", "Word (*.docx)")
            if not chosen:
                return
            path = Path(chosen)
        dialog = ApplicationImportDialog(self.db, competition_id, path, self)
        if dialog.exec() and dialog.proposal_id is not None:
            self.changed.emit()
            self._open(dialog.proposal_id)

    def import_workbook(self, *, submit: bool) -> None:
        competition_id = self.current_competition()
        if self.db is not None and competition_id is not None and workbook_actions.import_workbook(
                self, self.db, "proposals", competition_id, submit):
            self.changed.emit()

    def export(self) -> None:
        if self.db is not None:
            workbook_actions.export(self, self.db, "proposals", translate("Pages", "Proposals") + ".xlsx")

    def word_template(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from ...errors import PspError
        from ...services import application_forms
        from ..pdf_actions import documents_folder

        competition_id = self.current_competition()
        if self.db is None or competition_id is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, translate("Pages", "Save the Word application form"),
            str(documents_folder() / translate("Pages", "Application form.docx")), "Word (*.docx)")
        if path:
            try:
                application_forms.make_template(self.db, competition_id, Path(path))
            except PspError as exc:
                QMessageBox.critical(self, translate("Pages", "Not saved"), exc.render(translate))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.toLocalFile().lower().endswith(".docx") for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.toLocalFile().lower().endswith(".docx"):
                event.acceptProposedAction()
                self.import_word(Path(url.toLocalFile()))
                return

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
        from ...services import printouts
        from ..pdf_actions import save_pdf

        db, competition_id = self.db, self.current_competition()
        if db is not None and competition_id is not None:
            save_pdf(self, lambda: printouts.screening_list_pdf(db, competition_id),
                     translate("Pages", "Screening list.pdf"))

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
