"""The one font every PDF uses, registered once, plus the process-wide reportlab settings documents rely on."""

from __future__ import annotations

import threading

from reportlab import rl_config
from reportlab.lib import textsplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import paragraph

from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..paths import font_path

FONT_NAME = "WenQuanYiMicroHei"

# Closing punctuation that may never start a line, opening punctuation that may never end one (GB/T 15834 usage).
CLOSING = "，。；：！？”’》）、…—」』】〕〉］｝％‰℃!),.:;?]}%"
OPENING = "“‘《（「『【〔〈［｛([{"

_lock = threading.Lock()


def setup() -> str:
    """Registers the bundled font (a TrueType collection: face 0) and the line-breaking rules; returns the font name.
    Safe to call often and from worker threads."""
    with _lock:
        rl_config.invariant = 1  # no timestamps or random ids: the same input gives the same bytes
        _extend_cannot_start()
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(_load_font())
    return FONT_NAME


def _load_font() -> TTFont:
    path = font_path()
    try:
        return TTFont(FONT_NAME, str(path), subfontIndex=0)
    except (OSError, TTFError) as exc:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {reason}"), path=path,
                              reason=getattr(exc, "strerror", None) or exc) from exc


def _extend_cannot_start() -> None:
    """reportlab's table is Japanese-oriented (，；：！？”’》…— may start a line); paragraph.py copied the
    string at import, so both module attributes are extended."""
    for module in (textsplit, paragraph):
        current: str = module.ALL_CANNOT_START
        missing = "".join(ch for ch in CLOSING if ch not in current)
        if missing:
            module.ALL_CANNOT_START = current + missing
