"""Paragraphs for Chinese text: line breaking that keeps punctuation where it belongs, and a bold face.

reportlab's CJK wrapping lets only one closing mark hang past the margin, so in '。”' or '……' the second mark still
starts the next line, and the hanging mark can cross a table's grid. Here a line breaks only between *units*:
a character (or a run of Latin letters and digits, so '2026-WJ-001' and '48,200.00' stay whole) together with
the closing marks after it and the opening marks before it. A unit that does not fit moves to the next line whole.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.platypus.paragraph import Paragraph, ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

from .fonts import CLOSING, OPENING

_TEXT, _SPACE, _BREAK = "text", "space", "break"


@dataclass(frozen=True, slots=True)
class _Unit:
    start: int  # index range into the glyph list
    end: int
    width: float
    kind: str


def _latin(ch: str) -> bool:
    """Below General Punctuation: letters, digits and ASCII signs that read as one word."""
    return bool(ch) and ord(ch) < 0x2000 and not ch.isspace()


def _glues(previous: str, ch: str) -> bool:
    """True when no line break may fall between previous and ch."""
    if not previous or not ch or previous.isspace() or ch.isspace():
        return False
    return ch in CLOSING or previous in OPENING or (_latin(previous) and _latin(ch))


def _glyphs(frags: Sequence[Any]) -> list[cjkU]:
    glyphs: list[cjkU] = []
    for frag in frags:
        text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
        # an empty frag (a <br/>) still becomes one zero-width glyph that carries the frag
        glyphs.extend(cjkU(ch, frag, "utf8") for ch in text or [""])
    return glyphs


def _kind(glyph: cjkU) -> str:
    if hasattr(glyph.frag, "lineBreak"):
        return _BREAK
    return _SPACE if str(glyph).isspace() else _TEXT


def _units(glyphs: list[cjkU]) -> list[_Unit]:
    units: list[_Unit] = []
    for index, glyph in enumerate(glyphs):
        kind = _kind(glyph)
        previous = units[-1] if units else None
        if (kind == _TEXT and previous is not None and previous.kind == _TEXT
                and _glues(str(glyphs[index - 1]), str(glyph))):
            units[-1] = _Unit(previous.start, index + 1, previous.width + glyph.width, _TEXT)
        else:
            units.append(_Unit(index, index + 1, glyph.width, kind))
    return units


class _Lines:
    """Greedy filling of lines with units; spaces at either end of a line are dropped."""

    def __init__(self, glyphs: list[cjkU], max_widths: Sequence[float], calc_bounds: bool) -> None:
        self.glyphs, self.max_widths, self.calc_bounds = glyphs, max_widths, calc_bounds
        self.lines: list[Any] = []
        self.start: int | None = None
        self.end = 0
        self.width = 0.0
        self.pending_space = 0.0  # spaces after the last unit: counted only if more text follows on the line

    def limit(self) -> float:
        return self.max_widths[min(len(self.lines), len(self.max_widths) - 1)]

    def emit(self, line_break: bool = False) -> None:
        limit = self.limit()
        self.lines.append(makeCJKParaLine(self.glyphs[self.start or 0:self.end], limit, self.width, limit - self.width,
                                          line_break, self.calc_bounds))
        self.start, self.width, self.pending_space = None, 0.0, 0.0

    def place(self, unit: _Unit) -> None:
        self.start = unit.start if self.start is None else self.start
        self.width += self.pending_space + unit.width
        self.end, self.pending_space = unit.end, 0.0

    def fill(self, units: list[_Unit]) -> list[Any]:
        queue = deque(units)
        while queue:
            unit = queue.popleft()
            if unit.kind == _BREAK:
                self.start = unit.start if self.start is None else self.start
                self.end = unit.end
                self.emit(line_break=True)
            elif unit.kind == _SPACE:
                self.pending_space += unit.width if self.start is not None else 0.0
            elif self.start is not None and self.width + self.pending_space + unit.width > self.limit() + _FUZZ:
                self.emit()
                queue.appendleft(unit)
            elif unit.width > self.limit() + _FUZZ and unit.end - unit.start > 1:
                # wider than a whole line (a long code or URL): cut it between characters
                queue.extendleft(reversed([_Unit(i, i + 1, self.glyphs[i].width, _TEXT)
                                           for i in range(unit.start, unit.end)]))
            else:
                self.place(unit)
        if self.start is not None:
            self.emit()
        return self.lines


class CJKParagraph(Paragraph):
    """A Paragraph whose style has wordWrap='CJK', broken into lines by the rules above."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if getattr(self, "_splitpara", 0) and hasattr(self, "blPara"):
            return self.blPara  # the second half of a split paragraph keeps its lines
        if not self.frags:
            return super().breakLinesCJK(maxWidths)
        widths = list(maxWidths) if isinstance(maxWidths, (list, tuple)) else [maxWidths]
        self.height = 0
        cached = getattr(self, "_psp_lines", None)
        if cached is not None and cached[0] == widths:
            return cached[1]  # a table wraps every cell several times at the same width
        auto_leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        glyphs = _glyphs(self.frags)
        lines = ParaLines(kind=1, lines=_Lines(glyphs, widths, auto_leading not in ("", "off")).fill(_units(glyphs)))
        self._psp_lines = (widths, lines)
        return lines

    def draw(self) -> None:
        # half-leading, as in CSS: the gap between lines is shared above and below the text, so a line sits in
        # the middle of its table cell instead of at the top
        self.canv.translate(0, -(self.style.leading - self.style.fontSize) / 2)
        super().draw()


class BoldParagraph(CJKParagraph):
    """The bundled font has no bold face: the glyphs are filled and stroked with a thin outline instead."""

    def draw(self) -> None:
        self.canv.setLineWidth(self.style.fontSize * 0.035)
        self.canv.setStrokeColor(self.style.textColor)
        super().draw()

    def beginText(self, x: float, y: float) -> Any:
        text = super().beginText(x, y)
        text.setTextRenderMode(2)  # fill, then stroke
        return text


def line_texts(paragraph: Paragraph) -> list[str]:
    """The text of each wrapped line (after wrap()), for checks and tests."""
    lines = paragraph.blPara.lines
    if paragraph.blPara.kind == 1:
        return ["".join(word.text for word in line.words) for line in lines]
    return [" ".join(words) for _space, words in lines]
