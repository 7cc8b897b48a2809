"""The effects of the three ways of buying services compared (模式效果比较), per mode and year: fiscal efficiency
(projects, money committed and paid, money per direct beneficiary), quality of service (evaluation grades, needs
covered) and cultivation of organizations (organizations funded, first-time ones). Read-only; Core selects.

Definitions, chosen so the figures agree with the other pages:
- a row's projects are the awards of competitions of that mode and year whose status is funded (committed, signed
  or completed: allocation.FUNDED); the year is the competition's;
- money committed and paid follow the Funding page and the dashboard (services.finance): committed = every tranche
  not cancelled (so what was paid on a cancelled award stays in), paid = the payments;
- money per direct beneficiary = committed ÷ the funded projects' Proposal.direct_beneficiaries, in whole fen
  rounded half up; None when no beneficiary is recorded;
- grades count the final (终期) evaluations that are final in services.evaluations' sense (`Evaluation.final`: the
  objection window over and any objection answered), of every award of the row; finalized mid-term grades are kept
  apart in `midterm_grades`;
- needs covered: the needs of the year as services.needs.coverage counts them (collected up to 31 December of the
  year and not met before it, every district) that a funded project of the row answers — linked to the proposal
  (proposal_need), or to the tender project a winning bid was for (tender_need) — out of all those needs. One need
  answered in two modes counts in both rows, so the shares of a year can add up to more than 100%;
- organizations: distinct organizations with a funded project in the row; first-time ones had no funded project in
  any earlier year, in any mode (one funded for the first time in two modes in the same year is first-time in both).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import CompetitionMode, EvaluationGrade, EvaluationKind
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Award, Competition, Evaluation, Proposal
from ..models.competition import tender_need
from ..models.proposal import proposal_need
from . import access, allocation, finance, needs
from .access import Permission
from .workbook_columns import Column, Kind
from .workbook_write import close_workbook, new_workbook, write_sheet

Key = tuple[CompetitionMode, int]


def _no_grades() -> dict[EvaluationGrade, int]:
    return dict.fromkeys(EvaluationGrade, 0)


@dataclass(frozen=True)
class ComparisonRow:
    mode: CompetitionMode
    year: int
    projects: int
    committed_fen: int
    paid_fen: int
    direct_beneficiaries: int
    grades: Mapping[EvaluationGrade, int] = field(default_factory=_no_grades)  # final (终期) evaluations
    midterm_grades: Mapping[EvaluationGrade, int] = field(default_factory=_no_grades)
    needs_covered: int = 0
    needs_total: int = 0  # the year's needs, whatever the mode
    organizations: int = 0
    first_time_organizations: int = 0

    @property
    def per_beneficiary_fen(self) -> int | None:
        if not self.direct_beneficiaries:
            return None
        return (2 * self.committed_fen + self.direct_beneficiaries) // (2 * self.direct_beneficiaries)

    @property
    def needs_share_x10000(self) -> int | None:
        """The share of needs covered in hundredths of a percent (1250 = 12.50%), rounded half up."""
        if not self.needs_total:
            return None
        return (20000 * self.needs_covered + self.needs_total) // (2 * self.needs_total)


@dataclass(frozen=True)
class Comparison:
    years: tuple[int, ...]
    rows: tuple[ComparisonRow, ...]  # every mode for every year, years ascending, modes in CompetitionMode order

    def row(self, mode: CompetitionMode, year: int) -> ComparisonRow:
        return next(r for r in self.rows if r.mode is mode and r.year == year)


def comparison(db: Database, years: Sequence[int] | None = None, *, today: dt.date | None = None) -> Comparison:
    """The figures for the years asked (None: every year with a competition)."""
    access.require(db, Permission.RESULTS_READ)
    chosen = _check_years(years)
    with db.read() as s:
        chosen = chosen if chosen is not None else tuple(sorted(set(s.scalars(select(Competition.year)))))
        keys = _keys(s)
        money = _money(s, keys, today or dt.date.today())
        funded = _funded(s, chosen)
        grades = _grades(s, chosen)
        first_years = _first_funded_years(s)
        answered = _answered(s, chosen)
    in_scope = {year: {row.need_id for row in needs.coverage(db, year).rows} for year in chosen}
    rows = tuple(_row(mode, year, money, funded, grades, first_years, answered, in_scope[year])
                 for year in chosen for mode in CompetitionMode)
    return Comparison(chosen, rows)


def _check_years(years: Sequence[int] | None) -> tuple[int, ...] | None:
    if years is None:
        return None
    for year in years:
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "{year} is not a year between 2000 and 2100."),
                                  year=year)
    return tuple(sorted(set(years)))


# --- selects -------------------------------------------------------------------------------------------------------


def _keys(s: Session) -> dict[int, Key]:
    return {cid: (mode, year) for cid, mode, year in s.execute(select(Competition.id, Competition.mode,
                                                                      Competition.year))}


def _money(s: Session, keys: Mapping[int, Key], today: dt.date) -> dict[Key, tuple[int, int]]:
    """(committed, paid) per mode and year, from finance's tranche rows so the Funding page agrees."""
    found: dict[Key, list[finance.TrancheRow]] = defaultdict(list)
    for r in finance.rows_in(s, competition_id=None, view=finance.View.ALL, today=today):
        found[keys[r.competition_id]].append(r)
    out = {}
    for key, group in found.items():
        totals = finance.totals_of(group, finance.Dimension.COMPETITION)
        out[key] = (sum(t.committed_fen for t in totals), sum(t.paid_fen for t in totals))
    return out


