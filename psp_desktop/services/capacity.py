"""An organization's capacity record (机构能力档案): what it did in every competition it took part in — proposals,
awards, evaluation grades, late progress reports, clawbacks and bars — read straight from the tables, so staff see
the facts on the organization's page, in the intake form and during screening (where the rules use them too).

Read-only. `records` reads any number of organizations with a fixed number of queries (no query per organization).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import AwardLevel, AwardStatus, EvaluationGrade, EvaluationKind, ProposalStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import (
    Award,
    Clawback,
    Competition,
    Evaluation,
    Organization,
    OrganizationBar,
    Payment,
    ProgressReport,
    Proposal,
    Tranche,
)
from . import access, monitoring
from .access import Permission

RECENT_YEARS = 3  # "failed evaluations in the last N years" on pages that have no competition to take N from
CHUNK = 500  # organizations per IN (...) list: far below every backend's limit on bound parameters
FUNDED = (AwardStatus.COMMITTED, AwardStatus.SIGNED, AwardStatus.COMPLETED)


@dataclass(frozen=True)
class ProposalFact:
    proposal_id: int
    intake_number: str
    title: str
    status: ProposalStatus


@dataclass(frozen=True)
class AwardFact:
    award_id: int
    proposal_id: int
    title: str
    level: AwardLevel
    amount_fen: int
    status: AwardStatus
    paid_fen: int

    @property
    def funded(self) -> bool:
        """Money was committed: a signed or committed award, or one cancelled after something was paid."""
        return self.status in FUNDED or (self.status == AwardStatus.CANCELLED and self.paid_fen > 0)

    @property
    def granted_fen(self) -> int:
        """What the organization was granted: the award, or what was paid before a cancellation."""
        if not self.funded:
            return 0
        return self.paid_fen if self.status == AwardStatus.CANCELLED else self.amount_fen


@dataclass(frozen=True)
class EvaluationFact:
    """A final (no longer open to objection) mid-term or final evaluation."""

    evaluation_id: int
    award_id: int
    title: str
    competition: str
    year: int
    kind: EvaluationKind
    grade: EvaluationGrade | None
    total_x100: int | None
    passed: bool | None
    evaluated_on: dt.date

    @property
    def failed(self) -> bool:
        return self.passed is False or self.grade == EvaluationGrade.FAIL


@dataclass(frozen=True)
class LateReport:
    """A progress report handed in after its due date and grace days, or still missing after them (monitoring's
    rule and the competition's grace days), or one the late-report rule already failed a gate for."""

    report_id: int
    award_id: int
    title: str
    seq: int
    due_on: dt.date
    submitted_on: dt.date | None
    days_late: int
    gate_failed_on: dt.date | None


@dataclass(frozen=True)
class ClawbackFact:
    clawback_id: int
    award_id: int
    title: str
    amount_fen: int
    reason: str
    decided_on: dt.date
    recovered_on: dt.date | None


@dataclass(frozen=True)
class BarFact:
    bar_id: int
    reason: str
    from_date: dt.date
    until_date: dt.date
    evaluation_id: int | None
    competition_id: int | None  # the competition of the evaluation that led to it, if any
    active: bool  # in force on the record's day

    def in_force(self, day: dt.date) -> bool:
        return self.from_date <= day <= self.until_date


@dataclass(frozen=True)
class CapacityRow:
    """One competition the organization took part in (sent in at least one proposal)."""

    competition_id: int
    competition: str
    year: int
    proposals: tuple[ProposalFact, ...]
    awards: tuple[AwardFact, ...]
    evaluations: tuple[EvaluationFact, ...]
    late_reports: tuple[LateReport, ...]
    clawbacks: tuple[ClawbackFact, ...]
    bars: tuple[BarFact, ...]


@dataclass(frozen=True)
class CapacitySummary:
    years_active: tuple[int, ...]
    competitions: int
    proposals: int
    funded: int
    granted_fen: int
    paid_fen: int
    evaluations: int
    failed_evaluations: int  # in the last `recent_years` years
    recent_years: int
    late_reports: int
    clawbacks: int
    clawed_back_fen: int
    active_bar_until: dt.date | None
    active_bar_reason: str


@dataclass(frozen=True)
class CapacityRecord:
    organization_id: int
    organization: str
    as_of: dt.date
    rows: tuple[CapacityRow, ...]  # newest competition first
    bars: tuple[BarFact, ...]  # every bar, newest first, linked to a competition or not
    summary: CapacitySummary

    @property
    def empty(self) -> bool:
        return not self.rows and not self.bars


# --- reading ---------------------------------------------------------------------------------------------------


def record(db: Database, organization_id: int, *, today: dt.date | None = None,
           recent_years: int = RECENT_YEARS) -> CapacityRecord:
    found = records(db, [organization_id], today=today, recent_years=recent_years)
    if organization_id not in found:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no organization with number {id}."),
                              id=organization_id)
    return found[organization_id]


