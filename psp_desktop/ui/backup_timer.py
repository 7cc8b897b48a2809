"""Automatic backups while the main window has a database open: one at start, then a daily one, off the GUI
thread. Imported by the main window, so it stays light (QtCore only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from ..errors import PspError
from .tasks import run_task

if TYPE_CHECKING:
    from .main_window import MainWindow

CHECK_EVERY_MS = 60 * 60 * 1000  # hourly: the daily backup is due when the newest automatic one is a day old


class AutoBackups(QObject):
    taken = Signal(object)  # the new backup's path

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(lambda: self._run("daily"))
        window.database_opened.connect(self._opened)

    def _opened(self) -> None:
        self._run("start")
        self.timer.start()

    def _run(self, kind: str) -> None:
        db = self.window.db
        if db is None or db.path is None:  # a server database is backed up with pg_dump on the server
            return
        if self.window.account.auto_actor is not None:  # an unattended run renders and exits; it changes nothing
            return
        from ..services import backups

        keep = int(self.window.settings["backups_keep"])
        job = (lambda: backups.automatic_backup(db, "start", keep)) if kind == "start" else (
            lambda: backups.daily_backup(db, keep))
        run_task(job, self._done, self._failed)

    def _done(self, path: object) -> None:
        if path is not None:
            self.taken.emit(path)

    def _failed(self, exc: BaseException) -> None:
        """Work goes on without the backup; the status bar says so until something else is shown there."""
        translate = QCoreApplication.translate
        reason = exc.render(translate) if isinstance(exc, PspError) else str(exc)
        self.window.statusBar().showMessage(translate("Backups", "Automatic backup failed: {reason}").format(
            reason=reason))
