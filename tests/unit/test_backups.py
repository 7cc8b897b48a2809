"""Backups and restores: rotation, backups to a folder or USB stick written whole or not at all, restores that refuse
anything doubtful and leave the current file untouched, the full integrity check at start, and who may do what."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import io
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from psp_desktop import cli, dbfile, migrations
from psp_desktop.db import Database, open_database
from psp_desktop.enums import Role
from psp_desktop.errors import DatabaseOpenError, ValidationError
from psp_desktop.models import Organization
from psp_desktop.services import backups
from psp_desktop.services.access import Actor, NotAllowed
from psp_desktop.services.backups import BackupRefused
from psp_desktop.services.startup import open_for_app


@pytest.fixture(autouse=True)
def _english_messages_without_qt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI must not create a QCoreApplication in this process (see test_cli.py)."""
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_orgs(db: Database, *names: str) -> None:
    with db.write() as s:
        s.add_all(Organization(name=name, org_type="service_agency", intro="简介" * 50) for name in names)


def org_names(path: Path) -> list[str]:
    db = open_database(path, create=False)
    try:
        with db.read() as s:
            return sorted(s.scalars(select(Organization.name)))
    finally:
        db.close()


@pytest.fixture
def office(tmp_path: Path) -> Database:
    """An office database with two organizations, closed after the test."""
    db = open_database(tmp_path / "office" / "psp.db")
    add_orgs(db, "阳光为老服务中心", "望江社工服务中心")
    yield db
    db.close()


def integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- taking backups ----------------------------------------------------------------------------------------------


def test_backup_to_a_folder_is_a_sound_self_contained_copy(office: Database, tmp_path: Path) -> None:
    usb = tmp_path / "usb" / "psp-backups"  # made when missing
    path = backups.backup_now(office, usb)
    assert path.parent == usb and path.name.startswith("psp-manual-") and path.suffix == ".db"
    assert files(usb) == [path.name]  # no temporary file left behind, no -wal beside it
    assert integrity(path) == ["ok"]
    assert path.read_bytes()[18:20] == b"\x01\x01"  # rollback journal: one file to carry away, not WAL
    assert org_names(path) == ["望江社工服务中心", "阳光为老服务中心"]
    assert backups.check_backup(path).revision == migrations.HEAD


