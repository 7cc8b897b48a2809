"""The change log is tamper-evident: `verify` walks the hash chain and the state seal, so editing, deleting or
reordering an entry, or changing a score, a sheet's state or frozen results directly with sqlite3, is found; a
consistent rewrite of the whole chain is found by the head printed on documents."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from psp_desktop import cli
from psp_desktop.db import Database, open_database
from psp_desktop.enums import Role
from psp_desktop.errors import ValidationError
from psp_desktop.models import AuditEntry
from psp_desktop.services import audit, audit_seals, printouts
from psp_desktop.services.access import Actor, NotAllowed
from psp_desktop.services.demo import create_demo

ENTRIES = 887  # the demo's change log: 391 sheets submitted, three rounds frozen, 125 steps of the 2024 money, its
# ceremony's 27 documents with one voided, 216 steps of monitoring (and the gate a late report failed) and 54 of
# the mid-term evaluations; then 69 of the 2025 tender (10 sheets and its frozen round) and commission
SHEETS = 401  # 391 in the competitions, 10 by the tender committee
MIDDLE = 57


# --- a demo database, and copies of it to tamper with ------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audit-demo") / "demo.db"
    db = open_database(path)
    try:
        create_demo(db)
    finally:
        db.close()
    return path


def copy_of(source: Path, folder: Path, name: str = "copy.db") -> Path:
    target = folder / name
    target.unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    return copy_of(demo_file, tmp_path)


def raw(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """What someone with sqlite3 and the file can do (foreign keys off, as in the sqlite3 shell)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(sql, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def check(path: Path, printed: tuple[audit.Head, ...] = ()) -> audit.VerifyReport:
    db = open_database(path, create=False)
    try:
        return audit.verify(db, printed)
    finally:
        db.close()


def head_of(path: Path) -> audit.Head:
    db = open_database(path, create=False)
    try:
        return audit.head(db)
    finally:
        db.close()


def rechain(path: Path) -> None:
    """Recomputes every entry's hash and link, as a forger who knows the scheme would."""
    conn = sqlite3.connect(path)
    try:
        previous = audit.GENESIS
        rows = conn.execute("SELECT id, at, username, role, action, entity, entity_id, before, after "
                            "FROM audit_entry ORDER BY id").fetchall()
        for id_, at, username, role, action, entity, entity_id, before, after in rows:
            body = {"at": dt.datetime.fromisoformat(at).isoformat(), "username": username, "role": role,
                    "action": action, "entity": entity, "entity_id": entity_id,
                    "before": json.loads(before) if before else None, "after": json.loads(after) if after else None}
            digest = hashlib.sha256(previous.encode() + audit.canonical(body)).hexdigest()
            conn.execute("UPDATE audit_entry SET prev_hash = ?, hash = ? WHERE id = ?", (previous, digest, id_))
            previous = digest
        conn.commit()
    finally:
        conn.close()


def submitted_score(path: Path) -> tuple[int, int, int, int]:
    """(score id, sheet id, points, max) of a score on a screen-submitted sheet."""
    return raw(path, "SELECT sc.id, sc.sheet_id, sc.points_x100, sc.max_points_x100 FROM score sc "
                     "JOIN score_sheet s ON s.id = sc.sheet_id WHERE s.status = 'submitted' AND s.source = 'screen' "
                     "ORDER BY sc.id LIMIT 1 OFFSET 100")[0]


# --- the untouched demo ------------------------------------------------------------------------------------------


def test_the_demo_verifies(demo_file: Path) -> None:
    report = check(demo_file)
    assert report.ok, report.problem
    assert report.checked == ENTRIES and report.head == head_of(demo_file)
    assert report.sealed > 1000  # sheets, scores, paper keyings, snapshots and rounds
    assert report.broken_entry is None


def test_head_is_printable_and_read_back(demo_file: Path) -> None:
    head = head_of(demo_file)
    assert head.count == ENTRIES and len(head.hash) == 64 and head.short == head.hash[:16]
    assert head.printed() == f"{ENTRIES}:{head.short}"
    assert audit.parse_printed(head.printed()) == audit.Head(ENTRIES, head.short)
    assert audit.parse_printed(f"变更记录校验：{ENTRIES} 条 · 链头 {head.short.upper()}") == audit.Head(ENTRIES,
                                                                                                  head.short)
    for bad in ("", "188", head.short, "0:abcdef12", "188:xyz", "12345678abcdef"):
        with pytest.raises(ValidationError):
            audit.parse_printed(bad)


def test_an_empty_log_verifies_with_the_genesis_head(database: Database) -> None:
    report = audit.verify(database)
    assert report.ok and report.checked == 0 and report.head == audit.Head(0, audit.GENESIS)


# --- editing, deleting, reordering entries ---------------------------------------------------------------------


AUDIT_EDITS = {
    "username": ("UPDATE audit_entry SET username = '王五' WHERE id = ?", "changed", MIDDLE),
    "role": ("UPDATE audit_entry SET role = 'admin' WHERE id = ?", "changed", MIDDLE),
    "action": ("UPDATE audit_entry SET action = 'sheet.reopen' WHERE id = ?", "changed", MIDDLE),
    "entity": ("UPDATE audit_entry SET entity = 'round' WHERE id = ?", "changed", MIDDLE),
    "entity_id": ("UPDATE audit_entry SET entity_id = entity_id + 1 WHERE id = ?", "changed", MIDDLE),
    "before": ("UPDATE audit_entry SET before = '{\"status\": \"open\"}' WHERE id = ?", "changed", MIDDLE),
    "after": ("UPDATE audit_entry SET after = replace(after, '\"source\": \"screen\"', '\"source\": \"paper\"') "
              "WHERE id = ?", "changed", MIDDLE),
    "at": ("UPDATE audit_entry SET at = '2025-05-08 09:00:01.000000' WHERE id = ?", "changed", MIDDLE),
    "unreadable at": ("UPDATE audit_entry SET at = 'yesterday' WHERE id = ?", "changed", MIDDLE),
    "unreadable json": ("UPDATE audit_entry SET after = '{not json' WHERE id = ?", "changed", MIDDLE),
    "hash": ("UPDATE audit_entry SET hash = '" + "ab" * 32 + "' WHERE id = ?", "changed", MIDDLE),
    "prev_hash": ("UPDATE audit_entry SET prev_hash = '" + "cd" * 32 + "' WHERE id = ?", "link", MIDDLE),
    "deleted": ("DELETE FROM audit_entry WHERE id = ?", "gap", MIDDLE + 1),
}


@pytest.mark.parametrize("edit", list(AUDIT_EDITS), ids=list(AUDIT_EDITS))
def test_editing_any_field_of_an_entry_is_detected(demo_copy: Path, edit: str) -> None:
    sql, kind, at = AUDIT_EDITS[edit]
    raw(demo_copy, sql, MIDDLE)
    report = check(demo_copy)
    assert not report.ok and report.problem is not None
    assert (report.problem.kind, report.problem.table, report.broken_entry) == (kind, "audit_entry", at)
    assert report.checked == MIDDLE - 1  # every entry before the break was good
    assert str(at) in report.problem.render()


def test_deleting_the_first_entry_is_detected(demo_copy: Path) -> None:
    raw(demo_copy, "DELETE FROM audit_entry WHERE id = 1")
    problem = check(demo_copy).problem
    assert problem is not None and (problem.kind, problem.row_id) == ("link", 2)


def test_deleting_the_last_entries_is_detected_by_the_seal_and_by_the_printed_head(demo_copy: Path) -> None:
    printed = head_of(demo_copy)
    (last_sheet,) = raw(demo_copy, "SELECT max(id) FROM audit_entry WHERE entity = 'score_sheet'")[0]
    raw(demo_copy, "DELETE FROM audit_entry WHERE id >= ?", last_sheet)  # the log cut back from its last sheet
    problem = check(demo_copy).problem  # the sheet it recorded is submitted without a record now
    assert problem is not None and (problem.kind, problem.table) == ("state", "score_sheet")
    problem = check(demo_copy, (printed,)).problem
    assert problem is not None and problem.kind == "head"
    assert problem.render() == audit.HEAD_MISSING.format(count=ENTRIES, have=last_sheet - 1)


def test_swapping_two_entries_is_detected_as_reordering(demo_copy: Path) -> None:
    columns = "at, username, role, action, entity, entity_id, before, after, prev_hash, hash"
    first, second = (raw(demo_copy, f"SELECT {columns} FROM audit_entry WHERE id = ?", n)[0] for n in (MIDDLE, 90))
    raw(demo_copy, "UPDATE audit_entry SET hash = 'x' WHERE id = ?", 90)  # hash is unique: make room
    for target, values in ((MIDDLE, second), (90, first)):
        assignments = ", ".join(f"{c} = ?" for c in columns.split(", "))
        raw(demo_copy, f"UPDATE audit_entry SET {assignments} WHERE id = ?", *values, target)
    problem = check(demo_copy).problem
    assert problem is not None and (problem.kind, problem.row_id) == ("order", MIDDLE)
    assert problem.params == {"id": MIDDLE, "previous": MIDDLE - 1, "other": 89}


def test_a_rewritten_chain_with_times_out_of_order_is_detected(demo_copy: Path) -> None:
    raw(demo_copy, "UPDATE audit_entry SET at = '2024-11-01 08:00:00.000000' WHERE id = ?", MIDDLE)  # before all
    rechain(demo_copy)
    problem = check(demo_copy).problem
    assert problem is not None and (problem.kind, problem.row_id) == ("time", MIDDLE)
    assert "08:00:00" in problem.render()


def test_a_consistent_rewrite_of_the_whole_log_is_found_by_the_head_printed_earlier(demo_copy: Path) -> None:
    printed = head_of(demo_copy)  # as printed on a notice before the forgery
    score_id, sheet_id, points, maximum = submitted_score(demo_copy)
    forged = points + 50 if points + 50 <= maximum else points - 50
    criterion = raw(demo_copy, "SELECT criterion_id FROM score WHERE id = ?", score_id)[0][0]
    raw(demo_copy, "UPDATE score SET points_x100 = ? WHERE id = ?", forged, score_id)
    entry_id, after = raw(demo_copy, "SELECT id, after FROM audit_entry WHERE entity = 'score_sheet' AND "
                                     "entity_id = ?", sheet_id)[0]
    after = json.loads(after)
    after["points"][str(criterion)] = forged
    raw(demo_copy, "UPDATE audit_entry SET after = ? WHERE id = ?", json.dumps(after), entry_id)
    rechain(demo_copy)
    assert check(demo_copy).ok  # the database agrees with itself: only an outside copy of the head tells
    short = audit.Head(printed.count, printed.short)
    for heads in ((printed,), (short,)):
        report = check(demo_copy, heads)
        assert report.problem is not None and report.problem.kind == "head"
        assert printed.short in report.problem.render()
    assert head_of(demo_copy) != printed


def test_a_printed_head_that_matches_passes(demo_file: Path) -> None:
    head = head_of(demo_file)
    earlier = audit.Head(100, check_entry_hash(demo_file, 100)[:16])
    assert check(demo_file, (audit.Head(head.count, head.short), earlier)).ok


def check_entry_hash(path: Path, position: int) -> str:
    return str(raw(path, "SELECT hash FROM audit_entry ORDER BY id LIMIT 1 OFFSET ?", position - 1)[0][0])


# --- the state seal: scores, sheet states, frozen results -------------------------------------------------------


def test_a_score_changed_with_sqlite3_is_detected(demo_copy: Path) -> None:
    score_id, sheet_id, points, _maximum = submitted_score(demo_copy)
    raw(demo_copy, "UPDATE score SET points_x100 = ? WHERE id = ?", points - 50, score_id)
    report = check(demo_copy)
    assert report.checked == ENTRIES and report.problem is not None
    problem = report.problem
    assert (problem.kind, problem.table, problem.row_id) == ("state", "score", score_id)
    assert problem.params["sheet"] == sheet_id and problem.params["stored"] != problem.params["recorded"]


def test_a_score_moved_to_another_sheet_or_criterion_is_detected(demo_copy: Path, demo_file: Path,
                                                                 tmp_path: Path) -> None:
    score_id, _sheet_id, _points, _maximum = submitted_score(demo_copy)
    raw(demo_copy, "UPDATE score SET criterion_id = criterion_id + 100 WHERE id = ?", score_id)
    assert check(demo_copy).problem.table == "score"  # type: ignore[union-attr]
    other = copy_of(demo_file, tmp_path, "deleted.db")
    raw(other, "DELETE FROM score WHERE id = ?", score_id)
    problem = check(other).problem
    assert problem is not None and (problem.table, problem.row_id) == ("score", None)


@pytest.mark.parametrize("status", ["open", "reopened", "nonsense"])
def test_a_submitted_sheet_whose_status_changed_is_detected(demo_copy: Path, status: str) -> None:
    raw(demo_copy, "UPDATE score_sheet SET status = ? WHERE id = 5", status)
    problem = check(demo_copy).problem
    assert problem is not None and (problem.kind, problem.table, problem.row_id) == ("state", "score_sheet", 5)
    assert status in problem.render()


def test_a_sheet_marked_submitted_without_a_record_is_detected(demo_copy: Path) -> None:
    (open_id,) = raw(demo_copy, "SELECT id FROM score_sheet WHERE status = 'open'")[0]
    raw(demo_copy, "UPDATE score_sheet SET status = 'submitted' WHERE id = ?", open_id)
    problem = check(demo_copy).problem
    assert problem is not None and problem.message == audit_seals.SHEET_UNRECORDED and problem.row_id == open_id


def test_a_sheet_moved_to_another_proposal_or_judge_is_detected(demo_copy: Path, demo_file: Path,
                                                                tmp_path: Path) -> None:
    raw(demo_copy, "UPDATE assignment SET proposal_id = proposal_id + 1 WHERE id = "
                   "(SELECT assignment_id FROM score_sheet WHERE id = 5)")
    problem = check(demo_copy).problem
    assert problem is not None and problem.message == audit_seals.SHEET_PROPOSAL
    other = copy_of(demo_file, tmp_path, "judge.db")
    raw(other, "UPDATE assignment SET judge_id = judge_id + 1000 WHERE id = "
               "(SELECT assignment_id FROM score_sheet WHERE id = 5)")
    problem = check(other).problem
    assert problem is not None and problem.message == audit_seals.SHEET_JUDGE


def test_a_counted_paper_keying_changed_is_detected(demo_copy: Path) -> None:
    (entry_id,) = raw(demo_copy, "SELECT p.id FROM paper_entry p JOIN score_sheet s ON s.assignment_id = "
                                 "p.assignment_id WHERE s.status = 'submitted' AND p.pass_no = 2 LIMIT 1")[0]
    raw(demo_copy, "UPDATE paper_entry SET points = replace(points, ': 0}', ': 100}') WHERE id = ?", entry_id)
    problem = check(demo_copy).problem
    assert problem is not None and (problem.table, problem.row_id) == ("paper_entry", entry_id)


def test_frozen_results_changed_are_detected(demo_copy: Path, demo_file: Path, tmp_path: Path) -> None:
    (snapshot_id, content) = raw(demo_copy, "SELECT id, content FROM round_snapshot")[0]
    data = json.loads(content)
    data["proposals"][0]["score"], data["proposals"][1]["score"] = (data["proposals"][1]["score"],
                                                                    data["proposals"][0]["score"])
    raw(demo_copy, "UPDATE round_snapshot SET content = ? WHERE id = ?", json.dumps(data), snapshot_id)
    problem = check(demo_copy).problem
    assert problem is not None and (problem.message, problem.row_id) == (audit_seals.SNAPSHOT_CHANGED, snapshot_id)
    # content and its SHA-256 rewritten together: the freeze in the log names another hash
    digest = hashlib.sha256(audit.canonical(data)).hexdigest()
    raw(demo_copy, "UPDATE round_snapshot SET sha256 = ? WHERE id = ?", digest, snapshot_id)
    problem = check(demo_copy).problem
    assert problem is not None and problem.message == audit_seals.SNAPSHOT_UNRECORDED and digest in problem.render()
    unfrozen = copy_of(demo_file, tmp_path, "unfrozen.db")
    raw(unfrozen, "UPDATE review_round SET frozen = 0 WHERE frozen = 1")
    problem = check(unfrozen).problem
    assert problem is not None and (problem.message, problem.table) == (audit_seals.ROUND_OPEN, "review_round")
    deleted = copy_of(demo_file, tmp_path, "deleted.db")
    raw(deleted, "DELETE FROM round_snapshot")
    problem = check(deleted).problem
    assert problem is not None and problem.message == audit_seals.ROUND_CURRENT


def test_a_round_marked_frozen_without_a_record_is_detected(demo_copy: Path) -> None:
    raw(demo_copy, "UPDATE review_round SET frozen = 1 WHERE id = 4")
    problem = check(demo_copy).problem
    assert problem is not None and (problem.message, problem.row_id) == (audit_seals.ROUND_FROZEN, 4)


# --- random single-row edits -------------------------------------------------------------------------------------

TEXT_COLUMNS = ("username", "role", "action", "entity")
HEX = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                        max_size=3), max_leaves=6)


