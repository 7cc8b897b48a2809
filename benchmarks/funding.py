"""The finance views at district scale: 10 competitions, 2,000 awards, 8,000 tranches in mixed states, read through
the services beside a baseline that reads the same rows with the plain sqlite3 module and does the same work on
plain tuples and dicts, in the same run.

Measured: finance.rows (every tranche with its state today) + finance.totals_of by organization +
finance.cash_flow_of, what the Tranches and Cash flow tabs load. Baseline: one join query (tranches, awards,
proposals, organizations, competitions, communities and the payments) plus the recovered clawbacks, each tranche's
state worked out with the same rule (stored, or due/planned from its gate), and the same sums per organization and
per month in dicts.

Goal: ≤ 3× the baseline and under 1 s (median of per-run ratios). Garbage collection as in ranking.py: off during
each timed call (as on the app's GUI thread), --gc leaves it on.

    python benchmarks/funding.py [--runs 9] [--gc] [--regenerate] [--profile]

The database (benchmarks/out/funding.db) is written once with SQLAlchemy Core executemany and reused.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import pstats
import random
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from _common import OUT, median
from sqlalchemy import Connection, Table, insert

from psp_desktop.db import open_database
from psp_desktop.enums import (
    AwardLevel,
    AwardStatus,
    CompetitionStatus,
    GateKind,
    OrgType,
    ProposalStatus,
    ServiceDomain,
    TrancheStatus,
)
from psp_desktop.models import (
    Award,
    Clawback,
    Community,
    Competition,
    MatchingFundReceipt,
    Organization,
    Payment,
    Proposal,
    Tranche,
)
from psp_desktop.services import access
from psp_desktop.services.tranches import FIRST_PAYMENT_DAYS, Step, add_months, split

STREETS = ("江汉路", "民族路", "前进街", "水塔街", "民权路")
YEARS = (2025, 2026)
AWARDS_PER_COMPETITION = 200  # 10 competitions → 2,000 awards, 8,000 tranches
ORGANIZATIONS = 1_500  # fewer than awards: some organizations hold several
COMMUNITIES = 40
CHUNK = 20_000
PATH = OUT / "funding.db"
GENERATED_ON = dt.date(2026, 11, 27)  # the states are drawn as of this day; the views use the real today
SCHEDULE = (Step(percent_x100=4000, gate=GateKind.AGREEMENT_SIGNED),
            Step(percent_x100=3000, gate=GateKind.MIDTERM_PASSED),
            Step(percent_x100=2000, gate=GateKind.DATE, months_after_start=9),
            Step(percent_x100=1000, gate=GateKind.FINAL_PASSED))
DECIDED = ("midterm_passed", "final_passed", "manual")

BASELINE_SQL = """
SELECT t.id, t.award_id, a.competition_id, c.name, a.agreement_number, o.name, o.bank_name, o.bank_account, p.title,
       p.domain, cm.name, t.seq, t.amount_fen, t.gate, t.gate_date, t.gate_note, t.due_on, t.status,
       t.status_reason, t.approved_by, t.clawed_back_fen, t.gate_met, a.signed_on,
       pay.amount_fen, pay.paid_on, pay.voucher_number, c.mode
