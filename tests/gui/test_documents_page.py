"""The Documents page on a copy of the demo (its 2024 competition is funded): the register lists what was issued,
voiding needs a reason, verifying tells genuine, voided, forged and unknown codes and files apart, a batch reports
"n / total" and a cancelled batch leaves nothing behind, the preview shows and prints every page, the designer saves
a moved field and re-renders its preview, and a read-only person sees no issuing buttons."""

from __future__ import annotations

import hashlib
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from shots import extra_translator, shoot

from psp_desktop import i18n
from psp_desktop.db import Database, open_database
from psp_desktop.enums import DocumentType, Role
from psp_desktop.services import certificates, issuing, laptop_keys
from psp_desktop.services.access import Actor
from psp_desktop.ui.dialogs.batch_dialog import BatchDialog
from psp_desktop.ui.dialogs.certificate_designer import CertificateDesigner
from psp_desktop.ui.dialogs.pdf_preview import PdfPreviewDialog, print_pdf
from psp_desktop.ui.dialogs.verify_dialog import VerifyDialog
from psp_desktop.ui.pages.documents import DocumentsPage, VoidDialog

translate = QCoreApplication.translate
FUNDED = 3  # the demo's funded 2024 competition
DEMO_DOCUMENTS = 13 + 14  # its award certificates and judges' letters, issued at the ceremony
AWARD = DocumentType.AWARD_CERTIFICATE


# --- fixtures ------------------------------------------------------------------------------------------------------


@pytest.fixture
def docs(tmp_path: Path, demo_file: Path) -> Iterator[tuple[Database, list[Path]]]:
    """A copy of the demo with two award certificates issued again (one PDF each, in tmp_path/issued)."""
    path = tmp_path / "docs.db"
    shutil.copyfile(demo_file, path)
    db = open_database(path)
    first_two = {s.ref_id for s in certificates.subjects(db, FUNDED, AWARD)[:2]}
    result = certificates.make_batch(db, FUNDED, AWARD, tmp_path / "issued", combined=False, only=first_two,
                                     reissue=True)  # the demo's ceremony issued theirs: those two are voided
    i18n.install("zh_CN")
    extra = extra_translator()
    yield db, list(result.files)
    db.close()
    if extra is not None:
        QCoreApplication.removeTranslator(extra)


