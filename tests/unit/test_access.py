"""Who may do what (services.access), on copies of the demo database.

The matrix: every role (and nobody signed in) × one representative call per permission. Each call is allowed or
refused exactly as access.GRANTS says; an allowed write lands in the change log under the signed-in person, and a
refused call raises NotAllowed and writes nothing (every table's row count and the change log unchanged). A new
action is one line in ACTIONS.

Then the rules the permissions exist for: a judge in judge mode sees only their own, unconflicted proposals and
never writes another judge's sheet; a locked sheet changes only after a recorded reopen; finance never alters
scores; a viewer writes nothing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from psp_desktop.codes import uscc_check_char
from psp_desktop.db import Database, open_database
from psp_desktop.enums import CompetitionMode, DocumentType, ProposalStatus, Role, ScreeningOutcome, SheetStatus
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    Assignment,
    AuditEntry,
    Base,
    Competition,
    ConflictDeclaration,
    Judge,
    Organization,
    PaperEntry,
    Proposal,
    Round,
    ScoreSheet,
)
from psp_desktop.services import (
    application_forms,
    competitions,
    demo,
    issuing,
    judging,
    organizations,
    pins,
    printouts,
    proposals,
    rankings,
    results_export,
    roster,
    round_setup,
    screening,
    sheet_states,
    workbooks,
)
from psp_desktop.services.access import GRANTS, Actor, NotAllowed, Permission
from psp_desktop.services.competitions import CompetitionData
from psp_desktop.services.organizations import OrganizationData
from psp_desktop.services.proposals import ProposalData
from psp_desktop.services.roster import JudgeData
from psp_desktop.services.round_setup import CriterionData

ROLES: dict[str, frozenset[Role] | None] = {
    "admin": frozenset({Role.ADMIN}),
    "staff": frozenset({Role.STAFF}),
    "finance": frozenset({Role.FINANCE}),
    "judge": frozenset({Role.JUDGE}),
    "viewer": frozenset({Role.VIEWER}),
    "nobody": None,
}
ADMIN = Actor("admin-setup", frozenset({Role.ADMIN}), None, "准备数据的管理员")
JUDGE_IN_JUDGE_MODE, JUDGE_PIN = "周永红", "135790"  # the demo's judge with sheets still to score


def actor(role: str) -> Actor | None:
    roles = ROLES[role]
    return None if roles is None else Actor(f"{role}-user", roles, None, f"{role} 用户")


def may(role: str, permission: Permission) -> bool:
    """What access.GRANTS says, read from the table itself rather than through Actor.can."""
    roles = ROLES[role] or frozenset()
    return any(permission in GRANTS[r] for r in roles)


# --- the demo, and where its story stands ---------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """Ids in the demo that the calls act on (the same in every copy)."""

    competition_2026: int
    competition_2025: int
    round_2026: int  # 书面评审 of 2026: panels ready, nobody assigned yet
    written_2025: int  # frozen
    roadshow_2025: int  # sheets almost all in
    waiting_proposal: int  # submitted in 2026, not screened yet
    organization: int
    zhou: int  # the judge of judge mode
    zhou_open: tuple[int, ...]  # his assignments not yet in
    other_open: int  # another judge's assignment not yet in (a paper ballot whose keyings differ)
    submitted: int  # an assignment of the roadshow whose sheet is in (not his)
    paper_once: int  # a paper ballot keyed once
    free_org: int  # an organization the judge has no conflict with
    points: dict[int, int]  # a valid full sheet of the roadshow round
    attachment: Path


def _story(db: Database, folder: Path) -> Story:
    with db.read() as s:
        by_year = dict(s.execute(select(Competition.year, Competition.id)
                                 .where(Competition.mode == CompetitionMode.VENTURE)).all())
        rounds = {(c, seq): r for r, c, seq in s.execute(select(Round.id, Round.competition_id, Round.seq))}
        roadshow = rounds[by_year[2025], 2]
        zhou = s.scalar(select(Judge.id).where(Judge.name == JUDGE_IN_JUDGE_MODE))
        open_rows = s.execute(select(Assignment.id, Assignment.judge_id).outerjoin(ScoreSheet)
                              .where(Assignment.round_id == roadshow,
                                     (ScoreSheet.id.is_(None)) | (ScoreSheet.status != SheetStatus.SUBMITTED))
                              .order_by(Assignment.id)).all()
        keyed = dict(s.execute(select(PaperEntry.assignment_id, func.count()).join(Assignment)
                               .where(Assignment.round_id == roadshow).group_by(PaperEntry.assignment_id)).all())
        submitted = s.scalar(select(Assignment.id).join(ScoreSheet)
                             .where(Assignment.round_id == roadshow, Assignment.judge_id != zhou,
                                    ScoreSheet.status == SheetStatus.SUBMITTED).order_by(Assignment.id).limit(1))
        round_ = s.get(Round, roadshow)
        assert round_ is not None and zhou is not None and submitted is not None
        step = round_.score_step_x100
        points = {c.id: c.max_points_x100 * 3 // 4 // step * step for c in round_.criteria}
        conflicted = judging.conflicted_orgs(s, zhou)
        free_org = s.scalar(select(Organization.id).where(Organization.id.not_in(conflicted or {0}))
                            .order_by(Organization.id).limit(1))
        waiting = s.scalar(select(Proposal.id).where(Proposal.competition_id == by_year[2026],
                                                     Proposal.status == ProposalStatus.SUBMITTED)
                           .order_by(Proposal.id).limit(1))
        organization = s.scalar(select(Proposal.organization_id).where(Proposal.id == waiting))
    attachment = folder / "预算说明.txt"
    attachment.write_text("预算说明：活动材料费按实际采购价计算。", encoding="utf-8")
    return Story(by_year[2026], by_year[2025], rounds[by_year[2026], 1], rounds[by_year[2025], 1], roadshow,
                 waiting, organization, zhou, tuple(a for a, j in open_rows if j == zhou),
                 next(a for a, j in open_rows if j != zhou and keyed.get(a) != 1), submitted,
                 next(a for a, j in open_rows if keyed.get(a) == 1), free_org, points, attachment)


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Story]:
    folder = tmp_path_factory.mktemp("access-demo")
    path = folder / "demo.db"
    db = open_database(path)
    try:
        db.actor = None  # an empty database takes the demo without anyone signed in
        demo.create_demo(db)
        db.actor = ADMIN
        return path, _story(db, folder)
    finally:
        db.close()


@pytest.fixture
def story(_template: tuple[Path, Story]) -> Story:
    return _template[1]


@pytest.fixture
def db(_template: tuple[Path, Story], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A fresh copy of the demo with nobody signed in."""
    monkeypatch.setattr(pins, "N", 2**4)  # cheap hashes for PINs set here (a stored hash carries its own cost)
    monkeypatch.setattr(pins, "_failures", {})
    path = tmp_path / "demo.db"
    with sqlite3.connect(_template[0]) as source, sqlite3.connect(path) as target:
        source.backup(target)
    database = open_database(path)
    database.actor = None
    try:
        yield database
    finally:
        database.close()


