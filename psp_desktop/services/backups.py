"""Backups and restores of the SQLite file: automatic ones (at start, daily while open, before migrations; the
newest N of each kind kept in `backups/` beside the file), manual ones to a chosen folder or USB stick, and
restoring a checked backup.

Copies come from SQLite's backup API on the live connection (never a file copy of a live database) and are written
whole or not at all (dbfile.copy_database). A PostgreSQL database is backed up on its server with pg_dump.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import migrations
from ..dbfile import connect_read_only, copy_database, corrupt, file_revision, integrity_problems
from ..errors import QT_TRANSLATE_NOOP, DatabaseOpenError, ValidationError
from ..settings import OPTIONS
from . import access
from .access import Permission

if TYPE_CHECKING:
    from ..db import Database

DEFAULT_KEEP = int(OPTIONS["backups_keep"].default)
FOLDER = "backups"
MANUAL, START, DAILY, BEFORE_RESTORE = "manual", "start", "daily", "before-restore"
DAILY_EVERY = dt.timedelta(days=1)
STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"-(?P<label>manual|start|daily|before-restore|before-[0-9A-Za-z]+)"
                   r"-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.db$")

SERVER_DATABASE = QT_TRANSLATE_NOOP(
    "Errors", "This database is on a PostgreSQL server: back it up and restore it on the server with pg_dump and "
              "pg_restore (ask whoever runs the server).")
NOT_WRITTEN = QT_TRANSLATE_NOOP(
    "Errors", "The backup could not be written to {path}: {reason}. Nothing was saved under that name.")


class BackupRefused(ValidationError):
    """The file cannot be restored; the current database was not touched."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    label: str  # manual, start, daily, before-restore, before-<revision> (before a migration)
    taken_at: dt.datetime
    size: int

    @property
    def automatic(self) -> bool:
        return self.label != MANUAL


@dataclass(frozen=True)
class CheckedBackup:
    """A backup that passed every check, with what the confirmation shows."""

    path: Path
    taken_at: dt.datetime
    revision: str
    size: int


# --- taking backups --------------------------------------------------------------------------------------------


def backup_now(db: Database, dest: Path | str | None = None) -> Path:
    """A manual backup to dest (a folder, made if needed, or a new file name), or into backups/ beside the file.
    Needs Permission.BACKUP."""
    access.require(db, Permission.BACKUP)
    path = _sqlite_path(db)
    return _copy_live(db, lambda: _target(path, Path(dest).expanduser() if dest else None, MANUAL))


def automatic_backup(db: Database, label: str = START, keep: int = DEFAULT_KEEP) -> Path | None:
    """The app's own backup (start, daily) into backups/ beside the file; then the newest `keep` of each automatic
    kind are kept. The app does this itself, so no permission is asked; None on a server database."""
    path = db.path
    if path is None:
        return None
    target = _copy_live(db, lambda: _target(path, None, label))
    rotate(target.parent, path.stem, keep)
    return target


def daily_backup(db: Database, keep: int = DEFAULT_KEEP, now: dt.datetime | None = None) -> Path | None:
    """A "daily" backup when the newest automatic one is a day old or more (the app stays open for days)."""
    if db.path is None:
        return None
    newest = next((b for b in list_backups(db) if b.label in (START, DAILY)), None)
    if newest is not None and (now or dt.datetime.now()) - newest.taken_at < DAILY_EVERY:
        return None
    return automatic_backup(db, DAILY, keep)


def _sqlite_path(db: Database) -> Path:
    if db.path is None:
        raise ValidationError(SERVER_DATABASE)
    return db.path


def _target(path: Path, dest: Path | None, label: str) -> Path:
    """Where a backup goes: a new name in a folder (backups/ beside the file by default), or the file named."""
    if dest is not None and dest.suffix and not dest.is_dir():
        if dest.exists():
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "{path} already exists; choose another name."),
                                  path=dest)
        if not dest.parent.is_dir():
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no folder {folder}."), folder=dest.parent)
        return dest
    folder = dest if dest is not None else path.parent / FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(NOT_WRITTEN, path=folder, reason=_reason(exc)) from exc
    stem = f"{path.stem}-{label}-{dt.datetime.now().strftime(STAMP)}"
    target, n = folder / f"{stem}.db", 1
    while target.exists():  # two backups in one second
        n += 1
        target = folder / f"{stem}-{n}.db"
    return target