@st.composite
def audit_edit(draw: st.DrawFn) -> tuple[str, int, str, Any]:
    entry = draw(st.integers(1, ENTRIES))
    column = draw(st.sampled_from((*TEXT_COLUMNS, "entity_id", "at", "before", "after", "prev_hash", "hash")))
    if column in TEXT_COLUMNS:
        value: Any = draw(st.text(min_size=1, max_size=12))
    elif column == "entity_id":
        value = draw(st.none() | st.integers(-5, 10**6))
    elif column == "at":
        value = draw(st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2027, 1, 1)))
    elif column in ("before", "after"):
        value = draw(JSON_VALUES)
    else:
        value = draw(HEX)
    return "audit_entry", entry, column, value


@st.composite
def state_edit(draw: st.DrawFn) -> tuple[str, int, str, Any]:
    table = draw(st.sampled_from(("score", "score_sheet", "round_snapshot")))
    if table == "score":
        return table, draw(st.integers(0, 10_000)), "points_x100", draw(st.integers(0, 4000))
    if table == "score_sheet":
        return table, draw(st.integers(0, 10_000)), "status", draw(st.sampled_from(("open", "reopened", "x")))
    return table, 0, "content", draw(st.integers(0, 10_000))


def apply_edit(path: Path, table: str, pick: int, column: str, value: Any) -> bool:
    """Changes one row; False when the value is the same (nothing changed) or the database refuses it."""
    conn = sqlite3.connect(path)
    try:
        if table == "audit_entry":
            old = conn.execute(f"SELECT {column} FROM audit_entry WHERE id = ?", (pick,)).fetchone()[0]
            new, same = _new_value(column, old, value)
            row_id = pick
        elif table == "round_snapshot":
            row_id, content = conn.execute("SELECT id, content FROM round_snapshot").fetchone()
            data = json.loads(content)
            proposal = data["proposals"][value % len(data["proposals"])]
            proposal["score"] = f"{value / 100:.2f}" if proposal["score"] != f"{value / 100:.2f}" else "0.01"
            new, same = json.dumps(data), False
        else:
            rows = conn.execute(f"SELECT {table}.id, {table}.{column} FROM {table} "
                                + ("JOIN score_sheet s ON s.id = score.sheet_id WHERE s.status = 'submitted'"
                                   if table == "score" else "WHERE status = 'submitted'")).fetchall()
            row_id, old = rows[pick % len(rows)]
            new, same = value, value == old
        if same:
            return False
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (new, row_id))
        conn.commit()
        return True
    except sqlite3.IntegrityError:  # beyond a criterion's maximum, a hash that exists already
        return False
    finally:
        conn.close()


