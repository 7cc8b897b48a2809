"""Project commission (服务委托): the government assigns a project directly to a qualified organization.

`commission` writes, in one transaction, the project (a Proposal carrying the justification and the approving
person), the screening rules' automatic checks (stored as EligibilityCheck rows, shown as for any application) and
the Award at the agreed amount with the competition's tranche schedule — from there agreement, tranches, monitoring
and evaluation treat it exactly as a competition award. The change log entry "commission.assign" holds the
justification and the approver.

The checks are screening's own rules (screening.RULES and RECORD_RULES, as `screening.evaluate` runs them), judged on
the day of the decision rather than an application deadline. Which failed checks block: a commission is a deliberate
choice of one organization, so most failed rules (age of registration, rating, inspection, bank account, budget
share, management fee…) are shown and left to the justification. Sanctions an organization cannot mend are never
overridden by a justification and refuse the commission (BLOCKING): the abnormal-activity and serious-violation
lists (checked on every commission, even when the programme's rules do not turn them on), a bar on applications in
force, and a failed evaluation within the years the programme's rules name.

The amount must be more than zero, within the programme's cap per project and within what is left of its pool
(allocation's rules: the pool counts every funded award and what was paid on cancelled ones). Permission:
FUNDING_EDIT, as for committing awards — assigning a commission commits money.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import AwardLevel, AwardStatus, CompetitionMode, CompetitionStatus, ProposalStatus, ServiceDomain
from ..errors import QT_TRANSLATE_NOOP, Term, ValidationError
from ..models import Award, Community, Competition, EligibilityCheck, Organization, Proposal
from ..money import MAX_FEN, format_yuan
from . import access, allocation, audit, proposals, screening
from .access import Actor, Permission
from .proposals import BudgetLineData, ProposalData

JUSTIFICATION_LIMIT = 2000
APPROVER_LIMIT = Proposal.__table__.c.commission_approved_by.type.length
# sanctions a justification cannot override (see the module text)
BLOCKING = frozenset({"credit_lists", "organization_bar", "evaluation_record"})


@dataclass(frozen=True)
class CommissionInput:
    competition_id: int
    organization_id: int
    title: str
    domain: ServiceDomain
    amount_fen: int
    justification: str
    approved_by: str
    start_month: dt.date | None = None
    end_month: dt.date | None = None
    community_id: int | None = None
    target_group: str = ""
    location: str = ""
    summary: str = ""
    direct_beneficiaries: int = 0
    indirect_beneficiaries: int = 0
    budget_lines: Sequence[BudgetLineData] = ()  # optional; without lines the budget is the amount
    need_ids: Sequence[int] = ()
    on: dt.date | None = None  # the day of the decision (today when None)


@dataclass(frozen=True)
class Commission:
    """What was written: the project, its award and the checks as stored."""

    proposal_id: int
    award_id: int
    intake_number: str
    checks: tuple[screening.CheckResult, ...] = field(default_factory=tuple)


def commission(db: Database, data: CommissionInput) -> int:
    """Assign the project and fund it; returns the award's id. Bad input is refused before anything is written."""
    return assign(db, data).award_id


def assign(db: Database, data: CommissionInput) -> Commission:
    actor = access.require(db, Permission.FUNDING_EDIT)
    _input_problems(data)
    with db.write() as s:
        return assign_in(s, data, actor)


def assign_in(s: Session, data: CommissionInput, who: Actor) -> Commission:
    """The session-level core, for callers that hold their own transaction and actor (the demo builder)."""
    _input_problems(data)
    competition = _commission_competition(s, data.competition_id)
    organization = s.get(Organization, data.organization_id)
    if organization is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no organization with number {id}."),
                              id=data.organization_id)
    if data.community_id is not None and s.get(Community, data.community_id) is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no community with number {id}."),
                              id=data.community_id)
    _check_cap(competition, data.amount_fen)
    proposal = _add_proposal(s, competition, data)
    checks = _run_checks(s, proposal, data.on or dt.date.today())
    _refuse_blocked(organization, checks)
    line = allocation.Line(proposal.id, None, None, data.amount_fen, AwardLevel.NONE, data.amount_fen,
                           AwardStatus.COMMITTED)
    award_id = allocation.add_award_in(s, competition, line)  # the award and its tranche schedule, as commit_in does
    s.flush()
    allocation.check_pool_in(s, competition.id)
    if competition.status in allocation.BEFORE_SIGNING:  # a project to sign: the programme is signing
        competition.status = CompetitionStatus.SIGNING
    audit.log(s, who, "commission.assign", "award", award_id, None, {
        "proposal": proposal.id, "intake_number": proposal.intake_number, "competition": competition.id,
        "organization": organization.id, "title": proposal.title, "amount_fen": data.amount_fen,
        "justification": proposal.commission_justification, "approved_by": proposal.commission_approved_by,
        "checks": [{"code": c.code, "passed": c.passed} for c in checks]})
    return Commission(proposal.id, award_id, proposal.intake_number or "", tuple(checks))


