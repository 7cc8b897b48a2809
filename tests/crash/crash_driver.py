"""The crash test's child: real service work on a copy of the demo database, acknowledged only after each commit.

Run by crash_test.py as `python crash_driver.py PLAN.json`. It imports everything once, says `ZYGOTE`, then for each
`run RUN SEED` line on stdin forks a worker (so a kill costs milliseconds of start-up instead of a second) and
reports `PID pid`, and `EXIT pid status` once the worker is gone. The worker opens the database, says
`READY pid`, and loops for ever: `BEGIN kind tag`, the operation in its own transaction, then `ACK kind tag detail`
only after the commit returned. Every line is one os.write on a pipe (atomic below PIPE_BUF), so a kill never
leaves half a line, and a worker's lines all come before the zygote's EXIT for it.

Kinds: score (record a sheet / reopen it, services.judging), import (a proposals workbook with a new applicant,
services.workbooks), merge (a signed results file from a judge laptop, services.event_exchange, when that module
exists), payment (finance on a signed award of many small tranches, services.tranches: the lowest unpaid tranche
approved, or paid once approved, each with its change-log entry in one transaction) and backup (services.backups to
a "USB stick" folder).
Every row or change-log entry an operation writes carries its tag, so the parent can find it again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sqlite3
import sys
import traceback
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import select

from psp_desktop.codes import uscc_check_char
from psp_desktop.db import Database, open_database
from psp_desktop.enums import Role, SheetStatus, TrancheStatus
from psp_desktop.models import Assignment, ScoreSheet, Tranche
from psp_desktop.services import backups, judging, tranches, workbooks
from psp_desktop.services.access import Actor
from psp_desktop.services.workbook_columns import BUDGET, ORGANIZATIONS, PROPOSALS

try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from psp_desktop.services import event_exchange
except ImportError:  # the event exchange is not part of this version yet: no merges
    event_exchange = None  # type: ignore[assignment]

USED_UP = "schedule used up"  # every tranche of the crash award paid (crash_test.USED_UP)
ORG_PREFIX = "崩溃测试机构"
TITLE_PREFIX = "崩溃测试项目"
LAPTOP = "崩溃测试笔记本"


def say(line: str) -> None:
    os.write(1, (line.replace("\n", " ") + "\n").encode())


def tag_of(run: int, n: int) -> str:
    return f"crash-r{run}-n{n}"


_skipped: dict[str, str] = {}  # optional kinds that cannot run in this version, and why


def kinds() -> tuple[str, ...]:
    optional = ("merge",) if event_exchange is not None else ()
    return tuple(k for k in ("score", "import", "payment", "backup", *optional) if k not in _skipped)


# --- operations ------------------------------------------------------------------------------------------------


def op_score(db: Database, plan: dict[str, Any], tag: str, rng: random.Random, _number: int) -> str:
    """Submits a sheet (all its scores and a change-log entry) or reopens a submitted one, on a round-2 pool."""
    assignment_id = rng.choice(plan["score_pool"])
    with db.read() as s:
        status = s.scalar(select(ScoreSheet.status).where(ScoreSheet.assignment_id == assignment_id))
    if status is SheetStatus.SUBMITTED:
        judging.reopen_sheet(db, assignment_id, f"crash test {tag}")  # logged under the signed-in tag
        return f"reopen {assignment_id}"
    round_ = plan["rounds"][str(plan["score_round"])]
    points = {int(cid): rng.randrange(0, top + 1, round_["step"]) for cid, top in round_["criteria"].items()}
    # as a keyed workbook brings it ("paper" would claim a double entry: the seal compares its keyings)
    judging.record_sheet(db, assignment_id, points, tag, source="import")
    return f"submit {assignment_id}"


def op_import(db: Database, plan: dict[str, Any], tag: str, rng: random.Random, number: int) -> str:
    """A workbook with one new organization and two draft proposals of two budget lines each."""
    path = Path(plan["workdir"]) / f"{tag}.xlsx"
    first17 = f"52990000CR{number:07d}"
    code = first17 + uscc_check_char(first17)
    write_workbook(path, tag, code, rng)
    try:
        result = workbooks.import_workbook(db, "proposals", path, competition_id=plan["import_competition"],
                                           errors_path=Path(plan["workdir"]) / f"{tag}-errors.xlsx")
    finally:
        path.unlink(missing_ok=True)
    return f"proposals {result.proposals} lines {result.budget_lines}"


def write_workbook(path: Path, tag: str, code: str, rng: random.Random) -> None:
    org = {"机构名称": f"{ORG_PREFIX}{tag}", "统一社会信用代码": code, "登记机关": "临江区民政局",
           "组织类型": "社会服务机构", "成立日期": dt.date(2019, 5, 18), "法定代表人": "王芳", "联系人": "李娜",
           "联系电话": "13800138000"}
    proposals, lines = [], []
    for seq in (1, 2):
        price, count, other = rng.randint(1, 500) * 100, rng.randint(1, 20), rng.randint(1, 90_000)
        proposals.append({"序号": seq, "统一社会信用代码": code, "项目名称": f"{TITLE_PREFIX}{tag}-{seq}",
                          "服务领域": "为老服务", "申请金额（元）": price * count // 100 + other, "配套资金（元）": 0})
        lines += [{"项目序号": seq, "类别": "人员费", "明细": "社工补贴", "单价（元）": price / 100, "数量": count},
                  {"项目序号": seq, "类别": "活动费", "明细": "活动物料", "金额（元）": other}]
    book = openpyxl.Workbook()
    book.remove(book.active)
    for spec, rows in ((PROPOSALS, proposals), (BUDGET, lines), (ORGANIZATIONS, [org])):
        sheet = book.create_sheet(spec.name)
        headers = [c.header for c in spec.columns]
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(h) for h in headers])
    book.save(path)


def op_payment(db: Database, plan: dict[str, Any], tag: str, _rng: random.Random, _number: int) -> str:
    """Finance on the crash award: the lowest-seq tranche not yet paid is approved, or paid if it already is (the
    voucher is the tag). Each is one transaction: the tranche, the payment and the change-log entry. A killed one is
    simply not there, and the next worker finds the same tranche still to do."""
    with db.read() as s:
        row = s.execute(select(Tranche.id, Tranche.status).where(
            Tranche.award_id == plan["award"], Tranche.status != TrancheStatus.PAID)
            .order_by(Tranche.seq).limit(1)).first()
    if row is None:
        return USED_UP
    today = dt.date.fromisoformat(plan["today"])
    if row.status is TrancheStatus.APPROVED:
        tranches.pay(db, row.id, dt.date.fromisoformat(plan["paid_on"]), tag, today=today)
        return f"pay {row.id}"
    tranches.approve(db, row.id, today=today)
    return f"approve {row.id}"


def op_merge(db: Database, plan: dict[str, Any], tag: str, rng: random.Random, number: int) -> str:
    """A judge laptop's signed results file with one or two sheets for open assignments, merged at the office."""
    with db.read() as s:
        taken = set(s.scalars(select(ScoreSheet.assignment_id)))
    open_rounds = {r: [a for a in pool if a not in taken] for r, pool in plan["merge_pools"].items()}
    open_rounds = {r: free for r, free in open_rounds.items() if free}
    if not open_rounds:
        return "pool used up"
    round_id = rng.choice(sorted(open_rounds))
    round_, free = plan["rounds"][round_id], open_rounds[round_id]
    chosen = rng.sample(free, min(len(free), rng.randint(1, 2)))
    with db.read() as s:
        pairs = s.execute(select(Assignment.judge_id, Assignment.proposal_id).where(Assignment.id.in_(chosen))
                          .order_by(Assignment.id)).all()
    sheets = [{"judge_id": judge_id, "judge": "", "proposal_id": proposal_id, "intake_number": "", "comment": tag,
               "points": {cid: rng.randrange(0, top + 1, round_["step"]) for cid, top in round_["criteria"].items()},
               "submitted_at": "2026-05-20T10:00:00"} for judge_id, proposal_id in pairs]
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(plan["laptop_key"]))
    public = key.public_key().public_bytes_raw().hex()
    payload = {"artifact": event_exchange.RESULTS_TYPE, "format": event_exchange.FORMAT,
               "made_at": "2026-05-20T10:00:00", "competition": plan["merge_competition"],
               "round": {"id": int(round_id), "name": round_["name"]}, "package_sha256": "0" * 64,
               "office_public_key": public, "laptop": {"name": LAPTOP, "public_key": public}, "sequence": number,
               "sheets": sheets}
    data = event_exchange.seal(payload, key)
    report = event_exchange.import_payloads(db, [(f"{tag}.pspresults", data)], register_laptops=True)
    file = report.files[0]
    if file.status != event_exchange.ACCEPTED or file.added != len(chosen):
        raise RuntimeError(f"merge not accepted: {file}")
    return f"sha {file.sha256} added {','.join(map(str, chosen))}"


