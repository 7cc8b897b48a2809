"""The needs registry (需求登记) and the coverage report (需求覆盖).

Needs are collected in the communities (surveys, residents' meetings, the hotline, grid workers). A competition
theme links to the needs it *targets* (theme_need); a proposal links to the needs it *answers* (proposal_need).
The coverage report says, for a year and optionally a district, which needs have a project and how far it got, so
next year's themes can be set on what is still unmet.

Writes check the signed-in person's permission and go into the change log in the same transaction: the need itself
needs REGISTRY_EDIT, its theme links COMPETITION_SETUP, its proposal links INTAKE_EDIT. The proposal form edits the
links of drafts along with the rest of the application (services.proposals); linking here works on any proposal,
screened and funded ones included, so needs registered after the fact can still be tied to the projects that answer
them. Importing needs from a workbook is services.needs_workbook.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, String, func, insert, or_, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..db import Database
from ..enums import AwardStatus, EvaluationKind, NeedSource, ProposalStatus, ServiceDomain
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import (
    Award,
    Community,
    CommunityNeed,
    Competition,
    CompetitionTheme,
    Evaluation,
    Organization,
    Proposal,
    TenderProject,
)
from ..models.competition import tender_need, theme_need
from ..models.proposal import proposal_need
from . import access, audit
from .access import Permission
from .organizations import ChangedElsewhere, changed, plain
from .validation import Problems, contains

# --- coverage ----------------------------------------------------------------------------------------------------

NONE, ELIGIBLE, FUNDED, COMPLETED = "none", "eligible", "funded", "completed"
STATUSES = (NONE, ELIGIBLE, FUNDED, COMPLETED)  # from unmet to met: a need takes the best of its projects
REPORT_ORDER = (COMPLETED, FUNDED, ELIGIBLE, NONE)  # as tables, charts and workbooks show them: met first
SCREENED = frozenset({  # passed screening, whatever came after
    ProposalStatus.ELIGIBLE, ProposalStatus.IN_REVIEW, ProposalStatus.RANKED, ProposalStatus.AWARDED,
    ProposalStatus.NOT_AWARDED, ProposalStatus.RESERVE, ProposalStatus.IMPLEMENTING, ProposalStatus.COMPLETED,
    ProposalStatus.TERMINATED})
FUNDED_AWARDS = frozenset({AwardStatus.COMMITTED, AwardStatus.SIGNED})


@dataclass(frozen=True, slots=True)
class CoverageRow:
    need_id: int
    community: str
    district: str
    domain: ServiceDomain
    title: str
    priority: int
    people_affected: int
    status: str  # one of STATUSES
    projects: tuple[str, ...]  # titles of the proposals that count, best status first
    street: str = ""
    collected_on: dt.date | None = None
    themes: tuple[str, ...] = ()  # the themes that target it, "2026 为老服务": targeted is not answered

    @property
    def targeted(self) -> bool:
        return bool(self.themes)


def _counts() -> dict[str, int]:
    return dict.fromkeys(STATUSES, 0)


@dataclass(frozen=True)
class Coverage:
    """The needs of one report with their status; summaries by community and by service domain."""

    year: int
    district: str | None
    rows: tuple[CoverageRow, ...]
    communities: tuple[str, ...] = ()  # every community in scope in register order (as by_community names them)
    repeated: frozenset[str] = frozenset()  # community names used in more than one street: named with the street

    def community_of(self, row: CoverageRow) -> str:
        return f"{row.street}{row.community}" if row.community in self.repeated else row.community

    def by_community(self) -> dict[str, dict[str, int]]:
        """Community → status → number of needs, every status present; communities in register order, those
        without needs too."""
        summary: dict[str, dict[str, int]] = {name: _counts() for name in self.communities}
        for row in self.rows:
            summary.setdefault(self.community_of(row), _counts())[row.status] += 1
        return summary

    def by_domain(self) -> dict[str, dict[str, int]]:
        """Service domain (the ServiceDomain member, a str) → status → number of needs; the domains with needs,
        in the enum's order."""
        summary: dict[str, dict[str, int]] = {}
        for domain in ServiceDomain:
            for row in self.rows:
                if row.domain is domain:
                    summary.setdefault(domain, _counts())[row.status] += 1
        return summary

    def totals(self) -> dict[str, int]:
        counts = _counts()
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def uncovered(self) -> tuple[CoverageRow, ...]:
        """Needs no project answers, highest priority (1) first."""
        return tuple(sorted((r for r in self.rows if r.status == NONE), key=lambda r: (r.priority, r.need_id)))


