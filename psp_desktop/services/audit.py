"""The change log: each entry is written in the same transaction as the change it records, and its hash covers the
previous entry's hash, so a removed or edited entry breaks the chain from that point on.

`verify` walks the chain and then the state seal (audit_seals): the stored scores, sheet states and frozen results
must match what the log recorded, so a score changed with sqlite3 is found too. `head` is the chain's count and
last hash; printed on documents it also exposes a rewrite of the whole database (checked with `verify(printed=…)`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Text, cast, func, or_, select, text
from sqlalchemy.orm import Session

from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import AuditEntry

if TYPE_CHECKING:
    from ..db import Database
    from .access import Actor
    from .audit_seals import Ledger

GENESIS = "0" * 64
SHORT = 16  # hex digits of the head printed on documents: 64 bits, beyond any chance of a match by luck
CHAIN_LOCK = 0x70_73_70_61_75_64  # "pspaud": PostgreSQL advisory lock that queues writers of the chain
BATCH = 2000

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
    _lock_chain(session)
    last = session.execute(select(AuditEntry.hash, AuditEntry.at).order_by(AuditEntry.id.desc()).limit(1)).first()
    previous = last.hash if last else GENESIS
    at = now()
    if last is not None and last.at > at:  # another PC's clock ran ahead: the chain's times never go backwards
        at = last.at
    before, after = _as_stored(before), _as_stored(after)
    digest = hashlib.sha256(previous.encode() + canonical(_body(at, actor, role, action, entity, entity_id,
                                                                before, after))).hexdigest()
    entry = AuditEntry(at=at, username=actor, role=role, action=action, entity=entity, entity_id=entity_id,
                       before=before, after=after, prev_hash=previous, hash=digest)
    session.add(entry)
    session.flush()
    return entry


def _lock_chain(session: Session) -> None:
    """Two PCs writing at once must not both append after the same entry. SQLite has one writer (and db.write()
    queues this process's threads); PostgreSQL takes an advisory lock held until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


def _as_stored(data: dict[str, Any] | None) -> Any:
    """Hash what the JSON column gives back (dates as text, keys as strings), so verify sees the same bytes."""
    return None if data is None else json.loads(json.dumps(data, ensure_ascii=False, default=str))


def _body(at: dt.datetime, username: str, role: str, action: str, entity: str, entity_id: int | None,
          before: Any, after: Any) -> dict[str, Any]:
    return {"at": at.isoformat(), "username": username, "role": role, "action": action, "entity": entity,
            "entity_id": entity_id, "before": before, "after": after}


# --- the chain head --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    """How many entries the chain has and the hash of the last one (GENESIS when empty)."""

    count: int
    hash: str

    @property
    def short(self) -> str:
        return self.hash[:SHORT]

    def printed(self) -> str:
        """As documents print it and `verify --printed` reads it back: 188:0123456789abcdef."""
        return f"{self.count}:{self.short}"


def head(db: Database) -> Head:
    with db.rows() as conn:
        return _stored_head(conn)


# what a document prints, "变更记录校验：188 条 · 链头 0123456789abcdef", or just "188:0123456789abcdef"
_PRINTED = re.compile(r"(?<![0-9a-fA-F])(\d+)(?:\s*条)?(?:\s*[:：·,，/]\s*|\s+)(?:链头\s*)?([0-9a-fA-F]{8,64})\s*$")
BAD_PRINTED = QT_TRANSLATE_NOOP("Errors", "“{text}” is not a printed chain head; type the number of entries and "
                                          "the head as printed, e.g. 188 · 0123456789abcdef.")


def parse_printed(value: str) -> Head:
    """A head as typed from a document (at least 8 hex digits of it)."""
    found = _PRINTED.search(value.strip())
    if not found or int(found.group(1)) < 1:
        raise ValidationError(BAD_PRINTED, text=value.strip())
    return Head(int(found.group(1)), found.group(2).lower())


# --- verifying -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """The first thing found wrong: where (table and row) and why, as a source message with its values."""

    kind: str  # changed | link | order | gap | time | head | state
    message: str  # English source text, context "Errors"
    params: Mapping[str, Any] = field(default_factory=dict)
    table: str = "audit_entry"
    row_id: int | None = None

    def render(self, translate: Callable[[str, str], str] | None = None) -> str:
        source = translate("Errors", self.message) if translate else self.message
        return source.format(**self.params)


@dataclass(frozen=True)
class VerifyReport:
    """What verify found: ok, or the first problem; the head is the chain's as stored."""

    checked: int  # entries whose hash and link were checked
    head: Head  # of the chain as stored
    sealed: int = 0  # rows of the state seal checked
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def broken_entry(self) -> int | None:
        return self.problem.row_id if self.problem and self.problem.table == "audit_entry" else None


CHANGED = QT_TRANSLATE_NOOP("Errors", "Change log entry {id} was altered after it was recorded: its content no "
                                      "longer matches its hash.")
LINK = QT_TRANSLATE_NOOP("Errors", "Change log entry {id} does not follow entry {previous}: its previous hash is "
                                   "not that entry's hash (one of them was rewritten, or an entry was removed).")
FIRST_LINK = QT_TRANSLATE_NOOP("Errors", "Change log entry {id} is the first but does not start the chain: "
                                         "earlier entries were removed or it was rewritten.")
ORDER = QT_TRANSLATE_NOOP("Errors", "Change log entries are out of order: entry {id} belongs after entry {other}, "
                                    "not after entry {previous}.")
GAP = QT_TRANSLATE_NOOP("Errors", "Change log entries are missing: entry {id} comes after entry {previous}.")
TIME = QT_TRANSLATE_NOOP("Errors", "Change log entry {id} is dated {at}, before entry {previous} ({previous_at}): "
                                   "the entries were reordered.")
HEAD_MISSING = QT_TRANSLATE_NOOP("Errors", "A document printed the chain head after {count} entries, but the "
                                           "change log has only {have}: entries were removed.")
HEAD_DIFFERS = QT_TRANSLATE_NOOP("Errors", "A document printed the chain head {printed} after {count} entries, but "
                                           "entry {count} of the change log now has the head {now}: the log was "
                                           "rewritten.")


def verify(db: Database, printed: Sequence[Head] = ()) -> VerifyReport:
    """Walks the whole chain (hashes, links, ids, times), checks heads printed on documents, then the state seal.
    Stops at the first problem."""
    from . import access, audit_seals

    access.require(db, access.Permission.AUDIT_READ)
    ledger = audit_seals.Ledger()
    with db.rows() as conn:
        checked, last, problem = _walk(conn, ledger, printed, sqlite=db.is_sqlite)
        problem = problem or _printed_beyond(printed, checked)
        if problem is not None:
            return VerifyReport(checked, _stored_head(conn), 0, problem)
        sealed, problem = audit_seals.check(conn, ledger)
    return VerifyReport(checked, Head(checked, last), sealed, problem)


def _stored_head(conn: Any) -> Head:
    count = conn.scalar(select(func.count()).select_from(AuditEntry)) or 0
    return Head(count, conn.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS)


def _walk(conn: Any, ledger: Ledger, printed: Sequence[Head], *,
          sqlite: bool) -> tuple[int, str, Problem | None]:
    """(entries checked, last hash, first problem)."""
    wanted = {h.count: h for h in printed}
    previous: Entry | None = None
    rows = conn.execution_options(stream_results=True, yield_per=BATCH).execute(_raw_entries())
    checked = 0
    for raw in rows:
        row = Entry.read(raw)
        problem = _link_problem(conn, row, previous, sqlite=sqlite) or _content_problem(row, previous)
        if problem is None and checked + 1 in wanted:
            problem = _head_problem(wanted[checked + 1], row.hash)
        if problem is not None:
            rows.close()
            return checked, previous.hash if previous is not None else GENESIS, problem
        ledger.add(row)
        previous, checked = row, checked + 1
    return checked, previous.hash if previous is not None else GENESIS, None


def _raw_entries() -> Any:
    """Every column as stored, as text where a value edited by hand might no longer parse (a date, JSON)."""
    t = AuditEntry.__table__
    return select(t.c.id, cast(t.c.at, Text).label("at"), t.c.username, t.c.role, t.c.action, t.c.entity,
                  t.c.entity_id, cast(t.c.before, Text).label("before"), cast(t.c.after, Text).label("after"),
                  t.c.prev_hash, t.c.hash).order_by(t.c.id)


UNREADABLE = object()


class Entry(NamedTuple):  # a tuple: a frozen dataclass cost a third of verify's time on 100,000 entries
    """An entry as read back for checking; values that no longer parse are UNREADABLE (and fail the hash)."""

    id: int
    at: Any
    username: Any
    role: Any
    action: Any
    entity: Any
    entity_id: Any
    before: Any
    after: Any
    prev_hash: str
    hash: str

    @classmethod
    def read(cls, raw: Any) -> Entry:
        return cls(raw.id, _datetime(raw.at), raw.username, raw.role, raw.action, raw.entity, raw.entity_id,
                   read_json(raw.before), read_json(raw.after), str(raw.prev_hash), str(raw.hash))

    @property
    def readable(self) -> bool:
        return isinstance(self.at, dt.datetime) and self.before is not UNREADABLE and self.after is not UNREADABLE


def _datetime(value: Any) -> Any:
    try:
        return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    except ValueError:
        return UNREADABLE


def read_json(value: Any) -> Any:
    """Stored JSON text as data; None stays None, and text that is not JSON is UNREADABLE (seals report it)."""
    if value is None:
        return None
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return UNREADABLE


def after_value(event: Any, key: str) -> Any:
    """One value a change-log entry recorded as the state after the change, or None."""
    return event.after.get(key) if isinstance(event.after, dict) else None


def _link_problem(conn: Any, row: Entry, previous: Entry | None, *, sqlite: bool) -> Problem | None:
    expected = previous.hash if previous is not None else GENESIS
    expected_id = previous.id + 1 if previous is not None else 1
    # PostgreSQL sequences skip the ids of rolled-back inserts, so a gap there is only a problem with a broken link
    gap = row.id != expected_id and (sqlite or row.prev_hash != expected)
    if row.prev_hash == expected and not gap:
        return None
    if previous is None:
        return Problem("link", FIRST_LINK, {"id": row.id}, row_id=row.id)
    values = {"id": row.id, "previous": previous.id}
    other = conn.scalar(select(AuditEntry.id).where(AuditEntry.hash == row.prev_hash))
    if other is not None and other != previous.id:
        return Problem("order", ORDER, {**values, "other": other}, row_id=row.id)
    if gap:
        return Problem("gap", GAP, values, row_id=row.id)
    return Problem("link", LINK, values, row_id=row.id)


def _content_problem(row: Entry, previous: Entry | None) -> Problem | None:
    if not row.readable or _digest(row) != row.hash:
        return Problem("changed", CHANGED, {"id": row.id}, row_id=row.id)
    if previous is not None and row.at < previous.at:
        return Problem("time", TIME, {"id": row.id, "at": _when(row.at), "previous": previous.id,
                                      "previous_at": _when(previous.at)}, row_id=row.id)
    return None


def _digest(row: Entry) -> str:
    body = _body(row.at, row.username, row.role, row.action, row.entity, row.entity_id, row.before, row.after)
    return hashlib.sha256(row.prev_hash.encode() + canonical(body)).hexdigest()


def _head_problem(printed: Head, stored_hash: str) -> Problem | None:
    if stored_hash.startswith(printed.hash):
        return None
    return Problem("head", HEAD_DIFFERS, {"printed": printed.hash, "count": printed.count,
                                          "now": stored_hash[:len(printed.hash)]})


def _printed_beyond(printed: Sequence[Head], have: int) -> Problem | None:
    beyond = [h for h in printed if h.count > have]
    if not beyond:
        return None
    return Problem("head", HEAD_MISSING, {"count": max(h.count for h in beyond), "have": have})


def _when(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S")


# --- reading the log ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the viewer and `psp audit list` narrow the log by; empty means any."""

    user: str = ""  # exact user name
    action: str = ""  # exact action, or a family ending in "." ("sheet.")
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive
    text: str = ""  # anywhere in entity, action, user, role or the before/after values


@dataclass(frozen=True)
class Row:
    id: int
    at: dt.datetime
    username: str
    role: str
    action: str
    entity: str
    entity_id: int | None
    before: str  # compact JSON ("" when none)
    after: str
    change: str  # before → after, summarized

    @property
    def when(self) -> str:
        return _when(self.at)


def entries(db: Database, filters: Filters = Filters(), limit: int = 500) -> list[Row]:
    """The newest entries first that match the filters, at most `limit`."""
    from . import access

    access.require(db, access.Permission.AUDIT_READ)
    if filters.since and filters.until and filters.since > filters.until:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The start date {since} is after the end date {until}."),
                              since=filters.since.isoformat(), until=filters.until.isoformat())
    needle = filters.text.strip().casefold()
    found: list[Row] = []
    with db.rows() as conn:
        result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(_query(filters))
        for raw in result:
            row = _row(Entry.read(raw))
            if not needle or needle in _haystack(row):
                found.append(row)
                if len(found) >= limit:
                    break
        result.close()
    return found


def _query(filters: Filters) -> Any:
    table = AuditEntry.__table__
    query = _raw_entries().order_by(None).order_by(table.c.id.desc())
    if filters.user:
        query = query.where(table.c.username == filters.user)
    if filters.action.endswith("."):
        query = query.where(table.c.action.startswith(filters.action, autoescape=True))
    elif filters.action:
        query = query.where(table.c.action == filters.action)
    if filters.since:
        query = query.where(table.c.at >= dt.datetime.combine(filters.since, dt.time()))
    if filters.until:
        query = query.where(table.c.at < dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time()))
    needle = filters.text.strip()
    if needle:  # a coarse filter in the database (rows are checked exactly afterwards), so a search stays fast
        patterns = {needle, json.dumps(needle)[1:-1]}  # the JSON columns may hold non-ASCII text as \uXXXX
        columns = (table.c.username, table.c.role, table.c.action, table.c.entity, cast(table.c.entity_id, Text),
                   cast(table.c.before, Text), cast(table.c.after, Text))
        query = query.where(or_(*(c.icontains(p, autoescape=True) for c in columns for p in patterns)))
    return query