def _new_value(column: str, old: Any, value: Any) -> tuple[Any, bool]:
    if column == "at":
        return value.isoformat(sep=" ", timespec="microseconds"), value == dt.datetime.fromisoformat(old)
    if column in ("before", "after"):
        return json.dumps(value), old is not None and value == json.loads(old)
    return value, value == old


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit=st.one_of(audit_edit(), state_edit()))
def test_any_single_row_edit_is_detected(demo_file: Path, tmp_path: Path, edit: tuple[str, int, str, Any]) -> None:
    path = copy_of(demo_file, tmp_path, "hypothesis.db")
    assume(apply_edit(path, *edit))
    report = check(path)
    assert not report.ok, edit


# --- writing the chain -------------------------------------------------------------------------------------------


def test_entries_keep_their_order_in_time_when_a_clock_goes_back(database: Database) -> None:
    late, early = dt.datetime(2026, 3, 1, 10, 0), dt.datetime(2026, 3, 1, 9, 0)
    for moment, name in ((late, "a"), (early, "b")):
        with audit.clock(lambda moment=moment: moment), database.write() as s:
            audit.record(s, actor=name, role="staff", action="test.write", entity="thing", entity_id=1)
    rows = audit.entries(database)
    assert [r.at for r in rows] == [late, late]  # the second PC's slow clock does not date it before the first
    assert audit.verify(database).ok