@dataclass(frozen=True, slots=True)
class _Answer:
    """One linked proposal as the report counts it."""

    status: str
    title: str
    done_year: int | None  # when a completed project was completed


def coverage(db: Database, year: int, district: str | None = None) -> Coverage:
    """Which needs have an eligible, funded or completed project, and which have none, for `year`.

    Which needs: those collected on or before 31 December of `year` (in `district`'s communities when given) that
    are still open, i.e. not met by a project completed in an earlier year. A need completed in `year` stays in,
    as "completed"; one completed before `year` is closed and left out. A need collected later is not in yet.

    Which projects: proposals linked to the need (proposal_need) in competitions of `year` or earlier, in their
    state now. A need takes the best status of its proposals:
    - completed: the award is completed (fully paid), the final evaluation passed and is final, or the proposal
      is 已结项;
    - funded: the award is committed or signed;
    - eligible: the proposal passed screening (eligible, in review, ranked, reserve, not funded, or later);
    - none: no linked proposal got that far (drafts, unscreened, ineligible and returned ones do not count).
    A theme link (theme_need) only says the need was *targeted*: it is listed in `themes` and never changes the
    status, since a theme answers nothing until a proposal does.
    A project's completion year is that of its passed final evaluation, else of its last month, else of its
    competition."""
    end = dt.date(year, 12, 31)
    with db.read() as s:
        query = (select(CommunityNeed.id, Community.district, Community.street, Community.name, CommunityNeed.domain,
                        CommunityNeed.title, CommunityNeed.priority, CommunityNeed.people_affected,
                        CommunityNeed.collected_on)
                 .join(Community, Community.id == CommunityNeed.community_id)
                 .where(CommunityNeed.collected_on <= end)
                 .order_by(Community.id, CommunityNeed.priority, CommunityNeed.id))
        places = select(Community.street, Community.name).order_by(Community.id)
        if district:
            query = query.where(Community.district == district)
            places = places.where(Community.district == district)
        needs = s.execute(query).all()
        places_in_scope = s.execute(places).all()
        answers = _answers(s, year)
        themes = _themes(s, year)
    rows = []
    for need_id, dist, street, community, domain, title, priority, people, collected in needs:
        found = sorted(answers.get(need_id, ()), key=lambda a: (-STATUSES.index(a.status), a.title))
        status = found[0].status if found else NONE
        done = [a.done_year for a in found if a.status == COMPLETED and a.done_year is not None]
        if done and min(done) < year:
            continue  # met before this year: closed
        projects = tuple(dict.fromkeys(a.title for a in found))
        rows.append(CoverageRow(need_id, community, dist, domain, title, priority, people, status, projects,
                                street, collected, tuple(themes.get(need_id, ()))))
    uses = Counter(name for _street, name in places_in_scope)
    repeated = frozenset(n for n, count in uses.items() if count > 1)
    keys = tuple(dict.fromkeys(f"{street}{n}" if n in repeated else n for street, n in places_in_scope))
    return Coverage(year, district or None, tuple(rows), keys, repeated)


def _answers(s: Session, year: int) -> dict[int, list[_Answer]]:
    """need id → the linked proposals (of competitions up to `year`) that passed screening, with their status."""
    passed = dict(s.execute(
        select(Evaluation.award_id, func.max(Evaluation.evaluated_on))
        .where(Evaluation.kind == EvaluationKind.FINAL, Evaluation.passed.is_(True), Evaluation.final.is_(True))
        .group_by(Evaluation.award_id)).all())
    rows = s.execute(
        select(proposal_need.c.need_id, Proposal.title, Proposal.status, Proposal.end_month, Competition.year,
               Award.id, Award.status)
        .join(Proposal, Proposal.id == proposal_need.c.proposal_id)
        .join(Competition, Competition.id == Proposal.competition_id)
        .outerjoin(Award, Award.proposal_id == Proposal.id)
        .where(Competition.year <= year)
        .order_by(proposal_need.c.need_id, Proposal.id))
    found: dict[int, list[_Answer]] = defaultdict(list)
    for need_id, title, proposal_status, end_month, competition_year, award_id, award_status in rows:
        final_passed = award_id in passed
        status = project_status(proposal_status, award_status, final_passed)
        if status == NONE:
            continue
        evaluated = passed.get(award_id)
        done = (evaluated.year if evaluated else end_month.year if end_month else competition_year) \
            if status == COMPLETED else None
        found[need_id].append(_Answer(status, title, done))
    return found


