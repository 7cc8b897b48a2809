"""Signing in at start: the sign-in dialog, and on a database without accounts the dialog that creates the
administrator. The password checks are deliberately slow hashes, so they run off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from ...enums import Role
from ...errors import PspError
from ...services import users
from ...services.access import ROLE_LABELS, Actor
from ...services.demo_users import DEMO_PASSWORD
from ..tasks import run_task

if TYPE_CHECKING:
    from ...db import Database

translate = QCoreApplication.translate

# Big, plain type: the first thing everyone sees, often on an office PC with a small default font.
STYLE = """
QWidget { font-size: 18px; }
QLabel#title { font-size: 28px; font-weight: bold; color: #15365e; }
QLabel#muted { color: #555555; font-size: 15px; }
QLabel#error { color: #b00000; font-weight: bold; }
QLabel#hint { color: #15365e; background: #eef4fb; border: 1px solid #c8d8ec; border-radius: 6px; padding: 8px 12px; }
QLineEdit { padding: 6px 10px; border: 2px solid #8a9bb0; border-radius: 6px; min-width: 320px; }
QLineEdit:focus { border: 2px solid #0b57d0; }
QPushButton { padding: 8px 22px; border: 2px solid #15365e; border-radius: 6px; background: #ffffff; }
QPushButton#primary { font-weight: bold; color: #ffffff; background: #15365e; }
QPushButton#primary:disabled { background: #8a9bb0; border-color: #8a9bb0; }
"""


def role_names(roles: Iterable[Role]) -> str:
    """The roles in the interface language, in a fixed order: "管理员、财务"."""
    chosen = set(roles)
    names = [translate("Roles", ROLE_LABELS[r]) for r in Role if r in chosen]
    return translate("Login", ", ").join(names)


def message_of(exc: BaseException) -> str:
    if isinstance(exc, PspError):
        return exc.render(translate)
    return translate("Login", "Unexpected error: {error}").format(error=exc)


def _label(text: str = "", name: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class SignInForm(QWidget):
    """User name, password and the service's answer; emits signed_in(actor) once the password is right.

    Also the heart of the lock screen, where another person may sign in instead (which switches user)."""

    signed_in = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.busy = False
        self.username = QLineEdit()
        self.password = password_edit()
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self.error = _label(name="error")
        self.button = QPushButton(translate("Login", "Sign in"))
        self.button.setObjectName("primary")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(12)
        form.addRow(translate("Login", "User name"), self.username)
        form.addRow(translate("Login", "Password"), self.password)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.error)

    def focus(self) -> None:
        (self.password if self.username.text() else self.username).setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        name, password = self.username.text().strip(), self.password.text()
        if not name or not password:
            self.error.setText(translate("Login", "Type your user name and password."))
            self.focus()
            return
        self._set_busy(True)
        db = self.db
        run_task(lambda: users.sign_in(db, name, password), self._done, self._failed)

    def _done(self, actor: Actor) -> None:
        if not isValid(self):
            return
        self._set_busy(False)
        self.password.clear()
        self.error.clear()
        self.signed_in.emit(actor)

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._set_busy(False)
        self.error.setText(message_of(exc))
        self.password.clear()
        self.password.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.button.setEnabled(not busy)
        self.username.setEnabled(not busy)
        self.password.setEnabled(not busy)
        if busy:
            self.error.setText(translate("Login", "Checking the password…"))


class _StartDialog(QDialog):
    """What both start dialogs share: the look, the database named, and Quit (which quits the application)."""

    def __init__(self, db: Database, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.db = db
        self.setStyleSheet(STYLE)
        self.setWindowTitle(translate("Login", "PSP Desktop"))
        self.title = _label(name="title")
        self.where = _label(translate("Login", "Database: {where}").format(where=db.describe()), "muted")
        self.quit_button = QPushButton(translate("Login", "Quit"))
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        self.body = QVBoxLayout()
        self.body.setSpacing(14)
        self.buttons = QHBoxLayout()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(36, 30, 36, 26)
        outer.setSpacing(16)
        outer.addWidget(self.title)
        outer.addWidget(self.where)
        outer.addLayout(self.body)
        outer.addLayout(self.buttons)

    def finish_buttons(self, primary: QPushButton) -> None:
        self.buttons.addWidget(primary)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.quit_button)


class LoginDialog(_StartDialog):
    """Sign in to the open database; on the demo database, the demo account is shown."""

    def __init__(self, db: Database, *, demo: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.actor: Actor | None = None
        self.title.setText(translate("Login", "Sign in to PSP Desktop"))
        self.form = SignInForm(db, self)
        self.form.signed_in.connect(self._signed_in)
        self.body.addWidget(self.form)
        self.hint = _label(translate("Login", "Demo account: admin, password {password}").format(
            password=DEMO_PASSWORD), "hint")
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint.setVisible(demo)
        self.body.addWidget(self.hint)
        self.finish_buttons(self.form.button)
        self.form.focus()

    def _signed_in(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()


class FirstAdminDialog(_StartDialog):
    """A database without accounts: whoever starts it first creates the administrator (and is signed in)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.actor: Actor | None = None
        self.busy = False
        self.title.setText(translate("Login", "Create the administrator"))
        intro = _label(translate("Login", "This database has no user accounts yet. The administrator you create "
                                          "now can do everything, including adding the other users and their "
                                          "roles."), "muted")
        intro.setMaximumWidth(560)
        self.username, self.display_name = QLineEdit(), QLineEdit()
        self.password, self.repeat = password_edit(), password_edit()
        self.repeat.returnPressed.connect(self.submit)
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(12)
        for text, edit in ((translate("Login", "User name"), self.username),
                           (translate("Login", "Full name"), self.display_name),
                           (translate("Login", "Password"), self.password),
                           (translate("Login", "Password again"), self.repeat)):
            form.addRow(text, edit)
        rules = _label(translate("Login", "At least 8 characters, not only digits, not the user name."), "muted")
        self.error = _label(name="error")
        self.button = QPushButton(translate("Login", "Create and sign in"))
        self.button.setObjectName("primary")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.body.addWidget(intro)
        self.body.addLayout(form)
        self.body.addWidget(rules)
        self.body.addWidget(self.error)
        self.finish_buttons(self.button)
        self.username.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        if self.password.text() != self.repeat.text():
            self.error.setText(translate("Login", "The two passwords differ."))
            self.repeat.clear()
            self.repeat.setFocus()
            return
        name, full_name, password = self.username.text(), self.display_name.text(), self.password.text()
        self._run(lambda: users.create_first_admin(self.db, name, full_name, password))

    def _run(self, work: Callable[[], Any]) -> None:
        self.busy = True
        self.button.setEnabled(False)
        self.error.setText(translate("Login", "Saving…"))
        run_task(work, self._done, self._failed)

    def _done(self, actor: Actor) -> None:
        if isValid(self):
            self.actor = actor
            self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self.busy = False
        self.button.setEnabled(True)
        self.error.setText(message_of(exc))
