"""The rules of judging day (psp_desktop.services.judging and rankings) on the demo's 2026 competition, on SQLite and
PostgreSQL: assignment, judges' own sheets, locking and reopening, paper double entry, freezing with a verifiable
snapshot, who takes part in round 2, and the judge sign-in PIN with its pause.

Every refused call must raise ValidationError and leave the database exactly as it was (`refused`).
The 2026 competition's judging rows are cleared first, so these tests do not depend on how far the demo's story
has got with them.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

from psp_desktop.db import Database, open_database
from psp_desktop.enums import ProposalStatus, SheetStatus
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    Assignment,
    AuditEntry,
    Competition,
    ConflictDeclaration,
    Judge,
    Panel,
    PanelMember,
    PaperEntry,
    Proposal,
    Round,
    RoundSnapshot,
    Score,
    ScoreSheet,
)
from psp_desktop.services import demo, judging, pins, rankings

YEAR = 2026
STAFF, CHECKER = "刘晓燕", "陈志刚"
PIN = "135792"


# --- the demo database -------------------------------------------------------------------------------------


def _clear_judging(db: Database) -> None:
    """The 2026 rounds with no assignments, sheets or snapshots, and not frozen."""
    with db.write() as s:
        rounds = select(Round.id).join(Competition).where(Competition.year == YEAR).scalar_subquery()
        s.execute(delete(RoundSnapshot).where(RoundSnapshot.round_id.in_(rounds)))
        s.execute(delete(Assignment).where(Assignment.round_id.in_(rounds)))  # sheets, scores, paper: cascade
        s.execute(update(Round).where(Round.id.in_(rounds)).values(frozen=False))


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    db = open_database(path)
    try:
        demo.create_demo(db)
        _clear_judging(db)
    finally:
        db.close()
    return path


@pytest.fixture
def demo_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest, _demo_template: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The demo with the 2026 judging cleared: a copy of one built demo on SQLite, built afresh on PostgreSQL."""
    monkeypatch.setattr(pins, "N", 2**4)  # cheap PIN hashes for the tests (the stored hash carries its cost)
    monkeypatch.setattr(pins, "_failures", {})  # wrong tries never leak from one test into another
    if backend == "sqlite":
        path = tmp_path / "demo.db"
        with sqlite3.connect(_demo_template) as source, sqlite3.connect(path) as target:
            source.backup(target)
        db = open_database(path)
        try:
            yield db
        finally:
            db.close()
        return
    db = request.getfixturevalue("database")
    demo.create_demo(db)
    _clear_judging(db)
    yield db


# --- helpers -----------------------------------------------------------------------------------------------


def round_ids(db: Database) -> tuple[int, int]:
    with db.read() as s:
        written, roadshow = s.scalars(select(Round.id).join(Competition).where(Competition.year == YEAR)
                                      .order_by(Round.seq)).all()
        return written, roadshow


def assignments(db: Database, round_id: int) -> list[tuple[int, int, int]]:
    """(assignment, judge, proposal) of a round, in id order."""
    with db.read() as s:
        return [tuple(r) for r in s.execute(select(Assignment.id, Assignment.judge_id, Assignment.proposal_id)
                                            .where(Assignment.round_id == round_id).order_by(Assignment.id))]


def criteria(db: Database, round_id: int) -> dict[int, int]:
    """criterion id → max ×100, in rubric order."""
    with db.read() as s:
        round_ = s.get(Round, round_id)
        assert round_ is not None
        return {c.id: c.max_points_x100 for c in round_.criteria}


def points_for(db: Database, round_id: int, judge_id: int, proposal_id: int) -> dict[int, int]:
    """Varied but deterministic points on the round's 0.5 step: between 45 % and 95 % of each maximum."""
    out = {}
    for criterion_id, top in criteria(db, round_id).items():
        share = 45 + (proposal_id * 37 + judge_id * 11 + criterion_id * 5) % 51
        out[criterion_id] = top * share // 100 // 50 * 50
    return out


