"""The main window: navigation on the left, one page at a time, the open database in the status bar."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from .. import i18n
from ..errors import PspError
from ..settings import Settings
from .pages.base import Page
from .pages.dashboard import DashboardPage
from .pages.proposals import ProposalsPage
from .pages.registers import (
    CompetitionsPage,
    DocumentsPage,
    FundingPage,
    JudgingPage,
    MonitoringPage,
    NeedsPage,
    OrganizationsPage,
    ResultsPage,
)
from .pages.settings_page import SettingsPage
from .tasks import run_task

if TYPE_CHECKING:
    from ..db import Database

translate = QCoreApplication.translate

NAV_LABELS = {
    "Dashboard": QT_TRANSLATE_NOOP("MainWindow", "Dashboard"),
    "Needs": QT_TRANSLATE_NOOP("MainWindow", "Needs"),
    "Organizations": QT_TRANSLATE_NOOP("MainWindow", "Organizations"),
    "Competitions": QT_TRANSLATE_NOOP("MainWindow", "Competitions"),
    "Proposals": QT_TRANSLATE_NOOP("MainWindow", "Proposals"),
    "Judging": QT_TRANSLATE_NOOP("MainWindow", "Judging"),
    "Results": QT_TRANSLATE_NOOP("MainWindow", "Results"),
    "Funding": QT_TRANSLATE_NOOP("MainWindow", "Funding"),
    "Monitoring": QT_TRANSLATE_NOOP("MainWindow", "Monitoring"),
    "Documents": QT_TRANSLATE_NOOP("MainWindow", "Documents"),
    "Settings": QT_TRANSLATE_NOOP("MainWindow", "Settings"),
}
PAGE_NAMES = tuple(NAV_LABELS)


class MainWindow(QMainWindow):
    database_opened = Signal()
    database_failed = Signal(str)

    def __init__(self, settings: Settings, *, remember_geometry: bool = True) -> None:
        super().__init__()
        self.settings = settings
        self.remember_geometry = remember_geometry
        self.db: Database | None = None
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(170)
        self.nav.setIconSize(QSize(0, 0))
        self.nav.setStyleSheet(
            "#nav { background: #1d3b5f; color: #e8eef6; border: none; font-size: 11pt; }"
            "#nav::item { padding: 10px 16px; }"
            "#nav::item:selected { background: #2f5f94; color: white; }")
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        for name, page in self._make_pages():
            self.pages[name] = page
            self.stack.addWidget(page)
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.nav.addItem(item)
            page.failed.connect(self._page_failed)
        self.nav.currentRowChanged.connect(self._on_nav)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.db_label = QLabel()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.busy_text = QLabel()
        self.statusBar().addWidget(self.busy_text)
        self.statusBar().addWidget(self.busy)
        self.statusBar().addPermanentWidget(self.db_label)
        QShortcut(QKeySequence.StandardKey.Refresh, self, activated=self.refresh)
        self.retranslate()
        self._restore_geometry()
        start = settings["last_page"] if settings["last_page"] in self.pages else "Dashboard"
        self.show_page(start)

    def _make_pages(self) -> list[tuple[str, Page]]:
        settings_page = SettingsPage(self.settings["language"])
        settings_page.language_chosen.connect(self.set_language)
        pages: list[Page] = [DashboardPage(), NeedsPage(), OrganizationsPage(), CompetitionsPage(), ProposalsPage(),
                             JudgingPage(), ResultsPage(), FundingPage(), MonitoringPage(), DocumentsPage(),
                             settings_page]
        return [(page.name, page) for page in pages]

    # --- pages --------------------------------------------------------------------------------------------

    def show_page(self, name: str) -> Page:
        index = PAGE_NAMES.index(name)
        self.nav.setCurrentRow(index)
        return self.pages[name]

    def current_page(self) -> Page:
        return self.pages[PAGE_NAMES[self.stack.currentIndex()]]

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.current_page()
        self.settings["last_page"] = page.name
        page.ensure_loaded()

    def refresh(self) -> None:
        for page in self.pages.values():
            page.set_database(self.db)
        self.current_page().ensure_loaded()

    def _page_failed(self, exc: BaseException) -> None:
        self.show_error(exc)

    # --- database -----------------------------------------------------------------------------------------

    def open_database(self, opener: Callable[[], Database]) -> None:
        """Opens (and migrates, or builds the demo) off the GUI thread while the window stays responsive."""
        self._set_busy(translate("MainWindow", "Opening the database…"))
        run_task(opener, self._database_ready, self._database_error)

    def _database_ready(self, db: Database) -> None:
        self._set_busy("")
        self.db = db
        self.db_label.setText(translate("MainWindow", "Database: {where}").format(where=db.describe()))
        self.refresh()
        self.database_opened.emit()

    def _database_error(self, exc: BaseException) -> None:
        self._set_busy("")
        self.db_label.setText(translate("MainWindow", "No database open"))
        message = self.show_error(exc)
        self.database_failed.emit(message)

    def show_error(self, exc: BaseException) -> str:
        if isinstance(exc, PspError):
            message = exc.render(translate)
        else:
            message = translate("MainWindow", "Unexpected error: {error}").format(error=exc)
        if not os.environ.get("PSP_NO_DIALOGS"):
            QMessageBox.critical(self, translate("MainWindow", "PSP Desktop"), message)
        return message

    def _set_busy(self, text: str) -> None:
        self.busy_text.setText(text)
        self.busy.setVisible(bool(text))

    # --- language, geometry -------------------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        self.settings["language"] = language
        self.settings.save()
        i18n.install(language)  # posts LanguageChange to every widget

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(translate("MainWindow", "PSP Desktop — community venture philanthropy"))
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            item.setText(translate("MainWindow", NAV_LABELS[item.data(Qt.ItemDataRole.UserRole)]))
        if self.db is not None:
            self.db_label.setText(translate("MainWindow", "Database: {where}").format(where=self.db.describe()))
        else:
            self.db_label.setText(translate("MainWindow", "No database open"))

    def _restore_geometry(self) -> None:
        saved = self.settings["window_geometry"]
        if not (self.remember_geometry and saved and self.restoreGeometry(QByteArray(base64.b64decode(saved)))):
            self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.remember_geometry:
            self.settings["window_geometry"] = base64.b64encode(bytes(self.saveGeometry().data())).decode()
            self.settings.save()
        if self.db is not None:
            self.db.close()
        super().closeEvent(event)
