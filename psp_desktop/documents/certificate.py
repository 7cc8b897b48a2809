"""Certificates and letters (荣誉证书, 聘书, 参与证书): a single page where every text stands in its own box.

Unlike the flowing documents (render.py), a certificate is positioned: resources/templates/<type>.json gives each
text field a box in mm measured from the page's top-left corner, a font size and a minimum size, and the seal, QR
code and background boxes. A text that does not fit its box never overflows or clips:
- a one-line field (``"wrap": false``, e.g. the organization) first shrinks to fit, down to its minimum size, and
  only then wraps at the minimum size;
- a paragraph field (``"wrap": true``) takes the largest size, down to the minimum, at which its wrapped lines fit.
If even that does not fit, the template is refused with a message naming the field (make the box larger).

Lines break between units as in text.py (closing punctuation never starts a line). Layout is worked out at size 1
and scaled, so trying a size costs one pass over the characters. The QR code is drawn as one filled path.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import json
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from ..enums import AwardLevel
from ..enums import DocumentType as DocType
from ..errors import QT_TRANSLATE_NOOP, Term, ValidationError, os_reason
from .fonts import setup
from .template import UNKNOWN_PLACEHOLDER, placeholders, template_dir
from .text import _glues

CREATOR = "PSP Desktop"
ALIGNMENTS = ("left", "center", "right", "justify")
VALIGNMENTS = ("top", "middle", "bottom")
QR_QUIET_MODULES = 2  # white modules around the code (the page around it is blank or a pale background)
BOLD_STROKE = 0.035  # em: the bundled font has no bold face; glyphs are filled and outlined (as text.py does)
SIZE_STEP = 0.25  # points: sizes tried between the maximum and the minimum

TEMPLATE_INVALID = QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: {reason}")
NOT_AN_OBJECT = QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: the file does not hold "
                                            "a JSON object.")
MISSING_ENTRY = QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: the entry {entry} is "
                                            "missing.")
WRONG_VALUE = QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: a value has the wrong "
                                          "kind ({detail}).")
BAD_COLOUR = QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: the colour {key} should "
                                         "look like #1A2B3C, not {text}.")
# what is wrong with a template, each a whole sentence so it translates as one
_BAD = {
    "document": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                            "its 'document' entry should be {expected}."),
    "page": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                        "the page should be A4, portrait or landscape."),
    "twin_fields": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                               "two fields have the same name."),
    "label": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                         "the label {label} is missing."),
    "qr_square": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                             "the QR code box should be square."),
    "colour_name": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                               "there is no colour named {name}."),
    "empty_box": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                             "the box of {what} needs a width and a height above 0 mm."),
    "outside": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                           "the box of {what} ({box} mm) is not inside the page's margins."),
    "field_entry": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                               "the field {name} has an unknown entry {entry}."),
    "field_sizes": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                               "the field {name} needs 0 < smallest size ≤ size ≤ 200 pt."),
    "field_align": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                               "the field {name} should align {across} and {down}."),
    "frame": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                         "a frame needs an inset inside the page and a line width of 0–20 pt."),
    "field_spacing": QT_TRANSLATE_NOOP("Errors", "The certificate template {template} is not usable: "
                                                 "the field {name} needs line spacing 1–4, letter spacing 0–3 em "
                                                 "and an indent of 0–10 em."),
}
FIELD_NAMES = {  # the template's items as the designer and the messages name them
    "title": QT_TRANSLATE_NOOP("Designer", "Title"),
    "addressee": QT_TRANSLATE_NOOP("Designer", "Addressee"),
    "body": QT_TRANSLATE_NOOP("Designer", "Body text"),
    "issuer": QT_TRANSLATE_NOOP("Designer", "Issuing authority"),
    "date": QT_TRANSLATE_NOOP("Designer", "Date"),
    "serial": QT_TRANSLATE_NOOP("Designer", "Serial number"),
    "seal": QT_TRANSLATE_NOOP("Designer", "Seal"),
    "qr": QT_TRANSLATE_NOOP("Designer", "QR code"),
    "background": QT_TRANSLATE_NOOP("Designer", "Background"),
}


def item_name(name: str) -> Term | str:
    """A template item's name for a message: translated when it is one the designer knows."""
    return Term("Designer", FIELD_NAMES[name]) if name in FIELD_NAMES else name



