"""Crash safety: a process doing real work on a copy of the demo database is killed with SIGKILL at random moments,
many times. After every kill the file must hold every commit the process acknowledged, no half-applied transaction
(a sheet without its scores, a change-log entry without its change or the other way round, a proposal without its
budget lines, a merged results file without its sheets, a payment without its tranche marked paid, a tranche approved
without its log entry), and pass PRAGMA integrity_check, foreign_key_check and the app's own audit.verify (the
change-log chain and the state seals over sheets, frozen rounds and payments).

    python tests/crash/crash_test.py --kills 1000

The work is done by crash_driver.py (see there). tests/crash/test_crash.py runs a reduced count in the normal test run.
POSIX only (fork, SIGKILL).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import hashlib
import json
import os
import queue
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "crash_driver.py"
ORG_PREFIX, TITLE_PREFIX, LAPTOP = "崩溃测试机构", "崩溃测试项目", "崩溃测试笔记本"
SCORE_POOL = 12
EXTRA_JUDGES = 36  # with the demo's 14, each of the other competition's rounds offers thousands of open sheets
LINE_TIMEOUT = 60.0
TRANCHES, TRANCHE_FEN = 1_500, 10_000  # each payment op approves or pays one: 3,000 ops before the award is spent
SIGNED_ON, PAID_ON, TODAY = dt.date(2026, 5, 1), dt.date(2026, 6, 1), dt.date(2026, 6, 1)
USED_UP = "schedule used up"  # a payment op's answer once every tranche is paid (the driver says the same)


# --- preparing the database ------------------------------------------------------------------------------------


def build_demo(folder: Path) -> Path:
    from psp_desktop.db import open_database
    from psp_desktop.services.demo import create_demo

    path = folder / "demo.db"
    db = open_database(path)
    try:
        create_demo(db)
    finally:
        db.close()
    return path


def prepare(demo: Path, workdir: Path) -> dict[str, Any]:
    """A copy of the demo with what the driver needs: a pool of round-2 sheets to submit and reopen, a pool of open
    assignments in the other competition for merged laptop results, a signed award whose schedule is many small
    tranches due at once (gate none) for finance to approve and pay one by one, and a laptop key. Returns the plan
    (also written to workdir/plan.json for the driver)."""
    from sqlalchemy import select

    from psp_desktop.db import open_database
    from psp_desktop.models import Assignment, Round, ScoreSheet
    from psp_desktop.services import judging
    from psp_desktop.services.access import SYSTEM

    path = workdir / "crash.db"
    shutil.copyfile(demo, path)
    db = open_database(path)
    db.actor = SYSTEM
    try:
        with db.write() as s:
            rounds = s.scalars(select(Round).order_by(Round.competition_id, Round.seq)).all()
            with_work = set(s.scalars(select(Assignment.round_id)))
            score_round = next(r for r in rounds if not r.frozen and r.id in with_work)  # the 2025 roadshow
            # rounds nobody is assigned to yet (the 2026 ones; not a funded past year's frozen rounds)
            merge_rounds = [r for r in rounds if r.competition_id != score_round.competition_id and r.criteria
                            and not r.frozen and r.id not in with_work]
            merge_round = merge_rounds[0]
            merge_rounds = [r for r in merge_rounds if r.competition_id == merge_round.competition_id]
            status = dict(s.execute(select(Assignment.id, ScoreSheet.status).outerjoin(ScoreSheet).where(
                Assignment.round_id == score_round.id).order_by(Assignment.id)).all())
            open_ids = [a for a, st in status.items() if st is None or st.value != "submitted"]
            done_ids = [a for a in status if a not in open_ids]
            pool = open_ids + done_ids[: SCORE_POOL - len(open_ids)]
            merge_pools = _merge_pools(s, merge_rounds, judging)
            award_id = _payment_award(s)
            plan = {
                "db": str(path), "workdir": str(workdir), "score_round": score_round.id, "score_pool": pool,
                "score_base": {str(a): int(a in done_ids) for a in pool},
                "merge_pools": merge_pools,
                "merge_competition": {"id": merge_round.competition_id, "name": merge_round.competition.name},
                "import_competition": merge_round.competition_id,
                "award": award_id, "paid_on": PAID_ON.isoformat(), "today": TODAY.isoformat(),
                "rounds": {str(r.id): {"name": r.name, "step": r.score_step_x100,
                                       "criteria": {str(c.id): c.max_points_x100 for c in r.criteria}}
                           for r in (score_round, *merge_rounds)},
                "laptop_key": _laptop_key(),
            }
    finally:
        db.close()
    (workdir / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return plan


def _payment_award(s: Any) -> int:
    """A committed award on a proposal that has none yet (whatever the demo funds itself), scheduled as TRANCHES
    equal tranches with gate none and signed, so every tranche is due: enough for the longest run's payments."""
    from sqlalchemy import select

    from psp_desktop.enums import AwardStatus, GateKind
    from psp_desktop.models import Award, Proposal
    from psp_desktop.services import tranches
    from psp_desktop.services.access import SYSTEM

    proposal = s.scalar(select(Proposal).where(Proposal.id.not_in(select(Award.proposal_id)))
                        .order_by(Proposal.id).limit(1))
    award = Award(proposal_id=proposal.id, competition_id=proposal.competition_id,
                  amount_fen=TRANCHES * TRANCHE_FEN, status=AwardStatus.COMMITTED)
    s.add(award)
    s.flush()
    tranches.apply_template(s, award, [tranches.Step(amount_fen=TRANCHE_FEN, gate=GateKind.NONE)] * TRANCHES)
    tranches.sign_in(s, award, SIGNED_ON, "", SYSTEM, TODAY)
    return award.id


