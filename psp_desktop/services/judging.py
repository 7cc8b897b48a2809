"""Judging day: who scores what, score sheets (on screen, keyed from paper twice, imported), locking, results.

Every rule is checked here, whoever calls: a judge never writes a sheet that is locked, not assigned to them or
conflicted, and nothing is written in a frozen round. Results come from `scoring` over the submitted sheets.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import ConflictSource, ProposalStatus, SheetStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import (
    Assignment,
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
from . import access, audit, pins
from .access import Permission
from .scoring import CriterionSpec, RoundResult, RoundSpec, Sheet, TieBreak, points_text, score_round

# proposals that reached review; round 1 takes these from a competition
REVIEWED = (ProposalStatus.ELIGIBLE, ProposalStatus.IN_REVIEW, ProposalStatus.RANKED, ProposalStatus.AWARDED,
            ProposalStatus.NOT_AWARDED, ProposalStatus.RESERVE, ProposalStatus.IMPLEMENTING,
            ProposalStatus.COMPLETED, ProposalStatus.TERMINATED)


def _refuse(message: str, **params: object) -> ValidationError:
    return ValidationError(message, **params)


def _round(s: Session, round_id: int) -> Round:
    round_ = s.get(Round, round_id)
    if round_ is None:
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "There is no review round with number {id}."), id=round_id)
    return round_


def _open_round(s: Session, round_id: int) -> Round:
    round_ = _round(s, round_id)
    if round_.frozen:
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "The results of round “{round}” are frozen; reopen the round formally before changing scores."),
            round=round_.name)
    return round_


# --- conflicts of interest ---------------------------------------------------------------------------------------


def conflicted_orgs(s: Session, judge_id: int) -> set[int]:
    """Organizations a judge must not score: declared conflicts and the judge's own organization."""
    declared = set(s.scalars(select(ConflictDeclaration.organization_id)
                             .where(ConflictDeclaration.judge_id == judge_id)))
    own = s.scalar(select(Judge.affiliation_org_id).where(Judge.id == judge_id))
    return declared | ({own} if own else set())


def _refuse_conflict(s: Session, judge: Judge, proposal: Proposal) -> None:
    if proposal.organization_id in conflicted_orgs(s, judge.id):
        org = s.get(Organization, proposal.organization_id)
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "{judge} has a conflict of interest with {organization} and may not score its proposal."),
            judge=judge.name, organization=org.name if org else "")


def detect_conflicts(db: Database, competition_id: int) -> int:
    """Records automatic conflicts where a judge's affiliation is an applicant of the competition; returns how many
    were new. An affiliation matches by organization link or by the organization's exact name."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    with db.write() as s:
        applicants = {org_id: name for org_id, name in s.execute(
            select(Organization.id, Organization.name).join(Proposal)
            .where(Proposal.competition_id == competition_id).distinct())}
        by_name = {name: org_id for org_id, name in applicants.items()}
        known = set(s.execute(select(ConflictDeclaration.judge_id, ConflictDeclaration.organization_id)).all())
        added = 0
        for judge in s.scalars(select(Judge).where(Judge.active)):
            org_id = judge.affiliation_org_id if judge.affiliation_org_id in applicants else by_name.get(
                judge.affiliation.strip())
            if org_id is None or (judge.id, org_id) in known:
                continue
            s.add(ConflictDeclaration(judge_id=judge.id, organization_id=org_id, source=ConflictSource.AUTOMATIC,
                                      reason=f"评审专家任职单位“{applicants[org_id]}”为本届申报机构，系统自动识别，须回避"))
            added += 1
        if added:
            audit.log(s, actor, "conflict.detect", "competition", competition_id, after={"added": added})
        return added


def declare_conflict(db: Database, judge_id: int, organization_id: int, reason: str) -> None:
    """A declared conflict also withdraws the judge's sheets on that organization's proposals that are not in."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    if not reason.strip():
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "Give the reason for the conflict of interest."))
    with db.write() as s:
        judge, org = s.get(Judge, judge_id), s.get(Organization, organization_id)
        if judge is None or org is None:
            raise _refuse(QT_TRANSLATE_NOOP("Errors", "The judge or the organization no longer exists."))
        if s.scalar(select(ConflictDeclaration.id).where(ConflictDeclaration.judge_id == judge_id,
                                                          ConflictDeclaration.organization_id == organization_id)):
            raise _refuse(QT_TRANSLATE_NOOP("Errors", "{judge} has already declared a conflict with {organization}."),
                          judge=judge.name, organization=org.name)
        s.add(ConflictDeclaration(judge_id=judge_id, organization_id=organization_id, reason=reason.strip()))
        open_ids = s.scalars(
            select(Assignment.id).join(Proposal).join(Round).outerjoin(ScoreSheet)
            .where(Assignment.judge_id == judge_id, Proposal.organization_id == organization_id,
                   Round.frozen.is_(False),
                   (ScoreSheet.id.is_(None)) | (ScoreSheet.status != SheetStatus.SUBMITTED))).all()
        if open_ids:
            s.execute(delete(Assignment).where(Assignment.id.in_(open_ids)))
        audit.log(s, actor, "conflict.declare", "judge", judge_id,
                  after={"organization": org.name, "reason": reason.strip(), "withdrawn": len(open_ids)})


