"""Python's cyclic garbage collector runs on whichever thread happens to allocate. If it frees a Qt widget
caught in a reference cycle while a worker thread is running, the widget is destroyed off the GUI thread and
the process crashes. So automatic collection is switched off and done here, on the GUI thread (the approach
Anki's desktop app takes for the same reason)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()[0]
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(INTERVAL_MS)

    def check(self) -> None:
        """Collects the generations that automatic collection would have collected by now."""
        counts = gc.get_count()
        if counts[0] > self.threshold:
            generation = 2 if counts[2] > 10 else 1 if counts[1] > 10 else 0
            gc.collect(generation)

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()
