"""Settings: language (applied at once), and facts about the open database and this installation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from ... import __version__
from ...services import access
from ...services.access import Permission
from ...settings import LANGUAGES, OPTIONS, Settings
from ..tasks import run_task
from .base import Page

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}  # each language named in itself, never translated


class SettingsPage(Page):
    name = "Settings"
    title_source = QT_TRANSLATE_NOOP("Pages", "Settings")
    language_chosen = Signal(str)
    idle_lock_changed = Signal(int)  # minutes

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        self.protected: list[QSpinBox] = []  # before the base class applies permissions
        super().__init__(parent)
        self.settings = settings
        current_language = settings["language"]
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.form.setHorizontalSpacing(24)
        self.form.setVerticalSpacing(12)
        self.language = QComboBox(self)
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(LANGUAGES.index(current_language))
        self.language.currentIndexChanged.connect(
            lambda i: self.language_chosen.emit(self.language.itemData(i)))
        self.operator = QLineEdit(settings["operator_name"])
        self.operator.setMinimumWidth(240)
        self.operator.editingFinished.connect(self._save_operator)
        self.database = QLabel()
        self.database.setWordWrap(True)
        self.revision = QLabel()
        self.version = QLabel(__version__)
        self.labels = [QLabel() for _ in range(5)]
        fields = (self.language, self.operator, self.database, self.revision, self.version)
        for caption, field in zip(self.labels, fields, strict=True):
            self.form.addRow(caption, field)
        self.layout_.addLayout(self.form)
        self.audit_button = self.add_button(QT_TRANSLATE_NOOP("Pages", "Change log…"), self._open_audit)
        self._add_sign_in_settings()
        self.toolbar.addStretch(1)
        from ..backup_section import BackupSection  # back up now, the automatic backups, restore
        from ..database_section import DatabaseSection  # a shared PostgreSQL server for the next start

        self.database_section = DatabaseSection(self)
        self.layout_.addWidget(self.database_section)
        self.backups = BackupSection(self)
        self.layout_.addWidget(self.backups)
        self.layout_.addStretch(1)
        self._facts: dict[str, Any] = {}
        self.retranslate()

    def _add_sign_in_settings(self) -> None:
        """The idle lock's minutes, one's own password, and the accounts (administrators only)."""
        from ..idle_lock import MINUTES_RANGE, clamp_minutes

        self.idle_caption = QLabel()
        self.idle_minutes = QSpinBox(self)
        self.idle_minutes.setRange(*MINUTES_RANGE)
        self.idle_minutes.setValue(clamp_minutes(self.settings["idle_lock_minutes"]))
        self.idle_minutes.valueChanged.connect(self._save_idle_minutes)
        self.form.insertRow(2, self.idle_caption, self.idle_minutes)
        self.guard_setting(self.idle_minutes, "idle_lock_minutes")
        self.add_button(QT_TRANSLATE_NOOP("Pages", "Change my password…"), self._change_password)
        self.add_button(QT_TRANSLATE_NOOP("Pages", "User accounts…"), self._open_users,
                        permission=Permission.USERS_MANAGE)

    def guard_setting(self, box: QSpinBox, name: str) -> None:
        """Only administrators change what protects the data; each change goes into the change log when the
        field is left (not at every arrow click)."""
        self.protected.append(box)
        box.setProperty("recorded", box.value())
        box.editingFinished.connect(lambda: self._record_setting(box, name))

    def _record_setting(self, box: QSpinBox, name: str) -> None:
        from ...services import system

        before, after = box.property("recorded"), box.value()
        if self.db is None or before == after:
            return
        box.setProperty("recorded", after)
        db = self.db
        run_task(lambda: system.record_setting(db, name, before, after), lambda _r: None, self.failed.emit)

    def apply_permissions(self) -> None:
        super().apply_permissions()
        for box in self.protected:
            box.setEnabled(self.db is not None and access.allowed(self.db, Permission.SETTINGS_EDIT))

    def _save_idle_minutes(self, minutes: int) -> None:
        self.settings["idle_lock_minutes"] = minutes
        self.settings.save()
        self.idle_lock_changed.emit(minutes)

    def _change_password(self) -> None:
        from ..dialogs.users_dialog import PasswordDialog

        if self.db is not None:
            PasswordDialog(self.db, None, self).exec()

    def _open_users(self) -> None:
        from ..dialogs.users_dialog import UsersDialog

        if self.db is not None:
            UsersDialog(self.db, self).exec()
            self.changed.emit()  # one's own roles may have changed

    def _open_audit(self) -> None:
        from ..dialogs.audit_dialog import open_audit_dialog

        if self.db is not None:
            open_audit_dialog(self.db, self)

    def _save_operator(self) -> None:
        self.settings["operator_name"] = self.operator.text().strip()
        self.settings.save()

    def fetch(self, db: Database) -> dict[str, Any]:
        from ...services import system

        return system.database_facts(db)

    def fill(self, facts: dict[str, Any]) -> None:
        self._facts = facts
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        captions = (translate("Settings", OPTIONS["language"].label),
                    translate("Settings", OPTIONS["operator_name"].label), translate("Pages", "Database"),
                    translate("Pages", "Schema revision"), translate("Pages", "PSP Desktop version"))
        for caption, text in zip(self.labels, captions, strict=True):
            caption.setText(text)
        self.idle_caption.setText(translate("Settings", OPTIONS["idle_lock_minutes"].label))
        self.idle_minutes.setSuffix(translate("Settings", " min"))
        self.database.setText(self._facts.get("where", translate("Pages", "No database open")))
        self.revision.setText(self._facts.get("revision", "—"))
