"""Implementation monitoring (项目监测) of funded projects: milestones drafted from the proposal, progress reports on a
schedule with spending compared with the approved budget, site visits with rectifications, and the late-report rule.

Reports are due every `rules["monitoring"]["report_every_months"]` months (default 3) counted from the project's first
month, the last one on the project's last day. A report is late when it is not submitted by its due date plus
`grace_days` (default 7). With `late_report_fails_gate` (default True), each late report fails — once — the award's
next open tranche gated on an evaluation (mid-term or final passed) through tranches.record_gate, which withholds it;
handing the report in afterwards does not undo that: finance releases the tranche (tranches.release). The rule runs
when the Monitoring page loads and with `psp monitoring check`; the demo plays it on its clock.

Spending above a budget category (the proposal's budget lines summed per category) is allowed but flagged.
Writes need MONITORING_EDIT and go into the change log; reads need RESULTS_READ.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..db import Database
from ..enums import AwardStatus, BudgetCategory, CompetitionMode, GateKind, TrancheStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError, os_reason
from ..models import (
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
from ..money import MAX_FEN, format_yuan
from . import access, audit, tranches
from .access import Actor, Permission

FUNDED = (AwardStatus.COMMITTED, AwardStatus.SIGNED, AwardStatus.COMPLETED)
EVALUATION_GATES = (GateKind.MIDTERM_PASSED, GateKind.FINAL_PASSED)
MAX_COUNT = 10_000_000  # activities or people in one report: anything above is a typing error
MAX_NARRATIVE = 20_000
TITLE_LENGTH = 120  # Milestone.title
VISITOR_LENGTH = 60  # SiteVisit.visitor
FILENAME_LENGTH = 200  # ReportFile.filename
CATEGORY_NAMES = {BudgetCategory.PERSONNEL: "人员费", BudgetCategory.ACTIVITY: "活动费",
                  BudgetCategory.PUBLICITY: "宣传费", BudgetCategory.MANAGEMENT: "管理费",
                  BudgetCategory.OTHER: "其他"}


# --- rules and periods: pure ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """A competition's monitoring rules (Competition.rules["monitoring"]), with the defaults in code."""

    every_months: int = 3
    grace_days: int = 7
    late_fails_gate: bool = True


def rules_from(raw: Mapping[str, Any] | None) -> Rules:
    """The rules from a competition's `rules` dict; missing or unusable values take the defaults."""
    monitoring = (raw or {}).get("monitoring") or {}
    default = Rules()

    def number(key: str, fallback: int, least: int) -> int:
        try:
            value = int(monitoring.get(key, fallback))
        except (TypeError, ValueError):
            return fallback
        return value if value >= least else fallback

    return Rules(number("report_every_months", default.every_months, 1), number("grace_days", default.grace_days, 0),
                 bool(monitoring.get("late_report_fails_gate", default.late_fails_gate)))


def month_end(month: dt.date) -> dt.date:
    return tranches.add_months(month.replace(day=1), 1) - dt.timedelta(days=1)


def project_period(proposal: Proposal, award: Award) -> tuple[dt.date, dt.date]:
    """First and last day of the project: its months from the proposal, else a year from signing."""
    start = (proposal.start_month or award.signed_on or dt.date.today()).replace(day=1)
    end = month_end(proposal.end_month) if proposal.end_month else tranches.add_months(start, 12) - dt.timedelta(1)
    return start, max(start, end)


def due_dates(start: dt.date, end: dt.date, every_months: int) -> list[dt.date]:
    """A report every few months from the start; the last one on the project's last day."""
    dates: list[dt.date] = []
    k = 1
    while (day := tranches.add_months(start, k * every_months)) < end:
        dates.append(day)
        k += 1
    return [*dates, end]


_PHASE = re.compile(r"^第[一二三四五六七八九十\d]+(阶段|期|步)\s*([（(][^）)]*[）)])?\s*[:：]?")
_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_NUMBER = re.compile(r"^(\d+|[一二三四五六七八九十]+)[.、．)）]\s*|^[（(]\d+[）)]\s*")


def draft_milestones(plan: str, start: dt.date, end: dt.date) -> list[tuple[str, dt.date]]:
    """The activity plan split into lines and sentences, each a draft milestone (first day of its planned month).
    A line headed by a phase with its months (第二阶段（2025年2月—2026年11月）：…) starts on the phase's first month
    and spreads its steps up to the last; the other sentences spread evenly over the whole project."""
    drafts: list[tuple[str, dt.date | None]] = []
    loose: list[int] = []
    for line in (plan or "").splitlines():
        phase = _PHASE.match(line.strip())
        span = _span(phase.group(2) or "", start, end) if phase else None
        titles = _sentences(line.strip()[phase.end():] if phase else line)
        if span is None:
            loose.extend(range(len(drafts), len(drafts) + len(titles)))
            drafts.extend((title, None) for title in titles)
        else:
            drafts.extend(zip(titles, [span[0], *_spread(span[0], span[1], len(titles) - 1)], strict=False))
    for index, month in zip(loose, _spread(start, end, len(loose)), strict=True):
        drafts[index] = (drafts[index][0], month)
    return [(title, month) for title, month in drafts if month is not None]