def test_backup_to_a_file_name_and_refusals(office: Database, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    assert backups.backup_now(office, target) == target
    with pytest.raises(ValidationError, match="already exists"):
        backups.backup_now(office, target)
    with pytest.raises(ValidationError, match="There is no folder"):
        backups.backup_now(office, tmp_path / "missing" / "copy.db")


def test_automatic_backups_are_rotated_per_kind(office: Database) -> None:
    folder = office.path.parent / backups.FOLDER
    folder.mkdir()
    for day in range(1, 6):  # older backups of every kind, and a manual one that is never rotated away
        for label in ("start", "daily", "before-0003", "before-0004", "manual"):
            (folder / f"psp-{label}-202601{day:02d}-000000.db").write_bytes(b"old")
    (folder / "other-start-20260101-000000.db").write_bytes(b"another database's")
    newest = [backups.automatic_backup(office, "start", keep=3) for _ in range(2)]
    backups.automatic_backup(office, "daily", keep=3)
    names = files(folder)
    starts = [n for n in names if n.startswith("psp-start-")]
    assert len(starts) == 3 and all(p.name in starts for p in newest)
    assert len([n for n in names if n.startswith("psp-daily-")]) == 3
    migrations_kept = sorted(n for n in names if n.startswith("psp-before-"))  # one kind, whatever the revision
    assert migrations_kept == ["psp-before-0003-20260105-000000.db", "psp-before-0004-20260104-000000.db",
                               "psp-before-0004-20260105-000000.db"]
    assert len([n for n in names if n.startswith("psp-manual-")]) == 5
    assert "other-start-20260101-000000.db" in names
    backups.rotate(folder, "psp", keep=2)
    assert len([n for n in files(folder) if n.startswith("psp-before-")]) == 2
    listed = backups.list_backups(office)
    assert listed[0].path == newest[-1] or listed[0].label == "daily"
    assert [b.taken_at for b in listed] == sorted((b.taken_at for b in listed), reverse=True)


def test_the_daily_backup_is_taken_once_a_day(office: Database) -> None:
    first = backups.daily_backup(office)
    assert first is not None and "-daily-" in first.name
    assert backups.daily_backup(office) is None  # the newest automatic one is less than a day old
    later = dt.datetime.now() + dt.timedelta(days=1, minutes=1)
    assert backups.daily_backup(office, now=later) is not None


class _DyingSource:
    """A source whose copy stops after a few pages, as when a USB stick is pulled out mid-copy."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real

    def backup(self, target: sqlite3.Connection) -> None:
        self.real.backup(target, pages=2, progress=self._die)

    def _die(self, _status: int, _remaining: int, _total: int) -> None:
        raise OSError(errno.EIO, "Input/output error")


def test_a_copy_that_fails_midway_leaves_nothing_under_the_final_name(office: Database, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    source = sqlite3.connect(office.path)
    try:
        with pytest.raises(OSError):
            dbfile.copy_database(_DyingSource(source), usb / "psp.db")  # type: ignore[arg-type]
    finally:
        source.close()
    assert files(usb) == []


def test_a_backup_that_cannot_be_synced_says_so_and_leaves_nothing(office: Database, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(dbfile, "_fsync", full)
    with pytest.raises(ValidationError, match=r"No space left on device\. Nothing was saved under that name"):
        backups.backup_now(office, tmp_path / "usb")
    assert files(tmp_path / "usb") == []


SLOW_COPY = textwrap.dedent("""
    import sqlite3, sys, time
    from pathlib import Path
    from psp_desktop.dbfile import copy_database

    class Slow:
        def __init__(self, real):
            self.real = real
        def backup(self, target):
            print("copying", flush=True)
            self.real.backup(target, pages=1, progress=lambda *a: time.sleep(0.01))

    copy_database(Slow(sqlite3.connect(sys.argv[1])), Path(sys.argv[2]))
    print("done", flush=True)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_copy_killed_midway_leaves_nothing_under_the_final_name(office: Database, tmp_path: Path) -> None:
    add_orgs(office, *(f"机构{i}" for i in range(300)))  # some hundreds of pages: seconds at 10 ms a page
    usb = tmp_path / "usb"
    usb.mkdir()
    child = subprocess.Popen([sys.executable, "-c", SLOW_COPY, str(office.path), str(usb / "psp.db")],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "copying"
        time.sleep(0.3)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
        child.stdout.close()  # type: ignore[union-attr]
    assert child.returncode == -signal.SIGKILL
    assert not (usb / "psp.db").exists()
    assert all(name.startswith(".psp.db.") for name in files(usb))  # at most the hidden temporary file


def test_a_backup_taken_while_another_thread_writes_is_consistent(office: Database, tmp_path: Path) -> None:
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            add_orgs(office, f"并发机构{n}-a", f"并发机构{n}-b")  # two rows per transaction

    thread = threading.Thread(target=write, name="backup-writer")
    thread.start()
    try:
        taken = []
        for _ in range(5):
            time.sleep(0.02)
            taken.append(backups.backup_now(office, tmp_path / "usb"))
    finally:
        stop.set()
        thread.join(timeout=30)
    for path in taken:
        assert integrity(path) == ["ok"]
        names = [n for n in org_names(path) if n.startswith("并发机构")]
        assert len(names) % 2 == 0 and {n[:-2] for n in names if n.endswith("-a")} == {
            n[:-2] for n in names if n.endswith("-b")}


def test_a_server_database_is_backed_up_with_pg_dump() -> None:
    server = Database(None, "postgresql+psycopg://psp@127.0.0.1/psp", None, threading.RLock())  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="pg_dump"):
        backups.backup_now(server, "/tmp")
    with pytest.raises(ValidationError, match="pg_dump"):
        backups.restore_database(server, "/tmp/x.db")
    assert backups.automatic_backup(server) is None and backups.daily_backup(server) is None
    assert backups.list_backups(server) == ()


# --- restoring ---------------------------------------------------------------------------------------------------


def test_restore_brings_back_the_backup_and_keeps_the_current_file(office: Database, tmp_path: Path) -> None:
    backup = backups.backup_now(office, tmp_path / "usb")
    add_orgs(office, "备份之后登记的机构")
    path = office.path
    before = backups.restore_database(office, backup)  # closes the database
    assert org_names(path) == ["望江社工服务中心", "阳光为老服务中心"]
    assert before is not None and before.parent == path.parent / "backups" and "-before-restore-" in before.name
    assert "备份之后登记的机构" in org_names(before)
    assert integrity(path) == ["ok"]
    assert [b.label for b in backups.list_backups(open_database(path, create=False))] == ["before-restore"]


def _damaged(path: Path) -> Path:
    db = open_database(path)
    add_orgs(db, *(f"机构{i}" for i in range(300)))
    db.close()
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = b"\xff" * 4096
    path.write_bytes(bytes(data))
    return path


def _not_ours(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    return path


def _newer(path: Path) -> Path:
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    return path


def _text(path: Path) -> Path:
    path.write_text("不是数据库", encoding="utf-8")
    return path


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


REFUSED = {
    "a text file": (_text, "not a PSP Desktop database"),
    "an empty file": (_empty, "not a PSP Desktop database"),
    "another program's SQLite file": (_not_ours, "not a PSP Desktop database"),
    "a damaged backup": (_damaged, "damaged"),
    "a newer version's backup": (_newer, r"newer version of PSP Desktop \(schema 9999\)"),
    "a missing file": (lambda p: p, "There is no backup file"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_restore_refuses_doubtful_files_and_leaves_the_current_file_untouched(office: Database, tmp_path: Path,
                                                                              case: str) -> None:
    make, message = REFUSED[case]
    bad = make(tmp_path / "bad.db")
    path = office.path
    office.close()
    before = sha256(path)
    with pytest.raises(BackupRefused, match=message) as refused:
        backups.restore(path, bad)
    assert "\n" not in refused.value.render()
    assert case == "a missing file" or refused.value.render().lower().endswith("nothing was restored.")
    assert sha256(path) == before
    assert not (path.parent / "backups").exists()  # refused before anything was copied


def test_restore_refuses_while_the_file_is_open_elsewhere(office: Database, tmp_path: Path) -> None:
    backup = backups.backup_now(office, tmp_path / "usb")
    with office.read() as s:  # the app (or another window) has the file open
        s.scalar(select(func.count(Organization.id)))
        with pytest.raises(BackupRefused, match="open in another window or program"):
            backups.restore(office.path, backup)
    assert len(org_names(office.path)) == 2


def test_restore_into_a_missing_or_damaged_database(tmp_path: Path, office: Database) -> None:
    backup = backups.backup_now(office, tmp_path / "usb")
    fresh = tmp_path / "new-pc" / "psp.db"
    fresh.parent.mkdir()
    assert backups.restore(fresh, backup) is None
    assert len(org_names(fresh)) == 2
    (tmp_path / "damaged").mkdir()
    damaged = _damaged(tmp_path / "damaged" / "psp.db")
    kept = backups.restore(damaged, backup)
    assert kept is not None and kept.stat().st_size > 0  # the damaged file itself, kept byte for byte
    assert len(org_names(damaged)) == 2


# --- the check at start ------------------------------------------------------------------------------------------


def _index_out_of_step(path: Path) -> Path:
    """Damage that quick_check misses: an index whose entries no longer match its table."""
    db = open_database(path)
    add_orgs(db, *(f"机构{i}" for i in range(50)))
    db.close()
    conn = sqlite3.connect(path)
    name, sql = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='organization' "
                             "AND sql LIKE '%(name)%'").fetchone()
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql=? WHERE name=?", (sql.replace("(name)", "(intro)"), name))
    conn.commit()
    conn.close()
    return path


def test_the_full_integrity_check_at_start_refuses_damage_quick_check_misses(tmp_path: Path) -> None:
    path = _index_out_of_step(tmp_path / "psp.db")
    before = sha256(path)
    with pytest.raises(DatabaseOpenError) as refused:
        open_for_app(str(path), demo=False)
    message = refused.value.render()
    assert str(path) in message and "integrity check" in message and str(path.parent / "backups") in message
    assert "psp --db" in message and "\n" not in message
    assert sha256(path) == before


def test_a_sound_file_passes_the_check_at_start(office: Database) -> None:
    path = office.path
    office.close()
    open_for_app(str(path), demo=False).close()


# --- who may ----------------------------------------------------------------------------------------------------


def test_backup_and_restore_need_their_permissions(office: Database, tmp_path: Path) -> None:
    backup = backups.backup_now(office, tmp_path / "usb")
    path = office.path
    office.actor = Actor("viewer", frozenset({Role.VIEWER}))
    with pytest.raises(NotAllowed, match="backup"):
        backups.backup_now(office, tmp_path / "usb")
    office.actor = Actor("finance", frozenset({Role.FINANCE}))
    assert backups.backup_now(office, tmp_path / "usb2").exists()
    add_orgs(office, "之后登记的机构")
    office.actor = Actor("staff", frozenset({Role.STAFF}))
    with pytest.raises(NotAllowed, match="restore"):
        backups.restore_database(office, backup)
    assert len(org_names(path)) == 3  # refused while the database was still open and unchanged
    office.actor = None
    with pytest.raises(NotAllowed, match="Sign in first"):
        backups.restore_database(office, backup)
    assert len(org_names(path)) == 3
    assert not (path.parent / "backups").exists()  # no before-restore copy either: nothing was started


# --- the command line --------------------------------------------------------------------------------------------


def test_cli_backup_and_restore(office: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = office.path
    office.close()
    assert cli.main(["--db", str(path), "backup", str(tmp_path / "usb")]) == 0
    backup = Path(capsys.readouterr().out.strip())
    assert backup.parent == tmp_path / "usb" and integrity(backup) == ["ok"]
    db = open_database(path)
    add_orgs(db, "之后登记的机构")
    db.close()
    monkeypatch.setattr(sys, "stdin", io.StringIO())  # no terminal: no one to answer the question
    assert cli.main(["--db", str(path), "restore", str(backup)]) == 1
    assert "add --yes" in capsys.readouterr().err and len(org_names(path)) == 3
    assert cli.main(["--db", str(path), "restore", str(backup), "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"restored: {path}" in out and "before-restore: " in out
    assert len(org_names(path)) == 2
    bad = tmp_path / "bad.db"
    bad.write_text("x")
    assert cli.main(["--db", str(path), "restore", str(bad), "--yes"]) == 2
    assert "not a PSP Desktop database" in capsys.readouterr().err