def project_status(proposal_status: ProposalStatus, award_status: AwardStatus | None, final_passed: bool) -> str:
    """How far one proposal got, in the report's terms."""
    if award_status is AwardStatus.COMPLETED or final_passed or proposal_status is ProposalStatus.COMPLETED:
        return COMPLETED
    if award_status in FUNDED_AWARDS:
        return FUNDED
    return ELIGIBLE if proposal_status in SCREENED else NONE


def _themes(s: Session, year: int) -> dict[int, list[str]]:
    rows = s.execute(
        select(theme_need.c.need_id, Competition.year, CompetitionTheme.name)
        .join(CompetitionTheme, CompetitionTheme.id == theme_need.c.theme_id)
        .join(Competition, Competition.id == CompetitionTheme.competition_id)
        .where(Competition.year <= year)
        .order_by(theme_need.c.need_id, Competition.year.desc(), CompetitionTheme.seq))
    found: dict[int, list[str]] = defaultdict(list)
    for need_id, competition_year, name in rows:
        found[need_id].append(f"{competition_year} {name}")
    return found


def coverage_years(db: Database) -> list[int]:
    """Years a report can be asked for, newest first: those of the needs collected and of the competitions."""
    with db.read() as s:
        years = {d.year for d in s.scalars(select(CommunityNeed.collected_on).distinct())}
        years |= set(s.scalars(select(Competition.year).distinct()))
    return sorted(years, reverse=True)


def districts(db: Database) -> list[str]:
    with db.read() as s:
        return [d for d in s.scalars(select(Community.district).distinct().order_by(Community.district)) if d]


# --- the register ------------------------------------------------------------------------------------------------

FIELD_NAMES = {  # what people call each field, for "{field} is required"
    "community_id": QT_TRANSLATE_NOOP("Fields", "Community"),
    "domain": QT_TRANSLATE_NOOP("Fields", "Service domain"),
    "title": QT_TRANSLATE_NOOP("Fields", "Need"),
    "description": QT_TRANSLATE_NOOP("Fields", "Description"),
    "source": QT_TRANSLATE_NOOP("Fields", "Source"),
    "people_affected": QT_TRANSLATE_NOOP("Fields", "People affected"),
    "priority": QT_TRANSLATE_NOOP("Fields", "Priority"),
    "collected_on": QT_TRANSLATE_NOOP("Fields", "Collected on"),
}
REQUIRED = QT_TRANSLATE_NOOP("Errors", "{field} is required")
PRIORITY_RANGE = QT_TRANSLATE_NOOP("Errors", "{field} must be a whole number from 1 (highest) to 5 (lowest)")
TOO_EARLY = QT_TRANSLATE_NOOP("Errors", "{field}: {date} is too long ago")
NO_NEED = QT_TRANSLATE_NOOP("Errors", "There is no community need with number {id}.")
NO_COMMUNITY = QT_TRANSLATE_NOOP("Errors", "There is no community with number {id}.")
NO_THEME = QT_TRANSLATE_NOOP("Errors", "There is no competition theme with number {id}.")
NO_PROPOSAL = QT_TRANSLATE_NOOP("Errors", "There is no proposal with number {id}.")
LINKED_TO_PROPOSALS = QT_TRANSLATE_NOOP(
    "Errors", "“{title}” cannot be deleted: the proposals {names} answer it. Unlink it from them first.")
LINKED_TO_THEMES = QT_TRANSLATE_NOOP(
    "Errors", "“{title}” cannot be deleted: the competition themes {names} target it. Unlink it from them first.")
LINKED_TO_TENDERS = QT_TRANSLATE_NOOP(
    "Errors", "“{title}” cannot be deleted: the tender projects {names} answer it. Unlink it from them first.")
COMMUNITY_EXISTS = QT_TRANSLATE_NOOP("Errors", "{district} {street} {name} is registered already.")
EARLIEST = dt.date(1990, 1, 1)
SHOWN_NAMES = 3  # a refusal names this many linked records, then "…"


@dataclass
class NeedData:
    """Everything staff enter for a need."""

    community_id: int | None = None
    domain: ServiceDomain | None = None
    title: str = ""
    description: str = ""
    source: NeedSource = NeedSource.OTHER
    people_affected: int = 0
    priority: int = 3
    collected_on: dt.date | None = None


