"""A PDF shown inside the app (every page, fitted to the width), printed through the system's print dialog, or saved
elsewhere. Printing renders each page with QtPdf at the printer's resolution in the background: a batch of forty
certificates takes a while and the window stays responsive."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import os_reason_text
from ..forms import ProblemBanner
from ..pdf_actions import documents_folder
from ..tasks import run_reporting

translate = QCoreApplication.translate

MAX_PRINT_DPI = 600  # an A4 page at 600 dpi is a 140 MB image; a 1200 dpi printer gets no sharper certificate


class PrintCancelled(Exception):
    pass


def render_page(pdf: Path | bytes, page: int, width_px: int) -> QImage:
    """One page of a PDF file (or of PDF bytes) as an image width_px wide; a null image when it cannot be read.
    Uses its own QPdfDocument, so it may run in a worker thread."""
    document = QPdfDocument(None)
    buffer = QBuffer()
    try:
        if isinstance(pdf, bytes):
            buffer.setData(QByteArray(pdf))
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)  # not sequential: QPdfDocument loads it at once
            document.load(buffer)
        else:
            document.load(str(pdf))
        if document.status() != QPdfDocument.Status.Ready or not 0 <= page < document.pageCount():
            return QImage()
        points = document.pagePointSize(page)
        height = round(width_px * points.height() / points.width()) if points.width() else width_px
        return document.render(page, QSize(width_px, height))
    finally:
        document.close()


def print_pdf(pdf: Path, printer: QPrinter, report: Callable[..., None] = lambda *_a: None,
              cancelled: Callable[[], bool] = lambda: False) -> int:
    """Draws every page of pdf on printer, each fitted to the printable area at the printer's resolution.
    Returns the number of pages printed; raises PrintCancelled (the job is aborted) when cancelled."""
    document = QPdfDocument(None)
    painter = QPainter()
    try:
        if document.load(str(pdf)) != QPdfDocument.Error.None_:
            raise OSError(str(pdf))
        count = document.pageCount()
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        scale = printer.resolution() / dpi  # image pixels → printer device pixels
        if not painter.begin(printer):
            raise OSError(printer.outputFileName() or printer.printerName())
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        for page in range(count):
            if cancelled():
                printer.abort()
                raise PrintCancelled
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            image = document.render(page, QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi)))
            painter.drawImage(_fitted(image.size() * scale, area.size()), image)
            report(page + 1, count)
        return count
    finally:
        if painter.isActive():
            painter.end()
        document.close()


def _fitted(size: QSize, area: QSize) -> QRectF:
    """size scaled down (never up) to fit area, centred; in the painter's coordinates (the printable area)."""
    ratio = min(1.0, area.width() / size.width(), area.height() / size.height()) if size.width() else 1.0
    width, height = size.width() * ratio, size.height() * ratio
    return QRectF((area.width() - width) / 2, (area.height() - height) / 2, width, height)


class PdfPreviewDialog(QDialog):
    """The pages of one PDF file, with Print… and Save as…."""

    def __init__(self, pdf: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf = Path(pdf)
        self.job: Any = None
        self.close_when_printed = False
        self.setWindowTitle(translate("Documents", "Preview: {name}").format(name=self.pdf.name))
        self.document = QPdfDocument(self)
        self.document.load(str(self.pdf))
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.banner = ProblemBanner(self)
        self.pages = QLabel()
        self.pages.setStyleSheet("color: #555;")
        self.status = QLabel()
        self.print_button = QPushButton(translate("Documents", "Print…"))
        self.print_button.clicked.connect(self.print_)
        self.save_button = QPushButton(translate("Documents", "Save as…"))
        self.save_button.clicked.connect(self.save_as)
        self.fit_button = QPushButton(translate("Documents", "Whole page"))
        self.fit_button.setCheckable(True)
        self.fit_button.toggled.connect(self._fit)
        close = QPushButton(translate("Documents", "Close"))
        close.clicked.connect(self.reject)
        for button in (self.print_button, self.save_button, self.fit_button, close):
            button.setAutoDefault(False)
        bar = QHBoxLayout()
        bar.addWidget(self.pages)
        bar.addSpacing(12)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.fit_button)
        bar.addWidget(self.save_button)
        bar.addWidget(self.print_button)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self.resize(820, 900)
        self._show_state()

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def _show_state(self) -> None:
        if self.document.status() != QPdfDocument.Status.Ready:
            self.banner.setText(translate("Documents", "{name} could not be opened as a PDF.").format(
                name=self.pdf.name))
            self.banner.show()
            self.print_button.setEnabled(False)
            return
        self.view.pageNavigator().currentPageChanged.connect(lambda _page: self._show_page())
        self._show_page()

    def _show_page(self) -> None:
        self.pages.setText(translate("Documents", "Page {page} / {count}").format(
            page=self.view.pageNavigator().currentPage() + 1, count=self.page_count))

    def _fit(self, whole_page: bool) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView if whole_page else QPdfView.ZoomMode.FitToWidth)

    def print_(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.pdf.stem)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.start_printing(printer)

    def start_printing(self, printer: QPrinter) -> None:
        """Prints in the background with "page 3 / 40" below the pages; Print… becomes Stop printing."""
        self.printer = printer  # the worker uses it until it is done
        self.print_button.setText(translate("Documents", "Stop printing"))
        self.print_button.clicked.disconnect()
        self.print_button.clicked.connect(self._stop_printing)
        self.status.setText(translate("Documents", "Sending to the printer…"))
        pdf = self.pdf
        self.job = run_reporting(lambda report, cancelled: print_pdf(pdf, printer, report, cancelled),
                                 self._printing, self._printed, self._print_failed)

    def _printing(self, done: int, total: int, _text: str) -> None:
        self.status.setText(translate("Documents", "Printing page {done} / {total}").format(done=done, total=total))

    def _stop_printing(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _printed(self, count: int) -> None:
        self._print_finished(translate("Documents", "{count} page(s) sent to the printer.").format(count=count))

    def _print_failed(self, exc: BaseException) -> None:
        if isinstance(exc, PrintCancelled):
            self._print_finished(translate("Documents", "Printing stopped."))
            return
        self._print_finished("")
        self.banner.setText(translate("Documents", "The printer did not accept the document: {problem}").format(
            problem=str(exc)))
        self.banner.show()

    def _print_finished(self, text: str) -> None:
        self.job = None
        if self.close_when_printed:
            self.reject()
            return
        self.status.setText(text)
        self.print_button.setText(translate("Documents", "Print…"))
        self.print_button.clicked.disconnect()
        self.print_button.clicked.connect(self.print_)

    def save_as(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, translate("Documents", "Save the PDF"), str(documents_folder() / self.pdf.name), "PDF (*.pdf)")
        if not path:
            return
        target = Path(path if path.lower().endswith(".pdf") else path + ".pdf")
        try:
            if target.resolve() != self.pdf.resolve():
                shutil.copyfile(self.pdf, target)
        except OSError as exc:
            self.banner.setText(translate("Documents", "The PDF was not saved: {problem}").format(
                problem=os_reason_text(exc, translate)))
            self.banner.show()
            return
        self.status.setText(translate("Documents", "Saved as {path}.").format(path=str(target)))

    def reject(self) -> None:
        if self.job is not None:  # the worker still draws on the printer: stop it, then close
            self.close_when_printed = True
            self.job.cancel()
            return
        super().reject()


def preview_pdf(parent: QWidget, pdf: Path) -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(pdf, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
