"""Signing in to the main window: the first administrator, the sign-in dialog and its messages, the idle lock,
switching user, and a viewer who does not see what only staff may do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from psp_desktop import i18n
from psp_desktop.enums import Role
from psp_desktop.services import users
from psp_desktop.services.access import Actor
from psp_desktop.services.demo_users import DEMO_PASSWORD
from psp_desktop.services.startup import open_for_app
from psp_desktop.ui.dialogs.login_dialog import FirstAdminDialog, LoginDialog
from psp_desktop.ui.main_window import MainWindow

SHOTS = Path("/tmp/shots5")
translate = QCoreApplication.translate


@pytest.fixture(autouse=True)
def chinese(qapp):  # type: ignore[no-untyped-def]
    i18n.install("zh_CN")
    yield


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    """The session's demo database copied, so sign-ins and wrong passwords here leave the shared one alone."""
    copy = tmp_path / "demo.db"
    shutil.copy(demo_file, copy)
    return copy


def start_window(qtbot, settings, path: Path, *, actor: Actor | None = None, demo: bool = False):  # type: ignore[no-untyped-def]
    """A main window whose database opens with `actor` signed in (None: nobody, so the window asks)."""
    window = MainWindow(settings, remember_geometry=False)
    qtbot.addWidget(window)
    window.account.demo = demo
    window.show()
    window.show_first_page()

    def opener():  # type: ignore[no-untyped-def]
        db = open_for_app(str(path), demo=False)
        db.actor = actor
        return db

    return window, opener


def ask_sign_in(qtbot, window, opener):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.account.sign_in_shown, timeout=20_000) as shown:
        window.open_database(opener)
    return shown.args[0]


def sign_in(qtbot, form, username: str, password: str, window=None) -> None:  # type: ignore[no-untyped-def]
    form.username.setText(username)
    form.password.setText(password)
    if window is None:
        form.submit()
        return
    with qtbot.waitSignal(window.account.signed_in, timeout=20_000):
        form.submit()