TEXT_TOO_LONG = QT_TRANSLATE_NOOP(
    "Errors", "The text of the field “{field}” does not fit its box on the certificate template {template} even at "
              "its minimum size of {size} pt. Make the box larger or the minimum size smaller.")


@dataclass(frozen=True, slots=True)
class CertificateKind:
    """What a certificate type offers its template: placeholders (from the issued facts) and label groups."""

    doc_type: DocType
    fields: frozenset[str]
    labels: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return str(self.doc_type)


_COMMON = frozenset({"subject", "title", "project", "detail", "competition", "issuer", "issued_on",
                     "issued_on_chinese", "serial"})
LEVEL_KEYS = frozenset(str(level) for level in AwardLevel)
ROLE_KEYS = frozenset({"expert", "public", "chair"})
KINDS: dict[DocType, CertificateKind] = {
    DocType.AWARD_CERTIFICATE: CertificateKind(DocType.AWARD_CERTIFICATE, _COMMON | {"organization", "level"},
                                               {"level": LEVEL_KEYS}),
    DocType.APPOINTMENT_LETTER: CertificateKind(DocType.APPOINTMENT_LETTER, _COMMON | {"person", "role"},
                                                {"role": ROLE_KEYS}),
    DocType.PARTICIPATION_CERTIFICATE: CertificateKind(DocType.PARTICIPATION_CERTIFICATE,
                                                       _COMMON | {"organization"}),
}
ALIASES = {"organization": "subject", "person": "subject", "level": "detail", "role": "detail"}


# --- the template as data ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Box:
    """In points, reportlab's way: (x, y) is the lower-left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height

    @property
    def right(self) -> float:
        return self.x + self.width


@dataclass(frozen=True, slots=True)
class TextField:
    name: str
    text: str
    box: Box
    size: float
    min_size: float
    align: str = "left"
    valign: str = "top"
    colour: str = "text"
    bold: bool = False
    line_spacing: float = 1.5
    letter_spacing_em: float = 0.0
    indent_em: float = 0.0  # first line of each paragraph
    wrap: bool = False  # True: a paragraph; False: one line that shrinks before it wraps


@dataclass(frozen=True, slots=True)
class Frame:
    inset: float  # points from the page edge
    width: float  # line width, points
    colour: str


@dataclass(frozen=True, slots=True)
class Corners:
    inset: float
    size: float
    width: float
    colour: str


@dataclass(frozen=True)
class CertificateTemplate:
    name: str  # where it came from, for messages: a file name or a setting
    title: str
    page_size: tuple[float, float]
    colours: Mapping[str, colors.Color]
    frames: tuple[Frame, ...]
    corners: Corners | None
    fields: tuple[TextField, ...]
    seal: Box | None
    qr: Box
    background: Box
    labels: Mapping[str, Mapping[str, str]]
    specimen: str = ""

    def label(self, group: str, key: str) -> str:
        return self.labels[group][key]


class _Bad(Exception):
    """A template entry that is not what the renderer expects: a message (with {template}) and its values."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message, self.params = message, params


def shipped_data(kind: CertificateKind, directory: Path | None = None) -> dict[str, Any]:
    """The JSON as shipped in resources/templates (or in directory)."""
    path = (directory or template_dir()) / f"{kind.template}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(TEMPLATE_INVALID, template=path, reason=os_reason(exc)) from exc
    except ValueError as exc:
        raise ValidationError(TEMPLATE_INVALID, template=path, reason=exc) from exc
    if not isinstance(data, dict):
        raise ValidationError(NOT_AN_OBJECT, template=path)
    return data


def load(kind: CertificateKind, directory: Path | None = None) -> CertificateTemplate:
    return parse(kind, shipped_data(kind, directory), f"{kind.template}.json")


