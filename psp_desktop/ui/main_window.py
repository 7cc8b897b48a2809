"""The main window: navigation on the left, one page at a time, the open database in the status bar."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

# The shell avoids the Qt namespace (materialising its enums costs tens of ms) so it paints sooner.
from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QCoreApplication, QEvent, QSize, Signal
from PySide6.QtGui import QCloseEvent, QColor, QFont, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QFrame,
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
from .account import AccountControl
from .tasks import run_task

if TYPE_CHECKING:
    from ..db import Database
    from .pages.base import Page

translate = QCoreApplication.translate

NAV_LABELS = {
    "Dashboard": QT_TRANSLATE_NOOP("MainWindow", "Dashboard"),
    "Needs": QT_TRANSLATE_NOOP("MainWindow", "Needs"),
    "Organizations": QT_TRANSLATE_NOOP("MainWindow", "Organizations"),
    "Competitions": QT_TRANSLATE_NOOP("MainWindow", "Competitions"),
    "Proposals": QT_TRANSLATE_NOOP("MainWindow", "Proposals"),
    "Judging": QT_TRANSLATE_NOOP("MainWindow", "Judging"),
    "Results": QT_TRANSLATE_NOOP("MainWindow", "Results"),
    "Purchasing": QT_TRANSLATE_NOOP("MainWindow", "Bidding and commission"),
    "Funding": QT_TRANSLATE_NOOP("MainWindow", "Funding"),
    "Monitoring": QT_TRANSLATE_NOOP("MainWindow", "Monitoring"),
    "Documents": QT_TRANSLATE_NOOP("MainWindow", "Documents"),
    "Settings": QT_TRANSLATE_NOOP("MainWindow", "Settings"),
}
PAGE_NAMES = tuple(NAV_LABELS)


def style_nav(nav: QListWidget) -> None:
    """Navigation colours through the palette: a style sheet here would delay the first paint noticeably."""
    palette = nav.palette()
    for role, colour in ((QPalette.ColorRole.Base, "#1d3b5f"), (QPalette.ColorRole.Window, "#1d3b5f"),
                         (QPalette.ColorRole.Text, "#e8eef6"),
                         (QPalette.ColorRole.Highlight, "#3a6ea8"), (QPalette.ColorRole.HighlightedText, "#ffffff")):
        palette.setColor(QPalette.ColorGroup.All, role, QColor(colour))
    nav.setPalette(palette)
    nav.setAutoFillBackground(True)
    nav.setFrameShape(QFrame.Shape.NoFrame)
    nav.setViewportMargins(10, 12, 10, 0)
    font = QFont(nav.font())
    font.setPointSize(font.pointSize() + 2)
    nav.setFont(font)


def make_page(name: str, window: MainWindow) -> Page:
    """Pages are imported when first shown, so start-up loads only what the first page needs."""
    if name == "Dashboard":
        from .pages.dashboard import DashboardPage

        return DashboardPage()
    if name == "Proposals":
        from .pages.proposals import ProposalsPage

        return ProposalsPage()
    if name == "Results":
        from .pages.results import ResultsPage

        return ResultsPage()
    if name == "Needs":
        from .pages.needs import NeedsPage

        return NeedsPage()
    if name == "Monitoring":
        from .pages.monitoring import MonitoringPage

        return MonitoringPage()
    if name == "Purchasing":
        from .pages.purchasing import PurchasingPage

        return PurchasingPage()
    if name == "Funding":
        from .pages.funding import FundingPage

        return FundingPage()
    if name == "Documents":
        from .pages.documents import DocumentsPage

        return DocumentsPage()
    if name == "Settings":
        from .pages.settings_page import SettingsPage

        settings_page = SettingsPage(window.settings)
        settings_page.language_chosen.connect(window.set_language)
        settings_page.idle_lock_changed.connect(window.account.set_idle_minutes)
        return settings_page
    from .pages import registers

    return getattr(registers, f"{name}Page")()


class MainWindow(QMainWindow):
    database_opened = Signal()
    database_failed = Signal(str)
    page_created = Signal(object)

    def __init__(self, settings: Settings, *, remember_geometry: bool = True) -> None:
        super().__init__()
        self.settings = settings
        self.remember_geometry = remember_geometry
        self.db: Database | None = None
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(170)
        style_nav(self.nav)
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}  # made on first visit: start-up builds only the first page
        for _name in PAGE_NAMES:
            item = QListWidgetItem()
            item.setSizeHint(QSize(150, 40))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._on_nav)
        self.nav.blockSignals(True)  # focus on show would select a row and build a page before the first paint
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
        self.account = AccountControl(self)  # who is signed in; the pages get the database only after sign-in
        self._announced = False
        self.retranslate()
        self._restore_geometry()
        self.first_page = settings["last_page"] if settings["last_page"] in PAGE_NAMES else "Dashboard"
        from .backup_timer import AutoBackups  # a start backup, then daily ones, while a database is open

        self.auto_backups = AutoBackups(self)

    def show_first_page(self) -> None:
        """Called once the bare shell has been painted."""
        self.nav.blockSignals(False)
        self.show_page(self.first_page)

    # --- pages --------------------------------------------------------------------------------------------

    def page(self, name: str) -> Page:
        """The page called name, made on first use."""
        if name not in self.pages:
            page = make_page(name, self)
            page.set_database(self.db)
            page.failed.connect(self._page_failed)
            page.changed.connect(self.refresh)
            self.pages[name] = page
            self.stack.addWidget(page)
            self.page_created.emit(page)
        return self.pages[name]

    def show_page(self, name: str) -> Page:
        row = PAGE_NAMES.index(name)
        if self.nav.currentRow() == row:
            self._on_nav(row)
        else:
            self.nav.setCurrentRow(row)
        return self.pages[name]

    def current_page(self) -> Page:
        return self.page(PAGE_NAMES[self.nav.currentRow()])

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        page = self.page(PAGE_NAMES[row])
        self.stack.setCurrentWidget(page)
        self.settings["last_page"] = page.name
        page.ensure_loaded()

    def refresh(self) -> None:
        for page in self.pages.values():
            page.set_database(self.db)  # also shows or hides what the signed-in person may do
        self.current_page().ensure_loaded()
        self.account.update_button()

    def preview(self, data: object) -> None:
        """Figures for the first page read before the database is fully open (see services.overview)."""
        page = self.current_page()
        unattended = self.account.auto_actor is not None  # else nothing shows before someone signs in
        if self.db is None and unattended and page.name == "Dashboard" and data is not None:
            page.show_data(data)

    def _page_failed(self, exc: BaseException) -> None:
        self.show_error(exc)

    # --- database -----------------------------------------------------------------------------------------

    def open_database(self, opener: Callable[[], Database], preview: Callable[[], object] | None = None) -> None:
        """Opens (and migrates, or builds the demo) off the GUI thread while the window stays responsive.
        `preview` reads the first page's figures first, without waiting for the full open."""
        self._set_busy(translate("MainWindow", "Opening the database…"))
        if preview is None:
            run_task(opener, self._database_ready, self._database_error)
            return

        def previewed(data: object) -> None:
            self.preview(data)
            run_task(opener, self._database_ready, self._database_error)

        run_task(preview, previewed, lambda _exc: run_task(opener, self._database_ready, self._database_error))

    def _database_ready(self, db: Database) -> None:
        self._set_busy("")
        self.db_label.setText(translate("MainWindow", "Database: {where}").format(where=db.describe()))
        self.account.start(db)  # signs in (a dialog unless someone is signed in), then signed_in_to

    def signed_in_to(self, db: Database) -> None:
        """Someone signed in: the pages get the database, with the buttons their roles allow."""
        self.db = db
        self.stack.show()
        self.nav.setEnabled(True)
        self.refresh()
        if not self._announced:
            self._announced = True
            self.database_opened.emit()

    def signed_out(self) -> None:
        """Nobody signed in: the pages show nothing until someone signs in again."""
        self.db = None
        for page in self.pages.values():
            page.set_database(None)
        self.stack.hide()
        self.nav.setEnabled(False)

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

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(translate("MainWindow", "PSP Desktop — community venture philanthropy"))
        for row, name in enumerate(PAGE_NAMES):
            self.nav.item(row).setText(translate("MainWindow", NAV_LABELS[name]))
        opened = self.account.opened
        if opened is not None:
            self.db_label.setText(translate("MainWindow", "Database: {where}").format(where=opened.describe()))
        else:
            self.db_label.setText(translate("MainWindow", "No database open"))
        self.account.retranslate()

    def _restore_geometry(self) -> None:
        saved = self.settings["window_geometry"]
        if not (self.remember_geometry and saved and self.restoreGeometry(QByteArray(base64.b64decode(saved)))):
            self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.remember_geometry:
            self.settings["window_geometry"] = base64.b64encode(bytes(self.saveGeometry().data())).decode()
            self.settings.save()
        self.account.shutdown()
        opened = self.account.opened or self.db
        if opened is not None:
            opened.close()
        super().closeEvent(event)