def fill(db: Database, round_id: int) -> None:
    """Every sheet of the round not in yet, keyed by staff."""
    with db.read() as s:
        open_ = s.execute(select(Assignment.id, Assignment.judge_id, Assignment.proposal_id).outerjoin(ScoreSheet)
                          .where(Assignment.round_id == round_id,
                                 (ScoreSheet.id.is_(None)) | (ScoreSheet.status != SheetStatus.SUBMITTED))).all()
    for assignment_id, judge_id, proposal_id in open_:
        judging.record_sheet(db, assignment_id, points_for(db, round_id, judge_id, proposal_id), source="screen",
                             by=STAFF)


def stored_points(db: Database, assignment_id: int) -> tuple[SheetStatus | None, dict[int, int]]:
    with db.read() as s:
        sheet = s.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == assignment_id))
        return (sheet.status, {sc.criterion_id: sc.points_x100 for sc in sheet.scores}) if sheet else (None, {})


def state(db: Database) -> dict[str, Any]:
    """Everything a judging call may write, as plain rows."""
    with db.read() as s:
        return {
            "assignments": s.execute(select(Assignment.id, Assignment.round_id, Assignment.judge_id,
                                            Assignment.proposal_id).order_by(Assignment.id)).all(),
            "sheets": s.execute(select(ScoreSheet.id, ScoreSheet.assignment_id, ScoreSheet.status, ScoreSheet.comment,
                                       ScoreSheet.source, ScoreSheet.reopened_reason, ScoreSheet.submitted_at)
                                .order_by(ScoreSheet.id)).all(),
            "scores": s.execute(select(Score.sheet_id, Score.criterion_id, Score.points_x100)
                                .order_by(Score.sheet_id, Score.criterion_id)).all(),
            "paper": [(e.assignment_id, e.pass_no, e.entered_by, e.points)
                      for e in s.scalars(select(PaperEntry).order_by(PaperEntry.id))],
            "conflicts": s.execute(select(ConflictDeclaration.judge_id, ConflictDeclaration.organization_id)
                                   .order_by(ConflictDeclaration.id)).all(),
            "snapshots": s.execute(select(RoundSnapshot.id, RoundSnapshot.sha256, RoundSnapshot.reopened_at)
                                   .order_by(RoundSnapshot.id)).all(),
            "rounds": s.execute(select(Round.id, Round.frozen).order_by(Round.id)).all(),
            "statuses": s.execute(select(Proposal.id, Proposal.status).order_by(Proposal.id)).all(),
            "audit": s.scalar(select(func.count()).select_from(AuditEntry)),
        }


@contextlib.contextmanager
def refused(db: Database, match: str) -> Iterator[None]:
    """The call inside must raise ValidationError (its message matching) and write nothing."""
    before = state(db)
    with pytest.raises(ValidationError, match=match):
        yield
    assert state(db) == before


def judge_session(db: Database, judge_id: int) -> judging.JudgeSession:
    """Sets the judge's PIN and signs in with it, as judge mode does."""
    with db.write() as s:
        judge = s.get(Judge, judge_id)
        assert judge is not None
        judge.pin_hash = pins.hash_pin(PIN)
    return judging.sign_in(db, judge_id, PIN)


def conflicted_pair(db: Database, round_id: int) -> tuple[int, int]:
    """(judge on the round's panels, participating proposal) that the judge must not score."""
    with db.read() as s:
        round_ = s.get(Round, round_id)
        assert round_ is not None
        ids = judging.participants(s, round_)
        panel = set(s.scalars(select(PanelMember.judge_id).join(Panel).where(Panel.round_id == round_id)))
        for judge_id in sorted(panel):
            orgs = judging.conflicted_orgs(s, judge_id)
            for proposal_id, org_id in s.execute(select(Proposal.id, Proposal.organization_id)
                                                 .where(Proposal.id.in_(ids)).order_by(Proposal.id)):
                if org_id in orgs:
                    return judge_id, proposal_id
    raise AssertionError("the demo has no conflicted judge on this round")


# --- assignment --------------------------------------------------------------------------------------------