def _haystack(row: Row) -> str:
    return " ".join((row.username, row.role, row.action, row.entity, str(row.entity_id or ""), row.before,
                     row.after)).casefold()


def _row(entry: Entry) -> Row:
    at = entry.at if isinstance(entry.at, dt.datetime) else dt.datetime.min  # edited by hand into nonsense
    return Row(entry.id, at, str(entry.username), str(entry.role), str(entry.action), str(entry.entity),
               entry.entity_id, _compact(entry.before), _compact(entry.after), summarize(entry.before, entry.after))


def _compact(value: Any) -> str:
    if value is UNREADABLE:
        return "?"
    return "" if value is None else canonical(value).decode()


def summarize(before: Any, after: Any, width: int = 60) -> str:
    """One line per changed key, joined with "; ": "status: submitted → reopened", "sha256: 5f1c…"."""
    if before is None and after is None:
        return ""
    before, after = ({} if before is None else before), ({} if after is None else after)
    if not isinstance(before, dict) or not isinstance(after, dict):
        return _arrow(before or None, after or None, width)
    parts = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        parts.append(f"{key}: {_arrow(old if key in before else None, new if key in after else None, width)}")
    return "; ".join(parts)


def _arrow(old: Any, new: Any, width: int) -> str:
    if old is None:
        return _short(new, width)
    return f"{_short(old, width)} → {_short(new, width) if new is not None else '—'}"


def _short(value: Any, width: int) -> str:
    shown = value if isinstance(value, str) else _compact(value)
    return shown if len(shown) <= width else shown[:width - 1] + "…"


def facets(db: Database) -> tuple[list[str], list[str]]:
    """The user names and the actions in the log, for the viewer's drop-downs."""
    from . import access

    access.require(db, access.Permission.AUDIT_READ)
    with db.read() as s:
        users = list(s.scalars(select(AuditEntry.username).distinct().order_by(AuditEntry.username)))
        actions = list(s.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
    return users, actions