def save(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def test_first_start_creates_the_administrator(qtbot, settings, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(users, "SCRYPT_N", 2**10)
    window, opener = start_window(qtbot, settings, tmp_path / "new.db")
    dialog = ask_sign_in(qtbot, window, opener)
    assert isinstance(dialog, FirstAdminDialog) and dialog.isVisible()
    assert window.db is None and window.stack.isHidden()  # nothing to see before someone signs in
    save(dialog, "first-admin-dialog.png")
    dialog.username.setText("Boss")
    dialog.display_name.setText("王主任")
    dialog.password.setText("office-pass-1")
    dialog.repeat.setText("office-pass-2")
    dialog.submit()
    assert "differ" in dialog.error.text() or dialog.error.text() == translate("Login", "The two passwords differ.")
    dialog.repeat.setText("office-pass-1")
    with qtbot.waitSignal(window.database_opened, timeout=20_000):
        dialog.submit()
    assert window.db is not None and window.db.actor.username == "boss"
    assert window.db.actor.roles == frozenset({Role.ADMIN})
    assert not window.stack.isHidden()
    assert "王主任" in window.account.button.text()


def test_wrong_password_then_sign_in_shows_the_pages(qtbot, settings, demo_copy, wait_loaded) -> None:  # type: ignore[no-untyped-def]
    window, opener = start_window(qtbot, settings, demo_copy, demo=True)
    dialog = ask_sign_in(qtbot, window, opener)
    assert isinstance(dialog, LoginDialog)
    assert not dialog.hint.isHidden() and DEMO_PASSWORD in dialog.hint.text()
    assert all(page.db is None for page in window.pages.values())
    sign_in(qtbot, dialog.form, "admin", "not-the-password")
    wrong = translate("Errors", users.WRONG)
    qtbot.waitUntil(lambda: dialog.form.error.text() == wrong, timeout=20_000)
    assert dialog.form.password.text() == ""
    save(dialog, "login-dialog-wrong-password.png")
    sign_in(qtbot, dialog.form, "nobody", "not-the-password")
    qtbot.waitUntil(lambda: dialog.form.error.text() == wrong and not dialog.form.busy, timeout=20_000)
    sign_in(qtbot, dialog.form, "admin", DEMO_PASSWORD, window)
    assert window.db is not None and window.db.actor.username == "admin"
    page = window.current_page()
    wait_loaded(page)
    assert page.db is window.db and not window.stack.isHidden()
    assert "管理员" in window.account.button.text()


def test_quitting_the_sign_in_closes_the_window(qtbot, settings, demo_copy) -> None:  # type: ignore[no-untyped-def]
    window, opener = start_window(qtbot, settings, demo_copy)
    dialog = ask_sign_in(qtbot, window, opener)
    dialog.quit_button.click()
    assert not window.isVisible()


def test_idle_lock_appears_and_unlocks_with_the_password_or_switches_user(qtbot, settings, demo_copy,
                                                                          wait_loaded) -> None:  # type: ignore[no-untyped-def]
    window, opener = start_window(qtbot, settings, demo_copy)
    dialog = ask_sign_in(qtbot, window, opener)
    sign_in(qtbot, dialog.form, "liuxiaoyan", DEMO_PASSWORD, window)
    idle = window.account.idle
    idle.set_timeout_ms(150)
    qtbot.waitUntil(lambda: idle.is_locked, timeout=5_000)
    screen = idle.screen
    assert screen.isVisible() and screen.form.username.text() == "liuxiaoyan"
    assert screen.geometry() == window.geometry()
    screen.close()
    assert idle.is_locked and screen.isVisible()  # closing the lock screen does not unlock
    sign_in(qtbot, screen.form, "liuxiaoyan", "wrong-password")
    qtbot.waitUntil(lambda: screen.form.error.text() == translate("Errors", users.WRONG), timeout=20_000)
    save(screen, "lock-screen.png")
    with qtbot.waitSignal(idle.unlocked, timeout=20_000):
        sign_in(qtbot, screen.form, "liuxiaoyan", DEMO_PASSWORD)
    assert not idle.is_locked and window.db.actor.username == "liuxiaoyan"
    idle.lock()  # someone else signs in on the lock screen: the user switches
    proposals = window.show_page("Proposals")
    assert not proposals.buttons[0][0].isHidden()  # staff may take in applications
    with qtbot.waitSignal(window.account.signed_in, timeout=20_000):
        sign_in(qtbot, idle.screen.form, "viewer", DEMO_PASSWORD)
    assert window.db.actor.username == "viewer" and "查阅" in window.account.button.text()
    assert proposals.buttons[0][0].isHidden()


def test_sign_out_asks_again(qtbot, settings, demo_copy) -> None:  # type: ignore[no-untyped-def]
    window, opener = start_window(qtbot, settings, demo_copy)
    dialog = ask_sign_in(qtbot, window, opener)
    sign_in(qtbot, dialog.form, "wangkuaiji", DEMO_PASSWORD, window)
    with qtbot.waitSignal(window.account.sign_in_shown, timeout=20_000) as shown:
        window.account.sign_out()
    assert window.db is None and window.stack.isHidden()
    assert isinstance(shown.args[0], LoginDialog)


def test_a_viewer_does_not_see_write_buttons(qtbot, settings, demo_copy, wait_loaded) -> None:  # type: ignore[no-untyped-def]
    viewer = Actor("viewer", frozenset({Role.VIEWER}), 5, "查阅")
    window, opener = start_window(qtbot, settings, demo_copy, actor=viewer)
    with qtbot.waitSignal(window.database_opened, timeout=20_000):
        window.open_database(opener)
    shown = {}
    for name in ("Organizations", "Competitions", "Proposals", "Judging", "Results", "Settings"):
        page = window.show_page(name)
        wait_loaded(page)
        shown[name] = {source for button, source in page.buttons if not button.isHidden()}
    assert "Register an organization…" not in shown["Organizations"] and "Open" in shown["Organizations"]
    assert "New competition…" not in shown["Competitions"]
    assert not {"New application…", "Screen…", "Import"} & shown["Proposals"]
    assert not {"New round…", "Assign…", "Add judge…"} & shown["Judging"]
    assert not {"Freeze results…", "Key paper sheet…", "Reopen a sheet…"} & shown["Results"]
    assert "User accounts…" not in shown["Settings"] and "Change my password…" in shown["Settings"]
    save(window, "viewer-settings.png")


def test_an_administrator_manages_accounts(qtbot, settings, demo_copy, wait_loaded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.users_dialog import AccountDialog, UsersDialog

    monkeypatch.setattr(users, "SCRYPT_N", 2**10)
    window, opener = start_window(qtbot, settings, demo_copy, actor=None)
    with qtbot.waitSignal(window.database_opened, timeout=20_000):
        window.open_database(lambda: _signed_in_admin(opener))
    page = window.show_page("Settings")
    wait_loaded(page)
    assert any(source == "User accounts…" and not button.isHidden() for button, source in page.buttons)
    dialog = UsersDialog(window.db, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 5, timeout=10_000)
    save(dialog, "users-dialog.png")
    add = AccountDialog(window.db, None, dialog)
    qtbot.addWidget(add)
    add.username.setText("zhaoli")
    add.display_name.setText("赵丽")
    add.password.setText("zhaoli-pass-1")
    add.repeat.setText("zhaoli-pass-1")
    add.submit()  # no role chosen: the service says so
    qtbot.waitUntil(lambda: not add.banner.isHidden() and not add.busy, timeout=10_000)
    add.roles[Role.STAFF].setChecked(True)
    add.roles[Role.FINANCE].setChecked(True)
    add.show()
    save(add, "account-dialog.png")
    with qtbot.waitSignal(add.accepted, timeout=10_000):
        add.submit()
    dialog.reload()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 6, timeout=10_000)
    assert users.find_user(window.db, "zhaoli").roles == (Role.STAFF, Role.FINANCE)


def _signed_in_admin(opener):  # type: ignore[no-untyped-def]
    db = opener()
    users.sign_in(db, "admin", DEMO_PASSWORD)
    return db


def test_change_my_password_from_the_account_menu(qtbot, settings, demo_copy, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(users, "SCRYPT_N", 2**10)
    window, opener = start_window(qtbot, settings, demo_copy)
    dialog = ask_sign_in(qtbot, window, opener)
    sign_in(qtbot, dialog.form, "chenzhigang", DEMO_PASSWORD, window)

    def change() -> None:
        password = QApplication.activeModalWidget()
        password.current.setText(DEMO_PASSWORD)
        password.password.setText("chen-new-pass-1")
        password.repeat.setText("chen-new-pass-1")
        save(password, "change-password-dialog.png")
        password.submit()

    QTimer.singleShot(0, change)
    window.account.change_action.trigger()
    assert users.sign_in(window.db, "chenzhigang", "chen-new-pass-1").username == "chenzhigang"
