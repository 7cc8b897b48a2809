"""What an evaluation needs without a database: indicators and their points, the total, the grade from the
thresholds, a competition's evaluation rules with their defaults, and the indicator sets shipped with the app.

Points are kept ×100 as integers (85.5 points = 8550). A set's regular items add up to 100 points; a bonus item (加分)
adds up to its points; a penalty item (扣分) takes off up to its points and is scored as a negative number.

Competition.rules["evaluation"] (every key optional; the defaults are the usual published rules):
    {"grades": {"excellent": 90, "good": 80, "pass": 60},   # 优秀 ≥ 90, 良好 80–89, 合格 60–79, 不合格 < 60
     "objection_days": 7,                                    # 异议期, counted from the day of publication
     "on_fail": {"withhold": true, "clawback_percent": 0, "bar_years": 0}}
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..enums import EvaluationGrade, EvaluationKind
from ..errors import QT_TRANSLATE_NOOP, ValidationError, os_reason
from ..paths import resource_dir

FULL_MARKS = 10_000  # 100 points, ×100
MAX_ITEM = 10_000  # no single item is worth more than 100 points
NAME_LENGTH = 60  # IndicatorSet.name and EvaluationScore.indicator
COMMENT_LENGTH = 500
NARRATIVE_LENGTH = 5000
SHIPPED_FILE = "indicator_sets.json"


class ItemKind(StrEnum):
    REGULAR = "regular"
    BONUS = "bonus"      # 加分
    PENALTY = "penalty"  # 扣分


# what people read (the GUI and the CLI translate these); the Chinese words for stored reasons and documents
GRADE_LABELS = {
    EvaluationGrade.EXCELLENT: QT_TRANSLATE_NOOP("Evaluations", "Excellent"),
    EvaluationGrade.GOOD: QT_TRANSLATE_NOOP("Evaluations", "Good"),
    EvaluationGrade.PASS: QT_TRANSLATE_NOOP("Evaluations", "Pass"),
    EvaluationGrade.FAIL: QT_TRANSLATE_NOOP("Evaluations", "Fail"),
}
KIND_LABELS = {
    EvaluationKind.MIDTERM: QT_TRANSLATE_NOOP("Evaluations", "Mid-term"),
    EvaluationKind.FINAL: QT_TRANSLATE_NOOP("Evaluations", "Final"),
}
ITEM_LABELS = {
    ItemKind.REGULAR: QT_TRANSLATE_NOOP("Evaluations", "Regular item"),
    ItemKind.BONUS: QT_TRANSLATE_NOOP("Evaluations", "Bonus item"),
    ItemKind.PENALTY: QT_TRANSLATE_NOOP("Evaluations", "Penalty item"),
}
GRADE_ZH = {EvaluationGrade.EXCELLENT: "优秀", EvaluationGrade.GOOD: "良好", EvaluationGrade.PASS: "合格",
            EvaluationGrade.FAIL: "不合格"}
KIND_ZH = {EvaluationKind.MIDTERM: "中期", EvaluationKind.FINAL: "终期"}


def points_text(x100: int | None) -> str:
    """Points as people write them: 8500 → 85, 5250 → 52.5, 7999 → 79.99, -300 → -3 ('' for none)."""
    if x100 is None:
        return ""
    sign, size = ("-" if x100 < 0 else ""), abs(x100)
    whole, part = divmod(size, 100)
    return sign + (str(whole) if not part else f"{whole}.{part:02d}".rstrip("0"))


def points_x100(value: Any) -> int | None:
    """A number of points (85, "85.5", 79.99) as ×100, or None when it is not one or has more than two decimals."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number * 100 != (number * 100).to_integral_value():
        return None
    return int(number * 100)


