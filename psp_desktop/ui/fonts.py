"""Chinese-capable UI font: the system's Chinese font when there is one, else the bundled WenQuanYi Micro Hei."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ..paths import font_path

PREFERRED = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
             "WenQuanYi Micro Hei", "Droid Sans Fallback")
BASE_POINT_SIZE = 10


def setup_fonts(app: QApplication) -> list[str]:
    """Sets the application font and returns the family list chosen (bundled font registered if needed)."""
    installed = set(QFontDatabase.families())
    chosen = [family for family in PREFERRED if family in installed]
    if not chosen and not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        font_id = QFontDatabase.addApplicationFont(str(font_path()))
        chosen = list(QFontDatabase.applicationFontFamilies(font_id)) if font_id >= 0 else []
    font = QFont(app.font())
    if chosen:
        font.setFamilies([*chosen, *font.families()])
    font.setPointSize(max(font.pointSize(), BASE_POINT_SIZE))
    app.setFont(font)
    return chosen
