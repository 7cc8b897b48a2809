"""The Database section of the Settings page (the page's form says which database is open): choosing a shared
PostgreSQL server for the next start, tried first off the GUI thread; a failed try never changes the saved choice."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ..dbfile import ENV_URL
from ..errors import PspError
from ..services import access, system
from ..services.access import Permission
from .tasks import run_task
from .widgets import heading

if TYPE_CHECKING:
    from .pages.settings_page import SettingsPage

translate = QCoreApplication.translate

OK_STYLE, PROBLEM_STYLE = "color: #1b5e20;", "color: #b71c1c;"


def state_text(check: system.ServerCheck) -> str:
    if check.state == system.EMPTY:
        return translate("Database", "Connected to {where}. The database is empty: PSP Desktop creates its tables "
                                     "at the first start on it.").format(where=check.where)
    if check.state == system.OLDER:
        return translate("Database", "Connected to {where}. It was written by an earlier version (schema "
                                     "{revision}) and is upgraded at the first start on it; back it up first "
                                     "(pg_dump).").format(where=check.where, revision=check.revision)
    return translate("Database", "Connected to {where}. The database is ready (schema {revision}).").format(
        where=check.where, revision=check.revision)


class DatabaseSection(QWidget):
    def __init__(self, page: SettingsPage) -> None:
        super().__init__(page)
        self.page = page
        self._busy = False
        self.caption = heading(2)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setMaximumWidth(900)
        self.note.setStyleSheet("color: #555;")
        self.chosen_label, self.chosen = QLabel(), QLabel()
        self.chosen.setWordWrap(True)
        self.url_label = QLabel()
        self.url = QLineEdit()
        self.url.setMinimumWidth(420)
        self.url.setPlaceholderText("postgresql://user:password@host:5432/dbname")
        self.url.returnPressed.connect(self.test)
        self.test_button, self.use_button, self.local_button = QPushButton(), QPushButton(), QPushButton()
        self.test_button.clicked.connect(lambda _checked=False: self.test())
        self.use_button.clicked.connect(lambda _checked=False: self.use())
        self.local_button.clicked.connect(lambda _checked=False: self.use_local())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setMaximumWidth(900)
        self.status.hide()
        self._layout()
        page.loaded.connect(self._refresh)
        self.retranslate()

    def _layout(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setHorizontalSpacing(24)
        form.addRow(self.chosen_label, self.chosen)
        form.addRow(self.url_label, self.url)
        bar = QHBoxLayout()
        for button in (self.test_button, self.use_button, self.local_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addLayout(bar)
        layout.addWidget(self.status)

    # --- trying and choosing ---------------------------------------------------------------------------------

    def test(self) -> None:
        self._try(self._tested)

    def use(self) -> None:
        self._try(self._chosen)

    def _try(self, done: Any) -> None:
        typed = self.url.text().strip()
        if self._busy:
            return
        self._set_busy(translate("Database", "Connecting (at most 5 seconds)…"))
        run_task(lambda: system.check_server(typed), lambda check: done(typed, check), self._failed)

    def _tested(self, _typed: str, check: system.ServerCheck) -> None:
        self._set_busy("")
        self._say(state_text(check), OK_STYLE)

    def _chosen(self, typed: str, check: system.ServerCheck) -> None:
        """Saved only now that the server answered: a failed try leaves the previous choice as it was."""
        self._set_busy("")
        self.page.settings["database_url"] = typed
        self.page.settings.save()
        text = state_text(check) + " " + translate("Database", "PSP Desktop uses it from its next start.")
        self._say(text + self._overridden(), OK_STYLE)
        self._refresh()

    def use_local(self) -> None:
        self.page.settings["database_url"] = ""
        self.page.settings.save()
        self._say(translate("Database", "PSP Desktop uses this PC's own database file from its next start.")
                  + self._overridden(), OK_STYLE)
        self._refresh()

    def _overridden(self) -> str:
        if not os.environ.get(ENV_URL):
            return ""
        return " " + translate("Database", "Note: PSP_DATABASE_URL is set on this PC and wins over this choice.")

    def _failed(self, exc: BaseException) -> None:
        self._set_busy("")
        message = exc.render(translate) if isinstance(exc, PspError) else str(exc)
        self._say(translate("Database", "Nothing was changed. {reason}").format(reason=message), PROBLEM_STYLE)

    # --- state -----------------------------------------------------------------------------------------------

    def _set_busy(self, text: str) -> None:
        self._busy = bool(text)
        if text:
            self._say(text, "")
        self._refresh()

    def _say(self, text: str, style: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(style)
        self.status.setVisible(bool(text))

    def _refresh(self) -> None:
        db = self.page.db
        saved = str(self.page.settings["database_url"])
        self.chosen.setText(_hidden(saved) if saved else translate("Database", "This PC's own database file"))
        may = db is None or access.allowed(db, Permission.SETTINGS_EDIT)
        self.test_button.setEnabled(not self._busy)
        self.use_button.setEnabled(not self._busy and may)
        self.local_button.setEnabled(not self._busy and may and bool(saved))

    # --- language --------------------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.caption.setText(translate("Pages", "Database"))
        self.note.setText(translate(
            "Database", "Several PCs of a district can share one PostgreSQL database. The database is chosen in this "
                        "order: --db when PSP Desktop is started, the PSP_DATABASE_URL environment variable, the "
                        "choice made here, and otherwise this PC's own database file."))
        self.chosen_label.setText(translate("Database", "Chosen for the next start"))
        self.url_label.setText(translate("Settings", "Shared database (PostgreSQL)"))
        self.test_button.setText(translate("Database", "Test connection"))
        self.use_button.setText(translate("Database", "Use this database"))
        self.local_button.setText(translate("Database", "Use this PC's own file"))
        self._refresh()


def _hidden(url: str) -> str:
    """A saved address as shown: never its password."""
    try:
        return system.server_where(system.server_url(url))
    except PspError:
        return url.split("@")[-1]