FIELDS = tuple(f.name for f in dataclasses.fields(NeedData))


def normalise(data: NeedData) -> NeedData:
    return dataclasses.replace(data, title=data.title.strip(), description=data.description.strip())


def problems_of(data: NeedData, *, today: dt.date | None = None, community: bool = True) -> Problems:
    """Every problem with the values; community=False leaves the community to the caller (an import names it)."""
    today = today or dt.date.today()
    problems = Problems()

    def require(name: str, value: object) -> bool:
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.add(name, REQUIRED, field=FIELD_NAMES[name])
            return False
        return True

    if community:
        require("community_id", data.community_id)
    require("domain", data.domain)
    require("title", data.title)
    for name in ("title", "description"):
        limit = _limit(name)
        if limit and len(getattr(data, name)) > limit:
            problems.add(name, QT_TRANSLATE_NOOP("Errors", "{field} is longer than {limit} characters"),
                         field=FIELD_NAMES[name], limit=limit)
    if data.people_affected is not None and data.people_affected < 0:
        problems.add("people_affected", QT_TRANSLATE_NOOP("Errors", "{field} cannot be negative"),
                     field=FIELD_NAMES["people_affected"])
    if data.priority is None or not 1 <= data.priority <= 5:
        problems.add("priority", PRIORITY_RANGE, field=FIELD_NAMES["priority"])
    if require("collected_on", data.collected_on) and data.collected_on is not None:
        if data.collected_on > today:
            problems.add("collected_on", QT_TRANSLATE_NOOP("Errors", "{field}: {date} is in the future"),
                         field=FIELD_NAMES["collected_on"], date=data.collected_on.isoformat())
        elif data.collected_on < EARLIEST:
            problems.add("collected_on", TOO_EARLY, field=FIELD_NAMES["collected_on"],
                         date=data.collected_on.isoformat())
    return problems


def _limit(name: str) -> int | None:
    return getattr(CommunityNeed.__table__.c[name].type, "length", None)


@dataclass(frozen=True)
class NeedRecord:
    """A need as the form edits it: its values, the row version to save against, and its links."""

    data: NeedData
    row_version: int
    theme_ids: tuple[int, ...]
    proposal_ids: tuple[int, ...]


def load(db: Database, need_id: int) -> NeedRecord:
    with db.read() as s:
        need = _need(s, need_id)
        data = NeedData(**{name: getattr(need, name) for name in FIELDS})
        themes, proposals = _links(s, need_id)
        return NeedRecord(data, need.row_version, themes, proposals)


def add(db: Database, data: NeedData, *, theme_ids: Sequence[int] | None = None,
        proposal_ids: Sequence[int] | None = None) -> int:
    """Registers a need (and, optionally, its links) in one transaction; returns its id."""
    actor = access.require(db, Permission.REGISTRY_EDIT)
    data = normalise(data)
    problems_of(data).raise_if_any()
    _require_link_rights(db, theme_ids, proposal_ids, (), ())
    with db.write() as s:
        _community(s, data.community_id)
        need = CommunityNeed(**{name: getattr(data, name) for name in FIELDS})
        s.add(need)
        s.flush()
        audit.log(s, actor, "need.add", "community_need", need.id, after=_facts(need))
        _set_links(s, actor, need, theme_ids, proposal_ids)
        return need.id


def edit(db: Database, need_id: int, data: NeedData, row_version: int, *, theme_ids: Sequence[int] | None = None,
         proposal_ids: Sequence[int] | None = None) -> None:
    """Saves the edit (and link changes, when given) unless the need changed since it was loaded."""
    actor = access.require(db, Permission.REGISTRY_EDIT)
    data = normalise(data)
    problems_of(data).raise_if_any()
    try:
        with db.write() as s:
            need = _need(s, need_id)
            if need.row_version != row_version:
                raise ChangedElsewhere()
            _community(s, data.community_id)
            _require_link_rights(db, theme_ids, proposal_ids, *_links(s, need_id))
            old = _facts(need)
            for name in FIELDS:
                setattr(need, name, getattr(data, name))
            before, after = changed(old, _facts(need))
            if after:
                s.flush()
                audit.log(s, actor, "need.edit", "community_need", need_id, before=before, after=after)
            _set_links(s, actor, need, theme_ids, proposal_ids)
    except StaleDataError as exc:
        raise ChangedElsewhere() from exc