def test_values_are_hashed_as_stored(database: Database) -> None:
    with database.write() as s:
        audit.record(s, actor="a", role="staff", action="test.write", entity="thing", entity_id=None,
                     before={"day": dt.date(2026, 3, 1), 7: ("x", 1)}, after={"名称": "望江", "n": 1.5})
    report = audit.verify(database)
    assert report.ok, report.problem
    (row,) = audit.entries(database)
    assert json.loads(row.before) == {"day": "2026-03-01", "7": ["x", 1]}
    assert "望江" in row.after and "名称: 望江" in row.change


def test_verify_finds_an_edit_on_either_backend(database: Database) -> None:
    for n in range(4):
        with database.write() as s:
            audit.record(s, actor=f"user{n}", role="staff", action="test.write", entity="thing", entity_id=n,
                         after={"n": n, "名": "测试"})
    report = audit.verify(database)
    assert report.ok and report.checked == 4
    assert len(audit.entries(database, audit.Filters(text="测试"))) == 4  # found in the JSON however it is stored
    assert [r.entity_id for r in audit.entries(database, audit.Filters(text="USER2"))] == [2]
    second = audit.entries(database)[-2].id
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET username = 'someone' WHERE id = :id"), {"id": second})
    report = audit.verify(database)
    assert report.problem is not None and (report.problem.kind, report.broken_entry) == ("changed", second)
    assert report.checked == 1 and report.head.count == 4


