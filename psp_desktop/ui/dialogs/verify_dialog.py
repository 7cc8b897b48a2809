"""Checking a document someone shows the office: paste or scan the code printed on it (a USB QR scanner types the
text and presses Enter), or choose the PDF file. The verdict comes big and in words, with the facts the signature
covers, so staff compare them with the paper. Everything is checked on this PC: no network is needed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import PspError, os_reason_text
from ..labels import label
from ..pdf_actions import documents_folder
from ..tasks import run_task
from ..widgets import heading

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

# status → (headline source text, background, text colour); the headline says it in words, colour only helps
VERDICTS = {
    "genuine": (QT_TRANSLATE_NOOP("Documents", "Genuine and valid"), "#e8f5e9", "#1b5e20"),
    "voided": (QT_TRANSLATE_NOOP("Documents", "Voided"), "#fff3e0", "#b34700"),
    "forged": (QT_TRANSLATE_NOOP("Documents", "Forged or altered"), "#fdecea", "#b71c1c"),
    "unknown": (QT_TRANSLATE_NOOP("Documents", "Not in this register"), "#eeeeee", "#424242"),
}
FACT_LABELS = (  # (key in the verdict's facts, label source text); other keys are shown after these
    ("serial", QT_TRANSLATE_NOOP("Documents", "Serial")),
    ("doc_type", QT_TRANSLATE_NOOP("Documents", "Document")),
    ("subject", QT_TRANSLATE_NOOP("Documents", "Issued to")),
    ("title", QT_TRANSLATE_NOOP("Documents", "Project")),
    ("detail", QT_TRANSLATE_NOOP("Documents", "Award or role")),
    ("competition", QT_TRANSLATE_NOOP("Documents", "Competition")),
    ("issuer", QT_TRANSLATE_NOOP("Documents", "Issued by")),
    ("issued_on", QT_TRANSLATE_NOOP("Documents", "Issued on")),
    ("void_reason", QT_TRANSLATE_NOOP("Documents", "Reason for voiding")),
)


def fact_text(key: str, value: Any) -> str:
    """A fact as people read it: a document type by its name, anything else as written."""
    if key == "doc_type" and value:
        from ...enums import DocumentType

        try:
            return label(DocumentType(value))
        except ValueError:
            return str(value)
    return "" if value is None else str(value)


class VerdictPanel(QFrame):
    """The verdict in large words on its colour, the reason under it, and the facts in a form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdict")
        self.status = ""
        self.headline = heading(12)
        self.headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caveat = QLabel(translate("Documents", "What the code claims (not to be trusted):"))
        self.facts = QFormLayout()
        self.facts.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(self.headline)
        layout.addWidget(self.reason)
        layout.addSpacing(6)
        layout.addWidget(self.caveat)
        layout.addLayout(self.facts)
        self.hide()

    def show_verdict(self, verdict: Any) -> None:
        self.status = verdict.status
        headline, background, colour = VERDICTS.get(verdict.status, VERDICTS["unknown"])
        self.setStyleSheet(f"#verdict {{ background: {background}; border: 2px solid {colour}; border-radius: 8px; }}"
                           f"#verdict QLabel {{ color: {colour}; }}")
        self.headline.setText(translate("Documents", headline))
        reason = getattr(verdict, "reason", "") or ""
        self.reason.setText(_reason_text(verdict))
        self.reason.setVisible(bool(reason))
        self._show_facts(verdict)
        from ...services.issuing import R_FILE_CHANGED

        # a changed file still carries a signed code: its facts are what was issued, only the file is not
        self.caveat.setText(translate("Documents", "What was issued, as signed (compare it with the paper):")
                            if reason == R_FILE_CHANGED else
                            translate("Documents", "What the code claims (not to be trusted):"))
        self.caveat.setVisible(verdict.status == "forged" and self.facts.rowCount() > 0)
        self.show()

    def _show_facts(self, verdict: Any) -> None:
        while self.facts.rowCount():
            self.facts.removeRow(0)
        facts = dict(getattr(verdict, "facts", None) or {})
        if getattr(verdict, "serial", ""):
            facts.setdefault("serial", verdict.serial)
        known = [key for key, _source in FACT_LABELS]
        for key, source in FACT_LABELS:
            if facts.get(key) not in (None, ""):
                self._add(translate("Documents", source), fact_text(key, facts[key]))
        for key, value in facts.items():
            if key not in known and value not in (None, "") and not isinstance(value, dict | list):
                self._add(key, str(value))

    def _add(self, caption: str, value: str) -> None:
        text = QLabel(value)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = text.font()
        font.setPointSize(font.pointSize() + 2)
        text.setFont(font)
        self.facts.addRow(QLabel(caption), text)

    def fact(self, caption: str) -> str:
        """The text shown for a fact caption (tests, and people reading the panel aloud)."""
        for row in range(self.facts.rowCount()):
            name = self.facts.itemAt(row, QFormLayout.ItemRole.LabelRole)
            value = self.facts.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if name is not None and value is not None and name.widget().text() == caption:
                return value.widget().text()
        return ""