def checks(db: Database, proposal_id: int) -> list[screening.CheckResult]:
    """The stored checks of a commissioned project, as the screening page shows any proposal's."""
    access.require(db, Permission.RESULTS_READ)
    return screening.checks(db, proposal_id)


@dataclass(frozen=True)
class CommissionedProject:
    """One commissioned project of a programme, as its list shows it."""

    proposal_id: int
    award_id: int
    intake_number: str
    title: str
    organization: str
    domain: ServiceDomain
    amount_fen: int
    approved_by: str
    decided_on: dt.date | None
    status: AwardStatus
    justification: str


def projects(db: Database, competition_id: int) -> list[CommissionedProject]:
    """The programme's commissioned projects (those with an award), by intake number."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        rows = s.execute(
            select(Proposal.id, Award.id, Proposal.intake_number, Proposal.title, Organization.name, Proposal.domain,
                   Award.amount_fen, Proposal.commission_approved_by, Proposal.submitted_on, Award.status,
                   Proposal.commission_justification)
            .join(Award, Award.proposal_id == Proposal.id)
            .join(Organization, Organization.id == Proposal.organization_id)
            .where(Proposal.competition_id == competition_id).order_by(*proposals.intake_order(Proposal.intake_number)))
        return [CommissionedProject(*row[:2], row[2] or "", *row[3:]) for row in rows]


def preview_checks(db: Database, data: CommissionInput) -> list[screening.CheckResult]:
    """The checks `assign` would store for this input on its day, before anything is confirmed; nothing is written
    (the project is built in the session, never flushed, and dropped by the rollback). The fields a form has not
    filled yet simply do not fail: a check of the amount needs the amount."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s, s.no_autoflush:
        competition = _commission_competition(s, data.competition_id)
        organization = s.get(Organization, data.organization_id)
        if organization is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no organization with number {id}."),
                                  id=data.organization_id)
        proposal = Proposal(competition=competition, organization=organization)
        proposals._assign(s, proposal, _proposal_data(data))
        proposal.total_budget_fen = proposal.requested_fen + proposal.matching_fen
        proposal.intake_number = proposals.next_intake_number(s, competition)
        s.add(proposal)  # the record rules read through the proposal's session
        try:
            return _evaluate(s, proposal, data.on or dt.date.today())
        finally:
            s.rollback()


# --- input ---------------------------------------------------------------------------------------------------------


def _input_problems(data: CommissionInput) -> None:
    justification, approver = data.justification.strip(), data.approved_by.strip()
    if not justification:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "A commission needs its justification: write why this organization is assigned the project."))
    if len(justification) > JUSTIFICATION_LIMIT:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The justification is {length} characters long; at most {limit} are allowed."),
            length=len(justification), limit=JUSTIFICATION_LIMIT)
    if not approver:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "A commission needs the name of the person who approved it."))
    if len(approver) > APPROVER_LIMIT:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The approver's name is longer than {limit} characters."), limit=APPROVER_LIMIT)
    if data.amount_fen <= 0:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The amount of a commission must be more than zero."))
    if data.amount_fen > MAX_FEN:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The amount {amount} yuan is too large."),
                              amount=format_yuan(data.amount_fen))
    problems = proposals.draft_problems(_proposal_data(data))
    problems.required("title", data.title)
    problems.required("start_month", data.start_month)
    problems.required("end_month", data.end_month)
    problems.raise_if_any()
    total = sum(line.amount for line in data.budget_lines)
    if data.budget_lines and total < data.amount_fen:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The budget lines add up to {total} yuan, less than the commissioned amount of {amount} yuan."),
            total=format_yuan(total), amount=format_yuan(data.amount_fen))


