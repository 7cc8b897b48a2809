"""Setting up review rounds: the rubric, judge groups, aggregation, advancement and tie-breaks, checked as a whole
before anything is written; and rubric templates to reuse a rubric in another round or year.

Points are hundredths (8.5 → 850) and weights whole percentages, as everywhere in judging. Criteria and groups keep
their ids across edits because score sheets and panel members point at them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NamedTuple

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from ..db import Database
from ..enums import AdvanceRule, Aggregation, RoundKind
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import (
    Assignment,
    Competition,
    Criterion,
    JudgeGroup,
    Panel,
    PanelMember,
    PaperEntry,
    Round,
    RubricTemplate,
    ScoreSheet,
    TenderProject,
)
from . import access, audit
from .access import Permission
from .scoring import TieBreak
from .validation import Problems

STANDARD_STEPS = (10, 25, 50, 100)  # 0.1, 0.25, 0.5 and 1 point
MAX_POINTS_X100 = 100_000  # no rubric item is worth more than 1000 points
MAX_DECIMALS = 4
MAX_JUDGES = 100
NAME_LIMIT = Round.__table__.c.name.type.length
CRITERION_LIMIT = Criterion.__table__.c.name.type.length
GROUP_LIMIT = JudgeGroup.__table__.c.name.type.length
TEMPLATE_LIMIT = RubricTemplate.__table__.c.name.type.length


@dataclass
class CriterionData:
    name: str = ""
    description: str = ""
    max_points_x100: int = 1000
    weight_percent: int = 100
    is_bonus: bool = False
    id: int | None = None  # the stored criterion this row edits; None for a new one


@dataclass
class GroupData:
    name: str = ""
    weight_percent: int = 100
    id: int | None = None


@dataclass
class RoundData:
    name: str = ""
    kind: RoundKind = RoundKind.WRITTEN
    aggregation: Aggregation = Aggregation.MEAN
    weight_percent: int = 100
    advance_rule: AdvanceRule = AdvanceRule.ALL
    advance_value: int | None = None  # N for top N; the threshold in hundredths of points
    blind: bool = False
    judges_per_proposal: int = 3
    score_step_x100: int = 50
    decimals: int = 2
    trim_count: int = 1
    trim_min_judges: int = 5
    tie_breaks: list[TieBreak] = field(default_factory=list)  # round_seq None: this round
    scheduled_on: dt.date | None = None
    criteria: list[CriterionData] = field(default_factory=list)
    groups: list[GroupData] = field(default_factory=list)
    tender_id: int | None = None  # bidding: the tender project the round judges; None for every tender


class RoundChoice(NamedTuple):
    id: int
    seq: int
    name: str


class TemplateRow(NamedTuple):
    id: int
    name: str
    criteria: int


@dataclass(frozen=True)
class RoundRubric:
    """An earlier round, for tie-breaks on its score or one of its criteria."""

    id: int
    seq: int
    name: str
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class SetupContext:
    competition: str
    seq: int  # the round's own seq (the next free one for a new round)
    other_weight_percent: int  # the other rounds' share in the final result
    earlier: tuple[RoundRubric, ...]
    weights: tuple[tuple[int | None, int], ...] = ()  # the other rounds' (tender, weight)
    tenders: tuple[tuple[int, str], ...] = ()  # a bidding competition's tender projects: (id, code and name)

    def others_for(self, tender_id: int | None) -> int:
        """The other rounds' share in the result of the tender(s) this round judges: rounds judging every tender
        count for all; a round for every tender must leave room in each tender's result."""
        shared = sum(w for t, w in self.weights if t is None)
        if tender_id is not None:
            return shared + sum(w for t, w in self.weights if t == tender_id)
        per_tender: dict[int, int] = {}
        for t, w in self.weights:
            if t is not None:
                per_tender[t] = per_tender.get(t, 0) + w
        return shared + max(per_tender.values(), default=0)


SCALARS = ("name", "kind", "aggregation", "weight_percent", "advance_rule", "advance_value", "blind",
           "judges_per_proposal", "score_step_x100", "decimals", "trim_count", "trim_min_judges", "scheduled_on",
           "tender_id")


