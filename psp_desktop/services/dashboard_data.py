"""The figures behind the dashboard's charts, for one competition, one year or everything: money committed and paid
by service domain and by community, needs coverage (services.needs), score distributions of frozen rounds,
evaluation grades and tranche status. Read-only; a handful of Core selects whatever the size of the district.

Money follows the Funding page exactly (services.finance: committed = every tranche not cancelled, paid = the
payments, tranche status as on `today`), so the two pages never disagree."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import EvaluationGrade, EvaluationKind, TrancheStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Award, Competition, Evaluation, Round, RoundSnapshot
from . import access, finance
from .access import Permission

if TYPE_CHECKING:
    from .needs import Coverage

BIN_WIDTHS = (5, 10)


@dataclass(frozen=True)
class Scope:
    """What the charts cover: one competition, every competition of a year, or (both None) everything."""

    competition_id: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class CompetitionChoice:
    id: int
    name: str
    year: int


@dataclass(frozen=True)
class MoneyLine:
    key: str  # a ServiceDomain value, or a community name ("" when the proposal named none)
    awards: int
    committed_fen: int
    paid_fen: int


@dataclass(frozen=True)
class StatusLine:
    status: TrancheStatus
    tranches: int
    amount_fen: int


@dataclass(frozen=True)
class GradeLine:
    grade: EvaluationGrade
    midterm: int
    final: int

    @property
    def total(self) -> int:
        return self.midterm + self.final


@dataclass(frozen=True)
class RoundChoice:
    round_id: int
    competition_id: int
    competition: str
    year: int
    seq: int
    name: str


@dataclass(frozen=True)
class ScoreBin:
    low: int   # included
    high: int  # excluded
    count: int


@dataclass(frozen=True)
class Figures:
    scope: Scope
    competitions: tuple[CompetitionChoice, ...]  # every competition, newest first (for the chooser)
    by_domain: tuple[MoneyLine, ...]
    by_community: tuple[MoneyLine, ...]
    tranches: tuple[StatusLine, ...]
    grades: tuple[GradeLine, ...]
    rounds: tuple[RoundChoice, ...]  # frozen rounds in scope, newest first
    scores: tuple[Decimal, ...]      # the published totals of rounds[0]
    coverage_year: int | None
    coverage: Coverage | None


def figures(db: Database, scope: Scope = Scope(), today: dt.date | None = None) -> Figures:
    """Everything the dashboard draws for the scope. Coverage is for the scope's year (everything: the latest
    competition's year)."""
    access.require(db, Permission.RESULTS_READ)
    today = today or dt.date.today()
    with db.read() as s:
        competitions = _competitions(s)
        ids = _ids_in(competitions, scope)
        found = [r for r in finance.rows_in(s, competition_id=scope.competition_id, view=finance.View.ALL,
                                            today=today) if ids is None or r.competition_id in ids]
        grades = _grades(s, ids)
        rounds = _rounds(s, ids)
        scores = _scores(s, rounds[0].round_id) if rounds else ()
    year = _coverage_year(competitions, scope)
    return Figures(scope, competitions, _money(found, finance.Dimension.DOMAIN),
                   _money(found, finance.Dimension.COMMUNITY), _statuses(found), grades, rounds, scores, year,
                   _coverage(db, year))


