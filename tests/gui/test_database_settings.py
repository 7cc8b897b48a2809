"""Settings → Database: the open database shown, a PostgreSQL server tried off the GUI thread and chosen for the
next start; a failed try never changes the saved choice."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from psp_desktop.db import Database
from psp_desktop.enums import Role
from psp_desktop.services.access import Actor
from psp_desktop.settings import Settings
from psp_desktop.ui.database_section import DatabaseSection
from psp_desktop.ui.pages.settings_page import SettingsPage

PREVIOUS = "postgresql://psp:old-secret@records.example:5432/psp"


@pytest.fixture
def page(qtbot, settings: Settings, database: Database) -> Iterator[SettingsPage]:  # type: ignore[no-untyped-def]
    settings["database_url"] = PREVIOUS
    settings.save()
    page = SettingsPage(settings)
    qtbot.addWidget(page)
    page.set_database(database)
    page.show()
    page.ensure_loaded()
    qtbot.waitUntil(lambda: page.is_loaded, timeout=10_000)
    yield page


def finished(qtbot, section: DatabaseSection) -> str:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not section._busy, timeout=15_000)
    return section.status.text()


def saved(settings: Settings) -> str:
    return str(Settings(settings.path)["database_url"])


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_open_database_and_the_saved_choice_are_shown_without_passwords(page: SettingsPage,
                                                                            database: Database) -> None:
    assert page.database.text() == database.describe()
    chosen = page.database_section.chosen.text()
    assert "records.example" in chosen and "old-secret" not in chosen


def test_a_failed_try_names_the_reason_and_keeps_the_saved_choice(qtbot, page: SettingsPage,  # type: ignore[no-untyped-def]
                                                                  settings: Settings) -> None:
    section = page.database_section
    port = closed_port()
    section.url.setText(f"postgresql://psp:new-secret@127.0.0.1:{port}/psp")
    section.use_button.click()
    assert not section.use_button.isEnabled()  # busy: the GUI thread only waits for the answer
    message = finished(qtbot, section)
    assert "127.0.0.1" in message and str(port) in message and "new-secret" not in message
    assert saved(settings) == PREVIOUS
    section.url.setText("records.example/psp")
    section.test_button.click()
    message = finished(qtbot, section)  # names the address and shows the form an address takes
    assert "records.example/psp" in message and "postgresql://" in message
    assert saved(settings) == PREVIOUS


def test_only_administrators_choose_the_database(page: SettingsPage, database: Database) -> None:
    database.actor = Actor("viewer", frozenset({Role.VIEWER}), None, "查看者")
    page.set_database(database)
    page.database_section._refresh()
    section = page.database_section
    assert section.test_button.isEnabled()
    assert not section.use_button.isEnabled() and not section.local_button.isEnabled()


@pytest.mark.skipif(not os.environ.get("PSP_TEST_PG_URL"), reason="PSP_TEST_PG_URL is not set")
def test_a_working_server_is_saved_for_the_next_start_and_can_be_given_up(  # type: ignore[no-untyped-def]
        qtbot, page: SettingsPage, settings: Settings, fresh_pg_url: str) -> None:
    section = page.database_section
    typed = make_url(fresh_pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    section.url.setText(typed)
    section.use_button.click()
    message = finished(qtbot, section)
    assert "empty" in message or "空" in message, message
    assert saved(settings) == typed
    assert f":{make_url(typed).password}@" not in section.chosen.text()
    section.local_button.click()
    assert saved(settings) == ""
    assert not section.local_button.isEnabled()


def test_the_saved_file_is_this_pcs_settings(settings: Settings, tmp_path: Path) -> None:
    assert settings.path.parent == tmp_path  # the fixture's file: the real user's settings are never touched


# --- two PCs: a form whose record was saved elsewhere meanwhile -------------------------------------------------


@pytest.fixture
def other_pc(database: Database) -> Iterator[Database]:
    """A second Database object (another PC) on the same file or server."""
    from psp_desktop.db import open_database

    other = open_database(database.url)
    yield other
    other.close()


@pytest.mark.parametrize("answer", ["Yes", "No"])
def test_a_stale_form_is_refused_then_reloaded_on_request(  # type: ignore[no-untyped-def]
        qtbot, database: Database, other_pc: Database, monkeypatch: pytest.MonkeyPatch, answer: str) -> None:
    import dataclasses

    from PySide6.QtWidgets import QMessageBox

    from psp_desktop.services import competitions
    from psp_desktop.ui.dialogs.competition_dialog import CompetitionDialog

    cid = competitions.create(database, competitions.CompetitionData(name="2027年望江街道社区公益创投大赛", year=2027))
    dialog = CompetitionDialog(database, cid)  # this PC opens the form
    qtbot.addWidget(dialog)
    data, version = competitions.load(other_pc, cid)
    competitions.update(other_pc, cid, dataclasses.replace(data, organizer="望江街道办事处"), version)  # the other PC
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a, **_k: asked.append(text)
                        or getattr(QMessageBox.StandardButton, answer))
    dialog.organizer.setText("我的修改")
    dialog.save()
    assert (len(asked) == 1 and "Someone else saved this record meanwhile" in asked[0]) or "已被他人" in asked[0]
    assert competitions.load(database, cid)[0].organizer == "望江街道办事处"  # the first save is kept
    assert dialog.result() == 0  # the form stays open
    if answer == "Yes":
        assert dialog.organizer.text() == "望江街道办事处" and dialog.row_version == version + 1
        dialog.organizer.setText("我的修改")
        dialog.save()  # made again on the saved version: accepted
        assert competitions.load(database, cid)[0].organizer == "我的修改"
    else:
        assert dialog.organizer.text() == "我的修改"  # what was typed is kept to copy
