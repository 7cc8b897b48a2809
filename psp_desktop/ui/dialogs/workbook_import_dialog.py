"""Importing an Excel/WPS workbook: read and checked in the background, every problem shown with its sheet,
row and column; nothing is written unless every row is right. A failed import can be saved as an error
workbook (the rows with a 错误说明 column) to send back to whoever filled it in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import PspError
from ...services import workbooks
from ..forms import ProblemBanner
from ..table import Column, RowTableModel
from ..tasks import run_task
from ..widgets import heading, make_table_view

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Sheet"), "sheet"),
    Column(QT_TRANSLATE_NOOP("Columns", "Row"), "row", "int"),
    Column(QT_TRANSLATE_NOOP("Columns", "Record"), "label"),
    Column(QT_TRANSLATE_NOOP("Columns", "Column"), "column"),
    Column(QT_TRANSLATE_NOOP("Columns", "Problem"), "problem"),
)


@dataclass(frozen=True, slots=True)
class Line:
    """One problem: where it is (sheet, Excel row, column) and what it is."""

    sheet: str
    row: int | None
    label: str
    column: str
    problem: str


class WorkbookImportDialog(QDialog):
    """kind: organizations or proposals (then competition_id, and whether to submit and number them)."""

    def __init__(self, db: Database, path: Path, kind: workbooks.TemplateKind, competition_id: int | None = None,
                 submit: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.preview: workbooks.ImportPreview | None = None
        self.result_: workbooks.ImportResult | None = None
        self.resize(980, 640)
        self.setWindowTitle(self.tr("Import a workbook: {name}").format(name=path.name))
        self.banner = ProblemBanner(self)
        self.summary = QLabel(self.tr("Reading and checking every row…"))
        self.summary.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.model = RowTableModel(COLUMNS, self)
        self.view = make_table_view(self)
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.commit)
        self.errors_button = QPushButton(self.tr("Save the error workbook…"))
        self.errors_button.setVisible(False)
        self.errors_button.clicked.connect(self.save_errors)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.errors_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(heading(2, text=path.name))
        layout.addWidget(self.summary)
        layout.addWidget(self.busy)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        run_task(lambda: self._read(path, kind, competition_id, submit), self._show, self._failed)

    def _read(self, path: Path, kind: workbooks.TemplateKind, competition_id: int | None,
              submit: bool) -> workbooks.ImportPreview:
        if kind == workbooks.TemplateKind.PROPOSALS:
            assert competition_id is not None
            return workbooks.preview_proposals(self.db, path, competition_id, submit=submit)
        if kind == workbooks.TemplateKind.NEEDS:
            from ...services.needs_workbook import preview_needs

            return preview_needs(self.db, path)
        return workbooks.preview_organizations(self.db, path)

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        if isinstance(exc, PspError):
            self.banner.show_error(exc)
        else:
            self.banner.setText(str(exc))
            self.banner.show()

    def _show(self, preview: workbooks.ImportPreview) -> None:
        self.busy.hide()
        self.preview = preview
        lines = [Line(p.sheet, None, "", "", p.render(translate)) for p in preview.file_problems]
        lines += [Line(r.sheet, r.row, r.label, p.column, p.detail(translate))
                  for r in preview.rows for p in r.problems]
        self.model.set_rows(lines)
        self.view.resizeColumnsToContents()
        self.view.setColumnWidth(2, min(self.view.columnWidth(2), 240))
        self.view.setColumnWidth(4, 420)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.resizeRowsToContents()
        self.view.setVisible(bool(lines))
        counts = {"organizations": len(preview.organizations), "proposals": len(preview.proposals),
                  "lines": len(preview.budget_rows)}
        if preview.ok and preview.kind == workbooks.TemplateKind.NEEDS:
            self.summary.setText(self.tr("Every row is right: {count} community needs will be imported.").format(
                count=len(preview.needs)))
        elif preview.ok:
            self.summary.setText(self.tr("Every row is right: {organizations} organizations, {proposals} "
                                         "applications and {lines} budget lines will be imported.").format(**counts))
        else:
            self.summary.setText(self.tr("Nothing can be imported until these {count} problems are corrected in "
                                         "the workbook.").format(count=len(preview.problems)))
        self.import_button.setEnabled(preview.ok)
        self.errors_button.setVisible(not preview.ok and not preview.file_problems)

    def commit(self) -> None:
        if self.preview is None:
            return
        self.import_button.setEnabled(False)
        self.busy.show()
        run_task(lambda: workbooks.commit(self.db, self.preview), self._committed, self._failed)

    def _committed(self, result: workbooks.ImportResult) -> None:
        self.busy.hide()
        self.result_ = result
        if self.preview is not None and self.preview.kind == workbooks.TemplateKind.NEEDS:
            QMessageBox.information(self, self.tr("Imported"), self.tr("Imported {count} community needs.").format(
                count=result.needs))
            self.accept()
            return
        QMessageBox.information(self, self.tr("Imported"), self.tr(
            "Imported {organizations} organizations, {proposals} applications and {lines} budget lines.").format(
            organizations=result.organizations, proposals=result.proposals, lines=result.budget_lines))
        self.accept()

    def save_errors(self) -> None:
        if self.preview is None:
            return
        suggested = self.preview.path.with_name(self.preview.path.stem + translate("Pages", " (errors).xlsx"))
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the error workbook"), str(suggested),
                                                    "Excel (*.xlsx)")
        if not path:
            return
        try:
            workbooks.write_error_workbook(self.preview, Path(path), translate)
        except PspError as exc:
            self.banner.show_error(exc)