def parse(kind: CertificateKind, data: Mapping[str, Any], name: str) -> CertificateTemplate:
    """Checks a template given as data (the shipped JSON, or an office's edited copy). Unknown placeholders and
    anything the renderer cannot draw are refused here, before any certificate is made."""
    try:
        template = _parse(kind, data, name)
    except _Bad as exc:
        raise ValidationError(exc.message, template=name, **exc.params) from exc
    except KeyError as exc:
        raise ValidationError(MISSING_ENTRY, template=name, entry=exc.args[0] if exc.args else "") from exc
    except (TypeError, ValueError) as exc:
        raise ValidationError(WRONG_VALUE, template=name, detail=exc) from exc
    for text in [template.title, *(f.text for f in template.fields)]:
        for placeholder in placeholders(text):
            if placeholder not in kind.fields:
                raise ValidationError(UNKNOWN_PLACEHOLDER, template=name, placeholder="{" + placeholder + "}")
    return template


def _parse(kind: CertificateKind, data: Mapping[str, Any], name: str) -> CertificateTemplate:
    if data.get("document") != kind.template:
        raise _Bad(_BAD["document"], expected=kind.template)
    page = data["page"]
    if page["size"] != "A4" or page["orientation"] not in ("portrait", "landscape"):
        raise _Bad(_BAD["page"])
    size = (landscape if page["orientation"] == "landscape" else portrait)(A4)
    colours = {key: _colour(key, value) for key, value in data["colours"].items()}
    margins = float(page.get("margin_mm", 0)) * mm
    inner = Box(margins, margins, size[0] - 2 * margins, size[1] - 2 * margins)
    fields = tuple(_field(item, size, inner, colours) for item in data["fields"])
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise _Bad(_BAD["twin_fields"])
    labels = {str(group): {str(k): str(v) for k, v in words.items()} for group, words in data.get("labels", {}).items()}
    for group, keys in kind.labels.items():
        missing = sorted(keys - set(labels.get(group, {})))
        if missing:
            raise _Bad(_BAD["label"], label=f"{group}.{missing[0]}")
    qr = _box(data["qr"], size, inner, "qr")
    if abs(qr.width - qr.height) > 0.01:
        raise _Bad(_BAD["qr_square"])
    return CertificateTemplate(
        name=name, title=str(data["title"]), page_size=size, colours=colours,
        frames=tuple(_frame(item, size, colours) for item in data.get("frames", ())),
        corners=_corners(data["corners"], colours) if data.get("corners") else None, fields=fields,
        seal=_box(data["seal"], size, inner, "seal") if data.get("seal") else None, qr=qr,
        background=_box(data.get("background") or {"x": 0, "y": 0, "width": size[0] / mm, "height": size[1] / mm},
                        size, Box(0, 0, *size), "background"),
        labels=labels, specimen=str(data.get("specimen", "")),
    )


def _colour(key: str, value: object) -> colors.Color:
    text = str(value)
    if len(text) != 7 or not text.startswith("#"):
        raise _Bad(BAD_COLOUR, key=key, text=text)
    try:
        return colors.HexColor(text)
    except ValueError as exc:
        raise _Bad(BAD_COLOUR, key=key, text=text) from exc


def _named_colour(colours: Mapping[str, colors.Color], name: str) -> str:
    if name not in colours:
        raise _Bad(_BAD["colour_name"], name=name)
    return name


def _box(data: Mapping[str, Any], page: tuple[float, float], inside: Box, what: str) -> Box:
    """A box given as {"x", "y", "width", "height"} in mm from the top-left corner (or {"x", "y", "size"})."""
    width = float(data.get("width", data.get("size", 0)))
    height = float(data.get("height", data.get("size", 0)))
    x, top = float(data["x"]), float(data["y"])
    if width <= 0 or height <= 0:
        raise _Bad(_BAD["empty_box"], what=item_name(what))
    box = Box(x * mm, page[1] - (top + height) * mm, width * mm, height * mm)
    fuzz = 0.01
    if (box.x < inside.x - fuzz or box.y < inside.y - fuzz or box.right > inside.right + fuzz
            or box.top > inside.top + fuzz):
        raise _Bad(_BAD["outside"],
                   what=item_name(what), box=f"{x:g}, {top:g}, {width:g} × {height:g}")
    return box