def points(x100: int | Fraction) -> str:
    """Hundredths as people write points: 850 → 8.5, 10000 → 100."""
    value = Fraction(x100) / 100
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.4f}".rstrip("0").rstrip(".")


def marks(criteria: Iterable[CriterionData]) -> tuple[Fraction, Fraction]:
    """(full marks, bonus) in hundredths, each item's maximum times its weight."""
    full, bonus = Fraction(0), Fraction(0)
    for c in criteria:
        value = Fraction(c.max_points_x100 * c.weight_percent, 100)
        if c.is_bonus:
            bonus += value
        else:
            full += value
    return full, bonus


# --- checks ------------------------------------------------------------------------------------------------------


def criteria_problems(problems: Problems, criteria: Sequence[CriterionData], step_x100: int | None = None) -> None:
    """Every rubric line, named by its number; the step check only where a round's step is known."""
    if not any(not c.is_bonus for c in criteria):
        problems.add("criteria", QT_TRANSLATE_NOOP(
            "Errors", "the rubric needs at least one criterion that is not a bonus item"))
    seen: set[str] = set()
    for n, c in enumerate(criteria, start=1):
        where, name = f"criteria[{n}]", c.name.strip()
        if not name:
            problems.add(where, QT_TRANSLATE_NOOP("Errors", "rubric line {n} has no name"), n=n)
        elif len(name) > CRITERION_LIMIT:
            problems.add(where, QT_TRANSLATE_NOOP("Errors", "rubric line {n}: the name is longer than {limit} "
                                                            "characters"), n=n, limit=CRITERION_LIMIT)
        elif name in seen:
            problems.add(where, QT_TRANSLATE_NOOP("Errors", "rubric line {n}: “{name}” is already used by another "
                                                            "line"), n=n, name=name)
        seen.add(name)
        if c.max_points_x100 <= 0:
            problems.add(where, QT_TRANSLATE_NOOP("Errors", "rubric line {n}: the maximum points must be more than "
                                                            "zero"), n=n)
        elif c.max_points_x100 > MAX_POINTS_X100:
            problems.add(where, QT_TRANSLATE_NOOP("Errors", "rubric line {n}: the maximum points cannot be more than "
                                                            "{limit}"), n=n, limit=points(MAX_POINTS_X100))
        elif step_x100 and step_x100 > 0 and c.max_points_x100 % step_x100:
            problems.add(where, QT_TRANSLATE_NOOP(
                "Errors", "rubric line {n}: the maximum {max} is not a multiple of the score step {step}"),
                n=n, max=points(c.max_points_x100), step=points(step_x100))
        if not 1 <= c.weight_percent <= 1000:
            problems.add(where, QT_TRANSLATE_NOOP("Errors", "rubric line {n}: the weight must be between 1 and "
                                                            "1000 %"), n=n)


def _step_problems(problems: Problems, data: RoundData) -> None:
    step = data.score_step_x100
    if step <= 0:
        problems.add("score_step_x100", QT_TRANSLATE_NOOP("Errors", "the score step must be more than zero"))
        return
    smallest = min((c.max_points_x100 for c in data.criteria if c.max_points_x100 > 0), default=None)
    if step not in STANDARD_STEPS and smallest is not None and step > smallest:
        problems.add("score_step_x100", QT_TRANSLATE_NOOP(
            "Errors", "the score step {step} is larger than the smallest maximum on the rubric ({max})"),
            step=points(step), max=points(smallest))


def _aggregation_problems(problems: Problems, data: RoundData) -> None:
    if not 0 <= data.decimals <= MAX_DECIMALS:
        problems.add("decimals", QT_TRANSLATE_NOOP("Errors", "scores are rounded to 0 to 4 decimals"))
    if data.trim_count < 0:
        problems.add("trim_count", QT_TRANSLATE_NOOP(
            "Errors", "the number of highest and lowest scores dropped cannot be negative"))
    elif data.aggregation == Aggregation.TRIMMED_MEAN and data.trim_min_judges < 2 * data.trim_count + 1:
        problems.add("trim_min_judges", QT_TRANSLATE_NOOP(
            "Errors", "dropping the {count} highest and {count} lowest scores needs at least {needed} judges"),
            count=data.trim_count, needed=2 * data.trim_count + 1)
    if not 1 <= data.judges_per_proposal <= MAX_JUDGES:
        problems.add("judges_per_proposal", QT_TRANSLATE_NOOP(
            "Errors", "each proposal needs between 1 and {limit} judges"), limit=MAX_JUDGES)