def state(db: Database) -> dict[str, Any]:
    """Row counts of every table, the change log's head and the statuses a write could flip."""
    with db.rows() as conn:
        counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                  for t in Base.metadata.sorted_tables}
        return {**counts,
                "audit_head": conn.execute(select(func.max(AuditEntry.id))).scalar(),
                "proposals": conn.execute(select(Proposal.id, Proposal.status).order_by(Proposal.id)).all(),
                "sheets": conn.execute(select(ScoreSheet.id, ScoreSheet.status).order_by(ScoreSheet.id)).all(),
                "rounds": conn.execute(select(Round.id, Round.frozen).order_by(Round.id)).all()}


def as_admin(db: Database, work: Callable[[], object]) -> None:
    db.actor, was = ADMIN, db.actor
    try:
        work()
    finally:
        db.actor = was


def new_uscc() -> str:
    first17 = "52330102MJ7700001"  # 民政, 民办非企业单位: not among the demo's codes
    return first17 + uscc_check_char(first17)


# --- the actions ------------------------------------------------------------------------------------------------


def _fill_roadshow(db: Database, d: Story) -> None:
    """Every sheet of the roadshow still out, keyed in: the round can be frozen."""
    with db.read() as s:
        out = s.scalars(select(Assignment.id).outerjoin(ScoreSheet).where(
            Assignment.round_id == d.roadshow_2025,
            (ScoreSheet.id.is_(None)) | (ScoreSheet.status != SheetStatus.SUBMITTED))).all()
    for assignment_id in out:
        judging.record_sheet(db, assignment_id, d.points, source="paper")