def _merge_pools(s: Any, rounds: list[Any], judging: Any) -> dict[str, list[int]]:
    """Per round, open assignments (judge × proposal, no conflict of interest) for laptop results to fill, so
    that merges never run out in a long run."""
    from sqlalchemy import insert, select

    from psp_desktop.models import Assignment, Judge, Proposal

    s.add_all(Judge(name=f"崩溃测试评委{n}") for n in range(1, EXTRA_JUDGES + 1))
    s.flush()
    judges = s.scalars(select(Judge).order_by(Judge.id)).all()
    conflicts = {j.id: judging.conflicted_orgs(s, j.id) for j in judges}
    pools = {}
    for round_ in rounds:
        proposals = s.scalars(select(Proposal).where(Proposal.competition_id == round_.competition_id)
                              .order_by(Proposal.id)).all()
        s.execute(insert(Assignment), [{"round_id": round_.id, "judge_id": j.id, "proposal_id": p.id, "manual": True}
                                       for p in proposals for j in judges if p.organization_id not in conflicts[j.id]])
        pools[str(round_.id)] = list(s.scalars(select(Assignment.id).where(Assignment.round_id == round_.id)))
    return pools


def _laptop_key() -> str:
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    except ImportError:
        return ""
    return Ed25519PrivateKey.generate().private_bytes_raw().hex()


# --- the child -------------------------------------------------------------------------------------------------


@dataclass
class Run:
    lines: list[str] = field(default_factory=list)
    error: str = ""

    def acks(self) -> list[tuple[str, str, str]]:
        """(kind, tag, detail) of each acknowledged commit."""
        found = []
        for line in self.lines:
            if line.startswith("ACK "):
                _ack, kind, tag, detail = [*line.split(" ", 3), ""][:4]
                found.append((kind, tag, detail))
        return found

    def phase(self) -> str:
        """What the worker was doing when it was killed."""
        for line in reversed(self.lines):
            if line.startswith("BEGIN "):
                return "mid " + line.split()[1]
            if line.startswith("ACK "):
                return "between operations"
            if line.startswith("READY"):
                return "between operations"
        return "opening the database"