FROM tranche AS t JOIN award AS a ON a.id = t.award_id JOIN proposal AS p ON p.id = a.proposal_id
JOIN organization AS o ON o.id = p.organization_id JOIN competition AS c ON c.id = a.competition_id
LEFT JOIN community AS cm ON cm.id = p.community_id LEFT JOIN payment AS pay ON pay.tranche_id = t.id
ORDER BY t.due_on IS NULL, t.due_on, c.id, a.rank, t.seq, pay.id
"""
RETURNED_SQL = "SELECT tranche_id, SUM(amount_fen) FROM clawback WHERE recovered_on IS NOT NULL GROUP BY tranche_id"


# --- the database ------------------------------------------------------------------------------------------


def _insert(conn: Connection, model: Any, rows: Iterable[dict[str, Any]]) -> None:
    table: Table = model.__table__
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            conn.execute(insert(table), batch)
            batch = []
    if batch:
        conn.execute(insert(table), batch)


class FundingWriter:
    """Rows for one district's funded competitions; explicit ids, every row of a table with the same keys."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.tables: dict[Any, list[dict[str, Any]]] = defaultdict(list)

    def add(self, model: Any, **row: Any) -> int:
        rows = self.tables[model]
        row["id"] = len(rows) + 1
        rows.append(row)
        return row["id"]

    def registry(self) -> None:
        for n in range(COMMUNITIES):
            self.add(Community, district="江岸区", street=STREETS[n % len(STREETS)], name=f"第{n + 1:02d}社区")
        for n in range(1, ORGANIZATIONS + 1):
            self.add(Organization, name=f"基准社会工作服务中心{n:04d}", org_type=OrgType.SERVICE_AGENCY,
                     bank_name="中国工商银行武汉江岸支行", bank_account=f"3202{n:014d}", row_version=1)

    def competitions(self) -> None:
        for year in YEARS:
            for street in STREETS:
                cid = self.add(Competition, name=f"{year}年{street}街道社区公益创投大赛", year=year,
                               status=CompetitionStatus.IMPLEMENTING, pool_fen=6_000_000_000,
                               project_cap_fen=30_000_000, row_version=1)
                for rank in range(1, AWARDS_PER_COMPETITION + 1):
                    self.award(cid, year, rank)

    def award(self, cid: int, year: int, rank: int) -> None:
        rng = self.rng
        pid = len(self.tables[Proposal]) + 1
        start = dt.date(year, rng.choice((3, 4, 5, 6)), 1)
        end = add_months(start, 11)
        amount = rng.randrange(50, 301) * 100_000  # 5万 to 30万 yuan in 1,000-yuan steps
        signed = None if rng.random() < 0.04 else start - dt.timedelta(days=rng.randint(5, 40))
        self.add(Proposal, competition_id=cid, organization_id=(pid - 1) % ORGANIZATIONS + 1,
                 community_id=None if pid % 25 == 0 else pid % COMMUNITIES + 1, title=f"基准公益项目{pid:04d}",
                 domain=list(ServiceDomain)[pid % len(ServiceDomain)], intake_number=f"{year}-JZ-{pid:04d}",
                 status=ProposalStatus.IMPLEMENTING, start_month=start, end_month=end, requested_fen=amount,
                 matching_fen=amount // 2, total_budget_fen=amount + amount // 2, row_version=1)
        aid = self.add(Award, proposal_id=pid, competition_id=cid, rank=rank, level=AwardLevel.NONE,
                       amount_fen=amount, matching_committed_fen=amount // 2,
                       status=AwardStatus.SIGNED if signed else AwardStatus.COMMITTED,
                       agreement_number=f"XY{year}-{cid:02d}-{rank:03d}" if signed else None, signed_on=signed,
                       row_version=1)
        tranches = self.schedule(aid, start, end, signed, split(amount, SCHEDULE))
        if signed and all(t["status"] in ("paid", "clawed_back", "cancelled") for t in tranches):
            self.tables[Award][-1]["status"] = AwardStatus.COMPLETED
        for _ in range(rng.choice((0, 0, 1, 1, 2)) if signed else 0):
            self.add(MatchingFundReceipt, award_id=aid, amount_fen=amount // 4, source="区慈善会",
                     received_on=signed + dt.timedelta(days=rng.randint(10, 200)), note="")

    def schedule(self, aid: int, start: dt.date, end: dt.date, signed: dt.date | None,
                 amounts: list[int]) -> list[dict[str, Any]]:
        """Four tranches: the ones whose time has come mostly paid, the next in a random open state, the rest
        planned."""
        rng = self.rng
        gate_day = add_months(start, SCHEDULE[2].months_after_start or 0)  # the third tranche's date gate
        dues = [(signed or start) + dt.timedelta(days=FIRST_PAYMENT_DAYS), start + (end - start) / 2, gate_day,
                add_months(end, 1)]  # as tranches.planned_due works them out
        gates = [step.gate for step in SCHEDULE]
        if aid % 20 == 0:
            gates[1], dues[1] = GateKind.MANUAL, None  # approved by hand: no expected date
        ripe = 0 if signed is None else sum(1 for d in dues if d is not None and d < GENERATED_ON)
        paid_count = max(0, ripe - (1 if rng.random() < 0.3 else 0))
        cancelled = False
        rows = []
        for seq, (gate, amount, due) in enumerate(zip(gates, amounts, dues, strict=True), 1):
            row = {"award_id": aid, "seq": seq, "percent_x100": SCHEDULE[seq - 1].percent_x100, "amount_fen": amount,
                   "gate": gate, "gate_date": gate_day if gate is GateKind.DATE else None, "gate_met": None,
                   "gate_note": "", "due_on": due, "status": TrancheStatus.PLANNED, "status_reason": "",
                   "approved_by": "", "clawed_back_fen": 0, "row_version": 1}
            if cancelled:
                row.update(status=TrancheStatus.CANCELLED, status_reason="项目终止")
            elif seq <= paid_count:
                self.paid(row, signed or start)
            elif seq == paid_count + 1 and signed is not None:
                cancelled = self.open_state(row)
            self.add(Tranche, **row)
            rows.append(row)
        return rows

    def paid(self, row: dict[str, Any], signed: dt.date) -> None:
        rng = self.rng
        if row["gate"] in DECIDED:
            row.update(gate_met=True, gate_note="评估合格")
        paid_on = min(GENERATED_ON, max(signed, (row["due_on"] or signed)) + dt.timedelta(days=rng.randint(0, 20)))
        row.update(status=TrancheStatus.PAID, approved_by="王会计")
        tid = len(self.tables[Tranche]) + 1
        self.add(Payment, tranche_id=tid, amount_fen=row["amount_fen"], paid_on=paid_on,
                 voucher_number=f"PZ{tid:06d}", paid_by="王会计", note="")
        if rng.random() < 0.02:
            back = row["amount_fen"] // 2
            row.update(status=TrancheStatus.CLAWED_BACK, status_reason="中期评估不合格", clawed_back_fen=back)
            decided = min(GENERATED_ON, paid_on + dt.timedelta(days=60))
            back_on = decided + dt.timedelta(days=10)
            recovered = back_on if back_on <= GENERATED_ON and rng.random() < 0.5 else None  # half have come back
            self.add(Clawback, award_id=row["award_id"], tranche_id=tid, amount_fen=back, reason="中期评估不合格",
                     decided_on=decided, recovered_on=recovered)

    def open_state(self, row: dict[str, Any]) -> bool:
        """The first unpaid tranche of a signed award: approved, due, planned, withheld or cancelled. True when
        cancelled (the tranches after it are cancelled too)."""
        state = self.rng.choices(("approved", "due", "planned", "withheld", "cancelled"), (25, 30, 27, 14, 4))[0]
        decided = row["gate"] in DECIDED
        date_open = row["gate"] is GateKind.DATE and row["gate_date"] > GENERATED_ON
        if state == "approved" and not date_open:
            row.update(status=TrancheStatus.APPROVED, approved_by="王会计", gate_met=True if decided else None)
        elif state == "due" and decided:
            row.update(status=TrancheStatus.DUE, gate_met=True, gate_note="评估合格")
        elif state == "withheld":
            row.update(status=TrancheStatus.WITHHELD, status_reason="进度报告逾期",
                       gate_met=False if decided else None)
        elif state == "cancelled":
            row.update(status=TrancheStatus.CANCELLED, status_reason="项目终止")
            return True
        return False  # planned, or due read from a signing or date gate


def make_funding_db(path: Path, seed: int = 5) -> None:
    """A fresh file with the app's own schema (open_database), then every table in one Core transaction."""
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    writer = FundingWriter(random.Random(seed))
    writer.registry()
    writer.competitions()
    database = open_database(path)
    try:
        with database.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")  # a throw-away file
            for model in (Community, Organization, Competition, Proposal, Award, Tranche, Payment, Clawback,
                          MatchingFundReceipt):
                _insert(conn, model, writer.tables[model])
            conn.commit()
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.close()


# --- the baseline ------------------------------------------------------------------------------------------


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _state(status: str, gate: str, gate_day: dt.date | None, gate_met: int | None, signed: str | None,
           today: dt.date) -> str:
    """The same rule as the services: planned and due follow the gate, every other state is as stored."""
    if status not in ("planned", "due"):
        return status
    if gate == "none":
        met = True
    elif gate == "agreement_signed":
        met = signed is not None
    elif gate == "date":
        met = gate_day is not None and today >= gate_day
    else:
        met = bool(gate_met)
    return "due" if met else "planned"


def baseline_rows(conn: sqlite3.Connection, today: dt.date) -> list[list[Any]]:
    """Every tranche as a list in TrancheRow's column order: one join query, payments folded in."""
    returned = dict(conn.execute(RETURNED_SQL).fetchall())
    found: list[list[Any]] = []
    by_id: dict[int, list[Any]] = {}
    counts: dict[int, int] = defaultdict(int)
    for (tid, aid, cid, comp, agreement, org, bank, account, title, domain, community, seq, amount, gate,
         gate_date, gate_note, due_on, status, reason, approved_by, clawed, gate_met, signed,
         pay_amount, paid_on, voucher, mode) in conn.execute(BASELINE_SQL):
        row = by_id.get(tid)
        if row is None:
            gate_day = _day(gate_date)
            row = [tid, aid, cid, comp, agreement or "", org, bank, account, title, domain, community or "", seq, 0,
                   amount, gate, gate_day, gate_note, _day(due_on),
                   _state(status, gate, gate_day, gate_met, signed, today), reason, approved_by, 0, None, "",
                   clawed, returned.get(tid, 0), mode]
            by_id[tid] = row
            found.append(row)
            counts[aid] += 1
        if pay_amount is not None:  # payments come in id order: the last one gives the date and voucher
            row[21] += pay_amount
            row[22], row[23] = _day(paid_on), voucher
    for row in found:
        row[12] = counts[row[1]]
    return found


def baseline_totals(found: list[list[Any]]) -> list[tuple[Any, ...]]:
    """Per organization: awards, committed (not cancelled), paid, owed, withheld, clawed back; largest first."""
    groups: dict[str, list[Any]] = {}
    for row in found:
        g = groups.get(row[5])
        if g is None:
            g = groups[row[5]] = [set(), 0, 0, 0, 0, 0]
        status, amount = row[18], row[13]
        g[0].add(row[1])
        if status != "cancelled":
            g[1] += amount
        g[2] += row[21]
        if status in ("due", "approved"):
            g[3] += amount
        elif status == "withheld":
            g[4] += amount
        g[5] += row[24]
    out = [(key, len(g[0]), *g[1:]) for key, g in groups.items()]
    out.sort(key=lambda t: (-t[2], t[0]))
    return out


def baseline_months(found: list[list[Any]]) -> list[tuple[dt.date, int, int]]:
    """Planned (by expected month, cancelled left out) and paid (by payment month), every month in between."""
    planned: dict[tuple[int, int], int] = defaultdict(int)
    paid: dict[tuple[int, int], int] = defaultdict(int)
    for row in found:
        due, paid_on = row[17], row[22]
        if due is not None and row[18] != "cancelled":
            planned[due.year, due.month] += row[13]
        if paid_on is not None:
            paid[paid_on.year, paid_on.month] += row[21]
    keys = sorted({*planned, *paid})
    if not keys:
        return []
    (year, month), last, out = keys[0], keys[-1], []
    while (year, month) <= last:
        out.append((dt.date(year, month, 1), planned.get((year, month), 0), paid.get((year, month), 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def baseline(conn: sqlite3.Connection, today: dt.date) -> tuple[list[list[Any]], list[tuple[Any, ...]], list[Any]]:
    found = baseline_rows(conn, today)
    return found, baseline_totals(found), baseline_months(found)


# --- the services ------------------------------------------------------------------------------------------


def service(db: Any, today: dt.date) -> tuple[list[Any], list[Any], list[Any]]:
    """What the Tranches tab (every row, totals by organization) and the Cash flow tab load."""
    from psp_desktop.services import finance

    found = finance.rows(db, view=finance.View.ALL, today=today)
    return found, finance.totals_of(found, finance.Dimension.ORGANIZATION), finance.cash_flow_of(found)


def check_same(db: Any, raw: sqlite3.Connection, today: dt.date) -> None:
    """Both sides reach the same rows, totals and months, to the fen."""
    import dataclasses

    rows, totals, months = service(db, today)
    base_rows, base_totals, base_months = baseline(raw, today)
    assert [dataclasses.astuple(r) for r in rows] == [tuple(r) for r in base_rows], "rows differ"
    assert [(t.key, t.awards, t.committed_fen, t.paid_fen, t.owed_fen, t.withheld_fen, t.clawed_back_fen)
            for t in totals] == base_totals, "totals differ"
    assert [(m.month, m.planned_fen, m.paid_fen) for m in months] == base_months, "months differ"
    states: dict[str, int] = defaultdict(int)
    for r in rows:
        states[str(r.status)] += 1
    print(f"{len(rows)} tranches of {len({r.award_id for r in rows})} awards, {len(totals)} organizations, "
          f"{len(months)} months; on {today}: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))


# --- timing ------------------------------------------------------------------------------------------------


def paired_runs(app_fn: Callable[[], Any], base_fn: Callable[[], Any], runs: int, *,
                collect: bool) -> tuple[list[float], list[float]]:
    """Each run times the app then the baseline, so both see the same load; the first run only warms caches."""
    app, base = [], []
    for run in range(runs + 1):
        a, b = timed(app_fn, collect=collect), timed(base_fn, collect=collect)
        if run:
            app.append(a)
            base.append(b)
    return app, base


def timed(fn: Callable[[], Any], *, collect: bool) -> float:
    """Seconds for one call; without `collect`, automatic garbage collection is off during it (as in the app)."""
    gc.collect()
    if not collect:
        gc.disable()
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--gc", action="store_true", help="automatic garbage collection on, as in the CLI")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one service call")
    args = parser.parse_args()
    if args.regenerate or not PATH.exists():
        PATH.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        make_funding_db(PATH)
        print(f"generated {PATH} in {time.perf_counter() - t0:.1f} s")
    today = dt.date.today()
    db = open_database(PATH)
    db.actor = access.SYSTEM  # the finance views need a signed-in reader
    raw = sqlite3.connect(PATH)
    try:
        check_same(db, raw, today)
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(service, db, today)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        app, base = paired_runs(lambda: service(db, today), lambda: baseline(raw, today), args.runs, collect=args.gc)
    finally:
        raw.close()
        db.close()
    # the median of the runs' own ratios: this machine's load drifts, and both sides of a run see the same load
    a, b = median(app), median(base)
    ratio = median([x / y for x, y in zip(app, base, strict=True)])
    mode = "automatic garbage collection on (CLI)" if args.gc else "garbage collection as in the app"
    print(f"median of {args.runs} runs, {mode}")
    print(f"baseline (sqlite3 + plain dicts):   {b * 1000:7.1f} ms")
    print(f"finance rows + totals + cash flow:  {a * 1000:7.1f} ms  {ratio:.2f}× (goal ≤ 3× and < 1 s) "
          f"{'ok' if ratio <= 3 and a < 1 else 'MISSED'}")


if __name__ == "__main__":
    main()
