"""Judge laptops (评委笔记本): the event package of a round out to the laptops, their signed results files back in,
with what happened to each file (accepted, already imported, rejected and why) and every sheet in conflict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...errors import PspError
from ...services import event_exchange, laptop_keys
from ..forms import ProblemBanner
from ..table import Column, RowTableModel
from ..tasks import run_task
from ..widgets import heading, make_table_view

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

STATUS_TEXT = {
    event_exchange.ACCEPTED: QT_TRANSLATE_NOOP("EventDialog", "Accepted"),
    event_exchange.DUPLICATE: QT_TRANSLATE_NOOP("EventDialog", "Already imported"),
    event_exchange.REJECTED: QT_TRANSLATE_NOOP("EventDialog", "Rejected"),
}

FILE_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "File"), "file"),
    Column(QT_TRANSLATE_NOOP("Columns", "Laptop"), "laptop"),
    Column(QT_TRANSLATE_NOOP("Columns", "No."), "sequence", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Outcome"), "outcome"),
    Column(QT_TRANSLATE_NOOP("Columns", "Sheets added"), "added", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Counted already"), "unchanged", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Conflicts"), "conflicts", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Reason"), "reason"),
)
NOTE_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "File"), "file"),
    Column(QT_TRANSLATE_NOOP("Columns", "Judge"), "judge"),
    Column(QT_TRANSLATE_NOOP("Columns", "Proposal"), "proposal"),
    Column(QT_TRANSLATE_NOOP("Columns", "Outcome"), "kind"),
    Column(QT_TRANSLATE_NOOP("Columns", "What happened"), "text"),
)


@dataclass(frozen=True, slots=True)
class FileLine:
    file: str
    laptop: str
    sequence: int | None
    outcome: str
    added: int | None
    unchanged: int | None
    conflicts: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class NoteLine:
    file: str
    judge: str
    proposal: str
    kind: str
    text: str


def file_lines(report: event_exchange.ImportReport) -> list[FileLine]:
    lines = []
    for f in report.files:
        accepted = f.status == event_exchange.ACCEPTED
        lines.append(FileLine(f.file, f.laptop, f.sequence or None, translate("EventDialog", STATUS_TEXT[f.status]),
                              f.added if accepted else None, f.unchanged if accepted else None,
                              len(f.conflicts) if accepted else None,
                              f.reason.render(translate) if f.reason is not None else ""))
    return lines


def note_lines(report: event_exchange.ImportReport) -> list[NoteLine]:
    conflict, skipped = translate("EventDialog", "Conflict"), translate("EventDialog", "Not counted")
    return [NoteLine(f.file, n.judge, n.proposal, conflict if n.conflict else skipped, n.reason.render(translate))
            for f in report.files for n in f.notes]


def _fit(view: QTableView) -> None:
    """Columns as wide as their contents (capped); the last one, the explanation, takes the rest and wraps."""
    view.setWordWrap(True)
    header = view.horizontalHeader()
    last = header.count() - 1
    header.setSectionResizeMode(last, QHeaderView.ResizeMode.Stretch)
    for column in range(last):
        view.resizeColumnToContents(column)
        view.setColumnWidth(column, min(view.columnWidth(column) + 8, 280))
    view.verticalHeader().setMinimumSectionSize(view.fontMetrics().height() + 12)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


class EventDialog(QDialog):
    """For one round: save its event package (optionally for a named laptop) and import results files."""

    def __init__(self, db: Database, round_id: int, round_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.round_id, self.round_name = db, round_id, round_name
        self.report: event_exchange.ImportReport | None = None
        self.imported = False
        self.setWindowTitle(self.tr("Judge laptops"))
        self.resize(1080, 720)
        self.banner = ProblemBanner(self)
        intro = QLabel(self.tr(
            "Judges can score on laptops without a network. Save the event package of this round for the laptops "
            "(a laptop opens it with “psp-desktop --event FILE”), and bring their signed results files back here by "
            "USB. Each file is checked and taken whole or not at all; a sheet already counted is never overwritten."))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(4, text=self.tr("Judge laptops: {round}").format(round=round_name)))
        layout.addWidget(intro)
        layout.addWidget(self.banner)
        layout.addWidget(self._build_package())
        layout.addWidget(self._build_results(), 1)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self._load_laptops()

    def _build_package(self) -> QGroupBox:
        box = QGroupBox(self.tr("1. Event package for the laptops"))
        self.laptop_name = QLineEdit()
        self.laptop_name.setPlaceholderText(self.tr("optional: the name “psp event key” shows on the laptop"))
        self.laptop_key = QLineEdit()
        self.laptop_key.setPlaceholderText(self.tr("optional: its public key, 64 hexadecimal digits"))
        self.export_button = QPushButton(self.tr("Save the event package…"))
        self.export_button.clicked.connect(self.export_package)
        self.export_state = QLabel()
        self.export_state.setWordWrap(True)
        self.export_state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.registered = QLabel()
        self.registered.setWordWrap(True)
        self.registered.setStyleSheet("color: #555;")
        form = QFormLayout()
        form.addRow(self.tr("Register laptop"), self.laptop_name)
        form.addRow(self.tr("Laptop key"), self.laptop_key)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.export_state, 1)
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addWidget(self.registered)
        layout.addLayout(buttons)
        return box

    def _build_results(self) -> QGroupBox:
        box = QGroupBox(self.tr("2. Results files from the laptops"))
        self.register_new = QCheckBox(self.tr(
            "Register laptops not seen before with the key in their file (only for files you trust)"))
        self.import_button = QPushButton(self.tr("Import results files…"))
        self.import_button.clicked.connect(self.import_files)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.files = RowTableModel(FILE_COLUMNS, self)
        self.files_view = make_table_view(self, sortable=False)
        self.files_view.setModel(self.files)
        self.notes = RowTableModel(NOTE_COLUMNS, self)
        self.notes_view = make_table_view(self, sortable=False)
        self.notes_view.setModel(self.notes)
        self.notes_title = QLabel(self.tr("Sheets not written"))
        for widget in (self.notes_title, self.notes_view):
            widget.hide()
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addWidget(self.register_new, 1)
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.files_view, 2)
        layout.addWidget(self.notes_title)
        layout.addWidget(self.notes_view, 1)
        return box

    # --- laptops ----------------------------------------------------------------------------------------------

    def _load_laptops(self) -> None:
        db = self.db
        run_task(lambda: event_exchange.laptops(db), self._show_laptops, self._failed)

    def _show_laptops(self, laptops: Sequence[event_exchange.LaptopInfo]) -> None:
        if not laptops:
            self.registered.setText(self.tr("No laptop is registered yet."))
            return
        names = "、".join(f"{lap.name}（{lap.fingerprint}）" for lap in laptops)
        self.registered.setText(self.tr("Registered laptops: {names}").format(names=names))

    # --- the package --------------------------------------------------------------------------------------------

    def export_package(self) -> None:
        self.banner.clear()
        try:
            laptop = self._laptop()
        except PspError as exc:
            self.banner.show_error(exc)
            return
        from ..pdf_actions import documents_folder

        suggested = documents_folder() / (self.round_name + event_exchange.PACKAGE_SUFFIX)
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save the event package"), str(suggested),
            self.tr("Event package (*.pspevent)"))
        if not chosen:
            return
        suffix = event_exchange.PACKAGE_SUFFIX
        path = Path(chosen if chosen.endswith(suffix) else chosen + suffix)
        db, round_id = self.db, self.round_id
        self.export_button.setEnabled(False)
        self.export_state.setText(self.tr("Saving…"))
        run_task(lambda: event_exchange.export_package(db, round_id, path, laptop=laptop), self._exported,
                 self._failed)

    def _laptop(self) -> tuple[str, bytes] | None:
        name, key = self.laptop_name.text().strip(), self.laptop_key.text().strip()
        if not name and not key:
            return None
        if not name or not key:
            raise PspError(QT_TRANSLATE_NOOP("Errors", "Give both the laptop's name and its public key."))
        return name, laptop_keys.parse_public_key(key)

    def _exported(self, summary: event_exchange.PackageSummary) -> None:
        self.export_button.setEnabled(True)
        text = self.tr("Saved {path}: {judges} judges, {assignments} sheets to score, {excluded} left out for "
                       "conflicts of interest.").format(path=summary.path, judges=summary.judges,
                                                        assignments=summary.assignments, excluded=summary.excluded)
        if summary.without_pin:
            text += " " + self.tr("No PIN yet (cannot sign in on a laptop): {names}.").format(
                names="、".join(summary.without_pin))
        self.export_state.setText(text)
        self._load_laptops()

    # --- results ------------------------------------------------------------------------------------------------

    def import_files(self) -> None:
        from ..pdf_actions import documents_folder

        chosen, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Import results files"), str(documents_folder()),
            self.tr("Results files (*.pspresults);;All files (*)"))
        if chosen:
            self.run_import([Path(p) for p in chosen])

    def run_import(self, paths: Sequence[Path]) -> None:
        self.banner.clear()
        db, register = self.db, self.register_new.isChecked()
        self.import_button.setEnabled(False)
        self.summary.setText(self.tr("Checking {count} files…").format(count=len(paths)))
        run_task(lambda: event_exchange.import_results(db, paths, register_laptops=register), self.show_report,
                 self._failed)

    def show_report(self, report: event_exchange.ImportReport) -> None:
        self.import_button.setEnabled(True)
        self.report = report
        self.imported = self.imported or report.count(event_exchange.ACCEPTED) > 0
        self.summary.setText(self.tr(
            "{accepted} accepted, {duplicates} imported before, {rejected} rejected; {added} sheets added, "
            "{conflicts} conflicts.").format(
            accepted=report.count(event_exchange.ACCEPTED), duplicates=report.count(event_exchange.DUPLICATE),
            rejected=report.count(event_exchange.REJECTED), added=report.added, conflicts=len(report.conflicts)))
        self.files.set_rows(file_lines(report))
        notes = note_lines(report)
        self.notes.set_rows(notes)
        for widget in (self.notes_title, self.notes_view):
            widget.setVisible(bool(notes))
        for view in (self.files_view, self.notes_view):
            _fit(view)
        self._load_laptops()

    def _failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.export_state.setText("")
        if isinstance(exc, PspError):
            self.banner.show_error(exc)
        else:
            self.banner.setText(str(exc))
            self.banner.show()
