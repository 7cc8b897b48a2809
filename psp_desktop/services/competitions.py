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
class FollowUpRules:
    """Monitoring and evaluation rules set per competition (Competition.rules["monitoring"] and ["evaluation"]);
    the defaults are the ones the services use when a competition says nothing."""

    report_every_months: int = 3
    grace_days: int = 7
    late_report_fails_gate: bool = True
    objection_days: int = 7
    pass_points: int = 60
    good_points: int = 80
    excellent_points: int = 90
    withhold_on_fail: bool = True
    clawback_percent: int = 0
    bar_years: int = 0

    def as_rules(self, others: dict[str, Any]) -> dict[str, Any]:
        """Merged into the competition's other settings; keys of these sections set elsewhere are kept."""
        rules = dict(others)
        rules["monitoring"] = {**(rules.get("monitoring") or {}), "report_every_months": self.report_every_months,
                               "grace_days": self.grace_days, "late_report_fails_gate": self.late_report_fails_gate}
        evaluation = dict(rules.get("evaluation") or {})
        evaluation.update(objection_days=self.objection_days,
                          grades={"pass": self.pass_points, "good": self.good_points,
                                  "excellent": self.excellent_points},
                          on_fail={**(evaluation.get("on_fail") or {}), "withhold": self.withhold_on_fail,
                                   "clawback_percent": self.clawback_percent, "bar_years": self.bar_years})
        rules["evaluation"] = evaluation
        return rules

    @classmethod
    def from_rules(cls, rules: dict[str, Any]) -> FollowUpRules:
        """As the monitoring and evaluation services read them (their defaults where the rules say nothing)."""
        from .evaluation_rules import rules_of
        from .monitoring import rules_from

        monitoring = rules_from(rules)
        try:
            evaluation = rules_of(rules)
        except ValidationError:
            return cls(monitoring.every_months, monitoring.grace_days, monitoring.late_fails_gate)
        grades, fail = evaluation.grades, evaluation.on_fail
        return cls(monitoring.every_months, monitoring.grace_days, monitoring.late_fails_gate,
                   evaluation.objection_days, grades.pass_x100 // 100, grades.good_x100 // 100,
                   grades.excellent_x100 // 100, fail.withhold, fail.clawback_percent_x100 // 100, fail.bar_years)


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
    follow_up: FollowUpRules = field(default_factory=FollowUpRules)

    def rules(self, others: dict[str, Any]) -> dict[str, Any]:
        return self.follow_up.as_rules(self.screening.as_rules(others))


FIELDS = tuple(f.name for f in dataclasses.fields(CompetitionData) if f.name not in ("screening", "follow_up"))


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
    _follow_up_problems(problems, data.follow_up)
    return problems


def _follow_up_problems(problems: Problems, rules: FollowUpRules) -> None:
    grades = (rules.pass_points, rules.good_points, rules.excellent_points)
    if not 0 < grades[0] < grades[1] < grades[2] <= 200:
        problems.add("excellent_points", QT_TRANSLATE_NOOP(
            "Errors", "the grade thresholds must rise: pass below good below excellent"))
    for name, low, high in (("report_every_months", 1, 24), ("grace_days", 0, 90), ("objection_days", 0, 90),
                            ("clawback_percent", 0, 100), ("bar_years", 0, 10)):
        if not low <= getattr(rules, name) <= high:
            problems.add(name, QT_TRANSLATE_NOOP("Errors", "must be from {low} to {high}"), low=low, high=high)


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
        competition = Competition(**{n: getattr(data, n) for n in FIELDS}, rules=data.rules({}))
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
            competition.rules = data.rules(competition.rules or {})
            flag_modified(competition, "rules")
            before, after = changed(old, _facts(competition))
            audit.log(s, actor, "competition.update", "competition", competition_id, before=before, after=after)
    except StaleDataError as exc:
        raise ChangedElsewhere() from exc


def _facts(competition: Competition) -> dict[str, object]:
    """The settings as the change log keeps them (the description shortened), with the screening rules."""
    facts: dict[str, object] = {n: getattr(competition, n) for n in FIELDS}
    facts["screening"] = ScreeningRules.from_rules(competition.rules or {}).as_rules({})
    facts["follow_up"] = dataclasses.asdict(FollowUpRules.from_rules(competition.rules or {}))
    return facts


def load(db: Database, competition_id: int) -> tuple[CompetitionData, int]:
    with db.read() as s:
        competition = s.get(Competition, competition_id)
        if competition is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}."),
                                  id=competition_id)
        data = CompetitionData(**{n: getattr(competition, n) for n in FIELDS})
        data.screening = ScreeningRules.from_rules(competition.rules or {})
        data.follow_up = FollowUpRules.from_rules(competition.rules or {})
        return data, competition.row_version