def _copy_live(db: Database, name: Callable[[], Path]) -> Path:
    """Under the write lock, so no write of this app lands halfway (the backup API reads one consistent snapshot
    anyway, whatever other programs do) and two backups in the same second get different names."""
    with db.write_lock:
        target = name()
        raw = db.engine.raw_connection()
        try:
            return copy_database(raw.driver_connection, target)
        except (OSError, sqlite3.Error) as exc:
            raise ValidationError(NOT_WRITTEN, path=target, reason=_reason(exc)) from exc
        finally:
            raw.close()


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


# --- the list and its rotation ---------------------------------------------------------------------------------


def list_backups(db: Database) -> tuple[BackupInfo, ...]:
    """The backups kept beside the database file, newest first (none for a server database)."""
    if db.path is None:
        return ()
    found = sorted(_scan(db.path.parent / FOLDER, db.path.stem), key=lambda item: item[0], reverse=True)
    return tuple(info for _key, info in found)


def _scan(folder: Path, stem: str) -> list[tuple[tuple[str, int, str], BackupInfo]]:
    """The backups of the database called stem in folder, each with its sort key (time, then sequence)."""
    found = []
    prefix = f"{stem}-"
    for file in folder.glob(f"{_glob_escape(prefix)}*.db") if folder.is_dir() else ():
        match = _NAME.search(file.name)
        if not match or file.name[: match.start()] != stem:
            continue
        taken = dt.datetime.strptime(match["stamp"], STAMP)
        with contextlib.suppress(OSError):
            info = BackupInfo(file, match["label"], taken, file.stat().st_size)
            found.append(((match["stamp"], int(match["n"] or 1), match["label"]), info))
    return found


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _family(label: str) -> str:
    """Migrations are one kind whatever revision they went to."""
    return "migration" if label.startswith("before-") and label != BEFORE_RESTORE else label


