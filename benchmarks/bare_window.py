"""Baseline: a bare PySide6 QMainWindow, started cold; prints when it is first painted, then exits."""

import os
import sys
import time

START = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402


class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, done)
        return False


def done() -> None:
    print(f"painted {time.perf_counter() - START:.4f}", flush=True)
    os._exit(0)


app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
paint_filter = FirstPaint()
window.installEventFilter(paint_filter)
window.show()
app.exec()