def _sentences(text: str) -> list[str]:
    titles = []
    for piece in re.split(r"[。；;！!？?]+", text):
        title = _NUMBER.sub("", piece.strip()).strip(" ，,:：")
        if len(title) >= 2:
            titles.append(title if len(title) <= TITLE_LENGTH else title[:TITLE_LENGTH - 1] + "…")
    return titles


def _span(label: str, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The months a phase label names, kept inside the project."""
    months = [dt.date(int(y), int(m), 1) for y, m in _MONTH.findall(label) if 1 <= int(m) <= 12]
    if not months:
        return None
    first, last = max(min(months), start.replace(day=1)), min(max(months), end.replace(day=1))
    return (first, last) if first <= last else None


def _spread(first: dt.date, last: dt.date, count: int) -> list[dt.date]:
    """count months spread evenly from first to last, the last one on last."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return [tranches.add_months(first.replace(day=1), round((n + 1) * months / count) - 1) for n in range(count)]


def deadline(due_on: dt.date, rules: Rules) -> dt.date:
    return due_on + dt.timedelta(days=rules.grace_days)


def is_late(due_on: dt.date, submitted_on: dt.date | None, rules: Rules, today: dt.date) -> bool:
    """Not submitted by the due date plus the grace days (handed in after it, or still missing after it)."""
    last = deadline(due_on, rules)
    return submitted_on > last if submitted_on is not None else today > last


# --- what is read --------------------------------------------------------------------------------------------------


class ReportState(StrEnum):
    UPCOMING = "upcoming"          # its due date has not come
    DUE = "due"                    # due, within the grace days
    OVERDUE = "overdue"            # not submitted, past the grace days
    SUBMITTED = "submitted"        # submitted in time
    SUBMITTED_LATE = "submitted_late"


@dataclass(frozen=True)
class CategorySpending:
    """Spending in one budget category, all reports so far, against the approved budget."""

    category: BudgetCategory
    budget_fen: int
    spent_fen: int

    @property
    def over_fen(self) -> int:
        return max(0, self.spent_fen - self.budget_fen)

    @property
    def over(self) -> bool:
        return self.spent_fen > self.budget_fen


@dataclass(frozen=True)
class MilestoneRow:
    id: int
    seq: int
    title: str
    planned_on: dt.date | None
    done_on: dt.date | None


@dataclass(frozen=True)
class FileRow:
    id: int
    filename: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class ReportRow:
    id: int
    award_id: int
    seq: int
    due_on: dt.date
    deadline: dt.date
    submitted_on: dt.date | None
    state: ReportState
    days_late: int  # past the due date (still missing: until today; handed in late: until it came)
    activities_held: int
    people_served: int
    narrative: str
    spending: tuple[tuple[BudgetCategory, int], ...]
    files: tuple[FileRow, ...]
    overspent: tuple[CategorySpending, ...]  # categories over budget counting this report and the ones before
    late_failed_on: dt.date | None

    @property
    def spent_fen(self) -> int:
        return sum(amount for _category, amount in self.spending)


@dataclass(frozen=True)
class VisitRow:
    id: int
    award_id: int
    visited_on: dt.date
    visitor: str
    findings: str
    rectification_required: bool
    rectification: str
    rectified_on: dt.date | None

    @property
    def open(self) -> bool:
        return self.rectification_required and self.rectified_on is None


@dataclass(frozen=True)
class ProjectRow:
    """A funded project as the monitoring list shows it."""

    award_id: int
    competition_id: int
    competition: str
    intake_number: str
    title: str
    organization: str
    status: AwardStatus
    start: dt.date
    end: dt.date
    next_due: dt.date | None  # the earliest report not yet submitted
    next_state: ReportState | None
    overdue_days: int  # the oldest report past its grace days: days since its due date (0: none)
    reports: int
    submitted: int
    last_visit: dt.date | None
    open_rectifications: int
    overspent: tuple[BudgetCategory, ...]
    late_withheld: bool  # a report was late and a tranche of the award is withheld
    milestones: int
    milestones_done: int
    mode: CompetitionMode  # its competition's: 公益创投, 公益招投标 or 服务委托


@dataclass(frozen=True)
class ProjectDetail:
    project: ProjectRow
    rules: Rules
    milestones: tuple[MilestoneRow, ...]
    reports: tuple[ReportRow, ...]
    visits: tuple[VisitRow, ...]
    budget: tuple[CategorySpending, ...]


@dataclass(frozen=True)
class DueReport:
    """A report due or late, with its project (reports_due, late_reports, `psp monitoring due`)."""

    report_id: int
    award_id: int
    seq: int
    competition: str
    intake_number: str
    title: str
    organization: str
    due_on: dt.date
    deadline: dt.date
    submitted_on: dt.date | None
    state: ReportState
    days_late: int
    late_failed_on: dt.date | None


# --- reading -------------------------------------------------------------------------------------------------------


@dataclass
class _Facts:
    """One award's rows, loaded together."""

    award: Award
    proposal: Proposal
    organization: Organization
    competition: Competition
    reports: list[ProgressReport] = field(default_factory=list)
    visits: list[SiteVisit] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    budget: dict[BudgetCategory, int] = field(default_factory=dict)

    @property
    def rules(self) -> Rules:
        return rules_from(self.competition.rules)


def _load(s: Session, award_ids: Sequence[int] | None = None, competition_id: int | None = None) -> list[_Facts]:
    query = (select(Award, Proposal, Organization, Competition)
             .join(Proposal, Proposal.id == Award.proposal_id)
             .join(Organization, Organization.id == Proposal.organization_id)
             .join(Competition, Competition.id == Award.competition_id)
             .where(Award.status.in_(FUNDED)).options(selectinload(Award.tranches)))
    if award_ids is not None:
        query = query.where(Award.id.in_(award_ids))
    if competition_id is not None:
        query = query.where(Award.competition_id == competition_id)
    facts = {a.id: _Facts(a, p, o, c) for a, p, o, c in s.execute(
        query.order_by(Competition.year.desc(), Competition.id.desc(), Award.rank, Award.id))}
    if not facts:
        return []
    ids = list(facts)
    for report in s.scalars(select(ProgressReport).where(ProgressReport.award_id.in_(ids))
                            .options(selectinload(ProgressReport.spending), selectinload(ProgressReport.files))
                            .order_by(ProgressReport.due_on, ProgressReport.id)):
        facts[report.award_id].reports.append(report)
    for visit in s.scalars(select(SiteVisit).where(SiteVisit.award_id.in_(ids))
                           .order_by(SiteVisit.visited_on, SiteVisit.id)):
        facts[visit.award_id].visits.append(visit)
    by_proposal = {f.proposal.id: f for f in facts.values()}
    for milestone in s.scalars(select(Milestone).where(Milestone.proposal_id.in_(list(by_proposal)))
                               .order_by(Milestone.seq, Milestone.id)):
        by_proposal[milestone.proposal_id].milestones.append(milestone)
    for proposal_id, category, amount in s.execute(
            select(BudgetLine.proposal_id, BudgetLine.category, func.sum(BudgetLine.amount_fen))
            .where(BudgetLine.proposal_id.in_(list(by_proposal)))
            .group_by(BudgetLine.proposal_id, BudgetLine.category)):
        by_proposal[proposal_id].budget[category] = int(amount or 0)
    return list(facts.values())


def _state(report: ProgressReport, rules: Rules, today: dt.date) -> tuple[ReportState, int]:
    if report.submitted_on is not None:
        late = is_late(report.due_on, report.submitted_on, rules, today)
        return ((ReportState.SUBMITTED_LATE, (report.submitted_on - report.due_on).days) if late
                else (ReportState.SUBMITTED, 0))
    if today <= report.due_on:
        return ReportState.UPCOMING, 0
    days = (today - report.due_on).days
    return (ReportState.OVERDUE if is_late(report.due_on, None, rules, today) else ReportState.DUE), days


def _spending(facts: _Facts, reports: Iterable[ProgressReport]) -> tuple[CategorySpending, ...]:
    spent: dict[BudgetCategory, int] = defaultdict(int)
    for report in reports:
        for line in report.spending:
            spent[line.category] += line.amount_fen
    return tuple(CategorySpending(c, facts.budget.get(c, 0), spent.get(c, 0)) for c in BudgetCategory
                 if c in facts.budget or c in spent)


def _report_rows(facts: _Facts, today: dt.date) -> list[ReportRow]:
    rules, rows, handed_in = facts.rules, [], []
    for report in facts.reports:
        if report.submitted_on is not None:
            handed_in.append(report)
        state, days = _state(report, rules, today)
        over = tuple(c for c in _spending(facts, handed_in) if c.over) if report.submitted_on else ()
        rows.append(ReportRow(
            report.id, report.award_id, report.seq, report.due_on, deadline(report.due_on, rules),
            report.submitted_on, state, days, report.activities_held, report.people_served, report.narrative,
            tuple((line.category, line.amount_fen) for line in sorted(report.spending, key=_category_order)),
            tuple(FileRow(f.id, f.filename, f.sha256, f.size_bytes) for f in sorted(report.files, key=lambda f: f.id)),
            over, report.late_failed_on))
    return rows


def _category_order(line: ReportSpending) -> int:
    return list(BudgetCategory).index(line.category)


def _project_row(facts: _Facts, reports: Sequence[ReportRow]) -> ProjectRow:
    award, proposal = facts.award, facts.proposal
    start, end = project_period(proposal, award)
    waiting = [r for r in reports if r.submitted_on is None]
    overdue = [r for r in waiting if r.state is ReportState.OVERDUE]
    visits = facts.visits
    return ProjectRow(
        award.id, facts.competition.id, facts.competition.name, proposal.intake_number or "", proposal.title,
        facts.organization.name, award.status, start, end,
        waiting[0].due_on if waiting else None, waiting[0].state if waiting else None,
        max((r.days_late for r in overdue), default=0), len(reports), len(reports) - len(waiting),
        max((v.visited_on for v in visits), default=None),
        sum(1 for v in visits if v.rectification_required and v.rectified_on is None),
        tuple(c.category for c in _spending(facts, facts.reports) if c.over),
        any(r.late_failed_on is not None for r in reports)
        and any(t.status is TrancheStatus.WITHHELD for t in award.tranches),  # released since: no longer flagged
        len(facts.milestones), sum(1 for m in facts.milestones if m.done_on is not None), facts.competition.mode)


def projects(db: Database, today: dt.date, competition_id: int | None = None) -> list[ProjectRow]:
    """Every funded project (committed, signed or completed), newest competition first, in rank order."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return [_project_row(f, _report_rows(f, today)) for f in _load(s, competition_id=competition_id)]


def detail(db: Database, award_id: int, today: dt.date) -> ProjectDetail:
    """One funded project: milestones, reports with their spending, visits, and spending against the budget."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        found = _load(s, award_ids=[award_id])
        if not found:
            _funded_award(s, award_id)  # says why: no such award, or never funded
        facts = found[0]
        reports = _report_rows(facts, today)
        budget = {c.category: c for c in _spending(facts, facts.reports)}
        return ProjectDetail(
            _project_row(facts, reports), facts.rules,
            tuple(MilestoneRow(m.id, m.seq, m.title, m.planned_on, m.done_on) for m in facts.milestones),
            tuple(reports),
            tuple(VisitRow(v.id, v.award_id, v.visited_on, v.visitor, v.findings, v.rectification_required,
                           v.rectification, v.rectified_on) for v in facts.visits),
            tuple(budget.get(c, CategorySpending(c, 0, 0)) for c in BudgetCategory))


def _due_rows(db: Database, today: dt.date, keep: Any) -> list[DueReport]:
    access.require(db, Permission.RESULTS_READ)
    rows = []
    with db.read() as s:
        for facts in _load(s):
            for report in _report_rows(facts, today):
                if keep(report):
                    p = facts.proposal
                    rows.append(DueReport(report.id, report.award_id, report.seq, facts.competition.name,
                                          p.intake_number or "", p.title, facts.organization.name, report.due_on,
                                          report.deadline, report.submitted_on, report.state, report.days_late,
                                          report.late_failed_on))
    return sorted(rows, key=lambda r: (r.due_on, r.intake_number, r.report_id))


def reports_due(db: Database, today: dt.date, within_days: int = 30) -> list[DueReport]:
    """Reports not yet submitted that are due by today plus within_days (the late ones included)."""
    horizon = today + dt.timedelta(days=within_days)
    return _due_rows(db, today, lambda r: r.submitted_on is None and r.due_on <= horizon)


def late_reports(db: Database, today: dt.date) -> list[DueReport]:
    """Reports not submitted by their due date plus the grace days: still missing, or handed in after it."""
    return _due_rows(db, today, lambda r: r.state in (ReportState.OVERDUE, ReportState.SUBMITTED_LATE))


# --- checks shared by the writes -----------------------------------------------------------------------------------


def _funded_award(s: Session, award_id: int) -> Award:
    award = s.get(Award, award_id)
    if award is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no award with number {id}."), id=award_id)
    if award.status is AwardStatus.CANCELLED:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The award {id} was cancelled: the project is no longer monitored."), id=award_id)
    if award.status not in FUNDED:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The award {id} was never funded (it is proposed or on the reserve list): a project is "
                      "monitored only once it is funded."), id=award_id)
    return award