def test_auto_assign_gives_k_judges_balanced_and_never_conflicted(demo_db: Database) -> None:
    written, _ = round_ids(demo_db)
    report = judging.auto_assign(demo_db, written)
    with demo_db.read() as s:
        round_ = s.get(Round, written)
        assert round_ is not None
        k, ids = round_.judges_per_proposal, judging.participants(s, round_)
        panel = set(s.scalars(select(PanelMember.judge_id).join(Panel).where(Panel.round_id == written)))
        orgs = dict(s.execute(select(Proposal.id, Proposal.organization_id)).all())
        conflicts = {j: judging.conflicted_orgs(s, j) for j in panel}
        statuses = dict(s.execute(select(Proposal.id, Proposal.status).where(Proposal.id.in_(ids))).all())
    rows = assignments(demo_db, written)
    assert report.short == () and report.added == len(rows) == k * len(ids)
    per_proposal = Counter(p for _a, _j, p in rows)
    assert set(per_proposal) == set(ids) and set(per_proposal.values()) == {k}
    assert all(j in panel for _a, j, _p in rows)
    assert not [(j, p) for _a, j, p in rows if orgs[p] in conflicts[j]]
    assert any(conflicts.values())  # the demo does have conflicts to avoid
    loads = Counter(j for _a, j, _p in rows)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert set(statuses.values()) <= {ProposalStatus.IN_REVIEW}
    # a second run keeps what is there and adds nothing
    assert judging.auto_assign(demo_db, written).added == 0
    assert assignments(demo_db, written) == rows


def test_assign_refuses_conflicts_outsiders_and_proposals_not_in_the_round(demo_db: Database) -> None:
    written, roadshow = round_ids(demo_db)
    judge_id, proposal_id = conflicted_pair(demo_db, written)
    with refused(demo_db, "conflict of interest"):
        judging.assign(demo_db, written, judge_id, proposal_id)
    with demo_db.read() as s:
        round_ = s.get(Round, written)
        assert round_ is not None
        ids = judging.participants(s, round_)
        on_panel = set(s.scalars(select(PanelMember.judge_id).join(Panel).where(Panel.round_id == written)))
        stage_only = min(set(s.scalars(select(PanelMember.judge_id).join(Panel).where(Panel.round_id == roadshow)))
                         - on_panel)
        outside = s.scalar(select(Proposal.id).join(Competition)
                           .where(Competition.year == YEAR, Proposal.status == ProposalStatus.INELIGIBLE).limit(1))
        free_judge = min(on_panel)
        barred = judging.conflicted_orgs(s, free_judge)
        free_proposal = next(p for p, org in s.execute(select(Proposal.id, Proposal.organization_id)
                                                       .where(Proposal.id.in_(ids)).order_by(Proposal.id))
                             if org not in barred)
    with refused(demo_db, "is not on a panel"):
        judging.assign(demo_db, written, stage_only, ids[0])
    with refused(demo_db, "does not take part"):
        judging.assign(demo_db, written, free_judge, outside)
    with refused(demo_db, "no review round"):
        judging.assign(demo_db, 999_999, free_judge, ids[0])
    assignment_id = judging.assign(demo_db, written, free_judge, free_proposal)
    assert assignments(demo_db, written) == [(assignment_id, free_judge, free_proposal)]
    with refused(demo_db, "already has"):
        judging.assign(demo_db, written, free_judge, free_proposal)


