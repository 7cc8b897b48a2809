"""Setting up a competition: its money, dates, intake numbering and the screening rules it applies."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ..db import Database
from ..enums import CompetitionMode, CompetitionStatus, Rating
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Competition
from . import access, audit
from .access import Permission
from .organizations import ChangedElsewhere, changed
from .proposals import check_intake_pattern
from .validation import Problems


@dataclass
class ScreeningRules:
    """The eligibility rules staff switch on per competition (stored in Competition.rules)."""

    min_registration_years: int = 0
    require_inspection_passed: bool = False
    min_rating: Rating = Rating.NONE
    exclude_abnormal_list: bool = False
    exclude_violation_list: bool = False
    require_bank_account: bool = False
    max_proposals_per_org: int = 0
    management_fee_cap_percent: int = 0
    domain_in_themes: bool = True
    no_failed_evaluation_years: int = 0  # 0: off (an active bar on applications is always checked)
    manual_checks: list[dict[str, str]] = field(default_factory=list)  # [{"code", "label"}]

    def as_rules(self, others: dict[str, Any]) -> dict[str, Any]:
        """Merged into the competition's other settings (tranche templates, award levels…), which are kept."""
        rules = dict(others)
        for key, value in dataclasses.asdict(self).items():
            rules.pop(key, None)
            if key == "min_rating":
                if value != Rating.NONE:
                    rules[key] = Rating(value).value
            elif key == "domain_in_themes" or value:
                rules[key] = value
        return rules

    @classmethod
    def from_rules(cls, rules: dict[str, Any]) -> ScreeningRules:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in rules.items() if k in known}
        if "min_rating" in values:
            values["min_rating"] = Rating(values["min_rating"])
        return cls(**values)


@dataclass
class CompetitionData:
    name: str = ""
    year: int = dt.date.today().year
    mode: CompetitionMode = CompetitionMode.VENTURE
    status: CompetitionStatus = CompetitionStatus.PLANNING
    organizer: str = ""
    district: str = ""
    pool_fen: int = 0
    project_cap_fen: int = 0
    budget_share_cap_percent: int | None = None
    min_matching_percent: int = 0
    intake_pattern: str = "{year}-{seq:03d}"
    apply_from: dt.date | None = None
    apply_until: dt.date | None = None
    screening_until: dt.date | None = None
    review_on: dt.date | None = None
    notice_from: dt.date | None = None
    notice_until: dt.date | None = None
    signing_on: dt.date | None = None
    description: str = ""
    screening: ScreeningRules = field(default_factory=ScreeningRules)


FIELDS = tuple(f.name for f in dataclasses.fields(CompetitionData) if f.name != "screening")


def problems_of(data: CompetitionData) -> Problems:
    problems = Problems()
    problems.required("name", data.name)
    problems.lengths(Competition.__table__, data, ("name", "organizer", "district", "intake_pattern"))
    if not 2000 <= data.year <= 2100:
        problems.add("year", QT_TRANSLATE_NOOP("Errors", "year {year} is not plausible"), year=data.year)
    problems.money("pool_fen", data.pool_fen)
    problems.money("project_cap_fen", data.project_cap_fen)
    if data.pool_fen and data.project_cap_fen > data.pool_fen:
        problems.add("project_cap_fen", QT_TRANSLATE_NOOP("Errors", "the cap per project is larger than the pool"))
    for name in ("budget_share_cap_percent", "min_matching_percent"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= 100:
            problems.add(name, QT_TRANSLATE_NOOP("Errors", "a percentage must be between 0 and 100"))
    try:
        check_intake_pattern(data.intake_pattern)
    except ValidationError as exc:
        problems.add("intake_pattern", exc.message, **exc.params)
    _date_order(problems, data)
    if not 0 <= data.screening.management_fee_cap_percent <= 100:
        problems.add("management_fee_cap_percent",
                     QT_TRANSLATE_NOOP("Errors", "a percentage must be between 0 and 100"))
    return problems


def _date_order(problems: Problems, data: CompetitionData) -> None:
    steps = [(n, getattr(data, n)) for n in ("apply_from", "apply_until", "screening_until", "review_on",
                                              "notice_from", "notice_until", "signing_on")]
    known = [(n, d) for n, d in steps if d is not None]
    for (_earlier, first), (later, second) in itertools.pairwise(known):
        if second < first:
            problems.add(later, QT_TRANSLATE_NOOP("Errors", "the dates are out of order: {later} is before {earlier}"),
                         later=second.isoformat(), earlier=first.isoformat())


def create(db: Database, data: CompetitionData) -> int:
    actor = access.require(db, Permission.COMPETITION_SETUP)
    problems_of(data).raise_if_any()
    with db.write() as s:
        competition = Competition(**{n: getattr(data, n) for n in FIELDS}, rules=data.screening.as_rules({}))
        s.add(competition)
        s.flush()
        _, after = changed({}, _facts(competition))
        audit.log(s, actor, "competition.create", "competition", competition.id, after=after)
        return competition.id


def update(db: Database, competition_id: int, data: CompetitionData, row_version: int) -> None:
    actor = access.require(db, Permission.COMPETITION_SETUP)
    problems_of(data).raise_if_any()
    try:
        with db.write() as s:
            competition = s.get(Competition, competition_id)
            if competition is None or competition.row_version != row_version:
                raise ChangedElsewhere()
            old = _facts(competition)
            for name in FIELDS:
                setattr(competition, name, getattr(data, name))
            competition.rules = data.screening.as_rules(competition.rules or {})
            flag_modified(competition, "rules")
            before, after = changed(old, _facts(competition))
            audit.log(s, actor, "competition.update", "competition", competition_id, before=before, after=after)
    except StaleDataError as exc:
        raise ChangedElsewhere() from exc


def _facts(competition: Competition) -> dict[str, object]:
    """The settings as the change log keeps them (the description shortened), with the screening rules."""
    facts: dict[str, object] = {n: getattr(competition, n) for n in FIELDS}
    facts["screening"] = ScreeningRules.from_rules(competition.rules or {}).as_rules({})
    return facts


def load(db: Database, competition_id: int) -> tuple[CompetitionData, int]:
    with db.read() as s:
        competition = s.get(Competition, competition_id)
        if competition is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}."),
                                  id=competition_id)
        data = CompetitionData(**{n: getattr(competition, n) for n in FIELDS})
        data.screening = ScreeningRules.from_rules(competition.rules or {})
        return data, competition.row_version