def _frozen_roadshow(db: Database, d: Story) -> None:
    _fill_roadshow(db, d)
    rankings.freeze_round(db, d.roadshow_2025)


def _key_second_pass(db: Database, d: Story) -> object:
    with db.read() as s:
        first = s.scalars(select(PaperEntry).where(PaperEntry.assignment_id == d.paper_once)).one()
        points = {int(k): v for k, v in first.points.items()}
    return judging.key_paper(db, d.paper_once, 2, points, by="王会计")


@dataclass(frozen=True)
class Action:
    name: str
    permission: Permission
    call: Callable[[Database, Story], object]
    prepare: Callable[[Database, Story], None] | None = None  # done by an administrator first
    writes: bool = True


ACTIONS = (
    Action("organization.create", Permission.REGISTRY_EDIT, lambda db, d: organizations.create(
        db, OrganizationData(name="临江区星火社会工作服务中心", uscc=new_uscc()))),
    Action("proposal.save_draft", Permission.INTAKE_EDIT, lambda db, d: proposals.save_draft(
        db, ProposalData(d.competition_2026, d.organization, title="社区长者智能手机课堂"))),
    Action("attachment.add", Permission.INTAKE_EDIT, lambda db, d: proposals.add_attachment(
        db, d.waiting_proposal, d.attachment)),
    Action("screening.manual", Permission.SCREENING_DECIDE, lambda db, d: screening.record_manual(
        db, d.waiting_proposal, "charter_scope", True, "", "刘晓燕")),
    Action("screening.decide", Permission.SCREENING_DECIDE, lambda db, d: screening.decide(
        db, d.waiting_proposal, ScreeningOutcome.RETURNED, "缺少年检证明", "刘晓燕")),
    Action("competition.create", Permission.COMPETITION_SETUP, lambda db, d: competitions.create(
        db, CompetitionData(name="2027年望江街道社区公益创投大赛", year=2027))),
    Action("judge.add", Permission.JUDGING_SETUP, lambda db, d: roster.save_judge(
        db, None, JudgeData(name="赵敏", affiliation="临江大学社会学院"), None)),
    Action("judge.pin", Permission.JUDGING_SETUP, lambda db, d: roster.set_pin(db, d.zhou, "602817")),
    Action("rubric_template.save", Permission.JUDGING_SETUP, lambda db, d: round_setup.save_template(
        db, "简明评分表", [CriterionData("设计", max_points_x100=6000), CriterionData("预算", max_points_x100=4000)])),
    Action("assignment.auto", Permission.JUDGING_SETUP, lambda db, d: judging.auto_assign(db, d.round_2026)),
    Action("conflict.declare", Permission.JUDGING_SETUP, lambda db, d: judging.declare_conflict(
        db, d.zhou, d.free_org, "曾为该机构提供督导服务")),
    Action("sheet.record", Permission.SCORES_KEY, lambda db, d: judging.record_sheet(
        db, d.other_open, d.points, source="paper")),
    Action("paper.key", Permission.SCORES_KEY, _key_second_pass),
    Action("sheet.reopen", Permission.SHEET_REOPEN, lambda db, d: judging.reopen_sheet(db, d.submitted, "评委更正")),
    Action("round.freeze", Permission.RESULTS_FREEZE, lambda db, d: rankings.freeze_round(db, d.roadshow_2025),
           prepare=_fill_roadshow),
    Action("round.reopen", Permission.RESULTS_FREEZE, lambda db, d: rankings.reopen_round(
        db, d.roadshow_2025, "公示期间发现计分错误"), prepare=_frozen_roadshow),
    Action("document.issue", Permission.DOCUMENTS_ISSUE, lambda db, d: issuing.issue(db, issuing.Facts(
        DocumentType.AWARD_CERTIFICATE, "望江街道阳光社会工作服务中心", "银龄互助项目", "一等奖", "2025年大赛",
        "望江街道办事处", dt.date(2025, 12, 1)), lambda serial, code: f"%PDF-1.4 {serial} {code}".encode())),
    Action("demo.replace", Permission.USERS_MANAGE, lambda db, d: demo.create_demo(db, replace=True)),
    Action("results.round", Permission.RESULTS_READ, lambda db, d: rankings.round_report(db, d.written_2025),
           writes=False),
    Action("results.final", Permission.RESULTS_READ, lambda db, d: rankings.final_report(db, d.competition_2025),
           writes=False),
    Action("results.sheets", Permission.RESULTS_READ, lambda db, d: judging.sheets_of(db, d.written_2025),
           writes=False),
    Action("results.states", Permission.RESULTS_READ, lambda db, d: sheet_states.sheet_lines(db, d.roadshow_2025),
           writes=False),
    Action("results.export", Permission.RESULTS_READ, lambda db, d: results_export.round_results(
        db, d.written_2025), writes=False),
    Action("results.summary_pdf", Permission.RESULTS_READ, lambda db, d: printouts.round_summary_pdf(
        db, d.written_2025), writes=False),
)
WRITES = tuple(a for a in ACTIONS if a.writes)