@pytest.fixture(autouse=True)
def questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Questions (discard changes? choose the file?) are answered Yes and recorded instead of blocking."""
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_a: Any, **_k: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def open_page(qtbot: Any, db: Database) -> DocumentsPage:
    page = DocumentsPage()
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.set_database(db)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.ensure_loaded()
    return page


def rows(page: DocumentsPage) -> list[Any]:
    model = page.register.model
    return [model.row_at(i) for i in range(model.rowCount())]


def shown(page: DocumentsPage, row: int) -> list[str]:
    proxy = page.register.proxy
    return [proxy.index(row, column).data() for column in range(proxy.columnCount())]


def run_dialog(monkeypatch: pytest.MonkeyPatch, cls: type, script: Callable[[Any], None]) -> None:
    """The next cls dialog runs script instead of waiting for a person; exec returns what the dialog ended with."""
    def exec_(dialog: QDialog) -> int:
        dialog.show()
        script(dialog)
        return dialog.result()
    monkeypatch.setattr(cls, "exec", exec_)


def error(source: str, **params: Any) -> str:
    text = translate("Errors", source)
    return text.format(**params) if params else text


def wait_verdict(qtbot: Any, dialog: VerifyDialog) -> Any:
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    return dialog.verdict


# --- the register --------------------------------------------------------------------------------------------------


def test_the_register_lists_issued_documents_and_filters_them(qtbot, docs) -> None:  # type: ignore[no-untyped-def]
    db, files = docs
    page = open_page(qtbot, db)
    listed = rows(page)
    assert len(listed) == DEMO_DOCUMENTS + 2
    assert {r.serial for r in listed[:2]} == {f.name.split(" ")[0] for f in files}  # newest first
    assert sum(r.voided for r in listed) == 3  # the two replaced, and the demo's of a project terminated in 2025
    cells = shown(page, 0)
    entry = page.register.model.row_at(page.register.proxy.mapToSource(page.register.proxy.index(0, 0)).row())
    assert cells[0] == translate("Labels", "Award certificate")
    assert cells[1] == entry.serial and cells[2] == entry.subject
    assert cells[3] == entry.title and cells[7] == entry.competition
    assert cells[6] == entry.sha256[:12]
    assert cells[5] == translate("Documents", "Valid")  # in words, not a colour
    assert page.register.stack.currentIndex() == 0
    shoot(page, "documents_page")

    page.register.search.setText(entry.serial)
    assert page.register.proxy.rowCount() == 2  # it, and the one it replaced, whose void reason names it
    page.register.search.setText("")

    page.type_filter.setCurrentIndex(page.type_filter.findData(DocumentType.PARTICIPATION_CERTIFICATE.value))
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.type_filter.activated.emit(page.type_filter.currentIndex())
    assert rows(page) == [] and page.register.stack.currentIndex() == 1  # the empty state says how to fill it
    shoot(page, "documents_page_empty")


def test_voiding_needs_a_reason_and_the_register_says_voided(qtbot, docs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db, _files = docs
    page = open_page(qtbot, db)
    page.register.view.selectRow(0)
    entry = page.selected()
    assert page.void_button.isEnabled()

    def script(dialog: VoidDialog) -> None:
        dialog.ok_button.click()  # no reason
        assert dialog.banner.isVisible() and dialog.banner.text() == error(issuing.E_NO_REASON, serial=entry.serial)
        assert not dialog.result()
        shoot(dialog, "void_without_reason")
        dialog.reason.setPlainText("证书上的项目名称有误，已重新颁发")
        dialog.ok_button.click()

    run_dialog(monkeypatch, VoidDialog, script)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.void_selected()
    voided = next(r for r in rows(page) if r.serial == entry.serial)
    assert voided.voided and voided.void_reason == "证书上的项目名称有误，已重新颁发"
    assert page.selected().serial == entry.serial  # the selection stays on the document
    assert shown(page, page.register.view.currentIndex().row())[5] == translate(
        "Documents", "Voided: {reason}").format(reason="证书上的项目名称有误，已重新颁发")
    assert not page.void_button.isEnabled()  # voided once only
    assert entry.serial in page.notice.text()
    shoot(page, "documents_page_voided")


# --- verifying -----------------------------------------------------------------------------------------------------


def test_verify_tells_genuine_forged_and_unknown_codes_apart(qtbot, docs) -> None:  # type: ignore[no-untyped-def]
    db, _files = docs
    entry = issuing.entries(db)[0]
    dialog = VerifyDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()

    dialog.code.setText(entry.qr_text)  # what a scanner types, then Enter
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    verdict = wait_verdict(qtbot, dialog)
    assert verdict.status == "genuine" and dialog.panel.status == "genuine"
    assert dialog.panel.headline.text() == translate("Documents", "Genuine and valid")
    assert dialog.panel.fact(translate("Documents", "Issued to")) == entry.subject
    assert dialog.panel.fact(translate("Documents", "Serial")) == entry.serial
    assert dialog.panel.reason.text() == error(issuing.R_GENUINE)
    assert dialog.code.selectedText() == entry.qr_text  # the next scan replaces it
    shoot(dialog, "verify_genuine")

    head, payload, signature = entry.qr_text.split(".")
    dialog.code.setText(f"{head}.{payload[:-8]}.{signature}")  # a code cut short: it cannot be read
    dialog.check_code()
    assert wait_verdict(qtbot, dialog).status == "forged"
    assert dialog.panel.headline.text() == translate("Documents", "Forged or altered")
    assert dialog.panel.reason.text() == error(issuing.R_DAMAGED)
    assert not dialog.panel.caveat.isVisible()  # nothing could be read: no facts to distrust
    shoot(dialog, "verify_forged")

    other = "A" if signature[10] != "A" else "B"
    dialog.code.setText(f"{head}.{payload}.{signature[:10]}{other}{signature[11:]}")  # someone else's signature
    dialog.check_code()
    assert wait_verdict(qtbot, dialog).status == "forged"
    assert dialog.panel.reason.text() == error(issuing.R_BAD_SIGNATURE)
    assert dialog.panel.caveat.isVisible() and dialog.panel.fact(translate("Documents", "Issued to")) == entry.subject
    shoot(dialog, "verify_bad_signature")

    facts = issuing.Facts(AWARD, "临江区晨曦社会工作服务中心", "“邻里守望”项目", "一等奖",
                          "2024年望江街道社区公益创投大赛", "临江区望江街道办事处", entry.issued_on)
    elsewhere = issuing.qr_text("HJ2099-0001", facts, laptop_keys.private_key())  # this PC's key, not this register
    dialog.code.setText(elsewhere)
    dialog.check_code()
    assert wait_verdict(qtbot, dialog).status == "unknown"
    assert dialog.panel.headline.text() == translate("Documents", "Not in this register")
    shoot(dialog, "verify_unknown")

    dialog.code.setText("not a code at all")
    dialog.check_code()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.verdict is None and not dialog.panel.isVisible()
    assert dialog.source.text() == error(issuing.E_NOT_CODE, text="not a code at all")


def test_verify_a_pdf_file_genuine_altered_and_voided(qtbot, docs, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db, files = docs
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(files[0].read_bytes() + b"\n% edited\n")
    chosen = iter([str(files[0]), str(altered), str(files[1])])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (next(chosen), "PDF (*.pdf)"))
    page = open_page(qtbot, db)
    dialog = VerifyDialog(db, page)
    qtbot.addWidget(dialog)
    dialog.verified.connect(page._verified)
    dialog.show()

    dialog.file_button.click()
    verdict = wait_verdict(qtbot, dialog)
    assert verdict.status == "genuine" and dialog.panel.reason.text() == error(issuing.R_GENUINE_FILE)
    assert files[0].name in dialog.source.text()
    assert page.known_files[verdict.serial] == files[0]  # double-click on its row previews this file now

    dialog.file_button.click()
    assert wait_verdict(qtbot, dialog).status == "forged"
    assert dialog.panel.reason.text() == error(issuing.R_FILE_CHANGED)

    serial = files[1].name.split(" ")[0]
    issuing.void(db, serial, "重复颁发")
    dialog.file_button.click()
    assert wait_verdict(qtbot, dialog).status == "voided"
    assert dialog.panel.headline.text() == translate("Documents", "Voided")
    assert dialog.panel.fact(translate("Documents", "Reason for voiding")) == "重复颁发"
    shoot(dialog, "verify_voided")


# --- making certificates -------------------------------------------------------------------------------------------


def test_a_batch_reports_progress_and_ends_with_the_files(qtbot, docs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db, _files = docs
    out = tmp_path / "letters"
    dialog = BatchDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.competition.count() > 0, timeout=10_000)
    dialog.select(FUNDED, DocumentType.APPOINTMENT_LETTER)
    qtbot.waitUntil(lambda: dialog.subject_count is not None, timeout=10_000)
    dialog.folder.setText(str(out))
    assert dialog.subject_count == 0 and not dialog.make_button.isEnabled()  # the ceremony's letters: all held
    assert dialog.reissue.isVisible() and "14" in dialog.subjects.text()
    shoot(dialog, "batch_all_held")
    dialog.reissue.setChecked(True)  # issued again: the old ones are voided
    total = dialog.subject_count
    assert total == 14 and dialog.make_button.isEnabled()
    dialog.separate.setChecked(True)
    shoot(dialog, "batch_ready")
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    issued: list[Any] = []
    dialog.issued.connect(issued.append)

    dialog.make_button.click()
    assert dialog.cancel_button.isVisible() and not dialog.make_button.isEnabled()
    qtbot.waitUntil(lambda: bool(issued), timeout=60_000)
    assert dialog.progress.text() == f"{total} / {total}"
    assert seen[-1] == total and len(seen) > 2  # it moved step by step
    assert len(list(out.glob("*.pdf"))) == total and issued[0].count == total
    assert dialog.open_folder_button.isVisible() and not dialog.preview_button.isVisible()  # many files: no preview
    assert str(total) in dialog.status.text()
    assert not dialog.make_button.isEnabled()  # a second click would issue every letter again
    shoot(dialog, "batch_done")


def test_a_cancelled_batch_issues_nothing_and_leaves_the_folder_empty(qtbot, docs, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db, _files = docs
    out = tmp_path / "awards"
    out.mkdir()
    before = len(issuing.entries(db))
    gate = threading.Event()
    calls: list[int] = []
    issue_in = issuing.issue_in

    def held(*args: Any, **kwargs: Any) -> Any:  # the third certificate waits until Cancel was pressed
        calls.append(1)
        if len(calls) == 3:
            gate.wait(10)
        return issue_in(*args, **kwargs)

    monkeypatch.setattr(issuing, "issue_in", held)
    dialog = BatchDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.competition.count() > 0, timeout=10_000)
    dialog.select(FUNDED, AWARD)
    qtbot.waitUntil(lambda: dialog.subject_count is not None, timeout=10_000)
    dialog.reissue.setChecked(True)  # every funded project holds one from the demo's ceremony
    dialog.folder.setText(str(out))
    dialog.make_button.click()
    qtbot.waitUntil(lambda: dialog.progress.value() >= 2, timeout=30_000)
    shoot(dialog, "batch_running")
    dialog.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    assert dialog.status.text() == translate(
        "Documents", "Cancelled: nothing was issued and no file was left in the folder.")
    assert list(out.iterdir()) == []  # not even the hidden staging folder
    assert len(issuing.entries(db)) == before and sum(e.voided for e in issuing.entries(db)) == 3  # none voided
    assert dialog.make_button.isEnabled() and not dialog.banner.isVisible()
    shoot(dialog, "batch_cancelled")


def test_a_combined_batch_offers_its_preview(qtbot, docs, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db, _files = docs
    dialog = BatchDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.competition.count() > 0, timeout=10_000)
    dialog.select(FUNDED, DocumentType.PARTICIPATION_CERTIFICATE)
    qtbot.waitUntil(lambda: bool(dialog.subject_count), timeout=10_000)
    total = dialog.subject_count
    dialog.folder.setText(str(tmp_path / "combined"))
    dialog.make_button.click()
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=60_000)
    assert dialog.preview_button.isVisible()
    dialog.preview_button.click()
    preview = dialog.preview_dialog  # a child of the batch dialog, deleted when closed
    assert preview.page_count == total
    preview.close()


def test_a_competition_without_subjects_says_why(qtbot, docs) -> None:  # type: ignore[no-untyped-def]
    db, _files = docs
    dialog = BatchDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.competition.count() > 0, timeout=10_000)
    unfunded = next(dialog.competition.itemData(i) for i in range(dialog.competition.count())
                    if dialog.competition.itemData(i) != FUNDED)
    dialog.select(unfunded, DocumentType.PARTICIPATION_CERTIFICATE)
    qtbot.waitUntil(lambda: dialog.subject_count is not None, timeout=10_000)
    assert dialog.subject_count == 0 and not dialog.make_button.isEnabled()
    assert dialog.subjects.text() and not dialog.banner.isVisible()
    shoot(dialog, "batch_nobody")


# --- preview and printing ------------------------------------------------------------------------------------------


def test_the_preview_shows_every_page_and_prints_them(qtbot, docs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db, files = docs
    combined = certificates.make_batch(db, FUNDED, AWARD, tmp_path / "all", combined=True,
                                       reissue=True).files[0]
    pages = QPdfDocument(None)
    pages.load(str(combined))
    count = pages.pageCount()
    pages.close()
    dialog = PdfPreviewDialog(combined)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.page_count == count > 2
    assert dialog.pages.text() == translate("Documents", "Page {page} / {count}").format(page=1, count=count)
    qtbot.wait(600)  # QPdfView renders its pages in the background
    shoot(dialog, "pdf_preview")

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(100)  # quick; the app prints at the printer's own resolution
    dialog.start_printing(printer)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=60_000)
    assert dialog.status.text() == translate("Documents", "{count} page(s) sent to the printer.").format(count=count)
    printed = QPdfDocument(None)
    printed.load(str(tmp_path / "printed.pdf"))
    assert printed.pageCount() == count
    printed.close()
    assert print_pdf(files[0], _pdf_printer(tmp_path / "one.pdf")) == 1


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(72)
    return printer


def test_double_click_previews_the_office_copy_or_asks_for_the_file(qtbot, docs, monkeypatch, questions) -> None:  # type: ignore[no-untyped-def]
    db, files = docs
    page = open_page(qtbot, db)
    page.register.view.selectRow(0)
    entry = page.selected()
    copy = issuing.archived_copy(db, entry.sha256)
    assert copy is not None and hashlib.sha256(copy.read_bytes()).hexdigest() == entry.sha256
    page.register.view.doubleClicked.emit(page.register.view.currentIndex())
    assert not questions and page.dialogs[-1].pdf == copy  # the office's copy, without asking
    page.dialogs[-1].close()

    copy.unlink()  # issued on another PC of a shared database: this one holds no copy
    file = next(f for f in files if f.name.startswith(entry.serial))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(file), "PDF (*.pdf)"))
    page.preview_selected()
    assert len(questions) == 1 and entry.serial in questions[0]
    assert page.dialogs[-1].pdf == file and page.dialogs[-1].page_count == 1
    page.dialogs[-1].close()

    page.known_files[entry.serial] = file
    page.register.view.doubleClicked.emit(page.register.view.currentIndex())
    assert len(questions) == 1 and page.dialogs[-1].pdf == file  # known now: opened without asking
    page.dialogs[-1].close()


# --- the designer --------------------------------------------------------------------------------------------------


def test_the_designer_saves_a_moved_field_and_re_renders(qtbot, docs, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db, _files = docs
    designer = CertificateDesigner(db)
    qtbot.addWidget(designer)
    designer.show()
    qtbot.waitUntil(lambda: designer.previews == 1, timeout=20_000)
    assert not designer.preview.pixmap().isNull()
    assert {"title", "body", "seal", "qr"} <= set(designer.rows)
    shoot(designer, "designer")

    designer.set_value("title", "y", 30)
    designer.set_value("title", "size", 48)
    designer.set_value("qr", "width", 28)
    assert designer.rows["qr"].height.value() == 28  # the QR code stays square
    qtbot.waitUntil(lambda: designer.previews == 2, timeout=20_000)  # one preview for the three quick edits
    designer.save_button.click()
    assert not designer.banner.isVisible() and designer.notice.text()
    saved = certificates.template(db, AWARD)
    title = next(f for f in saved["fields"] if f["name"] == "title")
    assert title["box"]["y"] == 30 and title["size"] == 48 and saved["qr"]["size"] == 28
    assert title["box"]["x"] == 40  # untouched values stay as shipped
    with db.read() as s:
        from psp_desktop.models import Setting

        stored = s.get(Setting, "certificate_template.award_certificate").value
    assert stored == {"fields": [{"name": "title", "box": {"y": 30.0}, "size": 48.0}], "qr": {"size": 28.0}}

    seal = tmp_path / "seal.png"
    image = QImage(120, 120, QImage.Format.Format_ARGB32)
    image.fill(QColor("#c62828"))
    image.save(str(seal))
    not_image = tmp_path / "seal.txt"
    not_image.write_text("not an image")
    chosen = iter([str(not_image), str(seal)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (next(chosen), ""))
    designer.choose_image("seal")
    assert designer.banner.isVisible() and designer.banner.text() == error(certificates.NOT_AN_IMAGE,
                                                                           path=not_image)
    designer.choose_image("seal")
    assert not designer.banner.isVisible() and not designer.thumbnails["seal"].pixmap().isNull()
    assert certificates.images(db).seal is not None and designer.remove_buttons["seal"].isEnabled()
    qtbot.waitUntil(lambda: designer.previews == 3, timeout=20_000)
    shoot(designer, "designer_with_seal")

    designer.reset_button.click()  # asks first (answered Yes)
    qtbot.waitUntil(lambda: designer.previews == 4, timeout=20_000)
    assert designer.rows["title"].y.value() == 24  # as shipped again
    assert certificates.images(db).seal is not None  # the images stay


def test_a_box_outside_the_page_is_refused_in_the_banner(qtbot, docs) -> None:  # type: ignore[no-untyped-def]
    db, _files = docs
    designer = CertificateDesigner(db, doc_type=DocumentType.APPOINTMENT_LETTER)
    qtbot.addWidget(designer)
    designer.show()
    qtbot.waitUntil(lambda: designer.previews == 1, timeout=20_000)
    designer.set_value("body", "x", 200)  # the body's box now runs off the right edge
    qtbot.waitUntil(lambda: designer.banner.isVisible(), timeout=20_000)
    designer.save_button.click()
    assert designer.banner.isVisible()
    assert certificates.template(db, DocumentType.APPOINTMENT_LETTER)["fields"][1]["box"]["x"] != 200
    shoot(designer, "designer_refused")


# --- who may do what -----------------------------------------------------------------------------------------------


def test_a_viewer_verifies_but_does_not_issue_void_or_design(qtbot, docs) -> None:  # type: ignore[no-untyped-def]
    db, _files = docs
    db.actor = Actor("viewer", frozenset({Role.VIEWER}))
    page = open_page(qtbot, db)
    assert len(rows(page)) == DEMO_DOCUMENTS + 2
    assert page.verify_button.isVisibleTo(page) and page.preview_button.isVisibleTo(page)
    for button in (page.make_button, page.void_button, page.design_button):
        assert not button.isVisibleTo(page)