def _proposal(s: Session, award: Award) -> Proposal:
    proposal = s.get(Proposal, award.proposal_id)
    assert proposal is not None
    return proposal


def _not_future(day: dt.date, today: dt.date, what: str) -> None:
    if day > today:
        raise ValidationError(what, date=day.isoformat())


def _count(value: int, message: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > MAX_COUNT:
        raise ValidationError(message, value=value)
    return value


# --- milestones ----------------------------------------------------------------------------------------------------


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Give the milestone a title."))
    if len(title) > TITLE_LENGTH:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The milestone title is longer than {n} characters."),
                              n=TITLE_LENGTH)
    return title


def _milestone(s: Session, milestone_id: int) -> tuple[Milestone, Award]:
    milestone = s.get(Milestone, milestone_id)
    if milestone is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no milestone with number {id}."),
                              id=milestone_id)
    award_id = s.scalar(select(Award.id).where(Award.proposal_id == milestone.proposal_id))
    if award_id is None:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "This milestone's project was never funded: there is nothing to monitor."))
    return milestone, _funded_award(s, award_id)


def _milestone_facts(m: Milestone) -> dict[str, Any]:
    return {"seq": m.seq, "title": m.title, "planned_on": m.planned_on, "done_on": m.done_on}


def milestones(db: Database, award_id: int) -> list[MilestoneRow]:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        award = _funded_award(s, award_id)
        return [MilestoneRow(m.id, m.seq, m.title, m.planned_on, m.done_on) for m in s.scalars(
            select(Milestone).where(Milestone.proposal_id == award.proposal_id).order_by(Milestone.seq, Milestone.id))]


