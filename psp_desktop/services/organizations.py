"""The organization registry: one record per unified social credit code, validated, with its history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ..db import Database
from ..enums import InspectionResult, OrgType, ProposalStatus, Rating
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Award, Competition, Evaluation, Organization, OrganizationStaff, Proposal
from . import access, audit
from .access import Permission
from .validation import Problems, contains


@dataclass
class StaffData:
    name: str
    role: str = ""
    qualification: str = ""
    social_work_certificate: bool = False


@dataclass
class OrganizationData:
    """Everything staff enter for an organization (申报书 机构部分)."""

    name: str = ""
    uscc: str | None = None
    registration_number: str | None = None
    registration_authority: str = ""
    org_type: OrgType = OrgType.SERVICE_AGENCY
    registered_on: dt.date | None = None
    legal_representative: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    email: str = ""
    address: str = ""
    inspection_result: InspectionResult = InspectionResult.NONE
    inspection_year: int | None = None
    rating: Rating = Rating.NONE
    has_bank_account: bool = True
    bank_name: str = ""
    bank_account: str = ""
    abnormal_list_until: dt.date | None = None
    violation_list_until: dt.date | None = None
    intro: str = ""
    past_projects: str = ""
    staff: list[StaffData] = field(default_factory=list)


FIELDS = tuple(f.name for f in dataclasses.fields(OrganizationData) if f.name != "staff")
INTRO_LIMIT = 500


class DuplicateOrganization(ValidationError):
    """The credit code is registered already: the existing record is offered instead."""

    def __init__(self, existing_id: int, name: str, uscc: str) -> None:
        super().__init__(QT_TRANSLATE_NOOP(
            "Errors", "{uscc} is already registered as {name}; open that record instead."), uscc=uscc, name=name)
        self.existing_id = existing_id


class ChangedElsewhere(ValidationError):
    def __init__(self) -> None:
        super().__init__(QT_TRANSLATE_NOOP(
            "Errors", "Someone else saved this record meanwhile. Reload it and make your change again."))


def normalise(data: OrganizationData) -> OrganizationData:
    """Trimmed text, upper-case codes, empty codes as None."""
    clean = dataclasses.replace(data)
    for name in FIELDS:
        value = getattr(clean, name)
        if isinstance(value, str):
            setattr(clean, name, value.strip())
    clean.uscc = (clean.uscc or "").upper().replace(" ", "") or None
    clean.registration_number = clean.registration_number or None
    clean.staff = [dataclasses.replace(s, name=s.name.strip()) for s in data.staff if s.name.strip()]
    return clean


def problems_of(data: OrganizationData, *, today: dt.date | None = None) -> Problems:
    today = today or dt.date.today()
    problems = Problems()
    problems.required("name", data.name)
    problems.lengths(Organization.__table__, data, [n for n in FIELDS if isinstance(getattr(data, n), str)])
    for index, member in enumerate(data.staff, start=1):
        problems.lengths(OrganizationStaff.__table__, member, ("name", "role", "qualification"),
                         prefix=f"staff[{index}].")
    if not data.uscc and not data.registration_number:
        problems.add("uscc", QT_TRANSLATE_NOOP(
            "Errors", "enter the unified social credit code (or, for an older certificate, the registration number)"))
    problems.uscc("uscc", data.uscc)
    problems.phone("contact_phone", data.contact_phone)
    problems.not_after("registered_on", data.registered_on, today)
    if data.inspection_year is not None and not 1990 <= data.inspection_year <= today.year:
        problems.add("inspection_year", QT_TRANSLATE_NOOP("Errors", "inspection year {year} is not plausible"),
                     year=data.inspection_year)
    problems.max_length("intro", data.intro, INTRO_LIMIT)
    if data.email and "@" not in data.email:
        problems.add("email", QT_TRANSLATE_NOOP("Errors", "{email} is not an e-mail address"), email=data.email)
    return problems


def find_by_uscc(session: Session, uscc: str) -> Organization | None:
    return session.scalars(select(Organization).where(Organization.uscc == uscc.strip().upper())).first()


def create(db: Database, data: OrganizationData) -> int:
    actor = access.require(db, Permission.REGISTRY_EDIT)
    data = normalise(data)
    problems_of(data).raise_if_any()
    with db.write() as s:
        _refuse_duplicate(s, data.uscc, None)
        organization = Organization(**{name: getattr(data, name) for name in FIELDS})
        organization.staff = [OrganizationStaff(**dataclasses.asdict(member)) for member in data.staff]
        s.add(organization)
        s.flush()
        audit.log(s, actor, "organization.create", "organization", organization.id,
                  after={"name": data.name, "uscc": data.uscc or data.registration_number})
        return organization.id


def update(db: Database, organization_id: int, data: OrganizationData, row_version: int) -> None:
    """Saves the edit unless the record changed since it was loaded at row_version."""
    actor = access.require(db, Permission.REGISTRY_EDIT)
    data = normalise(data)
    problems_of(data).raise_if_any()
    try:
        with db.write() as s:
            organization = s.get(Organization, organization_id, options=[selectinload(Organization.staff)])
            if organization is None or organization.row_version != row_version:
                raise ChangedElsewhere()
            _refuse_duplicate(s, data.uscc, organization_id)
            old = _facts(organization)
            for name in FIELDS:
                setattr(organization, name, getattr(data, name))
            organization.staff = [OrganizationStaff(**dataclasses.asdict(member)) for member in data.staff]
            flag_modified(organization, "name")  # a team-only edit must bump the row version too
            before, after = changed(old, _facts(organization))
            audit.log(s, actor, "organization.update", "organization", organization_id, before=before, after=after)
    except StaleDataError as exc:
        raise ChangedElsewhere() from exc


def _facts(organization: Organization) -> dict[str, object]:
    facts: dict[str, object] = {name: getattr(organization, name) for name in FIELDS}
    facts["staff"] = [member.name for member in organization.staff]
    return facts


TEXT_IN_LOG = 80  # longer texts (an introduction, past projects) are shortened in the change log


def plain(value: object) -> object:
    """A value as the change log's JSON keeps it: dates as ISO text, enums by value, long text shortened."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value if len(value) <= TEXT_IN_LOG else value[:TEXT_IN_LOG] + "…"
    return value


