"""Importing a filled-in Word 申报书: every field's reading is shown (read, blank, or not understood and why)
before staff confirm; confirming saves a draft application."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...errors import PspError
from ...services import application_forms
from ..forms import ProblemBanner
from ..table import Column, RowTableModel
from ..widgets import heading, make_table_view

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

STATUS = {"read": QT_TRANSLATE_NOOP("Import", "Read"), "missing": QT_TRANSLATE_NOOP("Import", "Blank"),
          "invalid": QT_TRANSLATE_NOOP("Import", "Not understood")}
COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Result"), "status"),
    Column(QT_TRANSLATE_NOOP("Columns", "Field"), "label"),
    Column(QT_TRANSLATE_NOOP("Columns", "Value read"), "value"),
    Column(QT_TRANSLATE_NOOP("Columns", "Note"), "note"),
)


@dataclass(frozen=True, slots=True)
class ReadingLine:
    status: str
    label: str
    value: str
    note: str


class ApplicationImportDialog(QDialog):
    def __init__(self, db: Database, competition_id: int, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.proposal_id: int | None = None
        self.resize(980, 700)
        self.setWindowTitle(self.tr("Import an application form: {name}").format(name=path.name))
        self.banner = ProblemBanner(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = RowTableModel(COLUMNS, self)
        self.view = make_table_view(self)
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.confirm = QPushButton(self.tr("Save as a draft application"))
        self.confirm.setDefault(True)
        self.confirm.clicked.connect(self.commit)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.confirm)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(heading(2, text=path.name))
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.reading: application_forms.ApplicationReading | None = None
        try:
            self.reading = application_forms.read_application(db, competition_id, path)
        except PspError as exc:
            self.banner.show_error(exc)
            self.confirm.setEnabled(False)
            return
        self._show(self.reading)

    def _show(self, reading: application_forms.ApplicationReading) -> None:
        lines = [ReadingLine(translate("Import", STATUS[r.status]), r.label, r.value, r.explain(translate))
                 for r in reading.readings]
        self.model.set_rows(lines)
        self.view.resizeColumnsToContents()
        self.view.setColumnWidth(2, min(self.view.columnWidth(2), 380))
        self.view.horizontalHeader().setStretchLastSection(True)
        counts = {status: sum(1 for r in reading.readings if r.status == status) for status in STATUS}
        text = self.tr("{read} fields read, {missing} blank, {invalid} not understood.").format(**counts)
        if reading.existing_organization:
            text += " " + self.tr("The applicant is registered already as {name}; that record is used.").format(
                name=reading.existing_organization[1])
        problems = reading.problems
        if problems:
            text += " " + self.tr("Correct the form and import it again: {count} answers block saving.").format(
                count=len(problems))
        self.summary.setText(text)
        self.confirm.setEnabled(not problems)

    def commit(self) -> None:
        if self.reading is None:
            return
        try:
            _organization_id, self.proposal_id = application_forms.commit_application(self.db, self.reading)
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.accept()