# --- who takes part ----------------------------------------------------------------------------------------------


def participants(s: Session, round_: Round) -> list[int]:
    """Round 1 takes every proposal that passed screening; a later round takes those the previous round's frozen
    results advanced. A round serving one tender (bidding) takes only that tender's bids, after the rounds serving
    the same tender or every tender."""
    earlier_rounds = select(Round).where(Round.competition_id == round_.competition_id, Round.seq < round_.seq)
    screened = select(Proposal.id).where(Proposal.competition_id == round_.competition_id,
                                         Proposal.status.in_(REVIEWED))
    if round_.tender_id is not None:
        earlier_rounds = earlier_rounds.where(or_(Round.tender_id == round_.tender_id, Round.tender_id.is_(None)))
        screened = screened.where(Proposal.tender_id == round_.tender_id)
    earlier = s.scalars(earlier_rounds.order_by(Round.seq.desc()).limit(1)).first()
    if earlier is None:
        return list(s.scalars(screened.order_by(Proposal.id)))
    snapshot = _current_snapshot(s, earlier.id)
    if snapshot is None or not earlier.frozen:
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "Freeze the results of round “{round}” first: they decide who takes part in “{next}”."),
            round=earlier.name, next=round_.name)
    advanced = {p["proposal_id"] for p in snapshot.content["proposals"] if p["advanced"]}
    if round_.tender_id is not None:
        advanced &= set(s.scalars(screened))
    return sorted(advanced)


def _current_snapshot(s: Session, round_id: int) -> RoundSnapshot | None:
    return s.scalars(select(RoundSnapshot)
                     .where(RoundSnapshot.round_id == round_id, RoundSnapshot.reopened_at.is_(None))
                     .order_by(RoundSnapshot.id.desc()).limit(1)).first()


def _members(s: Session, round_id: int) -> dict[int, PanelMember]:
    """Panel members of a round by judge (a judge sits on one panel per round)."""
    rows = s.scalars(select(PanelMember).join(Panel).join(Judge)
                     .where(Panel.round_id == round_id, Judge.active).order_by(PanelMember.id))
    return {m.judge_id: m for m in rows}


# --- assignment --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignReport:
    added: int
    short: tuple[tuple[int, int], ...]  # (proposal, how many judges it still lacks)


