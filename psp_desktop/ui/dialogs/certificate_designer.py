"""The office's certificate design: its seal and background images, and where each text, the seal and the QR code
stand on a certificate type (mm from the page's top-left corner, font size), with a live preview of a specimen.

Edits are stored as the difference from the shipped template (certificates.save_template overlays them), so a
later version's improvements to the fields the office did not touch still arrive. The preview is rendered by
certificates.render_preview and turned into an image with QtPdf in the background, 300 ms after the last edit.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...documents.certificate import FIELD_NAMES
from ...enums import DocumentType
from ...errors import PspError
from ..forms import ProblemBanner
from ..labels import label
from ..tasks import run_task
from ..widgets import heading
from .pdf_preview import render_page

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

DOC_TYPES = (DocumentType.AWARD_CERTIFICATE, DocumentType.APPOINTMENT_LETTER,
             DocumentType.PARTICIPATION_CERTIFICATE)
IMAGES = (("seal", QT_TRANSLATE_NOOP("Designer", "Seal")),
          ("background", QT_TRANSLATE_NOOP("Designer", "Background")))
HEADERS = (QT_TRANSLATE_NOOP("Designer", "Item"), QT_TRANSLATE_NOOP("Designer", "X (mm)"),
           QT_TRANSLATE_NOOP("Designer", "Y (mm)"), QT_TRANSLATE_NOOP("Designer", "Width (mm)"),
           QT_TRANSLATE_NOOP("Designer", "Height (mm)"), QT_TRANSLATE_NOOP("Designer", "Font size (pt)"))
A4_MM = (210.0, 297.0)
DEBOUNCE_MS = 300
PREVIEW_WIDTH = 760  # pixels of the rendered preview; shown scaled to the label
THUMBNAIL = 72


# --- the template as data ---------------------------------------------------------------------------------------


def edits_from(edited: Mapping[str, Any], shipped: Mapping[str, Any]) -> dict[str, Any]:
    """What differs from the shipped template, in the shape certificates.overlay lays over it: objects key by key,
    the fields list by name (only the changed keys of each field)."""
    out: dict[str, Any] = {}
    for key, value in edited.items():
        base = shipped.get(key)
        if key == "fields" and isinstance(value, list) and isinstance(base, list):
            changed = _field_edits(value, base)
            if changed:
                out[key] = changed
        elif isinstance(value, Mapping) and isinstance(base, Mapping):
            inner = edits_from(value, base)
            if inner:
                out[key] = inner
        elif value != base:
            out[key] = copy.deepcopy(value)
    return out


def _field_edits(fields: list[Any], base: list[Any]) -> list[dict[str, Any]]:
    shipped = {item.get("name"): item for item in base if isinstance(item, Mapping)}
    changed = []
    for item in fields:
        if not isinstance(item, Mapping):
            continue
        original = shipped.get(item.get("name"))
        diff = edits_from(item, original) if original is not None else copy.deepcopy(dict(item))
        if diff:
            changed.append({"name": item.get("name"), **diff})
    return changed


def page_mm(data: Mapping[str, Any]) -> tuple[float, float]:
    landscape = (data.get("page") or {}).get("orientation") == "landscape"
    return (A4_MM[1], A4_MM[0]) if landscape else A4_MM


@dataclass
class BoxRow:
    """One line of the positions grid: the spin boxes and the dict they edit in place."""

    key: str  # a field's name, "seal" or "qr"
    box: dict[str, Any]  # {"x", "y", "width", "height"} or, for the QR code, {"x", "y", "size"}
    x: QDoubleSpinBox
    y: QDoubleSpinBox
    width: QDoubleSpinBox
    height: QDoubleSpinBox
    size: QDoubleSpinBox | None  # the font size of a text field
    field: dict[str, Any] | None = None


def preview_image(db: Database, doc_type: DocumentType, data: dict[str, Any], width: int) -> QImage:
    """The specimen as an image (in a worker thread): a refusal of the template is raised as its PspError."""
    from ...services import certificates

    return render_page(certificates.render_preview(db, doc_type, data), 0, width)


# --- the dialog ---------------------------------------------------------------------------------------------------


class CertificateDesigner(QDialog):
    """Images, positions and a preview of one certificate type at a time; Save or Reset to the shipped design."""

    def __init__(self, db: Database, parent: QWidget | None = None,
                 doc_type: DocumentType = DocumentType.AWARD_CERTIFICATE) -> None:
        super().__init__(parent)
        self.db = db
        self.doc_type = doc_type
        self.data: dict[str, Any] | None = None
        self.rows: dict[str, BoxRow] = {}
        self.dirty = False
        self.previews = 0  # previews shown so far (tests wait on it)
        self._generation = 0
        self.setWindowTitle(translate("Designer", "Certificate design"))
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.render_preview)
        self.banner = ProblemBanner(self)
        self.notice = QLabel()
        self.notice.setStyleSheet("color: #1b5e20;")
        self._build()
        self.resize(1320, 760)
        self.refresh_images()
        self.load()

    # --- building ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.kind = QComboBox()
        for doc_type in DOC_TYPES:
            self.kind.addItem(label(doc_type), doc_type.value)
        self.kind.setCurrentIndex(self.kind.findData(self.doc_type.value))
        self.kind.activated.connect(lambda _i: self.choose(DocumentType(self.kind.currentData())))
        top = QHBoxLayout()
        top.addWidget(QLabel(translate("Designer", "Document")))
        top.addWidget(self.kind)
        top.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(heading(2, text=translate("Designer", "The office's images")))
        left.addLayout(self._image_rows())
        seal_note = QLabel(translate(
            "Designer", "The seal is printed only from the image your office supplies (a scan of the seal, PNG or "
                        "JPEG, ideally on a transparent or white background); the app never draws one."))
        seal_note.setWordWrap(True)
        seal_note.setStyleSheet("color: #555;")
        left.addWidget(seal_note)
        left.addWidget(heading(2, text=translate("Designer", "Positions, from the top-left corner of the page")))
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.grid_host)
        left.addWidget(scroll, 1)
        left.addLayout(self._buttons())
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(QSize(520, 380))
        self.preview.setStyleSheet("background: #d9dde3; border: 1px solid #b0bccb;")
        self.preview_state = QLabel()
        self.preview_state.setStyleSheet("color: #555;")
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addWidget(self.preview_state)
        body = QHBoxLayout()
        body.addLayout(left, 5)
        body.addLayout(right, 6)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)

    def _image_rows(self) -> QGridLayout:
        grid = QGridLayout()
        self.thumbnails: dict[str, QLabel] = {}
        self.remove_buttons: dict[str, QPushButton] = {}
        for row, (which, source) in enumerate(IMAGES):
            thumbnail = QLabel()
            thumbnail.setFixedSize(THUMBNAIL, THUMBNAIL)
            thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
            thumbnail.setStyleSheet("background: #ffffff; border: 1px solid #c8d0da; color: #777;")
            choose = QPushButton(translate("Designer", "Choose…"))
            choose.clicked.connect(lambda _c=False, which=which: self.choose_image(which))
            remove = QPushButton(translate("Designer", "Remove"))
            remove.clicked.connect(lambda _c=False, which=which: self.clear_image(which))
            for button in (choose, remove):
                button.setAutoDefault(False)
            grid.addWidget(QLabel(translate("Designer", source)), row, 0)
            grid.addWidget(thumbnail, row, 1)
            grid.addWidget(choose, row, 2)
            grid.addWidget(remove, row, 3)
            self.thumbnails[which] = thumbnail
            self.remove_buttons[which] = remove
        grid.setColumnStretch(4, 1)
        return grid

    def _buttons(self) -> QHBoxLayout:
        self.save_button = QPushButton(translate("Designer", "Save"))
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton(translate("Designer", "Reset to the shipped design"))
        self.reset_button.clicked.connect(self.reset)
        close = QPushButton(translate("Designer", "Close"))
        close.clicked.connect(self.reject)
        for button in (self.save_button, self.reset_button, close):
            button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.notice, 1)
        row.addWidget(self.reset_button)
        row.addWidget(self.save_button)
        row.addWidget(close)
        return row

    # --- loading the template ------------------------------------------------------------------------------

    def choose(self, doc_type: DocumentType) -> None:
        if doc_type == self.doc_type:
            return
        if not self._may_discard():
            self.kind.setCurrentIndex(self.kind.findData(self.doc_type.value))
            return
        self.doc_type = doc_type
        self.load()

    def load(self) -> None:
        from ...services import certificates

        db, doc_type = self.db, self.doc_type
        self.data = None
        self.save_button.setEnabled(False)
        run_task(lambda: (certificates.template(db, doc_type), _shipped(doc_type)),
                 lambda loaded: self._loaded(doc_type, *loaded), self._failed)

    def _loaded(self, doc_type: DocumentType, data: dict[str, Any], shipped: dict[str, Any]) -> None:
        if doc_type != self.doc_type:
            return
        self.data, self.shipped = data, shipped
        self.dirty = False
        self._fill_grid(data)
        self.save_button.setEnabled(True)
        self.render_preview()

    def _fill_grid(self, data: dict[str, Any]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.rows = {}
        for column, source in enumerate(HEADERS):
            caption = QLabel(translate("Designer", source))
            caption.setStyleSheet("color: #555;")
            self.grid.addWidget(caption, 0, column)
        page = page_mm(data)
        for field in data.get("fields", []):
            self._add_row(str(field.get("name", "")), field["box"], page, field)
        if isinstance(data.get("seal"), dict):
            self._add_row("seal", data["seal"], page)
        if isinstance(data.get("qr"), dict):
            self._add_row("qr", data["qr"], page)
        self.grid.setRowStretch(len(self.rows) + 1, 1)
        self.grid.setColumnStretch(0, 1)

    def _add_row(self, key: str, box: dict[str, Any], page: tuple[float, float],
                 field: dict[str, Any] | None = None) -> None:
        square = "size" in box and "width" not in box  # the QR code: one size for both sides
        spins = [_mm_spin(float(box.get(name, box.get("size", 0))), limit)
                 for name, limit in (("x", page[0]), ("y", page[1]), ("width", page[0]), ("height", page[1]))]
        size = None
        if field is not None:
            size = QDoubleSpinBox()
            size.setRange(4, 160)
            size.setDecimals(1)
            size.setSingleStep(0.5)
            size.setValue(float(field.get("size", 12)))
        if square:
            spins[3].setEnabled(False)  # follows the width
        row = BoxRow(key, box, *spins, size, field)
        index = len(self.rows) + 1
        self.grid.addWidget(QLabel(translate("Designer", FIELD_NAMES[key]) if key in FIELD_NAMES else key), index, 0)
        for column, widget in enumerate((*spins, size), 1):
            if widget is not None:
                self.grid.addWidget(widget, index, column)
                widget.valueChanged.connect(lambda _v, row=row: self._edited(row))
        self.rows[key] = row

    # --- editing -------------------------------------------------------------------------------------------

    def _edited(self, row: BoxRow) -> None:
        box = row.box
        box["x"], box["y"] = row.x.value(), row.y.value()
        if "size" in box and "width" not in box:
            box["size"] = row.width.value()
            row.height.blockSignals(True)
            row.height.setValue(row.width.value())
            row.height.blockSignals(False)
        else:
            box["width"], box["height"] = row.width.value(), row.height.value()
        if row.field is not None and row.size is not None:
            row.field["size"] = row.size.value()
            if float(row.field.get("min_size", 0)) > row.size.value():
                row.field["min_size"] = row.size.value()  # a smaller size than the minimum lowers the minimum
        self.dirty = True
        self.notice.setText("")
        self.timer.start()  # restarts: the preview follows 300 ms after the last change

    def set_value(self, key: str, attr: str, value: float) -> None:
        """Sets one spin box (as a person would): key is a field's name, "seal" or "qr"; attr x/y/width/height/size."""
        spin = getattr(self.rows[key], attr)
        assert spin is not None
        spin.setValue(value)

    # --- the preview -----------------------------------------------------------------------------------------

    def render_preview(self) -> None:
        if self.data is None:
            return
        self._generation += 1
        generation, db, doc_type = self._generation, self.db, self.doc_type
        data = copy.deepcopy(self.data)  # the worker's own copy: edits go on meanwhile
        self.preview_state.setText(translate("Designer", "Updating the preview…"))
        run_task(lambda: preview_image(db, doc_type, data, PREVIEW_WIDTH),
                 lambda image: self._previewed(generation, image),
                 lambda exc: self._preview_failed(generation, exc))

    def _previewed(self, generation: int, image: QImage) -> None:
        if generation != self._generation:
            return
        self.banner.clear()
        self.previews += 1
        self.preview_image = image
        self._show_preview()
        self.preview_state.setText(translate("Designer", "Specimen with made-up names; nothing is issued."))

    def _show_preview(self) -> None:
        image = getattr(self, "preview_image", None)
        if image is None or image.isNull():
            return
        area = self.preview.contentsRect().size()
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            area, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._show_preview()

    def _preview_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.preview_state.setText(translate("Designer", "The preview could not be made with these values."))
        self._failed(exc)

    # --- images ------------------------------------------------------------------------------------------------

    def refresh_images(self) -> None:
        from ...services import certificates

        try:
            current = certificates.images(self.db)
        except PspError as exc:
            self.banner.show_error(exc)
            return
        for which, thumbnail in self.thumbnails.items():
            digest = getattr(current, which)
            image = _thumbnail(certificates.image_path(self.db, digest)) if digest else QImage()
            if image.isNull():
                thumbnail.setPixmap(QPixmap())
                thumbnail.setText(translate("Designer", "None") if not digest else translate("Designer", "Missing"))
            else:
                thumbnail.setPixmap(QPixmap.fromImage(image))
            self.remove_buttons[which].setEnabled(bool(digest))

    def choose_image(self, which: str) -> None:
        from ...services import certificates

        path, _filter = QFileDialog.getOpenFileName(
            self, translate("Designer", "Choose the image"), str(Path.home()),
            translate("Designer", "Images (*.png *.jpg *.jpeg)"))
        if path:
            self._change_image(lambda: certificates.set_image(self.db, which, Path(path)))

    def clear_image(self, which: str) -> None:
        from ...services import certificates

        self._change_image(lambda: certificates.clear_image(self.db, which))

    def _change_image(self, change: Callable[[], Any]) -> None:
        try:
            change()
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.banner.clear()
        self.refresh_images()
        self.render_preview()

    # --- saving ------------------------------------------------------------------------------------------------

    def save(self) -> None:
        from ...services import certificates

        if self.data is None:
            return
        try:
            certificates.save_template(self.db, self.doc_type, edits_from(self.data, self.shipped))
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.dirty = False
        self.banner.clear()
        self.notice.setText(translate("Designer", "Saved: new certificates use this design."))

    def reset(self) -> None:
        from ...services import certificates

        answer = QMessageBox.question(
            self, translate("Designer", "Reset the design"),
            translate("Designer", "Put every position and size of the {document} back as shipped? The office's "
                                  "images stay.").format(document=label(self.doc_type)))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            certificates.reset_template(self.db, self.doc_type)
        except PspError as exc:
            self.banner.show_error(exc)
            return
        self.notice.setText(translate("Designer", "The shipped design is back."))
        self.load()

    def _may_discard(self) -> bool:
        if not self.dirty:
            return True
        answer = QMessageBox.question(
            self, translate("Designer", "Unsaved changes"),
            translate("Designer", "The changes to the {document} are not saved. Discard them?").format(
                document=label(self.doc_type)))
        return answer == QMessageBox.StandardButton.Yes

    def reject(self) -> None:
        if self._may_discard():
            super().reject()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PspError):
            raise exc
        self.banner.show_error(exc)


def _shipped(doc_type: DocumentType) -> dict[str, Any]:
    from ...services import certificates

    return certificates.shipped_template(doc_type)


def _mm_spin(value: float, limit: float) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0, limit)
    spin.setDecimals(1)
    spin.setSingleStep(0.5)
    spin.setValue(value)
    return spin


def _thumbnail(path: Path) -> QImage:
    """A small copy, decoded at the small size (a background scan may be large)."""
    reader = QImageReader(str(path))
    size = reader.size()
    if size.isValid() and size.width() and size.height():
        reader.setScaledSize(size.scaled(THUMBNAIL - 4, THUMBNAIL - 4, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()