def test_unassign_takes_a_draft_with_it_but_never_a_submitted_sheet(demo_db: Database) -> None:
    written, _ = round_ids(demo_db)
    judging.auto_assign(demo_db, written)
    (draft, judge_id, proposal_id), (done, judge2, proposal2) = assignments(demo_db, written)[:2]
    session = judge_session(demo_db, judge_id)
    first = next(iter(criteria(demo_db, written)))
    judging.save_sheet(demo_db, session, draft, {first: 500}, "还没打完")
    judging.key_paper(demo_db, draft, 1, points_for(demo_db, written, judge_id, proposal_id), by=STAFF)
    judging.record_sheet(demo_db, done, points_for(demo_db, written, judge2, proposal2), source="screen", by=STAFF)
    with refused(demo_db, "submitted; it cannot be taken away"):
        judging.unassign(demo_db, done)
    judging.unassign(demo_db, draft)
    now = state(demo_db)
    assert draft not in {a for a, *_rest in now["assignments"]}
    assert draft not in {a for _s, a, *_rest in now["sheets"]} and not [p for p in now["paper"] if p[0] == draft]
    assert stored_points(demo_db, done)[0] == SheetStatus.SUBMITTED
    with refused(demo_db, "no such assignment"):
        judging.unassign(demo_db, draft)


# --- judges' own sheets ------------------------------------------------------------------------------------


class NotAnInt:
    """Looks like an integer to some code (has __index__) but is not one."""

    def __index__(self) -> int:
        return 500


def test_save_sheet_refuses_other_judges_and_bad_values(demo_db: Database) -> None:
    written, _ = round_ids(demo_db)
    judging.auto_assign(demo_db, written)
    rows = assignments(demo_db, written)
    mine, judge_id, proposal_id = rows[0]
    theirs = next(a for a, j, _p in rows if j != judge_id)
    session = judge_session(demo_db, judge_id)
    good = points_for(demo_db, written, judge_id, proposal_id)
    first, second = list(good)[:2]
    top = criteria(demo_db, written)[first]
    with refused(demo_db, "belongs to another judge"):
        judging.save_sheet(demo_db, session, theirs, good)
    with refused(demo_db, "must be between 0 and"):
        judging.save_sheet(demo_db, session, mine, {**good, first: top + 50})
    with refused(demo_db, "must be between 0 and"):
        judging.save_sheet(demo_db, session, mine, {**good, first: -50})
    with refused(demo_db, "multiple of 0.5"):
        judging.save_sheet(demo_db, session, mine, {**good, first: 1025})
    with refused(demo_db, "is not part of round"):
        judging.save_sheet(demo_db, session, mine, {**good, 999_999: 500})
    for not_int in ("8.5", 8.5, True, NotAnInt()):
        with refused(demo_db, "is not a number"):
            judging.save_sheet(demo_db, session, mine, {**good, first: not_int})  # type: ignore[dict-item]
    with refused(demo_db, "has no score yet"):
        judging.save_sheet(demo_db, session, mine, {first: good[first]}, submit=True)
    with refused(demo_db, "no such assignment"):
        judging.save_sheet(demo_db, session, 999_999, good)
    # a draft may be incomplete; submitting it completes and locks it
    judging.save_sheet(demo_db, session, mine, {first: good[first], second: good[second]}, "初稿")
    assert stored_points(demo_db, mine) == (SheetStatus.OPEN, {first: good[first], second: good[second]})
    judging.save_sheet(demo_db, session, mine, good, submit=True)
    assert stored_points(demo_db, mine) == (SheetStatus.SUBMITTED, good)
    with refused(demo_db, "submitted and locked"):
        judging.save_sheet(demo_db, session, mine, {**good, first: 0})
    with refused(demo_db, "submitted and locked"):
        judging.record_sheet(demo_db, mine, {**good, first: 0}, source="screen", by=STAFF)
    assert stored_points(demo_db, mine) == (SheetStatus.SUBMITTED, good)


def test_judge_rounds_lists_only_the_judges_own_work(demo_db: Database) -> None:
    written, _ = round_ids(demo_db)
    judging.auto_assign(demo_db, written)
    judge_id = assignments(demo_db, written)[0][1]
    mine = {a for a, j, _p in assignments(demo_db, written) if j == judge_id}
    rounds = judging.judge_rounds(demo_db, judge_session(demo_db, judge_id))
    tasks = {t.assignment_id for r in rounds if r.round_id == written for t in r.tasks}
    assert tasks == mine
    assert all(t.organization == "" for r in rounds if r.round_id == written for t in r.tasks)  # blind round