class Child:
    """The driver's zygote: forks a worker per run, so each kill costs milliseconds rather than a Python start."""

    def __init__(self, plan_path: Path, workdir: Path) -> None:
        self.err = (workdir / "driver.err").open("wb")
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        self.proc = subprocess.Popen([sys.executable, str(DRIVER), str(plan_path)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.err, cwd=workdir, env=env)
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, name="crash-driver-reader", daemon=True)
        self.reader.start()
        first = self._next(LINE_TIMEOUT)
        if not first.startswith("ZYGOTE"):
            raise RuntimeError(f"the driver did not start: {first!r} {self.stderr_tail()}")
        self.kinds = [k for k in first.split()[1:] if not k.startswith("-")]
        self.skipped = [k[1:] for k in first.split()[1:] if k.startswith("-")]

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self.queue.put(raw.decode("utf-8", "replace").rstrip("\n"))
        self.queue.put(None)

    def _next(self, timeout: float) -> str:
        try:
            line = self.queue.get(timeout=timeout)
        except queue.Empty:
            return ""
        if line is None:
            raise RuntimeError(f"the driver stopped: {self.stderr_tail()}")
        return line

    def stderr_tail(self) -> str:
        self.err.flush()
        text = Path(self.err.name).read_text(encoding="utf-8", errors="replace")
        return text[-2000:]

    def run(self, number: int, seed: int, kill_after: float, early: bool) -> Run:
        """Starts a worker and kills it kill_after seconds after it is READY (or after it was forked, if early)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"run {number} {seed}\n".encode())
        self.proc.stdin.flush()
        result = Run()
        pid = self._until(result, "PID ")
        if not early:
            self._until(result, "READY ")
        deadline = time.monotonic() + kill_after
        while (left := deadline - time.monotonic()) > 0:
            line = self._next(left)
            if line:
                result.lines.append(line)
                if line.startswith(("EXIT ", "ERROR ")):
                    break
        if not any(line.startswith("EXIT ") for line in result.lines):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            self._until(result, f"EXIT {pid} ")
        errors = [line for line in result.lines if line.startswith("ERROR ")]
        if errors:
            result.error = errors[0]
        return result

    def _until(self, result: Run, prefix: str) -> int:
        while True:
            line = self._next(LINE_TIMEOUT)
            if not line:
                raise RuntimeError(f"no {prefix.strip()} from the driver within {LINE_TIMEOUT} s")
            result.lines.append(line)
            if line.startswith(prefix):
                return int(line.split()[1])
            if line.startswith("ERROR "):
                raise RuntimeError(f"the worker failed: {line}")

    def close(self) -> None:
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.write(b"quit\n")
                self.proc.stdin.close()
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stdout is not None:
                self.proc.stdout.close()
            self.reader.join(timeout=10)
            self.err.close()


# --- checking the file -----------------------------------------------------------------------------------------


def connect(path: Path) -> sqlite3.Connection:
    """A plain connection, as the app's next start would make: it recovers the WAL the killed process left."""
    conn = sqlite3.connect(path, timeout=30)
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def check(path: Path, plan: dict[str, Any], acks: list[tuple[str, str, str]]) -> list[str]:
    """Every problem found: damage, lost acknowledged commits, half-applied transactions, what audit.verify finds."""
    conn = connect(path)
    try:
        problems = _file_problems(conn)
        if problems:
            return problems
        entries = _audit(conn)
        problems += _chain_problems(entries)
        problems += _lost(conn, acks, entries)
        problems += _score_problems(conn, plan, entries)
        problems += _import_problems(conn)
        problems += _payment_problems(conn, plan, entries)
        if plan.get("laptop_key"):
            problems += _merge_problems(conn, plan, entries)
    finally:
        conn.close()
    return problems + _verify_problems(path)


