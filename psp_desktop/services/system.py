"""Facts about the open database, for Settings and `psp info`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from ..db import Database


def database_facts(db: Database) -> dict[str, Any]:
    with db.read() as s:
        revision = s.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""
    return {"where": db.describe(), "backend": db.engine.dialect.name, "revision": revision}
