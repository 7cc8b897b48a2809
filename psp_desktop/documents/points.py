"""How points and judging wording are written on the judging papers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from .template import Template


class CriterionLike(Protocol):
    """scoring.CriterionSpec and judging_papers.RubricLine both have these."""

    @property
    def name(self) -> str: ...
    @property
    def max_x100(self) -> int: ...
    @property
    def is_bonus(self) -> bool: ...


def points(x100: int | None) -> str:
    """Points as a judge writes them: 1850 → 18.5, 2000 → 20 ('' for none)."""
    if x100 is None:
        return ""
    whole, part = divmod(x100, 100)
    return str(whole) if not part else f"{whole}.{part:02d}".rstrip("0")


def worded(template: Template, group: str, key: str, values: Mapping[str, object] | None = None) -> str:
    """A label of the template with its {names} put in (plain text: the cell's fill() escapes it later)."""
    text = template.label(group, key)
    for name, value in (values or {}).items():
        text = text.replace("{" + name + "}", str(value))
    return text


def criterion_items(template: Template, criteria: Iterable[CriterionLike]) -> list[dict[str, str]]:
    """One header item per criterion: its name and its maximum (a bonus item says so)."""
    return [{"criterion": c.name,
             "max": worded(template, "max", "bonus" if c.is_bonus else "points", {"max": points(c.max_x100)})}
            for c in criteria]