def add_milestone(db: Database, award_id: int, title: str, planned_on: dt.date | None = None) -> int:
    actor = access.require(db, Permission.MONITORING_EDIT)
    with db.write() as s:
        return add_milestone_in(s, _funded_award(s, award_id), title, planned_on, actor)


def add_milestone_in(s: Session, award: Award, title: str, planned_on: dt.date | None, who: Actor) -> int:
    last = s.scalar(select(func.max(Milestone.seq)).where(Milestone.proposal_id == award.proposal_id)) or 0
    milestone = Milestone(proposal_id=award.proposal_id, seq=last + 1, title=_title(title), planned_on=planned_on)
    s.add(milestone)
    s.flush()
    audit.log(s, who, "milestone.add", "milestone", milestone.id, None,
              {"award": award.id, **_milestone_facts(milestone)})
    return milestone.id


def edit_milestone(db: Database, milestone_id: int, title: str, planned_on: dt.date | None,
                   done_on: dt.date | None, *, today: dt.date | None = None) -> None:
    actor = access.require(db, Permission.MONITORING_EDIT)
    today = today or dt.date.today()
    with db.write() as s:
        milestone, _award = _milestone(s, milestone_id)
        if done_on is not None:
            _not_future(done_on, today, QT_TRANSLATE_NOOP("Errors", "The completion date {date} is in the future."))
        before = _milestone_facts(milestone)
        milestone.title, milestone.planned_on, milestone.done_on = _title(title), planned_on, done_on
        audit.log(s, actor, "milestone.edit", "milestone", milestone.id, before, _milestone_facts(milestone))


