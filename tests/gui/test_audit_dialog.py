"""The change log viewer: filters narrow the list (in the database, off the GUI thread), the check shows the head
when all is well and the first problem in red on a database changed behind the application's back."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from psp_desktop import i18n
from psp_desktop.db import Database, open_database
from psp_desktop.services import audit
from psp_desktop.ui.dialogs.audit_dialog import BROKEN_STYLE, OK_STYLE, AuditDialog


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    return path


@pytest.fixture
def db(demo_copy: Path) -> Iterator[Database]:
    database = open_database(demo_copy)
    i18n.install("zh_CN")
    yield database
    database.close()


def _dialog(qtbot, db: Database) -> AuditDialog:  # type: ignore[no-untyped-def]
    dialog = AuditDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading and dialog.user.count() > 1, timeout=10_000)
    return dialog


def _rows(dialog: AuditDialog) -> list[audit.Row]:
    return [dialog.model.row_at(i).entry for i in range(dialog.model.rowCount())]


def _settle(qtbot, dialog: AuditDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.wait(0)
    qtbot.waitUntil(lambda: not dialog.loading and not dialog._debounce.isActive(), timeout=10_000)


def _verify(qtbot, dialog: AuditDialog) -> audit.VerifyReport:  # type: ignore[no-untyped-def]
    dialog.verify_button.click()
    assert dialog.verifying and not dialog.verify_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.verifying, timeout=20_000)
    assert dialog.report is not None
    return dialog.report


def test_filters_narrow_the_list(qtbot, qtmodeltester, db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, db)
    qtmodeltester.check(dialog.model)
    everything = _rows(dialog)
    assert len(everything) == audit.head(db).count and everything[0].id > everything[-1].id
    judge = next(r.username for r in everything if r.action == "sheet.submit")
    dialog.user.setCurrentIndex(dialog.user.findData(judge))
    _settle(qtbot, dialog)
    mine = _rows(dialog)
    assert 0 < len(mine) < len(everything) and {r.username for r in mine} == {judge}
    dialog.user.setCurrentIndex(0)
    dialog.action.setCurrentIndex(dialog.action.findData("round.freeze"))
    _settle(qtbot, dialog)
    frozen = _rows(dialog)
    assert len(frozen) == 4 and {r.entity for r in frozen} == {"round"}  # 2024's, 2025's and the 2025 tender's
    dialog.action.setCurrentIndex(0)
    dialog.since.set_value(dt.date(2025, 5, 16))
    dialog.until.set_value(dt.date(2025, 5, 16))
    _settle(qtbot, dialog)
    day = _rows(dialog)
    assert day and all(r.at.date() == dt.date(2025, 5, 16) for r in day)
    dialog.text.setText(judge)
    _settle(qtbot, dialog)
    assert 0 < len(_rows(dialog)) < len(day)
    assert str(len(_rows(dialog))) in dialog.count.text()
    tip = dialog.model.data(dialog.model.index(0, 0), 3)  # ToolTipRole: the full before and after
    assert judge in tip and "sheet.submit" in tip


def test_verify_shows_ok_with_the_head(qtbot, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, db)
    report = _verify(qtbot, dialog)
    head = audit.head(db)
    assert report.ok and dialog.result.isVisible()
    assert head.short in dialog.verdict and str(head.count) in dialog.verdict
    assert dialog.result.styleSheet() == OK_STYLE
    assert dialog.grab().save(str(tmp_path / "audit_ok.png"))


def test_verify_shows_the_first_broken_link_on_a_tampered_copy(qtbot, demo_copy: Path) -> None:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(demo_copy)
    conn.execute("UPDATE audit_entry SET username = '王五' WHERE id = 40")
    conn.commit()
    conn.close()
    database = open_database(demo_copy)
    try:
        dialog = _dialog(qtbot, database)
        report = _verify(qtbot, dialog)
        assert not report.ok and report.broken_entry == 40
        assert "40" in dialog.verdict and dialog.result.styleSheet() == BROKEN_STYLE
        dialog.printed.setText("not a head")
        dialog.verify()
        assert dialog.report is None and "not a head" in dialog.verdict
    finally:
        database.close()


def test_a_printed_head_from_before_a_rewrite_is_checked(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, db)
    dialog.printed.setText(f"变更记录校验：{audit.head(db).count} 条 · 链头 0123456789abcdef")
    report = _verify(qtbot, dialog)
    assert report.problem is not None and report.problem.kind == "head" and "0123456789abcdef" in dialog.verdict


def test_settings_opens_the_change_log(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from psp_desktop.settings import Settings
    from psp_desktop.ui.pages.settings_page import SettingsPage

    page = SettingsPage(Settings(Path(db.path).parent / "settings.json"))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.set_database(db)
    page.audit_button.click()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AuditDialog))
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    assert dialog.model.rowCount() == audit.head(db).count
    dialog.close()