def auto_assign(db: Database, round_id: int) -> AssignReport:
    """Gives every proposal K judges (from each judge group, or all of a group when it is smaller), keeping what is
    already assigned, never a conflicted judge, always the least-loaded judge first (ties by roster order)."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    with db.write() as s:
        round_ = _open_round(s, round_id)
        report = assign_round(s, round_)
        audit.log(s, actor, "assignment.auto", "round", round_id,
                  after={"added": report.added, "short": len(report.short)})
        return report


def assign_round(s: Session, round_: Round) -> AssignReport:
    proposals = {p.id: p for p in s.scalars(select(Proposal).where(Proposal.id.in_(participants(s, round_))))}
    members = _members(s, round_.id)
    if not members:
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "Round “{round}” has no judges on its panels yet."),
                      round=round_.name)
    existing = defaultdict(set)
    load: dict[int, int] = dict.fromkeys(members, 0)
    for judge_id, proposal_id in s.execute(select(Assignment.judge_id, Assignment.proposal_id)
                                           .where(Assignment.round_id == round_.id)):
        existing[proposal_id].add(judge_id)
        load[judge_id] = load.get(judge_id, 0) + 1
    conflicts = {j: conflicted_orgs(s, j) for j in members}
    by_group: dict[int | None, list[int]] = defaultdict(list)
    for judge_id, member in members.items():
        by_group[member.group_id].append(judge_id)
    added, short = 0, []
    # the hardest proposals first: those with the fewest judges free of conflicts
    order = sorted(proposals.values(),
                   key=lambda p: (sum(p.organization_id not in conflicts[j] for j in members), p.id))
    for proposal in order:
        lacking = 0
        for group_judges in by_group.values():
            want = min(round_.judges_per_proposal, len(group_judges))
            have = [j for j in group_judges if j in existing[proposal.id]]
            free = sorted((j for j in group_judges if j not in existing[proposal.id]
                           and proposal.organization_id not in conflicts[j]), key=lambda j: (load[j], j))
            chosen = free[:max(0, want - len(have))]
            lacking += want - len(have) - len(chosen)
            for judge_id in chosen:
                s.add(Assignment(round_id=round_.id, judge_id=judge_id, proposal_id=proposal.id,
                                 panel_id=members[judge_id].panel_id))
                existing[proposal.id].add(judge_id)
                load[judge_id] += 1
                added += 1
        if lacking > 0:
            short.append((proposal.id, lacking))
        if proposal.status == ProposalStatus.ELIGIBLE:
            proposal.status = ProposalStatus.IN_REVIEW
    s.flush()
    return AssignReport(added, tuple(sorted(short)))


def assign(db: Database, round_id: int, judge_id: int, proposal_id: int) -> int:
    """A manual assignment; refused for a conflicted judge, a judge not on the round's panels or a proposal not in
    the round."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    with db.write() as s:
        round_ = _open_round(s, round_id)
        judge, proposal = s.get(Judge, judge_id), s.get(Proposal, proposal_id)
        if judge is None or proposal is None:
            raise _refuse(QT_TRANSLATE_NOOP("Errors", "The judge or the proposal no longer exists."))
        member = _members(s, round_id).get(judge_id)
        if member is None:
            raise _refuse(QT_TRANSLATE_NOOP("Errors", "{judge} is not on a panel of round “{round}”."),
                          judge=judge.name, round=round_.name)
        if proposal_id not in participants(s, round_):
            raise _refuse(QT_TRANSLATE_NOOP("Errors", "Proposal “{title}” does not take part in round “{round}”."),
                          title=proposal.title, round=round_.name)
        _refuse_conflict(s, judge, proposal)
        if s.scalar(select(Assignment.id).where(Assignment.round_id == round_id, Assignment.judge_id == judge_id,
                                                Assignment.proposal_id == proposal_id)):
            raise _refuse(QT_TRANSLATE_NOOP("Errors", "{judge} already has proposal “{title}”."),
                          judge=judge.name, title=proposal.title)
        assignment = Assignment(round_id=round_id, judge_id=judge_id, proposal_id=proposal_id,
                                panel_id=member.panel_id, manual=True)
        s.add(assignment)
        if proposal.status == ProposalStatus.ELIGIBLE:
            proposal.status = ProposalStatus.IN_REVIEW
        s.flush()
        audit.log(s, actor, "assignment.add", "assignment", assignment.id,
                  after={"judge": judge.name, "proposal": proposal.title})
        return assignment.id


