"""The state seal: rows that decide results (later money too) must still say what the change log recorded.

The chain proves the log itself is intact; a score changed with sqlite3 leaves the log alone. So after the chain is
walked, each seal compares the stored rows with the last log entry about them: a submitted sheet's points with
its "sheet.submit" entry, a frozen round's snapshot with its "round.freeze" entry. A new table that decides money
(awards, payments) adds a Seal to SEALS, naming the actions it reads and a check.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Text, cast, select, type_coerce
from sqlalchemy.engine import Connection

from ..enums import SheetStatus
from ..errors import QT_TRANSLATE_NOOP
from ..models import Assignment, PaperEntry, Round, RoundSnapshot, Score, ScoreSheet
from . import audit_seals_documents, audit_seals_money
from .audit import UNREADABLE, Entry, Problem, after_value, canonical, read_json

SUBMIT, REOPEN = "sheet.submit", "sheet.reopen"
FREEZE, UNFREEZE = "round.freeze", "round.reopen"


@dataclass(frozen=True)
class Event:
    entry_id: int
    action: str
    after: Any


class Ledger:
    """What the chain recorded about sealed rows, gathered while the chain is walked (in order)."""

    def __init__(self, actions: Iterable[str] | None = None) -> None:
        self.actions = frozenset(actions) if actions is not None else frozenset(a for s in SEALS for a in s.actions)
        self.events: dict[tuple[str, int], list[Event]] = defaultdict(list)

    def add(self, entry: Entry) -> None:
        if entry.action in self.actions and isinstance(entry.entity_id, int):
            self.events[str(entry.entity), entry.entity_id].append(Event(entry.id, str(entry.action), entry.after))

    def last(self, entity: str, entity_id: int, actions: Iterable[str]) -> Event | None:
        wanted = frozenset(actions)
        return next((e for e in reversed(self.events.get((entity, entity_id), ())) if e.action in wanted), None)

    def of(self, entity: str) -> Iterable[tuple[int, list[Event]]]:
        return ((key[1], events) for key, events in self.events.items() if key[0] == entity)


@dataclass(frozen=True)
class Seal:
    name: str
    actions: frozenset[str]
    check: Callable[[Connection, Ledger], tuple[int, Problem | None]]  # (rows checked, first problem)


def check(conn: Connection, ledger: Ledger) -> tuple[int, Problem | None]:
    """Rows checked by every seal, and the first problem found."""
    total = 0
    for seal in SEALS:
        checked, problem = seal.check(conn, ledger)
        total += checked
        if problem is not None:
            return total, problem
    return total, None





def _points(x100: Any) -> str:
    if not isinstance(x100, int):
        return str(x100)
    whole, part = divmod(x100, 100)
    return str(whole) if not part else f"{whole}.{part:02d}".rstrip("0")


# --- score sheets: points, status, the proposal they are for, paper keyings -----------------------------------

SHEET_UNRECORDED = QT_TRANSLATE_NOOP(
    "Errors", "Score sheet {sheet} is marked submitted, but the change log does not record its submission.")
SHEET_STATUS = QT_TRANSLATE_NOOP(
    "Errors", "Score sheet {sheet} was submitted (change log entry {entry}), but its status is now “{status}”.")
SHEET_MISSING = QT_TRANSLATE_NOOP(
    "Errors", "Score sheet {sheet}, submitted in change log entry {entry}, is missing from the database.")
SHEET_PROPOSAL = QT_TRANSLATE_NOOP(
    "Errors", "Score sheet {sheet} now counts for proposal {stored}, but change log entry {entry} recorded it for "
              "proposal {recorded}.")
SHEET_JUDGE = QT_TRANSLATE_NOOP(
    "Errors", "Score sheet {sheet} now counts as judge {stored}'s, but change log entry {entry} recorded it as judge "
              "{recorded}'s.")
SCORE_CHANGED = QT_TRANSLATE_NOOP(
    "Errors", "Score sheet {sheet}, criterion {criterion}: the database holds {stored} points, but change log entry "
              "{entry} recorded {recorded}.")
PAPER_CHANGED = QT_TRANSLATE_NOOP(
    "Errors", "Paper keying {pass_no} of score sheet {sheet} differs from the points counted in change log entry "
              "{entry} (criterion {criterion}: {stored} against {recorded}).")


@dataclass(frozen=True)
class _Sheet:
    id: int
    status: str
    source: str
    assignment_id: int | None
    judge_id: int | None
    proposal_id: int | None


def _check_sheets(conn: Connection, ledger: Ledger) -> tuple[int, Problem | None]:
    sheets = _sheets(conn)
    scores = _scores(conn)
    checked = 0
    for sheet in sheets.values():
        event = ledger.last("score_sheet", sheet.id, (SUBMIT, REOPEN))
        problem = _sheet_problem(sheet, event, scores.get(sheet.id, {}))
        if problem is not None:
            return checked, problem
        checked += 1 + len(scores.get(sheet.id, {}))
    for sheet_id, events in sorted(ledger.of("score_sheet")):
        last = next((e for e in reversed(events) if e.action in (SUBMIT, REOPEN)), None)
        if last is not None and last.action == SUBMIT and sheet_id not in sheets:
            return checked, Problem("state", SHEET_MISSING, {"sheet": sheet_id, "entry": last.entry_id},
                                    "score_sheet", sheet_id)
    paper_checked, problem = _check_paper(conn, ledger, sheets)
    return checked + paper_checked, problem


def _sheets(conn: Connection) -> dict[int, _Sheet]:
    sheet, assignment = ScoreSheet.__table__, Assignment.__table__
    query = (select(sheet.c.id, type_coerce(sheet.c.status, String), sheet.c.source, assignment.c.id,
                    assignment.c.judge_id, assignment.c.proposal_id)
             .select_from(sheet.outerjoin(assignment, sheet.c.assignment_id == assignment.c.id))
             .order_by(sheet.c.id))
    return {row[0]: _Sheet(*row) for row in conn.execute(query)}


def _scores(conn: Connection) -> dict[int, dict[str, tuple[int, Any]]]:
    """Submitted sheets' points: sheet → criterion (as the log keys it) → (score row, points)."""
    sheet, score = ScoreSheet.__table__, Score.__table__
    query = (select(score.c.sheet_id, score.c.criterion_id, score.c.id, score.c.points_x100)
             .join(sheet, sheet.c.id == score.c.sheet_id)
             .where(type_coerce(sheet.c.status, String) == SheetStatus.SUBMITTED.value)
             .order_by(score.c.sheet_id, score.c.criterion_id))
    out: dict[int, dict[str, tuple[int, Any]]] = defaultdict(dict)
    for sheet_id, criterion_id, score_id, points in conn.execute(query):
        out[sheet_id][str(criterion_id)] = (score_id, points)
    return out