def test_every_write_permission_but_the_unwired_ones_has_an_action() -> None:
    """The matrix keeps up with access.Permission: a permission no action here exercises must be named below."""
    not_yet = {Permission.FUNDING_EDIT, Permission.PAYMENT_APPROVE, Permission.SETTINGS_EDIT, Permission.AUDIT_READ,
               Permission.BACKUP, Permission.RESTORE, Permission.EVENT_EXCHANGE, Permission.MONITORING_EDIT,
               Permission.EVALUATION_EDIT}  # their services test them
    assert {a.permission for a in ACTIONS} | not_yet == set(Permission)


@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
@pytest.mark.parametrize("role", list(ROLES))
def test_access_matrix(db: Database, story: Story, role: str, action: Action) -> None:
    prepare = action.prepare
    if prepare is not None:
        as_admin(db, lambda: prepare(db, story))
    db.actor = actor(role)
    before = state(db)
    if not may(role, action.permission):
        with pytest.raises(NotAllowed, match="Sign in first" if role == "nobody" else action.permission.value):
            action.call(db, story)
        assert state(db) == before, f"{role} was refused {action.name} but something was written"
        return
    action.call(db, story)
    if not action.writes:
        assert state(db) == before
        return
    with db.read() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    if action.name != "demo.replace":  # rebuilding the demo empties the change log and writes its own story
        assert last.id > (before["audit_head"] or 0), f"{action.name} left no entry in the change log"
        assert (last.username, last.role) == (f"{role}-user", role)


# --- the rules the permissions are for ---------------------------------------------------------------------------


def test_nobody_signed_in_is_asked_to_sign_in(db: Database, story: Story) -> None:
    before = state(db)
    with pytest.raises(NotAllowed, match="Sign in first"):
        organizations.create(db, OrganizationData(name="临江区星火社会工作服务中心", uscc=new_uscc()))
    assert state(db) == before


def test_a_judge_sees_only_own_tasks_never_a_conflicted_one(db: Database, story: Story) -> None:
    with db.read() as s:
        mine = dict(s.execute(select(Assignment.id, Proposal.organization_id).join(Proposal)
                              .where(Assignment.judge_id == story.zhou)).all())
    hidden = story.zhou_open[0]
    with db.write() as s:  # a conflict found after assignment: the open task must drop out of the judge's list
        s.add(ConflictDeclaration(judge_id=story.zhou, organization_id=mine[hidden], reason="测试：赛后发现的利益冲突"))
    session = judging.sign_in(db, story.zhou, JUDGE_PIN)
    tasks = [t for r in judging.judge_rounds(db, session) for t in r.tasks]
    assert tasks and {t.assignment_id for t in tasks} <= set(mine)
    assert hidden not in {t.assignment_id for t in tasks}
    with db.read() as s:
        conflicted = judging.conflicted_orgs(s, story.zhou)
    assert not [t for t in tasks if mine[t.assignment_id] in conflicted]


def test_a_judge_never_writes_another_judges_sheet(db: Database, story: Story) -> None:
    session = judging.sign_in(db, story.zhou, JUDGE_PIN)
    before = state(db)
    for target in (story.other_open, story.submitted):
        with pytest.raises(ValidationError, match="another judge"):
            judging.save_sheet(db, session, target, story.points, submit=True)
    assert state(db) == before