def unassign(db: Database, assignment_id: int) -> None:
    """Removes an assignment whose sheet is not in; a submitted sheet stays (reopen it first)."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    with db.write() as s:
        assignment = _assignment(s, assignment_id)
        _open_round(s, assignment.round_id)
        if assignment.sheet is not None and assignment.sheet.status == SheetStatus.SUBMITTED:
            raise _refuse(QT_TRANSLATE_NOOP("Errors", "This sheet has been submitted; it cannot be taken away."))
        audit.log(s, actor, "assignment.remove", "assignment", assignment_id,
                  before={"judge": assignment.judge_id, "proposal": assignment.proposal_id})
        if assignment.sheet is not None:  # a draft or reopened sheet goes with it (else the ORM nulls its link)
            s.delete(assignment.sheet)
        s.delete(assignment)


def _assignment(s: Session, assignment_id: int) -> Assignment:
    assignment = s.get(Assignment, assignment_id)
    if assignment is None:
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "There is no such assignment; it may have been removed."))
    return assignment


@dataclass(frozen=True)
class JudgeLoad:
    judge_id: int
    name: str
    group: str
    assigned: int
    submitted: int


@dataclass(frozen=True)
class Coverage:
    proposal_id: int
    intake_number: str
    title: str
    organization: str
    judges: tuple[str, ...]
    submitted: int
    wanted: int


@dataclass(frozen=True)
class AssignmentOverview:
    round_id: int
    loads: tuple[JudgeLoad, ...]
    coverage: tuple[Coverage, ...]


def overview(db: Database, round_id: int) -> AssignmentOverview:
    """Per-judge load and per-proposal coverage, for the assignment screen."""
    with db.read() as s:
        round_ = _round(s, round_id)
        members = _members(s, round_id)
        groups = {g.id: g.name for g in round_.groups}
        rows = s.execute(select(Assignment.judge_id, Assignment.proposal_id, ScoreSheet.status)
                         .outerjoin(ScoreSheet).where(Assignment.round_id == round_id)).all()
        names = dict(s.execute(select(Judge.id, Judge.name)).all())
        try:
            ids = participants(s, round_)
        except ValidationError:
            ids = []
        ids = sorted(set(ids) | {p for _j, p, _st in rows})
        proposals = s.execute(select(Proposal.id, Proposal.intake_number, Proposal.title, Organization.name)
                              .join(Organization).where(Proposal.id.in_(ids)).order_by(Proposal.id)).all()
    per_judge: dict[int, list[SheetStatus | None]] = defaultdict(list)
    per_proposal: dict[int, list[tuple[int, SheetStatus | None]]] = defaultdict(list)
    for judge_id, proposal_id, status in rows:
        per_judge[judge_id].append(status)
        per_proposal[proposal_id].append((judge_id, status))
    loads = tuple(JudgeLoad(j, names.get(j, ""), groups.get(m.group_id, "") if m.group_id else "", len(per_judge[j]),
                            sum(st == SheetStatus.SUBMITTED for st in per_judge[j]))
                  for j, m in members.items())
    sizes: dict[int | None, int] = defaultdict(int)
    for m in members.values():
        sizes[m.group_id] += 1
    wanted = sum(min(round_.judges_per_proposal, n) for n in sizes.values())
    coverage = tuple(Coverage(pid, number or "", title, org, tuple(sorted(names[j] for j, _ in per_proposal[pid])),
                              sum(st == SheetStatus.SUBMITTED for _j, st in per_proposal[pid]), wanted)
                     for pid, number, title, org in proposals)
    return AssignmentOverview(round_id, loads, coverage)


# --- judge mode --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgeSession:
    """Proof that a judge signed in with their PIN; judge-mode calls act only for this judge."""

    judge_id: int
    name: str


def judges_with_work(db: Database) -> list[tuple[int, str]]:
    """Active judges with assignments in rounds that are not frozen, for the judge-mode sign-in list."""
    with db.read() as s:
        return [(judge_id, name) for judge_id, name in s.execute(
            select(Judge.id, Judge.name).join(Assignment, Assignment.judge_id == Judge.id).join(Round)
            .where(Judge.active, Round.frozen.is_(False)).distinct().order_by(Judge.id))]


def sign_in(db: Database, judge_id: int, pin: str) -> JudgeSession:
    with db.read() as s:
        judge = s.get(Judge, judge_id)
        if judge is None or not judge.active:
            raise _refuse(QT_TRANSLATE_NOOP("Errors", "There is no such judge on the roster."))
        pins.check(("judge", db.url, judge_id), judge.pin_hash, pin)
        return JudgeSession(judge.id, judge.name)


@dataclass(frozen=True)
class CriterionView:
    id: int
    name: str
    description: str
    max_x100: int
    is_bonus: bool
    weight_percent: int = 100


def total_text(criteria: Iterable[CriterionView], points: Mapping[int, int | None]) -> str:
    """A sheet's total as the judge sees it: weighted like the results (scoring.sheet_total), bonus added."""
    spec = [CriterionSpec(c.id, c.name, c.max_x100, c.weight_percent, c.is_bonus) for c in criteria]
    return _short(sum((Fraction(points.get(c.id) or 0) * c.weight_percent / 10_000 for c in spec), Fraction(0)))


def full_marks_text(criteria: Iterable[CriterionView]) -> str:
    return _short(sum((Fraction(c.max_x100 * c.weight_percent, 10_000) for c in criteria if not c.is_bonus),
                      Fraction(0)))


def _short(value: Fraction) -> str:
    """Points without trailing zeros: 53.5, 100, 87.25 (two decimals at most, half-up)."""
    text = points_text(value, 2)
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Task:
    """One proposal on a judge's list, as the judge sees it (no organization in a blind round)."""

    assignment_id: int
    proposal_id: int
    intake_number: str
    title: str
    organization: str  # empty in a blind round
    summary: str
    status: SheetStatus | None
    points: Mapping[int, int]
    comment: str

    @property
    def locked(self) -> bool:
        return self.status == SheetStatus.SUBMITTED


