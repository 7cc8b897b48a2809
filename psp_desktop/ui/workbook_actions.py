"""The Excel/WPS buttons of the list pages: blank import templates, imports with a preview, and exports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..errors import PspError
from .pdf_actions import documents_folder
from .tasks import run_task

if TYPE_CHECKING:
    from ..db import Database

translate = QCoreApplication.translate
XLSX = "Excel (*.xlsx)"


def _ask_save(parent: QWidget, title: str, name: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(parent, title, str(documents_folder() / name), XLSX)
    if not path:
        return None
    return Path(path if path.lower().endswith(".xlsx") else path + ".xlsx")


def _report(parent: QWidget, exc: BaseException) -> None:
    message = exc.render(translate) if isinstance(exc, PspError) else str(exc)
    QMessageBox.critical(parent, translate("Pages", "Not saved"), message)


def save_template(parent: QWidget, kind: str) -> None:
    from ..services import workbooks

    path = _ask_save(parent, translate("Pages", "Save the import template"),
                     translate("Pages", "Import template.xlsx"))
    if path is not None:
        try:
            workbooks.write_template(kind, path)
        except PspError as exc:
            _report(parent, exc)


def export(parent: QWidget, db: Database, kind: str, name: str) -> None:
    """Writes the list to a workbook in the background."""
    from ..services import workbook_export

    path = _ask_save(parent, translate("Pages", "Export to Excel"), name)
    if path is not None:
        run_task(lambda: workbook_export.export_list(db, kind, path), lambda _count: None,
                 lambda exc: _report(parent, exc))


def import_workbook(parent: QWidget, db: Database, kind: str, competition_id: int | None = None,
                    submit: bool = False) -> bool:
    """Asks for the file, shows the preview; True when something was imported."""
    from ..services import workbooks
    from .dialogs.workbook_import_dialog import WorkbookImportDialog

    chosen, _filter = QFileDialog.getOpenFileName(parent, translate("Pages", "Import a workbook"), "",
                                                  "Excel / WPS (*.xlsx)")
    if not chosen:
        return False
    dialog = WorkbookImportDialog(db, Path(chosen), workbooks.TemplateKind(kind), competition_id, submit, parent)
    return bool(dialog.exec())