def for_proposal(db: Database, proposal_id: int, *, today: dt.date | None = None,
                 recent_years: int = RECENT_YEARS) -> CapacityRecord:
    """The record of the organization that sent in this proposal (for the screening dialog)."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        organization_id = s.scalar(select(Proposal.organization_id).where(Proposal.id == proposal_id))
    if organization_id is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no proposal with number {id}."), id=proposal_id)
    return record(db, organization_id, today=today, recent_years=recent_years)


def records(db: Database, organization_ids: Iterable[int], *, today: dt.date | None = None,
            recent_years: int = RECENT_YEARS) -> dict[int, CapacityRecord]:
    """The records of many organizations (a list page), by organization id; unknown ids are left out."""
    access.require(db, Permission.RESULTS_READ)
    day = today or dt.date.today()
    ids = sorted(set(organization_ids))
    result: dict[int, CapacityRecord] = {}
    with db.read() as s:
        for start in range(0, len(ids), CHUNK):
            result.update(records_in(s, ids[start:start + CHUNK], day, recent_years))
    return result


def records_in(s: Session, ids: Sequence[int], today: dt.date, recent_years: int) -> dict[int, CapacityRecord]:
    """Seven queries for the whole batch, then grouped in Python."""
    names = dict(s.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())
    competitions, proposals = _proposals(s, ids)
    awards = _awards(s, ids)
    evaluations = _evaluations(s, ids)
    late = _late_reports(s, ids, today)
    clawbacks = _clawbacks(s, ids)
    bars = _bars(s, ids, today)
    return {org_id: _assemble(org_id, name, today, recent_years, competitions, proposals.get(org_id, {}),
                              awards.get(org_id, {}), evaluations.get(org_id, {}), late.get(org_id, {}),
                              clawbacks.get(org_id, {}), bars.get(org_id, []))
            for org_id, name in names.items()}


# Grouped facts: organization id -> competition id -> facts
Grouped = dict[int, dict[int, list[Any]]]


def _group(rows: Iterable[tuple[int, int, Any]]) -> Grouped:
    grouped: Grouped = defaultdict(lambda: defaultdict(list))
    for org_id, competition_id, fact in rows:
        grouped[org_id][competition_id].append(fact)
    return grouped


def _proposals(s: Session, ids: Sequence[int]) -> tuple[dict[int, tuple[str, int]], Grouped]:
    """Proposals sent in (drafts never were); the competitions they went to, as (name, year)."""
    rows = s.execute(
        select(Proposal.organization_id, Proposal.competition_id, Competition.name, Competition.year, Proposal.id,
               Proposal.intake_number, Proposal.title, Proposal.status)
        .join(Competition, Competition.id == Proposal.competition_id)
        .where(Proposal.organization_id.in_(ids), Proposal.intake_number.is_not(None))
        .order_by(Proposal.id)).all()
    competitions = {r[1]: (r[2], r[3]) for r in rows}
    return competitions, _group((r[0], r[1], ProposalFact(r[4], r[5], r[6], r[7])) for r in rows)


def _award_join(*columns: Any) -> Any:
    return (select(Proposal.organization_id, Award.competition_id, *columns)
            .join(Proposal, Proposal.id == Award.proposal_id))


def _awards(s: Session, ids: Sequence[int]) -> Grouped:
    paid = (select(Tranche.award_id, func.sum(Payment.amount_fen).label("paid"))
            .join(Payment, Payment.tranche_id == Tranche.id).group_by(Tranche.award_id).subquery())
    rows = s.execute(
        _award_join(Award.id, Award.proposal_id, Proposal.title, Award.level, Award.amount_fen, Award.status,
                    func.coalesce(paid.c.paid, 0))
        .outerjoin(paid, paid.c.award_id == Award.id)
        .where(Proposal.organization_id.in_(ids)).order_by(Award.id)).all()
    return _group((r[0], r[1], AwardFact(r[2], r[3], r[4], r[5], r[6], r[7], int(r[8]))) for r in rows)


def _evaluations(s: Session, ids: Sequence[int]) -> Grouped:
    rows = s.execute(
        _award_join(Evaluation.id, Evaluation.award_id, Proposal.title, Competition.name, Competition.year,
                    Evaluation.kind, Evaluation.grade, Evaluation.total_x100, Evaluation.passed,
                    Evaluation.evaluated_on, Evaluation.created_at)
        .join(Evaluation, Evaluation.award_id == Award.id)
        .join(Competition, Competition.id == Award.competition_id)
        .where(Proposal.organization_id.in_(ids), Evaluation.final.is_(True))
        .order_by(Evaluation.evaluated_on, Evaluation.id)).all()
    return _group((r[0], r[1], EvaluationFact(*r[2:11], r[11] or r[12].date())) for r in rows)


def failed_within(evaluations: Iterable[EvaluationFact], years: int, as_of: dt.date) -> list[EvaluationFact]:
    """Failed evaluations fewer than `years` years before as_of (or after it), newest first. One dated exactly
    `years` years earlier no longer counts, as a registration `years` years old already counts as old enough."""
    from .screening import anniversary  # screening's rules import this module

    return sorted((e for e in evaluations if e.failed and anniversary(e.evaluated_on, years) > as_of),
                  key=lambda e: (e.evaluated_on, e.evaluation_id), reverse=True)


def _late_reports(s: Session, ids: Sequence[int], today: dt.date) -> Grouped:
    rows = s.execute(
        _award_join(ProgressReport.id, ProgressReport.award_id, Proposal.title, ProgressReport.seq,
                    ProgressReport.due_on, ProgressReport.submitted_on, ProgressReport.late_failed_on,
                    Competition.rules, Award.status)
        .join(ProgressReport, ProgressReport.award_id == Award.id)
        .join(Competition, Competition.id == Award.competition_id)
        .where(Proposal.organization_id.in_(ids))
        .order_by(ProgressReport.due_on, ProgressReport.id)).all()
    facts = []
    for org_id, competition_id, report_id, award_id, title, seq, due, submitted, failed_on, rules, status in rows:
        if submitted is None and failed_on is None and status == AwardStatus.CANCELLED:
            continue  # nothing more is owed on a cancelled project (monitoring stops with it)
        if failed_on is not None or monitoring.is_late(due, submitted, monitoring.rules_from(rules), today):
            late_by = max(((submitted or today) - due).days, 0)
            facts.append((org_id, competition_id,
                          LateReport(report_id, award_id, title, seq, due, submitted, late_by, failed_on)))
    return _group(facts)


def _clawbacks(s: Session, ids: Sequence[int]) -> Grouped:
    rows = s.execute(
        _award_join(Clawback.id, Clawback.award_id, Proposal.title, Clawback.amount_fen, Clawback.reason,
                    Clawback.decided_on, Clawback.recovered_on)
        .join(Clawback, Clawback.award_id == Award.id)
        .where(Proposal.organization_id.in_(ids)).order_by(Clawback.decided_on, Clawback.id)).all()
    return _group((r[0], r[1], ClawbackFact(*r[2:])) for r in rows)


def _bars(s: Session, ids: Sequence[int], today: dt.date) -> dict[int, list[BarFact]]:
    rows = s.execute(
        select(OrganizationBar.organization_id, OrganizationBar.id, OrganizationBar.reason,
               OrganizationBar.from_date, OrganizationBar.until_date, OrganizationBar.evaluation_id,
               Award.competition_id)
        .outerjoin(Evaluation, Evaluation.id == OrganizationBar.evaluation_id)
        .outerjoin(Award, Award.id == Evaluation.award_id)
        .where(OrganizationBar.organization_id.in_(ids))
        .order_by(OrganizationBar.from_date.desc(), OrganizationBar.id.desc())).all()
    bars: dict[int, list[BarFact]] = defaultdict(list)
    for org_id, *facts in rows:
        bars[org_id].append(BarFact(*facts, active=facts[2] <= today <= facts[3]))
    return bars


def _assemble(org_id: int, name: str, today: dt.date, recent_years: int,
              competitions: dict[int, tuple[str, int]], proposals: dict[int, list[Any]], awards: dict[int, list[Any]],
              evaluations: dict[int, list[Any]], late: dict[int, list[Any]], clawbacks: dict[int, list[Any]],
              bars: list[BarFact]) -> CapacityRecord:
    order = sorted(proposals, key=lambda cid: (competitions[cid][1], cid), reverse=True)
    rows = tuple(CapacityRow(
        cid, competitions[cid][0], competitions[cid][1], tuple(proposals[cid]), tuple(awards.get(cid, ())),
        tuple(evaluations.get(cid, ())), tuple(late.get(cid, ())), tuple(clawbacks.get(cid, ())),
        tuple(b for b in bars if b.competition_id == cid)) for cid in order)
    return CapacityRecord(org_id, name, today, rows, tuple(bars), _summary(rows, bars, today, recent_years))


def _summary(rows: Sequence[CapacityRow], bars: Sequence[BarFact], today: dt.date,
             recent_years: int) -> CapacitySummary:
    awards = [a for r in rows for a in r.awards]
    evaluations = [e for r in rows for e in r.evaluations]
    clawbacks = [c for r in rows for c in r.clawbacks]
    active = [b for b in bars if b.active]
    last_bar = max(active, key=lambda b: (b.until_date, b.bar_id)) if active else None
    return CapacitySummary(
        years_active=tuple(sorted({r.year for r in rows})), competitions=len(rows),
        proposals=sum(len(r.proposals) for r in rows), funded=sum(a.funded for a in awards),
        granted_fen=sum(a.granted_fen for a in awards), paid_fen=sum(a.paid_fen for a in awards),
        evaluations=len(evaluations), failed_evaluations=len(failed_within(evaluations, recent_years, today)),
        recent_years=recent_years, late_reports=sum(len(r.late_reports) for r in rows), clawbacks=len(clawbacks),
        clawed_back_fen=sum(c.amount_fen for c in clawbacks),
        active_bar_until=last_bar.until_date if last_bar else None,
        active_bar_reason=last_bar.reason if last_bar else "")


# --- for the screening rules (inside screening's session) -----------------------------------------------------


def evaluations_in(s: Session, organization_id: int) -> list[EvaluationFact]:
    """The organization's final evaluations, oldest first."""
    found = [e for facts in _evaluations(s, [organization_id]).get(organization_id, {}).values() for e in facts]
    return sorted(found, key=lambda e: (e.evaluated_on, e.evaluation_id))


def bars_in(s: Session, organization_id: int, day: dt.date) -> list[BarFact]:
    """The organization's bars, newest first, `active` as of day."""
    return _bars(s, [organization_id], day).get(organization_id, [])
