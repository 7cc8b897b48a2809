"""Opening the database: where it lives, refusing files that are not ours, backups and migrations.

Start-up must be fast, so a current database is recognised by reading `alembic_version` directly; Alembic is
imported only when a migration is actually needed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from . import migrations
from .dbfile import (
    ENV_URL,
    check_revision,
    chosen_target,
    copy_database,
    default_db_path,
    file_revision,
    full_check,
    quick_check,
)
from .errors import QT_TRANSLATE_NOOP, DatabaseOpenError
from .paths import data_dir

__all__ = ["ENV_URL", "Database", "data_dir", "default_db_path", "open_database", "resolve_url"]

BUSY_TIMEOUT_MS = 10_000
BACKUPS_KEPT = 10
CONNECT_TIMEOUT_S = 5  # a server that is off must not hang the start


def resolve_url(db_path: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for --db, PSP_DATABASE_URL or the default file (see dbfile.chosen_target)."""
    target = chosen_target(db_path)
    if isinstance(target, Path):
        return f"sqlite:///{target}"
    url = make_url(target)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


@dataclass
class Database:
    """An open, current database: the engine plus one lock that serializes writes."""

    engine: Engine
    url: str
    sessions: sessionmaker[Session]
    write_lock: threading.RLock
    # services.access.Actor of whoever signed in, set on the instance; services refuse work without one. The class
    # value is the default for every new Database: nobody (the test suite signs in an administrator there).
    actor: ClassVar[Any] = None

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def describe(self) -> str:
        """What the status bar shows: the file path, or the server and database name without the password."""
        if self.path:
            return str(self.path)
        return make_url(self.url).render_as_string(hide_password=True)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    @contextlib.contextmanager
    def rows(self) -> Iterator[Connection]:
        """A plain connection for Core queries over many rows, without the ORM's per-row cost."""
        with self.engine.connect() as conn:
            yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One short transaction; commits on success, rolls back on any error. Writers queue on one lock."""
        with self.write_lock, self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def _set_sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})


def _ensure_writable_dir(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(path.parent) from exc
    if not os.access(path.parent, os.W_OK):
        raise _unwritable(path.parent)


def _unwritable(folder: Path) -> DatabaseOpenError:
    return DatabaseOpenError(
        QT_TRANSLATE_NOOP("Errors", "Cannot write to the folder {folder}. Choose another location."), folder=folder
    )


# --- backups ---------------------------------------------------------------------------------------------


def backup_sqlite(path: Path, dest_dir: Path, label: str) -> Path:
    """A consistent copy made with SQLite's backup API (never a file copy of a live database)."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = dest_dir / f"{path.stem}-{label}-{stamp}.db"
    source = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        copy_database(source, dest)  # whole or not at all: a crash never leaves half a backup under its name
    finally:
        source.close()
    _rotate(dest_dir, f"{path.stem}-{label}-")
    return dest


def _rotate(folder: Path, prefix: str) -> None:
    old = sorted(folder.glob(f"{prefix}*.db"))[:-BACKUPS_KEPT]
    for stale in old:
        stale.unlink(missing_ok=True)


# --- opening ---------------------------------------------------------------------------------------------


def open_database(db_path: str | os.PathLike[str] | None = None, *, create: bool = True,
                  full: bool = False) -> Database:
    """Open (creating or upgrading as needed) the database chosen by --db, PSP_DATABASE_URL or the default.
    full: the app's start checks an SQLite file with integrity_check (dbfile.full_check), not only quick_check."""
    url = resolve_url(db_path)
    path = sqlite_path(url)
    if path is not None:
        return _open_sqlite(url, path, create=create, full=full)
    return _open_server(url)


def _open_sqlite(url: str, path: Path, *, create: bool, full: bool = False) -> Database:
    if path.exists():
        if path.is_dir():
            raise DatabaseOpenError(QT_TRANSLATE_NOOP("Errors", "{path} is a folder, not a database file."),
                                    path=path)
        revision = file_revision(path)
        check_revision(revision, str(path))
        if revision is not None:
            (full_check if full else quick_check)(path)
        if revision is not None and revision != migrations.HEAD:
            _ensure_writable_dir(path)
            backup_sqlite(path, path.parent / "backups", f"before-{migrations.HEAD}")
    elif not create:
        raise DatabaseOpenError(QT_TRANSLATE_NOOP("Errors", "There is no database at {path}."), path=path)
    else:
        revision = None
    _ensure_writable_dir(path)  # SQLite writes its journal beside the file even to read it (WAL)
    if path.exists() and not os.access(path, os.W_OK):
        raise DatabaseOpenError(QT_TRANSLATE_NOOP(
            "Errors", "The database file {path} is read-only. Ask for write permission, or copy it to a folder of "
                      "your own and open the copy."), path=path)
    engine = make_engine(url)
    try:
        _bring_to_head(engine, revision)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseOpenError(
            QT_TRANSLATE_NOOP("Errors", "Cannot open {path}: {reason}"), path=path, reason=_short(exc)
        ) from exc
    return Database(engine, url, sessionmaker(engine, expire_on_commit=False), threading.RLock())