def _advance_problems(problems: Problems, data: RoundData) -> None:
    value = data.advance_value
    if data.advance_rule == AdvanceRule.TOP_N and (value is None or value < 1):
        problems.add("advance_value", QT_TRANSLATE_NOOP(
            "Errors", "say how many proposals advance (at least 1)"))
    elif data.advance_rule == AdvanceRule.THRESHOLD:
        full, bonus = marks(data.criteria)
        top = full + bonus
        if value is None or not 0 <= value <= top:
            problems.add("advance_value", QT_TRANSLATE_NOOP(
                "Errors", "the threshold must be between 0 and {max} points (full marks plus bonus)"),
                max=points(top))


def _group_problems(problems: Problems, groups: Sequence[GroupData]) -> None:
    if not groups:
        return
    seen: set[str] = set()
    for n, g in enumerate(groups, start=1):
        where, name = f"groups[{n}]", g.name.strip()
        if not name:
            problems.add(where, QT_TRANSLATE_NOOP("Errors", "judge group {n} has no name"), n=n)
        elif len(name) > GROUP_LIMIT:
            problems.add(where, QT_TRANSLATE_NOOP("Errors", "judge group {n}: the name is longer than {limit} "
                                                            "characters"), n=n, limit=GROUP_LIMIT)
        elif name in seen:
            problems.add(where, QT_TRANSLATE_NOOP("Errors", "judge group {n}: “{name}” is already used by another "
                                                            "group"), n=n, name=name)
        seen.add(name)
        if not 0 <= g.weight_percent <= 100:
            problems.add(where, QT_TRANSLATE_NOOP("Errors", "judge group {n}: the weight must be between 0 and "
                                                            "100 %"), n=n)
    total = sum(g.weight_percent for g in groups)
    if total != 100:
        problems.add("groups", QT_TRANSLATE_NOOP(
            "Errors", "the judge groups' weights add up to {total} %; they must add up to exactly 100 %"),
            total=total)


def _weight_problems(problems: Problems, data: RoundData, others: int) -> None:
    if not 0 <= data.weight_percent <= 100:
        problems.add("weight_percent", QT_TRANSLATE_NOOP(
            "Errors", "the round's weight in the final result must be between 0 and 100 %"))
    elif others + data.weight_percent > 100:
        problems.add("weight_percent", QT_TRANSLATE_NOOP(
            "Errors", "the rounds' weights in the final result add up to {total} % (other rounds {others} % + this "
                      "round {own} %); they may not exceed 100 %"),
            total=others + data.weight_percent, others=others, own=data.weight_percent)


def _tie_problems(problems: Problems, data: RoundData, seq: int, earlier: Mapping[int, RoundRubric]) -> None:
    seen: set[TieBreak] = set()
    for n, tie in enumerate(data.tie_breaks, start=1):
        where = f"tie_breaks[{n}]"
        this_round = tie.round_seq is None or tie.round_seq == seq
        other = earlier.get(tie.round_seq) if tie.round_seq is not None and not this_round else None
        if not this_round and other is None:
            problems.add(where, QT_TRANSLATE_NOOP(
                "Errors", "tie-break {n} names round {seq}, which is not this round or an earlier one"),
                n=n, seq=tie.round_seq)
            continue
        names = set(other.criteria) if other else {c.name.strip() for c in data.criteria}
        if tie.criterion and tie.criterion not in names:
            problems.add(where, QT_TRANSLATE_NOOP("Errors", "tie-break {n}: round “{round}” has no criterion "
                                                            "“{criterion}”"),
                         n=n, round=other.name if other else data.name.strip(), criterion=tie.criterion)
        key = TieBreak(seq if this_round else tie.round_seq, tie.criterion)
        if key in seen:
            problems.add(where, QT_TRANSLATE_NOOP("Errors", "tie-break {n} repeats an earlier one"), n=n)
        seen.add(key)