def test_reopen_needs_a_reason_and_is_logged(demo_db: Database) -> None:
    written, _ = round_ids(demo_db)
    judging.auto_assign(demo_db, written)
    assignment_id, judge_id, proposal_id = assignments(demo_db, written)[0]
    good = points_for(demo_db, written, judge_id, proposal_id)
    with refused(demo_db, "Only a submitted sheet"):
        judging.reopen_sheet(demo_db, assignment_id, "评委要求更正")
    judging.record_sheet(demo_db, assignment_id, good, source="screen", by=STAFF)
    with refused(demo_db, "reason"):
        judging.reopen_sheet(demo_db, assignment_id, "  ")
    judging.reopen_sheet(demo_db, assignment_id, " 评委发现第二项录入有误 ")
    with demo_db.read() as s:
        sheet = s.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == assignment_id))
        assert sheet is not None
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "sheet.reopen",
                                                   AuditEntry.entity_id == sheet.id)).one()
        assert (entry.username, entry.entity_id) == (demo_db.actor.username, sheet.id)
        assert entry.after == {"status": "reopened", "reason": "评委发现第二项录入有误"}
        assert entry.before == {"status": "submitted", "points": {str(k): v for k, v in good.items()}}
        assert (sheet.status, sheet.reopened_reason) == (SheetStatus.REOPENED, "评委发现第二项录入有误")
    # reopened: the judge corrects and submits again; the old points no longer count until then
    assert judge_id in judging.results(demo_db, written).by_proposal()[proposal_id].missing
    session = judge_session(demo_db, judge_id)
    first = next(iter(good))
    judging.save_sheet(demo_db, session, assignment_id, {**good, first: 0}, submit=True)
    assert stored_points(demo_db, assignment_id) == (SheetStatus.SUBMITTED, {**good, first: 0})


# --- paper ballots -----------------------------------------------------------------------------------------


def test_paper_ballots_keyed_twice_by_two_people(demo_db: Database) -> None:
    written, _ = round_ids(demo_db)
    judging.auto_assign(demo_db, written)
    assignment_id, judge_id, proposal_id = assignments(demo_db, written)[0]
    good = points_for(demo_db, written, judge_id, proposal_id)
    first, second = list(good)[:2]
    state1 = judging.key_paper(demo_db, assignment_id, 1, good, by=STAFF)
    assert (state1.first_by, state1.second_by, state1.counted) == (STAFF, "", False)
    with refused(demo_db, "keyed the other pass"):
        judging.key_paper(demo_db, assignment_id, 2, good, by=STAFF)
    with refused(demo_db, "pass 1 or pass 2"):
        judging.key_paper(demo_db, assignment_id, 3, good, by=CHECKER)
    with refused(demo_db, "has no score yet"):
        judging.key_paper(demo_db, assignment_id, 2, {first: good[first]}, by=CHECKER)
    slipped = {**good, first: good[first] - 500, second: good[second] - 50}
    state2 = judging.key_paper(demo_db, assignment_id, 2, slipped, by=CHECKER)
    assert not state2.counted
    assert [(m.criterion_id, m.first, m.second) for m in state2.mismatches] == [
        (first, good[first], good[first] - 500), (second, good[second], good[second] - 50)]
    assert judging.paper_state(demo_db, assignment_id).mismatches == state2.mismatches
    assert stored_points(demo_db, assignment_id) == (None, {})  # nothing counts while they disagree
    state3 = judging.key_paper(demo_db, assignment_id, 2, good, by=CHECKER)
    assert state3.counted and state3.mismatches == ()
    with demo_db.read() as s:
        sheet = s.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == assignment_id))
        assert sheet is not None and sheet.source == "paper" and sheet.status == SheetStatus.SUBMITTED
    assert stored_points(demo_db, assignment_id) == (SheetStatus.SUBMITTED, good)
    assert judging.paper_state(demo_db, assignment_id).counted
    with refused(demo_db, "already counted"):
        judging.key_paper(demo_db, assignment_id, 1, slipped, by="王芳")