@dataclass(frozen=True)
class JudgeRound:
    round_id: int
    competition: str
    name: str
    blind: bool
    step_x100: int
    criteria: tuple[CriterionView, ...]
    tasks: tuple[Task, ...]

    @property
    def done(self) -> int:
        return sum(t.locked for t in self.tasks)


def judge_rounds(db: Database, session: JudgeSession) -> list[JudgeRound]:
    """The signed-in judge's open rounds with their own assignments only; conflicted ones are never listed."""
    with db.read() as s:
        # IN, not DISTINCT over the round's columns: PostgreSQL cannot compare its JSON column (tie_breaks)
        mine = select(Assignment.round_id).where(Assignment.judge_id == session.judge_id)
        rounds = s.scalars(select(Round).where(Round.id.in_(mine), Round.frozen.is_(False))
                           .order_by(Round.competition_id, Round.seq)).all()
        return [_judge_round(s, session, r) for r in rounds]


def _judge_round(s: Session, session: JudgeSession, round_: Round) -> JudgeRound:
    conflicts = conflicted_orgs(s, session.judge_id)
    assignments = s.scalars(select(Assignment).join(Proposal)
                            .where(Assignment.round_id == round_.id, Assignment.judge_id == session.judge_id)
                            .order_by(Proposal.intake_number, Proposal.id)).all()
    tasks = []
    for a in assignments:
        proposal = s.get(Proposal, a.proposal_id)
        if proposal is None or proposal.organization_id in conflicts:
            continue
        sheet = a.sheet
        org = s.scalar(select(Organization.name).where(Organization.id == proposal.organization_id)) or ""
        summary = blinded(proposal.summary, org) if round_.blind else proposal.summary
        tasks.append(Task(a.id, proposal.id, proposal.intake_number or "", proposal.title,
                          "" if round_.blind else org, summary,
                          sheet.status if sheet else None, {sc.criterion_id: sc.points_x100 for sc in sheet.scores}
                          if sheet else {}, sheet.comment if sheet else ""))
    criteria = tuple(CriterionView(c.id, c.name, c.description, c.max_points_x100, c.is_bonus, c.weight_percent)
                     for c in round_.criteria)
    competition = s.get(Competition, round_.competition_id)
    return JudgeRound(round_.id, competition.name if competition else "", round_.name, round_.blind,
                      round_.score_step_x100, criteria, tuple(tasks))


BLINDED = "（申报机构）"


def blinded(text: str, organization: str) -> str:
    """The text with the organization's name (and its name without the district prefix) taken out."""
    names = {organization}
    for cut in ("区", "市", "县"):
        head, sep, rest = organization.partition(cut)
        if sep and len(head) <= 4 and len(rest) >= 4:
            names.add(rest)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, BLINDED) if name else text
    return text


def save_sheet(db: Database, session: JudgeSession, assignment_id: int, points: Mapping[int, int | None],
               comment: str = "", *, submit: bool = False) -> None:
    """A judge's own sheet: saved as a draft, or submitted and locked."""
    with db.write() as s:
        assignment = _assignment(s, assignment_id)
        if assignment.judge_id != session.judge_id:
            raise _refuse(QT_TRANSLATE_NOOP("Errors", "This sheet belongs to another judge."))
        _write_sheet(s, assignment, points, comment, submit=submit, source="screen", by=session.name, role="judge")


def record_sheet(db: Database, assignment_id: int, points: Mapping[int, int | None], comment: str = "", *,
                 source: str, by: str = "") -> None:
    """A sheet keyed or imported by staff on a judge's behalf, submitted at once; `by` names who keyed it when that
    is not the signed-in person."""
    actor = access.require(db, Permission.SCORES_KEY)
    with db.write() as s:
        _write_sheet(s, _assignment(s, assignment_id), points, comment, submit=True, source=source,
                     by=actor.username, role=actor.role_text, keyed_by=by.strip() or actor.name)


