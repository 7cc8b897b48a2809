"""Ranking one round of 1,000 proposals × 15 judges × 10 criteria (150,000 scores) from the database through the
services, beside a baseline that reads the same score rows with the plain sqlite3 module and does the same
arithmetic on plain lists (each judge's total, the mean of the totals, a sort), in the same run.

Goal: judging.results ≤ 2× the baseline and under 0.5 s. rankings.round_report (results plus names, diagnostics
and counts, what the results page shows) is held to the same goal.

Timed as in the application, where automatic garbage collection is off and the GUI thread collects once a second
(psp_desktop/ui/gc_guard.py): collection is off during each timed call, on both sides, and done between calls.
--gc leaves automatic collection on, as in the `psp` command line.

    python benchmarks/ranking.py [--runs 9] [--gc] [--regenerate] [--profile]

The database (benchmarks/out/ranking.db) is written once with SQLAlchemy Core executemany and reused.
"""

from __future__ import annotations

import argparse
import cProfile
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
    Aggregation,
    CompetitionStatus,
    OrgType,
    ProposalStatus,
    RoundKind,
    ServiceDomain,
    SheetStatus,
)
from psp_desktop.models import (
    Assignment,
    Competition,
    Criterion,
    Judge,
    Organization,
    Panel,
    PanelMember,
    Proposal,
    Round,
    Score,
    ScoreSheet,
)

PROPOSALS, JUDGES, CRITERIA = 1_000, 15, 10
MAX_X100 = 1000  # 10 points per criterion, 100 in all
CHUNK = 20_000
ROUND_ID = 1
STEP = 50  # half points
PATH = OUT / "ranking.db"

BASELINE_SQL = """
SELECT a.proposal_id, a.judge_id, s.points_x100
FROM score AS s JOIN score_sheet AS sh ON sh.id = s.sheet_id JOIN assignment AS a ON a.id = sh.assignment_id
WHERE a.round_id = ? AND sh.status = 'submitted'
"""


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


