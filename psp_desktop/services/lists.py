"""The rows behind the list pages, as frozen dataclasses (never live ORM objects).

Proposals can number tens of thousands at city scale, so that list is served as ordered ids plus rows fetched
by id for the part on screen; sorting and searching happen in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, or_, select

from ..db import Database
from ..models import (
    Assignment,
    Community,
    CommunityNeed,
    Competition,
    CompetitionMode,
    CompetitionStatus,
    CompetitionTheme,
    ConflictDeclaration,
    Criterion,
    InspectionResult,
    Judge,
    NeedSource,
    Organization,
    OrgType,
    PanelMember,
    Proposal,
    ProposalStatus,
    Rating,
    Round,
    RoundKind,
    ScoreSheet,
    ServiceDomain,
    SheetStatus,
)
from .proposals import intake_order
from .validation import contains


@dataclass(frozen=True, slots=True)
class NeedRow:
    id: int
    street: str
    community: str
    domain: ServiceDomain
    title: str
    people_affected: int
    priority: int
    source: NeedSource
    collected_on: dt.date


def needs(db: Database) -> list[NeedRow]:
    with db.read() as s:
        rows = s.execute(
            select(CommunityNeed.id, Community.street, Community.name, CommunityNeed.domain, CommunityNeed.title,
                   CommunityNeed.people_affected, CommunityNeed.priority, CommunityNeed.source,
                   CommunityNeed.collected_on)
            .join(Community).order_by(CommunityNeed.collected_on.desc(), CommunityNeed.id)
        ).all()
    return [NeedRow(*r) for r in rows]


@dataclass(frozen=True, slots=True)
class OrganizationRow:
    id: int
    name: str
    uscc: str
    org_type: OrgType
    registered_on: dt.date | None
    inspection_result: InspectionResult
    rating: Rating
    contact_name: str
    contact_phone: str
    proposals: int


def organizations(db: Database) -> list[OrganizationRow]:
    counted = (select(Proposal.organization_id, func.count().label("n"))
               .group_by(Proposal.organization_id).subquery())
    with db.read() as s:
        rows = s.execute(
            select(Organization.id, Organization.name, func.coalesce(Organization.uscc, ""), Organization.org_type,
                   Organization.registered_on, Organization.inspection_result, Organization.rating,
                   Organization.contact_name, Organization.contact_phone, func.coalesce(counted.c.n, 0))
            .outerjoin(counted, counted.c.organization_id == Organization.id)
            .order_by(Organization.name)
        ).all()
    return [OrganizationRow(*r) for r in rows]


@dataclass(frozen=True, slots=True)
class CompetitionRow:
    id: int
    name: str
    year: int
    mode: CompetitionMode
    status: CompetitionStatus
    organizer: str
    pool_fen: int
    project_cap_fen: int
    apply_until: dt.date | None
    proposals: int


def competitions(db: Database) -> list[CompetitionRow]:
    counted = (select(Proposal.competition_id, func.count().label("n"))
               .where(Proposal.status != ProposalStatus.DRAFT).group_by(Proposal.competition_id).subquery())
    with db.read() as s:
        rows = s.execute(
            select(Competition.id, Competition.name, Competition.year, Competition.mode, Competition.status,
                   Competition.organizer, Competition.pool_fen, Competition.project_cap_fen,
                   Competition.apply_until, func.coalesce(counted.c.n, 0))
            .outerjoin(counted, counted.c.competition_id == Competition.id)
            .order_by(Competition.year.desc(), Competition.name)
        ).all()
    return [CompetitionRow(*r) for r in rows]


@dataclass(frozen=True, slots=True)
class JudgeRow:
    id: int
    name: str
    title: str
    affiliation: str
    expertise: str
    phone: str
    is_public_juror: bool
    panels: int
    conflicts: int


def judges(db: Database) -> list[JudgeRow]:
    panels = select(PanelMember.judge_id, func.count().label("n")).group_by(PanelMember.judge_id).subquery()
    conflicts = (select(ConflictDeclaration.judge_id, func.count().label("n"))
                 .group_by(ConflictDeclaration.judge_id).subquery())
    with db.read() as s:
        rows = s.execute(
            select(Judge.id, Judge.name, Judge.title, Judge.affiliation, Judge.expertise, Judge.phone,
                   Judge.is_public_juror, func.coalesce(panels.c.n, 0), func.coalesce(conflicts.c.n, 0))
            .outerjoin(panels, panels.c.judge_id == Judge.id)
            .outerjoin(conflicts, conflicts.c.judge_id == Judge.id)
            .where(Judge.active).order_by(Judge.id)
        ).all()
    return [JudgeRow(*r) for r in rows]


@dataclass(frozen=True, slots=True)
class RoundRow:
    id: int
    competition: str
    seq: int
    name: str
    kind: RoundKind
    weight_percent: int
    blind: bool
    criteria: int
    max_total_x100: int
    judges_per_proposal: int
    competition_id: int
    frozen: bool
    assigned: int  # assignments (judge × proposal)
    submitted: int  # of which the sheet is submitted


def rounds(db: Database) -> list[RoundRow]:
    rubric = (select(Criterion.round_id, func.count().label("n"),
                     func.sum(Criterion.max_points_x100).label("total"))
              .where(Criterion.is_bonus.is_(False)).group_by(Criterion.round_id).subquery())
    sheets = (select(Assignment.round_id, func.count().label("n"),
                     func.count(case((ScoreSheet.status == SheetStatus.SUBMITTED, 1))).label("done"))
              .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
              .group_by(Assignment.round_id).subquery())
    with db.read() as s:
        rows = s.execute(
            select(Round.id, Competition.name, Round.seq, Round.name, Round.kind, Round.weight_percent, Round.blind,
                   func.coalesce(rubric.c.n, 0), func.coalesce(rubric.c.total, 0), Round.judges_per_proposal,
                   Round.competition_id, Round.frozen, func.coalesce(sheets.c.n, 0), func.coalesce(sheets.c.done, 0))
            .join(Competition).outerjoin(rubric, rubric.c.round_id == Round.id)
            .outerjoin(sheets, sheets.c.round_id == Round.id)
            .order_by(Competition.year.desc(), Competition.id, Round.seq)
        ).all()
    return [RoundRow(*r) for r in rows]


# --- proposals: ids in order, rows on demand ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProposalRow:
    id: int
    intake_number: str
    title: str
    organization: str
    domain: ServiceDomain
    requested_fen: int
    matching_fen: int
    total_budget_fen: int
    status: ProposalStatus
    competition: str


PROPOSAL_SORT_KEYS: dict[str, tuple[ColumnElement[object], ...]] = {
    # drafts have no intake number yet: after the numbered ones, not before
    "intake_number": (case((Proposal.intake_number.is_(None), 1), else_=0), *intake_order(Proposal.intake_number)),
    "title": (Proposal.title,),
    "organization": (Organization.name,),
    "domain": (Proposal.domain,),
    "requested_fen": (Proposal.requested_fen,),
    "matching_fen": (Proposal.matching_fen,),
    "total_budget_fen": (Proposal.total_budget_fen,),
    "status": (Proposal.status,),
    "competition": (Competition.name,),
}


def proposal_ids(db: Database, *, search: str = "", sort: str = "", descending: bool = False,
                 competition_id: int | None = None) -> list[int]:
    """Ids of the proposals matching `search` (intake number, title or organization), in display order:
    by the `sort` column, or newest first (latest year, highest intake number; this order reads only the
    competition (year) and proposal (competition, intake number) indexes). Joins only what the search or the sort
    needs: this runs on every keystroke over the whole register."""
    keys = PROPOSAL_SORT_KEYS[sort] if sort else ()
    query = select(Proposal.id)
    text = search.strip()
    if text or sort == "organization":
        query = query.join(Organization, Organization.id == Proposal.organization_id)
    if sort == "competition" or not keys:
        query = query.join(Competition, Competition.id == Proposal.competition_id)
    if text:
        query = query.where(or_(*(contains(column, text) for column in (
            Proposal.intake_number, Proposal.title, Organization.name))))
    if competition_id is not None:
        query = query.where(Proposal.competition_id == competition_id)
    if keys:
        query = query.order_by(*(k.desc() if descending else k.asc() for k in keys), Proposal.id)
    else:
        query = query.order_by(Competition.year.desc(), Competition.id.desc(), Proposal.intake_number.desc(),
                               Proposal.id.desc())
    with db.rows() as conn:
        return list(conn.execute(query).scalars())


def proposal_rows(db: Database, ids: Sequence[int]) -> list[ProposalRow]:
    """Rows for the given ids, in the same order."""
    query = (select(Proposal.id, func.coalesce(Proposal.intake_number, ""), Proposal.title, Organization.name,
                    Proposal.domain, Proposal.requested_fen, Proposal.matching_fen, Proposal.total_budget_fen,
                    Proposal.status, Competition.name)
             .join(Organization, Organization.id == Proposal.organization_id)
             .join(Competition, Competition.id == Proposal.competition_id)
             .where(Proposal.id.in_(list(ids))))
    with db.rows() as conn:
        found = {r[0]: ProposalRow(*r) for r in conn.execute(query)}
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True, slots=True)
class Choice:
    """An id with the name people pick it by (drop-downs in forms)."""

    id: int
    name: str
    detail: str = ""


def theme_choices(db: Database, competition_id: int) -> list[Choice]:
    with db.read() as s:
        return [Choice(r[0], r[1], r[2].value) for r in s.execute(
            select(CompetitionTheme.id, CompetitionTheme.name, CompetitionTheme.domain)
            .where(CompetitionTheme.competition_id == competition_id).order_by(CompetitionTheme.seq))]


def community_choices(db: Database) -> list[Choice]:
    with db.read() as s:
        return [Choice(r[0], r[1], r[2]) for r in s.execute(
            select(Community.id, Community.name, Community.street).order_by(Community.street, Community.name))]


def competition_choices(db: Database) -> list[Choice]:
    with db.read() as s:
        return [Choice(r[0], r[1], r[2].value) for r in s.execute(
            select(Competition.id, Competition.name, Competition.status)
            .order_by(Competition.year.desc(), Competition.id.desc()))]


def organization_choices(db: Database) -> list[Choice]:
    with db.read() as s:
        return [Choice(r[0], r[1], r[2]) for r in s.execute(
            select(Organization.id, Organization.name, func.coalesce(Organization.uscc, ""))
            .order_by(Organization.name))]