# --- freezing ----------------------------------------------------------------------------------------------


def test_freeze_needs_every_sheet_and_its_snapshot_verifies(demo_db: Database) -> None:
    written, _ = round_ids(demo_db)
    judging.auto_assign(demo_db, written)
    rows = assignments(demo_db, written)
    fill(demo_db, written)
    last, judge_id, proposal_id = rows[-1]
    judging.reopen_sheet(demo_db, last, "复核")
    with refused(demo_db, "1 sheets are not in yet"):
        rankings.freeze_round(demo_db, written)
    judging.record_sheet(demo_db, last, points_for(demo_db, written, judge_id, proposal_id), source="screen",
                         by=STAFF)
    digest = rankings.freeze_round(demo_db, written)
    assert rankings.verify_snapshot(demo_db, written) == (True, digest)
    report = rankings.round_report(demo_db, written)
    assert report.frozen and report.snapshot is not None and report.snapshot.sha256 == digest
    with refused(demo_db, "frozen"):
        rankings.freeze_round(demo_db, written)
    # someone edits the stored result behind the application's back: the hash no longer matches
    with demo_db.write() as s:
        snap = s.scalars(select(RoundSnapshot).where(RoundSnapshot.round_id == written)).one()
        content = dict(snap.content)
        content["proposals"] = [{**p, "score": "99.99"} if i == 0 else p for i, p in enumerate(content["proposals"])]
        snap.content = content
    assert rankings.verify_snapshot(demo_db, written) == (False, digest)


def test_a_frozen_round_refuses_every_score_change_until_reopened(demo_db: Database) -> None:
    written, _ = round_ids(demo_db)
    judging.auto_assign(demo_db, written)
    fill(demo_db, written)
    assignment_id, judge_id, proposal_id = assignments(demo_db, written)[0]
    good = points_for(demo_db, written, judge_id, proposal_id)
    rankings.freeze_round(demo_db, written)
    session = judge_session(demo_db, judge_id)
    changed = {**good, next(iter(good)): 0}
    with refused(demo_db, "frozen"):
        judging.save_sheet(demo_db, session, assignment_id, changed)
    with refused(demo_db, "frozen"):
        judging.record_sheet(demo_db, assignment_id, changed, source="screen", by=STAFF)
    with refused(demo_db, "frozen"):
        judging.reopen_sheet(demo_db, assignment_id, "更正")
    with refused(demo_db, "frozen"):
        judging.auto_assign(demo_db, written)
    with refused(demo_db, "frozen"):
        judging.unassign(demo_db, assignment_id)
    with refused(demo_db, "frozen"):
        judging.key_paper(demo_db, assignment_id, 1, changed, by=STAFF)
    with refused(demo_db, "reason"):
        rankings.reopen_round(demo_db, written, "")
    assert all(r.round_id != written for r in judging.judge_rounds(demo_db, session))  # judge mode hides it
    before = judging.results(demo_db, written).by_proposal()[proposal_id].score
    rankings.reopen_round(demo_db, written, "公示期间发现计分错误")
    with refused(demo_db, "no frozen results"):
        rankings.verify_snapshot(demo_db, written)
    with refused(demo_db, "is not frozen"):
        rankings.reopen_round(demo_db, written, "再次")
    with demo_db.read() as s:
        snap = s.scalars(select(RoundSnapshot).where(RoundSnapshot.round_id == written)).one()
        assert snap.reopened_at is not None and snap.reopen_reason == "公示期间发现计分错误"
        reopened = s.scalars(select(AuditEntry).where(AuditEntry.action == "round.reopen",
                                                      AuditEntry.entity_id == written)).one()
        assert reopened.after == {"reason": "公示期间发现计分错误"} and reopened.before == {"sha256": snap.sha256}
    judging.reopen_sheet(demo_db, assignment_id, "更正")
    judging.save_sheet(demo_db, session, assignment_id, changed, submit=True)
    assert stored_points(demo_db, assignment_id) == (SheetStatus.SUBMITTED, changed)
    assert judging.results(demo_db, written).by_proposal()[proposal_id].score < before  # type: ignore[operator]
    digest = rankings.freeze_round(demo_db, written)
    assert rankings.verify_snapshot(demo_db, written) == (True, digest)