# --- indicators ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    name: str
    max_x100: int  # a penalty item: the most it takes off, as a positive number
    kind: ItemKind = ItemKind.REGULAR
    description: str = ""

    @property
    def low_x100(self) -> int:
        return -self.max_x100 if self.kind is ItemKind.PENALTY else 0

    @property
    def high_x100(self) -> int:
        return 0 if self.kind is ItemKind.PENALTY else self.max_x100

    def as_data(self) -> dict[str, Any]:
        return {"name": self.name, "max_points_x100": self.max_x100, "kind": str(self.kind),
                "description": self.description}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Indicator:
        kind = data.get("kind") or (ItemKind.BONUS if data.get("bonus") else ItemKind.REGULAR)
        return cls(str(data["name"]), int(data["max_points_x100"]), ItemKind(kind), str(data.get("description", "")))


def indicators_of(data: Iterable[Mapping[str, Any]]) -> tuple[Indicator, ...]:
    return tuple(Indicator.from_data(d) for d in data)


def regular_total(indicators: Iterable[Indicator]) -> int:
    return sum(i.max_x100 for i in indicators if i.kind is ItemKind.REGULAR)


def set_problem(name: str, indicators: Sequence[Indicator]) -> ValidationError | None:
    """What is wrong with an indicator set, or None: its name, each item, and the 100 points of the regular items."""
    if not name.strip() or len(name.strip()) > NAME_LENGTH:
        return ValidationError(QT_TRANSLATE_NOOP("Errors", "Give the indicator set a name of at most 60 characters."))
    if not indicators:
        return ValidationError(QT_TRANSLATE_NOOP("Errors", "An indicator set needs at least one indicator."))
    seen: set[str] = set()
    for n, item in enumerate(indicators, 1):
        if not item.name.strip() or len(item.name.strip()) > NAME_LENGTH:
            return ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Indicator {n}: give it a name of at most 60 characters."), n=n)
        if item.name.strip() in seen:
            return ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "The indicator “{name}” appears twice; each indicator needs its own name."),
                name=item.name.strip())
        seen.add(item.name.strip())
        if not 0 < item.max_x100 <= MAX_ITEM:
            return ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Indicator “{name}”: its points must be more than 0 and at most 100."), name=item.name)
    total = regular_total(indicators)
    if total != FULL_MARKS:
        return ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The regular indicators add up to {total} points, not 100 (bonus and penalty items are "
                      "counted apart)."), total=points_text(total))
    return None


def points_problem(item: Indicator, x100: int) -> ValidationError | None:
    """A score outside the item's range: 0 to its maximum, or down to its most deduction for a penalty item."""
    if item.kind is ItemKind.PENALTY and not item.low_x100 <= x100 <= 0:
        return ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "“{name}” is a penalty item: write the deduction as a negative number from 0 down to -{max} "
                      "points, not {points}."), name=item.name, max=points_text(item.max_x100),
            points=points_text(x100))
    if item.kind is not ItemKind.PENALTY and not 0 <= x100 <= item.max_x100:
        return ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "“{name}” is worth at most {max} points: {points} is not allowed."),
            name=item.name, max=points_text(item.max_x100), points=points_text(x100))
    return None


def total_of(points: Iterable[int]) -> int:
    """The total of the item scores (penalties already negative), never below zero."""
    return max(0, sum(points))


# --- a competition's rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grades:
    """The lowest total of each grade, ×100; below `pass_x100` is a fail."""

    excellent_x100: int = 9000
    good_x100: int = 8000
    pass_x100: int = 6000

    def grade(self, total_x100: int) -> EvaluationGrade:
        if total_x100 >= self.excellent_x100:
            return EvaluationGrade.EXCELLENT
        if total_x100 >= self.good_x100:
            return EvaluationGrade.GOOD
        if total_x100 >= self.pass_x100:
            return EvaluationGrade.PASS
        return EvaluationGrade.FAIL


@dataclass(frozen=True)
class OnFail:
    withhold: bool = True  # the gated tranche is withheld (record_gate with met=False)
    clawback_percent_x100: int = 0  # of the money paid and not yet clawed back, per tranche
    bar_years: int = 0  # an OrganizationBar from the day the failed evaluation is final