def _write_sheet(s: Session, assignment: Assignment, points: Mapping[int, int | None], comment: str, *,
                 submit: bool, source: str, by: str, role: str, keyed_by: str = "") -> ScoreSheet:
    """The session-level write behind every way a sheet comes in; the public callers check who may call them."""
    round_ = _open_round(s, assignment.round_id)
    judge, proposal = s.get(Judge, assignment.judge_id), s.get(Proposal, assignment.proposal_id)
    assert judge is not None and proposal is not None
    _refuse_conflict(s, judge, proposal)
    sheet = assignment.sheet
    if sheet is not None and sheet.status == SheetStatus.SUBMITTED:
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "The sheet of {judge} on “{title}” is submitted and locked; staff can reopen it with a reason."),
            judge=judge.name, title=proposal.title)
    clean = check_points(round_, points, complete=submit)
    if sheet is None:
        sheet = ScoreSheet(assignment=assignment, source=source)
        s.add(sheet)
    sheet.comment, sheet.source = comment.strip(), source
    by_criterion = {sc.criterion_id: sc for sc in sheet.scores}
    for criterion in round_.criteria:
        value = clean.get(criterion.id)
        if value is None:
            if criterion.id in by_criterion:
                sheet.scores.remove(by_criterion[criterion.id])
        elif criterion.id in by_criterion:
            by_criterion[criterion.id].points_x100 = value
        else:
            sheet.scores.append(Score(criterion_id=criterion.id, points_x100=value,
                                      max_points_x100=criterion.max_points_x100))
    if submit:
        sheet.status, sheet.submitted_at = SheetStatus.SUBMITTED, audit.now()
        s.flush()
        keyed = {"keyed_by": keyed_by} if keyed_by else {}
        audit.record(s, actor=by, role=role, action="sheet.submit", entity="score_sheet", entity_id=sheet.id,
                     after={"judge": judge.name, "judge_id": judge.id, "proposal": proposal.id, "source": source,
                            **keyed,
                            "points": {str(k): v for k, v in sorted(clean.items())}})
    s.flush()
    return sheet


def check_points(round_: Round, points: Mapping[int, int | None], *, complete: bool) -> dict[int, int]:
    """Each value within 0…max and on the round's step; unknown criteria refused; all criteria when complete."""
    criteria = {c.id: c for c in round_.criteria}
    unknown = [k for k in points if k not in criteria]
    if unknown:
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "Criterion number {id} is not part of round “{round}”."),
                      id=unknown[0], round=round_.name)
    clean = {}
    for criterion in round_.criteria:
        value = points.get(criterion.id)
        if value is None:
            if complete:
                raise _refuse(QT_TRANSLATE_NOOP("Errors", "“{criterion}” has no score yet."), criterion=criterion.name)
            continue
        check_score(criterion.name, criterion.max_points_x100, round_.score_step_x100, value)
        clean[criterion.id] = value
    return clean


def check_score(criterion: str, max_x100: int, step_x100: int, value: object) -> None:
    """One score within 0…max and on the round's step; the judge's screen checks each field with it as typed."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "The score for “{criterion}” is not a number."), criterion=criterion)
    if not 0 <= value <= max_x100:
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "The score for “{criterion}” must be between 0 and {max}."),
                      criterion=criterion, max=points_label(max_x100))
    if value % step_x100:
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "The score for “{criterion}” must be a multiple of {step}."),
                      criterion=criterion, step=points_label(step_x100))


def points_label(x100: int) -> str:
    """Points in hundredths as people write them: 850 → 8.5, 1000 → 10."""
    whole, part = divmod(x100, 100)
    return str(whole) if not part else f"{whole}.{part:02d}".rstrip("0")


def parse_points(text: str) -> int:
    """“8.5” → 850; raises ValueError on anything that is not a number with at most two decimals."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.strip().replace("，", ".").replace("。", "."))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValueError(text)
    return int(value * 100)


def reopen_sheet(db: Database, assignment_id: int, reason: str) -> None:
    """Staff unlock a submitted sheet with a reason, recorded on the sheet and in the change log."""
    actor = access.require(db, Permission.SHEET_REOPEN)
    if not reason.strip():
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "Give the reason for reopening the sheet."))
    with db.write() as s:
        assignment = _assignment(s, assignment_id)
        _open_round(s, assignment.round_id)
        sheet = assignment.sheet
        if sheet is None or sheet.status != SheetStatus.SUBMITTED:
            raise _refuse(QT_TRANSLATE_NOOP("Errors", "Only a submitted sheet can be reopened."))
        before = {str(sc.criterion_id): sc.points_x100 for sc in sheet.scores}
        sheet.status, sheet.reopened_reason = SheetStatus.REOPENED, reason.strip()
        s.execute(delete(PaperEntry).where(PaperEntry.assignment_id == assignment_id))
        audit.log(s, actor, "sheet.reopen", "score_sheet", sheet.id, before={"status": "submitted", "points": before},
                  after={"status": "reopened", "reason": reason.strip()})


# --- paper ballots, keyed twice ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    criterion_id: int
    criterion: str
    first: int | None
    second: int | None


@dataclass(frozen=True)
class PaperState:
    assignment_id: int
    first_by: str
    second_by: str
    mismatches: tuple[Mismatch, ...]
    counted: bool  # both keyings agree and the sheet is submitted