@dataclass(frozen=True)
class _Funded:
    proposal_id: int
    organization_id: int
    direct_beneficiaries: int


def _funded(s: Session, years: Sequence[int]) -> dict[Key, list[_Funded]]:
    rows = s.execute(select(Competition.mode, Competition.year, Proposal.id, Proposal.organization_id,
                            Proposal.direct_beneficiaries)
                     .join(Award, Award.proposal_id == Proposal.id)
                     .join(Competition, Competition.id == Award.competition_id)
                     .where(Award.status.in_(allocation.FUNDED), Competition.year.in_(years)))
    out: dict[Key, list[_Funded]] = defaultdict(list)
    for mode, year, pid, org, people in rows:
        out[(mode, year)].append(_Funded(pid, org, people))
    return out


def _grades(s: Session, years: Sequence[int]) -> dict[tuple[CompetitionMode, int, EvaluationKind],
                                                      dict[EvaluationGrade, int]]:
    rows = s.execute(select(Competition.mode, Competition.year, Evaluation.kind, Evaluation.grade, func.count())
                     .join(Award, Evaluation.award_id == Award.id)
                     .join(Competition, Competition.id == Award.competition_id)
                     .where(Evaluation.final.is_(True), Evaluation.grade.is_not(None), Competition.year.in_(years))
                     .group_by(Competition.mode, Competition.year, Evaluation.kind, Evaluation.grade))
    out: dict[tuple[CompetitionMode, int, EvaluationKind], dict[EvaluationGrade, int]] = defaultdict(_no_grades)
    for mode, year, kind, grade, n in rows:
        out[(mode, year, kind)][grade] = n
    return out


def _first_funded_years(s: Session) -> dict[int, int]:
    """Organization → the first year it had a funded project, in any mode."""
    return dict(s.execute(select(Proposal.organization_id, func.min(Competition.year))
                          .join(Award, Award.proposal_id == Proposal.id)
                          .join(Competition, Competition.id == Award.competition_id)
                          .where(Award.status.in_(allocation.FUNDED))
                          .group_by(Proposal.organization_id)).all())


def _answered(s: Session, years: Sequence[int]) -> dict[Key, set[int]]:
    """Mode and year → the needs a funded project answers, directly or through the tender it won."""
    direct = select(proposal_need.c.proposal_id, proposal_need.c.need_id)
    tendered = (select(Proposal.id.label("proposal_id"), tender_need.c.need_id)
                .join(tender_need, tender_need.c.tender_id == Proposal.tender_id))
    links = union(direct, tendered).subquery()
    rows = s.execute(select(Competition.mode, Competition.year, links.c.need_id).distinct()
                     .join(Award, Award.proposal_id == links.c.proposal_id)
                     .join(Competition, Competition.id == Award.competition_id)
                     .where(Award.status.in_(allocation.FUNDED), Competition.year.in_(years)))
    out: dict[Key, set[int]] = defaultdict(set)
    for mode, year, need_id in rows:
        out[(mode, year)].add(need_id)
    return out


def _row(mode: CompetitionMode, year: int, money: Mapping[Key, tuple[int, int]],
         funded: Mapping[Key, list[_Funded]], grades: Mapping[Any, dict[EvaluationGrade, int]],
         first_years: Mapping[int, int], answered: Mapping[Key, set[int]], in_scope: set[int]) -> ComparisonRow:
    key = (mode, year)
    projects = funded.get(key, [])
    committed, paid = money.get(key, (0, 0))
    organizations = {p.organization_id for p in projects}
    return ComparisonRow(
        mode, year, len(projects), committed, paid, sum(p.direct_beneficiaries for p in projects),
        dict(grades.get((mode, year, EvaluationKind.FINAL), _no_grades())),
        dict(grades.get((mode, year, EvaluationKind.MIDTERM), _no_grades())),
        len(answered.get(key, set()) & in_scope), len(in_scope), len(organizations),
        sum(1 for org in organizations if first_years.get(org) == year))