def delete(db: Database, need_id: int) -> None:
    """Deletes a need that nothing links to; a linked need is refused, naming what links to it."""
    actor = access.require(db, Permission.REGISTRY_EDIT)
    with db.write() as s:
        need = _need(s, need_id)
        _refuse_linked(s, need)
        facts = _facts(need)
        s.delete(need)
        s.flush()
        audit.log(s, actor, "need.delete", "community_need", need_id, before=facts)


def _refuse_linked(s: Session, need: CommunityNeed) -> None:
    for message, query in (
        (LINKED_TO_PROPOSALS, select(Proposal.title).join(proposal_need, proposal_need.c.proposal_id == Proposal.id)
         .where(proposal_need.c.need_id == need.id).order_by(Proposal.id)),
        (LINKED_TO_THEMES, select(Competition.year.cast(String) + " " + CompetitionTheme.name)
         .join(theme_need, theme_need.c.theme_id == CompetitionTheme.id)
         .join(Competition, Competition.id == CompetitionTheme.competition_id)
         .where(theme_need.c.need_id == need.id).order_by(Competition.year, CompetitionTheme.seq)),
        (LINKED_TO_TENDERS, select(TenderProject.name).join(tender_need, tender_need.c.tender_id == TenderProject.id)
         .where(tender_need.c.need_id == need.id).order_by(TenderProject.id)),
    ):
        names = list(s.scalars(query))
        if names:
            shown = "、".join(f"“{n}”" for n in names[:SHOWN_NAMES]) + ("…" if len(names) > SHOWN_NAMES else "")
            raise ValidationError(message, title=need.title, names=shown)


def _need(s: Session, need_id: int) -> CommunityNeed:
    need = s.get(CommunityNeed, need_id)
    if need is None:
        raise ValidationError(NO_NEED, id=need_id)
    return need


def _community(s: Session, community_id: int | None) -> Community:
    community = s.get(Community, community_id) if community_id is not None else None
    if community is None:
        raise ValidationError(NO_COMMUNITY, id=community_id)
    return community


def _facts(need: CommunityNeed) -> dict[str, object]:
    return {name: plain(getattr(need, name)) for name in FIELDS}


# --- links -------------------------------------------------------------------------------------------------------


