"""The Documents page (文书证书): the register of issued documents, and the work on it — making a competition's
certificates and letters, verifying a document someone shows the office, voiding one with a reason, previewing and
printing a PDF, and the office's certificate design (seal, background, field positions).

The register holds each PDF's SHA-256; the office's copy of the file is in the file store of the PC that issued it.
The preview opens that copy, or a file made or checked in this session (remembered by serial), or one people choose.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import DocumentType
from ...errors import PspError
from ...services.access import Permission
from ..forms import ProblemBanner
from ..labels import label
from ..mode_filter import MODE_COLUMN, ModeFilter, mixed
from ..pdf_actions import documents_folder
from ..table import Column
from ..tasks import run_task
from ..widgets import heading
from .base import Page, Section, TableSection

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

ALL = ""  # the type filter's "All documents"


@dataclass(frozen=True)
class HashColumn(Column):
    """The first 12 hex digits of the PDF's SHA-256: enough to compare with a file by eye."""

    def text(self, row: Any) -> str:
        return (self.raw(row) or "")[:12]


@dataclass(frozen=True)
class VoidedColumn(Column):
    """Voided or valid in words (colour alone is not enough: printed lists, colour blindness)."""

    def text(self, row: Any) -> str:
        if not self.raw(row):
            return translate("Documents", "Valid")
        reason = getattr(row, "void_reason", "")
        return translate("Documents", "Voided: {reason}").format(reason=reason) if reason else \
            translate("Documents", "Voided")


COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Document"), "doc_type"),
    Column(QT_TRANSLATE_NOOP("Columns", "Serial"), "serial"),
    Column(QT_TRANSLATE_NOOP("Columns", "Issued to"), "subject"),
    Column(QT_TRANSLATE_NOOP("Columns", "Project"), "title"),
    Column(QT_TRANSLATE_NOOP("Columns", "Issued on"), "issued_on"),
    VoidedColumn(QT_TRANSLATE_NOOP("Columns", "Status"), "voided"),
    HashColumn(QT_TRANSLATE_NOOP("Columns", "SHA-256"), "sha256"),
    Column(QT_TRANSLATE_NOOP("Columns", "Competition"), "competition"),
    MODE_COLUMN,
)
REGISTER = Section("", COLUMNS, lambda _db: [],
                   QT_TRANSLATE_NOOP("Pages", "No documents issued yet"),
                   QT_TRANSLATE_NOOP("Pages", "Certificates and letters are entered here with a serial number when "
                                              "they are made (“Make certificates…”), so that any copy can be "
                                              "verified later, with or without its PDF file."), stretch="subject")
MODE_INDEX = COLUMNS.index(MODE_COLUMN)
FILTER_TYPES = (DocumentType.AWARD_CERTIFICATE, DocumentType.APPOINTMENT_LETTER,
                DocumentType.PARTICIPATION_CERTIFICATE)


