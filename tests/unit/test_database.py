"""Opening databases: pragmas, new files, the migration chain, upgrades of old files, and refusals."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import random
import shutil
import sqlite3
import threading
from pathlib import Path
from types import ModuleType

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload, sessionmaker

from psp_desktop import migrations
from psp_desktop.db import (
    BACKUPS_KEPT,
    Database,
    backup_sqlite,
    make_engine,
    open_database,
    resolve_url,
    run_migrations,
    sqlite_path,
)
from psp_desktop.errors import DatabaseOpenError
from psp_desktop.models import Base, Organization

DATA = Path(__file__).resolve().parents[1] / "data"
OLD_FILE = DATA / "psp-schema-0001.db"
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite 3 database file

def _load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_schema_0001", DATA / "make_schema_0001.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


maker = _load_maker()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.glob(path.name + "-*"))


def revision_of(conn: Connection) -> str:
    return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


# --- connections ------------------------------------------------------------------------------------------


def test_sqlite_pragmas_on_every_connection(tmp_path: Path) -> None:
    database = open_database(tmp_path / "psp.db")
    try:
        with database.engine.connect() as first, database.engine.connect() as second:
            assert first.connection.dbapi_connection is not second.connection.dbapi_connection
            for conn in (first, second):
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        database.close()


def test_new_database_is_stamped_at_head_with_every_table(db_url: str) -> None:
    database = open_database(db_url)
    try:
        with database.engine.connect() as conn:
            assert revision_of(conn) == migrations.HEAD
            tables = set(inspect(conn).get_table_names())
        assert set(Base.metadata.tables) | {"alembic_version"} == tables
    finally:
        database.close()


def test_current_database_reopens_without_backup(tmp_path: Path) -> None:
    path = tmp_path / "psp.db"
    open_database(path).close()
    before = sha256(path)
    open_database(path).close()
    assert sha256(path) == before
    assert not (tmp_path / "backups").exists()


def test_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "psp.db"
    path.touch()
    database = open_database(path)
    try:
        with database.engine.connect() as conn:
            assert revision_of(conn) == migrations.HEAD
    finally:
        database.close()


def test_server_database_is_described_without_its_password() -> None:
    url = resolve_url("postgresql://psp:secret@db.example:5432/psp")
    assert url.startswith("postgresql+psycopg://psp:secret@")
    assert sqlite_path(url) is None
    engine = make_engine(url)  # connects lazily: nothing is contacted here
    try:
        database = Database(engine, url, sessionmaker(engine), threading.RLock())
        assert not database.is_sqlite
        assert database.describe() == "postgresql+psycopg://psp:***@db.example:5432/psp"
    finally:
        engine.dispose()


# --- the migration chain ----------------------------------------------------------------------------------


def test_revisions_constant_matches_alembic_chain() -> None:
    script = ScriptDirectory(str(migrations.SCRIPT_LOCATION))
    chain = [rev.revision for rev in script.walk_revisions("base", "heads")][::-1]  # walk goes head → base
    assert tuple(chain) == migrations.REVISIONS
    assert script.get_heads() == [migrations.HEAD]
    assert script.get_current_head() == migrations.HEAD == migrations.REVISIONS[-1]


def _schema_diff(conn: Connection) -> list[object]:
    context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
    return list(compare_metadata(context, Base.metadata))


def test_migrations_from_empty_give_the_model_schema(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        run_migrations(engine, migrations.HEAD)
        with engine.connect() as conn:
            assert revision_of(conn) == migrations.HEAD
            assert _schema_diff(conn) == []
    finally:
        engine.dispose()


def _check_constraint_names(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            return {
                table: sorted(ck["name"] for ck in inspector.get_check_constraints(table))
                for table in Base.metadata.tables
            }
    finally:
        engine.dispose()


def test_migrated_and_created_schemas_have_the_same_check_constraints(tmp_path: Path) -> None:
    """compare_metadata ignores CHECK constraints, and the money and score rules live in them."""
    migrated, created = f"sqlite:///{tmp_path / 'migrated.db'}", f"sqlite:///{tmp_path / 'created.db'}"
    engine = make_engine(migrated)
    try:
        run_migrations(engine, migrations.HEAD)
    finally:
        engine.dispose()
    open_database(created).close()
    checks = _check_constraint_names(migrated)
    assert checks == _check_constraint_names(created)
    assert "ck_organization_name_not_blank" in checks["organization"]
    assert "ck_payment_amount_positive" in checks["payment"]


# --- upgrading populated old databases --------------------------------------------------------------------


def _counts(conn: Connection) -> dict[str, int]:
    return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in maker.EXPECTED_COUNTS}


def _staff_by_org(conn: Connection) -> dict[str, list[str]]:
    rows = conn.execute(text(
        "SELECT o.name, s.name FROM organization o LEFT JOIN organization_staff s ON s.organization_id = o.id "
        "ORDER BY o.id, s.id"
    ))
    result: dict[str, list[str]] = {}
    for org, staff in rows:
        result.setdefault(org, [])
        if staff is not None:
            result[org].append(staff)
    return result


def _assert_sample_rows_survived(database_url: str) -> None:
    """The rows make_schema_0001.populate wrote are all there, linked as before, in a head-schema database."""
    database = open_database(database_url)
    try:
        with database.engine.connect() as conn:
            assert revision_of(conn) == migrations.HEAD
            assert _counts(conn) == maker.EXPECTED_COUNTS
            assert _staff_by_org(conn) == maker.STAFF
            assert conn.execute(text("SELECT sum(amount_fen) FROM budget_line")).scalar_one() == maker.BUDGET_TOTAL_FEN
            assert conn.execute(text(
                "SELECT count(*) FROM proposal p JOIN organization o ON o.id = p.organization_id "
                "JOIN budget_line b ON b.proposal_id = p.id"
            )).scalar_one() == maker.EXPECTED_COUNTS["budget_line"]
            columns = {c["name"] for c in inspect(conn).get_columns("organization")}
            assert {"bank_name", "bank_account"} <= columns
            assert set(conn.execute(text("SELECT bank_name || bank_account FROM organization")).scalars()) == {""}
            if database.is_sqlite:
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with database.read() as session:
            orgs = session.scalars(select(Organization).options(selectinload(Organization.staff))).all()
            assert {org.name: [s.name for s in org.staff] for org in orgs} == maker.STAFF
        # the upgraded schema enforces 0002's rule; the rebuilt organization table is still the parent that
        # foreign keys protect and that ON DELETE CASCADE children follow
        with pytest.raises(IntegrityError), database.write() as session:
            session.get(Organization, orgs[0].id).name = "   "
        org_id = next(org.id for org in orgs if org.name == "童心社区服务社")
        with pytest.raises(IntegrityError), database.engine.begin() as conn:
            conn.execute(text("DELETE FROM organization WHERE id = :id"), {"id": org_id})
        with database.engine.begin() as conn:
            for table in ("proposal", "conflict_declaration", "organization"):
                column = "id" if table == "organization" else "organization_id"
                conn.execute(text(f"DELETE FROM {table} WHERE {column} = :id"), {"id": org_id})
        with database.engine.connect() as conn:
            remaining = _counts(conn)
        assert remaining["organization_staff"] == maker.EXPECTED_COUNTS["organization_staff"] - 2
        assert remaining["budget_line"] == maker.EXPECTED_COUNTS["budget_line"] - 3
    finally:
        database.close()


def test_populated_0001_database_upgrades_across_batch_migration(db_url: str) -> None:
    maker.build(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            assert revision_of(conn) == "0001"
            assert "bank_name" not in {c["name"] for c in inspect(conn).get_columns("organization")}
            assert _counts(conn) == maker.EXPECTED_COUNTS
    finally:
        engine.dispose()

    _assert_sample_rows_survived(db_url)  # open_database upgrades it (an SQLite file is backed up first)

    path = sqlite_path(db_url)
    if path is not None:
        backups = list((path.parent / "backups").glob("*.db"))
        assert len(backups) == 1
        with sqlite3.connect(f"{backups[0].as_uri()}?mode=ro", uri=True) as old:
            assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
            assert old.execute("SELECT count(*) FROM organization_staff").fetchone() == (7,)
            assert old.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        old.close()


def test_committed_0001_file_upgrades(tmp_path: Path) -> None:
    """A real file written at schema 0001 (tests/data/psp-schema-0001.db), not one made by today's code."""
    before = sha256(OLD_FILE)
    path = tmp_path / "old-office.db"
    shutil.copyfile(OLD_FILE, path)
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    old.close()

    _assert_sample_rows_survived(f"sqlite:///{path}")

    assert len(list((tmp_path / "backups").glob("old-office-before-*.db"))) == 1
    assert sha256(OLD_FILE) == before


