"""The Results page: a round's ranking with every component score, diagnostics for the judging team, the
competition's final ranking, and the work around announcing: freezing, reopening, verifying the snapshot, paper
ballots, the results board, printouts and exports.

The tables themselves are built in ui/results_grids.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    Qt,
)
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...errors import PspError
from ...services import judging, lists, rankings, sheet_states
from ...services.access import Permission
from ...services.lists import Choice
from ...services.rankings import FinalReport, RoundReport
from ...services.scoring import LENIENCY_FLAG, OUTLIER_FLAG, SPREAD_FLAG, points_text
from ...services.sheet_states import RoundChoice, SheetLine
from ..results_grids import (
    GridSection,
    final_grid,
    judges_grid,
    outliers_grid,
    ranking_grid,
    spread_grid,
    unsubmitted_grid,
)
from ..tasks import run_task
from ..widgets import EmptyState
from .base import Page

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

FINAL = -1  # the round selector's "Final ranking" entry

# (menu text, printouts function, needs one round, suggested file name)
PRINTS = (
    (QT_TRANSLATE_NOOP("Pages", "Public notice list (PDF)…"), "notice_list_pdf", False,
     QT_TRANSLATE_NOOP("Results", "Public notice list.pdf")),
    (QT_TRANSLATE_NOOP("Pages", "Judges' score sheets for signature (PDF)…"), "judge_sheets_pdf", True,
     QT_TRANSLATE_NOOP("Results", "Judges' score sheets.pdf")),
    (QT_TRANSLATE_NOOP("Pages", "Round summary (PDF)…"), "round_summary_pdf", True,
     QT_TRANSLATE_NOOP("Results", "Round summary.pdf")),
    (QT_TRANSLATE_NOOP("Pages", "Blank score sheets (PDF)…"), "blank_sheets_pdf", True,
     QT_TRANSLATE_NOOP("Results", "Blank score sheets.pdf")),
)
EXPORT_FUNCTIONS = ("round_results", "final_results", "to_csv", "write_xlsx")  # of services.results_export


# --- loading -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    competitions: tuple[Choice, ...]
    competition_id: int | None
    rounds: tuple[RoundChoice, ...]
    round_key: int | None  # a round id, FINAL, or None when the competition has no rounds
    report: RoundReport | None = None
    lines: tuple[SheetLine, ...] = ()
    final: FinalReport | None = None

    @property
    def round(self) -> RoundChoice | None:
        return next((r for r in self.rounds if r.id == self.round_key), None)


def fetch_results(db: Database, competition_id: int | None, round_key: int | None) -> Loaded:
    """The chosen competition and round, or sensible defaults: the latest competition with judging under way, its
    latest round with judges assigned."""
    competitions = tuple(lists.competition_choices(db))
    if competition_id not in {c.id for c in competitions}:
        competition_id = _default_competition(db, competitions)
    if competition_id is None:
        return Loaded(competitions, None, (), None)
    rounds = tuple(sheet_states.rounds_of(db, competition_id))
    if round_key != FINAL and round_key not in {r.id for r in rounds}:
        assigned = [r for r in rounds if r.assigned]
        round_key = assigned[-1].id if assigned else (rounds[0].id if rounds else None)
    if round_key == FINAL:
        return Loaded(competitions, competition_id, rounds, FINAL, final=rankings.final_report(db, competition_id))
    if round_key is None:
        return Loaded(competitions, competition_id, rounds, None)
    return Loaded(competitions, competition_id, rounds, round_key, rankings.round_report(db, round_key),
                  tuple(sheet_states.sheet_lines(db, round_key)))


def _default_competition(db: Database, competitions: Sequence[Choice]) -> int | None:
    """The latest competition with judging under way, else the latest."""
    for choice in competitions:
        if any(r.assigned for r in sheet_states.rounds_of(db, choice.id)):
            return choice.id
    return competitions[0].id if competitions else None


def write_results(db: Database, competition_id: int, round_id: int | None, path: Path) -> Path:
    """A round's ranking, or the final ranking when round_id is None, as CSV or .xlsx by the file's suffix."""
    from ...services import results_export

    results = (results_export.round_results(db, round_id) if round_id is not None
               else results_export.final_results(db, competition_id))
    if path.suffix.lower() == ".csv":
        path.write_bytes(results_export.to_csv(results))
        return path
    return results_export.write_xlsx(results, path)


# --- widgets -------------------------------------------------------------------------------------------------


class BoardControl(QDialog):
    """The operator's remote for the results board on the second screen."""

    def __init__(self, board: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board = board
        self.revealed = 0
        self.setWindowTitle(self.tr("Results board"))
        self.screens = QComboBox()
        for screen in QGuiApplication.screens():
            size = screen.geometry()
            self.screens.addItem(f"{screen.name()} ({size.width()}×{size.height()})", screen)
        self.screens.setCurrentIndex(1 if self.screens.count() > 1 else 0)  # the projector, when there is one
        self.status = QLabel()
        buttons: list[tuple[str, Callable[[], None]]] = [
            (self.tr("Show on this screen"), self.show_board), (self.tr("Reveal next"), self.reveal_next),
            (self.tr("Reveal all"), self.reveal_all), (self.tr("Hide results"), self.hide_results),
            (self.tr("Refresh"), self.refresh), (self.tr("Close the board"), self.close)]
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Screen")))
        row.addWidget(self.screens, 1)
        layout.addLayout(row)
        grid = QGridLayout()
        for i, (text, slot) in enumerate(buttons):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            grid.addWidget(button, i // 2, i % 2)
        layout.addLayout(grid)
        layout.addWidget(self.status)

    def show_board(self) -> None:
        self.board.show_on(self.screens.currentData())

    def reveal_next(self) -> None:
        self.revealed += 1
        self.board.reveal(self.revealed)
        self.status.setText(self.tr("{count} revealed").format(count=self.revealed))

    def reveal_all(self) -> None:
        self.board.reveal(None)
        self.status.setText(self.tr("All revealed"))

    def hide_results(self) -> None:
        self.revealed = 0
        self.board.hide_results()
        self.status.setText(self.tr("Results hidden"))

    def refresh(self) -> None:
        self.board.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.board.close()
        super().closeEvent(event)


class ResultsPage(Page):
    name = "Results"
    title_source = QT_TRANSLATE_NOOP("Pages", "Results")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._competition_id: int | None = None
        self._round_key: int | None = None
        self._generation = 0
        self.data: Loaded | None = None
        self.lines: dict[tuple[int, int], SheetLine] = {}
        self.board_control: BoardControl | None = None
        self._build_selectors()
        self._build_toolbar()
        self._build_tabs()
        self.retranslate()

    def _build_selectors(self) -> None:
        self.competition_label, self.round_label = QLabel(), QLabel()
        self.competition = QComboBox()
        self.competition.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.round = QComboBox()
        self.round.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.competition.activated.connect(lambda _i: self.choose(self.competition.currentData(), None))
        self.round.activated.connect(lambda _i: self.choose(self._competition_id, self.round.currentData()))
        self.state = QLabel()
        self.sha = QLabel()
        self.sha.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        for widget in (self.competition_label, self.competition, self.round_label, self.round):
            row.addWidget(widget)
        row.addSpacing(16)
        row.addWidget(self.state)
        row.addWidget(self.sha)
        row.addStretch(1)
        self.layout_.insertLayout(1, row)

    def _build_toolbar(self) -> None:
        self.freeze_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Freeze results…"), self.freeze,
                                             permission=Permission.RESULTS_FREEZE)
        self.reopen_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Reopen round…"), self.reopen_round,
                                             permission=Permission.RESULTS_FREEZE)
        self.verify_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Verify snapshot"), self.verify)
        self.reopen_sheet_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Reopen a sheet…"), self.reopen_sheet,
                                                   permission=Permission.SHEET_REOPEN)
        self.paper_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Key paper sheet…"), self.key_paper,
                                            permission=Permission.SCORES_KEY)
        self.laptops_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Judge laptops…"), self.open_laptops,
                                              permission=Permission.EVENT_EXCHANGE)
        self.board_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Results board…"), self.open_board)
        self.print_button = self.add_menu(QT_TRANSLATE_NOOP("Pages", "Print"), [
            (text, lambda function=function, needs_round=needs_round, file=file:
             self.print_document(function, needs_round, file)) for text, function, needs_round, file in PRINTS])
        self.export_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Export…"), self.export)
        self.finish_toolbar()

    def _build_tabs(self) -> None:
        self.ranking = GridSection(self, searchable=True, max_width=240)  # room for the judges' columns
        self.ranking.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)  # a judge's cell
        self.judge_section, self.spread_section = GridSection(self, fit_width=True), GridSection(self, fit_width=True)
        self.outlier_section = GridSection(self, fit_width=True)
        self.unsubmitted_section = GridSection(self, fit_width=True)
        diagnostics = QWidget()
        grid = QGridLayout(diagnostics)
        grid.setContentsMargins(0, 6, 0, 0)
        for i, section in enumerate((self.judge_section, self.spread_section, self.outlier_section,
                                     self.unsubmitted_section)):
            grid.addWidget(section, i // 2, i % 2)
        self.final = GridSection(self, searchable=True)
        self.tabs = QTabWidget()
        for widget in (self.ranking, diagnostics, self.final):
            self.tabs.addTab(widget, "")
        self.empty = EmptyState(self)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.empty)
        self.layout_.addWidget(self.stack, 1)

    # --- loading ------------------------------------------------------------------------------------------

    def choose(self, competition_id: int | None, round_key: int | None) -> None:
        """Shows a competition's round (a round id, FINAL, or None for its latest round with judges)."""
        self._competition_id, self._round_key = competition_id, round_key
        self.reload()

    def reload(self) -> None:
        db = self.db
        if db is None:
            return
        self._generation += 1
        generation, wanted = self._generation, (self._competition_id, self._round_key)
        run_task(lambda: fetch_results(db, *wanted), lambda data: self._arrived(generation, data), self._failed)

    def _arrived(self, generation: int, data: Loaded) -> None:
        if generation == self._generation:  # an older answer that arrived late is not shown
            self.show_data(data)

    def fill(self, data: Loaded) -> None:
        self.data = data
        self._competition_id, self._round_key = data.competition_id, data.round_key
        self.lines = {(line.judge_id, line.proposal_id): line for line in data.lines}
        self._fill_selectors(data)
        self._show(data)
        self._update_actions()

    def _fill_selectors(self, data: Loaded) -> None:
        for combo in (self.competition, self.round):
            combo.blockSignals(True)
            combo.clear()
        for choice in data.competitions:
            self.competition.addItem(choice.name, choice.id)
        self.competition.setCurrentIndex(max(0, self.competition.findData(data.competition_id)))
        for r in data.rounds:
            self.round.addItem(r.name, r.id)
        if data.rounds:
            self.round.addItem(self.tr("Final ranking (all rounds)"), FINAL)
        self.round.setCurrentIndex(max(0, self.round.findData(data.round_key)))
        for combo in (self.competition, self.round):
            combo.blockSignals(False)

    def _show(self, data: Loaded) -> None:
        self.sha.clear()
        self.sha.setToolTip("")
        if data.final is not None:
            self._show_final(data.final, data.rounds)
        elif data.report is not None and data.report.sheets_total:
            self._show_round(data.report)
        else:
            self._show_empty(data)

    def _show_empty(self, data: Loaded) -> None:
        self.state.clear()
        self.stack.setCurrentWidget(self.empty)
        if data.competition_id is None:
            self.empty.set_text(self.tr("No competitions yet"),
                                self.tr("Results appear here once a competition has rounds with judges assigned."))
        elif data.round is None:
            self.empty.set_text(self.tr("This competition has no review rounds"),
                                self.tr("Set up the rounds and their rubrics on the competition first."))
        else:
            self.empty.set_text(self.tr("No judges are assigned in “{round}” yet").format(round=data.round.name),
                                self.tr("Assign judges to the proposals of this round; the ranking fills in as "
                                        "their score sheets come in."))

    def _show_round(self, report: RoundReport) -> None:
        self.stack.setCurrentWidget(self.tabs)
        for index, visible in enumerate((True, True, False)):
            self.tabs.setTabVisible(index, visible)
        if self.tabs.currentIndex() == 2:
            self.tabs.setCurrentIndex(0)
        self._state_line(report)
        self.ranking.set_grid(ranking_grid(report, self.lines), self.tr("No proposals in this round."))
        full = report.result.spec.full_marks
        d = report.decimals
        limit = {name: points_text(share * full, d) for name, share in
                 (("lenient", LENIENCY_FLAG), ("spread", SPREAD_FLAG), ("outlier", OUTLIER_FLAG))}
        self.judge_section.set_texts(self.tr("Judges: leniency and severity"), self.tr(
            "Leniency is a judge's average difference from the other judges on the same proposals; flagged beyond "
            "±{limit} points.").format(limit=limit["lenient"]))
        self.judge_section.set_grid(judges_grid(report), self.tr("No sheets are in yet."))
        self.spread_section.set_texts(self.tr("Proposals: how far the judges agree"), self.tr(
            "Flagged when the highest and the lowest total differ by more than {limit} points.").format(
            limit=limit["spread"]))
        self.spread_section.set_grid(spread_grid(report), self.tr("No sheets are in yet."))
        self.outlier_section.set_texts(self.tr("Outlying scores"), self.tr(
            "Totals more than {limit} points away from the other judges' mean on the same proposal.").format(
            limit=limit["outlier"]))
        self.outlier_section.set_grid(outliers_grid(report), self.tr("None: no score stands out."))
        self.unsubmitted_section.set_texts(self.tr("Sheets not in"), self.tr(
            "Assigned sheets that do not count yet. The results cannot be frozen until every one is in."))
        self.unsubmitted_section.set_grid(unsubmitted_grid(report, self.lines), self.tr("None: every sheet is in."))

    def _state_line(self, report: RoundReport) -> None:
        text = self.tr("Sheets in: {done} / {total}").format(done=report.sheets_in, total=report.sheets_total)
        snapshot = report.snapshot
        if report.frozen and snapshot is not None:
            text += " · " + self.tr("Frozen by {name} on {when}").format(
                name=snapshot.frozen_by, when=snapshot.frozen_at.strftime("%Y-%m-%d %H:%M"))
            self.sha.setText(self.tr("SHA-256 {short}…").format(short=snapshot.sha256[:12]))
            self.sha.setToolTip(snapshot.sha256)
        else:
            text += " · " + self.tr("Not frozen")
        self.state.setText(text)

    def _show_final(self, final: FinalReport, rounds: Sequence[RoundChoice]) -> None:
        if not final.rounds:
            self._show_empty_final()
            return
        self.stack.setCurrentWidget(self.tabs)
        for index, visible in enumerate((False, False, True)):
            self.tabs.setTabVisible(index, visible)
        self.tabs.setCurrentIndex(2)
        parts = " + ".join(f"{r.name} {r.weight_percent}%" for r in rounds if r.weight_percent)
        notes = [self.tr("Final score = {parts}.").format(parts=parts)]
        if not final.weights_ok:
            notes.append(self.tr("The round weights do not add up to 100%."))
        scored = {r.round_id for r in final.rounds}
        notes += [self.tr("“{round}” has no scores yet; the final ranking is not complete.").format(round=r.name)
                  for r in rounds if r.weight_percent and r.id not in scored]
        notes += [self.tr("“{round}” is not frozen yet.").format(round=r.name) for r in rounds
                  if r.id in scored and not r.frozen]
        self.state.setText(self.tr("Final ranking across rounds"))
        self.final.set_texts(self.tr("Final ranking"), " ".join(notes))
        self.final.set_grid(final_grid(final), self.tr("No proposals."))

    def _show_empty_final(self) -> None:
        self.state.clear()
        self.stack.setCurrentWidget(self.empty)
        self.empty.set_text(self.tr("No round has scores yet"),
                            self.tr("The final ranking combines the rounds' scores once judges are assigned and "
                                    "sheets come in."))

    def _update_actions(self) -> None:
        data = self.data
        report = data.report if data else None
        in_round = report is not None and report.sheets_total > 0
        frozen = bool(report and report.frozen)
        self.freeze_button.setEnabled(in_round and not frozen)
        self.reopen_button.setEnabled(frozen)
        self.verify_button.setEnabled(frozen)
        self.reopen_sheet_button.setEnabled(in_round and not frozen)
        self.paper_button.setEnabled(in_round and not frozen)
        has_data = data is not None and data.competition_id is not None
        for button in (self.board_button, self.print_button, self.export_button):
            button.setEnabled(has_data)

    # --- actions ------------------------------------------------------------------------------------------

    def current_report(self) -> RoundReport | None:
        return self.data.report if self.data is not None else None

    def operator(self) -> str:
        """The name recorded with a decision: from Settings, else asked once and remembered."""
        settings = getattr(self.window(), "settings", None)
        name = settings["operator_name"].strip() if settings is not None else ""
        if name:
            return name
        name, ok = QInputDialog.getText(self, self.tr("Your name"),
                                        self.tr("Your name is recorded with this decision:"))
        name = name.strip() if ok else ""
        if name and settings is not None:
            settings["operator_name"] = name
            settings.save()
        return name

    def _error(self, exc: BaseException) -> None:
        message = exc.render(translate) if isinstance(exc, PspError) else str(exc)
        QMessageBox.critical(self, self.tr("Not done"), message)

    def _after_write(self) -> None:
        """Every page's figures are stale; the window reloads the one on screen, this one if it is alone."""
        self.set_database(self.db)
        self.changed.emit()
        self.ensure_loaded()

    def freeze(self) -> None:
        report = self.current_report()
        if self.db is None or report is None:
            return
        name = self.operator()
        if not name:
            return
        question = self.tr("Freeze the results of “{round}”? {done} of {total} sheets are in.\n\nOnce frozen, "
                           "scores can only be changed by reopening the round formally, with a reason.").format(
            round=report.name, done=report.sheets_in, total=report.sheets_total)
        if QMessageBox.question(self, self.tr("Freeze results"), question) != QMessageBox.StandardButton.Yes:
            return
        try:
            digest = rankings.freeze_round(self.db, report.round_id)
        except PspError as exc:
            self._error(exc)
            return
        QMessageBox.information(self, self.tr("Results frozen"), self.tr(
            "The results of “{round}” are frozen.\n\nSHA-256 of the snapshot:\n{sha}").format(
            round=report.name, sha=digest))
        self._after_write()

    def _ask_reason(self, title: str, question: str) -> str | None:
        reason, ok = QInputDialog.getMultiLineText(self, title, question, "")
        return reason if ok else None

    def reopen_round(self) -> None:
        report = self.current_report()
        if self.db is None or report is None:
            return
        name = self.operator()
        reason = self._ask_reason(self.tr("Reopen round"), self.tr(
            "Why are the results of “{round}” being reopened? The reason is recorded with the snapshot.").format(
            round=report.name)) if name else None
        if reason is None:
            return
        try:
            rankings.reopen_round(self.db, report.round_id, reason)
        except PspError as exc:
            self._error(exc)
            return
        self._after_write()

    def verify(self) -> None:
        report = self.current_report()
        if self.db is None or report is None:
            return
        try:
            intact, digest = rankings.verify_snapshot(self.db, report.round_id)
        except PspError as exc:
            self._error(exc)
            return
        if intact:
            QMessageBox.information(self, self.tr("Snapshot verified"), self.tr(
                "The frozen results of “{round}” are intact: their content still gives SHA-256\n{sha}").format(
                round=report.name, sha=digest))
        else:
            QMessageBox.warning(self, self.tr("Snapshot altered"), self.tr(
                "The stored results of “{round}” no longer match their SHA-256 {sha}: they were changed after "
                "freezing. Do not publish them; report this to the person in charge.").format(
                round=report.name, sha=digest))

    def selected_sheet(self) -> SheetLine | None:
        """The sheet behind the selected judge cell of the ranking."""
        index = self.ranking.view.currentIndex()
        if not index.isValid():
            return None
        source = self.ranking.proxy.mapToSource(index)
        judge_id = self.ranking.model.grid.judge_columns.get(source.column())
        if judge_id is None:
            return None
        return self.lines.get((judge_id, self.ranking.model.row_at(source.row()).key))

    def reopen_sheet(self) -> None:
        if self.db is None:
            return
        line = self.selected_sheet()
        if line is None:
            QMessageBox.information(self, self.tr("Reopen a sheet"),
                                    self.tr("Select a judge's score in the ranking first."))
            return
        if not line.counted:
            QMessageBox.information(self, self.tr("Reopen a sheet"), self.tr(
                "The sheet of {judge} on “{title}” is not in: there is nothing to reopen.").format(
                judge=line.judge, title=line.title))
            return
        name = self.operator()
        reason = self._ask_reason(self.tr("Reopen a sheet"), self.tr(
            "Reopen the sheet of {judge} on “{title}” so that it can be corrected? Give the reason; it is recorded "
            "on the sheet.").format(judge=line.judge, title=line.title)) if name else None
        if reason is None:
            return
        try:
            judging.reopen_sheet(self.db, line.assignment_id, reason)
        except PspError as exc:
            self._error(exc)
            return
        self._after_write()

    def key_paper(self) -> None:
        from ..dialogs.paper_entry_dialog import PaperEntryDialog

        report = self.current_report()
        if self.db is None or report is None:
            return
        settings = getattr(self.window(), "settings", None)
        dialog = PaperEntryDialog(self.db, report.round_id, settings["operator_name"] if settings else "", self)
        dialog.exec()
        if dialog.keyed:
            self._after_write()

    def open_laptops(self) -> None:
        """Event packages out to judge laptops and their signed results files in (ui/dialogs/event_dialog.py)."""
        from ..dialogs.event_dialog import EventDialog

        report = self.current_report()
        if self.db is None or report is None:
            QMessageBox.information(self, self.tr("Judge laptops"), self.tr("Choose a round first."))
            return
        dialog = EventDialog(self.db, report.round_id, report.name, self)
        dialog.exec()
        if dialog.imported:
            self._after_write()

    def open_board(self) -> None:
        data = self.data
        if self.db is None or data is None or data.competition_id is None:
            return
        try:
            from ..results_board import ResultsBoard
        except ImportError:
            QMessageBox.information(self, self.tr("Results board"),
                                    self.tr("The results board is not available in this version yet."))
            return
        if self.board_control is not None:
            self.board_control.close()
        if data.round_key in (None, FINAL):  # the board shows one round or the final ranking, never both
            board = ResultsBoard(self.db, competition_id=data.competition_id)
        else:
            board = ResultsBoard(self.db, round_id=data.round_key)
        self.board_control = BoardControl(board, self)
        self.board_control.show()
        self.board_control.show_board()

    def print_document(self, function: str, needs_round: bool, file_name: str) -> None:
        from ...services import printouts
        from ..pdf_actions import save_pdf

        data, db = self.data, self.db
        make = getattr(printouts, function, None)
        if db is None or data is None or data.competition_id is None:
            return
        if make is None:
            QMessageBox.information(self, self.tr("Print"),
                                    self.tr("This printout is not available in this version yet."))
            return
        round_id = data.round_key if data.round_key not in (None, FINAL) else None
        if needs_round and round_id is None:
            QMessageBox.information(self, self.tr("Print"),
                                    self.tr("Choose a round first: this printout is for one round."))
            return
        competition_id = data.competition_id
        args = (db, competition_id, round_id) if function == "notice_list_pdf" else (db, round_id)
        save_pdf(self, lambda: make(*args), translate("Results", file_name))

    def export(self) -> None:
        """The ranking on screen (a round's, or the final one) as .xlsx or CSV, via services.results_export."""
        try:
            from ...services import results_export
        except ImportError:
            results_export = None  # type: ignore[assignment]
        data, db = self.data, self.db
        if db is None or data is None or data.competition_id is None:
            return
        if not all(hasattr(results_export, name) for name in EXPORT_FUNCTIONS):
            QMessageBox.information(self, self.tr("Export"),
                                    self.tr("Exporting results is not available in this version yet."))
            return
        path = self._ask_export_path()
        if path is None:
            return
        competition_id = data.competition_id
        round_id = data.round_key if data.round_key not in (None, FINAL) else None
        run_task(lambda: write_results(db, competition_id, round_id, path), lambda _path: None, self._error)

    def _ask_export_path(self) -> Path | None:
        from ..pdf_actions import documents_folder

        chosen, kind = QFileDialog.getSaveFileName(self, self.tr("Export the results"), str(
            documents_folder() / self.tr("Results.xlsx")), "Excel (*.xlsx);;CSV (*.csv)")
        if not chosen:
            return None
        suffix = ".csv" if "csv" in kind.lower() else ".xlsx"
        return Path(chosen if chosen.lower().endswith((".csv", ".xlsx")) else chosen + suffix)

    # --- language -----------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        super().retranslate()
        if not hasattr(self, "tabs"):
            return
        self.competition_label.setText(self.tr("Competition"))
        self.round_label.setText(self.tr("Round"))
        for index, text in enumerate((self.tr("Ranking"), self.tr("Diagnostics"), self.tr("Final ranking"))):
            self.tabs.setTabText(index, text)
        self.ranking.set_texts("", "")
        if self.data is not None:
            self._fill_selectors(self.data)
            self._show(self.data)
