"""Implementation monitoring: the report schedule, milestones drafted from the activity plan, reports with spending
against the budget (over budget allowed but flagged), files kept by SHA-256, refusals that write nothing, site visits,
and the late-report rule end to end (late report → evaluation tranche withheld with the report named → released by
finance; once per report; off in a competition's rules → nothing). Also `psp monitoring`."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from psp_desktop import cli
from psp_desktop.db import Database
from psp_desktop.enums import AwardStatus, BudgetCategory, OrgType, ProposalStatus, Role, ServiceDomain, TrancheStatus
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    AuditEntry,
    Award,
    BudgetLine,
    Competition,
    Milestone,
    Organization,
    ProgressReport,
    Proposal,
    ReportFile,
    ReportSpending,
    SiteVisit,
    Tranche,
)
from psp_desktop.services import audit, monitoring, proposals, tranches
from psp_desktop.services.access import Actor, NotAllowed
from psp_desktop.services.monitoring import ReportState, Rules, Submission, Visit

W = 1_000_000  # 万 in fen
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 1)  # a one-year project
PLAN = ("第一阶段（2026年1月）：项目启动。招募志愿者。\n"
        "第二阶段（2026年2月—2026年11月）：服务实施。1. 每周入户探访；2. 每月一次集体活动。\n"
        "第三阶段（2026年12月）：总结评估。")
BUDGET = {BudgetCategory.PERSONNEL: 40_000_00, BudgetCategory.ACTIVITY: 30_000_00, BudgetCategory.PUBLICITY: 5_000_00}


def make_award(db: Database, *, status: AwardStatus = AwardStatus.SIGNED, rules: dict | None = None,
               title: str = "银龄陪伴计划") -> int:
    """A signed one-year project (2026) with a 40/40/20 schedule (signing, mid-term, final) and a budget."""
    with db.write() as s:
        comp = Competition(name=f"测试大赛{title}", year=2025, pool_fen=100 * W, project_cap_fen=20 * W,
                           organizer="某街道办事处", rules=rules or {})
        org = Organization(name=f"{title}服务中心", org_type=OrgType.SERVICE_AGENCY)
        s.add_all([comp, org])
        s.flush()
        proposal = Proposal(competition_id=comp.id, organization_id=org.id, title=title, domain=ServiceDomain.ELDERLY,
                            requested_fen=10 * W, matching_fen=5 * W, total_budget_fen=15 * W, start_month=START,
                            end_month=END, activity_plan=PLAN, status=ProposalStatus.IMPLEMENTING,
                            intake_number=f"2025-T-{len(title):03d}",
                            budget_lines=[BudgetLine(seq=n, category=c, item=str(c), unit_price_fen=a, quantity=1,
                                                     amount_fen=a) for n, (c, a) in enumerate(BUDGET.items())])
        s.add(proposal)
        s.flush()
        award = Award(proposal_id=proposal.id, competition_id=comp.id, rank=1, amount_fen=10 * W,
                      status=AwardStatus.COMMITTED)
        s.add(award)
        s.flush()
        tranches.apply_template(s, award, tranches.TEMPLATES["40/40/20"][1])
        if status is AwardStatus.SIGNED:
            award.status, award.signed_on, award.agreement_number = status, dt.date(2025, 12, 20), f"XY-{award.id}"
        else:
            award.status = status
        return award.id


def counts(db: Database) -> tuple[int, ...]:
    with db.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) or 0
                     for t in (ProgressReport, ReportSpending, ReportFile, SiteVisit, Milestone, AuditEntry))


def tranche(db: Database, award_id: int, seq: int) -> Tranche:
    with db.read() as s:
        return s.scalars(select(Tranche).where(Tranche.award_id == award_id, Tranche.seq == seq)).one()


# --- pure rules ------------------------------------------------------------------------------------------------


def test_due_dates_every_few_months_and_the_last_on_the_last_day() -> None:
    assert monitoring.due_dates(START, dt.date(2026, 12, 31), 3) == [
        dt.date(2026, 4, 1), dt.date(2026, 7, 1), dt.date(2026, 10, 1), dt.date(2026, 12, 31)]
    assert monitoring.due_dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31), 6)[-2:] == [
        dt.date(2026, 7, 1), dt.date(2026, 12, 31)]
    assert monitoring.due_dates(START, dt.date(2026, 2, 28), 3) == [dt.date(2026, 2, 28)]  # shorter than a period


def test_rules_come_from_the_competition_with_defaults() -> None:
    assert monitoring.rules_from({}) == Rules(3, 7, True)
    assert monitoring.rules_from({"monitoring": {"report_every_months": 2, "grace_days": 0,
                                                 "late_report_fails_gate": False}}) == Rules(2, 0, False)
    assert monitoring.rules_from({"monitoring": {"report_every_months": 0, "grace_days": "x"}}) == Rules()


def test_the_activity_plan_becomes_milestones_spread_over_their_phases() -> None:
    drafts = monitoring.draft_milestones(PLAN, START, dt.date(2026, 12, 31))
    assert [t for t, _d in drafts] == ["项目启动", "招募志愿者", "服务实施", "每周入户探访", "每月一次集体活动",
                                       "总结评估"]
    months = [d for _t, d in drafts]
    assert months[:3] == [START, START, dt.date(2026, 2, 1)] and months[-2] == dt.date(2026, 11, 1)
    assert months[-1] == dt.date(2026, 12, 1) and months == sorted(months)
    loose = monitoring.draft_milestones("开展活动。\n培训志愿者；总结", START, dt.date(2026, 12, 31))
    assert [d.month for _t, d in loose] == [4, 8, 12]  # spread evenly over the year


# --- schedule and milestones -------------------------------------------------------------------------------------


def test_the_schedule_is_made_once_and_milestones_prefilled(database: Database) -> None:
    award = make_award(database)
    assert monitoring.make_schedule(database, award) == 4
    assert monitoring.make_schedule(database, award) == 0  # dates already scheduled are kept
    assert monitoring.prefill_milestones(database, award) == 6
    with pytest.raises(ValidationError, match="milestones already"):
        monitoring.prefill_milestones(database, award)
    detail = monitoring.detail(database, award, dt.date(2026, 3, 1))
    assert [r.due_on for r in detail.reports] == monitoring.due_dates(START, dt.date(2026, 12, 31), 3)
    assert [r.state for r in detail.reports] == [ReportState.UPCOMING] * 4
    first = detail.milestones[0]
    monitoring.mark_done(database, first.id, dt.date(2026, 1, 20), today=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="future"):
        monitoring.mark_done(database, first.id, dt.date(2026, 3, 2), today=dt.date(2026, 3, 1))
    extra = monitoring.add_milestone(database, award, "  结项审计  ", dt.date(2026, 12, 1))
    monitoring.edit_milestone(database, extra, "结项财务审计", dt.date(2026, 12, 1), None, today=dt.date(2026, 3, 1))
    monitoring.delete_milestone(database, detail.milestones[1].id)
    rows = monitoring.milestones(database, award)
    assert rows[0].done_on == dt.date(2026, 1, 20) and rows[-1].title == "结项财务审计" and len(rows) == 6
    actions = {r.action for r in audit.entries(database)}
    assert {"report.schedule", "milestone.prefill", "milestone.done", "milestone.add", "milestone.edit",
            "milestone.delete"} <= actions


# --- reports -----------------------------------------------------------------------------------------------------


def test_a_report_with_spending_and_files_and_the_overspend_flagged_but_allowed(database: Database,
                                                                                  tmp_path: Path) -> None:
    award = make_award(database)
    monitoring.make_schedule(database, award)
    photo = tmp_path / "活动照片.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of the first activity")
    today = dt.date(2026, 4, 3)
    first = monitoring.submit_report(database, award, Submission(
        dt.date(2026, 4, 2), 6, 120, "开展入户探访六次。", {BudgetCategory.ACTIVITY: 20_000_00,
                                                   BudgetCategory.PERSONNEL: 10_000_00}, files=(photo,)), today=today)
    assert first.seq == 1 and first.due_on == dt.date(2026, 4, 1) and not first.late and first.overspent == ()
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert proposals.stored_path(database, digest).read_bytes() == photo.read_bytes()
    second = monitoring.submit_report(database, award, Submission(
        dt.date(2026, 7, 2), 4, 80, "", {BudgetCategory.ACTIVITY: 12_000_00}), today=dt.date(2026, 7, 3))
    (over,) = second.overspent  # 32,000 spent on activities against a budget of 30,000: taken, and flagged
    assert over.category is BudgetCategory.ACTIVITY and over.over_fen == 2_000_00 and over.spent_fen == 32_000_00
    detail = monitoring.detail(database, award, dt.date(2026, 7, 3))
    assert [r.state for r in detail.reports[:2]] == [ReportState.SUBMITTED, ReportState.SUBMITTED]
    assert detail.reports[0].overspent == () and detail.reports[1].overspent == (over,)
    assert detail.reports[0].files[0].sha256 == digest and detail.project.overspent == (BudgetCategory.ACTIVITY,)
    activity = next(c for c in detail.budget if c.category is BudgetCategory.ACTIVITY)
    assert activity.over and activity.budget_fen == 30_000_00
    copy = monitoring.export_report_file(database, detail.reports[0].files[0].id, tmp_path / "out")
    assert copy.name == "活动照片.jpg" and copy.read_bytes() == photo.read_bytes()
    logged = audit.entries(database, audit.Filters(action="report.submit"))
    assert len(logged) == 2 and "over_budget" in logged[0].after
    # correcting the second report replaces its figures: now within budget
    monitoring.submit_report(database, award, Submission(
        dt.date(2026, 7, 2), 4, 80, "更正", {BudgetCategory.ACTIVITY: 9_000_00}, due_on=dt.date(2026, 7, 1)),
        today=dt.date(2026, 7, 5))
    assert monitoring.detail(database, award, dt.date(2026, 7, 5)).project.overspent == ()
    assert audit.entries(database, audit.Filters(action="report.edit"))


@pytest.mark.parametrize(("change", "message"), [
    ({"activities_held": -1}, "activities held"),
    ({"people_served": -5}, "people served"),
    ({"spending": {BudgetCategory.ACTIVITY: -100}}, "from zero to 10,000,000,000 yuan: -1.00"),
    ({"submitted_on": dt.date(2026, 4, 20)}, "in the future"),
    ({"due_on": dt.date(2027, 1, 1)}, "outside the project period"),
    ({"due_on": dt.date(2025, 12, 31)}, "outside the project period"),
])
def test_bad_reports_are_refused_and_nothing_is_written(database: Database, tmp_path: Path, change: dict,
                                                        message: str) -> None:
    award = make_award(database)
    monitoring.make_schedule(database, award)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"not to be stored")
    before = counts(database)
    fields = {"submitted_on": dt.date(2026, 4, 2), "files": (photo,), **change}
    with pytest.raises(ValidationError, match=message):
        monitoring.submit_report(database, award, Submission(**fields), today=dt.date(2026, 4, 10))
    assert counts(database) == before
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert not proposals.stored_path(database, digest).exists()


def test_a_project_never_funded_has_no_reports(database: Database) -> None:
    reserve = make_award(database, status=AwardStatus.RESERVE)
    before = counts(database)
    with pytest.raises(ValidationError, match="never funded"):
        monitoring.submit_report(database, reserve, Submission(dt.date(2026, 4, 2)), today=dt.date(2026, 4, 3))
    with pytest.raises(ValidationError, match="never funded"):
        monitoring.add_visit(database, reserve, Visit(dt.date(2026, 4, 2), "刘晓燕"), today=dt.date(2026, 4, 3))
    with pytest.raises(ValidationError, match="no award"):
        monitoring.make_schedule(database, 999)
    assert counts(database) == before
    assert all(p.award_id != reserve for p in monitoring.projects(database, dt.date(2026, 4, 3)))


def test_only_monitoring_staff_write_and_readers_read(database: Database) -> None:
    award = make_award(database)
    database.actor = Actor("viewer", frozenset({Role.VIEWER}), None, "查阅")
    assert monitoring.projects(database, dt.date(2026, 4, 3))
    with pytest.raises(NotAllowed):
        monitoring.make_schedule(database, award)
    database.actor = Actor("wang", frozenset({Role.FINANCE}), None, "王会计")
    with pytest.raises(NotAllowed):
        monitoring.apply_late_rule(database, dt.date(2026, 4, 3))
    database.actor = Actor("liu", frozenset({Role.STAFF}), None, "刘晓燕")
    assert monitoring.make_schedule(database, award) == 4


# --- site visits -------------------------------------------------------------------------------------------------


def test_site_visits_with_a_rectification(database: Database) -> None:
    award = make_award(database)
    today = dt.date(2026, 5, 20)
    with pytest.raises(ValidationError, match="what must be rectified"):
        monitoring.add_visit(database, award, Visit(dt.date(2026, 5, 18), "刘晓燕", "台账不全", True), today=today)
    with pytest.raises(ValidationError, match="future"):
        monitoring.add_visit(database, award, Visit(dt.date(2026, 5, 21), "刘晓燕"), today=today)
    with pytest.raises(ValidationError, match="visitor"):
        monitoring.add_visit(database, award, Visit(dt.date(2026, 5, 18), "  "), today=today)
    visit = monitoring.add_visit(database, award, Visit(dt.date(2026, 5, 18), "刘晓燕", "台账不全", True, "补齐台账"),
                                 today=today)
    assert monitoring.projects(database, today)[-1].open_rectifications == 1
    with pytest.raises(ValidationError, match="before the visit"):
        monitoring.mark_rectified(database, visit, dt.date(2026, 5, 17), today=today)
    monitoring.mark_rectified(database, visit, dt.date(2026, 5, 20), today=today)
    with pytest.raises(ValidationError, match="already recorded"):
        monitoring.mark_rectified(database, visit, dt.date(2026, 5, 20), today=today)
    (row,) = monitoring.detail(database, award, today).visits
    assert not row.open and row.rectified_on == dt.date(2026, 5, 20)
    monitoring.edit_visit(database, visit, Visit(dt.date(2026, 5, 18), "刘晓燕、陈志刚", "台账不全"), today=today)
    (row,) = monitoring.detail(database, award, today).visits
    assert row.visitor == "刘晓燕、陈志刚" and not row.rectification_required and row.rectified_on is None


# --- the late-report rule ----------------------------------------------------------------------------------------


def test_a_late_report_withholds_the_evaluation_tranche_until_finance_releases_it(database: Database) -> None:
    award = make_award(database)
    monitoring.make_schedule(database, award)
    on_time = dt.date(2026, 4, 8)  # due 1 April, 7 grace days
    assert monitoring.apply_late_rule(database, on_time) == []
    assert [r.state for r in monitoring.reports_due(database, on_time)] == [ReportState.DUE]
    late_day = dt.date(2026, 4, 9)
    (late,) = monitoring.late_reports(database, late_day)
    assert late.state is ReportState.OVERDUE and late.days_late == 8
    midterm = tranche(database, award, 2)
    assert midterm.status is TrancheStatus.PLANNED
    assert monitoring.apply_late_rule(database, late_day) == [midterm.id]
    midterm = tranche(database, award, 2)
    assert midterm.status is TrancheStatus.WITHHELD and midterm.gate_met is False
    assert "第1期进度报告" in midterm.status_reason and "2026-04-01" in midterm.status_reason
    assert tranche(database, award, 3).status is TrancheStatus.PLANNED  # only the next evaluation tranche
    assert monitoring.apply_late_rule(database, dt.date(2026, 4, 20)) == []  # once per report
    # the report comes in afterwards: counted late, and the tranche stays withheld
    done = monitoring.submit_report(database, award, Submission(dt.date(2026, 4, 21), 3, 40),
                                    today=dt.date(2026, 4, 21))
    assert done.late and tranche(database, award, 2).status is TrancheStatus.WITHHELD
    project = monitoring.projects(database, dt.date(2026, 4, 21))[0]
    assert project.late_withheld and project.overdue_days == 0
    with database.read() as s:
        assert s.scalars(select(ProgressReport.late_failed_on).where(ProgressReport.seq == 1)).one() == late_day
    tranches.release(database, midterm.id, "报告已补交，经研究恢复拨付")
    assert tranche(database, award, 2).status is TrancheStatus.PLANNED
    assert not monitoring.projects(database, dt.date(2026, 5, 1))[0].late_withheld  # released: no longer flagged
    assert monitoring.apply_late_rule(database, dt.date(2026, 5, 1)) == []  # handled already: not failed again
    gates = audit.entries(database, audit.Filters(action="tranche.gate"))
    assert len(gates) == 1 and gates[0].username == "tester"
    # the next report late too: the released tranche is failed again, naming that report
    assert monitoring.apply_late_rule(database, dt.date(2026, 7, 9)) == [midterm.id]
    assert "第2期进度报告" in tranche(database, award, 2).status_reason


def test_a_second_late_report_counts_against_the_tranche_already_withheld(database: Database) -> None:
    award = make_award(database)
    monitoring.make_schedule(database, award)
    assert len(monitoring.apply_late_rule(database, dt.date(2026, 7, 20))) == 1  # two reports late, one decision
    with database.read() as s:
        handled = s.scalars(select(ProgressReport.late_failed_on).where(ProgressReport.award_id == award)
                            .order_by(ProgressReport.seq)).all()
    assert handled == [dt.date(2026, 7, 20), dt.date(2026, 7, 20), None, None]
    assert len(audit.entries(database, audit.Filters(action="report.late"))) == 2


def test_the_rule_turned_off_in_the_competition_changes_nothing(database: Database) -> None:
    award = make_award(database, rules={"monitoring": {"late_report_fails_gate": False}})
    monitoring.make_schedule(database, award)
    before = counts(database)
    assert monitoring.apply_late_rule(database, dt.date(2026, 8, 1)) == []
    assert counts(database) == before and tranche(database, award, 2).status is TrancheStatus.PLANNED
    assert len(monitoring.late_reports(database, dt.date(2026, 8, 1))) == 2  # still listed as late


def test_a_competition_with_its_own_period_and_grace(database: Database) -> None:
    award = make_award(database, rules={"monitoring": {"report_every_months": 6, "grace_days": 14}})
    assert monitoring.make_schedule(database, award) == 2
    assert monitoring.apply_late_rule(database, dt.date(2026, 7, 15)) == []  # due 1 July, 14 grace days
    assert monitoring.apply_late_rule(database, dt.date(2026, 7, 16)) == [tranche(database, award, 2).id]


# --- the command line --------------------------------------------------------------------------------------------


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    from psp_desktop.db import open_database

    path = tmp_path / "psp.db"
    db = open_database(path)
    try:
        make_award(db)
    finally:
        db.close()
    return path


def run(path: Path, *argv: str) -> int:
    return cli.main(["--db", str(path), *argv])


def test_psp_monitoring(db_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))
    assert run(db_file, "monitoring", "schedule", "1") == 0
    assert run(db_file, "monitoring", "due", "--today", "2026-04-05") == 0
    assert "2026-04-01" in capsys.readouterr().out
    assert run(db_file, "monitoring", "report", "1", "--submitted", "2026-04-02", "--spend", "activity=-50",
               "--today", "2026-04-05") == 2
    assert "from zero to 10,000,000,000 yuan: -50.00" in capsys.readouterr().err  # yuan, as typed
    assert run(db_file, "monitoring", "report", "1", "--submitted", "2026-04-02", "--activities", "5", "--people",
               "60", "--spend", "活动费=31000", "--spend", "personnel=8000", "--today", "2026-04-05") == 0
    out = capsys.readouterr().out
    assert "Report 1" in out and "Over budget" in out and "活动费" in out
    assert run(db_file, "monitoring", "visit", "1", "--date", "2026-04-03", "--visitor", "刘晓燕",
               "--rectify", "补齐签到表", "--today", "2026-04-05") == 0
    assert run(db_file, "monitoring", "check", "--today", "2026-07-09") == 0
    assert "1 tranches withheld" in capsys.readouterr().out
    assert run(db_file, "monitoring", "due", "--late", "--today", "2026-07-09") == 0
    assert "overdue" in capsys.readouterr().out
