"""Field-level problems with input: collected, not raised one at a time, so a form or an import row can show
every problem at once. Messages are English source strings (context "Errors") with {named} parameters."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..codes import uscc_problem
from ..errors import ERROR_CONTEXT, QT_TRANSLATE_NOOP, ValidationError
from ..money import MAX_FEN

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")

USCC_MESSAGES = (  # codes.uscc_problem's reason → the message people see
    ("must be 18", QT_TRANSLATE_NOOP("Errors", "unified social credit code {code} must be 18 characters")),
    ("not allowed", QT_TRANSLATE_NOOP(
        "Errors", "unified social credit code {code} has characters that are not allowed (I, O, S, V, Z or others)")),
    ("region", QT_TRANSLATE_NOOP("Errors", "unified social credit code {code}: characters 3 to 8 must be digits")),
    ("check character", QT_TRANSLATE_NOOP(
        "Errors", "unified social credit code {code}: the last (check) character is wrong")),
)


# what people call each field, for messages like "项目名称 is required"
FIELD_LABELS = {
    "name": QT_TRANSLATE_NOOP("Fields", "Name"),
    "uscc": QT_TRANSLATE_NOOP("Fields", "Unified social credit code"),
    "contact_phone": QT_TRANSLATE_NOOP("Fields", "Phone"),
    "registered_on": QT_TRANSLATE_NOOP("Fields", "Registered on"),
    "intro": QT_TRANSLATE_NOOP("Fields", "Introduction"),
    "title": QT_TRANSLATE_NOOP("Fields", "Project title"),
    "target_group": QT_TRANSLATE_NOOP("Fields", "Who is served"),
    "location": QT_TRANSLATE_NOOP("Fields", "Where"),
    "summary": QT_TRANSLATE_NOOP("Fields", "Summary"),
    "need_analysis": QT_TRANSLATE_NOOP("Fields", "Needs analysis"),
    "objectives": QT_TRANSLATE_NOOP("Fields", "Objectives"),
    "activity_plan": QT_TRANSLATE_NOOP("Fields", "Activity plan"),
    "direct_beneficiaries": QT_TRANSLATE_NOOP("Fields", "Direct beneficiaries"),
    "indirect_beneficiaries": QT_TRANSLATE_NOOP("Fields", "Indirect beneficiaries"),
    "start_month": QT_TRANSLATE_NOOP("Fields", "Start month"),
    "end_month": QT_TRANSLATE_NOOP("Fields", "End month"),
    "requested_fen": QT_TRANSLATE_NOOP("Fields", "Amount requested"),
    "matching_fen": QT_TRANSLATE_NOOP("Fields", "Matching funds"),
    "bid_price_fen": QT_TRANSLATE_NOOP("Fields", "Bid price"),
    "budget_lines": QT_TRANSLATE_NOOP("Fields", "Budget"),
    "pool_fen": QT_TRANSLATE_NOOP("Fields", "Pool"),
    "project_cap_fen": QT_TRANSLATE_NOOP("Fields", "Cap per project"),
    "organizer": QT_TRANSLATE_NOOP("Fields", "Organizer"),
    "district": QT_TRANSLATE_NOOP("Fields", "District"),
    "intake_pattern": QT_TRANSLATE_NOOP("Fields", "Intake number pattern"),
    "report_every_months": QT_TRANSLATE_NOOP("Fields", "Progress report every (months)"),
    "grace_days": QT_TRANSLATE_NOOP("Fields", "Grace days for reports"),
    "objection_days": QT_TRANSLATE_NOOP("Fields", "Objection window (days)"),
    "excellent_points": QT_TRANSLATE_NOOP("Fields", "Grade thresholds"),
    "clawback_percent": QT_TRANSLATE_NOOP("Fields", "Claw back on a failed evaluation"),
    "bar_years": QT_TRANSLATE_NOOP("Fields", "Bar on applications after a failed evaluation"),
}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, translate: Callable[[str, str], str] | None = None) -> str:
        text = translate(ERROR_CONTEXT, self.message) if translate else self.message
        params = dict(self.params)
        if "field" in params and translate:
            params["field"] = translate("Fields", params["field"])
        return text.format(**params) if params else text


class InvalidInput(ValidationError):
    """One or more problems with the input; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(first.message, **first.params)

    def render(self, translate: Any = None) -> str:
        return "\n".join(p.render(translate) for p in self.problems)


class Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, field_name: str, message: str, **params: Any) -> None:
        """params may use {field}: the field's label, translated where the problem is shown."""
        base = field_name.split("[")[0]
        if "{field}" in message:
            params.setdefault("field", FIELD_LABELS.get(base, base))
        self.items.append(Problem(field_name, message, params))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidInput(list(self.items))

    # --- common checks -----------------------------------------------------------------------------------

    def required(self, field_name: str, value: Any) -> bool:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(field_name, QT_TRANSLATE_NOOP("Errors", "{field} is required"))
            return False
        return True

    def max_length(self, field_name: str, value: str, limit: int) -> None:
        if value and len(value) > limit:
            self.add(field_name, QT_TRANSLATE_NOOP("Errors", "{field} is longer than {limit} characters"), limit=limit)

    def uscc(self, field_name: str, value: str | None) -> None:
        reason = uscc_problem(value) if value else None
        if reason:
            message = next(m for key, m in USCC_MESSAGES if key in reason)
            self.add(field_name, message, code=value)

    def phone(self, field_name: str, value: str) -> None:
        compact = normalise_phone(value)
        if compact and not (MOBILE.match(compact) or LANDLINE.match(compact)):
            self.add(field_name, QT_TRANSLATE_NOOP(
                "Errors", "{phone} is not a phone number (11-digit mobile, or area code and number)"), phone=value)

    def lengths(self, table: Any, data: Any, names: Iterable[str], prefix: str = "") -> None:
        """Text longer than its database column (the limits are read from the table, not repeated here)."""
        limits = _column_limits(table)
        for name in names:
            value = getattr(data, name)
            limit = limits.get(name)
            if limit and isinstance(value, str) and len(value) > limit:
                self.add(prefix + name, QT_TRANSLATE_NOOP("Errors", "{field} is longer than {limit} characters"),
                         limit=limit)

    def money(self, field_name: str, fen: int | None, *, positive: bool = False) -> None:
        if fen is None:
            return
        if fen < 0 or (positive and fen == 0):
            self.add(field_name, QT_TRANSLATE_NOOP("Errors", "{field} must be more than zero") if positive
                     else QT_TRANSLATE_NOOP("Errors", "{field} cannot be negative"))
        elif fen > MAX_FEN:
            self.add(field_name, QT_TRANSLATE_NOOP("Errors", "{field} is too large"))

    def not_after(self, field_name: str, value: dt.date | None, limit: dt.date) -> None:
        if value and value > limit:
            self.add(field_name, QT_TRANSLATE_NOOP("Errors", "{field}: {date} is in the future"),
                     date=value.isoformat())

    def count(self, field_name: str, value: int | None) -> None:
        if value is not None and value < 0:
            self.add(field_name, QT_TRANSLATE_NOOP("Errors", "{field} cannot be negative"))


@functools.cache
def _column_limits(table: Any) -> dict[str, int]:
    """Text column lengths of a table (imports check thousands of rows against them)."""
    return {c.name: c.type.length for c in table.c if getattr(c.type, "length", None)}


def normalise_phone(value: str) -> str:
    """As written on paper forms: full-width digits, spaces, dashes, brackets and +86 are all accepted."""
    text = unicodedata.normalize("NFKC", value).strip()
    text = re.sub(r"[\s()（）]", "", text)
    text = re.sub(r"^(\+86|0086)-?", "", text)
    return text


def parse_date(text: str) -> dt.date:
    """2026-02-28, 2026/2/28, 2026.2.28 or 2026年2月28日; raises ValueError naming an impossible date."""
    cleaned = text.strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    parts = cleaned.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))


def contains(column: Any, text: str) -> Any:
    """Case-insensitive "contains" on both databases, with % and _ in the text taken literally."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")
