"""Recognising a database file with the standard library only: where --db points, and whether a file is ours
and at which schema revision. Kept free of SQLAlchemy so start-up can answer these before loading it."""

from __future__ import annotations

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
    """--db (a file or a URL) wins, then PSP_DATABASE_URL, then the file in the user's data directory.
    Returns a Path for an SQLite file, or the URL text for anything else."""
    chosen = str(db_path) if db_path else os.environ.get(ENV_URL, "")
    if not chosen:
        return default_db_path()
    if chosen.startswith("sqlite:///"):
        return Path(unquote(chosen[len("sqlite:///"):].split("?", 1)[0])).expanduser().resolve()
    if "://" in chosen:
        return chosen
    return Path(chosen).expanduser().resolve()


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
