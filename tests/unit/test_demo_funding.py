"""The demo's 2024 competition, funded and two years into its projects: the money story holds together, read through
the services, and is the same on every build."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from psp_desktop.db import Database, open_database
from psp_desktop.enums import AwardStatus, CompetitionStatus, DocumentType, GateKind, TrancheStatus
from psp_desktop.models import Award, Clawback, Competition, Payment, Proposal, Tranche
from psp_desktop.services import allocation, audit, demo, demo_funding, evaluations, issuing, matching, tranches
from psp_desktop.services.access import SYSTEM

TODAY = dt.date(2026, 11, 20)  # the story ends by 18 November 2026
VOUCHER = re.compile(r"^20(25|26)-PZ-\d{4}$")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("funded") / "demo.db"
    db = open_database(path)
    try:
        demo.create_demo(db)
    finally:
        db.close()
    return path


@pytest.fixture(scope="module")
def db(demo_file: Path) -> Iterator[Database]:
    database = open_database(demo_file, create=False)
    database.actor = SYSTEM
    yield database
    database.close()


@pytest.fixture(scope="module")
def cid(db: Database) -> int:
    with db.read() as s:
        competition = s.scalars(select(Competition).where(Competition.year == 2024)).one()
        assert competition.id == 3  # created last: the 2026 and 2025 competitions keep their ids
        return competition.id


def _tranches(db: Database, cid: int) -> dict[int, list[Tranche]]:
    with db.read() as s:
        awards = s.scalars(select(Award).where(Award.competition_id == cid)).all()
        return {a.id: [_loaded(t) for t in a.tranches] for a in awards}


def _loaded(tranche: Tranche) -> Tranche:
    """Its payments and award read while the session is open: the rows are used after it closes."""
    _ = tranche.payments, tranche.award
    return tranche


def _due_on(tranche: Tranche) -> dt.date:
    assert tranche.due_on is not None
    return tranche.due_on


def test_the_pool_is_never_over_committed(db: Database, cid: int) -> None:
    pool = allocation.pool(db, cid)
    assert pool.pool_fen == demo_funding.POOL_FEN and 0 < pool.paid_fen <= pool.committed_fen <= pool.pool_fen
    commits = audit.entries(db, audit.Filters(action="awards.commit"))
    assert len(commits) == 1
    committed = json.loads(commits[0].after)
    funded = [a for a in committed["awards"] if a["status"] == "committed"]
    assert committed["committed_fen"] == sum(a["amount_fen"] for a in funded) <= pool.pool_fen
    reserve = [a for a in committed["awards"] if a["status"] == "reserve"]
    smallest_reserve = min(a["amount_fen"] for a in reserve)
    assert committed["committed_fen"] + smallest_reserve > pool.pool_fen  # the pool ran out: that is why


def test_funded_reserve_and_changed_awards(db: Database, cid: int) -> None:
    rows = allocation.awards(db, cid)
    funded = [r for r in rows if r.status is not AwardStatus.RESERVE]
    reserve = [r for r in rows if r.status is AwardStatus.RESERVE]
    assert 12 <= len(funded) <= 13 and 2 <= len(reserve) <= 3
    assert max(r.rank or 0 for r in funded) < min(r.rank or 0 for r in reserve)  # rank order is never jumped
    (trimmed,) = [r for r in rows if r.reason == demo_funding.TRIM_REASON]
    assert trimmed.amount_fen < trimmed.requested_fen and trimmed.status is AwardStatus.SIGNED
    (cancelled,) = [r for r in rows if r.status is AwardStatus.CANCELLED]
    assert cancelled.reason == demo_funding.CANCEL_REASON and 0 < cancelled.paid_fen < cancelled.amount_fen
    signed = [r for r in funded if r.signed_on is not None]
    assert len(signed) == len(funded) and len({r.agreement_number for r in signed}) == len(signed)
    assert all(dt.date(2024, 12, 20) <= r.signed_on <= dt.date(2024, 12, 27) for r in signed)  # type: ignore[operator]
    with db.read() as s:
        assert s.get(Competition, cid).status is CompetitionStatus.IMPLEMENTING  # type: ignore[union-attr]
    for award_id, schedule in _tranches(db, cid).items():
        if award_id == cancelled.award_id:
            assert [t.status for t in schedule] == [TrancheStatus.PAID] + [TrancheStatus.CANCELLED] * 3


def test_every_award_is_split_into_its_tranches_and_paid_no_more(db: Database, cid: int) -> None:
    rows = {r.award_id: r for r in allocation.awards(db, cid)}
    for award_id, schedule in _tranches(db, cid).items():
        row = rows[award_id]
        if row.status is AwardStatus.RESERVE:
            assert schedule == []
            continue
        assert sum(t.amount_fen for t in schedule) == row.amount_fen
        assert [(t.percent_x100, t.gate) for t in schedule] == [
            (4000, GateKind.AGREEMENT_SIGNED), (3000, GateKind.MIDTERM_PASSED), (2000, GateKind.DATE),
            (1000, GateKind.FINAL_PASSED)]
        assert schedule[2].gate_date == demo_funding.DATE_GATE
        assert row.paid_fen == sum(tranches.paid_fen(t) for t in schedule) <= row.amount_fen
        assert all(tranches.paid_fen(t) in (0, t.amount_fen) for t in schedule)  # a tranche is paid in full
        assert schedule[3].status is TrancheStatus.PLANNED or row.status is AwardStatus.CANCELLED or (
            schedule[3].status is TrancheStatus.WITHHELD and "进度报告" in schedule[3].status_reason)  # late report


def test_tranches_move_through_the_story(db: Database, cid: int) -> None:
    schedules = [s for s in _tranches(db, cid).values() if s and s[0].award.status is AwardStatus.SIGNED]
    first = [p for s in schedules for p in s[0].payments]
    assert len(first) == len(schedules)
    assert all(dt.date(2025, 1, 6) <= p.paid_on <= dt.date(2025, 1, 15) and VOUCHER.match(p.voucher_number)
               for p in first)
    (withheld,) = [s[1] for s in schedules if s[1].status is TrancheStatus.WITHHELD]
    assert withheld.gate_met is False and withheld.status_reason.startswith("中期评估不合格（得分")
    (failed,) = [e for e in evaluations.evaluations(db, cid) if e.award_id == withheld.award_id]
    assert failed.final and failed.narrative == demo_funding.FAILED_REASON  # the evaluation decided the gate
    midterm = [p for s in schedules for p in s[1].payments]
    assert len(midterm) == len(schedules) - 1 and all(p.paid_on.strftime("%Y-%m") == "2026-01" for p in midterm)
    dated = [s[2] for s in schedules]
    states = [tranches.effective_status(t, t.award, TODAY) for t in dated]
    paid = [p for t in dated for p in t.payments]
    assert paid and all(dt.date(2026, 11, 10) <= p.paid_on <= dt.date(2026, 11, 18) for p in paid)
    assert TrancheStatus.APPROVED in states
    due = [t for t, state in zip(dated, states, strict=True) if state is TrancheStatus.DUE]
    assert due and all(_due_on(t).strftime("%Y-%m") == "2026-11" for t in due)  # "due this month" in November
    before = [tranches.effective_status(t, t.award, dt.date(2026, 10, 31)) for t in dated]
    assert TrancheStatus.DUE not in before  # a date gate opens on its day by itself


def test_one_clawback_after_the_site_visit(db: Database, cid: int) -> None:
    with db.read() as s:
        (clawback,) = s.scalars(select(Clawback).join(Award).where(Award.competition_id == cid)).all()
        tranche = s.get(Tranche, clawback.tranche_id)
        assert tranche is not None and tranche.seq == 1 and tranche.status is TrancheStatus.CLAWED_BACK
        assert clawback.reason == demo_funding.CLAWBACK_REASON and tranche.clawed_back_fen == clawback.amount_fen
        assert 0 < clawback.amount_fen < tranches.paid_fen(tranche)
        assert clawback.decided_on == dt.date(2025, 9, 19)


def test_matching_funds_mostly_keep_pace(db: Database, cid: int) -> None:
    rows = matching.status(db, cid)
    assert len([r for r in rows if r.behind]) == 2
    assert all(r.received_fen > 0 and not r.committed_short for r in rows)
    sources = {r.source for row in rows for r in matching.receipts(db, row.award_id)}
    assert sources <= set(demo_funding.SOURCES) and len(sources) >= 3


def test_the_services_made_it_and_the_log_names_who(db: Database, cid: int) -> None:
    report = audit.verify(db)
    assert report.ok, report.problem
    by_action: dict[str, set[str]] = {}
    for row in audit.entries(db, limit=10_000):
        by_action.setdefault(row.action, set()).add(row.username)
    assert by_action["awards.commit"] == by_action["award.sign"] == by_action["award.adjust"] == {"liuxiaoyan"}
    assert by_action["award.cancel"] == {"liuxiaoyan"}
    for action in ("tranche.approve", "tranche.pay", "tranche.clawback", "matching.receive"):
        assert by_action[action] == {"wangkuaiji"}, action
    # staff decide gates: the late-report rule (monitoring) and the mid-term evaluations they make final
    assert by_action["tranche.gate"] == by_action["evaluation.finalize"] == {"liuxiaoyan"}
    with db.read() as s:  # the 2024 competition's payments and those of the 2025 tender and commission
        payments = s.scalar(select(func.count()).select_from(Payment))
    assert len(audit.entries(db, audit.Filters(action="tranche.pay"), limit=10_000)) == payments
    times = [r.at for r in audit.entries(db, limit=10_000)]
    assert times == sorted(times, reverse=True) and times[0].date() <= dt.date(2026, 11, 18)


def test_certificates_from_the_ceremony_verify_and_the_terminated_one_is_void(db: Database, cid: int) -> None:
    entries = issuing.entries(db)
    awards = [e for e in entries if e.doc_type is DocumentType.AWARD_CERTIFICATE]
    letters = [e for e in entries if e.doc_type is DocumentType.APPOINTMENT_LETTER]
    with db.read() as s:
        signed = s.scalars(select(Award).where(Award.competition_id == cid, Award.signed_on.is_not(None))).all()
        cancelled = s.scalars(select(Award).where(Award.competition_id == cid,
                                                  Award.status == AwardStatus.CANCELLED)).one()
        cancelled_title = s.get(Proposal, cancelled.proposal_id).title
    assert len(awards) == len(signed) and len(letters) == 14
    assert {e.issued_on for e in entries} == {demo_funding.CEREMONY.date()}
    assert [e.title for e in awards if e.voided] == [cancelled_title]
    for entry in entries:
        copy = issuing.archived_copy(db, entry.sha256)  # the office's copy: the very file the register holds
        assert copy is not None
        verdict = issuing.verify(db, str(copy))
        assert verdict.status == (issuing.VOIDED if entry.voided else issuing.GENUINE), entry.serial
    assert len(issuing.document_keys(db)) == 1  # the demo office's key


def test_the_demo_is_the_same_on_every_build(demo_file: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    db = open_database(again)
    try:
        demo.create_demo(db)
    finally:
        db.close()
    assert _dump(again) == _dump(demo_file)


def _dump(path: Path) -> list[str]:
    """Every row, and the schema; index statements sorted (create_all makes them in no fixed order)."""
    conn = sqlite3.connect(path)
    try:
        lines = list(conn.iterdump())
    finally:
        conn.close()
    indexes = sorted(line for line in lines if line.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")))
    return [line for line in lines if not line.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX"))] + indexes


def test_the_story_is_the_same_on_every_backend(database: Database, db: Database, cid: int) -> None:
    demo.create_demo(database)
    with database.read() as s:
        other = s.scalars(select(Competition.id).where(Competition.year == 2024)).one()

    def facts(rows: list[allocation.AwardRow]) -> list[tuple[object, ...]]:
        return [(r.rank, r.status, r.amount_fen, r.paid_fen, r.signed_on, r.reason) for r in rows]

    assert facts(allocation.awards(database, other)) == facts(allocation.awards(db, cid))
    assert allocation.pool(database, other) == allocation.pool(db, cid)
