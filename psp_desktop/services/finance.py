"""What finance looks at: every tranche with its state on a given day, filtered (due this month, overdue, withheld),
totals by competition, organization, service domain or community, month-by-month cash flow (planned against paid),
and the payment list workbook for the finance office."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, Row, Select, func, select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import CompetitionMode, GateKind, ServiceDomain, TrancheStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Award, Clawback, Community, Competition, Organization, Payment, Proposal, Tranche
from ..money import to_chinese_upper
from . import access, tranches
from .access import Permission
from .workbook_columns import Column, Kind
from .workbook_write import close_workbook, new_workbook, write_sheet

OWED = (TrancheStatus.DUE, TrancheStatus.APPROVED)  # gate met, money not yet out


class View(StrEnum):
    ALL = "all"
    DUE_THIS_MONTH = "due_month"  # owed, and expected this month or earlier
    OVERDUE = "overdue"           # owed, and expected before today
    WITHHELD = "withheld"
    PAID = "paid"


class Dimension(StrEnum):
    COMPETITION = "competition"
    ORGANIZATION = "organization"
    DOMAIN = "domain"
    COMMUNITY = "community"


@dataclass(frozen=True)
class TrancheRow:
    tranche_id: int
    award_id: int
    competition_id: int
    competition: str
    agreement_number: str
    organization: str
    bank_name: str
    bank_account: str
    title: str
    domain: ServiceDomain
    community: str
    seq: int
    count: int                 # tranches in the award
    amount_fen: int
    gate: GateKind
    gate_date: dt.date | None
    gate_note: str
    due_on: dt.date | None
    status: TrancheStatus      # on the day asked about
    reason: str
    approved_by: str
    paid_fen: int
    paid_on: dt.date | None
    voucher: str
    clawed_back_fen: int
    recovered_fen: int = 0     # of the clawed-back money, what has come back
    mode: CompetitionMode = CompetitionMode.VENTURE  # its competition's

    @property
    def awaiting_return_fen(self) -> int:
        return self.clawed_back_fen - self.recovered_fen


def rows(db: Database, *, competition_id: int | None = None, view: View = View.ALL,
         today: dt.date | None = None) -> list[TrancheRow]:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return rows_in(s, competition_id=competition_id, view=view, today=today or dt.date.today())


def rows_in(s: Session, *, competition_id: int | None, view: View, today: dt.date) -> list[TrancheRow]:
    # Core selects of the needed columns, not ORM objects: the finance tabs load every tranche of a district
    # (benchmarks/funding.py), and building Tranche, Award and Proposal objects for them was most of the time.
    conn = s.connection()
    returned = dict(conn.execute(select(Clawback.tranche_id, func.sum(Clawback.amount_fen))
                                 .where(Clawback.recovered_on.is_not(None)).group_by(Clawback.tranche_id)).all())
    selected = conn.execute(_tranches_query(competition_id)).all()
    paid = _payments(conn, competition_id)
    counts = Counter(r.award_id for r in selected)  # every tranche of each award is selected: the filter is by award
    found = [_row(r, counts, paid, returned, today) for r in selected]
    return [r for r in found if _in_view(r, view, today)]


def _tranches_query(competition_id: int | None) -> Select[Any]:
    query = (select(Tranche.id, Tranche.award_id, Award.competition_id, Competition.name.label("competition"),
                    Award.agreement_number, Organization.name.label("organization"), Organization.bank_name,
                    Organization.bank_account, Proposal.title, Proposal.domain, Community.name.label("community"),
                    Tranche.seq, Tranche.amount_fen, Tranche.gate, Tranche.gate_date, Tranche.gate_met,
                    Tranche.gate_note, Tranche.due_on, Tranche.status, Tranche.status_reason, Tranche.approved_by,
                    Tranche.clawed_back_fen, Award.signed_on, Competition.mode)
             .join(Award, Tranche.award_id == Award.id).join(Proposal, Award.proposal_id == Proposal.id)
             .join(Organization, Proposal.organization_id == Organization.id)
             .join(Competition, Award.competition_id == Competition.id)
             .outerjoin(Community, Proposal.community_id == Community.id)
             .order_by(Tranche.due_on.is_(None), Tranche.due_on, Competition.id, Award.rank, Tranche.seq))
    return query if competition_id is None else query.where(Award.competition_id == competition_id)


_UNPAID = (0, None, "")


class _Gate(NamedTuple):
    """What effective_status reads from a tranche and its award, without loading either."""

    status: TrancheStatus
    gate: GateKind
    gate_date: dt.date | None
    gate_met: bool | None
    signed_on: dt.date | None


def _payments(conn: Connection, competition_id: int | None) -> dict[int, tuple[int, dt.date | None, str]]:
    """Per tranche: the sum paid, and the date and voucher of its last payment (by id, as Tranche.payments)."""
    query = select(Payment.tranche_id, Payment.amount_fen, Payment.paid_on, Payment.voucher_number).order_by(Payment.id)
    if competition_id is not None:
        query = (query.join(Tranche, Payment.tranche_id == Tranche.id).join(Award, Tranche.award_id == Award.id)
                 .where(Award.competition_id == competition_id))
    out: dict[int, tuple[int, dt.date | None, str]] = {}
    for tranche_id, amount, paid_on, voucher in conn.execute(query):
        out[tranche_id] = (out.get(tranche_id, _UNPAID)[0] + amount, paid_on, voucher)
    return out


def _row(r: Row[Any], counts: Counter[int], paid: dict[int, tuple[int, dt.date | None, str]],
         returned: dict[int, int], today: dt.date) -> TrancheRow:
    # unpacked as a tuple: named access on a Core row costs more than the rest of the row put together
    (tranche_id, award_id, competition_id, competition, agreement, organization, bank, account, title, domain,
     community, seq, amount, gate, gate_date, gate_met, gate_note, due_on, stored, reason, approved_by, clawed_back,
     signed_on, mode) = r
    facts = _Gate(stored, gate, gate_date, gate_met, signed_on)
    paid_fen, paid_on, voucher = paid.get(tranche_id, _UNPAID)
    return TrancheRow(
        tranche_id, award_id, competition_id, competition, agreement or "", organization, bank, account, title,
        domain, community or "", seq, counts[award_id], amount, gate, gate_date, gate_note, due_on,
        tranches.effective_status(facts, facts, today), reason, approved_by,  # type: ignore[arg-type]
        paid_fen, paid_on, voucher, clawed_back, returned.get(tranche_id, 0), mode)


def is_overdue(r: TrancheRow, today: dt.date) -> bool:
    """Owed (condition met, not paid) and expected before today."""
    return r.status in OWED and r.due_on is not None and r.due_on < today


def _in_view(r: TrancheRow, view: View, today: dt.date) -> bool:
    if view is View.ALL:
        return True
    if view is View.WITHHELD:
        return r.status is TrancheStatus.WITHHELD
    if view is View.PAID:
        return r.status in tranches.SPENT
    if view is View.OVERDUE:
        return is_overdue(r, today)
    return r.status in OWED and r.due_on is not None and (r.due_on.year, r.due_on.month) <= (today.year, today.month)


# --- totals ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    key: str
    awards: int
    committed_fen: int   # every tranche not cancelled
    paid_fen: int
    owed_fen: int        # gate met, not yet paid
    withheld_fen: int
    clawed_back_fen: int

    @property
    def unpaid_fen(self) -> int:
        return self.committed_fen - self.paid_fen


def totals(db: Database, dimension: Dimension, *, competition_id: int | None = None,
           today: dt.date | None = None) -> list[Totals]:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        found = rows_in(s, competition_id=competition_id, view=View.ALL, today=today or dt.date.today())
    return totals_of(found, dimension)


def totals_of(found: Iterable[TrancheRow], dimension: Dimension) -> list[Totals]:
    groups: dict[str, list[TrancheRow]] = defaultdict(list)
    for r in found:
        groups[_key(r, dimension)].append(r)
    return sorted((_sum(key, group) for key, group in groups.items()), key=lambda t: (-t.committed_fen, t.key))


def _key(r: TrancheRow, dimension: Dimension) -> str:
    return {Dimension.COMPETITION: r.competition, Dimension.ORGANIZATION: r.organization,
            Dimension.DOMAIN: str(r.domain), Dimension.COMMUNITY: r.community}[dimension]


def _sum(key: str, group: Sequence[TrancheRow]) -> Totals:
    live = [r for r in group if r.status is not TrancheStatus.CANCELLED]
    return Totals(key, len({r.award_id for r in group}), sum(r.amount_fen for r in live),
                  sum(r.paid_fen for r in group), sum(r.amount_fen for r in group if r.status in OWED),
                  sum(r.amount_fen for r in group if r.status is TrancheStatus.WITHHELD),
                  sum(r.clawed_back_fen for r in group))


# --- cash flow ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    month: dt.date  # first day
    planned_fen: int
    paid_fen: int


def cash_flow(db: Database, *, competition_id: int | None = None) -> list[Month]:
    """Month by month: what the schedules expect (by expected date, cancelled tranches left out) and what was paid,
    every month from the first to the last with either, so gaps show as zero."""
    found = rows(db, competition_id=competition_id)
    return cash_flow_of(found)


def cash_flow_of(found: Iterable[TrancheRow]) -> list[Month]:
    planned: dict[dt.date, int] = defaultdict(int)
    paid: dict[dt.date, int] = defaultdict(int)
    for r in found:
        if r.due_on is not None and r.status is not TrancheStatus.CANCELLED:
            planned[r.due_on.replace(day=1)] += r.amount_fen
        if r.paid_on is not None:
            paid[r.paid_on.replace(day=1)] += r.paid_fen
    months = sorted({*planned, *paid})
    if not months:
        return []
    out, month = [], months[0]
    while month <= months[-1]:
        out.append(Month(month, planned.get(month, 0), paid.get(month, 0)))
        month = tranches.add_months(month, 1)
    return out


# --- the payment list workbook -----------------------------------------------------------------------------------

STATUS_ZH = {TrancheStatus.PLANNED: "计划中", TrancheStatus.DUE: "待拨付", TrancheStatus.APPROVED: "已审批",
             TrancheStatus.PAID: "已拨付", TrancheStatus.WITHHELD: "暂停拨付", TrancheStatus.CANCELLED: "已取消",
             TrancheStatus.CLAWED_BACK: "已追回"}
GATE_ZH = {GateKind.NONE: "无条件", GateKind.AGREEMENT_SIGNED: "协议签订后", GateKind.MIDTERM_PASSED: "中期评估合格后",
           GateKind.FINAL_PASSED: "终期评估合格后", GateKind.DATE: "到期日后", GateKind.MANUAL: "经审批后"}
PAYMENT_COLUMNS = (
    Column("序号", "n", Kind.INT, 6), Column("大赛", "competition", width=30),
    Column("协议编号", "agreement", Kind.CODE, 16), Column("机构名称", "organization", width=30),
    Column("开户银行", "bank", width=24), Column("银行账号", "account", Kind.CODE, 24),
    Column("项目名称", "title", width=30), Column("期次", "seq", width=8),
    Column("拨付条件", "gate", width=16), Column("金额（元）", "amount", Kind.MONEY, 14),
    Column("金额大写", "upper", width=30), Column("状态", "status", width=8),
    Column("应付日期", "due_on", Kind.DATE, 12), Column("审批人", "approved_by", width=10),
    Column("付款日期", "paid_on", Kind.DATE, 12), Column("凭证号", "voucher", Kind.CODE, 16),
    Column("说明", "reason", width=30),
)


def export_payment_list(found: Sequence[TrancheRow], path: Path) -> int:
    """The rows as the finance office's payment list; the file appears whole or not at all."""
    if not found:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There are no tranches to put in the payment list."))
    _write_book(Path(path), "拨付清单", PAYMENT_COLUMNS, _payment_rows(found))
    return len(found)