def round_problems(data: RoundData, context: SetupContext) -> Problems:
    """Everything wrong with a round's set-up on its own and among the competition's other rounds."""
    problems = Problems()
    name = data.name.strip()
    if not name:
        problems.add("name", QT_TRANSLATE_NOOP("Errors", "give the round a name"))
    elif len(name) > NAME_LIMIT:
        problems.add("name", QT_TRANSLATE_NOOP("Errors", "the round's name is longer than {limit} characters"),
                     limit=NAME_LIMIT)
    _weight_problems(problems, data, context.others_for(data.tender_id))
    if data.tender_id is not None and data.tender_id not in dict(context.tenders):
        problems.add("tender_id", QT_TRANSLATE_NOOP("Errors", "the tender project is not one of this competition's"))
    _step_problems(problems, data)
    criteria_problems(problems, data.criteria, data.score_step_x100)
    _aggregation_problems(problems, data)
    _advance_problems(problems, data)
    _group_problems(problems, data.groups)
    _tie_problems(problems, data, context.seq, {r.seq: r for r in context.earlier})
    return problems


def _scored_problems(problems: Problems, round_: Round, data: RoundData) -> None:
    """Sheets were scored against the rubric as it is: its items, their maximums and bonus status stay."""
    stored = {c.id: c for c in round_.criteria}
    kept = [c for c in data.criteria if c.id in stored]
    if len(kept) != len(data.criteria) or len(kept) != len(stored) or len({c.id for c in kept}) != len(kept):
        problems.add("criteria", QT_TRANSLATE_NOOP(
            "Errors", "score sheets are in for this round: criteria can no longer be added or removed"))
    for n, c in enumerate(data.criteria, start=1):
        old = stored.get(c.id) if c.id is not None else None
        if old is None:
            continue
        if old.max_points_x100 != c.max_points_x100:
            problems.add(f"criteria[{n}]", QT_TRANSLATE_NOOP(
                "Errors", "score sheets are in for this round: the maximum of “{criterion}” must stay {max}"),
                criterion=old.name, max=points(old.max_points_x100))
        if old.is_bonus != c.is_bonus:
            problems.add(f"criteria[{n}]", QT_TRANSLATE_NOOP(
                "Errors", "score sheets are in for this round: “{criterion}” cannot become or stop being a bonus "
                          "item"), criterion=old.name)
    if data.score_step_x100 != round_.score_step_x100:
        problems.add("score_step_x100", QT_TRANSLATE_NOOP(
            "Errors", "score sheets are in for this round: the score step must stay {step}"),
            step=points(round_.score_step_x100))


def _removed_group_problems(s: Session, problems: Problems, round_: Round, data: RoundData) -> None:
    kept = {g.id for g in data.groups if g.id is not None}
    for group in round_.groups:
        if group.id in kept:
            continue
        members = s.scalar(select(func.count(PanelMember.id)).where(PanelMember.group_id == group.id)) or 0
        if members:
            problems.add("groups", QT_TRANSLATE_NOOP(
                "Errors", "judge group “{group}” still has {count} judges on the round's panels; put them in another "
                          "group before removing it"), group=group.name, count=members)


def _later_rounds(s: Session, round_: Round) -> list[Round]:
    return list(s.scalars(select(Round).where(Round.competition_id == round_.competition_id,
                                              Round.seq > round_.seq).order_by(Round.seq)))


def _removed_criteria_problems(s: Session, problems: Problems, round_: Round, data: RoundData) -> None:
    """A later round breaking ties on a criterion of this one keeps it."""
    kept = {c.id for c in data.criteria if c.id is not None}
    removed = {c.name for c in round_.criteria if c.id not in kept} - {c.name.strip() for c in data.criteria}
    for later in _later_rounds(s, round_):
        for tie in map(TieBreak.from_json, later.tie_breaks or ()):
            if tie.round_seq == round_.seq and tie.criterion in removed:
                problems.add("criteria", QT_TRANSLATE_NOOP(
                    "Errors", "“{criterion}” breaks ties in round “{round}”; it cannot be removed"),
                    criterion=tie.criterion, round=later.name)