class VoidDialog(QDialog):
    """Voiding one document: the reason is required and goes into the register and the change log."""

    def __init__(self, db: Database, entry: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ..dialogs.award_dialogs import reason_box

        self.db = db
        self.entry = entry
        self.setWindowTitle(translate("Documents", "Void a document"))
        title = heading(2, text=f"{entry.serial}  {entry.subject}")
        title.setWordWrap(True)
        facts = QLabel(translate("Documents", "{document} · issued on {date}").format(
            document=label(entry.doc_type), date=str(entry.issued_on)))
        facts.setStyleSheet("color: #555;")
        note = QLabel(translate("Documents", "A voided document stays in the register; verifying it afterwards "
                                             "says “Voided” with your reason. This cannot be undone."))
        note.setWordWrap(True)
        self.banner = ProblemBanner(self)
        self.reason = reason_box(translate("Documents", "Why the document is voided (required)"))
        self.ok_button = QPushButton(translate("Documents", "Void the document"))
        self.ok_button.clicked.connect(self.save)
        close = QPushButton(translate("Documents", "Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        for widget in (title, facts, self.banner, note, QLabel(translate("Documents", "Reason")), self.reason):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def save(self) -> None:
        from ...services import issuing

        try:
            issuing.void(self.db, self.entry.serial, self.reason.toPlainText())
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.accept()


class DocumentsPage(Page):
    name = "Documents"
    title_source = QT_TRANSLATE_NOOP("Pages", "Issued documents")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.known_files: dict[str, Path] = {}  # serial → a PDF made or checked in this session
        self.dialogs: list[QDialog] = []  # modeless preview windows stay alive while open
        self._generation = 0
        self.rows: list[Any] = []  # the register as loaded (of the chosen type); the mode filter shows some
        self._build_actions()
        self._build_filter()
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #e8f5e9; color: #1b5e20; border: 1px solid #a5d6a7; padding: 6px;")
        self.notice.hide()
        self.banner = ProblemBanner(self)
        self.register = TableSection(REGISTER, self)
        bar = self.register.stack.widget(0).layout().itemAt(0).layout()  # the filters beside the search: the
        for widget in (self.type_filter, self.mode_filter):                # toolbar's buttons take its width
            bar.insertWidget(bar.indexOf(self.register.count), widget)
        self.register.view.doubleClicked.connect(lambda _index: self.preview_selected())
        self.register.view.selectionModel().currentChanged.connect(lambda _c, _p: self._update_actions())
        for widget in (self.notice, self.banner):
            self.layout_.addWidget(widget)
        self.layout_.addWidget(self.register, 1)
        self.retranslate()
        self._update_actions()

    def _build_actions(self) -> None:
        self.make_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Make certificates…"), self.make_certificates,
                                           permission=Permission.DOCUMENTS_ISSUE)
        self.verify_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Verify…"), self.verify,
                                             permission=Permission.RESULTS_READ)
        self.preview_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Preview PDF…"), self.preview_file)
        self.void_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Void…"), self.void_selected, needs_row=True,
                                           permission=Permission.DOCUMENTS_ISSUE)
        self.design_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Certificate design…"), self.design,
                                             permission=Permission.SETTINGS_EDIT)
        self.finish_toolbar()

    def _build_filter(self) -> None:
        self.type_filter = QComboBox()
        self.type_filter.addItem("", ALL)
        for doc_type in FILTER_TYPES:
            self.type_filter.addItem("", doc_type.value)
        self.type_filter.activated.connect(lambda _i: self.reload())
        self.mode_filter = ModeFilter(self)
        self.mode_filter.chosen.connect(self._show_rows)

    # --- loading ------------------------------------------------------------------------------------------

    def reload(self) -> None:
        db = self.db
        if db is None:
            return
        from ...services import issuing

        self._generation += 1
        generation, wanted = self._generation, self.type_filter.currentData() or None
        doc_type = DocumentType(wanted) if wanted else None
        run_task(lambda: issuing.entries(db, doc_type=doc_type), lambda rows: self._arrived(generation, rows),
                 self._failed)

    def _arrived(self, generation: int, rows: Any) -> None:
        if generation == self._generation:
            self.show_data(rows)

    def fill(self, rows: Any) -> None:
        self.rows = list(rows)
        self._show_rows()

    def _show_rows(self) -> None:
        serial = getattr(self.selected(), "serial", None)
        rows = [r for r in self.rows if self.mode_filter.keeps(r)]
        self.register.set_rows(rows)
        if self.rows:  # the filter left none: an empty list, not "no documents issued yet"
            self.register.stack.setCurrentIndex(0)
        self.register.view.setColumnHidden(MODE_INDEX, not mixed(rows))
        self.register.fitter.fit()
        if serial is not None:
            self.select(serial)
        self._update_actions()

    def selected(self) -> Any:
        return self.register.selected_row() if hasattr(self, "register") else None

    def select(self, serial: str) -> bool:
        model, proxy = self.register.model, self.register.proxy
        for row in range(model.rowCount()):
            if model.row_at(row).serial == serial:
                index = proxy.mapFromSource(model.index(row, 0))
                if index.isValid():
                    self.register.view.setCurrentIndex(index)
                    return True
        return False

    def _update_actions(self) -> None:
        entry = self.selected()
        self.void_button.setEnabled(entry is not None and not entry.voided)

    def _after_write(self) -> None:
        self.set_database(self.db)
        self.changed.emit()
        self.ensure_loaded()

    def say(self, text: str) -> None:
        self.banner.clear()
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # --- actions ------------------------------------------------------------------------------------------

    def make_certificates(self) -> None:
        from ..dialogs.batch_dialog import BatchDialog

        if self.db is None:
            return
        dialog = BatchDialog(self.db, self)
        dialog.issued.connect(self._batch_issued)
        dialog.exec()

    def _batch_issued(self, result: Any) -> None:
        files, serials = list(result.files), list(result.serials)
        if not result.combined:  # one file each: each serial has its own PDF
            self.known_files.update(zip(serials, files, strict=True))
        elif len(files) == 1:
            self.known_files.update(dict.fromkeys(serials, files[0]))
        self.say(translate("Documents", "{count} documents issued.").format(count=len(serials)))
        self._after_write()

    def verify(self) -> None:
        from ..dialogs.verify_dialog import VerifyDialog

        if self.db is None:
            return
        dialog = VerifyDialog(self.db, self)
        dialog.verified.connect(self._verified)
        dialog.exec()

    def _verified(self, verdict: Any, pdf: str) -> None:
        """A PDF that checked out genuine (or voided) is the file for its serial: double-click previews it."""
        if pdf and verdict.serial and verdict.status in ("genuine", "voided"):
            self.known_files[verdict.serial] = Path(pdf)

    def void_selected(self) -> None:
        entry, db = self.selected(), self.db
        if db is None or entry is None:
            return
        if VoidDialog(db, entry, self).exec():
            self.say(translate("Documents", "{serial} is voided.").format(serial=entry.serial))
            self._after_write()

    def preview_selected(self) -> None:
        """The PDF of the selected document, when this session knows its file; otherwise people choose it."""
        entry = self.selected()
        if entry is None:
            return
        path = self.known_files.get(entry.serial)
        if (path is None or not path.is_file()) and self.db is not None:
            from ...services import issuing

            path = issuing.archived_copy(self.db, entry.sha256)
        if path is not None and path.is_file():
            self.open_preview(path)
            return
        answer = QMessageBox.question(
            self, translate("Documents", "Preview"),
            translate("Documents", "This PC keeps no copy of the PDF of {serial}; the register holds only its "
                                   "fingerprint. Choose the file to preview it?").format(serial=entry.serial))
        if answer == QMessageBox.StandardButton.Yes:
            self.preview_file()

    def preview_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, translate("Documents", "Choose a PDF"),
                                                    str(documents_folder()), "PDF (*.pdf)")
        if path:
            self.open_preview(Path(path))

    def open_preview(self, path: Path) -> Any:
        from ..dialogs.pdf_preview import preview_pdf

        dialog = preview_pdf(self, path)
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
        return dialog

    def design(self) -> None:
        from ..dialogs.certificate_designer import CertificateDesigner

        if self.db is not None:
            CertificateDesigner(self.db, self).exec()

    # --- language -----------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        super().retranslate()
        if not hasattr(self, "register"):
            return
        self.type_filter.setItemText(0, translate("Documents", "All documents"))
        for index, doc_type in enumerate(FILTER_TYPES, 1):
            self.type_filter.setItemText(index, label(doc_type))
        self.register.retranslate()
        self.register.search.setPlaceholderText(translate("Documents", "Search serial, name…"))
        self.register.fitter.fit()