def mark_done(db: Database, milestone_id: int, done_on: dt.date | None, *, today: dt.date | None = None) -> None:
    """Marks a milestone done on a date (None: not done after all)."""
    actor = access.require(db, Permission.MONITORING_EDIT)
    with db.write() as s:
        milestone, _award = _milestone(s, milestone_id)
        mark_done_in(s, milestone, done_on, actor, today or dt.date.today())


def mark_done_in(s: Session, milestone: Milestone, done_on: dt.date | None, who: Actor, today: dt.date) -> None:
    if done_on is not None:
        _not_future(done_on, today, QT_TRANSLATE_NOOP("Errors", "The completion date {date} is in the future."))
    before = _milestone_facts(milestone)
    milestone.done_on = done_on
    audit.log(s, who, "milestone.done", "milestone", milestone.id, before, _milestone_facts(milestone))


def delete_milestone(db: Database, milestone_id: int) -> None:
    actor = access.require(db, Permission.MONITORING_EDIT)
    with db.write() as s:
        milestone, _award = _milestone(s, milestone_id)
        before = _milestone_facts(milestone)
        s.delete(milestone)
        audit.log(s, actor, "milestone.delete", "milestone", milestone_id, before, None)


def prefill_milestones(db: Database, award_id: int) -> int:
    """Draft milestones from the proposal's activity plan; returns how many were made."""
    actor = access.require(db, Permission.MONITORING_EDIT)
    with db.write() as s:
        return prefill_in(s, _funded_award(s, award_id), actor)


def prefill_in(s: Session, award: Award, who: Actor) -> int:
    if s.scalar(select(Milestone.id).where(Milestone.proposal_id == award.proposal_id).limit(1)) is not None:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "This project has milestones already: edit them, or delete them all before filling them in "
                      "from the proposal again."))
    proposal = _proposal(s, award)
    drafts = draft_milestones(proposal.activity_plan, *project_period(proposal, award))
    if not drafts:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The proposal's activity plan is empty: there is nothing to draft milestones from."))
    for seq, (title, planned_on) in enumerate(drafts, 1):
        s.add(Milestone(proposal_id=award.proposal_id, seq=seq, title=title, planned_on=planned_on))
    s.flush()
    audit.log(s, who, "milestone.prefill", "award", award.id, None,
              {"milestones": [{"title": t, "planned_on": d} for t, d in drafts]})
    return len(drafts)


# --- the report schedule -------------------------------------------------------------------------------------------


def make_schedule(db: Database, award_id: int) -> int:
    """The progress reports the competition's rules ask for, from the project's start; returns how many were added
    (dates already scheduled are kept)."""
    actor = access.require(db, Permission.MONITORING_EDIT)
    with db.write() as s:
        return schedule_in(s, _funded_award(s, award_id), actor)


def schedule_in(s: Session, award: Award, who: Actor) -> int:
    proposal = _proposal(s, award)
    competition = s.get(Competition, award.competition_id)
    rules = rules_from(competition.rules if competition else None)
    reports = _reports(s, award.id)
    have = {r.due_on for r in reports}
    added = [ProgressReport(award_id=award.id, due_on=day)
             for day in due_dates(*project_period(proposal, award), rules.every_months) if day not in have]
    if not added:
        return 0
    s.add_all(added)
    _renumber([*reports, *added])
    s.flush()
    audit.log(s, who, "report.schedule", "award", award.id, None,
              {"due_on": [r.due_on for r in added], "every_months": rules.every_months})
    return len(added)


def _reports(s: Session, award_id: int) -> list[ProgressReport]:
    return list(s.scalars(select(ProgressReport).where(ProgressReport.award_id == award_id)
                          .order_by(ProgressReport.due_on, ProgressReport.id)))


def _renumber(reports: Sequence[ProgressReport]) -> None:
    """Reports are numbered in the order they are due."""
    for seq, report in enumerate(sorted(reports, key=lambda r: r.due_on), 1):
        if report.seq != seq:
            report.seq = seq