# --- reading -----------------------------------------------------------------------------------------------------


def _refuse_missing_round(round_id: int | None) -> ValidationError:
    return ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no review round with number {id}."), id=round_id)


def _load_round(s: Session, round_id: int, competition_id: int | None = None) -> Round:
    round_ = s.get(Round, round_id, options=[selectinload(Round.criteria), selectinload(Round.groups)])
    if round_ is None or (competition_id is not None and round_.competition_id != competition_id):
        raise _refuse_missing_round(round_id)
    return round_


def _has_scores(s: Session, round_id: int) -> bool:
    """Any sheet (even a draft) or paper keying: points exist against the rubric as it stands."""
    sheet = s.scalar(select(ScoreSheet.id).join(Assignment).where(Assignment.round_id == round_id).limit(1))
    paper = s.scalar(select(PaperEntry.id).join(Assignment).where(Assignment.round_id == round_id).limit(1))
    return sheet is not None or paper is not None


def _data_of(round_: Round) -> RoundData:
    data = RoundData(**{name: getattr(round_, name) for name in SCALARS})
    data.tie_breaks = [TieBreak.from_json(t) for t in round_.tie_breaks or ()]
    data.criteria = [CriterionData(c.name, c.description, c.max_points_x100, c.weight_percent, c.is_bonus, c.id)
                     for c in round_.criteria]
    data.groups = [GroupData(g.name, g.weight_percent, g.id) for g in round_.groups]
    return data


def load_round(db: Database, round_id: int) -> tuple[RoundData, bool, bool]:
    """(the set-up, frozen, has scores)."""
    with db.read() as s:
        round_ = _load_round(s, round_id)
        return _data_of(round_), round_.frozen, _has_scores(s, round_id)


def rounds_of(db: Database, competition_id: int) -> list[RoundChoice]:
    with db.read() as s:
        return [RoundChoice(*row) for row in s.execute(
            select(Round.id, Round.seq, Round.name).where(Round.competition_id == competition_id)
            .order_by(Round.seq))]


def _context(s: Session, competition: Competition, round_: Round | None) -> SetupContext:
    rounds = list(s.scalars(select(Round).where(Round.competition_id == competition.id).order_by(Round.seq)
                            .options(selectinload(Round.criteria))))
    seq = round_.seq if round_ is not None else max((r.seq for r in rounds), default=0) + 1
    others = [r for r in rounds if round_ is None or r.id != round_.id]
    earlier = tuple(RoundRubric(r.id, r.seq, r.name, tuple(c.name for c in r.criteria)) for r in rounds if r.seq < seq)
    tenders = tuple((t.id, f"{t.code} {t.name}") for t in s.scalars(
        select(TenderProject).where(TenderProject.competition_id == competition.id).order_by(TenderProject.code)))
    return SetupContext(competition.name, seq, sum(r.weight_percent for r in others), earlier,
                        tuple((r.tender_id, r.weight_percent) for r in others), tenders)


def _competition(s: Session, competition_id: int) -> Competition:
    competition = s.get(Competition, competition_id)
    if competition is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}."),
                              id=competition_id)
    return competition


def setup_context(db: Database, competition_id: int, round_id: int | None = None) -> SetupContext:
    """What a round's form needs from the competition: its seq, the other rounds' weights, earlier rubrics."""
    with db.read() as s:
        competition = _competition(s, competition_id)
        round_ = _load_round(s, round_id, competition_id) if round_id is not None else None
        return _context(s, competition, round_)


def new_round(db: Database, competition_id: int) -> RoundData:
    """A blank round taking the share of the final result the other rounds leave."""
    context = setup_context(db, competition_id)
    return RoundData(weight_percent=max(0, 100 - context.other_weight_percent))


# --- writing -----------------------------------------------------------------------------------------------------


def _frozen(round_: Round) -> ValidationError:
    return ValidationError(QT_TRANSLATE_NOOP(
        "Errors", "The results of round “{round}” are frozen; reopen the round formally before changing its "
                  "set-up."), round=round_.name)