def _sheet_problem(sheet: _Sheet, event: Event | None, scores: Mapping[str, tuple[int, Any]]) -> Problem | None:
    submitted = sheet.status == SheetStatus.SUBMITTED.value
    if submitted and (event is None or event.action != SUBMIT):
        return Problem("state", SHEET_UNRECORDED, {"sheet": sheet.id}, "score_sheet", sheet.id)
    if event is None or event.action != SUBMIT:
        return None
    if not submitted:
        return Problem("state", SHEET_STATUS, {"sheet": sheet.id, "entry": event.entry_id, "status": sheet.status},
                       "score_sheet", sheet.id)
    for key, message, stored in (("proposal", SHEET_PROPOSAL, sheet.proposal_id),
                                 ("judge_id", SHEET_JUDGE, sheet.judge_id)):
        recorded = after_value(event, key)
        if (key == "proposal" or recorded is not None) and recorded != stored:  # older entries lack judge_id
            return Problem("state", message, {"sheet": sheet.id, "stored": stored, "entry": event.entry_id,
                                              "recorded": recorded}, "score_sheet", sheet.id)
    return _points_problem(sheet, event, scores)


def _points_problem(sheet: _Sheet, event: Event, scores: Mapping[str, tuple[int, Any]]) -> Problem | None:
    recorded = after_value(event, "points")
    recorded = recorded if isinstance(recorded, dict) else {}
    for criterion in sorted(set(recorded) | set(scores), key=lambda k: (len(k), k)):
        score_id, stored = scores.get(criterion, (None, None))
        if stored != recorded.get(criterion):
            return Problem("state", SCORE_CHANGED, {
                "sheet": sheet.id, "criterion": criterion, "stored": _points(stored) if stored is not None else "—",
                "entry": event.entry_id, "recorded": _points(recorded.get(criterion, "—"))}, "score", score_id)
    return None


def _check_paper(conn: Connection, ledger: Ledger, sheets: Mapping[int, _Sheet]) -> tuple[int, Problem | None]:
    """A counted paper sheet's two keyings are what was counted: changing one would rewrite the paper trail."""
    paper = PaperEntry.__table__
    counted = {s.assignment_id: s for s in sheets.values()
               if s.source == "paper" and s.status == SheetStatus.SUBMITTED.value}
    rows = conn.execute(select(paper.c.id, paper.c.assignment_id, paper.c.pass_no, cast(paper.c.points, Text))
                        .order_by(paper.c.id))
    checked = 0
    for entry_id, assignment_id, pass_no, points in rows:
        sheet = counted.get(assignment_id)
        event = ledger.last("score_sheet", sheet.id, (SUBMIT,)) if sheet else None
        if sheet is None or event is None:
            continue
        keyed, recorded = read_json(points), after_value(event, "points") or {}
        keyed = keyed if isinstance(keyed, dict) else {}
        for criterion in sorted(set(keyed) | set(recorded), key=lambda k: (len(str(k)), str(k))):
            if keyed.get(criterion) != recorded.get(criterion):
                return checked, Problem("state", PAPER_CHANGED, {
                    "pass_no": pass_no, "sheet": sheet.id, "entry": event.entry_id, "criterion": criterion,
                    "stored": _points(keyed.get(criterion, "—")), "recorded": _points(recorded.get(criterion, "—"))},
                    "paper_entry", entry_id)
        checked += 1
    return checked, None


