"""The Backups section of the Settings page: back up now to a chosen folder (or USB stick), the recent automatic
backups, how many to keep, and restoring a backup (after which the main window reopens the database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..errors import PspError
from ..services import access, backups
from ..services.access import Permission
from .table import Column, RowTableModel, make_proxy
from .tasks import run_task
from .widgets import ColumnFitter, heading, make_table_view

if TYPE_CHECKING:
    from ..db import Database
    from .pages.settings_page import SettingsPage

translate = QCoreApplication.translate

KINDS = {
    backups.START: QT_TRANSLATE_NOOP("Backups", "At start"),
    backups.DAILY: QT_TRANSLATE_NOOP("Backups", "Daily"),
    backups.MANUAL: QT_TRANSLATE_NOOP("Backups", "Manual"),
    backups.BEFORE_RESTORE: QT_TRANSLATE_NOOP("Backups", "Before a restore"),
}
BEFORE_UPGRADE = QT_TRANSLATE_NOOP("Backups", "Before an upgrade")
COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "Taken"), "taken"),
    Column(QT_TRANSLATE_NOOP("Columns", "Kind"), "kind"),
    Column(QT_TRANSLATE_NOOP("Columns", "Size"), "size"),
    Column(QT_TRANSLATE_NOOP("Columns", "File"), "name"),
)
SHOWN = 12  # the newest automatic backups listed


@dataclass(frozen=True)
class BackupRow:
    taken: str
    kind: str
    size: str
    name: str
    path: Path


def kind_text(label: str) -> str:
    return translate("Backups", KINDS.get(label, BEFORE_UPGRADE))


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 100 * 1024 else f"{max(1, size // 1024)} KB"


def when(taken: dt.datetime) -> str:
    return taken.strftime("%Y-%m-%d %H:%M")


class BackupSection(QWidget):
    def __init__(self, page: SettingsPage) -> None:
        super().__init__(page)
        self.page = page
        self._infos: tuple[backups.BackupInfo, ...] = ()
        self._busy = False
        self._following = False
        self.caption = heading(2)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setMaximumWidth(900)
        self.note.setStyleSheet("color: #555;")
        self.keep_label = QLabel()
        self.keep = QSpinBox()
        self.keep.setRange(1, 100)
        self.keep.setValue(max(1, int(page.settings["backups_keep"])))
        self.keep.valueChanged.connect(self._save_keep)
        page.guard_setting(self.keep, "backups_keep")
        self.backup_button = QPushButton()
        self.backup_button.clicked.connect(lambda _checked=False: self.back_up())
        self.restore_button = QPushButton()
        self.restore_button.clicked.connect(lambda _checked=False: self.choose_restore())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        self.model = RowTableModel(COLUMNS, self)
        self.view = make_table_view(self)
        self.view.setModel(make_proxy(self.model, self))
        self.view.setFixedHeight(self.view.verticalHeader().defaultSectionSize() * 7 + 4)
        self.fitter = ColumnFitter(self.view, 3)

        bar = QHBoxLayout()
        bar.addWidget(self.backup_button)
        bar.addWidget(self.restore_button)
        bar.addSpacing(24)
        bar.addWidget(self.keep_label)
        bar.addWidget(self.keep)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.note)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.view)
        page.loaded.connect(self.reload)
        self.retranslate()

    @property
    def db(self) -> Database | None:
        return self.page.db

    # --- the list --------------------------------------------------------------------------------------------

    def reload(self) -> None:
        db = self.db
        self._enable()
        if db is not None:
            run_task(lambda: backups.list_backups(db), self._listed, self._failed)

    def _listed(self, infos: tuple[backups.BackupInfo, ...]) -> None:
        self._infos = tuple(info for info in infos if info.automatic)[:SHOWN]
        self._fill()

    def _fill(self) -> None:
        self.model.set_rows([BackupRow(when(i.taken_at), kind_text(i.label), size_text(i.size), i.path.name, i.path)
                             for i in self._infos])
        self.fitter.fit()

    def _save_keep(self, value: int) -> None:
        self.page.settings["backups_keep"] = int(value)
        self.page.settings.save()

    def _enable(self) -> None:
        db = self.db
        file_db = db is not None and db.path is not None
        self.backup_button.setEnabled(file_db and not self._busy and access.allowed(db, Permission.BACKUP))
        self.restore_button.setEnabled(file_db and not self._busy and access.allowed(db, Permission.RESTORE))

    def _set_busy(self, text: str) -> None:
        self._busy = bool(text)
        self._say(text)
        self._enable()

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def showEvent(self, event: QEvent) -> None:  # type: ignore[override]
        """The list is read again whenever the page is shown: automatic backups arrive while the app is open."""
        auto = getattr(self.window(), "auto_backups", None)
        if auto is not None and not self._following:
            auto.taken.connect(lambda _path: self.reload())
            self._following = True
        self.reload()
        super().showEvent(event)

    # --- back up now -----------------------------------------------------------------------------------------

    def back_up(self, folder: str | None = None) -> None:
        db = self.db
        if db is None:
            return
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, translate("Backups", "Choose where to save the backup"))
        if not folder:
            return
        self._set_busy(translate("Backups", "Backing up…"))
        run_task(lambda: backups.backup_now(db, Path(folder)), self._backed_up, self._failed)

    def _backed_up(self, path: Path) -> None:
        self._set_busy("")
        self._say(translate("Backups", "Backup saved: {path}").format(path=path))
        self.reload()

    # --- restore ---------------------------------------------------------------------------------------------

    def choose_restore(self, path: str | None = None) -> None:
        db = self.db
        if db is None or db.path is None:
            return
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, translate("Backups", "Choose the backup to restore"), str(db.path.parent / backups.FOLDER),
                translate("Backups", "PSP Desktop databases (*.db);;All files (*)"))
        if not path:
            return
        self._set_busy(translate("Backups", "Checking the backup…"))
        run_task(lambda: backups.check_backup(path), self._confirm, self._failed)

    def _confirm(self, checked: backups.CheckedBackup) -> None:
        self._set_busy("")
        db = self.db
        if db is None:
            return
        answer = QMessageBox.question(
            self, translate("Backups", "Restore a backup"),
            translate("Backups", "Restore the backup taken on {date}?\n\n{path}\n\nThe current database is replaced "
                                 "by it. A copy of the current file is kept first among the automatic backups "
                                 "(“Before a restore”).").format(date=when(checked.taken_at), path=checked.path))
        if answer != QMessageBox.StandardButton.Yes:
            return
        keep, actor, where = int(self.page.settings["backups_keep"]), db.actor, db.path
        self._set_busy(translate("Backups", "Restoring…"))
        run_task(lambda: backups.restore_database(db, checked.path, keep),
                 lambda _before: self._restored(where, actor), self._failed)

    def _restored(self, where: Any, actor: Any) -> None:
        """The main window opens the restored file; the same person stays signed in."""
        self._set_busy("")
        self._say(translate("Backups", "The backup was restored; the database is being reopened."))
        window = self.window()
        if hasattr(window, "open_database"):
            window.open_database(lambda: _reopen(where, actor))

    def _failed(self, exc: BaseException) -> None:
        self._set_busy("")
        message = exc.render(translate) if isinstance(exc, PspError) else str(exc)
        self._say(message)
        QMessageBox.warning(self, translate("Backups", "Backups"), message)

    # --- language --------------------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.caption.setText(translate("Backups", "Backups"))
        self.note.setText(translate(
            "Backups", "PSP Desktop backs up the database by itself at every start and once a day while it is open, "
                       "into the folder backups beside the database file. Keep a copy elsewhere too: "
                       "“Back up now…” saves one to a folder or USB stick you choose."))
        self.keep_label.setText(translate("Settings", "Automatic backups kept"))
        self.backup_button.setText(translate("Backups", "Back up now…"))
        self.restore_button.setText(translate("Backups", "Restore…"))
        self.model.retranslate()
        self._fill()


def _reopen(where: Any, actor: Any) -> Any:
    from ..services.startup import open_for_app

    db = open_for_app(str(where), demo=False)
    db.actor = actor
    return db