# --- submitting a report -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """A progress report as handed in. due_on picks the scheduled report (None: the earliest not yet submitted; a
    date with no report scheduled adds one, inside the project period). Submitting a report again corrects it."""

    submitted_on: dt.date
    activities_held: int = 0
    people_served: int = 0
    narrative: str = ""
    spending: Mapping[BudgetCategory, int] = field(default_factory=dict)
    due_on: dt.date | None = None
    files: tuple[Path, ...] = ()


@dataclass(frozen=True)
class StoredFile:
    filename: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class Submitted:
    report_id: int
    seq: int
    due_on: dt.date
    late: bool
    overspent: tuple[CategorySpending, ...]  # over budget counting every report so far: allowed, but flagged


def check_submission(submission: Submission, today: dt.date) -> None:
    """What is wrong with the report whatever the project: numbers, dates, text."""
    _count(submission.activities_held, QT_TRANSLATE_NOOP(
        "Errors", "The number of activities held must be a whole number, not negative: {value}."))
    _count(submission.people_served, QT_TRANSLATE_NOOP(
        "Errors", "The number of people served must be a whole number, not negative: {value}."))
    _not_future(submission.submitted_on, today, QT_TRANSLATE_NOOP(
        "Errors", "The submission date {date} is in the future."))
    if len(submission.narrative or "") > MAX_NARRATIVE:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The narrative is longer than {n} characters."),
                              n=MAX_NARRATIVE)
    for category, amount in submission.spending.items():
        if not isinstance(category, BudgetCategory):
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "{category} is not a budget category."),
                                  category=category)
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0 or amount > MAX_FEN:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Spending on {category} must be an amount from zero to 10,000,000,000 yuan: {amount}."),
                category=CATEGORY_NAMES[category], amount=_yuan_text(amount))


def submit_report(db: Database, award_id: int, submission: Submission, *, today: dt.date | None = None) -> Submitted:
    """Records a progress report with its spending and files (copied into the file store by SHA-256)."""
    from .proposals import store_content

    actor = access.require(db, Permission.MONITORING_EDIT)
    today = today or dt.date.today()
    check_submission(submission, today)
    contents = [(path.name, _read(path)) for path in submission.files]
    with db.read() as s:  # refused before any file is stored
        award = _funded_award(s, award_id)
        _target(s, award, submission.due_on, create=False)
    stored = [StoredFile(name, store_content(db, content), len(content)) for name, content in contents]
    with db.write() as s:
        return submit_in(s, _funded_award(s, award_id), submission, stored, actor, today)


def _read(path: Path) -> bytes:
    if len(path.name) > FILENAME_LENGTH:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The file name {name} is longer than {n} characters."),
                              name=path.name, n=FILENAME_LENGTH)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {reason}"), path=path,
                              reason=os_reason(exc)) from exc


def _target(s: Session, award: Award, due_on: dt.date | None, *, create: bool) -> ProgressReport | None:
    """The report a submission is for (None when create is False and a new one would be added)."""
    reports = _reports(s, award.id)
    if due_on is None:
        waiting = [r for r in reports if r.submitted_on is None]
        if not waiting:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Every scheduled report of this project is in: give the due date of the report."))
        return waiting[0]
    found = next((r for r in reports if r.due_on == due_on), None)
    if found is not None:
        return found
    start, end = project_period(_proposal(s, award), award)
    if not start <= due_on <= end:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The due date {date} is outside the project period ({start} to {end})."),
            date=due_on.isoformat(), start=start.isoformat(), end=end.isoformat())
    if not create:
        return None
    report = ProgressReport(award_id=award.id, due_on=due_on)
    s.add(report)
    _renumber([*reports, report])
    s.flush()
    return report


def _report_facts(r: ProgressReport) -> dict[str, Any]:
    return {"seq": r.seq, "due_on": r.due_on, "submitted_on": r.submitted_on, "activities_held": r.activities_held,
            "people_served": r.people_served, "narrative": r.narrative,
            "spending": {str(x.category): x.amount_fen for x in sorted(r.spending, key=_category_order)},
            "files": [{"filename": f.filename, "sha256": f.sha256} for f in r.files]}


def submit_in(s: Session, award: Award, submission: Submission, files: Sequence[StoredFile], who: Actor,
              today: dt.date) -> Submitted:
    check_submission(submission, today)
    report = _target(s, award, submission.due_on, create=True)
    assert report is not None
    again = report.submitted_on is not None
    before = _report_facts(report) if again else None
    report.submitted_on = submission.submitted_on
    report.activities_held, report.people_served = submission.activities_held, submission.people_served
    report.narrative = (submission.narrative or "").strip()
    report.spending.clear()
    s.flush()  # the old lines go before the new ones arrive (one line per category)
    report.spending.extend(ReportSpending(category=c, amount_fen=a) for c, a in sorted(
        submission.spending.items(), key=lambda x: list(BudgetCategory).index(x[0])) if a)
    kept = {f.sha256 for f in report.files}
    for stored in files:
        if stored.sha256 not in kept:
            kept.add(stored.sha256)
            report.files.append(ReportFile(filename=stored.filename, sha256=stored.sha256,
                                           size_bytes=stored.size_bytes))
    s.flush()
    over = _overspent(s, award)
    competition = s.get(Competition, award.competition_id)
    late = is_late(report.due_on, report.submitted_on, rules_from(competition.rules if competition else None), today)
    audit.log(s, who, "report.edit" if again else "report.submit", "progress_report", report.id, before,
              {"award": award.id, **_report_facts(report), "late": late,
               "over_budget": {str(c.category): c.over_fen for c in over}})
    return Submitted(report.id, report.seq, report.due_on, late, over)


def _overspent(s: Session, award: Award) -> tuple[CategorySpending, ...]:
    budget = dict(s.execute(select(BudgetLine.category, func.sum(BudgetLine.amount_fen))
                            .where(BudgetLine.proposal_id == award.proposal_id).group_by(BudgetLine.category)).all())
    spent = dict(s.execute(select(ReportSpending.category, func.sum(ReportSpending.amount_fen))
                           .join(ProgressReport, ProgressReport.id == ReportSpending.report_id)
                           .where(ProgressReport.award_id == award.id, ProgressReport.submitted_on.is_not(None))
                           .group_by(ReportSpending.category)).all())
    return tuple(CategorySpending(c, int(budget.get(c) or 0), int(spent[c])) for c in BudgetCategory
                 if c in spent and int(spent[c]) > int(budget.get(c) or 0))


def export_report_file(db: Database, file_id: int, folder: Path) -> Path:
    """A copy of a report's file under its own name, for opening; checked against its SHA-256."""
    from .proposals import stored_path

    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        row = s.get(ReportFile, file_id)
        if row is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no report file with number {id}."),
                                  id=file_id)
        filename, digest = row.filename, row.sha256
    source = stored_path(db, digest)
    if not source.exists() or hashlib.sha256(source.read_bytes()).hexdigest() != digest:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The stored copy of {name} is missing or damaged."),
                              name=filename)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    shutil.copyfile(source, target)
    return target