def save_round(db: Database, competition_id: int, round_id: int | None, data: RoundData) -> int:
    """Creates (at the next seq) or updates a round with its rubric and groups; every problem is reported at once
    and nothing is written while any remains."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    with db.write() as s:
        competition = _competition(s, competition_id)
        round_ = _load_round(s, round_id, competition_id) if round_id is not None else None
        if round_ is not None and round_.frozen:
            raise _frozen(round_)
        context = _context(s, competition, round_)
        problems = round_problems(data, context)
        if round_ is not None:
            if _has_scores(s, round_.id):
                _scored_problems(problems, round_, data)
            _removed_group_problems(s, problems, round_, data)
            _removed_criteria_problems(s, problems, round_, data)
        problems.raise_if_any()
        before = _as_json(round_) if round_ is not None else None
        if round_ is None:
            round_ = Round(competition_id=competition_id, seq=context.seq)
            s.add(round_)
        else:
            _follow_renames(s, round_, data)
        _apply(s, round_, data)
        s.flush()
        audit.log(s, actor, "round.create" if before is None else "round.update", "round", round_.id,
                  before=before, after=_as_json(round_))
        return round_.id


def _apply(s: Session, round_: Round, data: RoundData) -> None:
    for name in SCALARS:
        value = getattr(data, name)
        setattr(round_, name, value.strip() if isinstance(value, str) else value)
    if round_.advance_rule == AdvanceRule.ALL:
        round_.advance_value = None
    # "this round" is stored by its seq, so the competition's final ranking can use it as well
    round_.tie_breaks = [TieBreak(round_.seq if t.round_seq is None else t.round_seq, t.criterion).to_json()
                         for t in data.tie_breaks]
    stored = {c.id: c for c in round_.criteria}
    if stored:
        for c in stored.values():  # out of the way of the unique (round, seq) while lines change places
            c.seq = -c.seq
        s.flush()
    criteria = []
    for seq, item in enumerate(data.criteria, start=1):
        criterion = stored.pop(item.id, None) if item.id is not None else None
        criterion = criterion or Criterion()
        criterion.seq, criterion.name, criterion.description = seq, item.name.strip(), item.description.strip()
        criterion.max_points_x100, criterion.weight_percent = item.max_points_x100, item.weight_percent
        criterion.is_bonus = item.is_bonus
        criteria.append(criterion)
    round_.criteria = criteria
    groups = {g.id: g for g in round_.groups}
    round_.groups = [_group(groups.pop(item.id, None) if item.id is not None else None, item) for item in data.groups]


def _group(group: JudgeGroup | None, item: GroupData) -> JudgeGroup:
    group = group or JudgeGroup()
    group.name, group.weight_percent = item.name.strip(), item.weight_percent
    return group


def _follow_renames(s: Session, round_: Round, data: RoundData) -> None:
    """Later rounds breaking ties on a renamed criterion of this round follow the new name."""
    renamed = {c.name: item.name.strip() for c in round_.criteria for item in data.criteria
               if item.id == c.id and c.name != item.name.strip()}
    if not renamed:
        return
    for later in _later_rounds(s, round_):
        ties = [TieBreak.from_json(t) for t in later.tie_breaks or ()]
        if any(t.round_seq == round_.seq and t.criterion in renamed for t in ties):
            later.tie_breaks = [TieBreak(t.round_seq, renamed.get(t.criterion, t.criterion)
                                         if t.round_seq == round_.seq else t.criterion).to_json() for t in ties]


def _as_json(round_: Round) -> dict[str, Any]:
    """The set-up as the change log keeps it."""
    data: dict[str, Any] = {name: getattr(round_, name) for name in SCALARS}
    data["scheduled_on"] = round_.scheduled_on.isoformat() if round_.scheduled_on else None
    data["tie_breaks"] = list(round_.tie_breaks or ())
    data["criteria"] = [{"id": c.id, "name": c.name, "max": c.max_points_x100, "weight": c.weight_percent,
                         "bonus": c.is_bonus} for c in round_.criteria]
    data["groups"] = [{"id": g.id, "name": g.name, "weight": g.weight_percent} for g in round_.groups]
    return {k: v.value if hasattr(v, "value") else v for k, v in data.items()}


def delete_round(db: Database, round_id: int) -> None:
    """Removes a round that no proposal has been given to yet, with its rubric, groups and panels."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    with db.write() as s:
        round_ = _load_round(s, round_id)
        if s.scalar(select(Assignment.id).where(Assignment.round_id == round_id).limit(1)) is not None:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Proposals have been given to judges in round “{round}”; it cannot be deleted."),
                round=round_.name)
        for later in _later_rounds(s, round_):
            if any(TieBreak.from_json(t).round_seq == round_.seq for t in later.tie_breaks or ()):
                raise ValidationError(QT_TRANSLATE_NOOP(
                    "Errors", "Round “{later}” breaks ties on round “{round}”; it cannot be deleted."),
                    later=later.name, round=round_.name)
        before = _as_json(round_)
        panels = s.execute(delete(Panel).where(Panel.round_id == round_id)).rowcount  # members go with them
        s.delete(round_)
        audit.log(s, actor, "round.delete", "round", round_id, before={**before, "panels": panels})