def key_paper(db: Database, assignment_id: int, pass_no: int, points: Mapping[int, int | None], *,
              by: str = "") -> PaperState:
    """Keys a paper sheet (pass 1 or 2). The two passes must be keyed by different people (`by`, the signed-in
    person unless named); when they agree the sheet is submitted with source “paper”. A mismatch keeps both entries
    for a cell-by-cell check and re-keying."""
    actor = access.require(db, Permission.SCORES_KEY)
    if pass_no not in (1, 2):
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "A paper sheet is keyed in pass 1 or pass 2."))
    name = by.strip() or actor.name
    with db.write() as s:
        state = _key_paper(s, _assignment(s, assignment_id), pass_no, points, name, who=actor)
        audit.log(s, actor, "paper.key", "assignment", assignment_id,
                  after={"pass": pass_no, "keyed_by": name, "mismatches": len(state.mismatches),
                         "counted": state.counted})
        return state


def _key_paper(s: Session, assignment: Assignment, pass_no: int, points: Mapping[int, int | None],
               by: str, who: access.Actor | None = None) -> PaperState:
    """One keying pass, by the person named `by`; `who` is the signed-in person the change log names (the demo
    builder passes none and is logged under the keyer's name)."""
    assignment_id = assignment.id
    round_ = _open_round(s, assignment.round_id)
    judge, proposal = s.get(Judge, assignment.judge_id), s.get(Proposal, assignment.proposal_id)
    assert judge is not None and proposal is not None
    _refuse_conflict(s, judge, proposal)
    if assignment.sheet is not None and assignment.sheet.status == SheetStatus.SUBMITTED:
        raise _refuse(QT_TRANSLATE_NOOP("Errors", "This sheet is already counted."))
    clean = check_points(round_, points, complete=True)
    entries = {e.pass_no: e for e in s.scalars(select(PaperEntry).where(PaperEntry.assignment_id == assignment_id))}
    other = entries.get(3 - pass_no)
    if other is not None and other.entered_by == by.strip():
        raise _refuse(QT_TRANSLATE_NOOP(
            "Errors", "{name} keyed the other pass of this sheet; the second keying must be done by someone else."),
            name=by.strip())
    entry = entries.get(pass_no) or PaperEntry(assignment_id=assignment_id, pass_no=pass_no)
    entry.entered_by, entry.points = by.strip(), {str(k): v for k, v in clean.items()}
    entry.entered_at = audit.now()
    s.add(entry)
    entries[pass_no] = entry
    state = _paper_state(round_, assignment_id, entries)
    if state.first_by and state.second_by and not state.mismatches:
        if who is None:
            _write_sheet(s, assignment, clean, "", submit=True, source="paper", by=by.strip(), role="staff")
        else:
            _write_sheet(s, assignment, clean, "", submit=True, source="paper", by=who.username,
                         role=who.role_text, keyed_by=f"{state.first_by}、{state.second_by}")
        return PaperState(assignment_id, state.first_by, state.second_by, (), True)
    return state


