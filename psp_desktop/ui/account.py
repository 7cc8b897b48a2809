"""Who is signed in to the main window: the sign-in (or first-administrator) dialog once the database is open,
the account button in the status bar (change my password, lock now, sign out), and the idle lock.

The services check every permission on the signed-in person (db.actor); the window only hides what a role
cannot do. Unattended runs (--screenshot, --bench-startup) sign in as staff without a dialog: nobody can act
through them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QDialog, QMenu, QPushButton

from ..enums import Role
from ..paths import demo_db_path
from ..services.access import Actor
from .tasks import run_task

if TYPE_CHECKING:
    from ..db import Database
    from .idle_lock import IdleLock
    from .main_window import MainWindow

translate = QCoreApplication.translate

# unattended runs render and exit, nobody can act through them; as staff they show what staff see
UNATTENDED = Actor("screenshot", frozenset({Role.STAFF}), None, "screenshot")


class AccountControl(QObject):
    signed_in = Signal(object)  # the Actor
    sign_in_shown = Signal(object)  # the sign-in or first-administrator dialog, now open

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.auto_actor: Actor | None = None  # set for unattended runs
        self.demo = False  # the demo database: the sign-in dialog shows the demo account
        self.opened: Database | None = None  # open, though perhaps nobody is signed in yet
        self.dialog: QDialog | None = None
        self.idle: IdleLock | None = None
        self.button: QPushButton | None = None
        self.shown: Actor | None = None

    # --- signing in -------------------------------------------------------------------------------------------

    def start(self, db: Database) -> None:
        """The database is open: sign in (skipped when someone already is, as in the tests)."""
        self.opened = db
        if getattr(db, "actor", None) is None and self.auto_actor is not None:
            db.actor = self.auto_actor
        if getattr(db, "actor", None) is not None:
            self._enter()
        else:
            self.ask()

    def ask(self) -> None:
        from ..services import users

        db = self.opened
        if db is None:
            return
        self.window_.signed_out()
        run_task(lambda: users.has_users(db), self._show_dialog, self.window_.show_error)

    def _show_dialog(self, has_users: bool) -> None:
        from .dialogs.login_dialog import FirstAdminDialog, LoginDialog

        db = self.opened
        if db is None:
            return
        dialog: QDialog = (LoginDialog(db, demo=self.is_demo(db), parent=self.window_) if has_users
                           else FirstAdminDialog(db, self.window_))
        dialog.accepted.connect(self._enter)
        dialog.rejected.connect(self.window_.close)  # no sign-in, no work: quitting the dialog quits
        self.dialog = dialog
        dialog.open()
        self.sign_in_shown.emit(dialog)

    def is_demo(self, db: Database) -> bool:
        path = db.path
        return self.demo or (path is not None and path.resolve() == demo_db_path().resolve())

    def _enter(self) -> None:
        db = self.opened
        if db is None or db.actor is None:
            return
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        self.shown = db.actor
        self.window_.signed_in_to(db)
        self.update_button()
        self._start_idle()
        self.signed_in.emit(db.actor)

    def sign_out(self) -> None:
        """Signs out and asks who signs in next (switching user)."""
        from ..services import users

        db = self.window_.db
        if db is None:
            return
        if self.idle is not None:
            self.idle.stop()
        if self.button is not None:
            self.button.hide()

        def failed(exc: BaseException) -> None:
            db.actor = None
            self.window_.show_error(exc)
            self.ask()

        self.window_.signed_out()
        run_task(lambda: users.sign_out(db), lambda _none: self.ask(), failed)

    # --- the account button -----------------------------------------------------------------------------------

    def update_button(self) -> None:
        db = self.window_.db
        actor = getattr(db, "actor", None) if db is not None else None
        if actor is None or actor is self.auto_actor:
            if self.button is not None:
                self.button.hide()
            return
        from .dialogs.login_dialog import role_names

        if self.button is None:
            self.button = self._make_button()
        self.button.setText(translate("MainWindow", "{name} ({roles})").format(
            name=actor.name, roles=role_names(actor.roles)))
        self.button.setToolTip(translate("MainWindow", "Signed in as {username}").format(username=actor.username))
        self.button.show()

    def _make_button(self) -> QPushButton:
        button = QPushButton()
        button.setFlat(True)
        menu = QMenu(button)
        self.change_action, self.lock_action, self.sign_out_action = (menu.addAction("") for _ in range(3))
        self.change_action.triggered.connect(lambda _checked=False: self.change_password())
        self.lock_action.triggered.connect(lambda _checked=False: self.lock_now())
        self.sign_out_action.triggered.connect(lambda _checked=False: self.sign_out())
        button.setMenu(menu)
        self._name_actions()
        self.window_.statusBar().addPermanentWidget(button)  # right of the database, at the corner
        return button

    def _name_actions(self) -> None:
        self.change_action.setText(translate("MainWindow", "Change my password…"))
        self.lock_action.setText(translate("MainWindow", "Lock now"))
        self.sign_out_action.setText(translate("MainWindow", "Sign out / switch user"))

    def retranslate(self) -> None:
        if self.button is not None:
            self._name_actions()
            self.update_button()

    def change_password(self) -> None:
        from .dialogs.users_dialog import PasswordDialog

        if self.window_.db is not None:
            PasswordDialog(self.window_.db, None, self.window_).exec()

    # --- idle lock ----------------------------------------------------------------------------------------

    def _start_idle(self) -> None:
        if self.auto_actor is not None:
            return  # nobody at the keyboard to unlock it
        if self.idle is None:
            from .idle_lock import IdleLock

            self.idle = IdleLock(self.window_, self.window_.settings["idle_lock_minutes"])
            self.idle.unlocked.connect(self._unlocked)
        self.idle.start()

    def lock_now(self) -> None:
        if self.idle is not None:
            self.idle.lock()

    def set_idle_minutes(self, minutes: int) -> None:
        if self.idle is not None:
            self.idle.set_minutes(minutes)

    def _unlocked(self, actor: Actor) -> None:
        if actor != self.shown:  # someone else signed in on the lock screen: switch user
            self.shown = actor
            self.window_.refresh()
            self.signed_in.emit(actor)

    def shutdown(self) -> None:
        if self.idle is not None:
            self.idle.shutdown()