def _proposal_data(data: CommissionInput) -> ProposalData:
    """The project as an application's fields: the amount is the request, the rest of the budget own funds."""
    total = sum(line.amount for line in data.budget_lines) if data.budget_lines else data.amount_fen
    return ProposalData(
        competition_id=data.competition_id, organization_id=data.organization_id, title=data.title,
        domain=data.domain, community_id=data.community_id, target_group=data.target_group, location=data.location,
        direct_beneficiaries=data.direct_beneficiaries, indirect_beneficiaries=data.indirect_beneficiaries,
        start_month=data.start_month, end_month=data.end_month, summary=data.summary, requested_fen=data.amount_fen,
        matching_fen=max(total - data.amount_fen, 0), budget_lines=list(data.budget_lines),
        need_ids=list(data.need_ids))


def _commission_competition(s: Session, competition_id: int) -> Competition:
    competition = allocation.programme_in(s, competition_id, CompetitionMode.COMMISSION, QT_TRANSLATE_NOOP(
        "Errors", "{competition} is not a commission programme: projects are assigned directly only in commission "
                  "mode."))
    if competition.status is CompetitionStatus.CLOSED:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "{competition} is closed."), competition=competition.name)
    return competition


def _check_cap(competition: Competition, amount_fen: int) -> None:
    if competition.project_cap_fen and amount_fen > competition.project_cap_fen:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "{amount} yuan is above the cap per project of {cap} yuan."),
                              amount=format_yuan(amount_fen), cap=format_yuan(competition.project_cap_fen))


# --- writing -------------------------------------------------------------------------------------------------------


def _add_proposal(s: Session, competition: Competition, data: CommissionInput) -> Proposal:
    proposal = Proposal(status=ProposalStatus.AWARDED, commission_justification=data.justification.strip(),
                        commission_approved_by=data.approved_by.strip(), submitted_on=data.on or dt.date.today())
    s.add(proposal)
    with s.no_autoflush:
        proposals._assign(s, proposal, _proposal_data(data))  # the intake form's own field rules and need links
    proposal.total_budget_fen = proposal.requested_fen + proposal.matching_fen  # without lines: the amount
    proposal.intake_number = proposals.next_intake_number(s, competition)
    s.flush()
    return proposal


def _run_checks(s: Session, proposal: Proposal, on: dt.date) -> list[screening.CheckResult]:
    """Screening's automatic rules, judged on the day of the decision (a programme without an application period
    has no other day), with the credit lists always on; stored as screening stores them."""
    results = _evaluate(s, proposal, on)
    checked_at = audit.now()  # the change log's clock, so a replayed history (the demo) stamps the same time
    s.add_all(EligibilityCheck(proposal_id=proposal.id, rule_code=r.code, manual=False, passed=r.passed,
                               reason=r.message, params=r.params, checked_at=checked_at) for r in results)
    s.flush()
    return results


def _evaluate(s: Session, proposal: Proposal, on: dt.date) -> list[screening.CheckResult]:
    """The rules as screening.evaluate runs them, judged on the day of the decision with the credit lists on."""
    facts = screening._facts(s, proposal)
    facts.as_of = on
    facts.rules = {**facts.rules, "exclude_abnormal_list": True, "exclude_violation_list": True}
    results = []
    for code, rule in (*screening.RULES, *screening.RECORD_RULES):
        outcome = rule(facts)
        if outcome is not None:
            passed, message, params = outcome
            results.append(screening.CheckResult(code, False, passed, message, params))
    return results


def _refuse_blocked(organization: Organization, results: Sequence[screening.CheckResult]) -> None:
    blocked = [r for r in results if r.passed is False and r.code in BLOCKING]
    if blocked:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "{organization} cannot be commissioned: {reason}."), organization=organization.name,
            reason=CheckReason(blocked[0]))


class CheckReason(Term):
    """A check's reason inside an error message, translated (context "Screening") and filled where it is shown."""

    check: screening.CheckResult

    def __new__(cls, check: screening.CheckResult) -> CheckReason:
        term = super().__new__(cls, screening.CONTEXT, check.render())
        term.check = check
        return term

    def render(self, translate: Any = None) -> str:
        return self.check.render(translate)
