"""The idle lock: after the idle time set in Settings without a key press or a mouse action anywhere in the
application, the main window is covered by a lock screen that asks for the password again. Another person may
sign in there instead, which switches user.

The lock screen is its own application-modal window over the main window, so a dialog left open underneath is
blocked as well (an overlay inside the main window could not take input while a modal dialog is open)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from ..db import Database
    from ..services.access import Actor

translate = QCoreApplication.translate

MINUTES_RANGE = (1, 240)
INPUT_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                          QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress})
GEOMETRY_EVENTS = frozenset({QEvent.Type.Move, QEvent.Type.Resize})

LOCK_STYLE = """
#lockScreen { background: #15365e; }
#lockCard { background: #ffffff; border-radius: 10px; }
"""


def clamp_minutes(minutes: int) -> int:
    low, high = MINUTES_RANGE
    return max(low, min(high, int(minutes)))


class LockScreen(QWidget):
    """Covers the main window until the signed-in person (or someone else) signs in."""

    unlocked = Signal(object)  # the Actor now signed in

    def __init__(self, window: QWidget, db: Database, actor: Actor) -> None:
        super().__init__(window, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        from .dialogs.login_dialog import STYLE, SignInForm, role_names  # SQLAlchemy: not before the window paints

        self.window_ = window
        self.done = False
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowTitle(translate("LockScreen", "PSP Desktop is locked"))
        self.setStyleSheet(STYLE + LOCK_STYLE)
        self.title = QLabel(translate("LockScreen", "PSP Desktop is locked"))
        self.title.setObjectName("title")
        self.who = QLabel(translate("LockScreen", "{name} ({roles}) is signed in. Type the password to go on, or "
                                                  "sign in as someone else.").format(
            name=actor.name, roles=role_names(actor.roles)))
        self.who.setObjectName("muted")
        self.who.setWordWrap(True)
        self.form = SignInForm(db, self)
        self.form.username.setText(actor.username)
        self.form.button.setText(translate("LockScreen", "Unlock"))
        self.form.signed_in.connect(self._signed_in)
        card = QFrame()
        card.setObjectName("lockCard")
        card.setMaximumWidth(620)
        column = QVBoxLayout(card)
        column.setContentsMargins(36, 30, 36, 30)
        column.setSpacing(16)
        column.addWidget(self.title)
        column.addWidget(self.who)
        column.addWidget(self.form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.form.button)
        column.addLayout(row)
        outer = QVBoxLayout(self)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(card, 3)
        middle.addStretch(1)
        outer.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(2)

    def cover(self) -> None:
        self.setGeometry(self.window_.geometry())

    def _signed_in(self, actor: Actor) -> None:
        self.done = True
        self.unlocked.emit(actor)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.done:
            event.accept()
        else:
            event.ignore()  # Alt+F4 does not unlock


class IdleLock(QObject):
    """Watches input application-wide (an event filter) and locks the window after the idle time (a QTimer)."""

    locked = Signal()
    unlocked = Signal(object)  # the Actor signed in on the lock screen

    def __init__(self, window: QWidget, minutes: int) -> None:
        super().__init__(window)
        self.window_ = window
        self.screen: LockScreen | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_minutes(minutes)
        QApplication.instance().installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.set_timeout_ms(clamp_minutes(minutes) * 60_000)

    def set_timeout_ms(self, ms: int) -> None:
        self.timer.setInterval(ms)
        if self.timer.isActive():
            self.timer.start()

    def start(self) -> None:
        if self.screen is None:
            self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def shutdown(self) -> None:
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)
        if self.screen is not None:
            self.screen.done = True
            self.screen.close()

    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in INPUT_EVENTS:
            if self.timer.isActive():
                self.timer.start()  # input: the idle time starts again
        elif self.screen is not None and watched is self.window_ and kind in GEOMETRY_EVENTS:
            self.screen.cover()
        return False

    def lock(self) -> None:
        db = getattr(self.window_, "db", None)
        actor = getattr(db, "actor", None)
        if db is None or actor is None or self.screen is not None:
            return
        self.timer.stop()
        self.screen = LockScreen(self.window_, db, actor)
        self.screen.unlocked.connect(self._unlocked)
        self.screen.cover()
        self.screen.show()  # a new window opens on top; raise_() is unsupported on some platforms
        self.screen.activateWindow()
        self.screen.form.focus()
        self.locked.emit()

    def _unlocked(self, actor: Actor) -> None:
        screen, self.screen = self.screen, None
        if screen is not None:
            screen.close()
            screen.deleteLater()
        self.timer.start()
        self.unlocked.emit(actor)
