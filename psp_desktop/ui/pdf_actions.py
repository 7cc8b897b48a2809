"""Saving a generated PDF where the user chooses and opening it in the system's viewer for printing.
The PDF is made off the GUI thread: a long screening list takes seconds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..errors import PspError
from .tasks import run_task

translate = QCoreApplication.translate


def documents_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())


def save_pdf(parent: QWidget, make: Callable[[], bytes], suggested_name: str,
             done: Callable[[Path], None] | None = None) -> None:
    """Asks where to save, makes and writes the PDF in the background, then opens it."""
    from ..documents import write_pdf  # reportlab loads when a document is first made
    path, _filter = QFileDialog.getSaveFileName(
        parent, translate("Pdf", "Save the PDF"), str(documents_folder() / suggested_name), "PDF (*.pdf)")
    if not path:
        return
    target = Path(path if path.lower().endswith(".pdf") else path + ".pdf")

    def finished(saved: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(saved)))
        if done is not None:
            done(saved)

    def failed(exc: BaseException) -> None:
        message = exc.render(translate) if isinstance(exc, PspError) else str(exc)
        QMessageBox.critical(parent, translate("Pdf", "The PDF was not saved"), message)

    run_task(lambda: write_pdf(make(), target), finished, failed)