# --- site visits ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    visited_on: dt.date
    visitor: str
    findings: str = ""
    rectification_required: bool = False
    rectification: str = ""


def _check_visit(visit: Visit, today: dt.date) -> Visit:
    _not_future(visit.visited_on, today, QT_TRANSLATE_NOOP("Errors", "The visit date {date} is in the future."))
    visitor = (visit.visitor or "").strip()
    if not visitor:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Give the name of the visitor."))
    if len(visitor) > VISITOR_LENGTH:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The visitor's name is longer than {n} characters."),
                              n=VISITOR_LENGTH)
    rectification = (visit.rectification or "").strip()
    if visit.rectification_required and not rectification:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Say what must be rectified."))
    return Visit(visit.visited_on, visitor, (visit.findings or "").strip(), visit.rectification_required,
                 rectification if visit.rectification_required else "")


def _visit_facts(v: SiteVisit) -> dict[str, Any]:
    return {"award": v.award_id, "visited_on": v.visited_on, "visitor": v.visitor, "findings": v.findings,
            "rectification_required": v.rectification_required, "rectification": v.rectification,
            "rectified_on": v.rectified_on}


def add_visit(db: Database, award_id: int, visit: Visit, *, today: dt.date | None = None) -> int:
    actor = access.require(db, Permission.MONITORING_EDIT)
    with db.write() as s:
        return add_visit_in(s, _funded_award(s, award_id), visit, actor, today or dt.date.today())


def add_visit_in(s: Session, award: Award, visit: Visit, who: Actor, today: dt.date) -> int:
    visit = _check_visit(visit, today)
    row = SiteVisit(award_id=award.id, visited_on=visit.visited_on, visitor=visit.visitor, findings=visit.findings,
                    rectification_required=visit.rectification_required, rectification=visit.rectification)
    s.add(row)
    s.flush()
    audit.log(s, who, "visit.add", "site_visit", row.id, None, _visit_facts(row))
    return row.id


def _visit(s: Session, visit_id: int) -> SiteVisit:
    row = s.get(SiteVisit, visit_id)
    if row is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no site visit with number {id}."), id=visit_id)
    _funded_award(s, row.award_id)
    return row


def edit_visit(db: Database, visit_id: int, visit: Visit, *, today: dt.date | None = None) -> None:
    actor = access.require(db, Permission.MONITORING_EDIT)
    with db.write() as s:
        row = _visit(s, visit_id)
        checked = _check_visit(visit, today or dt.date.today())
        if row.rectified_on is not None and row.rectified_on < checked.visited_on:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "The rectification on {date} cannot come before the visit."),
                date=row.rectified_on.isoformat())
        before = _visit_facts(row)
        row.visited_on, row.visitor, row.findings = checked.visited_on, checked.visitor, checked.findings
        row.rectification_required, row.rectification = checked.rectification_required, checked.rectification
        if not checked.rectification_required:
            row.rectified_on = None
        audit.log(s, actor, "visit.edit", "site_visit", row.id, before, _visit_facts(row))


def mark_rectified(db: Database, visit_id: int, rectified_on: dt.date, *, today: dt.date | None = None) -> None:
    actor = access.require(db, Permission.MONITORING_EDIT)
    with db.write() as s:
        mark_rectified_in(s, _visit(s, visit_id), rectified_on, actor, today or dt.date.today())