# --- the workbook --------------------------------------------------------------------------------------------------

GRADE_HEADERS = {EvaluationGrade.EXCELLENT: "优秀", EvaluationGrade.GOOD: "良好", EvaluationGrade.PASS: "合格",
                 EvaluationGrade.FAIL: "不合格"}
COLUMNS = (
    Column("年度", "year", Kind.INT, 8), Column("模式", "mode", Kind.ENUM, 12, enum=CompetitionMode),
    Column("资助项目数", "projects", Kind.INT, 10), Column("承诺资金（元）", "committed", Kind.MONEY, 16),
    Column("已拨付资金（元）", "paid", Kind.MONEY, 16), Column("直接受益人数", "beneficiaries", Kind.INT, 12),
    Column("人均资金（元）", "per_beneficiary", Kind.MONEY, 14),
    *(Column(f"中期评估{label}", f"midterm_{grade.value}", Kind.INT, 12) for grade, label in GRADE_HEADERS.items()),
    *(Column(f"终期评估{label}", f"grade_{grade.value}", Kind.INT, 12) for grade, label in GRADE_HEADERS.items()),
    Column("已覆盖需求数", "needs_covered", Kind.INT, 12), Column("年度需求总数", "needs_total", Kind.INT, 12),
    Column("需求覆盖率", "needs_share", Kind.TEXT, 10), Column("资助机构数", "organizations", Kind.INT, 10),
    Column("首次获资助机构数", "first_time", Kind.INT, 14),
)
NOTES = (
    "资助项目：该年度该模式下资助状态为已承诺、已签约或已结项的项目（年度按大赛/项目所属年度）。",
    "承诺资金、已拨付资金与资金管理页口径一致：承诺资金为未取消的各期拨付之和，已拨付为实际付款之和。",
    "人均资金 = 承诺资金 ÷ 资助项目的直接受益人数之和，四舍五入到分；无受益人数时留空。",
    "中期评估、终期评估：已定稿（异议期结束）的评估等级分布；项目未结项时只有中期评估。",
    "需求覆盖率 = 该模式该年度资助项目所回应的需求数 ÷ 截至该年度登记且尚未满足的需求总数；同一需求可被多种模式回应。",
    "首次获资助机构：此前任何年度、任何模式均未获资助的机构。",
)


def export_xlsx(db: Database, path: Path, years: Sequence[int] | None = None, *,
                today: dt.date | None = None) -> int:
    """The comparison as a workbook (money in yuan to the fen); the file appears whole or not at all. Returns the
    number of rows written."""
    result = comparison(db, years, today=today)
    path = Path(path)
    handle, temp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent if path.parent.is_dir() else None)
    os.close(handle)
    try:
        book, formats = new_workbook(Path(temp))
        write_sheet(book, formats, "模式效果比较", COLUMNS, _values(result.rows), dropdowns=False, autofilter=True)
        notes = book.add_worksheet("口径说明")
        notes.set_column(0, 0, 110)
        for n, text in enumerate(NOTES):
            notes.write_string(n, 0, f"{n + 1}. {text}")
        close_workbook(book, path)
        os.replace(temp, path)
    except OSError as exc:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Cannot write to the folder {folder}. Choose another location."), folder=path.parent) from exc
    finally:
        Path(temp).unlink(missing_ok=True)
    return len(result.rows)


def share_text(row: ComparisonRow) -> str:
    share = row.needs_share_x10000
    return "" if share is None else f"{share // 100}.{share % 100:02d}%"


def _values(rows: Iterable[ComparisonRow]) -> Iterable[dict[str, object]]:
    for r in rows:
        yield {"year": r.year, "mode": r.mode, "projects": r.projects, "committed": r.committed_fen,
               "paid": r.paid_fen, "beneficiaries": r.direct_beneficiaries, "per_beneficiary": r.per_beneficiary_fen,
               **{f"midterm_{g.value}": n for g, n in r.midterm_grades.items()},
               **{f"grade_{g.value}": n for g, n in r.grades.items()}, "needs_covered": r.needs_covered,
               "needs_total": r.needs_total, "needs_share": share_text(r), "organizations": r.organizations,
               "first_time": r.first_time_organizations}
