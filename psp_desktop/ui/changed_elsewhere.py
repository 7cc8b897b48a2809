"""A save refused because another PC (or window) saved the same record first (optimistic locking): the form says
so and, when asked, loads the saved version, so nobody's work is silently overwritten."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from ..services.organizations import ChangedElsewhere

translate = QCoreApplication.translate


def offer_reload(parent: QWidget, exc: BaseException, reload: Callable[[], None]) -> bool:
    """True when exc was such a refusal (whatever the answer); the form keeps what was typed unless reloaded."""
    if not isinstance(exc, ChangedElsewhere):
        return False
    answer = QMessageBox.question(
        parent, translate("Forms", "Saved elsewhere"),
        exc.render(translate) + "\n\n" + translate(
            "Forms", "Load the saved version now? What you typed in this form is replaced; answer No to copy it "
                     "first."))
    if answer == QMessageBox.StandardButton.Yes:
        reload()
    return True
