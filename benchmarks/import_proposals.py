"""Importing one workbook of 5,000 proposals and 25,000 budget lines (validate + commit into a fresh SQLite
database, applicants registered beforehand) beside a raw python-calamine read of the same file, in the same run.

Goal: ≤ 3× the raw read. Each round times the import and then the raw read; the figure is the median of the
rounds' ratios (this machine's load drifts, and both sides of a round see the same load).

    python benchmarks/import_proposals.py [--runs 7] [--submit] [--long-texts] [--regenerate]

The workbook (benchmarks/out/import_proposals*.xlsx) is written once by the app's own sheet writer and reused.
Project texts (简介, 需求分析, 目标, 活动计划) are 150/200/80/200 characters, or 300/500/150/500 with --long-texts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _common import OUT, median
from python_calamine import CalamineWorkbook
from sqlalchemy import insert

from psp_desktop.codes import uscc_check_char
from psp_desktop.db import Database, open_database
from psp_desktop.enums import BudgetCategory, CompetitionStatus, OrgType, ServiceDomain
from psp_desktop.models import Competition, Organization
from psp_desktop.services import workbooks
from psp_desktop.services.workbook_columns import BUDGET, PROPOSALS
from psp_desktop.services.workbook_write import close_workbook, new_workbook, write_sheet

PROPOSALS_N, LINES_PER_PROPOSAL, ORGANIZATIONS_N = 5_000, 5, 1_000
TEXT_LENGTHS = {False: (150, 200, 80, 200), True: (300, 500, 150, 500)}  # summary, needs, objectives, plan
PLACES = ("望江社区", "滨河社区", "锦苑社区", "桂花巷社区", "双楠社区", "新民社区", "柳荫社区", "东湖社区")
GROUPS = ("独居老人", "留守儿童", "残障人士及其家庭", "困难家庭", "社区居民", "新就业群体", "青少年")
ITEMS = {BudgetCategory.PERSONNEL: "项目社工补贴", BudgetCategory.ACTIVITY: "活动物料及场地",
         BudgetCategory.PUBLICITY: "宣传折页印制", BudgetCategory.MANAGEMENT: "项目管理及财务审计",
         BudgetCategory.OTHER: "志愿者保险"}


def uscc(n: int) -> str:
    first17 = f"52510100MJ{n:07d}"
    return first17 + uscc_check_char(first17)


def text(rng: random.Random, who: str, place: str, length: int) -> str:
    """Realistic Chinese prose of about `length` characters."""
    pieces = [f"针对{place}{who}的实际需求，", "联合社区居委会、物业和辖区单位，", "组建由专业社工带领的志愿服务队伍，",
              "开展入户走访、小组活动和社区议事，", "建立需求台账并定期回访评估，", "形成可复制、可持续的服务模式。"]
    out = ""
    while len(out) < length:
        out += rng.choice(pieces)
    return out[:length]


def proposal_rows(rng: random.Random, lengths: tuple[int, int, int, int]
                  ) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    proposals, lines = [], []
    for n in range(1, PROPOSALS_N + 1):
        who, place = rng.choice(GROUPS), rng.choice(PLACES)
        title = f"{place}{who}关爱行动{n}"
        amounts = [rng.randrange(200, 3000) * 1000 for _ in range(LINES_PER_PROPOSAL)]  # fen
        matching = sum(amounts) // 5 // 100 * 100
        proposals.append({
            "seq": str(n), "uscc": uscc(n % ORGANIZATIONS_N), "title": title,
            "domain": rng.choice(list(ServiceDomain)), "target_group": who, "location": f"望江街道{place}",
            "direct_beneficiaries": rng.randrange(50, 500), "indirect_beneficiaries": rng.randrange(100, 3000),
            "start_month": dt.date(2026, rng.randrange(3, 7), 1), "end_month": dt.date(2026, 12, 1),
            **{name: text(rng, who, place, length) for name, length in zip(
                ("summary", "need_analysis", "objectives", "activity_plan"), lengths, strict=True)},
            "requested_fen": sum(amounts) - matching, "matching_fen": matching})
        for category, amount in zip(BudgetCategory, amounts, strict=True):
            quantity = rng.choice((1, 2, 4, 5, 10))
            lines.append({"seq": str(n), "title": title if category is BudgetCategory.PERSONNEL else None,
                          "category": category, "item": ITEMS[category], "unit_price_fen": amount // quantity,
                          "quantity": quantity, "amount_fen": amount, "note": ""})
    return proposals, lines


def make_workbook(path: Path, long_texts: bool) -> None:
    proposals, lines = proposal_rows(random.Random(7), TEXT_LENGTHS[long_texts])
    path.parent.mkdir(parents=True, exist_ok=True)
    book, formats = new_workbook(path)
    write_sheet(book, formats, PROPOSALS.name, PROPOSALS.columns, proposals)
    write_sheet(book, formats, BUDGET.name, BUDGET.columns, lines)
    close_workbook(book, path)


def fresh_database(folder: Path) -> tuple[Database, int]:
    """An empty SQLite database with the applicants registered and a competition open for applications."""
    db = open_database(folder / "import.db")
    with db.write() as s:
        s.execute(insert(Organization), [
            {"name": f"望江社会工作服务中心{n}", "uscc": uscc(n), "org_type": OrgType.SERVICE_AGENCY}
            for n in range(ORGANIZATIONS_N)])
        competition = Competition(name="2026年望江街道社区公益创投大赛", year=2026, status=CompetitionStatus.OPEN)
        s.add(competition)
        s.flush()
        return db, competition.id


def raw_read(path: Path) -> int:
    """The baseline: python-calamine reading both sheets into Python lists, nothing else."""
    book = CalamineWorkbook.from_path(str(path))
    rows = sum(len(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
               for name in (PROPOSALS.name, BUDGET.name))
    book.close()
    return rows


def app_import(path: Path, submit: bool) -> Callable[[], float]:
    """Times the app's import (preview: read + validate; commit: one transaction) into a fresh database."""
    def run() -> float:
        with tempfile.TemporaryDirectory(prefix="psp-import-") as folder:
            db, competition = fresh_database(Path(folder))
            try:
                t0 = time.perf_counter()
                preview = workbooks.preview_proposals(db, path, competition, submit=submit)
                if not preview.ok:
                    raise RuntimeError("\n".join(preview.render()[:10]))
                result = workbooks.commit(db, preview)
                elapsed = time.perf_counter() - t0
            finally:
                db.close()
        assert (result.proposals, result.budget_lines) == (PROPOSALS_N, PROPOSALS_N * LINES_PER_PROPOSAL)
        return elapsed
    return run