# --- rubric templates --------------------------------------------------------------------------------------------


class TemplateExists(ValidationError):
    """A template of that name exists; saving again with replace=True overwrites it."""


def _criteria_json(criteria: Sequence[CriterionData]) -> list[dict[str, Any]]:
    return [{"name": c.name.strip(), "description": c.description.strip(), "max_points_x100": c.max_points_x100,
             "weight_percent": c.weight_percent, "is_bonus": c.is_bonus} for c in criteria]


def save_template(db: Database, name: str, criteria: Sequence[CriterionData], *, replace: bool = False) -> int:
    """Keeps a rubric under a name (its lines only: no ids, no round)."""
    actor = access.require(db, Permission.JUDGING_SETUP)
    problems = Problems()
    name = name.strip()
    if not name:
        problems.add("name", QT_TRANSLATE_NOOP("Errors", "give the template a name"))
    elif len(name) > TEMPLATE_LIMIT:
        problems.add("name", QT_TRANSLATE_NOOP("Errors", "the template's name is longer than {limit} characters"),
                     limit=TEMPLATE_LIMIT)
    criteria_problems(problems, criteria)
    problems.raise_if_any()
    with db.write() as s:
        template = s.scalars(select(RubricTemplate).where(RubricTemplate.name == name)).first()
        if template is not None and not replace:
            raise TemplateExists(QT_TRANSLATE_NOOP("Errors", "A rubric template named “{name}” already exists."),
                                 name=name)
        if template is None:
            template = RubricTemplate(name=name)
            s.add(template)
        template.criteria = _criteria_json(criteria)
        s.flush()
        audit.log(s, actor, "rubric_template.save", "rubric_template", template.id,
                  after={"name": name, "criteria": template.criteria})
        return template.id


def templates(db: Database) -> list[TemplateRow]:
    with db.read() as s:
        return [TemplateRow(t.id, t.name, len(t.criteria or ()))
                for t in s.scalars(select(RubricTemplate).order_by(RubricTemplate.name))]


def _template(s: Session, template_id: int) -> RubricTemplate:
    template = s.get(RubricTemplate, template_id)
    if template is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no rubric template with number {id}."),
                              id=template_id)
    return template


def load_template(db: Database, template_id: int) -> list[CriterionData]:
    """The template's lines as new criteria (no ids: they become new rows of the round they are loaded into)."""
    with db.read() as s:
        rows = _template(s, template_id).criteria or []
    return [CriterionData(str(r.get("name", "")), str(r.get("description", "")), int(r.get("max_points_x100", 0)),
                          int(r.get("weight_percent", 100)), bool(r.get("is_bonus", False))) for r in rows]


def delete_template(db: Database, template_id: int) -> None:
    actor = access.require(db, Permission.JUDGING_SETUP)
    with db.write() as s:
        template = _template(s, template_id)
        audit.log(s, actor, "rubric_template.delete", "rubric_template", template_id,
                  before={"name": template.name, "criteria": template.criteria})
        s.delete(template)