def make_ranking_db(path: Path, seed: int = 11) -> None:
    """One competition, one written round of 10 criteria worth 10 points each, 15 judges who all score all 1,000
    proposals; every sheet submitted. Explicit ids, Core executemany, one transaction."""
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    rng = random.Random(seed)
    database = open_database(path)
    try:
        with database.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")  # a throw-away file
            _insert(conn, Organization, ({"id": o, "name": f"基准社会工作服务中心{o:04d}",
                                          "org_type": OrgType.SERVICE_AGENCY, "row_version": 1}
                                         for o in range(1, PROPOSALS + 1)))
            _insert(conn, Competition, [{"id": 1, "name": "基准公益创投大赛", "year": 2026,
                                         "status": CompetitionStatus.REVIEW, "row_version": 1}])
            _insert(conn, Round, [{"id": ROUND_ID, "competition_id": 1, "seq": 1, "name": "书面评审",
                                   "kind": RoundKind.WRITTEN, "aggregation": Aggregation.MEAN,
                                   "judges_per_proposal": JUDGES, "score_step_x100": STEP}])
            _insert(conn, Criterion, ({"id": c, "round_id": ROUND_ID, "seq": c, "name": f"评分项{c}",
                                       "max_points_x100": MAX_X100} for c in range(1, CRITERIA + 1)))
            _insert(conn, Judge, ({"id": j, "name": f"评委{j:02d}", "row_version": 1} for j in range(1, JUDGES + 1)))
            _insert(conn, Panel, [{"id": 1, "round_id": ROUND_ID, "name": "第一评审组"}])
            _insert(conn, PanelMember, ({"id": j, "panel_id": 1, "judge_id": j} for j in range(1, JUDGES + 1)))
            _insert(conn, Proposal, ({"id": p, "competition_id": 1, "organization_id": p, "title": f"基准项目{p:04d}",
                                      "domain": ServiceDomain.ELDERLY, "intake_number": f"2026-JZ-{p:04d}",
                                      "status": ProposalStatus.IN_REVIEW, "requested_fen": 0, "matching_fen": 0,
                                      "total_budget_fen": 0, "row_version": 1} for p in range(1, PROPOSALS + 1)))
            pairs = [(p, j) for p in range(1, PROPOSALS + 1) for j in range(1, JUDGES + 1)]
            _insert(conn, Assignment, ({"id": n, "round_id": ROUND_ID, "judge_id": j, "proposal_id": p,
                                        "panel_id": 1, "manual": False} for n, (p, j) in enumerate(pairs, 1)))
            _insert(conn, ScoreSheet, ({"id": n, "assignment_id": n, "status": SheetStatus.SUBMITTED,
                                        "source": "screen", "row_version": 1} for n in range(1, len(pairs) + 1)))
            quality = {p: rng.randint(450, 950) for p in range(1, PROPOSALS + 1)}
            lean = {j: rng.randint(-60, 60) for j in range(1, JUDGES + 1)}

            def scores() -> Iterable[dict[str, Any]]:
                n = 0
                for sheet, (p, j) in enumerate(pairs, 1):
                    for c in range(1, CRITERIA + 1):
                        n += 1
                        share = max(0, min(1000, quality[p] + lean[j] + rng.randint(-100, 100)))
                        yield {"id": n, "sheet_id": sheet, "criterion_id": c, "max_points_x100": MAX_X100,
                               "points_x100": MAX_X100 * share // 1000 // STEP * STEP}

            _insert(conn, Score, scores())
            conn.commit()
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.close()


# --- the baseline ------------------------------------------------------------------------------------------


def baseline(conn: sqlite3.Connection) -> list[tuple[int, float]]:
    """The same score rows through sqlite3; totals per judge, the mean per proposal, highest first."""
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for proposal, judge, points in conn.execute(BASELINE_SQL, (ROUND_ID,)):
        totals[proposal, judge] += points
    by_proposal: dict[int, list[int]] = defaultdict(list)
    for (proposal, _judge), total in totals.items():
        by_proposal[proposal].append(total)
    means = [(proposal, sum(values) / len(values) / 100) for proposal, values in by_proposal.items()]
    means.sort(key=lambda item: (-item[1], item[0]))
    return means


# --- timing ------------------------------------------------------------------------------------------------


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
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one judging.results call")
    args = parser.parse_args()
    if args.regenerate or not PATH.exists():
        PATH.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        make_ranking_db(PATH)
        print(f"generated {PATH} in {time.perf_counter() - t0:.1f} s")
    from psp_desktop.services import judging, rankings

    db = open_database(PATH)
    raw = sqlite3.connect(PATH)
    try:
        # both sides reach the same figures: each published score is the baseline's mean to the cent
        means = dict(baseline(raw))
        result = judging.results(db, ROUND_ID)
        assert len(result.proposals) == PROPOSALS and all(len(p.judges) == JUDGES for p in result.proposals)
        assert all(p.score is not None and abs(float(p.score) - means[p.proposal_id]) <= 0.005
                   for p in result.proposals), "the services and the baseline disagree"
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(judging.results, db, ROUND_ID)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        app, report, base = [], [], []
        for run in range(args.runs + 1):
            a = timed(lambda: judging.results(db, ROUND_ID), collect=args.gc)
            r = timed(lambda: rankings.round_report(db, ROUND_ID), collect=args.gc)
            b = timed(lambda: baseline(raw), collect=args.gc)
            if run:  # the first round warms caches on both sides
                app.append(a)
                report.append(r)
                base.append(b)
    finally:
        raw.close()
        db.close()
    # the ratio is the median of the runs' own ratios: this machine's load drifts, and both sides of a run see the
    # same load
    a, r, b = median(app), median(report), median(base)
    a_ratio = median([x / y for x, y in zip(app, base, strict=True)])
    r_ratio = median([x / y for x, y in zip(report, base, strict=True)])
    mode = "automatic garbage collection on (CLI)" if args.gc else "garbage collection as in the app"
    print(f"{PROPOSALS} proposals × {JUDGES} judges × {CRITERIA} criteria, median of {args.runs} runs, {mode}")
    print(f"baseline (sqlite3 + plain lists):   {b * 1000:7.1f} ms")
    print(f"judging.results:                    {a * 1000:7.1f} ms  {a_ratio:.2f}× (goal ≤ 2× and < 500 ms) "
          f"{'ok' if a_ratio <= 2 and a < 0.5 else 'OVER GOAL'}")
    print(f"rankings.round_report:              {r * 1000:7.1f} ms  {r_ratio:.2f}× (same goal) "
          f"{'ok' if r_ratio <= 2 and r < 0.5 else 'OVER GOAL'}")


if __name__ == "__main__":
    main()
