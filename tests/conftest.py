"""Shared test set-up: headless Qt, isolated user folders, the database backends, and a thread-leak guard.

Backends: every test that asks for `db_url` or `database` runs on SQLite and, when PSP_TEST_PG_URL is set
(e.g. postgresql://psp:psp@127.0.0.1:5432/psp_test), also on PostgreSQL. The role in PSP_TEST_PG_URL needs
CREATEDB; the database it names is only used to create and drop the test databases.
- `db_url`: the URL of an empty database (an SQLite file in tmp_path, or a PostgreSQL database created for this
  test alone and dropped afterwards).
- `database`: a separate, open `Database` at the head schema with no rows (a new SQLite file, or one PostgreSQL
  database per session that is emptied after every test).
"""

from __future__ import annotations

import itertools
import os
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from psp_desktop.db import Database

# Before anything imports Qt (none of the imports above does): without a display the default platform
# plugin aborts the whole process.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

PG_ENV = "PSP_TEST_PG_URL"
_GUI_DIR = Path(__file__).resolve().parent / "gui"
_pg_counter = itertools.count()
_EXIT_STATUS = pytest.StashKey[int]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if Path(item.path).resolve().is_relative_to(_GUI_DIR):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(scope="session", autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Nothing a test does may touch the real user's data or settings (platformdirs follows XDG_* on Linux)."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        mp.setenv("XDG_DATA_HOME", str(home / "data"))
        mp.setenv("XDG_CONFIG_HOME", str(home / "config"))
        mp.setenv("XDG_CACHE_HOME", str(home / "cache"))
        mp.setenv("XDG_STATE_HOME", str(home / "state"))
        mp.delenv("PSP_DATABASE_URL", raising=False)
        yield home


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves a non-daemon thread running (it would keep the app from quitting)."""
    before = set(threading.enumerate())
    yield
    leaked = [t for t in _live_non_daemon_threads() if t not in before]
    for thread in leaked:
        thread.join(timeout=5)  # a thread that is finishing anyway is not a leak
    still = [t.name for t in leaked if t.is_alive()]
    if still:
        pytest.fail(f"test left non-daemon threads running: {', '.join(still)}", pytrace=False)


def _live_non_daemon_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t is not threading.main_thread() and t.is_alive() and not t.daemon]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


def pytest_unconfigure(config: pytest.Config) -> None:
    """A leaked non-daemon thread would keep the interpreter (and CI) waiting forever after the summary."""
    leaked = _live_non_daemon_threads()
    if leaked:
        sys.stderr.write(f"\ntests left non-daemon threads running ({', '.join(t.name for t in leaked)}); exiting\n")
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(config.stash.get(_EXIT_STATUS, 1) or 1)


# --- database backends -----------------------------------------------------------------------------------


def _backends() -> list[object]:
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    if os.environ.get(PG_ENV):
        params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.pg))
    return params


def _pg_admin_url() -> str:
    from sqlalchemy.engine import make_url

    url = make_url(os.environ[PG_ENV])
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


@pytest.fixture
def fresh_pg_url() -> Iterator[str]:
    """A brand-new, empty PostgreSQL database (SQLAlchemy URL) that is dropped after the test."""
    if not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} is not set")
    url = _create_pg_database("t")
    try:
        yield url
    finally:
        _drop_pg_database(url)


@pytest.fixture(params=_backends())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An SQLAlchemy URL for an empty database: an SQLite file in tmp_path, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'psp-test.db'}"
    return str(request.getfixturevalue("fresh_pg_url"))


class _PgHeadDatabase:
    """One PostgreSQL database per test session, created by open_database (so at head) and emptied after each
    test: building the whole schema takes about a second on PostgreSQL, deleting a test's rows a few ms."""

    def __init__(self) -> None:
        self._url: str | None = None
        self._tables: set[str] = set()

    def url(self) -> str:
        if self._url is None:
            from sqlalchemy import inspect

            from psp_desktop.db import open_database

            self._url = _create_pg_database("head")
            database = open_database(self._url)
            try:
                with database.engine.connect() as conn:
                    self._tables = set(inspect(conn).get_table_names())
            finally:
                database.close()
        return self._url

    def reset(self) -> None:
        """Delete every row and restart every sequence; a database whose schema a test changed is dropped."""
        if self._url is None:
            return
        from sqlalchemy import inspect, text

        from psp_desktop import migrations
        from psp_desktop.db import make_engine
        from psp_desktop.models import Base

        engine = make_engine(self._url)
        try:
            with engine.begin() as conn:
                conn.execute(text(  # a test that leaked a session must not make the clean-up wait for its locks
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "  # not autovacuum workers
                    "AND usename = current_user"  # a test's other roles end their own sessions
                ))
            with engine.begin() as conn:
                intact = (
                    set(inspect(conn).get_table_names()) == self._tables
                    and conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrations.HEAD
                )
                if intact:
                    for table in reversed(Base.metadata.sorted_tables):
                        conn.execute(table.delete())
                    for seq in conn.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")):
                        conn.execute(text(f'ALTER SEQUENCE "{seq[0]}" RESTART'))
        except Exception:
            intact = False
        finally:
            engine.dispose()
        if not intact:
            self.drop()

    def drop(self) -> None:
        url, self._url = self._url, None  # forgotten even if the drop fails: the next test gets a new database
        if url is not None:
            _drop_pg_database(url)


def _create_pg_database(purpose: str) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(_pg_admin_url())
    name = f"psp_{purpose}_{os.getpid()}_{next(_pg_counter)}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_libpq(admin), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with psycopg.connect(_libpq(make_url(_pg_admin_url())), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _libpq(url: URL) -> str:
    """The libpq form of an SQLAlchemy URL, for psycopg.connect."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _pg_head() -> Iterator[_PgHeadDatabase]:
    head = _PgHeadDatabase()
    try:
        yield head
    finally:
        head.drop()


@pytest.fixture
def database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """An open, current psp_desktop.db.Database with no rows, on the test's backend; closed afterwards.

    SQLite: a new file made by open_database. PostgreSQL: the session's head database, emptied after the test."""
    from psp_desktop.db import open_database

    if backend == "sqlite":
        db = open_database(tmp_path / "database.db")
        try:
            yield db
        finally:
            db.close()
        return
    head: _PgHeadDatabase = request.getfixturevalue("_pg_head")
    db = open_database(head.url())
    try:
        yield db
    finally:
        db.close()
        head.reset()


@pytest.fixture(scope="session", autouse=True)
def _signed_in_administrator() -> Iterator[None]:
    """Every database a test opens has an administrator signed in, as after the login at start; the access tests
    set `db.actor` themselves (None for nobody)."""
    from psp_desktop.db import Database
    from psp_desktop.enums import Role
    from psp_desktop.services.access import Actor

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Database, "actor", Actor("tester", frozenset({Role.ADMIN}), None, "测试管理员"))
        yield