def _reason_text(verdict: Any) -> str:
    """The verdict's reason: a source string in context "Errors", maybe with {placeholders} from its params."""
    reason = getattr(verdict, "reason", "") or ""
    params = getattr(verdict, "params", None) or {}
    text = translate("Errors", reason) if reason else ""
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError):
        return text


class VerifyDialog(QDialog):
    """Paste or scan a code, or choose a PDF; the verdict appears below."""

    verified = Signal(object, str)  # the verdict, and the PDF path when a file was checked ("" for a code)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.verdict: Any = None
        self.busy = False
        self._generation = 0
        self.setWindowTitle(translate("Documents", "Verify a document"))
        intro = QLabel(translate(
            "Documents", "Scan the QR code on the document with a code scanner, or paste the code text here, and "
                         "press Enter. Or choose the PDF file. The check is made on this computer against the "
                         "register and the office's signing keys; no internet connection is needed."))
        intro.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setPlaceholderText(translate("Documents", "PSP1.…"))
        self.code.setClearButtonEnabled(True)
        self.code.returnPressed.connect(self.check_code)
        self.check_button = QPushButton(translate("Documents", "Verify"))
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.check_code)
        self.file_button = QPushButton(translate("Documents", "Choose PDF…"))
        self.file_button.setAutoDefault(False)
        self.file_button.clicked.connect(self.choose_pdf)
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(self.check_button)
        row.addWidget(self.file_button)
        self.source = QLabel()
        self.source.setStyleSheet("color: #555;")
        self.source.setWordWrap(True)
        self.panel = VerdictPanel(self)
        close = QPushButton(translate("Documents", "Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.source)
        layout.addWidget(self.panel)
        layout.addStretch(1)
        layout.addLayout(bottom)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # a verdict with many facts still fits
        self.setMinimumWidth(680)
        self.resize(720, 560)
        self.code.setFocus()

    def check_code(self) -> None:
        text = self.code.text().strip()
        if text:
            self.start(text, "")

    def choose_pdf(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, translate("Documents", "Choose the PDF to verify"), str(documents_folder()), "PDF (*.pdf)")
        if path:
            self.start(path, path)

    def start(self, text_or_path: str, pdf: str) -> None:
        """Verifies in the background; a newer check replaces an older one still running."""
        from ...services import issuing

        self._generation += 1
        generation, db = self._generation, self.db
        self.busy = True
        self.source.setText(translate("Documents", "Checking…"))
        run_task(lambda: issuing.verify(db, text_or_path),
                 lambda verdict: self._arrived(generation, verdict, pdf),
                 lambda exc: self._failed(generation, exc))

    def _arrived(self, generation: int, verdict: Any, pdf: str) -> None:
        if generation != self._generation:
            return
        self.busy = False
        self.verdict = verdict
        self.source.setText(translate("Documents", "File checked: {name}").format(name=Path(pdf).name) if pdf
                            else translate("Documents", "Code checked."))
        self.panel.show_verdict(verdict)
        self.code.selectAll()  # the next scan replaces this code
        self.verified.emit(verdict, pdf)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.busy = False
        self.verdict = None
        self.panel.hide()
        if not isinstance(exc, PspError | OSError):
            raise exc
        self.source.setText(exc.render(translate) if isinstance(exc, PspError)
                            else translate("Documents", "The file could not be read: {problem}").format(
                                problem=os_reason_text(exc, translate)))