@dataclass(frozen=True)
class EvaluationRules:
    grades: Grades = field(default_factory=Grades)
    objection_days: int = 7
    on_fail: OnFail = field(default_factory=OnFail)


BAD_RULE = QT_TRANSLATE_NOOP("Errors", "The competition's evaluation rules are not valid: {key} = {value}.")


def _number(section: Mapping[str, Any], key: str, default: int, path: str, low: int, high: int) -> int:
    """A number of points or a percentage as ×100, within [low, high] (×100)."""
    if key not in section:
        return default
    value = points_x100(section[key])
    if value is None or isinstance(section[key], bool) or not low <= value <= high:
        raise ValidationError(BAD_RULE, key=f"{path}.{key}", value=section[key])
    return value


def _whole(section: Mapping[str, Any], key: str, default: int, path: str, high: int) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise ValidationError(BAD_RULE, key=f"{path}.{key}", value=value)
    return value


def _section(data: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    section = data.get(key) or {}
    if not isinstance(section, Mapping):
        raise ValidationError(BAD_RULE, key=f"{path}.{key}", value=section)
    return section


def rules_of(competition_rules: Mapping[str, Any] | None) -> EvaluationRules:
    """The evaluation rules of a competition (its `rules` column), the defaults where it says nothing."""
    data = _section(competition_rules or {}, "evaluation", "rules")
    grades = _section(data, "grades", "evaluation")
    defaults = Grades()
    passing = _number(grades, "pass", defaults.pass_x100, "evaluation.grades", 1, 20_000)
    good = _number(grades, "good", defaults.good_x100, "evaluation.grades", passing, 20_000)
    excellent = _number(grades, "excellent", defaults.excellent_x100, "evaluation.grades", good, 20_000)
    fail = _section(data, "on_fail", "evaluation")
    withhold = fail.get("withhold", True)
    if not isinstance(withhold, bool):
        raise ValidationError(BAD_RULE, key="evaluation.on_fail.withhold", value=withhold)
    return EvaluationRules(
        Grades(excellent, good, passing),
        _whole(data, "objection_days", 7, "evaluation", 90),
        OnFail(withhold, _number(fail, "clawback_percent", 0, "evaluation.on_fail", 0, 10_000),
               _whole(fail, "bar_years", 0, "evaluation.on_fail", 10)),
    )


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day N years later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def gate_reason(kind: EvaluationKind, grade: EvaluationGrade, total_x100: int) -> str:
    """What the tranche's gate note says (stored, in Chinese like the documents): 中期评估良好（得分85分）."""
    return f"{KIND_ZH[kind]}评估{GRADE_ZH[grade]}（得分{points_text(total_x100)}分）"


# --- the shipped sets ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShippedSet:
    name: str
    kind: EvaluationKind
    indicators: tuple[Indicator, ...]


def shipped_sets(directory: Path | None = None) -> tuple[ShippedSet, ...]:
    """The indicator sets in resources/templates/indicator_sets.json, checked like any set."""
    path = (directory or resource_dir() / "templates") / SHIPPED_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        sets = tuple(
            ShippedSet(str(d["name"]), EvaluationKind(d["kind"]), tuple(
                Indicator(str(i["name"]), _shipped_points(i["points"]), ItemKind(i.get("kind", "regular")),
                          str(i.get("description", ""))) for i in d["indicators"]))
            for d in data["sets"])
    except OSError as exc:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {reason}"), path=path,
                              reason=os_reason(exc)) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {reason}"), path=path,
                              reason=exc) from exc
    for shipped in sets:
        problem = set_problem(shipped.name, shipped.indicators)
        if problem is not None:
            raise problem
    return sets


def _shipped_points(value: Any) -> int:
    x100 = points_x100(value)
    if x100 is None:
        raise ValueError(f"{value!r} is not a number of points")
    return x100


def shipped_set(kind: EvaluationKind) -> ShippedSet:
    return next(s for s in shipped_sets() if s.kind is EvaluationKind(kind))