def mark_rectified_in(s: Session, row: SiteVisit, rectified_on: dt.date, who: Actor, today: dt.date) -> None:
    if not row.rectification_required:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "This visit asked for no rectification."))
    if row.rectified_on is not None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "This rectification was already recorded on {date}."),
                              date=row.rectified_on.isoformat())
    _not_future(rectified_on, today, QT_TRANSLATE_NOOP("Errors", "The rectification date {date} is in the future."))
    if rectified_on < row.visited_on:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The rectification on {date} cannot come before the visit."), date=rectified_on.isoformat())
    before = _visit_facts(row)
    row.rectified_on = rectified_on
    audit.log(s, who, "visit.rectified", "site_visit", row.id, before, _visit_facts(row))


# --- the late-report rule ------------------------------------------------------------------------------------------


def late_reason(report: ProgressReport, rules: Rules) -> str:
    """The reason recorded on the failed gate (stored text, in Chinese like the office's other records)."""
    due, last = report.due_on.isoformat(), deadline(report.due_on, rules).isoformat()
    how = f"逾期至{report.submitted_on.isoformat()}才提交" if report.submitted_on else "逾期未交"
    return f"第{report.seq}期进度报告（应于{due}提交，宽限至{last}）{how}，按大赛规则视为未通过，暂停拨付"


def _next_gate(award: Award) -> Tranche | None:
    """The award's next tranche gated on an evaluation whose money is not yet decided (open or withheld)."""
    for tranche in award.tranches:
        if tranche.gate in EVALUATION_GATES and tranche.status in (*tranches.OPEN, TrancheStatus.WITHHELD):
            return tranche
    return None


def _late_unhandled(s: Session, today: dt.date) -> list[tuple[ProgressReport, Award, Rules, Tranche]]:
    """Late reports the rule has not handled, on live awards of competitions with the rule on, each with the
    tranche it stops, earliest due first."""
    candidates = s.scalars(
        select(ProgressReport).join(Award, Award.id == ProgressReport.award_id)
        .where(ProgressReport.late_failed_on.is_(None), ProgressReport.due_on < today,
               or_(ProgressReport.submitted_on.is_(None), ProgressReport.submitted_on > ProgressReport.due_on),
               Award.status.in_((AwardStatus.COMMITTED, AwardStatus.SIGNED)))
        .order_by(ProgressReport.due_on, ProgressReport.id)).all()  # handed in by the due date: never late
    rules_of: dict[int, Rules] = {}
    found = []
    for report in candidates:
        award = s.get(Award, report.award_id)
        assert award is not None
        if award.competition_id not in rules_of:
            competition = s.get(Competition, award.competition_id)
            rules_of[award.competition_id] = rules_from(competition.rules if competition else None)
        rules = rules_of[award.competition_id]
        if rules.late_fails_gate and is_late(report.due_on, report.submitted_on, rules, today):
            tranche = _next_gate(award)
            if tranche is not None:  # else nothing is left to stop; the report is looked at again next time
                found.append((report, award, rules, tranche))
    return found


def apply_late_rule_in(s: Session, today: dt.date, who: Actor) -> list[int]:
    """Each late report not yet handled fails the award's next open evaluation gate (withholding that tranche) and
    is marked handled; when that tranche is withheld already, the report is marked handled without a second
    decision. Competitions whose rules turn it off are left alone. Returns the ids of the tranches failed."""
    failed: list[int] = []
    for report, award, rules, tranche in _late_unhandled(s, today):
        decided = tranche.status is not TrancheStatus.WITHHELD  # an earlier report of the award may have stopped it
        if decided:
            tranches.record_gate(s, tranche, False, late_reason(report, rules), who, today)
            failed.append(tranche.id)
        report.late_failed_on = today
        audit.log(s, who, "report.late", "progress_report", report.id, None,
                  {"award": award.id, "seq": report.seq, "due_on": report.due_on, "tranche": tranche.id,
                   "tranche_seq": tranche.seq, "gate_failed": decided, "on": today})
    return failed


def apply_late_rule(db: Database, today: dt.date | None = None) -> list[int]:
    """The late-report rule over every funded project; takes the write lock only when there is something to do."""
    actor = access.require(db, Permission.MONITORING_EDIT)
    today = today or dt.date.today()
    with db.read() as s:
        if not _late_unhandled(s, today):
            return []
    with db.write() as s:
        return apply_late_rule_in(s, today, actor)


def describe_spending(over: Iterable[CategorySpending]) -> str:
    """Over-budget categories as plain text for the CLI and the change log (Chinese category names)."""
    return "；".join(f"{CATEGORY_NAMES[c.category]}超出预算{format_yuan(c.over_fen)}元"
                    f"（预算{format_yuan(c.budget_fen)}元，累计{format_yuan(c.spent_fen)}元）" for c in over)


def _yuan_text(amount: object) -> str:
    """An amount in fen as people write it in yuan (a value that is not a whole number of fen as it came)."""
    if isinstance(amount, int) and not isinstance(amount, bool):
        return ("-" if amount < 0 else "") + format_yuan(abs(amount))
    return str(amount)