def _file_problems(conn: sqlite3.Connection) -> list[str]:
    integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    problems = [] if integrity == ["ok"] else [f"integrity_check: {'; '.join(integrity[:3])}"]
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        problems.append(f"foreign_key_check: {broken[:3]}")
    return problems


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    username: str
    role: str
    action: str
    entity: str
    entity_id: int | None
    before: Any
    after: Any
    prev_hash: str
    hash: str


def _audit(conn: sqlite3.Connection) -> list[Entry]:
    rows = conn.execute("SELECT id, at, username, role, action, entity, entity_id, before, after, prev_hash, hash "
                        "FROM audit_entry ORDER BY id")
    return [Entry(*r[:7], _json(r[7]), _json(r[8]), r[9], r[10]) for r in rows]


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _chain_problems(entries: list[Entry]) -> list[str]:
    """Each entry's hash covers the previous one and itself (services.audit): a torn write would break it."""
    from psp_desktop.services.audit import GENESIS, canonical

    problems = []
    previous = GENESIS if entries and entries[0].prev_hash == GENESIS else (entries[0].prev_hash if entries else "")
    for e in entries:
        body = {"at": dt.datetime.fromisoformat(e.at).isoformat(), "username": e.username, "role": e.role,
                "action": e.action, "entity": e.entity, "entity_id": e.entity_id, "before": e.before,
                "after": e.after}
        digest = hashlib.sha256(e.prev_hash.encode() + canonical(body)).hexdigest()
        if e.prev_hash != previous or digest != e.hash:
            problems.append(f"change log chain broken at entry {e.id} ({e.action} by {e.username})")
            break
        previous = e.hash
    return problems


def _lost(conn: sqlite3.Connection, acks: list[tuple[str, str, str]], entries: list[Entry]) -> list[str]:
    """Every acknowledged commit is there."""
    by_user = collections.defaultdict(set)
    for e in entries:
        by_user[e.username].update((e.action, (e.action, e.entity_id)))
    orgs = {r[0] for r in conn.execute("SELECT name FROM organization WHERE name LIKE ?", (f"{ORG_PREFIX}%",))}
    vouchers = dict(conn.execute("SELECT voucher_number, tranche_id FROM payment WHERE voucher_number LIKE 'crash-%'"))
    artifacts = ({r[0] for r in conn.execute("SELECT sha256 FROM imported_artifact")}
                 if _has(conn, "imported_artifact") else set())
    lost = []
    for kind, tag, detail in acks:
        if kind == "score":
            present = f"sheet.{detail.split()[0]}" in by_user[tag]
        elif kind == "import":
            present = f"{ORG_PREFIX}{tag}" in orgs
        elif kind == "payment":  # "approve 17" or "pay 17" (tranche 17), logged under the tag; a pay's voucher is it
            action, _, tranche = detail.partition(" ")
            present = detail == USED_UP or (
                (f"tranche.{action}", int(tranche or 0)) in by_user[tag]
                and (action != "pay" or vouchers.get(tag) == int(tranche)))
        elif kind == "merge":
            present = detail == "pool used up" or (detail.split()[1] in artifacts and "event.import" in by_user[tag])
        elif kind == "backup":
            present = True  # the newest three are kept: see backup_problems
        else:
            present = False
        if not present:
            lost.append(f"acknowledged {kind} {tag} ({detail}) is missing")
    return lost


