"""A district's shared PostgreSQL database: which database a PC opens, the connection test's clear refusals, and
two PCs saving the same record (optimistic locking refuses the second, keeps the first).

The server tests use PSP_TEST_PG_URL (see tests/conftest.py) and are skipped without it; the closed-port and
malformed-address tests need no server."""

from __future__ import annotations

import dataclasses
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from psp_desktop import migrations
from psp_desktop.db import Database, make_engine, open_database
from psp_desktop.dbfile import ENV_URL, chosen_target, default_db_path
from psp_desktop.enums import Role
from psp_desktop.errors import DatabaseOpenError, PspError, ValidationError
from psp_desktop.services import competitions, organizations, roster, system, users
from psp_desktop.services.organizations import ChangedElsewhere
from psp_desktop.services.startup import ChosenServerFailed, open_for_app
from psp_desktop.settings import Settings

PG_ENV = "PSP_TEST_PG_URL"
needs_pg = pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} is not set")


@pytest.fixture
def saved_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """saved_choice(url): this PC's settings file says Settings → Database chose url."""
    path = tmp_path / "settings.json"
    monkeypatch.setenv("PSP_CONFIG", str(path))

    def choose(url: str) -> None:
        settings = Settings(path)
        settings["database_url"] = url
        settings.save()

    return choose