def op_backup(db: Database, plan: dict[str, Any], _tag: str, _rng: random.Random, _number: int) -> str:
    """A manual backup to a "USB stick" folder while this worker is the app; a kill must never leave a file under a
    backup's final name that is not a whole, sound database. The newest three are kept."""
    usb = Path(plan["workdir"]) / "usb"
    for stale in usb.glob(".*.partial*"):  # left by killed workers (this worker's own name has its pid)
        stale.unlink(missing_ok=True)
    path = backups.backup_now(db, usb)
    older = sorted((p for p in usb.glob("*.db") if p != path), key=lambda p: p.stat().st_mtime_ns)
    for old in older[:-2]:
        old.unlink(missing_ok=True)
    return str(path)


OPS = {"score": op_score, "import": op_import, "payment": op_payment, "merge": op_merge, "backup": op_backup}
# the quick ones more often, so kills spread over the kinds
WEIGHTS = {"score": 4, "payment": 3, "merge": 2, "import": 1, "backup": 1}


# --- worker and zygote -----------------------------------------------------------------------------------------


def worker(plan: dict[str, Any], run: int, seed: int) -> None:
    rng = random.Random(seed)
    db = open_database(plan["db"], create=False)
    say(f"READY {os.getpid()}")
    choices = kinds()
    n = 0
    while True:
        n += 1
        tag, kind = tag_of(run, n), rng.choices(choices, [WEIGHTS[k] for k in choices])[0]
        db.actor = Actor(tag, frozenset({Role.ADMIN}), None, "崩溃测试")
        say(f"BEGIN {kind} {tag}")
        detail = OPS[kind](db, plan, tag, rng, run * 1000 + n)
        say(f"ACK {kind} {tag} {detail}")


