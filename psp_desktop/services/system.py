"""Facts about the open database, for Settings and `psp info`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from .. import migrations
from ..db import Database, foreign_database, make_engine, server_error, server_where
from ..dbfile import check_revision
from ..errors import QT_TRANSLATE_NOOP, DatabaseOpenError, ValidationError
from . import access, audit


def database_facts(db: Database) -> dict[str, Any]:
    with db.read() as s:
        revision = s.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""
    return {"where": db.describe(), "backend": db.engine.dialect.name, "revision": revision}


def record_setting(db: Database, name: str, before: Any, after: Any) -> None:
    """A PC setting that guards the data (idle lock, backups kept) changed: only administrators may, on the record."""
    actor = access.require(db, access.Permission.SETTINGS_EDIT)
    with db.write() as s:
        audit.log(s, actor, "setting.change", "setting", None, before={name: before}, after={name: after})


# --- Settings → Database: trying a PostgreSQL server before it is chosen ---------------------------------------

EMPTY, CURRENT, OLDER = "empty", "current", "older"  # what ServerCheck.state says about the database


@dataclass(frozen=True)
class ServerCheck:
    where: str  # the URL without its password
    state: str  # EMPTY: set up at first start; CURRENT; OLDER: upgraded (migrations) at first start
    revision: str | None


def server_url(text_: str) -> str:
    """The SQLAlchemy URL of a typed postgresql://user:password@host:port/dbname, or a clear refusal."""
    typed = text_.strip()
    try:
        url = make_url(typed)
    except (ArgumentError, ValueError):
        url = None
    if url is None or url.get_backend_name() != "postgresql" or not url.host or not url.database:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "“{text}” is not a PostgreSQL address. Write it as postgresql://user:password@host:port/dbname."),
            text=_without_password(typed))
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def check_server(text_: str) -> ServerCheck:
    """Connects (5 s at most) and reads the schema revision; changes nothing. Raises DatabaseOpenError with the
    reason (wrong password, no such database, server not answering, newer version, tables of another program)."""
    url = server_url(text_)
    where = server_where(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(engine.dialect.get_table_names(conn))
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
                if "alembic_version" in tables else None
            may_create = bool(conn.execute(text("SELECT has_schema_privilege(current_schema(), 'CREATE')")).scalar())
    except OperationalError as exc:
        raise server_error(exc, url) from exc
    except SQLAlchemyError as exc:
        raise DatabaseOpenError(QT_TRANSLATE_NOOP("Errors", "Cannot open {path}: {reason}"), path=where,
                                reason=str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]) from exc
    finally:
        engine.dispose()
    check_revision(revision, where)
    if revision is None and tables:
        raise foreign_database(where)
    if not may_create and revision != migrations.HEAD:
        raise DatabaseOpenError(QT_TRANSLATE_NOOP(
            "Errors", "The user “{user}” may not create tables in {where}. Make the user the database's owner."),
            user=make_url(url).username or "", where=where)
    state = EMPTY if revision is None else CURRENT if revision == migrations.HEAD else OLDER
    return ServerCheck(where, state, revision)


def _without_password(typed: str) -> str:
    try:
        parsed = make_url(typed)
        return URL.create(parsed.drivername, parsed.username, None, parsed.host, parsed.port,
                          parsed.database).render_as_string()
    except (ArgumentError, ValueError):
        return typed.split("@")[-1] if "@" in typed else typed
