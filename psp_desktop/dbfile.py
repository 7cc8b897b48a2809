"""Recognising a database file with the standard library only: where --db points, and whether a file is ours
and at which schema revision. Kept free of SQLAlchemy so start-up can answer these before loading it."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from urllib.parse import unquote

from . import migrations
from .errors import QT_TRANSLATE_NOOP, DatabaseOpenError
from .paths import data_dir

ENV_URL = "PSP_DATABASE_URL"
SQLITE_HEADER = b"SQLite format 3\x00"


def default_db_path() -> Path:
    return data_dir() / "psp.db"


def chosen_target(db_path: str | os.PathLike[str] | None = None) -> str | Path:
    """--db (a file or a URL) wins, then PSP_DATABASE_URL, then the database chosen in Settings → Database, then
    the file in the user's data directory. Returns a Path for an SQLite file, or the URL text for anything else."""
    chosen = str(db_path) if db_path else os.environ.get(ENV_URL, "") or saved_choice()
    if not chosen:
        return default_db_path()
    if chosen.startswith("sqlite:///"):
        return Path(unquote(chosen[len("sqlite:///"):].split("?", 1)[0])).expanduser().resolve()
    if "://" in chosen:
        return chosen
    return Path(chosen).expanduser().resolve()


def saved_choice() -> str:
    """The server chosen in Settings → Database on this PC ("" for none)."""
    from .settings import Settings

    return str(Settings()["database_url"]).strip()


def file_revision(path: Path) -> str | None:
    """The file's schema revision (None for an empty file). Opens read-only; refuses files that are not ours."""
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if not header:
        return None
    if header != SQLITE_HEADER:
        raise DatabaseOpenError(
            QT_TRANSLATE_NOOP("Errors", "{path} is not a PSP Desktop database (not an SQLite file)."), path=path)
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as exc:
        raise corrupt(path) from exc
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return None
        if "alembic_version" not in tables:
            raise DatabaseOpenError(
                QT_TRANSLATE_NOOP("Errors", "{path} is an SQLite file but not a PSP Desktop database."), path=path)
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise corrupt(path) from exc
    finally:
        conn.close()


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that leaves no trace: a WAL-mode file opened read-only would get -wal and -shm
    files beside it, so a file without a pending WAL is opened as immutable."""
    wal_pending = path.with_name(path.name + "-wal").exists()
    return sqlite3.connect(f"{path.as_uri()}?mode=ro{'' if wal_pending else '&immutable=1'}", uri=True)


def quick_check(path: Path) -> None:
    """Refuses a file with damaged pages now, rather than failing on some later query (cost grows with size:
    about a quarter of a second for a city-scale file)."""
    try:
        conn = connect_read_only(path)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise corrupt(path) from exc
    if not result or result[0] != "ok":
        raise corrupt(path)


def corrupt(path: Path) -> DatabaseOpenError:
    return DatabaseOpenError(
        QT_TRANSLATE_NOOP("Errors", "{path} is damaged and cannot be read. Restore it from a backup."), path=path)


def check_revision(revision: str | None, where: str) -> None:
    if revision is not None and revision not in migrations.REVISIONS:
        raise DatabaseOpenError(
            QT_TRANSLATE_NOOP(
                "Errors",
                "{where} was written by a newer version of PSP Desktop (schema {revision}). "
                "Install the newer version to open it; the database was not changed.",
            ),
            where=where,
            revision=revision,
        )


def current_sqlite_file(db_path: str | os.PathLike[str] | None) -> Path | None:
    """The chosen SQLite file when it exists and needs no migration, else None. Never raises."""
    target = chosen_target(db_path)
    if not isinstance(target, Path) or not target.is_file():
        return None
    try:
        return target if file_revision(target) == migrations.HEAD else None
    except (OSError, DatabaseOpenError):
        return None


# --- full check and whole-or-nothing copies (backups, restores) --------------------------------------------

FULL_CHECK_LIMIT = 200 * 1024 * 1024  # bytes; above it integrity_check takes too long for start-up


def integrity_problems(conn: sqlite3.Connection, limit: int = 3) -> list[str]:
    """What PRAGMA integrity_check finds (an empty list when the file is sound). Unlike quick_check it also
    compares every index with its table."""
    rows = [str(row[0]) for row in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    return [] if rows == ["ok"] else rows


def full_check(path: Path) -> None:
    """At start: integrity_check for files up to FULL_CHECK_LIMIT, quick_check above; refuses a damaged file with
    what was found and where the backups are."""
    if path.stat().st_size > FULL_CHECK_LIMIT:
        quick_check(path)
        return
    try:
        conn = connect_read_only(path)
        try:
            problems = integrity_problems(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise corrupt(path) from exc
    if problems:
        raise DatabaseOpenError(
            QT_TRANSLATE_NOOP(
                "Errors",
                "{path} is damaged: the integrity check found “{problem}”. The file was not changed. Restore a "
                "backup with “psp --db {path} restore BACKUP”; automatic backups are kept in {folder}.",
            ),
            path=path, problem=problems[0], folder=path.parent / "backups",
        )


def copy_database(source: sqlite3.Connection, dest: Path) -> Path:
    """A consistent copy of the open `source` at dest, written whole or not at all: SQLite's backup API writes a
    hidden temporary file beside dest, which is checked (integrity_check), synced to disk and only then renamed.
    A failure (a full disk, a USB stick pulled out) leaves nothing under dest and raises OSError or sqlite3.Error.
    The copy is a single self-contained file (rollback journal), fit to carry away."""
    temp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    try:
        target = sqlite3.connect(temp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
            problems = integrity_problems(target)
        finally:
            target.close()
        if problems:
            raise sqlite3.DatabaseError(problems[0])
        _fsync(temp)
        os.replace(temp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise
    fsync_folder(dest.parent)
    return dest


def _fsync(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def fsync_folder(folder: Path) -> None:
    """The rename itself reaches the disk only when the folder is synced (POSIX; Windows cannot open folders)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
