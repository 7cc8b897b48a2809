"""Figures for the dashboard and `psp info`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..db import Database
from ..models import (
    Community,
    CommunityNeed,
    Competition,
    CompetitionStatus,
    IssuedDocument,
    Judge,
    Organization,
    Proposal,
    ProposalStatus,
    ServiceDomain,
)

COUNTED = {
    "competitions": Competition,
    "organizations": Organization,
    "proposals": Proposal,
    "needs": CommunityNeed,
    "communities": Community,
    "judges": Judge,
    "documents": IssuedDocument,
}

SCREENED = (ProposalStatus.ELIGIBLE, ProposalStatus.IN_REVIEW, ProposalStatus.RANKED)


def counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {name: s.scalar(select(func.count()).select_from(model)) or 0 for name, model in COUNTED.items()}


@dataclass(frozen=True, slots=True)
class DomainLine:
    domain: ServiceDomain
    proposals: int
    eligible: int
    requested_fen: int
    needs: int


@dataclass(frozen=True, slots=True)
class CompetitionSummary:
    id: int
    name: str
    year: int
    status: CompetitionStatus
    pool_fen: int
    project_cap_fen: int
    proposals: int
    eligible: int
    requested_fen: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    counts: dict[str, int]
    current: CompetitionSummary | None
    domains: list[DomainLine]


def dashboard(db: Database) -> Dashboard:
    """The most recent competition, what it asks of its pool, and proposals and needs by service domain."""
    with db.read() as s:
        current = s.execute(
            select(Competition.id, Competition.name, Competition.year, Competition.status,
                   Competition.pool_fen, Competition.project_cap_fen)
            .order_by(Competition.year.desc(), Competition.id.desc()).limit(1)
        ).first()
        summary = None
        domains: list[DomainLine] = []
        if current is not None:
            summary = _summary(s, current)
            domains = _domains(s, current.id)
    return Dashboard(counts(db), summary, domains)


def _summary(s, current) -> CompetitionSummary:  # type: ignore[no-untyped-def]
    submitted = Proposal.status != ProposalStatus.DRAFT
    row = s.execute(
        select(
            func.count().filter(submitted),
            func.count().filter(Proposal.status.in_(SCREENED)),
            func.coalesce(func.sum(Proposal.requested_fen).filter(submitted), 0),
        ).where(Proposal.competition_id == current.id)
    ).one()
    return CompetitionSummary(current.id, current.name, current.year, current.status, current.pool_fen,
                              current.project_cap_fen, row[0], row[1], int(row[2]))


def _domains(s, competition_id: int) -> list[DomainLine]:  # type: ignore[no-untyped-def]
    submitted = Proposal.status != ProposalStatus.DRAFT
    rows = s.execute(
        select(
            Proposal.domain,
            func.count().filter(submitted),
            func.count().filter(Proposal.status.in_(SCREENED)),
            func.coalesce(func.sum(Proposal.requested_fen).filter(submitted), 0),
        ).where(Proposal.competition_id == competition_id).group_by(Proposal.domain)
    ).all()
    needs = dict(s.execute(select(CommunityNeed.domain, func.count()).group_by(CommunityNeed.domain)).all())
    by_domain = {r[0]: r for r in rows}
    lines = []
    for domain in ServiceDomain:
        r = by_domain.get(domain)
        if r is None and not needs.get(domain):
            continue
        lines.append(DomainLine(domain, r[1] if r else 0, r[2] if r else 0, int(r[3]) if r else 0,
                                needs.get(domain, 0)))
    return lines