def _write_book(path: Path, sheet: str, columns: tuple[Column, ...], values: Iterable[dict[str, object]]) -> None:
    """One sheet written to a temporary file then moved into place: the file appears whole or not at all."""
    handle, temp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent if path.parent.is_dir() else None)
    os.close(handle)
    try:
        book, formats = new_workbook(Path(temp))
        write_sheet(book, formats, sheet, columns, values, dropdowns=False, autofilter=True)
        close_workbook(book, path)
        os.replace(temp, path)
    except OSError as exc:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Cannot write to the folder {folder}. Choose another location."), folder=path.parent) from exc
    finally:
        Path(temp).unlink(missing_ok=True)


def _payment_rows(found: Sequence[TrancheRow]) -> Iterable[dict[str, object]]:
    for n, r in enumerate(found, 1):
        yield {"n": n, "competition": r.competition, "agreement": r.agreement_number, "organization": r.organization,
               "bank": r.bank_name, "account": r.bank_account, "title": r.title, "seq": f"{r.seq}/{r.count}",
               "gate": GATE_ZH[r.gate], "amount": r.amount_fen, "upper": to_chinese_upper(r.amount_fen),
               "status": STATUS_ZH[r.status], "due_on": r.due_on, "approved_by": r.approved_by,
               "paid_on": r.paid_on, "voucher": r.voucher, "reason": r.reason or r.gate_note}
    yield {"title": "合计", "amount": sum(r.amount_fen for r in found),
           "upper": to_chinese_upper(sum(r.amount_fen for r in found))}