def paper_state(db: Database, assignment_id: int) -> PaperState:
    """Who keyed each pass and where they differ (the differing points are scores: RESULTS_READ)."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        assignment = _assignment(s, assignment_id)
        entries = {e.pass_no: e for e in s.scalars(select(PaperEntry).where(PaperEntry.assignment_id == assignment_id))}
        state = _paper_state(_round(s, assignment.round_id), assignment_id, entries)
        counted = assignment.sheet is not None and assignment.sheet.status == SheetStatus.SUBMITTED
        return PaperState(assignment_id, state.first_by, state.second_by, state.mismatches, counted)


def _paper_state(round_: Round, assignment_id: int, entries: Mapping[int, PaperEntry]) -> PaperState:
    first, second = entries.get(1), entries.get(2)
    mismatches: list[Mismatch] = []
    if first is not None and second is not None:
        for c in round_.criteria:
            a, b = first.points.get(str(c.id)), second.points.get(str(c.id))
            if a != b:
                mismatches.append(Mismatch(c.id, c.name, a, b))
    return PaperState(assignment_id, first.entered_by if first else "", second.entered_by if second else "",
                      tuple(mismatches), False)


# --- results -----------------------------------------------------------------------------------------------------


def round_spec(round_: Round) -> RoundSpec:
    groups = {g.id: g.weight_percent for g in round_.groups} or {None: 100}
    return RoundSpec(
        round_.id, round_.seq, round_.name,
        tuple(CriterionSpec(c.id, c.name, c.max_points_x100, c.weight_percent, c.is_bonus) for c in round_.criteria),
        round_.aggregation, groups, round_.trim_count, round_.trim_min_judges, round_.decimals,
        round_.weight_percent, round_.advance_rule, round_.advance_value,
        tuple(TieBreak.from_json(t) for t in round_.tie_breaks or ()))


def load_sheets(s: Session, round_: Round) -> tuple[list[Sheet], list[tuple[int, int]]]:
    """Submitted sheets (a conflicted judge's sheet never counts) and every (judge, proposal) assigned."""
    members = _members(s, round_.id)
    groups = {j: m.group_id for j, m in members.items()} if round_.groups else {}
    if round_.groups:
        # a judge outside any group counts in the first group rather than disappearing
        first = round_.groups[0].id
        groups = {j: g if g is not None else first for j, g in groups.items()}
    conflicts = {(c.judge_id, c.organization_id) for c in s.scalars(select(ConflictDeclaration))}
    own = dict(s.execute(select(Judge.id, Judge.affiliation_org_id)).all())
    conn = s.connection()  # plain Core rows: the ORM's per-row work dominated rounds of 100,000+ scores
    is_in = ScoreSheet.status == SheetStatus.SUBMITTED
    rows = conn.execute(
        select(Assignment.id, Assignment.judge_id, Assignment.proposal_id, Proposal.organization_id, is_in)
        .join(Proposal).outerjoin(ScoreSheet).where(Assignment.round_id == round_.id)).all()
    assigned, submitted = [], {}
    points: dict[int, dict[int, int]] = {}  # every submitted sheet, a conflicted judge's too (dropped below)
    for assignment_id, judge_id, proposal_id, org_id, in_ in rows:
        if in_:
            points[assignment_id] = {}
        if (judge_id, org_id) in conflicts or own.get(judge_id) == org_id:
            continue
        assigned.append((judge_id, proposal_id))
        if in_:
            submitted[assignment_id] = (judge_id, proposal_id)
    if submitted:
        scores = conn.execute(select(ScoreSheet.assignment_id, Score.criterion_id, Score.points_x100).join(Score)
                              .join(Assignment).where(Assignment.round_id == round_.id, is_in))
        for part in scores.partitions(10_000):  # fetched in blocks, not row by row
            for sheet_assignment, criterion_id, value in part:
                points[sheet_assignment][criterion_id] = value
    sheets = [Sheet(j, p, points[a], groups.get(j)) for a, (j, p) in submitted.items()]
    return sheets, assigned


def results(db: Database, round_id: int) -> RoundResult:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return _results(s, _round(s, round_id))


def _results(s: Session, round_: Round) -> RoundResult:
    earlier = {r.seq: r for r in s.scalars(select(Round).where(Round.competition_id == round_.competition_id,
                                                               Round.seq < round_.seq))}
    others = {}
    if any(t.get("round") in earlier for t in round_.tie_breaks or ()):
        others = {seq: _results(s, r) for seq, r in earlier.items()}
    sheets, assigned = load_sheets(s, round_)
    return score_round(round_spec(round_), sheets, assigned, others)


def open_sheets(db: Database, round_id: int) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Assignment).outerjoin(ScoreSheet)
                        .where(Assignment.round_id == round_id,
                               (ScoreSheet.id.is_(None)) | (ScoreSheet.status != SheetStatus.SUBMITTED))) or 0


def sheets_of(db: Database, round_id: int,
              judge_ids: Iterable[int] | None = None) -> dict[tuple[int, int], dict[int, int]]:
    """Submitted points by (judge, proposal) → criterion → hundredths, for printed sheets and exports."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return submitted_points(s, round_id, judge_ids)


def submitted_points(s: Session, round_id: int,
                     judge_ids: Iterable[int] | None = None) -> dict[tuple[int, int], dict[int, int]]:
    query = (select(Assignment.judge_id, Assignment.proposal_id, Score.criterion_id, Score.points_x100)
             .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id).join(Score)
             .where(Assignment.round_id == round_id, ScoreSheet.status == SheetStatus.SUBMITTED))
    if judge_ids is not None:
        query = query.where(Assignment.judge_id.in_(list(judge_ids)))
    out: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for judge_id, proposal_id, criterion_id, value in s.execute(query):
        out[judge_id, proposal_id][criterion_id] = value
    return dict(out)


def sha256_of(content: object) -> str:
    return hashlib.sha256(audit.canonical(content)).hexdigest()


def criterion_ids(db: Database, round_id: int) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(Criterion.id).where(Criterion.round_id == round_id).order_by(Criterion.seq)))
