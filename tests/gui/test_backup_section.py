"""Backups in the app: the start backup, Settings → Back up now… to a chosen folder, the list of automatic backups,
and Restore… with its confirmation, after which the window reopens the restored database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import func, select

from psp_desktop import i18n
from psp_desktop.enums import Role
from psp_desktop.models import Organization
from psp_desktop.services import backups
from psp_desktop.services.access import Actor
from psp_desktop.ui.backup_section import BackupSection, kind_text


@pytest.fixture(autouse=True)
def chinese(qapp):  # type: ignore[no-untyped-def]
    i18n.install("zh_CN")
    yield


@pytest.fixture
def office(demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the demo: restoring must not change the session's demo file."""
    path = tmp_path / "office" / "psp.db"
    path.parent.mkdir()
    shutil.copyfile(demo_file, path)
    return path


def organizations(window) -> int:  # type: ignore[no-untyped-def]
    with window.db.read() as s:
        return int(s.scalar(select(func.count(Organization.id))))


def backup_section(qtbot, window, wait_loaded) -> BackupSection:  # type: ignore[no-untyped-def]
    page = window.show_page("Settings")
    wait_loaded(page)
    section = page.backups
    qtbot.waitUntil(lambda: section.model.rowCount() > 0, timeout=10_000)
    return section


def test_a_start_backup_is_listed_and_back_up_now_saves_to_the_chosen_folder(
        qtbot, open_window, wait_loaded, settings, office: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(settings, office)
    section = backup_section(qtbot, window, wait_loaded)  # the start backup, taken after the database opened
    assert [p.name[:10] for p in (office.parent / "backups").iterdir()] == ["psp-start-"]
    assert section.model.row_at(0).kind == kind_text("start")
    usb = tmp_path / "usb"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(usb))
    section.backup_button.click()
    qtbot.waitUntil(lambda: section.status.text().startswith("备份已保存") or "Backup saved" in section.status.text(),
                    timeout=10_000)
    saved = list(usb.iterdir())
    assert len(saved) == 1 and saved[0].name.startswith("psp-manual-")
    assert backups.check_backup(saved[0]).revision


def test_restore_asks_naming_the_date_then_reopens_the_restored_database(
        qtbot, open_window, wait_loaded, settings, office: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(settings, office)
    section = backup_section(qtbot, window, wait_loaded)
    backup = backups.backup_now(window.db, tmp_path / "usb")
    count = organizations(window)
    with window.db.write() as s:
        s.add(Organization(name="备份之后登记的机构", org_type="service_agency"))
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(backup), ""))

    def answer(_parent, _title, text, *_a, **_k):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    old, actor = window.db, window.db.actor
    section.restore_button.click()
    qtbot.waitUntil(lambda: window.db is not old and window.db is not None, timeout=20_000)
    assert window.db is not old and window.db.actor == actor
    assert organizations(window) == count
    taken = backups.check_backup(backup).taken_at
    assert taken.strftime("%Y-%m-%d %H:%M") in asked[0] and str(backup) in asked[0]
    assert any(b.label == "before-restore" for b in backups.list_backups(window.db))


def test_restore_declined_changes_nothing(qtbot, open_window, wait_loaded, settings, office: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(settings, office)
    section = backup_section(qtbot, window, wait_loaded)
    backup = backups.backup_now(window.db, tmp_path / "usb")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(backup), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.No)
    section.choose_restore()
    qtbot.waitUntil(lambda: not section._busy, timeout=10_000)
    assert organizations(window) > 0 and not any(b.label == "before-restore"
                                                 for b in backups.list_backups(window.db))


def test_a_doubtful_backup_is_refused_with_its_reason(qtbot, open_window, wait_loaded, settings, office: Path,
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(settings, office)
    section = backup_section(qtbot, window, wait_loaded)
    bad = tmp_path / "bad.db"
    bad.write_text("不是数据库", encoding="utf-8")
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a, **_k: warned.append(text))
    section.choose_restore(str(bad))
    qtbot.waitUntil(lambda: bool(warned), timeout=10_000)
    assert str(bad) in warned[0]


def test_buttons_follow_the_signed_in_persons_permissions(qtbot, open_window, wait_loaded, settings,
                                                          office: Path) -> None:
    window = open_window(settings, office)
    section = backup_section(qtbot, window, wait_loaded)
    assert section.backup_button.isEnabled() and section.restore_button.isEnabled()
    window.db.actor = Actor("wangkuaiji", frozenset({Role.FINANCE}))
    section.reload()
    assert section.backup_button.isEnabled() and not section.restore_button.isEnabled()
    window.db.actor = Actor("viewer", frozenset({Role.VIEWER}))
    section.reload()
    assert not section.backup_button.isEnabled() and not section.restore_button.isEnabled()


def test_the_daily_check_runs_hourly_off_the_gui_thread_and_reports_failures(
        qtbot, open_window, settings, office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from psp_desktop.errors import ValidationError
    from psp_desktop.ui import backup_timer

    settings["backups_keep"] = 4
    window = open_window(settings, office)
    auto = window.auto_backups
    assert auto.timer.isActive() and auto.timer.interval() == backup_timer.CHECK_EVERY_MS
    calls: list[tuple[object, int, bool]] = []

    def daily(db, keep):  # type: ignore[no-untyped-def]
        calls.append((db, keep, threading.current_thread() is threading.main_thread()))
        raise ValidationError("The backup could not be written to {path}: {reason}. Nothing was saved under that "
                              "name.", path="/media/usb", reason="No space left on device")

    monkeypatch.setattr(backups, "daily_backup", daily)
    auto.timer.timeout.emit()
    qtbot.waitUntil(lambda: "No space left on device" in window.statusBar().currentMessage(), timeout=10_000)
    assert calls == [(window.db, 4, False)]
