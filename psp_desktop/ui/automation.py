"""Running the window unattended: `--screenshot` renders a page and exits, `--bench-startup` reports start-up
times to the benchmark. Qt classes here are defined once at module level: classes created per call and later
garbage-collected have crashed PySide."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .pages.base import Page


class AfterPaint(QObject):
    """Calls back once the widget has painted after arm()."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self.callback = callback
        self.armed = False
        widget.installEventFilter(self)

    def arm(self) -> None:
        self.armed = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.armed:
            self.armed = False
            QTimer.singleShot(0, self.callback)
        return False


class StartupProbe(QObject):
    """Prints when the window is first painted and when the first page's data is painted, then exits."""

    def __init__(self, window: MainWindow, process_start: float) -> None:
        super().__init__(window)
        self.start = process_start
        self.painted = AfterPaint(window, lambda: self.mark("painted"))
        self.painted.arm()
        self.data: AfterPaint | None = None
        window.page_created.connect(self.watch)
        window.database_failed.connect(lambda _message: os._exit(2))

    def watch(self, page: Page) -> None:
        if self.data is None:
            self.data = AfterPaint(page, self.data_painted)
            page.loaded.connect(lambda: self.arm_data(page))

    def arm_data(self, page: Page) -> None:
        assert self.data is not None
        self.data.arm()
        page.update()

    def mark(self, what: str) -> None:
        print(f"{what} {time.perf_counter() - self.start:.4f}", flush=True)

    def data_painted(self) -> None:
        self.mark("data")
        os._exit(0)  # the benchmark measures start-up only


class Screenshot(QObject):
    """Saves the window once the database is open and the shown page has its data, then quits."""

    def __init__(self, window: MainWindow, path: Path, wait_ms: int = 0, tab: int = 0) -> None:
        super().__init__(window)
        self.window = window
        self.path = path
        self.wait_ms = wait_ms
        self.tab = tab
        window.database_opened.connect(self.wait_for_page)
        window.database_failed.connect(self.failed)

    def wait_for_page(self) -> None:
        page = self.window.current_page()
        tabs = getattr(page, "tabs", None)
        if self.tab and tabs is not None:
            tabs.setCurrentIndex(self.tab)
        if page.is_loaded:
            self.shoot()
        else:
            page.loaded.connect(self.shoot)
            page.failed.connect(lambda exc: self.failed(str(exc)))

    def shoot(self) -> None:
        QTimer.singleShot(100 + self.wait_ms, self.save)  # let column widths settle

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ok = self.window.grab().save(str(self.path))
        print(self.path if ok else f"could not write {self.path}", file=sys.stdout if ok else sys.stderr)
        QApplication.exit(0 if ok else 2)

    def failed(self, message: str) -> None:
        print(message, file=sys.stderr)
        QApplication.exit(2)