def timed(run: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    run()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--submit", action="store_true", help="import as submitted (full validation, numbers)")
    parser.add_argument("--long-texts", action="store_true", help="project texts of 300-500 characters")
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    workbook = OUT / f"import_proposals{'-long' if args.long_texts else ''}.xlsx"
    if args.regenerate or not workbook.exists():
        print(f"writing {workbook} …")
        make_workbook(workbook, args.long_texts)
    print(f"{workbook.name}: {PROPOSALS_N} proposals, {PROPOSALS_N * LINES_PER_PROPOSAL} budget lines, "
          f"{workbook.stat().st_size / 1e6:.1f} MB")
    app = app_import(workbook, args.submit)
    app_times, base_times = [], []
    for run in range(args.runs + 1):  # the first round warms caches and imports
        a, b = app(), timed(lambda: raw_read(workbook))
        if run:
            app_times.append(a)
            base_times.append(b)
    ratio = median([a / b for a, b in zip(app_times, base_times, strict=True)])
    mode = "submitted" if args.submit else "drafts"
    print(f"python-calamine raw read:            {median(base_times):.2f} s (median)")
    print(f"import ({mode}, validate + commit): {median(app_times):.2f} s (median)  "
          f"{ratio:.2f}× (median of {args.runs} rounds; goal ≤ 3×) {'ok' if ratio <= 3 else 'OVER GOAL'}")


if __name__ == "__main__":
    main()