def test_a_removed_entry_is_found_on_either_backend(database: Database) -> None:
    for n in range(4):
        with database.write() as s:
            audit.record(s, actor="a", role="staff", action="test.write", entity="thing", entity_id=n)
    second = audit.entries(database)[-2].id
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": second})
    report = audit.verify(database)
    assert report.problem is not None and (report.problem.kind, report.broken_entry) == ("gap", second + 1)


def test_a_rolled_back_change_leaves_the_chain_whole(database: Database) -> None:
    """PostgreSQL's sequence skips the id a rolled-back entry took; that gap is not a break."""
    with database.write() as s:
        audit.record(s, actor="a", role="staff", action="test.write", entity="thing", entity_id=1)
    with pytest.raises(RuntimeError), database.write() as s:
        audit.record(s, actor="a", role="staff", action="test.write", entity="thing", entity_id=2)
        raise RuntimeError("the change it recorded failed")
    with database.write() as s:
        audit.record(s, actor="a", role="staff", action="test.write", entity="thing", entity_id=3)
    report = audit.verify(database)
    assert report.ok and report.checked == 2, report.problem


def test_reading_the_log_takes_the_audit_permission(database: Database) -> None:
    database.actor = Actor("viewer", frozenset({Role.VIEWER}))
    for call in (audit.entries, audit.verify, audit.facets):
        with pytest.raises(NotAllowed):
            call(database)
    assert audit.head(database).count == 0  # printed on public documents: anyone may read it