CASH_FLOW_COLUMNS = (
    Column("月份", "month", width=10), Column("计划拨付（元）", "planned", Kind.MONEY, 16),
    Column("实际拨付（元）", "paid", Kind.MONEY, 16), Column("差额（元）", "difference", Kind.MONEY, 16),
    Column("累计计划（元）", "planned_total", Kind.MONEY, 16), Column("累计实际（元）", "paid_total", Kind.MONEY, 16),
)


def export_cash_flow(months: Sequence[Month], path: Path) -> int:
    """The month-by-month cash flow (planned against paid, with running totals) as a workbook; returns the months
    written. The difference is paid minus planned: negative when money is behind the schedules."""
    if not months:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no cash flow to export: no tranche has an "
                                                          "expected date or a payment yet."))
    _write_book(Path(path), "资金流", CASH_FLOW_COLUMNS, _cash_flow_rows(months))
    return len(months)


def _cash_flow_rows(months: Sequence[Month]) -> Iterable[dict[str, object]]:
    planned_total = paid_total = 0
    for m in months:
        planned_total, paid_total = planned_total + m.planned_fen, paid_total + m.paid_fen
        yield {"month": m.month.strftime("%Y-%m"), "planned": m.planned_fen, "paid": m.paid_fen,
               "difference": m.paid_fen - m.planned_fen, "planned_total": planned_total, "paid_total": paid_total}
    yield {"month": "合计", "planned": planned_total, "paid": paid_total, "difference": paid_total - planned_total}