def closed_port() -> int:
    """A local port nothing listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_url(**changes: object) -> str:
    """PSP_TEST_PG_URL with some parts changed (user, password, database)."""
    return make_url(os.environ[PG_ENV]).set(**changes).render_as_string(hide_password=False)  # type: ignore[arg-type]


def one_line(exc: PspError) -> str:
    message = exc.render()
    assert "\n" not in message and "Traceback" not in message
    return message


# --- which database a PC opens ---------------------------------------------------------------------------------


def test_db_option_then_environment_then_settings_then_the_default_file(
        saved_choice: Callable[[str], None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert chosen_target(None) == default_db_path()
    saved_choice("postgresql://psp:pw@server/psp")
    assert chosen_target(None) == "postgresql://psp:pw@server/psp"
    monkeypatch.setenv(ENV_URL, "postgresql://other@server/psp")
    assert chosen_target(None) == "postgresql://other@server/psp"
    assert chosen_target(tmp_path / "mine.db") == (tmp_path / "mine.db").resolve()


def test_a_chosen_server_that_fails_at_start_says_how_to_use_the_local_file(
        saved_choice: Callable[[str], None], tmp_path: Path) -> None:
    port = closed_port()
    saved_choice(f"postgresql://psp:secret@127.0.0.1:{port}/psp")
    with pytest.raises(ChosenServerFailed) as caught:
        open_for_app(None, demo=False)
    message = caught.value.render()
    assert f"Nothing answers at 127.0.0.1, port {port}" in message
    assert f'--db "{default_db_path()}"' in message and "secret" not in message
    with pytest.raises(DatabaseOpenError) as direct:  # --db given: the plain reason, no advice about Settings
        open_for_app(f"postgresql://psp:secret@127.0.0.1:{port}/psp", demo=False)
    assert not isinstance(direct.value, ChosenServerFailed)
    open_for_app(tmp_path / "own.db", demo=False).close()  # --db beats the saved choice


# --- the connection test, without a server ----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "server/psp", "mysql://a:b@host/psp", "postgresql://psp:pw@host",
                                   "postgresql://psp:pw@host:port/psp", "postgresql:///psp"])
def test_an_address_that_is_not_postgresql_is_refused_before_connecting(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        system.check_server(typed)
    message = one_line(caught.value)
    assert "postgresql://user:password@host:port/dbname" in message
    assert ":b@" not in message and ":pw@" not in message


def test_a_closed_port_is_named_with_host_and_port() -> None:
    port = closed_port()
    url = f"postgresql://psp:secret@127.0.0.1:{port}/psp"
    for attempt in (lambda: system.check_server(url), lambda: open_database(url)):
        with pytest.raises(DatabaseOpenError) as caught:
            attempt()
        message = one_line(caught.value)
        assert f"Nothing answers at 127.0.0.1, port {port}" in message
        assert "secret" not in message


# --- the connection test against a server --------------------------------------------------------------------


@needs_pg
def test_wrong_password_and_unknown_user_are_told_apart_from_other_failures() -> None:
    for url, user in ((pg_url(password="not-the-password"), make_url(os.environ[PG_ENV]).username),
                      (pg_url(username=f"nobody_{uuid.uuid4().hex[:6]}"), None)):
        for attempt in (system.check_server, open_database):
            with pytest.raises(DatabaseOpenError) as caught:
                attempt(url)
            message = one_line(caught.value)
            assert "refused the user name or password" in message, message
            assert "not-the-password" not in message
            if user:
                assert f"“{user}”" in message


@needs_pg
def test_a_missing_database_is_named() -> None:
    name = f"psp_absent_{uuid.uuid4().hex[:8]}"
    for attempt in (lambda: system.check_server(pg_url(database=name)), lambda: open_database(pg_url(database=name))):
        with pytest.raises(DatabaseOpenError) as caught:
            attempt()
        assert f"There is no database “{name}” on the server" in one_line(caught.value)


@needs_pg
def test_an_empty_database_is_offered_then_set_up_at_first_start(fresh_pg_url: str) -> None:
    typed = make_url(fresh_pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    check = system.check_server(typed)
    assert (check.state, check.revision) == (system.EMPTY, None)
    assert "***" not in check.where and ":psp@" not in check.where
    open_database(typed).close()  # the first start creates the tables
    assert system.check_server(typed) == dataclasses.replace(check, state=system.CURRENT, revision=migrations.HEAD)


@needs_pg
def test_a_database_of_a_newer_version_or_of_another_program_is_refused_and_left_alone(fresh_pg_url: str) -> None:
    engine = make_engine(fresh_pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE contacts (name TEXT)"))
        for attempt in (lambda: system.check_server(fresh_pg_url), lambda: open_database(fresh_pg_url)):
            with pytest.raises(DatabaseOpenError, match="tables of another program"):
                attempt()
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE contacts"))
        open_database(fresh_pg_url).close()
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(DatabaseOpenError, match=r"newer version of PSP Desktop \(schema 9999\)"):
            system.check_server(fresh_pg_url)
        with engine.connect() as conn:  # opening it is refused the same way: test_database.py, every backend
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    finally:
        engine.dispose()


# --- two PCs on one database: the second save of the same record is refused ------------------------------------


@pytest.fixture
def two_pcs(db_url: str) -> Iterator[tuple[Database, Database]]:
    """Two separate Database objects (two PCs, each with its own engine) on one SQLite file or PostgreSQL database."""
    first = open_database(db_url)
    second = open_database(db_url)
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def organization() -> organizations.OrganizationData:
    return organizations.OrganizationData(
        name="望江街道阳光社会工作服务中心", uscc="52310101000000001" + _check("52310101000000001"),
        registration_authority="临江区民政局", contact_name="李梅", contact_phone="13800138000",
        staff=[organizations.StaffData("李梅", "项目主管")])


def _check(first17: str) -> str:
    from psp_desktop.codes import uscc_check_char

    return uscc_check_char(first17)


def refused_second(first: Callable[[], object], second: Callable[[], object]) -> str:
    first()
    with pytest.raises(ChangedElsewhere) as caught:
        second()
    return caught.value.render()


def test_two_pcs_editing_one_organization(two_pcs: tuple[Database, Database]) -> None:
    pc1, pc2 = two_pcs
    org_id = organizations.create(pc1, organization())
    (mine, version), (theirs, _) = organizations.load(pc1, org_id), organizations.load(pc2, org_id)
    first = dataclasses.replace(mine, contact_phone="13900139000")
    message = refused_second(lambda: organizations.update(pc1, org_id, first, version),
                             lambda: organizations.update(pc2, org_id, dataclasses.replace(theirs, name="改名"),
                                                          version))
    assert "Someone else saved this record meanwhile" in message
    assert organizations.load(pc2, org_id) == (first, version + 1)


def test_two_pcs_editing_one_competition(two_pcs: tuple[Database, Database]) -> None:
    pc1, pc2 = two_pcs
    cid = competitions.create(pc1, competitions.CompetitionData(name="2027年望江街道社区公益创投大赛", year=2027))
    (mine, version), (theirs, _) = competitions.load(pc1, cid), competitions.load(pc2, cid)
    first = dataclasses.replace(mine, organizer="望江街道办事处")
    refused_second(lambda: competitions.update(pc1, cid, first, version),
                   lambda: competitions.update(pc2, cid, dataclasses.replace(theirs, district="临江区"), version))
    assert competitions.load(pc2, cid) == (first, version + 1)


def test_two_pcs_editing_one_judge(two_pcs: tuple[Database, Database]) -> None:
    pc1, pc2 = two_pcs
    judge_id = roster.save_judge(pc1, None, roster.JudgeData(name="赵敏", affiliation="临江大学社会学院"), None)
    (mine, version, _), (theirs, _, _) = roster.load_judge(pc1, judge_id), roster.load_judge(pc2, judge_id)
    first = dataclasses.replace(mine, title="教授")
    refused_second(lambda: roster.save_judge(pc1, judge_id, first, version),
                   lambda: roster.save_judge(pc2, judge_id, dataclasses.replace(theirs, phone="13700137000"),
                                             version))
    assert roster.load_judge(pc2, judge_id)[:2] == (first, version + 1)


def test_two_pcs_editing_one_user_account(two_pcs: tuple[Database, Database]) -> None:
    pc1, pc2 = two_pcs
    user_id = users.create_user(pc1, "zhang", "张三", "kai-men-2026", [Role.STAFF])
    row1, row2 = users.find_user(pc1, "zhang"), users.find_user(pc2, "zhang")
    refused_second(lambda: users.update_user(pc1, user_id, row1.row_version, display_name="张 三"),
                   lambda: users.update_user(pc2, user_id, row2.row_version, roles=[Role.VIEWER]))
    after = users.find_user(pc2, "zhang")
    assert (after.display_name, set(after.roles)) == ("张 三", {Role.STAFF})