def changed(before: dict[str, object], after: dict[str, object]) -> tuple[dict[str, object], dict[str, object]]:
    """Only the fields an edit changed, old and new, for the change log."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: plain(before.get(k)) for k in keys}, {k: plain(after[k]) for k in keys}


def _refuse_duplicate(s: Session, uscc: str | None, own_id: int | None) -> None:
    if not uscc:
        return
    existing = find_by_uscc(s, uscc)
    if existing is not None and existing.id != own_id:
        raise DuplicateOrganization(existing.id, existing.name, uscc)


def load(db: Database, organization_id: int) -> tuple[OrganizationData, int]:
    """The record as editable data, with the row version to save against."""
    with db.read() as s:
        organization = s.get(Organization, organization_id, options=[selectinload(Organization.staff)])
        if organization is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no organization with number {id}."),
                                  id=organization_id)
        data = OrganizationData(**{name: getattr(organization, name) for name in FIELDS})
        data.staff = [StaffData(m.name, m.role, m.qualification, m.social_work_certificate)
                      for m in organization.staff]
        return data, organization.row_version


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One proposal of the organization, across competitions, with what became of it."""

    proposal_id: int
    year: int
    competition: str
    intake_number: str
    title: str
    status: ProposalStatus
    requested_fen: int
    awarded_fen: int | None
    evaluation_grades: str  # e.g. "midterm:good final:excellent"


def history(db: Database, organization_id: int) -> list[HistoryLine]:
    with db.read() as s:
        rows = s.execute(
            select(Proposal.id, Competition.year, Competition.name, func.coalesce(Proposal.intake_number, ""),
                   Proposal.title, Proposal.status, Proposal.requested_fen, Award.amount_fen, Award.id)
            .join(Competition, Competition.id == Proposal.competition_id)
            .outerjoin(Award, Award.proposal_id == Proposal.id)
            .where(Proposal.organization_id == organization_id)
            .order_by(Competition.year.desc(), Proposal.id.desc())
        ).all()
        award_ids = [r[8] for r in rows if r[8] is not None]
        evaluations: dict[int, list[str]] = {}
        if award_ids:
            for award_id, kind, grade in s.execute(
                    select(Evaluation.award_id, Evaluation.kind, Evaluation.grade)
                    .where(Evaluation.award_id.in_(award_ids), Evaluation.grade.is_not(None))
                    .order_by(Evaluation.id)):
                evaluations.setdefault(award_id, []).append(f"{kind.value}:{grade.value}")
    return [HistoryLine(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                        " ".join(evaluations.get(r[8], []))) for r in rows]


def search(db: Database, text: str, limit: int = 50) -> list[tuple[int, str, str]]:
    """(id, name, credit code) of organizations whose name, credit code or registration number contains text."""
    columns = (Organization.name, Organization.uscc, Organization.registration_number)
    with db.read() as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(Organization.id, Organization.name, func.coalesce(Organization.uscc, ""))
            .where(or_(*(contains(column, text) for column in columns)))
            .order_by(Organization.name).limit(limit))]