def test_backups_are_rotated(tmp_path: Path) -> None:
    path = tmp_path / "psp.db"
    open_database(path).close()
    backups = tmp_path / "backups"
    backups.mkdir()
    for day in range(1, BACKUPS_KEPT + 4):
        (backups / f"psp-manual-200001{day:02d}-000000.db").write_bytes(b"old")
    newest = backup_sqlite(path, backups, "manual")
    kept = sorted(p.name for p in backups.glob("psp-manual-*.db"))
    assert len(kept) == BACKUPS_KEPT
    assert newest.name == kept[-1]
    with sqlite3.connect(newest) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (migrations.HEAD,)
    copy.close()


# --- refusals ---------------------------------------------------------------------------------------------


def _head_database(path: Path) -> Path:
    open_database(path).close()
    return path


def _random_bytes(path: Path) -> Path:
    path.write_bytes(random.Random(1).randbytes(8192))
    return path


def _text_file(path: Path) -> Path:
    path.write_text("机构名称,统一社会信用代码\n阳光为老服务中心,52420106MJ1234567Y\n", encoding="utf-8")
    return path


def _header_then_garbage(path: Path) -> Path:
    path.write_bytes(SQLITE_HEADER + random.Random(2).randbytes(8192))
    return path


def _schema_page_overwritten(path: Path) -> Path:
    data = bytearray(_head_database(path).read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[100:page_size] = random.Random(3).randbytes(page_size - 100)  # keep the header, ruin sqlite_master
    path.write_bytes(bytes(data))
    return path


def _version_page_overwritten(path: Path) -> Path:
    _head_database(path)
    with sqlite3.connect(path) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'alembic_version'").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start : start + page_size] = random.Random(4).randbytes(page_size)
    path.write_bytes(bytes(data))
    return path


def _newer_revision(path: Path) -> Path:
    _head_database(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    return path


def _foreign_sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('张三')")
    conn.close()
    return path


REFUSED_FILES = [
    _random_bytes, _text_file, _header_then_garbage, _schema_page_overwritten, _version_page_overwritten,
    _newer_revision, _foreign_sqlite,
]


@pytest.mark.parametrize("make_file", REFUSED_FILES, ids=lambda f: f.__name__.strip("_"))
def test_refused_file_is_left_byte_for_byte_unchanged(tmp_path: Path, make_file) -> None:  # type: ignore[no-untyped-def]
    path = make_file(tmp_path / "psp.db")
    assert sidecars(path) == []
    before = sha256(path)
    with pytest.raises(DatabaseOpenError) as caught:
        open_database(path)
    assert sha256(path) == before
    assert not (tmp_path / "backups").exists()
    message = caught.value.render()
    assert str(path) in message
    assert "\n" not in message and "Traceback" not in message


def test_newer_revision_message_names_the_revision(tmp_path: Path) -> None:
    with pytest.raises(DatabaseOpenError, match="9999"):
        open_database(_newer_revision(tmp_path / "psp.db"))


def test_refused_file_gets_no_wal_or_shm_files(tmp_path: Path) -> None:
    path = _newer_revision(tmp_path / "psp.db")
    with pytest.raises(DatabaseOpenError):
        open_database(path)
    assert sidecars(path) == []


def test_newer_revision_is_refused_on_every_backend(db_url: str) -> None:
    open_database(db_url).close()
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        path = sqlite_path(db_url)
        before = sha256(path) if path else None
        with pytest.raises(DatabaseOpenError, match="9999"):
            open_database(db_url)
        if path:
            assert sha256(path) == before
        with engine.connect() as conn:
            assert revision_of(conn) == "9999"
            assert "bank_name" in {c["name"] for c in inspect(conn).get_columns("organization")}
    finally:
        engine.dispose()


def test_failed_upgrade_is_a_database_open_error(db_url: str) -> None:
    """A database that claims revision 0001 but lacks its tables: the upgrade fails, and says so in one line."""
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
            conn.execute(text("INSERT INTO alembic_version VALUES ('0001')"))
    finally:
        engine.dispose()
    with pytest.raises(DatabaseOpenError) as caught:
        open_database(db_url)
    assert "\n" not in caught.value.render()


def test_folder_instead_of_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseOpenError):
        open_database(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_missing_file_is_not_created_when_create_is_false(tmp_path: Path) -> None:
    with pytest.raises(DatabaseOpenError):
        open_database(tmp_path / "absent.db", create=False)
    assert list(tmp_path.iterdir()) == []


def test_folder_that_cannot_exist_is_refused(tmp_path: Path) -> None:
    """A path below a regular file cannot be created, even by root."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseOpenError) as caught:
        open_database(blocker / "sub" / "psp.db")
    assert "\n" not in caught.value.render()
    assert blocker.read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a 0o500 folder")
def test_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(DatabaseOpenError):
            open_database(folder / "psp.db")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_unreachable_server_is_refused_in_one_line() -> None:
    with pytest.raises(DatabaseOpenError) as caught:
        open_database("postgresql://u:p@127.0.0.1:1/x")
    message = caught.value.render()
    assert "127.0.0.1" in message
    assert "\n" not in message and "Traceback" not in message
    assert "u:p@" not in message  # no password in messages


def test_damaged_table_page_is_refused_at_open(tmp_path: Path) -> None:
    """Damage past the schema pages is caught on open (quick_check), not by some later query."""
    path = tmp_path / "psp.db"
    db = open_database(path)
    with db.write() as s:
        s.add_all(Organization(name=f"机构{i}", org_type="service_agency", intro="简介" * 200) for i in range(300))
    db.close()
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = page_size * (pages - 2) + 8
    data[start:start + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    before = sha256(path)
    with pytest.raises(DatabaseOpenError, match="damaged"):
        open_database(path)
    assert sha256(path) == before