def _links(s: Session, need_id: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    themes = tuple(s.scalars(select(theme_need.c.theme_id).where(theme_need.c.need_id == need_id)
                             .order_by(theme_need.c.theme_id)))
    proposals = tuple(s.scalars(select(proposal_need.c.proposal_id).where(proposal_need.c.need_id == need_id)
                                .order_by(proposal_need.c.proposal_id)))
    return themes, proposals


def _require_link_rights(db: Database, theme_ids: Sequence[int] | None, proposal_ids: Sequence[int] | None,
                         themes: Sequence[int], proposals: Sequence[int]) -> None:
    """Theme links are competition set-up, proposal links intake work: checked only when they change."""
    if theme_ids is not None and set(theme_ids) != set(themes):
        access.require(db, Permission.COMPETITION_SETUP)
    if proposal_ids is not None and set(proposal_ids) != set(proposals):
        access.require(db, Permission.INTAKE_EDIT)


def _set_links(s: Session, actor: access.Actor, need: CommunityNeed, theme_ids: Sequence[int] | None,
               proposal_ids: Sequence[int] | None) -> None:
    """Makes the need's links these (None: leave that kind alone); one change-log entry when anything changed."""
    themes, proposals = _links(s, need.id)
    new_themes = sorted(set(theme_ids)) if theme_ids is not None else list(themes)
    new_proposals = sorted(set(proposal_ids)) if proposal_ids is not None else list(proposals)
    if new_themes == list(themes) and new_proposals == list(proposals):
        return
    _check_exist(s, CompetitionTheme, set(new_themes) - set(themes), NO_THEME)
    _check_exist(s, Proposal, set(new_proposals) - set(proposals), NO_PROPOSAL)
    _replace(s, theme_need, "theme_id", need.id, themes, new_themes)
    _replace(s, proposal_need, "proposal_id", need.id, proposals, new_proposals)
    audit.log(s, actor, "need.link", "community_need", need.id,
              before={"themes": list(themes), "proposals": list(proposals)},
              after={"themes": new_themes, "proposals": new_proposals})


def _check_exist(s: Session, model: type[CompetitionTheme] | type[Proposal], ids: set[int], message: str) -> None:
    if not ids:
        return
    found = set(s.scalars(select(model.id).where(model.id.in_(ids))))
    missing = sorted(ids - found)
    if missing:
        raise ValidationError(message, id=missing[0])


def _replace(s: Session, table: object, column: str, need_id: int, old: Sequence[int], new: Sequence[int]) -> None:
    gone, added = set(old) - set(new), sorted(set(new) - set(old))
    if gone:
        s.execute(sql_delete(table).where(table.c.need_id == need_id, table.c[column].in_(gone)))  # type: ignore[attr-defined]
    if added:
        s.execute(insert(table), [{column: i, "need_id": need_id} for i in added])  # type: ignore[arg-type]


def _change_one(db: Database, need_id: int, kind: str, target: int, linked: bool) -> None:
    """Links or unlinks one theme or proposal; a link that is there already (or gone already) changes nothing."""
    actor = access.require(db, Permission.COMPETITION_SETUP if kind == "theme" else Permission.INTAKE_EDIT)
    with db.write() as s:
        need = _need(s, need_id)
        themes, proposals = _links(s, need_id)
        ids = set(themes if kind == "theme" else proposals)
        ids = ids | {target} if linked else ids - {target}
        if kind == "theme":
            _set_links(s, actor, need, sorted(ids), None)
        else:
            _set_links(s, actor, need, None, sorted(ids))


def link_theme(db: Database, need_id: int, theme_id: int) -> None:
    """The theme targets the need (COMPETITION_SETUP)."""
    _change_one(db, need_id, "theme", theme_id, True)


def unlink_theme(db: Database, need_id: int, theme_id: int) -> None:
    _change_one(db, need_id, "theme", theme_id, False)


def link_proposal(db: Database, need_id: int, proposal_id: int) -> None:
    """The proposal answers the need (INTAKE_EDIT), whatever the proposal's status."""
    _change_one(db, need_id, "proposal", proposal_id, True)


def unlink_proposal(db: Database, need_id: int, proposal_id: int) -> None:
    _change_one(db, need_id, "proposal", proposal_id, False)


# --- communities -------------------------------------------------------------------------------------------------


def add_community(db: Database, district: str, street: str, name: str) -> int:
    """Registers a community (社区) so needs can be recorded in it; REGISTRY_EDIT."""
    actor = access.require(db, Permission.REGISTRY_EDIT)
    values = {"district": district.strip(), "street": street.strip(), "name": name.strip()}
    problems = Problems()
    labels = {"district": QT_TRANSLATE_NOOP("Fields", "District"), "street": QT_TRANSLATE_NOOP("Fields", "Street"),
              "name": QT_TRANSLATE_NOOP("Fields", "Community")}
    for key, value in values.items():
        limit = getattr(Community.__table__.c[key].type, "length", None)
        if not value:
            problems.add(key, REQUIRED, field=labels[key])
        elif limit and len(value) > limit:
            problems.add(key, QT_TRANSLATE_NOOP("Errors", "{field} is longer than {limit} characters"),
                         field=labels[key], limit=limit)
    problems.raise_if_any()
    with db.write() as s:
        if s.scalar(select(Community.id).filter_by(**values)) is not None:
            raise ValidationError(COMMUNITY_EXISTS, **values)
        community = Community(**values)
        s.add(community)
        s.flush()
        audit.log(s, actor, "community.add", "community", community.id, after=values)
        return community.id


@dataclass(frozen=True, slots=True)
class CommunityChoice:
    id: int
    district: str
    street: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.street} {self.name}"


def communities(db: Database) -> list[CommunityChoice]:
    with db.read() as s:
        return [CommunityChoice(*r) for r in s.execute(
            select(Community.id, Community.district, Community.street, Community.name).order_by(Community.id))]


# --- listing -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedFilter:
    """What the register shows; None (or "") means any."""

    community_id: int | None = None
    domain: ServiceDomain | None = None
    year: int | None = None  # collected in this year
    source: NeedSource | None = None
    priority: int | None = None
    search: str = ""  # in the title, the description or the community's name
    district: str | None = None


@dataclass(frozen=True, slots=True)
class NeedRow:
    id: int
    district: str
    street: str
    community: str
    domain: ServiceDomain
    title: str
    description: str
    source: NeedSource
    people_affected: int
    priority: int
    collected_on: dt.date
    themes: int  # competition themes that target it
    proposals: int  # proposals that answer it