def _field(data: Mapping[str, Any], page: tuple[float, float], inside: Box,
           colours: Mapping[str, colors.Color]) -> TextField:
    name = str(data["name"])
    known = {"name", "text", "box", "size", "min_size", "align", "valign", "colour", "bold", "line_spacing",
             "letter_spacing_em", "indent_em", "wrap"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise _Bad(_BAD["field_entry"], name=name,
                   entry=unknown[0])
    size = float(data["size"])
    item = TextField(
        name=name, text=str(data["text"]), box=_box(data["box"], page, inside, name), size=size,
        min_size=float(data.get("min_size", size)), align=str(data.get("align", "left")),
        valign=str(data.get("valign", "top")), colour=_named_colour(colours, str(data.get("colour", "text"))),
        bold=bool(data.get("bold", False)), line_spacing=float(data.get("line_spacing", 1.5)),
        letter_spacing_em=float(data.get("letter_spacing_em", 0)), indent_em=float(data.get("indent_em", 0)),
        wrap=bool(data.get("wrap", False)),
    )
    if not 0 < item.min_size <= item.size <= 200:
        raise _Bad(_BAD["field_sizes"], name=name)
    if item.align not in ALIGNMENTS or item.valign not in VALIGNMENTS:
        raise _Bad(_BAD["field_align"], name=name,
                   across="/".join(ALIGNMENTS), down="/".join(VALIGNMENTS))
    if not 1 <= item.line_spacing <= 4 or not 0 <= item.letter_spacing_em <= 3 or not 0 <= item.indent_em <= 10:
        raise _Bad(_BAD["field_spacing"], name=name)
    return item


def _frame(data: Mapping[str, Any], page: tuple[float, float], colours: Mapping[str, colors.Color]) -> Frame:
    frame = Frame(float(data["inset_mm"]) * mm, float(data["width_pt"]), _named_colour(colours, str(data["colour"])))
    if not 0 <= frame.inset < min(page) / 2 or not 0 < frame.width <= 20:
        raise _Bad(_BAD["frame"])
    return frame


def _corners(data: Mapping[str, Any], colours: Mapping[str, colors.Color]) -> Corners:
    return Corners(float(data["inset_mm"]) * mm, float(data["size_mm"]) * mm, float(data["width_pt"]),
                   _named_colour(colours, str(data["colour"])))


# --- laying text out in its box -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    x: float  # of the first glyph's left edge
    baseline: float
    width: float  # from the first glyph's left edge to the last glyph's right edge
    char_space: float  # extra points after each character (letter spacing, or justification)


@dataclass(frozen=True, slots=True)
class Layout:
    size: float
    lines: tuple[Line, ...]
    top: float  # of the glyphs (the font's ascent above the first baseline)
    bottom: float  # the font's descent below the last baseline


@dataclass(frozen=True, slots=True)
class _Unit:
    text: str
    widths: tuple[float, ...]  # of each character at size 1, letter spacing included
    space: bool = False

    @property
    def width(self) -> float:
        return sum(self.widths)


class _Metrics:
    """Character widths at size 1 (cached: a batch draws the same few hundred characters again and again)."""

    def __init__(self, font: str) -> None:
        self.font = font
        face = pdfmetrics.getFont(font).face
        self.ascent, self.descent = face.ascent / 1000, face.descent / 1000  # descent is negative
        self._widths: dict[str, float] = {}
        self._lock = threading.Lock()

    def width(self, ch: str) -> float:
        found = self._widths.get(ch)
        if found is None:
            found = pdfmetrics.stringWidth(ch, self.font, 1000) / 1000
            with self._lock:
                self._widths[ch] = found
        return found

    def text_width(self, text: str, letter_spacing: float) -> float:
        """Left edge of the first glyph to right edge of the last, at size 1."""
        return sum(self.width(ch) for ch in text) + letter_spacing * max(len(text) - 1, 0)


_metrics: dict[str, _Metrics] = {}


def metrics(font: str) -> _Metrics:
    if font not in _metrics:
        _metrics[font] = _Metrics(font)
    return _metrics[font]


def _units(text: str, m: _Metrics, spacing: float) -> list[_Unit]:
    """Characters glued as text.py glues them: closing marks to what precedes, opening marks to what follows, a run
    of Latin letters and digits together. Widths include the letter spacing after each character."""
    units: list[_Unit] = []
    previous = ""
    for ch in text:
        width = m.width(ch) + spacing
        if ch.isspace():
            units.append(_Unit(" ", (width,), space=True))
        elif units and not units[-1].space and _glues(previous, ch):
            last = units[-1]
            units[-1] = _Unit(last.text + ch, (*last.widths, width))
        else:
            units.append(_Unit(ch, (width,)))
        previous = ch
    return units


def _break(units: Sequence[_Unit], first: float, rest: float) -> list[str]:
    """Greedy filling at size 1: the first line `first` wide, the others `rest`. A unit wider than a whole line is
    cut between characters. Widths carry the letter spacing after the last character too, which hangs past the
    line harmlessly: it is checked without it."""
    lines: list[str] = []
    current, width = "", 0.0
    queue = list(reversed(units))
    while queue:
        unit = queue.pop()
        limit = first if not lines else rest
        if unit.space:
            if current:
                current, width = current + " ", width + unit.width
            continue
        if current and width + unit.width > limit + 1e-9:
            lines.append(current.rstrip())
            current, width = "", 0.0
            queue.append(unit)
        elif not current and unit.width > limit + 1e-9 and len(unit.text) > 1:
            queue.extend(reversed([_Unit(ch, (w,)) for ch, w in zip(unit.text, unit.widths, strict=True)]))
        else:
            current, width = current + unit.text, width + unit.width
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


@dataclass(frozen=True)
class _Wrapped:
    lines: tuple[tuple[str, bool, bool], ...]  # (text, first line of a paragraph, last line of a paragraph)


def _wrap(paragraphs: Sequence[str], m: _Metrics, f: TextField, size: float, wrap: bool) -> _Wrapped | None:
    """Lines at this size, or None when they do not fit the box."""
    stroke = BOLD_STROKE if f.bold else 0.0
    width = f.box.width / size - stroke  # everything at size 1
    indent = f.indent_em
    lines: list[tuple[str, bool, bool]] = []
    for paragraph in paragraphs:
        units = _units(paragraph, m, f.letter_spacing_em)
        broken = _break(units, width - indent, width) if wrap else [paragraph.strip()]
        for n, text in enumerate(broken):
            limit = width - (indent if n == 0 else 0)
            if m.text_width(text, f.letter_spacing_em) > limit + 1e-9:
                return None
            lines.append((text, n == 0, n == len(broken) - 1))
    height = ((len(lines) - 1) * f.line_spacing + m.ascent - m.descent + stroke) * size
    return _Wrapped(tuple(lines)) if height <= f.box.height + 1e-6 else None


def _sizes(f: TextField) -> list[float]:
    """From the largest to the minimum, in SIZE_STEP steps (the minimum itself always last)."""
    steps = math.floor((f.size - f.min_size) / SIZE_STEP + 1e-9)
    sizes = [f.size - n * SIZE_STEP for n in range(steps + 1)]
    return sizes if sizes[-1] <= f.min_size + 1e-9 else [*sizes, f.min_size]


def _largest(sizes: Sequence[float], fits: Callable[[float], _Wrapped | None]) -> tuple[float, _Wrapped] | None:
    """Fitting is monotonic in the size (smaller text takes fewer, shorter lines): bisect for the largest."""
    low, high, best = 0, len(sizes) - 1, None
    while low <= high:
        middle = (low + high) // 2
        found = fits(sizes[middle])
        if found is not None:
            best, high = (sizes[middle], found), middle - 1
        else:
            low = middle + 1
    return best


def layout(f: TextField, text: str, font: str, template_name: str = "") -> Layout:
    """Where each line of the field's (filled-in) text goes, in points on the page."""
    m = metrics(font)
    paragraphs = text.split("\n")
    found = _largest(_sizes(f), lambda s: _wrap(paragraphs, m, f, s, f.wrap))
    if found is None and not f.wrap:  # shrunk to the minimum and still too wide: wrap at the minimum
        wrapped = _wrap(paragraphs, m, f, f.min_size, True)
        found = (f.min_size, wrapped) if wrapped is not None else None
    if found is None:
        raise ValidationError(TEXT_TOO_LONG, field=item_name(f.name), template=template_name,
                              size=f"{f.min_size:g}")
    size, wrapped = found
    return _place(f, m, size, wrapped)


def _place(f: TextField, m: _Metrics, size: float, wrapped: _Wrapped) -> Layout:
    stroke = (BOLD_STROKE if f.bold else 0.0) * size
    leading = f.line_spacing * size
    block = (len(wrapped.lines) - 1) * leading + (m.ascent - m.descent) * size
    free = f.box.height - block - stroke
    top = f.box.top - stroke / 2 - {"top": 0, "middle": free / 2, "bottom": free}[f.valign]
    lines: list[Line] = []
    for n, (text, first, last) in enumerate(wrapped.lines):
        indent = f.indent_em * size if first else 0.0
        spacing = f.letter_spacing_em * size
        width = m.text_width(text, f.letter_spacing_em) * size
        room = f.box.width - stroke - indent
        x = f.box.x + stroke / 2 + indent
        if f.align == "center":
            x += (room - width) / 2
        elif f.align == "right":
            x += room - width
        elif f.align == "justify" and not last and len(text) > 1:
            spacing += (room - width) / (len(text) - 1)  # spread over the gaps between characters
            width = room
        lines.append(Line(text, x, top - m.ascent * size - n * leading, width, spacing))
    return Layout(size, tuple(lines), top, top - block)


# --- images --------------------------------------------------------------------------------------------------


class Picture:
    """An office image (seal, background) read once and drawn into many PDFs: the image object reportlab builds
    (decoding, compressing the pixels) is built once and copied into each document."""

    def __init__(self, data: bytes) -> None:
        from reportlab.lib.utils import ImageReader

        self.name = hashlib.sha256(data).hexdigest()
        reader = ImageReader(io.BytesIO(data))
        self.width, self.height = reader.getSize()
        # a JPEG goes into the PDF as it is; others are decoded and compressed (with their transparency) once here
        self._xobject = pdfdoc.PDFImageXObject(self.name, reader, mask="auto")
        smask = getattr(self._xobject, "_smask", None)
        if smask is not None:
            del self._xobject._smask
        self._smask = smask

    def draw(self, canvas: Canvas, box: Box, *, multiply: bool = False) -> None:
        """Fitted into the box (aspect kept, centred), as drawImage(..., preserveAspectRatio=True) would.
        multiply: blended like ink, so the white around a scanned seal never hides the text under it."""
        doc = canvas._doc
        registered = doc.getXObjectName(self.name)
        if doc.idToObject.get(registered) is None:
            image = copy.copy(self._xobject)
            canvas._setXObjects(image)
            doc.Reference(image, registered)
            doc.addForm(self.name, image)
            if self._smask is not None:
                smask = copy.copy(self._smask)
                canvas._setXObjects(smask)
                image.smask = doc.Reference(smask, doc.getXObjectName(smask.name))
        scale = min(box.width / self.width, box.height / self.height)
        width, height = self.width * scale, self.height * scale
        canvas._currentPageHasImages = 1
        canvas.saveState()
        if multiply:
            canvas.setBlendMode("Multiply")
        canvas.translate(box.x + (box.width - width) / 2, box.y + (box.height - height) / 2)
        canvas.scale(width, height)
        canvas._code.append(f"/{registered} Do")
        canvas.restoreState()
        canvas._formsinuse.append(self.name)


@dataclass(frozen=True)
class Art:
    """The office's images for certificates (either may be missing: the app draws no seal of its own)."""

    seal: Picture | None = None
    background: Picture | None = None


# --- drawing --------------------------------------------------------------------------------------------------


def plain_values(kind: CertificateKind, values: Mapping[str, object]) -> dict[str, str]:
    """Every placeholder the kind offers, aliases (organization, level, ...) filled from the facts' names."""
    filled = {key: str(value) for key, value in values.items()}
    for alias, source in ALIASES.items():
        if alias in kind.fields and alias not in filled:
            filled[alias] = filled.get(source, "")
    return {key: filled.get(key, "") for key in kind.fields}


def _clean(text: str) -> str:
    """Control characters would print as boxes; line breaks come only from the template."""
    return "".join(" " if ch in "\r\n\t" else ch for ch in text if ch >= " " or ch in "\r\n\t")


def fill(text: str, values: Mapping[str, str]) -> str:
    return text.format_map({key: _clean(value) for key, value in values.items()})


def draw_page(canvas: Canvas, template: CertificateTemplate, values: Mapping[str, str], qr_text: str,
              art: Art | None = None, *, specimen: bool = False) -> None:
    """One certificate on the canvas's current page: background, frames, texts, the seal over them, the QR code;
    a specimen (a preview, never issued) is marked across the page."""
    font = setup()
    art = art or Art()
    if art.background is not None:
        art.background.draw(canvas, template.background)
    _draw_frames(canvas, template)
    for f in template.fields:
        text = fill(f.text, values)
        if text.strip():
            _draw_text(canvas, template, f, layout(f, text, font, template.name), font)
    if art.seal is not None and template.seal is not None:
        art.seal.draw(canvas, template.seal, multiply=True)
    draw_qr(canvas, template.qr, qr_text)
    if specimen and template.specimen:
        _draw_specimen(canvas, template, font)


def _draw_frames(canvas: Canvas, template: CertificateTemplate) -> None:
    width, height = template.page_size
    canvas.saveState()
    for frame in template.frames:
        canvas.setStrokeColor(template.colours[frame.colour])
        canvas.setLineWidth(frame.width)
        canvas.rect(frame.inset, frame.inset, width - 2 * frame.inset, height - 2 * frame.inset, stroke=1, fill=0)
    corners = template.corners
    if corners is not None:
        canvas.setStrokeColor(template.colours[corners.colour])
        canvas.setLineWidth(corners.width)
        canvas.setLineCap(0)
        for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
            x = corners.inset if sx > 0 else width - corners.inset
            y = corners.inset if sy > 0 else height - corners.inset
            _corner(canvas, x, y, sx * corners.size, sy * corners.size)
    canvas.restoreState()


def _corner(canvas: Canvas, x: float, y: float, dx: float, dy: float) -> None:
    """A bracket with an inner step (回纹-like) pointing into the page from the corner (x, y)."""
    path = canvas.beginPath()
    path.moveTo(x, y + dy)
    path.lineTo(x, y)
    path.lineTo(x + dx, y)
    path.moveTo(x + dx * 0.35, y + dy * 0.35)
    path.lineTo(x + dx * 0.35, y + dy * 0.7)
    path.moveTo(x + dx * 0.35, y + dy * 0.35)
    path.lineTo(x + dx * 0.7, y + dy * 0.35)
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.rect(x + dx * 0.12 - abs(dx) * 0.06, y + dy * 0.12 - abs(dy) * 0.06, abs(dx) * 0.12, abs(dy) * 0.12,
                stroke=0, fill=1)


def _draw_text(canvas: Canvas, template: CertificateTemplate, f: TextField, placed: Layout, font: str) -> None:
    colour = template.colours[f.colour]
    canvas.saveState()
    text = canvas.beginText()
    text.setFont(font, placed.size)
    text.setFillColor(colour)
    if f.bold:
        canvas.setLineWidth(placed.size * BOLD_STROKE)
        canvas.setStrokeColor(colour)
        text.setTextRenderMode(2)  # fill, then stroke
    for line in placed.lines:
        text.setTextOrigin(line.x, line.baseline)
        text.setCharSpace(line.char_space)
        text.textOut(line.text)
    canvas.drawText(text)
    canvas.restoreState()


@functools.lru_cache(maxsize=2048)
def qr_modules(qr_text: str) -> tuple[tuple[bool, ...], ...]:
    """The code's dark modules, row by row from the top (error correction M). Kept for the texts seen lately:
    choosing the mask costs most of a certificate's time, and a text is often drawn twice (its page in a
    combined book and its own file, the demo built again)."""
    widget = QrCodeWidget(qr_text, barLevel="M")
    widget.qr.make()
    return tuple(tuple(bool(cell) for cell in row) for row in widget.qr.modules)


def draw_qr(canvas: Canvas, box: Box, qr_text: str,
            modules: tuple[tuple[bool, ...], ...] | None = None) -> None:
    """White square, then the dark modules as one filled path in a coordinate system of one unit per module (so each
    run of dark modules along a row is a short "x y w 1 re" of whole numbers: small and quick to write)."""
    modules = modules if modules is not None else qr_modules(qr_text)
    count = len(modules)
    cell = box.width / (count + 2 * QR_QUIET_MODULES)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(box.x, box.y, box.width, box.height, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    canvas.translate(box.x + QR_QUIET_MODULES * cell, box.y + QR_QUIET_MODULES * cell)
    canvas.scale(cell, cell)
    runs: list[str] = []
    for r, row in enumerate(modules):
        y = count - 1 - r  # rows from the top, PDF from the bottom
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                runs.append(f"{start} {y} {c - start} 1 re")
            else:
                c += 1
    canvas._code.append("\n".join(runs) + "\nf")  # one fill for the whole code
    canvas.restoreState()


def _draw_specimen(canvas: Canvas, template: CertificateTemplate, font: str) -> None:
    """A preview is marked across the page so it is never taken for an issued certificate."""
    width, height = template.page_size
    size = min(width, height) / 4
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.12))
    canvas.translate(width / 2, height / 2)
    canvas.rotate(30)
    canvas.setFont(font, size)
    canvas.drawCentredString(0, -size / 3, template.specimen)
    canvas.restoreState()