def test_a_locked_sheet_changes_only_after_a_recorded_reopen(db: Database, story: Story) -> None:
    session = judging.sign_in(db, story.zhou, JUDGE_PIN)
    own = story.zhou_open[0]
    judging.save_sheet(db, session, own, story.points, "论证充分", submit=True)  # judge mode needs no role
    changed = {k: 0 for k in story.points}
    db.actor = actor("staff")
    before = state(db)
    with pytest.raises(ValidationError, match="locked"):
        judging.save_sheet(db, session, own, changed, submit=True)
    with pytest.raises(ValidationError, match="locked"):
        judging.record_sheet(db, own, changed, source="paper")
    assert state(db) == before
    judging.reopen_sheet(db, own, "评委发现第一项打分有误")
    with db.read() as s:
        sheet = s.scalars(select(ScoreSheet).where(ScoreSheet.assignment_id == own)).one()
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "sheet.reopen",
                                                   AuditEntry.entity_id == sheet.id)).one()
    assert (entry.username, entry.role, entry.after["reason"]) == ("staff-user", "staff", "评委发现第一项打分有误")
    assert entry.before["status"] == "submitted" and sheet.status == SheetStatus.REOPENED
    judging.save_sheet(db, session, own, changed, submit=True)
    with db.read() as s:
        sheet = s.scalars(select(ScoreSheet).where(ScoreSheet.assignment_id == own)).one()
        assert {sc.criterion_id: sc.points_x100 for sc in sheet.scores} == changed


def test_finance_cannot_alter_scores(db: Database, story: Story) -> None:
    calls = [
        lambda: judging.record_sheet(db, story.other_open, story.points, source="paper"),
        lambda: _key_second_pass(db, story),
        lambda: judging.reopen_sheet(db, story.submitted, "更正"),
        lambda: rankings.freeze_round(db, story.roadshow_2025),
        lambda: rankings.reopen_round(db, story.written_2025, "更正"),
    ]
    db.actor = actor("finance")
    before = state(db)
    for call in calls:
        with pytest.raises(NotAllowed, match="finance"):
            call()
    assert state(db) == before
    assert rankings.round_report(db, story.written_2025).frozen  # but finance reads the results


def test_a_viewer_writes_nothing(db: Database, story: Story) -> None:
    assert not [a.name for a in WRITES if may("viewer", a.permission)]
    db.actor = actor("viewer")
    before = state(db)
    for action in WRITES:
        with pytest.raises(NotAllowed):
            action.call(db, story)
    reading = application_forms.ApplicationReading(
        story.competition_2026, OrganizationData(name="临江区星火社会工作服务中心", uscc=new_uscc()),
        ProposalData(story.competition_2026, 0, title="社区长者智能手机课堂"), [])
    with pytest.raises(NotAllowed):
        application_forms.commit_application(db, reading)
    with pytest.raises(NotAllowed):  # refused before the file is even opened
        workbooks.import_workbook(db, "organizations", story.attachment.with_name("不存在.xlsx"))
    assert state(db) == before
    assert rankings.round_report(db, story.written_2025).frozen  # a viewer reads the results


def test_paper_keying_names_the_signed_in_person_unless_told(db: Database, story: Story) -> None:
    db.actor = Actor("wangfang", frozenset({Role.STAFF}), None, "王芳")
    with db.read() as s:
        first = s.scalars(select(PaperEntry).where(PaperEntry.assignment_id == story.paper_once)).one()
    state_ = judging.key_paper(db, story.paper_once, 2, {int(k): v for k, v in first.points.items()})
    assert state_.counted and state_.second_by == "王芳"
    with db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.username == "wangfang")
                            .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["sheet.submit", "paper.key"]
    assert entries[0].after["source"] == "paper" and "王芳" in entries[0].after["keyed_by"]


def test_judge_mode_needs_no_role_but_its_own_pin(db: Database, story: Story) -> None:
    """The judge-mode laptop has nobody signed in: the JudgeSession from the PIN is the authority."""
    session = judging.sign_in(db, story.zhou, JUDGE_PIN)
    judging.save_sheet(db, session, story.zhou_open[-1], story.points, submit=False)
    with db.read() as s:
        sheet = s.scalars(select(ScoreSheet).where(ScoreSheet.assignment_id == story.zhou_open[-1])).one()
        assert sheet.status == SheetStatus.OPEN
    with pytest.raises(ValidationError):
        judging.sign_in(db, story.zhou, "000000")
