"""The change log: each entry is written in the same transaction as the change it records, and its hash covers the
previous entry's hash, so a removed or edited entry breaks the chain from that point on."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditEntry

if TYPE_CHECKING:
    from .access import Actor

GENESIS = "0" * 64

_clock: ContextVar[Callable[[], dt.datetime] | None] = ContextVar("audit_clock", default=None)


def now() -> dt.datetime:
    """The time stamped on changes: the wall clock to the second, or a fixed story clock (the demo's)."""
    fixed = _clock.get()
    return fixed() if fixed else dt.datetime.now().replace(microsecond=0)


@contextlib.contextmanager
def clock(source: Callable[[], dt.datetime]) -> Iterator[None]:
    token = _clock.set(source)
    try:
        yield
    finally:
        _clock.reset(token)


def canonical(data: Any) -> bytes:
    """JSON with sorted keys and no spaces: the same content always gives the same bytes."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def log(session: Session, who: Actor, action: str, entity: str, entity_id: int | None,
        before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEntry:
    """The change `action` on `entity` by the signed-in actor, in the caller's transaction."""
    return record(session, actor=who.username, role=who.role_text, action=action, entity=entity,
                  entity_id=entity_id, before=before, after=after)


def record(session: Session, *, actor: str, role: str, action: str, entity: str, entity_id: int | None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEntry:
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS
    at = now()
    body = {"at": at.isoformat(), "username": actor, "role": role, "action": action, "entity": entity,
            "entity_id": entity_id, "before": before, "after": after}
    digest = hashlib.sha256(last.encode() + canonical(body)).hexdigest()
    entry = AuditEntry(at=at, username=actor, role=role, action=action, entity=entity, entity_id=entity_id,
                       before=before, after=after, prev_hash=last, hash=digest)
    session.add(entry)
    session.flush()
    return entry