# --- documents ------------------------------------------------------------------------------------------------


def set_keywords(canvas: Canvas, text: str) -> None:
    canvas.setKeywords(text)


Keywords = Callable[[Canvas, str], None]


def new_canvas(buffer: io.BytesIO, template: CertificateTemplate, *, title: str, author: str,
               subject: str) -> Canvas:
    font = setup()
    canvas = Canvas(buffer, pagesize=template.page_size, invariant=1, initialFontName=font, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    canvas.setCreator(CREATOR)
    canvas.setProducer(CREATOR)
    return canvas


def render(template: CertificateTemplate, values: Mapping[str, str], qr_text: str, art: Art | None = None, *,
           keywords: Keywords = set_keywords, specimen: bool = False) -> bytes:
    """One certificate as a one-page PDF; the QR text also goes into the PDF's keywords (read back by verify)."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, template, title=fill(template.title, values), author=values.get("issuer", ""),
                        subject=" ".join(part for part in (values.get("serial", ""), values.get("subject", ""))
                                         if part))
    keywords(canvas, qr_text)
    draw_page(canvas, template, values, qr_text, art, specimen=specimen)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class Book:
    """Many certificates in one PDF (to print a whole batch at once): add pages, then finish()."""

    def __init__(self, template: CertificateTemplate, *, title: str, author: str) -> None:
        self.template = template
        self._buffer = io.BytesIO()
        self._canvas = new_canvas(self._buffer, template, title=title, author=author, subject="")
        self.pages = 0

    def add(self, values: Mapping[str, str], qr_text: str, art: Art | None = None) -> None:
        draw_page(self._canvas, self.template, values, qr_text, art)
        self._canvas.showPage()
        self.pages += 1

    def set_keywords(self, text: str, keywords: Keywords = set_keywords) -> None:
        keywords(self._canvas, text)

    def finish(self) -> bytes:
        self._canvas.save()
        return self._buffer.getvalue()