def round_scores(db: Database, round_id: int) -> tuple[Decimal, ...]:
    """The totals a frozen round published (its snapshot), one per proposal, as the results page shows them."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return _scores(s, round_id)


def score_bins(scores: Iterable[Decimal], width: int = 5) -> tuple[ScoreBin, ...]:
    """A histogram of totals in bins [low, low + width), from the lowest score's bin to the highest's; empty bins in
    between are kept so the shape is honest."""
    if width not in BIN_WIDTHS:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Score bins are {widths} points wide, not {width}."),
                              widths=" / ".join(map(str, BIN_WIDTHS)), width=width)
    counts = Counter(int(score // width) * width for score in scores)
    if not counts:
        return ()
    return tuple(ScoreBin(low, low + width, counts.get(low, 0))
                 for low in range(min(counts), max(counts) + width, width))


# --- selects -----------------------------------------------------------------------------------------------------


def _competitions(s: Session) -> tuple[CompetitionChoice, ...]:
    rows = s.execute(select(Competition.id, Competition.name, Competition.year)
                     .order_by(Competition.year.desc(), Competition.id.desc()))
    return tuple(CompetitionChoice(*row) for row in rows)


def _ids_in(competitions: Sequence[CompetitionChoice], scope: Scope) -> set[int] | None:
    if scope.competition_id is not None:
        if not any(c.id == scope.competition_id for c in competitions):
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}."),
                                  id=scope.competition_id)
        return {scope.competition_id}
    if scope.year is not None:
        return {c.id for c in competitions if c.year == scope.year}
    return None


def _within(query: Select[Any], column: Any, ids: set[int] | None) -> Select[Any]:
    return query if ids is None else query.where(column.in_(sorted(ids)))


def _grades(s: Session, ids: set[int] | None) -> tuple[GradeLine, ...]:
    """Finalized evaluations (objection window over) by grade, mid-term and final counted apart."""
    query = (select(Evaluation.grade, Evaluation.kind, func.count())
             .join(Award, Evaluation.award_id == Award.id)
             .where(Evaluation.final.is_(True), Evaluation.grade.is_not(None))
             .group_by(Evaluation.grade, Evaluation.kind))
    counts = {(grade, kind): n for grade, kind, n in s.execute(_within(query, Award.competition_id, ids))}
    lines = (GradeLine(g, counts.get((g, EvaluationKind.MIDTERM), 0), counts.get((g, EvaluationKind.FINAL), 0))
             for g in EvaluationGrade)
    return tuple(line for line in lines if line.total)


def _rounds(s: Session, ids: set[int] | None) -> tuple[RoundChoice, ...]:
    query = (select(Round.id, Round.competition_id, Competition.name, Competition.year, Round.seq, Round.name)
             .join(Competition, Round.competition_id == Competition.id)
             .where(Round.frozen.is_(True))
             .order_by(Competition.year.desc(), Competition.id.desc(), Round.seq.desc()))
    return tuple(RoundChoice(*row) for row in s.execute(_within(query, Round.competition_id, ids)))


def _scores(s: Session, round_id: int) -> tuple[Decimal, ...]:
    content = s.scalar(select(RoundSnapshot.content)
                       .where(RoundSnapshot.round_id == round_id, RoundSnapshot.reopened_at.is_(None))
                       .order_by(RoundSnapshot.id.desc()).limit(1))
    if content is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "This round has no frozen results."))
    return tuple(sorted(score for p in content.get("proposals", ()) if (score := _points(p.get("score")))
                        is not None))


def _points(text: Any) -> Decimal | None:
    """A published total ("86.50"); a proposal without one (never the case once frozen) is left out."""
    try:
        return Decimal(str(text)) if text not in (None, "") else None
    except InvalidOperation:
        return None


# --- sums --------------------------------------------------------------------------------------------------------


def _money(found: Sequence[finance.TrancheRow], dimension: finance.Dimension) -> tuple[MoneyLine, ...]:
    return tuple(MoneyLine(t.key, t.awards, t.committed_fen, t.paid_fen)
                 for t in finance.totals_of(found, dimension))


def _statuses(found: Sequence[finance.TrancheRow]) -> tuple[StatusLine, ...]:
    counts = Counter(r.status for r in found)
    amounts: Counter[TrancheStatus] = Counter()
    for r in found:
        amounts[r.status] += r.amount_fen
    return tuple(StatusLine(status, counts[status], amounts[status]) for status in TrancheStatus if counts[status])


# --- needs coverage ----------------------------------------------------------------------------------------------


def _coverage_year(competitions: Sequence[CompetitionChoice], scope: Scope) -> int | None:
    if scope.competition_id is not None:
        return next(c.year for c in competitions if c.id == scope.competition_id)
    if scope.year is not None:
        return scope.year
    return competitions[0].year if competitions else None


def _coverage(db: Database, year: int | None) -> Coverage | None:
    if year is None:
        return None
    from . import needs  # written alongside this module (issue 8); imported when first used

    return needs.coverage(db, year)