def _has(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone() is not None


def _score_problems(conn: sqlite3.Connection, plan: dict[str, Any], entries: list[Entry]) -> list[str]:
    """Each pool sheet's state agrees with its change log, and a submitted sheet has every score."""
    criteria = len(plan["rounds"][str(plan["score_round"])]["criteria"])
    crash = [e for e in entries if e.username.startswith("crash-") and e.entity == "score_sheet"]
    problems = []
    for assignment_id in plan["score_pool"]:
        row = conn.execute("SELECT id, status, comment, reopened_reason FROM score_sheet WHERE assignment_id=?",
                           (assignment_id,)).fetchone()
        if row is None:
            continue
        sheet_id, status, comment, reason = row
        mine = [e for e in crash if e.entity_id == sheet_id]
        net = plan["score_base"][str(assignment_id)] + sum(
            1 if e.action == "sheet.submit" else -1 for e in mine)
        scores = dict(conn.execute("SELECT criterion_id, points_x100 FROM score WHERE sheet_id=?", (sheet_id,)))
        if net != int(status == "submitted"):
            problems.append(f"sheet {sheet_id} is {status} but its change log says otherwise")
        if status == "submitted" and len(scores) != criteria:
            problems.append(f"submitted sheet {sheet_id} has {len(scores)} of {criteria} scores")
        if mine and mine[-1].action == "sheet.submit":
            logged = {int(k): v for k, v in mine[-1].after["points"].items()}
            if logged != scores or comment != mine[-1].username:
                problems.append(f"sheet {sheet_id} differs from its last logged submission")
        if mine and mine[-1].action == "sheet.reopen" and reason != f"crash test {mine[-1].username}":
            problems.append(f"sheet {sheet_id} lacks the reason of its last logged reopening")
    return problems


def _import_problems(conn: sqlite3.Connection) -> list[str]:
    """Each imported workbook came in whole: its organization, two proposals, two budget lines each."""
    problems = []
    orgs = dict(conn.execute("SELECT id, name FROM organization WHERE name LIKE ?", (f"{ORG_PREFIX}%",)))
    proposals = conn.execute("SELECT id, organization_id, title, total_budget_fen FROM proposal WHERE title LIKE ?",
                             (f"{TITLE_PREFIX}%",)).fetchall()
    per_org = collections.Counter()
    for proposal_id, org_id, title, total in proposals:
        tag = title[len(TITLE_PREFIX):].rsplit("-", 1)[0]
        if orgs.get(org_id) != f"{ORG_PREFIX}{tag}":
            problems.append(f"proposal {title} without its organization")
        per_org[org_id] += 1
        lines = conn.execute("SELECT count(*), coalesce(sum(amount_fen), 0) FROM budget_line WHERE proposal_id=?",
                             (proposal_id,)).fetchone()
        if lines != (2, total):
            problems.append(f"proposal {title} has budget lines {lines}, total {total}")
    problems += [f"organization {name} has {per_org[org_id]} of 2 proposals" for org_id, name in orgs.items()
                 if per_org[org_id] != 2]
    return problems


def _payment_problems(conn: sqlite3.Connection, plan: dict[str, Any], entries: list[Entry]) -> list[str]:
    """On the crash award's tranches: each payment has its "tranche.pay" entry (amount, tranche, voucher) and vice
    versa, at most one per tranche; a tranche is paid exactly when it has a payment, and approved or paid exactly
    when it has its "tranche.approve" entry; the total paid stays within the award."""
    award_fen = conn.execute("SELECT amount_fen FROM award WHERE id=?", (plan["award"],)).fetchone()[0]
    schedule = {r[0]: r[1:] for r in conn.execute("SELECT id, seq, status, amount_fen FROM tranche WHERE award_id=?",
                                                  (plan["award"],))}
    payments = conn.execute(f"SELECT id, tranche_id, amount_fen, voucher_number FROM payment WHERE tranche_id IN "
                            f"({','.join(map(str, schedule))}) ORDER BY id").fetchall()
    mine = [e for e in entries if e.entity == "tranche" and e.entity_id in schedule]
    approvals = collections.Counter(e.entity_id for e in mine if e.action == "tranche.approve")
    logged = {_after(e, "voucher"): e for e in mine if e.action == "tranche.pay"}
    per_tranche = collections.Counter(p[1] for p in payments)
    problems = []
    for payment_id, tranche_id, amount, voucher in payments:
        entry = logged.pop(voucher, None)
        if entry is None:
            problems.append(f"payment {payment_id} (voucher {voucher}) without its tranche.pay entry")
        elif (entry.entity_id, _after(entry, "amount_fen"), entry.username) != (tranche_id, amount, voucher):
            problems.append(f"payment {payment_id} differs from its tranche.pay entry {entry.id}")
        if amount != schedule[tranche_id][2]:
            problems.append(f"payment {payment_id} is {amount} fen for a tranche of {schedule[tranche_id][2]}")
    problems += [f"tranche.pay entry {e.id} (voucher {v}) without its payment" for v, e in logged.items()]
    for tranche_id, (seq, status, _amount) in sorted(schedule.items()):
        count = per_tranche[tranche_id]
        if count > 1 or (status == "paid") != (count == 1):
            problems.append(f"tranche {tranche_id} (seq {seq}) is {status} with {count} payments")
        if approvals[tranche_id] > 1 or (status in ("approved", "paid")) != (approvals[tranche_id] == 1):
            problems.append(f"tranche {tranche_id} (seq {seq}) is {status} with {approvals[tranche_id]} "
                            "tranche.approve entries")
    paid = sum(p[2] for p in payments)
    if paid > award_fen:
        problems.append(f"the award is {award_fen} fen but {paid} fen was paid")
    return problems


def _after(entry: Entry, key: str) -> Any:
    return entry.after.get(key) if isinstance(entry.after, dict) else None


def _verify_problems(path: Path) -> list[str]:
    """The app's own check (services.audit.verify): the chain, then the state seals (sheets, rounds, payments)."""
    from psp_desktop.db import open_database
    from psp_desktop.services import audit
    from psp_desktop.services.access import SYSTEM

    db = open_database(path, create=False)
    db.actor = SYSTEM
    try:
        report = audit.verify(db)
    finally:
        db.close()
    return [] if report.ok else [f"audit.verify: {report.problem.render()}"]


def _merge_problems(conn: sqlite3.Connection, plan: dict[str, Any], entries: list[Entry]) -> list[str]:
    """Each merged results file is recorded with its log entry and brought all its sheets, complete."""
    if not _has(conn, "imported_artifact"):
        return []
    artifacts = {r[0] for r in conn.execute(
        "SELECT a.sha256 FROM imported_artifact a JOIN laptop l ON l.id = a.laptop_id WHERE l.name=?", (LAPTOP,))}
    imports = [e for e in entries if e.action == "event.import" and e.username.startswith("crash-")]
    problems = []
    if {e.after["sha256"] for e in imports} != artifacts:
        problems.append("merged results files and their log entries disagree")
    rounds = ",".join(plan["merge_pools"])
    sheets = conn.execute(
        "SELECT s.id, s.status, a.round_id, (SELECT count(*) FROM score sc WHERE sc.sheet_id = s.id) "
        f"FROM score_sheet s JOIN assignment a ON a.id = s.assignment_id WHERE a.round_id IN ({rounds})").fetchall()
    added = sum(e.after["added"] for e in imports)
    if len(sheets) != added or any(status != "submitted" for _id, status, _r, _c in sheets):
        problems.append(f"{len(sheets)} merged sheets for {added} logged as added")
    submits = collections.Counter(e.entity_id for e in entries if e.action == "sheet.submit")
    for sheet_id, _status, round_id, count in sheets:
        criteria = len(plan["rounds"][str(round_id)]["criteria"])
        if count != criteria or submits[sheet_id] != 1:
            problems.append(f"merged sheet {sheet_id}: {count} of {criteria} scores, {submits[sheet_id]} log entries")
    return problems


def backup_problems(folder: Path, new: list[tuple[str, str, str]], seen: set[tuple[str, int]]) -> list[str]:
    """Every file under a backup's final name is a whole, sound PSP Desktop database (killed copies leave at most a
    hidden temporary file), and the run's last acknowledged backup is there."""
    from psp_desktop.errors import PspError
    from psp_desktop.services.backups import check_backup

    problems = []
    usb = folder / "usb"
    for path in sorted(usb.glob("*.db")) if usb.is_dir() else ():
        key = (path.name, path.stat().st_size)
        if key in seen:
            continue
        try:
            check_backup(path)
        except PspError as exc:
            problems.append(f"backup {path.name} is not whole: {exc}")
        seen.add(key)
    made = [detail for kind, _tag, detail in new if kind == "backup"]
    if made and not Path(made[-1]).exists():
        problems.append(f"acknowledged backup {made[-1]} is missing")
    return problems


# --- the run ---------------------------------------------------------------------------------------------------


@dataclass
class Report:
    kills: int = 0
    phases: collections.Counter[str] = field(default_factory=collections.Counter)
    acked: collections.Counter[str] = field(default_factory=collections.Counter)
    losses: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    kinds: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # optional kinds that failed to run at all (see driver.err)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        phases = ", ".join(f"{k}: {v}" for k, v in sorted(self.phases.items()))
        acked = ", ".join(f"{k}: {v}" for k, v in sorted(self.acked.items()))
        lines = [f"kills: {self.kills} in {self.seconds:.0f} s ({phases})",
                 f"acknowledged commits: {sum(self.acked.values())} ({acked}); kinds: {', '.join(self.kinds)}"
                 + (f"; skipped (not working in this version): {', '.join(self.skipped)}" if self.skipped else ""),
                 f"losses: {self.losses}; other problems: {len(self.problems) - self.losses}"]
        return "\n".join(lines + [f"  {p}" for p in self.problems[:20]])


def crash(kills: int, *, seed: int = 1, max_delay: float = 0.5, early_share: float = 0.1,
          demo: Path | None = None, workdir: Path | None = None, progress: bool = False) -> Report:
    """Kills a worker `kills` times and checks the file after each kill. Stops at the first problem."""
    with _folder(workdir) as folder:
        plan = prepare(demo or build_demo(folder), folder)
        rng = random.Random(seed)
        report, acks, seen = Report(), [], set()
        started = time.monotonic()
        child = Child(folder / "plan.json", folder)
        report.kinds = tuple(child.kinds)
        report.skipped = tuple(child.skipped)
        try:
            for number in range(1, kills + 1):
                early = rng.random() < early_share
                run = child.run(number, rng.randrange(2**31), rng.uniform(0, 0.15 if early else max_delay), early)
                report.kills += 1
                report.phases[run.phase()] += 1
                if run.error:
                    report.problems.append(f"kill {number}: the worker failed by itself: {run.error}")
                    break
                new = run.acks()
                acks += new
                report.acked.update(kind if detail != "pool used up" else "merge, none left to do"
                                    for kind, _tag, detail in new)
                problems = check(Path(plan["db"]), plan, acks) + backup_problems(folder, new, seen)
                if problems:
                    report.losses = sum("is missing" in p for p in problems)
                    report.problems += [f"after kill {number}: {p}" for p in problems]
                    break
                if progress and number % 50 == 0:
                    print(f"{number} kills, {sum(report.acked.values())} acknowledged commits, no problem",
                          flush=True)
        finally:
            child.close()
        report.seconds = time.monotonic() - started
        return report


class _folder:
    """The given work folder (kept), or a temporary one removed afterwards."""

    def __init__(self, given: Path | None) -> None:
        self.given = given
        self.temp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Path:
        if self.given is not None:
            self.given.mkdir(parents=True, exist_ok=True)
            return self.given
        self.temp = tempfile.TemporaryDirectory(prefix="psp-crash-")
        return Path(self.temp.name)

    def __exit__(self, *_exc: Any) -> None:
        if self.temp is not None:
            self.temp.cleanup()


def iter_lines(report: Report) -> Iterator[str]:
    yield from report.summary().splitlines()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=0.5, help="longest run before the kill, in seconds")
    parser.add_argument("--demo", type=Path, help="a demo database to copy (default: build one)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    report = crash(args.kills, seed=args.seed, max_delay=args.max_delay, demo=args.demo, workdir=args.keep,
                   progress=True)
    for line in iter_lines(report):
        print(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
