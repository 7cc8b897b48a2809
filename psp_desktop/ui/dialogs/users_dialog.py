"""User accounts, for administrators (list, add, edit roles / name / active, reset a password), and changing one's
own password. The services check the permission and every rule; password hashing runs off the GUI thread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...enums import Role
from ...services import users
from ...services.access import ROLE_LABELS
from ..changed_elsewhere import offer_reload
from ..forms import ProblemBanner
from ..table import Column, RowTableModel, make_proxy
from ..tasks import run_task
from ..widgets import ColumnFitter, heading, make_table_view
from .login_dialog import message_of, password_edit, role_names

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "User name"), "username"),
    Column(QT_TRANSLATE_NOOP("Columns", "Full name"), "display_name"),
    Column(QT_TRANSLATE_NOOP("Columns", "Roles"), "roles"),
    Column(QT_TRANSLATE_NOOP("Columns", "Active"), "active"),
    Column(QT_TRANSLATE_NOOP("Columns", "Paused until"), "paused_until"),
)


@dataclass(frozen=True, slots=True)
class AccountLine:
    """A users.UserRow as the table shows it."""

    username: str
    display_name: str
    roles: str
    active: bool
    paused_until: str
    row: users.UserRow


def account_line(row: users.UserRow, now: dt.datetime) -> AccountLine:
    paused = row.locked_until.strftime("%Y-%m-%d %H:%M") if row.locked_until and row.locked_until > now else ""
    return AccountLine(row.username, row.display_name, role_names(row.roles), row.active, paused, row)


class _WorkDialog(QDialog):
    """A dialog whose OK runs a service call in the background and closes when it succeeds."""

    def __init__(self, db: Database, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.db = db
        self.busy = False
        self.banner = ProblemBanner(self)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(10)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.box.accepted.connect(self.submit)
        self.box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.banner)
        layout.addWidget(self.box)

    def submit(self) -> None:
        raise NotImplementedError

    def run(self, work: Callable[[], Any]) -> None:
        if self.busy:
            return
        self.busy = True
        self.box.setEnabled(False)
        run_task(work, self._done, self._failed)

    def _done(self, _result: Any) -> None:
        if isValid(self):
            self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self.busy = False
        self.box.setEnabled(True)
        self.banner.setText(message_of(exc))
        self.banner.show()

    def refuse(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()


def _two_passwords(dialog: _WorkDialog, first: QLineEdit, second: QLineEdit) -> str | None:
    """The new password, or None (with the banner saying why) when the two entries differ."""
    if first.text() != second.text():
        dialog.refuse(translate("Users", "The two passwords differ."))
        second.clear()
        second.setFocus()
        return None
    return first.text()


class AccountDialog(_WorkDialog):
    """A new account (user name, name, password, roles) or an existing one (name, roles, active)."""

    def __init__(self, db: Database, row: users.UserRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.row = row
        self.setWindowTitle(translate("Users", "New user") if row is None else
                            translate("Users", "User {name}").format(name=row.username))
        self.username = QLineEdit(row.username if row else "")
        self.username.setReadOnly(row is not None)
        self.display_name = QLineEdit(row.display_name if row else "")
        self.display_name.setMinimumWidth(280)
        self.form.addRow(translate("Users", "User name"), self.username)
        self.form.addRow(translate("Users", "Full name"), self.display_name)
        self.password, self.repeat = password_edit(), password_edit()
        if row is None:
            self.form.addRow(translate("Users", "Password"), self.password)
            self.form.addRow(translate("Users", "Password again"), self.repeat)
        self.roles: dict[Role, QCheckBox] = {}
        roles_box = QVBoxLayout()
        for role in Role:
            box = QCheckBox(translate("Roles", ROLE_LABELS[role]))
            box.setChecked(row is not None and role in row.roles)
            self.roles[role] = box
            roles_box.addWidget(box)
        self.form.addRow(translate("Users", "Roles"), roles_box)
        self.active = QCheckBox(translate("Users", "Can sign in"))
        self.active.setChecked(row.active if row else True)
        if row is not None:
            self.form.addRow(translate("Users", "Active"), self.active)

    def chosen_roles(self) -> list[Role]:
        return [role for role, box in self.roles.items() if box.isChecked()]

    def _failed(self, exc: BaseException) -> None:
        super()._failed(exc)
        if self.row is not None and isValid(self):
            offer_reload(self, exc, self._reload)

    def _reload(self) -> None:
        assert self.row is not None
        self.row = row = users.find_user(self.db, self.row.username)
        self.display_name.setText(row.display_name)
        for role, box in self.roles.items():
            box.setChecked(role in row.roles)
        self.active.setChecked(row.active)

    def submit(self) -> None:
        db, roles, name = self.db, self.chosen_roles(), self.display_name.text()
        row = self.row
        if row is not None:
            active = self.active.isChecked()
            self.run(lambda: users.update_user(db, row.id, row.row_version, roles=roles, display_name=name,
                                               active=active))
            return
        password = _two_passwords(self, self.password, self.repeat)
        if password is not None:
            username = self.username.text()
            self.run(lambda: users.create_user(db, username, name, password, roles))


class PasswordDialog(_WorkDialog):
    """A new password: an administrator's reset for someone (row given), or one's own change (current first)."""

    def __init__(self, db: Database, row: users.UserRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.row = row
        self.current = password_edit()
        self.password, self.repeat = password_edit(), password_edit()
        self.password.setMinimumWidth(260)
        if row is None:
            self.setWindowTitle(translate("Users", "Change my password"))
            self.form.addRow(translate("Users", "Current password"), self.current)
        else:
            self.setWindowTitle(translate("Users", "New password for {name}").format(name=row.display_name))
        self.form.addRow(translate("Users", "New password"), self.password)
        self.form.addRow(translate("Users", "New password again"), self.repeat)
        rules = QLabel(translate("Users", "At least 8 characters, not only digits, not the user name."))
        rules.setStyleSheet("color: #555;")
        self.form.addRow("", rules)

    def submit(self) -> None:
        password = _two_passwords(self, self.password, self.repeat)
        if password is None:
            return
        db, row, current = self.db, self.row, self.current.text()
        if row is None:
            self.run(lambda: users.change_own_password(db, current, password))
        else:
            self.run(lambda: users.reset_password(db, row.id, password))


class UsersDialog(QDialog):
    """Every account with its roles; add, edit and reset passwords (administrators only)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(translate("Users", "User accounts"))
        self.resize(820, 480)
        self.model = RowTableModel(COLUMNS, self)
        self.proxy = make_proxy(self.model, self)
        self.view = make_table_view(self)
        self.view.setModel(self.proxy)
        self.view.doubleClicked.connect(lambda _index: self.edit())
        self.fitter = ColumnFitter(self.view, 2)  # the roles take the spare width: a person may hold several
        self.banner = ProblemBanner(self)
        note = QLabel(translate("Users", "Administrators manage accounts; staff do the competition work; finance "
                                         "approves payments; viewers only read. A person may hold several roles."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        buttons = QHBoxLayout()
        for text, slot in ((translate("Users", "Add…"), self.add), (translate("Users", "Edit…"), self.edit),
                           (translate("Users", "Reset password…"), self.reset_password)):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton(translate("Users", "Close"))
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(4, text=translate("Users", "User accounts")))
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        db = self.db
        run_task(lambda: users.list_users(db), self._filled, self._failed)

    def _filled(self, rows: list[users.UserRow]) -> None:
        if not isValid(self):
            return
        now = users.now()
        self.model.set_rows([account_line(row, now) for row in rows])
        self.fitter.fit()
        self.banner.clear()

    def _failed(self, exc: BaseException) -> None:
        if isValid(self):
            self.banner.setText(message_of(exc))
            self.banner.show()

    def selected(self) -> users.UserRow | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row()).row

    def add(self) -> None:
        self._open(AccountDialog(self.db, None, self))

    def edit(self) -> None:
        row = self.selected()
        if row is not None:
            self._open(AccountDialog(self.db, row, self))

    def reset_password(self) -> None:
        row = self.selected()
        if row is not None:
            self._open(PasswordDialog(self.db, row, self))

    def _open(self, dialog: QDialog) -> None:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