def test_round_two_takes_those_round_one_advanced(demo_db: Database) -> None:
    written, roadshow = round_ids(demo_db)
    with demo_db.write() as s:
        s.execute(update(Round).where(Round.id == written).values(advance_value=10))
    judging.auto_assign(demo_db, written)
    with refused(demo_db, "Freeze the results"):
        judging.auto_assign(demo_db, roadshow)
    fill(demo_db, written)
    rankings.freeze_round(demo_db, written)
    result = judging.results(demo_db, written)
    advanced = sorted(p.proposal_id for p in result.proposals if p.advanced)
    assert 10 <= len(advanced) < len(result.proposals)
    assert all(p.rank is not None and p.rank <= 10 for p in result.proposals if p.advanced)
    with demo_db.read() as s:
        round2 = s.get(Round, roadshow)
        assert round2 is not None
        assert judging.participants(s, round2) == advanced
        snap = s.scalars(select(RoundSnapshot).where(RoundSnapshot.round_id == written)).one()
        assert sorted(p["proposal_id"] for p in snap.content["proposals"] if p["advanced"]) == advanced
    judging.auto_assign(demo_db, roadshow)
    assert {p for _a, _j, p in assignments(demo_db, roadshow)} == set(advanced)
    left_out = next(p.proposal_id for p in result.proposals if not p.advanced)
    judge_id = assignments(demo_db, roadshow)[0][1]
    with refused(demo_db, "does not take part"):
        judging.assign(demo_db, roadshow, judge_id, left_out)
    # once round 2 has a sheet in, round 1's results can no longer be reopened
    assignment_id, judge_id, proposal_id = assignments(demo_db, roadshow)[0]
    judging.record_sheet(demo_db, assignment_id, points_for(demo_db, roadshow, judge_id, proposal_id),
                         source="screen", by=STAFF)
    with refused(demo_db, "already has score sheets"):
        rankings.reopen_round(demo_db, written, "更正")


# --- judge sign-in -----------------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_sign_in_with_a_wrong_pin_and_the_pause_after_five(demo_db: Database,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(pins, "time", clock)
    written, _ = round_ids(demo_db)
    judging.auto_assign(demo_db, written)
    judge_id = assignments(demo_db, written)[0][1]
    session = judge_session(demo_db, judge_id)
    assert session.judge_id == judge_id
    with refused(demo_db, "no such judge"):
        judging.sign_in(demo_db, 999_999, PIN)
    for _ in range(pins.MAX_TRIES):
        clock.now += 1
        with refused(demo_db, "Wrong PIN"):
            judging.sign_in(demo_db, judge_id, "246801")
    clock.now += 1
    with refused(demo_db, "Too many wrong PINs. Try again in 30 seconds"):
        judging.sign_in(demo_db, judge_id, PIN)  # even the right PIN waits
    clock.now += pins.PAUSE_SECONDS - 10
    with refused(demo_db, "Try again in 10 seconds"):
        judging.sign_in(demo_db, judge_id, PIN)
    clock.now += 11
    assert judging.sign_in(demo_db, judge_id, PIN) == session
    # a success starts the count afresh: four more wrong tries do not pause
    for _ in range(pins.MAX_TRIES - 1):
        with refused(demo_db, "Wrong PIN"):
            judging.sign_in(demo_db, judge_id, "246801")
    assert judging.sign_in(demo_db, judge_id, PIN) == session


def test_a_judge_without_a_pin_cannot_sign_in(demo_db: Database) -> None:
    with demo_db.read() as s:
        judge_id = s.scalar(select(Judge.id).where(Judge.pin_hash.is_(None)).order_by(Judge.id).limit(1))
    assert judge_id is not None
    with refused(demo_db, "No PIN has been set"):
        judging.sign_in(demo_db, judge_id, PIN)