def list_needs(db: Database, filters: NeedFilter | None = None) -> list[NeedRow]:
    """The register, newest first, narrowed by the filters."""
    themes = (select(func.count()).select_from(theme_need).where(theme_need.c.need_id == CommunityNeed.id)
              .scalar_subquery())
    proposals = (select(func.count()).select_from(proposal_need).where(proposal_need.c.need_id == CommunityNeed.id)
                 .scalar_subquery())
    query = (select(CommunityNeed.id, Community.district, Community.street, Community.name, CommunityNeed.domain,
                    CommunityNeed.title, CommunityNeed.description, CommunityNeed.source,
                    CommunityNeed.people_affected, CommunityNeed.priority, CommunityNeed.collected_on, themes,
                    proposals)
             .join(Community, Community.id == CommunityNeed.community_id)
             .order_by(CommunityNeed.collected_on.desc(), CommunityNeed.id.desc()))
    query = _filtered(query, filters or NeedFilter())
    with db.read() as s:
        return [NeedRow(*r) for r in s.execute(query)]


def _filtered(query: Select, f: NeedFilter) -> Select:  # type: ignore[type-arg]
    if f.community_id is not None:
        query = query.where(CommunityNeed.community_id == f.community_id)
    if f.domain is not None:
        query = query.where(CommunityNeed.domain == f.domain)
    if f.year is not None:
        query = query.where(CommunityNeed.collected_on.between(dt.date(f.year, 1, 1), dt.date(f.year, 12, 31)))
    if f.source is not None:
        query = query.where(CommunityNeed.source == f.source)
    if f.priority is not None:
        query = query.where(CommunityNeed.priority == f.priority)
    if f.district:
        query = query.where(Community.district == f.district)
    if f.search.strip():
        query = query.where(or_(contains(CommunityNeed.title, f.search), contains(CommunityNeed.description, f.search),
                                contains(Community.name, f.search), contains(Community.street, f.search)))
    return query


# --- what the links can point at ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThemeChoice:
    id: int
    year: int
    competition: str
    name: str
    domain: ServiceDomain


@dataclass(frozen=True, slots=True)
class ProposalChoice:
    id: int
    year: int
    intake_number: str
    title: str
    organization: str
    domain: ServiceDomain
    status: ProposalStatus


@dataclass(frozen=True)
class LinkChoices:
    themes: tuple[ThemeChoice, ...]
    proposals: tuple[ProposalChoice, ...]


def link_choices(db: Database, domain: ServiceDomain | None = None, linked: Iterable[int] = ()) -> LinkChoices:
    """Every competition theme, newest competition first; the proposals in `domain` (every domain when None)
    that were submitted, plus those already linked (`linked`), newest first."""
    linked = list(linked)
    with db.read() as s:
        themes = tuple(ThemeChoice(*r) for r in s.execute(
            select(CompetitionTheme.id, Competition.year, Competition.name, CompetitionTheme.name,
                   CompetitionTheme.domain)
            .join(Competition, Competition.id == CompetitionTheme.competition_id)
            .order_by(Competition.year.desc(), Competition.id.desc(), CompetitionTheme.seq)))
        wanted = Proposal.intake_number.is_not(None)
        if domain is not None:
            wanted = wanted & (Proposal.domain == domain)
        if linked:
            wanted = or_(wanted, Proposal.id.in_(linked))
        proposals = tuple(ProposalChoice(*r) for r in s.execute(
            select(Proposal.id, Competition.year, func.coalesce(Proposal.intake_number, ""), Proposal.title,
                   Organization.name, Proposal.domain, Proposal.status)
            .join(Competition, Competition.id == Proposal.competition_id)
            .join(Organization, Organization.id == Proposal.organization_id)
            .where(wanted)
            .order_by(Competition.year.desc(), Proposal.id.desc())))
    return LinkChoices(themes, proposals)


@dataclass(frozen=True)
class Choices:
    """What the register's filters and the form offer."""

    communities: tuple[CommunityChoice, ...] = ()
    districts: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


def choices(db: Database) -> Choices:
    with db.read() as s:
        years = sorted({d.year for d in s.scalars(select(CommunityNeed.collected_on).distinct())}, reverse=True)
    return Choices(tuple(communities(db)), tuple(districts(db)), tuple(years))
