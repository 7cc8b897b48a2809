"""Settings that guard the data (idle lock, backups kept) change only by an administrator, on the record."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from psp_desktop.db import Database
from psp_desktop.enums import Role
from psp_desktop.models import AuditEntry
from psp_desktop.services import audit, system
from psp_desktop.services.access import Actor, NotAllowed


def _entries(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_an_administrator_changes_a_setting_on_the_record(database: Database) -> None:
    system.record_setting(database, "idle_lock_minutes", 15, 5)
    with database.read() as s:
        entry = s.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.before, entry.after) == ("setting.change", {"idle_lock_minutes": 15},
                                                         {"idle_lock_minutes": 5})
    assert audit.verify(database).ok


@pytest.mark.parametrize("roles", [{Role.STAFF}, {Role.FINANCE}, {Role.VIEWER}, {Role.JUDGE}, None])
def test_nobody_else_changes_it(database: Database, roles: set[Role] | None) -> None:
    database.actor = None if roles is None else Actor("someone", frozenset(roles))
    with pytest.raises(NotAllowed):
        system.record_setting(database, "backups_keep", 10, 1)
    database.actor = Actor("admin", frozenset({Role.ADMIN}))
    assert _entries(database) == 0