def _open_server(url: str) -> Database:
    engine = make_engine(url)
    where = server_where(url)
    try:
        with engine.connect() as conn:
            has_version = engine.dialect.has_table(conn, "alembic_version")
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() if has_version else None
        check_revision(revision, where)
        if revision is None and not _is_empty(engine):
            raise foreign_database(where)
        _bring_to_head(engine, revision)
    except OperationalError as exc:
        engine.dispose()
        raise server_error(exc, url) from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseOpenError(
            QT_TRANSLATE_NOOP("Errors", "Cannot open {path}: {reason}"), path=where, reason=_short(exc)
        ) from exc
    except DatabaseOpenError:
        engine.dispose()
        raise
    return Database(engine, url, sessionmaker(engine, expire_on_commit=False), threading.RLock())


# --- why a database server refused us, in words an office can act on -----------------------------------------

# libpq's own words (servers answer in English unless their lc_messages says otherwise) → the message to show
_SERVER_REASONS = (
    (r"password authentication failed", QT_TRANSLATE_NOOP(
        "Errors", "The server {where} refused the user name or password: check both (user “{user}”).")),
    (r'role ".*" does not exist', QT_TRANSLATE_NOOP(
        "Errors", "The server {where} has no user “{user}”. Check the user name.")),
    (r'database ".*" does not exist', QT_TRANSLATE_NOOP(
        "Errors", "There is no database “{database}” on the server {where}. Check its name, or have it created.")),
    (r"no pg_hba\.conf entry", QT_TRANSLATE_NOOP(
        "Errors", "The server {where} does not accept connections from this PC (pg_hba.conf). Ask the person who "
                  "runs the server to allow it.")),
    (r"connection refused", QT_TRANSLATE_NOOP(
        "Errors", "Nothing answers at {host}, port {port}: the server is off, the port is wrong, or a firewall "
                  "blocks it.")),
    (r"timeout expired|timed out", QT_TRANSLATE_NOOP(
        "Errors", "{host} did not answer within {seconds} seconds: check the address, the network and the firewall.")),
    (r"failed to resolve host|could not translate host name|name or service not known", QT_TRANSLATE_NOOP(
        "Errors", "The server name {host} is not known on this network. Check the address.")),
)


def server_error(exc: BaseException, url: str) -> DatabaseOpenError:
    """The reason a PostgreSQL connection failed, as one clear sentence (never the password)."""
    parsed = make_url(url)
    where = server_where(url)
    reason = _short(exc)
    found = str(getattr(exc, "orig", None) or exc).lower()
    facts = {"where": where, "user": parsed.username or "", "database": parsed.database or "",
             "host": parsed.host or "localhost", "port": parsed.port or 5432, "seconds": CONNECT_TIMEOUT_S}
    for pattern, message in _SERVER_REASONS:
        if re.search(pattern, found):
            return DatabaseOpenError(message, **facts)
    return DatabaseOpenError(
        QT_TRANSLATE_NOOP("Errors", "Cannot connect to the database server {where}: {reason}"),
        where=where, reason=reason)


def server_where(url: str) -> str:
    """A server database as people write it, without the password: postgresql://user@host:port/dbname."""
    parsed = make_url(url)
    return URL.create("postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database).render_as_string()


def foreign_database(where: str) -> DatabaseOpenError:
    return DatabaseOpenError(QT_TRANSLATE_NOOP(
        "Errors", "{where} already holds tables of another program; it is not a PSP Desktop database. Use an empty "
                  "database."), where=where)


def _short(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text_[0] if text_ else type(exc).__name__


def _bring_to_head(engine: Engine, revision: str | None) -> None:
    if revision == migrations.HEAD:
        return
    if revision is None and _is_empty(engine):
        create_schema(engine)
        return
    run_migrations(engine, migrations.HEAD)


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not engine.dialect.get_table_names(conn)


def create_schema(engine: Engine) -> None:
    """A new database: every table from the models, then stamped at the head revision."""
    from .models import Base

    with engine.begin() as conn:
        Base.metadata.create_all(conn)
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": migrations.HEAD})


def run_migrations(engine: Engine, target: str) -> None:
    """Upgrade with Alembic. On SQLite, foreign keys are off while tables are rebuilt (else a batch rebuild
    of a parent table cascades into its children), then checked and switched back on."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations.SCRIPT_LOCATION))
    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            config.attributes["connection"] = conn
            command.upgrade(config, target)
            conn.commit()
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseOpenError(
                        QT_TRANSLATE_NOOP("Errors", "The upgrade left {count} broken references; restore the backup."),
                        count=len(broken),
                    )
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
