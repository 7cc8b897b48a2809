"""The three modes compared (模式比较) at district scale, through the service beside a baseline that reads the same
rows with the plain sqlite3 module and works out the same figures on plain tuples and dicts, in the same run.

The database is the finance benchmark's (10 competitions, 2,000 awards, 8,000 tranches in mixed states; see
funding.py), copied to benchmarks/out/modes.db and given modes (four competitions stay 公益创投, three become
公益招投标 and three 服务委托), 1,500 community needs linked to the projects, and a final mid-term evaluation with a
grade for every signed or completed award.

Measured: mode_comparison.comparison for both years, what the 模式比较 tab loads. Baseline: the finance baseline's
tranche rows (each state worked out by the same rule) summed per mode and year, then one query each for the funded
projects, the grades, the organizations' first funded year, the needs the projects answer and the needs in scope
(collected by the year's end and not met by a project completed in an earlier year), counted in dicts.

Goal: ≤ 3× the baseline and under 1 s (median of per-run ratios).

    python benchmarks/modes.py [--runs 9] [--regenerate]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sqlite3
import time
from collections import defaultdict
from typing import Any

from _common import OUT, median
from funding import PATH as FUNDING_PATH
from funding import baseline_rows, make_funding_db, paired_runs

from psp_desktop.db import open_database
from psp_desktop.services import access, mode_comparison

PATH = OUT / "modes.db"
MODES = {1: "venture", 2: "venture", 3: "bidding", 4: "commission", 5: "bidding", 6: "venture", 7: "venture",
         8: "bidding", 9: "commission", 10: "bidding"}
NEEDS = 1_500
GRADES = ("excellent", "good", "pass", "fail")
FUNDED = ("committed", "signed", "completed")


def make_modes_db() -> None:
    """The finance benchmark's database with modes, needs and mid-term grades added (plain SQL: it is data)."""
    if not FUNDING_PATH.exists():
        make_funding_db(FUNDING_PATH)
    db = open_database(FUNDING_PATH)  # brought to this build's schema first
    db.close()
    shutil.copyfile(FUNDING_PATH, PATH)
    rng = random.Random(9)
    conn = sqlite3.connect(PATH)
    try:
        conn.executemany("UPDATE competition SET mode = ? WHERE id = ?", [(m, c) for c, m in MODES.items()])
        communities = [r[0] for r in conn.execute("SELECT id FROM community")]
        conn.executemany(
            "INSERT INTO community_need (community_id, domain, title, description, source, people_affected, "
            "priority, collected_on, created_at, row_version) VALUES (?, 'elderly', ?, '', 'survey', 30, 3, ?, ?, 1)",
            [(rng.choice(communities), f"需求{n}", day, f"{day} 09:00:00") for n in range(NEEDS)
             for day in [dt.date(2024, 10, 1) + dt.timedelta(days=rng.randrange(700))]])
        needs = [r[0] for r in conn.execute("SELECT id FROM community_need")]
        proposals = [r[0] for r in conn.execute("SELECT proposal_id FROM award")]
        links = {(p, n) for p in proposals for n in rng.sample(needs, rng.randint(0, 2))}
        conn.executemany("INSERT INTO proposal_need (proposal_id, need_id) VALUES (?, ?)", sorted(links))
        evaluated = [r[0] for r in conn.execute("SELECT id FROM award WHERE status IN ('signed', 'completed')")]
        conn.executemany(
            "INSERT INTO evaluation (award_id, kind, grade, passed, total_x100, narrative, objection, "
            "objection_resolution, final, created_at, row_version) VALUES (?, 'midterm', ?, ?, 8000, '', '', '', 1, "
            "'2026-01-10 09:00:00', 1)",
            [(a, grade, grade != "fail") for a in evaluated for grade in [rng.choice(GRADES)]])
        conn.commit()
    finally:
        conn.close()


