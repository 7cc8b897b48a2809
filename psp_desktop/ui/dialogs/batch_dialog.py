"""Making a competition's certificates or letters in one go: each one is issued with a serial in the register and
written as a PDF, one combined file or one file each. The work runs in the background with "12 / 40" and Cancel;
a cancelled or failed batch issues nothing and leaves no file behind (certificates.make_batch guarantees it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...enums import DocumentType
from ...errors import PspError, os_reason_text
from ..forms import ProblemBanner
from ..pdf_actions import documents_folder
from ..tasks import run_reporting, run_task

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

KINDS = (  # (document type, what a batch of them is called)
    (DocumentType.AWARD_CERTIFICATE, QT_TRANSLATE_NOOP("Documents", "Award certificates (funded projects)")),
    (DocumentType.APPOINTMENT_LETTER, QT_TRANSLATE_NOOP("Documents", "Appointment letters (judges)")),
    (DocumentType.PARTICIPATION_CERTIFICATE,
     QT_TRANSLATE_NOOP("Documents", "Participation certificates (eligible projects not funded)")),
)


class BatchDialog(QDialog):
    """Competition, kind, one file or many, folder → Make; then open the folder or preview the combined PDF."""

    issued = Signal(object)  # the BatchResult, after a batch was committed

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.job: Any = None
        self.result_: Any = None
        self.made = False  # a batch for these choices went through: Make again would issue duplicates
        self._count_generation = 0
        self.subject_count: int | None = None
        self.found: list[Any] = []  # the subjects of the chosen competition and kind (certificates.Subject)
        self.setWindowTitle(translate("Documents", "Make certificates"))
        self.banner = ProblemBanner(self)
        self._build_form()
        self._build_progress()
        self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addLayout(self.after_row)
        layout.addLayout(self.button_row)
        self.setMinimumWidth(660)
        self._load_competitions()

    # --- building ------------------------------------------------------------------------------------------

    def _build_form(self) -> None:
        self.competition = QComboBox()
        self.competition.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)  # long names
        self.competition.currentIndexChanged.connect(lambda _i: self._count())
        self.kind = QComboBox()
        self.kind.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for doc_type, source in KINDS:
            self.kind.addItem(translate("Documents", source), doc_type)
        self.kind.currentIndexChanged.connect(lambda _i: self._count())
        self.reissue = QCheckBox(translate("Documents", "Also issue again to those who already hold one (their old "
                                                        "ones are voided)"))
        self.reissue.hide()
        self.reissue.toggled.connect(lambda _on: self._show_count())
        self.issued_on = QDateEdit(QDate.currentDate())
        self.issued_on.setCalendarPopup(True)
        self.issued_on.setDisplayFormat("yyyy-MM-dd")
        self.subjects = QLabel()
        self.subjects.setStyleSheet("color: #555;")
        self.subjects.setWordWrap(True)
        self.subjects.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)  # the full width
        self.combined = QRadioButton(translate("Documents", "One combined PDF (for printing)"))
        self.separate = QRadioButton(translate("Documents", "One PDF file for each"))
        self.combined.setChecked(True)
        self.layout_group = QButtonGroup(self)
        self.layout_group.addButton(self.combined)
        self.layout_group.addButton(self.separate)
        files = QVBoxLayout()
        files.addWidget(self.combined)
        files.addWidget(self.separate)
        self.folder = QLineEdit(str(documents_folder()))
        self.folder.textChanged.connect(lambda _t: self._update_buttons())
        self.browse = QPushButton(translate("Documents", "Choose…"))
        self.browse.setAutoDefault(False)
        self.browse.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.addRow(translate("Documents", "Competition"), self.competition)
        self.form.addRow(translate("Documents", "Documents"), self.kind)
        self.form.addRow("", self.subjects)
        self.form.addRow("", self.reissue)
        self.form.addRow(translate("Documents", "Date on the documents"), self.issued_on)
        self.form.addRow(translate("Documents", "Files"), files)
        self.form.addRow(translate("Documents", "Folder"), folder_row)
        self.note = QLabel(translate(
            "Documents", "Each document is entered in the register with its own serial number and a signed QR "
                         "code. If you cancel, or anything goes wrong, nothing is issued and no file is left in "
                         "the folder."))
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")

    def fit_height(self) -> None:
        """Taller when a wrapped text grew (a reason under the choice, the summary): nothing is squeezed or cut."""
        self.layout().activate()
        needed = self.heightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _build_progress(self) -> None:
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m")
        keep = self.progress.sizePolicy()
        keep.setRetainSizeWhenHidden(True)  # the dialog does not jump when the bar appears
        self.progress.setSizePolicy(keep)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)

    def _build_buttons(self) -> None:
        self.open_folder_button = QPushButton(translate("Documents", "Open the folder"))
        self.open_folder_button.clicked.connect(self.open_folder)
        self.preview_button = QPushButton(translate("Documents", "Preview and print…"))
        self.preview_button.clicked.connect(self.preview)
        self.after_row = QHBoxLayout()
        self.after_row.addStretch(1)
        self.after_row.addWidget(self.open_folder_button)
        self.after_row.addWidget(self.preview_button)
        self.make_button = QPushButton(translate("Documents", "Make certificates"))
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self.make)
        self.cancel_button = QPushButton(translate("Documents", "Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton(translate("Documents", "Close"))
        self.close_button.clicked.connect(self.reject)
        for button in (self.open_folder_button, self.preview_button, self.cancel_button, self.close_button):
            button.setAutoDefault(False)
        self.button_row = QHBoxLayout()
        self.button_row.addStretch(1)
        self.button_row.addWidget(self.make_button)
        self.button_row.addWidget(self.cancel_button)
        self.button_row.addWidget(self.close_button)
        self.open_folder_button.hide()
        self.preview_button.hide()
        self.cancel_button.hide()

    # --- choices -------------------------------------------------------------------------------------------

    def _load_competitions(self) -> None:
        from ...services import lists

        db = self.db
        run_task(lambda: lists.competition_choices(db), self._competitions_arrived, self._failed)

    def _competitions_arrived(self, choices: list[Any]) -> None:
        self.competition.blockSignals(True)
        for choice in choices:
            self.competition.addItem(choice.name, choice.id)
        self.competition.blockSignals(False)
        self._count()

    def select(self, competition_id: int | None, doc_type: DocumentType | None = None) -> None:
        if competition_id is not None and self.competition.findData(competition_id) >= 0:
            self.competition.setCurrentIndex(self.competition.findData(competition_id))
        if doc_type is not None and self.kind.findData(doc_type) >= 0:
            self.kind.setCurrentIndex(self.kind.findData(doc_type))

    @property
    def doc_type(self) -> DocumentType:
        return DocumentType(self.kind.currentData())

    def _count(self) -> None:
        """How many documents the batch would issue, counted in the background."""
        from ...services import certificates

        competition_id = self.competition.currentData()
        self.subject_count = None
        self.made = False
        self._forget_result()
        self._count_generation += 1
        generation, db, doc_type = self._count_generation, self.db, self.doc_type
        self._update_buttons()
        if competition_id is None:
            self.subjects.setText(translate("Documents", "There are no competitions yet."))
            return
        self.subjects.setText(translate("Documents", "Counting…"))
        run_task(lambda: certificates.subjects(db, competition_id, doc_type),
                 lambda found: self._counted(generation, found), lambda exc: self._not_counted(generation, exc))

    def _forget_result(self) -> None:
        """A new choice: the last batch's outcome no longer applies to what is shown."""
        self.result_ = None
        self.progress.hide()
        self.status.clear()
        self.open_folder_button.hide()
        self.preview_button.hide()

    def _counted(self, generation: int, found: list[Any]) -> None:
        if generation != self._count_generation:
            return
        self.found = found
        held = sum(1 for subject in found if subject.issued)
        self.reissue.setVisible(held > 0)
        if not held:
            self.reissue.setChecked(False)
        self._show_count()

    def _show_count(self) -> None:
        held = sum(1 for subject in self.found if subject.issued)
        count = len(self.found) if self.reissue.isChecked() else len(self.found) - held
        self.subject_count = count
        if not self.found:
            text = translate("Documents", "Nobody in this competition gets this document yet: award certificates "
                                          "go to funded projects, letters to the judges on its panels, "
                                          "participation certificates to eligible projects that were not funded.")
        elif not count:
            text = translate("Documents", "All {held} have been issued already. To replace them, tick the box below."
                             ).format(held=held)
        elif held:
            text = translate("Documents", "{count} to issue in this competition; {held} already hold one.").format(
                count=count, held=held)
        else:
            text = translate("Documents", "{count} to issue in this competition.").format(count=count)
        self.subjects.setText(text)
        self._update_buttons()

    def _not_counted(self, generation: int, exc: BaseException) -> None:
        """A competition that cannot have these documents yet says why under the choice (no banner: not an error)."""
        if generation != self._count_generation:
            return
        if not isinstance(exc, PspError):
            raise exc
        self.subject_count = 0
        self.found = []
        self.reissue.hide()
        self.subjects.setText(exc.render(translate))
        self._update_buttons()

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, translate("Documents", "Folder for the PDF files"),
                                                self.folder.text())
        if path:
            self.folder.setText(path)

    def _update_buttons(self) -> None:
        running = self.job is not None
        self.make_button.setEnabled(not running and not self.made and bool(self.subject_count)
                                    and bool(self.folder.text().strip()))
        self.cancel_button.setVisible(running)
        self.close_button.setVisible(not running)
        for widget in (self.competition, self.kind, self.reissue, self.issued_on, self.combined, self.separate,
                       self.folder, self.browse):
            widget.setEnabled(not running)
        QTimer.singleShot(0, self.fit_height)  # after the texts set alongside this call

    # --- the batch -----------------------------------------------------------------------------------------

    def make(self) -> None:
        from ...services import certificates

        competition_id, doc_type = self.competition.currentData(), self.doc_type
        out_dir, combined, db = Path(self.folder.text().strip()), self.combined.isChecked(), self.db
        reissue, issued_on = self.reissue.isChecked(), self.issued_on.date().toPython()
        if competition_id is None:
            return
        self.banner.clear()
        self.result_ = None
        self.open_folder_button.hide()
        self.preview_button.hide()
        self.progress.setRange(0, self.subject_count or 0)
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(translate("Documents", "Making the documents…"))

        def work(report: Any, cancelled: Any) -> Any:
            return certificates.make_batch(db, competition_id, doc_type, out_dir, combined=combined,
                                           progress=lambda done, total: report(done, total), cancelled=cancelled,
                                           issued_on=issued_on, reissue=reissue)

        self.job = run_reporting(work, self._progressed, self._finished, self._batch_failed)
        self._update_buttons()
        self.cancel_button.setFocus()

    def _progressed(self, done: int, total: int, _text: str) -> None:
        if self.progress.maximum() != total:
            self.progress.setMaximum(total)
        self.progress.setValue(done)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(translate("Documents", "Cancelling: the documents made so far are being "
                                                       "removed…"))

    def _finished(self, result: Any) -> None:
        self.job = None
        self.cancel_button.setEnabled(True)
        self.result_ = result
        self.made = True
        self.progress.setValue(self.progress.maximum())
        self.status.setText(self._summary(result))
        self.open_folder_button.show()
        self.preview_button.setVisible(self.preview_file() is not None)
        self._update_buttons()
        self.issued.emit(result)

    def _summary(self, result: Any) -> str:
        serials = result.serials
        text = translate("Documents", "{count} documents issued and saved in {folder}.").format(
            count=len(serials), folder=str(self.folder.text().strip()))
        if len(serials) > 1:
            text += ("" if text.endswith("。") else " ") + translate(  # no space after a Chinese full stop
                "Documents", "Serials {first} to {last}.").format(first=serials[0], last=serials[-1])
        return text

    def _show_cancelled(self) -> None:
        self.progress.hide()
        self.status.setText(translate("Documents", "Cancelled: nothing was issued and no file was left in the "
                                                   "folder."))
        self._update_buttons()

    def _batch_failed(self, exc: BaseException) -> None:
        self.job = None
        self.cancel_button.setEnabled(True)
        from ...services.certificates import Cancelled

        if isinstance(exc, Cancelled):
            self._show_cancelled()
            return
        self.progress.hide()
        self.status.setText("")
        self._update_buttons()
        if isinstance(exc, PspError):
            self.banner.show_error(exc)
        elif isinstance(exc, OSError):
            self.banner.setText(translate("Documents", "The files could not be written: {problem}").format(
                problem=os_reason_text(exc, translate)))
            self.banner.show()
        else:
            raise exc

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PspError):
            raise exc
        self.banner.show_error(exc)

    # --- after ---------------------------------------------------------------------------------------------

    def files(self) -> list[Path]:
        return list(self.result_.files) if self.result_ is not None else []

    def preview_file(self) -> Path | None:
        """The combined PDF, or the only file."""
        files = self.files()
        return files[0] if len(files) == 1 else None

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.folder.text().strip()))

    def preview(self) -> None:
        from .pdf_preview import preview_pdf

        path = self.preview_file()
        if path is not None:
            self.preview_dialog = preview_pdf(self, path)

    def reject(self) -> None:
        if self.job is not None:  # Escape or the window's close button during a batch cancels it first
            self.cancel()
            return
        super().reject()