def warm_up(plan: dict[str, Any]) -> None:
    """Each operation once on a scratch copy, so every forked worker starts with mappers configured and modules
    loaded (a first call costs ten times a later one); every connection is closed again before any fork."""
    scratch = Path(plan["workdir"]) / "warm-up.db"
    source, target = sqlite3.connect(plan["db"]), sqlite3.connect(scratch)
    source.backup(target)
    source.close()
    target.close()
    db = open_database(scratch, create=False)
    try:
        rng = random.Random(0)
        for n, kind in enumerate((*kinds(), "payment"), start=1):  # a payment twice: approve, then pay
            db.actor = Actor(f"warm-{n}", frozenset({Role.ADMIN}))
            try:
                OPS[kind](db, {**plan, "db": str(scratch)}, f"warm-{n}", rng, 9_000_000 + n)
            except Exception as exc:
                if kind != "merge":  # the event exchange is optional (still being written); the rest is not
                    raise
                _skipped[kind] = f"{type(exc).__name__}: {exc}"
    finally:
        db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)


def zygote(plan_path: str) -> None:
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    warm_up(plan)
    say(f"ZYGOTE {' '.join(kinds())}" + "".join(f" -{k}" for k in _skipped))
    for kind, why in _skipped.items():
        print(f"{kind} skipped: {why}", file=sys.stderr, flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] != "run":
            break
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                worker(plan, int(parts[1]), int(parts[2]))
            except BaseException:
                say("ERROR " + traceback.format_exc().replace("\n", " | "))
                status = 3
            finally:
                os._exit(status)
        say(f"PID {pid}")
        _pid, status = os.waitpid(pid, 0)
        say(f"EXIT {pid} {status}")


if __name__ == "__main__":
    zygote(sys.argv[1])