def baseline(conn: sqlite3.Connection, today: dt.date) -> dict[tuple[str, int], tuple[Any, ...]]:
    keys = {cid: (mode, year) for cid, mode, year in conn.execute("SELECT id, mode, year FROM competition")}
    money: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for row in baseline_rows(conn, today):  # competition at 2, amount at 13, state at 18, paid at 21
        cell = money[keys[row[2]]]
        if row[18] != "cancelled":
            cell[0] += row[13]
        cell[1] += row[21]
    funded = "a.status IN ('committed', 'signed', 'completed')"
    projects: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for mode, year, org, people in conn.execute(
            "SELECT c.mode, c.year, p.organization_id, p.direct_beneficiaries FROM award a "
            f"JOIN proposal p ON p.id = a.proposal_id JOIN competition c ON c.id = a.competition_id WHERE {funded}"):
        projects[(mode, year)].append((org, people))
    grades: dict[tuple[str, int, str], dict[str, int]] = defaultdict(dict)
    for mode, year, kind, grade, n in conn.execute(
            "SELECT c.mode, c.year, e.kind, e.grade, COUNT(*) FROM evaluation e JOIN award a ON a.id = e.award_id "
            "JOIN competition c ON c.id = a.competition_id WHERE e.final = 1 AND e.grade IS NOT NULL "
            "GROUP BY c.mode, c.year, e.kind, e.grade"):
        grades[(mode, year, kind)][grade] = n
    first = dict(conn.execute(
        "SELECT p.organization_id, MIN(c.year) FROM award a JOIN proposal p ON p.id = a.proposal_id "
        f"JOIN competition c ON c.id = a.competition_id WHERE {funded} GROUP BY p.organization_id"))
    answered: dict[tuple[str, int], set[int]] = defaultdict(set)
    for mode, year, need in conn.execute(
            "SELECT DISTINCT c.mode, c.year, l.need_id FROM proposal_need l JOIN award a ON a.proposal_id = "
            f"l.proposal_id JOIN competition c ON c.id = a.competition_id WHERE {funded}"):
        answered[(mode, year)].add(need)
    years = sorted({year for _mode, year in keys.values()})
    scope = _in_scope(conn, years)
    out = {}
    for year in years:
        for mode in ("venture", "bidding", "commission"):
            key = (mode, year)
            orgs = {org for org, _people in projects[key]}
            out[key] = (len(projects[key]), *money.get(key, (0, 0)), sum(p for _o, p in projects[key]),
                        grades.get((mode, year, "midterm"), {}), len(answered[key] & scope[year]),
                        len(scope[year]), len(orgs), sum(1 for org in orgs if first.get(org) == year))
    return out


def _in_scope(conn: sqlite3.Connection, years: list[int]) -> dict[int, set[int]]:
    """Needs collected by the year's end, less those met by a project completed (award completed or proposal 已结项)
    in an earlier year; a completion's year is the project's last month's, else its competition's."""
    collected = list(conn.execute("SELECT id, collected_on FROM community_need"))
    done: dict[int, int] = {}
    for need, end_month, year in conn.execute(
            "SELECT l.need_id, p.end_month, c.year FROM proposal_need l JOIN proposal p ON p.id = l.proposal_id "
            "JOIN competition c ON c.id = p.competition_id LEFT JOIN award a ON a.proposal_id = p.id "
            "WHERE a.status = 'completed' OR p.status = 'completed'"):
        finished = int(end_month[:4]) if end_month else year
        done[need] = min(done.get(need, finished), finished)
    return {year: {n for n, day in collected if day <= f"{year}-12-31" and done.get(n, year) >= year}
            for year in years}


def service(db: Any, today: dt.date) -> mode_comparison.Comparison:
    return mode_comparison.comparison(db, today=today)


def check_same(db: Any, raw: sqlite3.Connection, today: dt.date) -> None:
    base = baseline(raw, today)
    for row in service(db, today).rows:
        b = base[(row.mode.value, row.year)]
        got = (row.projects, row.committed_fen, row.paid_fen, row.direct_beneficiaries,
               {g.value: n for g, n in row.midterm_grades.items() if n}, row.needs_covered, row.needs_total,
               row.organizations, row.first_time_organizations)
        assert got == b, (row.mode, row.year, got, b)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    if args.regenerate or not PATH.exists():
        t0 = time.perf_counter()
        make_modes_db()
        print(f"generated {PATH} in {time.perf_counter() - t0:.1f} s")
    today = dt.date.today()
    db = open_database(PATH)
    db.actor = access.SYSTEM
    raw = sqlite3.connect(PATH)
    try:
        check_same(db, raw, today)
        app, base = paired_runs(lambda: service(db, today), lambda: baseline(raw, today), args.runs, collect=False)
    finally:
        raw.close()
        db.close()
    a, b = median(app), median(base)
    ratio = median([x / y for x, y in zip(app, base, strict=True)])
    print(f"median of {args.runs} runs")
    print(f"baseline (sqlite3 + plain dicts):  {b * 1000:7.1f} ms")
    print(f"mode_comparison.comparison:        {a * 1000:7.1f} ms  {ratio:.2f}× (goal ≤ 3× and < 1 s) "
          f"{'ok' if ratio <= 3 and a < 1 else 'MISSED'}")


if __name__ == "__main__":
    main()