def _record_many(db: Database, name: str, count: int, errors: list[BaseException]) -> None:
    try:
        for n in range(count):
            with db.write() as s:
                audit.record(s, actor=name, role="staff", action="test.write", entity="thing", entity_id=n)
    except BaseException as exc:  # reported by the test
        errors.append(exc)


def _two_pcs_write(url: str, monkeypatch: pytest.MonkeyPatch, per_pc: int) -> Database:
    real_now = audit.now

    def slow_now() -> dt.datetime:  # widens the window between reading the last hash and adding the entry
        time.sleep(0.004)
        return real_now()

    monkeypatch.setattr(audit, "now", slow_now)
    pcs = [open_database(url), open_database(url)]  # two engines: two PCs on one server
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_record_many, args=(pc, f"pc{i}", per_pc, errors), name=f"pc{i}")
               for i, pc in enumerate(pcs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    pcs[1].close()
    assert not errors, errors
    return pcs[0]


def test_two_pcs_writing_at_once_never_fork_the_chain(fresh_pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _two_pcs_write(fresh_pg_url, monkeypatch, 25)
    try:
        report = audit.verify(db)
        assert report.ok, report.problem
        assert report.checked == 50
        with db.engine.connect() as conn:
            links = conn.execute(text("SELECT count(DISTINCT prev_hash) FROM audit_entry")).scalar()
        assert links == 50
    finally:
        db.close()


def test_without_the_lock_two_pcs_would_fork_the_chain(fresh_pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control for the test above: it does exercise concurrent writers."""
    monkeypatch.setattr(audit, "_lock_chain", lambda _session: None)
    db = _two_pcs_write(fresh_pg_url, monkeypatch, 25)
    try:
        report = audit.verify(db)
        assert report.problem is not None and report.problem.kind in ("link", "order", "time")
    finally:
        db.close()


# --- reading the log ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(demo_file: Path) -> Iterator[Database]:
    db = open_database(demo_file, create=False)
    yield db
    db.close()


def test_entries_filter_by_user_action_dates_and_text(demo_db: Database) -> None:
    everything = audit.entries(demo_db, limit=ENTRIES)
    assert len(everything) == ENTRIES and [r.id for r in everything] == list(range(ENTRIES, 0, -1))
    assert len(audit.entries(demo_db, limit=5)) == 5
    frozen = audit.entries(demo_db, audit.Filters(action="round.freeze"))
    assert len(frozen) == 4 and {r.entity for r in frozen} == {"round"} and "sha256" in frozen[0].change
    assert len(audit.entries(demo_db, audit.Filters(action="sheet."))) == SHEETS
    assert audit.entries(demo_db, audit.Filters(action="sheet")) == []  # exact unless it ends in a dot
    staff = audit.entries(demo_db, audit.Filters(user=frozen[0].username))
    assert staff and {r.username for r in staff} == {frozen[0].username}
    day = audit.entries(demo_db, audit.Filters(since=dt.date(2025, 5, 9), until=dt.date(2025, 5, 9)))
    assert [r.action for r in day] == ["round.freeze"]
    assert len(audit.entries(demo_db, audit.Filters(since=dt.date(2025, 5, 10)))) < ENTRIES - 1
    judge = next(r.username for r in everything if r.action == "sheet.submit")
    by_text = audit.entries(demo_db, audit.Filters(text=judge))
    assert by_text and all(judge in r.username or judge in r.after for r in by_text)
    assert len(audit.entries(demo_db, audit.Filters(text=judge, action="round.freeze"))) == 0
    with pytest.raises(ValidationError):
        audit.entries(demo_db, audit.Filters(since=dt.date(2025, 5, 10), until=dt.date(2025, 5, 9)))
    users, actions = audit.facets(demo_db)
    assert judge in users and actions == sorted(actions) and {
        "award.sign", "document.issue", "evaluation.finalize", "report.late", "round.freeze", "sheet.submit",
        "tranche.pay"} <= set(actions)
    with demo_db.read() as s:  # every action the log holds, once
        assert actions == sorted(s.scalars(select(AuditEntry.action).distinct()))


def test_rows_are_frozen_and_summarized(demo_db: Database) -> None:
    row = audit.entries(demo_db, audit.Filters(action="sheet.submit"), limit=1)[0]
    with pytest.raises(AttributeError):
        row.username = "x"  # type: ignore[misc]
    assert row.when == row.at.strftime("%Y-%m-%d %H:%M:%S")
    assert row.change.startswith("judge: ") and "proposal: " in row.change
    assert audit.summarize({"status": "submitted", "n": 1}, {"status": "reopened", "n": 1}) == \
        "status: submitted → reopened"
    assert audit.summarize({"x": 1}, None) == "x: 1 → —"
    assert audit.summarize(None, None) == ""


# --- the command line --------------------------------------------------------------------------------------------


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, source: source))


@pytest.mark.usefixtures("english")
def test_cli_verify_head_and_list(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = head_of(demo_copy)
    assert cli.main(["--db", str(demo_copy), "audit", "verify"]) == 0
    assert capsys.readouterr().out.strip() == f"ok, {ENTRIES} entries, head {head.hash}"
    assert cli.main(["--db", str(demo_copy), "audit", "verify", "--printed", head.printed()]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(demo_copy), "audit", "head"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"entries: {ENTRIES}", f"head: {head.hash}",
                                                    f"printed: {head.printed()}"]
    assert cli.main(["--db", str(demo_copy), "audit", "list", "--action", "round.freeze"]) == 0
    line = capsys.readouterr().out.splitlines()[0]  # the newest: 2025's written review
    assert line.split("\t")[4:6] == ["round.freeze", "round#3"]
    assert cli.main(["--db", str(demo_copy), "audit", "list", "--action", "sheet.submit", "--limit", "1"]) == 0
    user = capsys.readouterr().out.split("\t")[2]  # a judge who submitted several sheets
    assert cli.main(["--db", str(demo_copy), "audit", "list", "--user", user, "--limit", "2",
                     "--since", "2025-05-01", "--until", "2025-05-31"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(line.split("\t")[2] == user for line in lines)
    assert cli.main(["--db", str(demo_copy), "audit", "list", "--limit", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err


@pytest.mark.usefixtures("english")
def test_cli_verify_reports_the_first_broken_link(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    printed = head_of(demo_copy)
    assert cli.main(["--db", str(demo_copy), "audit", "verify", "--printed", f"{printed.count}:0123456789abcdef"]) == 1
    assert "0123456789abcdef" in capsys.readouterr().out
    raw(demo_copy, "UPDATE audit_entry SET role = 'admin' WHERE id = ?", MIDDLE)
    assert cli.main(["--db", str(demo_copy), "audit", "verify"]) == 1
    out = capsys.readouterr().out.strip()
    assert out == f"broken after {MIDDLE - 1} good entries: " + audit.CHANGED.format(id=MIDDLE)
    assert cli.main(["--db", str(demo_copy), "audit", "verify", "--printed", "nonsense"]) == 2


# --- the head on documents ---------------------------------------------------------------------------------------


def test_the_notice_prints_the_chain_head(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.engine.connect() as conn:
        round_id, competition_id = conn.execute(text("SELECT id, competition_id FROM review_round WHERE frozen "
                                                     "ORDER BY id")).first()  # 2025's written review
    data = printouts.notice_list_pdf(demo_db, competition_id, round_id, dt.date(2025, 5, 26))
    path = tmp_path / "notice.pdf"
    path.write_bytes(data)
    words = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                              text=True, check=True).stdout)
    head = audit.head(demo_db)
    assert f"变更记录校验：{ENTRIES}条·链头{head.short}" in words
    assert audit.parse_printed(f"变更记录校验：{ENTRIES} 条 · 链头 {head.short}") == audit.Head(ENTRIES, head.short)


def test_chain_values_leave_the_line_out_without_a_log() -> None:
    from psp_desktop.documents.chain import chain_values

    assert chain_values(None) == {"chain_count": "", "chain_head": ""}
    assert chain_values(audit.Head(0, audit.GENESIS))["chain_head"] == ""
    assert chain_values(audit.Head(3, "ab" * 32)) == {"chain_count": "3", "chain_head": "ab" * 8}
