"""A state machine over judging day (psp_desktop.services.judging and rankings): random sequences of assign,
auto-assign, unassign, draft, submit, staff keying, paper keying, reopen, freeze, reopen round and declared
conflicts on a small fresh SQLite database, checking after every step that

- a refused call raised ValidationError and wrote nothing at all;
- a submitted sheet never changes while it is locked, and nothing about sheets changes while the round is frozen
  (only a successful reopen of that sheet, or of the round, lets anything move);
- every sheet belongs to a current assignment, a judge never gets or writes a sheet on a proposal they are
  conflicted with, and such a sheet never counts in the results.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from psp_desktop.db import Database, open_database
from psp_desktop.enums import (
    Aggregation,
    CompetitionStatus,
    OrgType,
    ProposalStatus,
    RoundKind,
    ServiceDomain,
    SheetStatus,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    Assignment,
    AuditEntry,
    Competition,
    ConflictDeclaration,
    Criterion,
    Judge,
    Organization,
    Panel,
    PanelMember,
    PaperEntry,
    Proposal,
    Round,
    RoundSnapshot,
    Score,
    ScoreSheet,
)
from psp_desktop.services import judging, rankings

ROUND = 1
MAXIMA = {1: 1000, 2: 500}  # criterion id → max ×100 (10 and 5 points, step 0.5)
JUDGES = {1: "张明", 2: "李华", 3: "王芳", 4: "赵磊", 5: "孙悦"}  # 4 works for organization 4; 5 sits on no panel
ORGS = (1, 2, 3, 4)
PROPOSALS = (1, 2, 3, 4, 5)  # proposal n belongs to organization n; 5 (organization 1) was found ineligible
NO_SUCH = 10_000


def build_template(path: Path) -> Path:
    db = open_database(path)
    try:
        with db.write() as s:
            s.add_all([Organization(id=o, name=f"望江第{o}社会工作服务中心", org_type=OrgType.SERVICE_AGENCY)
                       for o in ORGS])
            s.add(Competition(id=1, name="2026年望江街道社区公益创投大赛", year=2026,
                              status=CompetitionStatus.REVIEW))
            s.flush()
            s.add(Round(id=ROUND, competition_id=1, seq=1, name="书面评审", kind=RoundKind.WRITTEN,
                        aggregation=Aggregation.MEAN, judges_per_proposal=2, score_step_x100=50,
                        criteria=[Criterion(id=c, seq=c, name=("需求分析", "项目设计")[c - 1], max_points_x100=m)
                                  for c, m in MAXIMA.items()]))
            s.add_all([Judge(id=j, name=name, affiliation_org_id=4 if j == 4 else None) for j, name in JUDGES.items()])
            s.add_all([Proposal(id=p, competition_id=1, organization_id=1 if p == 5 else p, title=f"项目{p}",
                                domain=ServiceDomain.ELDERLY, intake_number=f"2026-WJ-{p:03d}",
                                status=ProposalStatus.INELIGIBLE if p == 5 else ProposalStatus.ELIGIBLE)
                       for p in PROPOSALS])
            s.flush()
            s.add(Panel(id=1, round_id=ROUND, name="第一评审组",
                        members=[PanelMember(judge_id=j) for j in (1, 2, 3, 4)]))
    finally:
        db.close()
    return path


def state(db: Database) -> dict[str, Any]:
    """Everything a judging call may write, as plain data."""
    with db.read() as s:
        points: dict[int, dict[int, int]] = {}
        for sheet_id, criterion_id, value in s.execute(select(Score.sheet_id, Score.criterion_id, Score.points_x100)):
            points.setdefault(sheet_id, {})[criterion_id] = value
        return {
            "assignments": {a: (j, p) for a, j, p in s.execute(
                select(Assignment.id, Assignment.judge_id, Assignment.proposal_id))},
            "sheets": {a: (status, comment, source, reason, points.get(sheet_id, {})) for
                       sheet_id, a, status, comment, source, reason in s.execute(
                           select(ScoreSheet.id, ScoreSheet.assignment_id, ScoreSheet.status, ScoreSheet.comment,
                                  ScoreSheet.source, ScoreSheet.reopened_reason))},
            "paper": sorted((e.assignment_id, e.pass_no, e.entered_by, sorted(e.points.items()))
                            for e in s.scalars(select(PaperEntry))),
            "conflicts": set(s.execute(select(ConflictDeclaration.judge_id, ConflictDeclaration.organization_id))
                             .all()),
            "snapshots": s.execute(select(RoundSnapshot.id, RoundSnapshot.sha256, RoundSnapshot.reopened_at)
                                   .order_by(RoundSnapshot.id)).all(),
            "frozen": s.scalar(select(Round.frozen).where(Round.id == ROUND)),
            "statuses": s.execute(select(Proposal.id, Proposal.status).order_by(Proposal.id)).all(),
            "audit": s.scalar(select(func.count()).select_from(AuditEntry)),
        }


def org_of(proposal: int) -> int:
    return 1 if proposal == 5 else proposal


def conflicted(conflicts: set[tuple[int, int]], judge: int, proposal: int) -> bool:
    return (judge, org_of(proposal)) in conflicts or (judge == 4 and org_of(proposal) == 4)


def valid_value(maximum: int) -> st.SearchStrategy[int]:
    return st.integers(0, maximum // 50).map(lambda k: k * 50)


def score_value(maximum: int) -> st.SearchStrategy[object]:
    """Mostly a valid score, sometimes none, sometimes one the rules refuse."""
    bad = st.sampled_from([-50, maximum + 50, 25, "5", 7.5, True])
    return st.one_of(*[valid_value(maximum)] * 8, st.none(), bad)


sheet_points = st.builds(
    lambda a, b, extra: {1: a, 2: b, **({99: 100} if extra else {})},
    score_value(MAXIMA[1]), score_value(MAXIMA[2]), st.integers(0, 9).map(lambda n: n == 9))
valid_points = st.fixed_dictionaries({c: valid_value(m) for c, m in MAXIMA.items()})
judges = st.sampled_from(tuple(JUDGES))
proposals = st.sampled_from(PROPOSALS)
picks = st.integers(-1, 40)  # −1: an assignment that is not there
reasons = st.sampled_from(("评委要求更正录入错误", "", "评委要求更正录入错误"))
keyers = st.sampled_from(("刘晓燕", "陈志刚", "刘晓燕", "陈志刚", ""))


class JudgingMachine(RuleBasedStateMachine):
    def __init__(self, template: Path, path: Path) -> None:
        super().__init__()
        with sqlite3.connect(template) as source, sqlite3.connect(path) as target:
            source.backup(target)
        self.db = open_database(path)

    def teardown(self) -> None:
        self.db.close()

    # --- plumbing ------------------------------------------------------------------------------------------

    def target(self, pick: int) -> tuple[int, int, int]:
        """(assignment, judge, proposal): mostly an existing assignment, sometimes one that is not there."""
        with self.db.read() as s:
            rows = s.execute(select(Assignment.id, Assignment.judge_id, Assignment.proposal_id)
                             .where(Assignment.round_id == ROUND).order_by(Assignment.id)).all()
        if rows and pick >= 0:
            assignment_id, judge, proposal = rows[pick % len(rows)]
            return assignment_id, judge, proposal
        return NO_SUCH, 1, 1

    def attempt(self, call: Callable[[], object], *, reopens: int | None = None, reopens_round: bool = False) -> None:
        """Runs one service call and checks what it may and may not have changed."""
        before = state(self.db)
        try:
            call()
        except ValidationError:
            assert state(self.db) == before, "a refused call wrote something"
            return
        after = state(self.db)
        for assignment_id, sheet in before["sheets"].items():
            status, points = sheet[0], sheet[4]
            if status == SheetStatus.SUBMITTED and assignment_id != reopens:
                now = after["sheets"].get(assignment_id)
                assert now is not None and (now[0], now[4]) == (status, points), "a locked sheet changed"
            (judge, proposal) = before["assignments"][assignment_id]
            if conflicted(before["conflicts"], judge, proposal) and assignment_id != reopens:
                now = after["sheets"].get(assignment_id)
                assert now is None or now[4] == points, "a sheet was written on a conflicted proposal"
        if before["frozen"] and not reopens_round:
            assert (after["sheets"], after["assignments"], after["paper"]) == (
                before["sheets"], before["assignments"], before["paper"]), "something changed in a frozen round"
        new = {a: jp for a, jp in after["assignments"].items() if a not in before["assignments"]}
        assert not [jp for jp in new.values() if conflicted(after["conflicts"], *jp)], "a conflicted assignment"

    # --- rules ---------------------------------------------------------------------------------------------

    @initialize()
    def start_assigned(self) -> None:
        self.attempt(lambda: judging.auto_assign(self.db, ROUND))

    @rule(judge=judges, proposal=proposals)
    def assign(self, judge: int, proposal: int) -> None:
        self.attempt(lambda: judging.assign(self.db, ROUND, judge, proposal))

    @rule()
    def auto_assign(self) -> None:
        self.attempt(lambda: judging.auto_assign(self.db, ROUND))

    @rule(pick=picks)
    def unassign(self, pick: int) -> None:
        assignment_id, _judge, _proposal = self.target(pick)
        self.attempt(lambda: judging.unassign(self.db, assignment_id))

    @rule(pick=picks, other=st.one_of(st.none(), st.none(), st.none(), judges), points=sheet_points,
          submit=st.booleans())
    def judge_saves(self, pick: int, other: int | None, points: dict[int, Any], submit: bool) -> None:
        """A judge (usually the assigned one) saves a draft or submits, through judge mode."""
        assignment_id, judge, _proposal = self.target(pick)
        acting = other or judge
        session = judging.JudgeSession(acting, JUDGES[acting])
        self.attempt(lambda: judging.save_sheet(self.db, session, assignment_id, points, "意见", submit=submit))

    @rule(pick=picks, points=sheet_points)
    def staff_records(self, pick: int, points: dict[int, Any]) -> None:
        assignment_id, _judge, _proposal = self.target(pick)
        self.attempt(lambda: judging.record_sheet(self.db, assignment_id, points, source="screen", by="刘晓燕"))

    @rule(points=valid_points, then_freeze=st.booleans())
    def staff_records_the_rest(self, points: dict[int, int], then_freeze: bool) -> None:
        """The office keys every sheet still open, so that freezing becomes possible, and perhaps freezes."""
        with self.db.read() as s:
            open_ids = s.scalars(select(Assignment.id).outerjoin(ScoreSheet).where(
                Assignment.round_id == ROUND,
                (ScoreSheet.id.is_(None)) | (ScoreSheet.status != SheetStatus.SUBMITTED))).all()
        for assignment_id in open_ids:
            self.attempt(lambda a=assignment_id: judging.record_sheet(self.db, a, points, source="paper", by="陈志刚"))
        if then_freeze:
            self.attempt(lambda: rankings.freeze_round(self.db, ROUND))

    @rule(pick=picks, pass_no=st.sampled_from((1, 2, 1, 2, 3)), by=keyers, points=sheet_points)
    def key_paper(self, pick: int, pass_no: int, by: str, points: dict[int, Any]) -> None:
        assignment_id, _judge, _proposal = self.target(pick)
        self.attempt(lambda: judging.key_paper(self.db, assignment_id, pass_no, points, by=by))

    @rule(pick=picks, reason=reasons)
    def reopen_sheet(self, pick: int, reason: str) -> None:
        assignment_id, _judge, _proposal = self.target(pick)
        self.attempt(lambda: judging.reopen_sheet(self.db, assignment_id, reason), reopens=assignment_id)

    @rule()
    def freeze(self) -> None:
        self.attempt(lambda: rankings.freeze_round(self.db, ROUND))

    @rule(reason=reasons)
    def reopen_round(self, reason: str) -> None:
        self.attempt(lambda: rankings.reopen_round(self.db, ROUND, reason), reopens_round=True)

    @rule(judge=judges, org=st.sampled_from(ORGS), reason=reasons)
    def declare_conflict(self, judge: int, org: int, reason: str) -> None:
        self.attempt(lambda: judging.declare_conflict(self.db, judge, org, reason))

    # --- invariants ----------------------------------------------------------------------------------------

    @invariant()
    def sheets_belong_to_assignments_and_conflicts_never_count(self) -> None:
        now = state(self.db)
        assert set(now["sheets"]) <= set(now["assignments"])
        assert {a for a, *_rest in now["paper"]} <= set(now["assignments"])
        for assignment_id, (judge, proposal) in now["assignments"].items():
            sheet = now["sheets"].get(assignment_id)
            if conflicted(now["conflicts"], judge, proposal):
                # only a sheet submitted before the conflict was declared may remain, never an open one
                assert sheet is not None and sheet[0] != SheetStatus.OPEN, "an open conflicted assignment"
        result = judging.results(self.db, ROUND)
        for p in result.proposals:
            counted = {j.judge_id for j in p.judges} | set(p.missing)
            assert not [j for j in counted if conflicted(now["conflicts"], j, p.proposal_id)]

    @invariant()
    def a_frozen_round_has_a_verifying_snapshot(self) -> None:
        with self.db.read() as s:
            frozen = s.scalar(select(Round.frozen).where(Round.id == ROUND))
        if frozen:
            ok, _digest = rankings.verify_snapshot(self.db, ROUND)
            assert ok


def test_judging_state_machine(tmp_path: Path) -> None:
    template = build_template(tmp_path / "template.db")
    runs = itertools.count()
    run_state_machine_as_test(
        lambda: JudgingMachine(template, tmp_path / f"run-{next(runs)}.db"),
        settings=settings(max_examples=30, stateful_step_count=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow]))


def test_the_template_is_what_the_machine_expects(tmp_path: Path) -> None:
    db = open_database(build_template(tmp_path / "template.db"))
    try:
        with db.read() as s:
            round_ = s.get(Round, ROUND)
            assert round_ is not None
            assert judging.participants(s, round_) == [1, 2, 3, 4]
            assert judging.conflicted_orgs(s, 4) == {4}
            assert {c.id: c.max_points_x100 for c in round_.criteria} == MAXIMA
        assert judging.auto_assign(db, ROUND).added == 4 * 2
    finally:
        db.close()