def rotate(folder: Path, stem: str, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Keeps the newest `keep` automatic backups of each kind (start, daily, migration, before-restore); manual
    backups stay. Returns what was removed."""
    keep = max(1, keep)
    families: dict[str, list[tuple[tuple[str, int, str], BackupInfo]]] = {}
    for key, info in _scan(folder, stem):
        if info.automatic:
            families.setdefault(_family(info.label), []).append((key, info))
    removed = []
    for items in families.values():
        for _key, info in sorted(items, key=lambda item: item[0])[:-keep]:
            with contextlib.suppress(OSError):
                info.path.unlink()
                removed.append(info.path)
    return removed


# --- restoring -------------------------------------------------------------------------------------------------


def check_backup(backup: Path | str) -> CheckedBackup:
    """Refuses (BackupRefused) anything but a sound PSP Desktop database of this or an older schema."""
    path = Path(backup).expanduser()
    if not path.is_file():
        raise BackupRefused(QT_TRANSLATE_NOOP("Errors", "There is no backup file at {path}."), path=path)
    try:
        revision = file_revision(path)
        conn = connect_read_only(path)
        try:
            problems = integrity_problems(conn)
        finally:
            conn.close()
    except DatabaseOpenError as exc:
        if exc.message == corrupt(path).message:
            raise BackupRefused(QT_TRANSLATE_NOOP(
                "Errors", "{path} is damaged and cannot be read; nothing was restored."), path=path) from exc
        raise BackupRefused(QT_TRANSLATE_NOOP(
            "Errors", "{path} is not a PSP Desktop database; nothing was restored."), path=path) from exc
    except (OSError, sqlite3.DatabaseError) as exc:
        raise _damaged(path, _reason(exc)) from exc
    if problems:
        raise _damaged(path, problems[0])
    if revision is None:
        raise BackupRefused(QT_TRANSLATE_NOOP(
            "Errors", "{path} is not a PSP Desktop database; nothing was restored."), path=path)
    if revision not in migrations.REVISIONS:
        raise BackupRefused(QT_TRANSLATE_NOOP(
            "Errors", "{path} was made by a newer version of PSP Desktop (schema {revision}); install that version "
                      "to restore it. Nothing was restored."), path=path, revision=revision)
    match = _NAME.search(path.name)
    taken = (dt.datetime.strptime(match["stamp"], STAMP) if match
             else dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0))
    return CheckedBackup(path, taken, revision, path.stat().st_size)


def _damaged(path: Path, problem: str) -> BackupRefused:
    return BackupRefused(QT_TRANSLATE_NOOP(
        "Errors", "{path} is damaged (the integrity check found “{problem}”); nothing was restored."),
        path=path, problem=problem)


def restore_database(db: Database, backup: Path | str, keep: int = DEFAULT_KEEP) -> Path | None:
    """Restores over the open database's file: checks the actor and the backup while the database is still open,
    then closes it (the caller reopens). Returns the before-restore copy of the replaced file."""
    access.require(db, Permission.RESTORE)
    path = _sqlite_path(db)
    check_backup(backup)
    db.close()
    return restore(path, backup, keep)


def restore(db_path: Path | str, backup: Path | str, keep: int = DEFAULT_KEEP) -> Path | None:
    """Replaces the (closed) database file with a checked backup, atomically. The current file is first kept in
    backups/ as "before-restore". Refused while the file is open elsewhere. Returns that copy (None when there
    was no current file)."""
    db_path, checked = Path(db_path).expanduser().resolve(), check_backup(backup)
    if db_path.exists() and checked.path.resolve() == db_path:
        raise BackupRefused(QT_TRANSLATE_NOOP("Errors", "{path} is the database itself; choose a backup."),
                            path=db_path)
    staging = db_path.with_name(f".{db_path.name}.restoring")
    source = connect_read_only(checked.path)
    try:
        copy_database(source, staging)
    except (OSError, sqlite3.Error) as exc:
        raise ValidationError(NOT_WRITTEN, path=db_path, reason=_reason(exc)) from exc
    finally:
        source.close()
    try:
        before = _keep_current(db_path) if db_path.exists() else None
        for leftover in ("-wal", "-shm", "-journal"):  # a stale WAL would be replayed onto the restored file
            db_path.with_name(db_path.name + leftover).unlink(missing_ok=True)
        os.replace(staging, db_path)
    except (OSError, sqlite3.Error) as exc:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "{path} could not be replaced: {reason}. Nothing was restored."), path=db_path,
            reason=_reason(exc)) from exc
    finally:
        staging.unlink(missing_ok=True)
    if before is not None:
        rotate(before.parent, db_path.stem, keep)
    return before


def _keep_current(db_path: Path) -> Path:
    """The current file copied to backups/ (by the backup API, or byte for byte when it is too damaged to read),
    while an exclusive lock shows that nobody else has it open."""
    target = _target(db_path, None, BEFORE_RESTORE)
    conn = _exclusive(db_path)
    if conn is None:
        _byte_copy(db_path, target)
        return target
    try:
        copy_database(conn, target)
    except (OSError, sqlite3.Error):
        _byte_copy(db_path, target)
    finally:
        conn.close()  # the last connection checkpoints the WAL into the file and removes it
    return target


def _exclusive(db_path: Path) -> sqlite3.Connection | None:
    """A connection holding the file's exclusive lock (refused while anyone else has it open); None when the file
    is too damaged to lock through SQLite."""
    conn = sqlite3.connect(db_path, timeout=0)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.rollback()  # in exclusive locking mode the lock stays with the connection until it closes
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise BackupRefused(QT_TRANSLATE_NOOP(
                "Errors", "{path} is open in another window or program; close it there first. Nothing was "
                          "restored."), path=db_path) from exc
        return None
    except sqlite3.DatabaseError:
        conn.close()
        return None
    return conn


def _byte_copy(db_path: Path, target: Path) -> None:
    temp = target.with_name(f".{target.name}.partial")
    try:
        shutil.copyfile(db_path, temp)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
