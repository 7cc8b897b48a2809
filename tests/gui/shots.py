"""Screenshots for people to look at while they work on a window; a test never depends on them.

shoot() saves into /tmp/shots when that folder exists. PSP_EXTRA_QM names a .qm with strings not yet in the shipped
translations, so a screenshot shows them in Chinese before they are merged.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

SHOTS = Path("/tmp/shots")


def shoot(widget: QWidget, name: str) -> None:
    if SHOTS.is_dir():
        QApplication.processEvents()
        widget.grab().save(str(SHOTS / f"{name}.png"))


def extra_translator() -> QTranslator | None:
    """Installs the translator PSP_EXTRA_QM names (the caller removes it); None when there is none."""
    qm = os.environ.get("PSP_EXTRA_QM")
    if not qm:
        return None
    translator = QTranslator(QApplication.instance())
    if not translator.load(qm):
        return None
    QCoreApplication.installTranslator(translator)
    return translator