# --- frozen rounds: the snapshot, its SHA-256 and the round's frozen flag -----------------------------------------

SNAPSHOT_CHANGED = QT_TRANSLATE_NOOP(
    "Errors", "The frozen results of round {round} (snapshot {snapshot}) were changed: their content no longer "
              "matches their SHA-256.")
SNAPSHOT_UNRECORDED = QT_TRANSLATE_NOOP(
    "Errors", "Snapshot {snapshot} of round {round} has the SHA-256 {sha256}, which no freeze in the change log "
              "recorded.")
SNAPSHOT_MISSING = QT_TRANSLATE_NOOP(
    "Errors", "The frozen results of round {round} recorded in change log entry {entry} are missing from the "
              "database.")
ROUND_FROZEN = QT_TRANSLATE_NOOP(
    "Errors", "Round {round} is marked frozen, but the change log does not record it as frozen.")
ROUND_OPEN = QT_TRANSLATE_NOOP(
    "Errors", "Round {round} was frozen (change log entry {entry}), but it is no longer marked frozen.")
ROUND_CURRENT = QT_TRANSLATE_NOOP(
    "Errors", "Round {round} counts snapshot {snapshot}, but change log entry {entry} froze it with a different "
              "SHA-256.")


def _check_rounds(conn: Connection, ledger: Ledger) -> tuple[int, Problem | None]:
    snap = RoundSnapshot.__table__
    names = {row[0]: row for row in conn.execute(select(Round.__table__.c.id, Round.__table__.c.name,
                                                        Round.__table__.c.frozen))}
    current: dict[int, tuple[int, str]] = {}
    checked = 0
    query = select(snap.c.id, snap.c.round_id, cast(snap.c.content, Text), snap.c.sha256, snap.c.reopened_at)
    for snapshot_id, round_id, content, sha256, reopened_at in conn.execute(query.order_by(snap.c.id)):
        where = {"round": _round_name(names, round_id), "snapshot": snapshot_id}
        parsed = read_json(content)
        if parsed is UNREADABLE or hashlib.sha256(canonical(parsed)).hexdigest() != sha256:
            return checked, Problem("state", SNAPSHOT_CHANGED, where, "round_snapshot", snapshot_id)
        frozen_as = {after_value(e, "sha256") for e in ledger.events.get(("round", round_id), ()) if e.action == FREEZE}
        if sha256 not in frozen_as:
            return checked, Problem("state", SNAPSHOT_UNRECORDED, {**where, "sha256": sha256}, "round_snapshot",
                                    snapshot_id)
        if reopened_at is None:
            current[round_id] = (snapshot_id, sha256)
        checked += 1
    for round_id, name, frozen in names.values():
        problem = _round_problem(ledger, round_id, name, bool(frozen), current.get(round_id))
        if problem is not None:
            return checked, problem
        checked += 1
    return checked, _missing_snapshots(conn, ledger, names)


def _round_name(names: Mapping[int, Any], round_id: int) -> str:
    row = names.get(round_id)
    return f"“{row[1]}” ({round_id})" if row is not None else str(round_id)


def _round_problem(ledger: Ledger, round_id: int, name: str, frozen: bool,
                   current: tuple[int, str] | None) -> Problem | None:
    event = ledger.last("round", round_id, (FREEZE, UNFREEZE))
    label = f"“{name}” ({round_id})"
    recorded_frozen = event is not None and event.action == FREEZE
    if frozen and not recorded_frozen:
        return Problem("state", ROUND_FROZEN, {"round": label}, "review_round", round_id)
    if recorded_frozen and not frozen:
        return Problem("state", ROUND_OPEN, {"round": label, "entry": event.entry_id}, "review_round", round_id)
    if recorded_frozen and (current is None or current[1] != after_value(event, "sha256")):
        return Problem("state", ROUND_CURRENT, {"round": label, "snapshot": current[0] if current else "—",
                                                "entry": event.entry_id}, "round_snapshot",
                       current[0] if current else None)
    return None


def _missing_snapshots(conn: Connection, ledger: Ledger, names: Mapping[int, Any]) -> Problem | None:
    snap = RoundSnapshot.__table__
    stored = {(r, h) for r, h in conn.execute(select(snap.c.round_id, snap.c.sha256))}
    for round_id, events in sorted(ledger.of("round")):
        for event in events:
            if event.action == FREEZE and round_id in names and (round_id, after_value(event, "sha256")) not in stored:
                return Problem("state", SNAPSHOT_MISSING, {"round": _round_name(names, round_id),
                                                           "entry": event.entry_id}, "round_snapshot", None)
    return None


SEALS: list[Seal] = [
    Seal("score sheets", frozenset({SUBMIT, REOPEN}), _check_sheets),
    Seal("frozen rounds", frozenset({FREEZE, UNFREEZE}), _check_rounds),
    Seal("payments", frozenset({audit_seals_money.PAY}), audit_seals_money.check_payments),
    Seal("issued documents", frozenset({audit_seals_documents.ISSUE, audit_seals_documents.VOID}),
         audit_seals_documents.check_documents),
]
