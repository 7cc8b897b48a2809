"""Facts about the open database, for Settings and `psp info`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from ..db import Database
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
