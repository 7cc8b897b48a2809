"""Crash safety in the normal test run: a reduced count of SIGKILLs (the full run is
`python tests/crash/crash_test.py --kills 1000`), the checker shown to find what it looks for, and backups taken
while another thread writes."""

from __future__ import annotations

import contextlib
import random
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import crash_driver
import crash_test
import pytest

from psp_desktop.db import Database, open_database
from psp_desktop.enums import Role
from psp_desktop.services import backups
from psp_desktop.services.access import Actor

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL")

KILLS = 40


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return crash_test.build_demo(tmp_path_factory.mktemp("crash-demo"))


def test_killed_mid_work_loses_nothing(demo: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    report = crash_test.crash(KILLS, seed=20261127, max_delay=0.3, demo=demo, workdir=tmp_path)
    print(report.summary())
    assert report.ok, report.summary()
    assert report.kills == KILLS and report.losses == 0
    assert sum(report.acked.values()) > KILLS  # work was done and acknowledged between the kills
    assert time.monotonic() - started < 60


# --- the checker finds what it looks for ------------------------------------------------------------------------


def _signed_in(db: Database, tag: str) -> None:
    db.actor = Actor(tag, frozenset({Role.ADMIN}), None, "崩溃测试")


def _one_of_each(plan: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Every kind of operation done once, in this process; returns the acknowledgements."""
    rng = random.Random(7)
    db = open_database(plan["db"], create=False)
    acks: list[tuple[str, str, str]] = []

    def do(kind: str) -> str:
        tag = crash_driver.tag_of(0, len(acks) + 1)
        _signed_in(db, tag)
        acks.append((kind, tag, crash_driver.OPS[kind](db, plan, tag, rng, len(acks) + 1)))
        return acks[-1][2]

    try:
        while not (any(d.startswith("reopen") for _k, _t, d in acks) and do("score").startswith("submit")):
            do("score")  # until a sheet was reopened and the last one written was submitted
        for kind in ("import", "payment", "payment", "payment"):  # approve and pay tranche 1, approve tranche 2
            do(kind)
        if crash_driver.event_exchange is not None:
            with contextlib.suppress(Exception):  # the optional event exchange may not work yet: the rest counts
                do("merge")
    finally:
        db.close()
    return acks


def _mutated(path: Path, tmp_path: Path, sql: str) -> Path:
    copy = tmp_path / f"mutated-{abs(hash(sql))}.db"
    source, target = sqlite3.connect(path), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.execute("PRAGMA foreign_keys=OFF")
    target.executescript(sql)
    target.commit()
    target.close()
    return copy


HALF_APPLIED: dict[str, tuple[str, str]] = {
    "a submitted sheet without one of its scores": (
        "DELETE FROM score WHERE id = (SELECT max(sc.id) FROM score sc JOIN score_sheet s ON s.id = sc.sheet_id "
        "WHERE s.comment LIKE 'crash-%' AND s.status = 'submitted' AND s.source <> 'laptop');", "scores"),
    "a sheet submitted without its log entry": (
        "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry WHERE action = 'sheet.submit' "
        "AND username LIKE 'crash-%');", "chain broken"),
    "a proposal without one budget line": (
        "DELETE FROM budget_line WHERE id = (SELECT max(b.id) FROM budget_line b JOIN proposal p "
        "ON p.id = b.proposal_id WHERE p.title LIKE '崩溃测试项目%');", "budget lines"),
    "an organization without its proposals": (
        "DELETE FROM budget_line WHERE proposal_id IN (SELECT id FROM proposal WHERE title LIKE '崩溃测试项目%');"
        "DELETE FROM proposal WHERE title LIKE '崩溃测试项目%';", "of 2 proposals"),
    "a payment without its log entry": (
        "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry WHERE action = 'tranche.pay');",
        "without its tranche.pay entry"),
    "a payment without its tranche update": (
        "UPDATE tranche SET status = 'approved' WHERE id = (SELECT max(tranche_id) FROM payment "
        "WHERE voucher_number LIKE 'crash-%');", "is approved with 1 payments"),
    "a paid tranche without its payment": (
        "DELETE FROM payment WHERE id = (SELECT max(id) FROM payment WHERE voucher_number LIKE 'crash-%');",
        "without its payment"),
    "a second payment for a tranche": (
        "INSERT INTO payment (tranche_id, amount_fen, paid_on, voucher_number, paid_by, note, created_at) "
        "SELECT tranche_id, amount_fen, paid_on, voucher_number || '-2', paid_by, note, created_at FROM payment "
        "WHERE voucher_number LIKE 'crash-%';", "with 2 payments"),
    "a payment differing from its log entry": (
        "UPDATE payment SET amount_fen = amount_fen + 1 WHERE voucher_number LIKE 'crash-%';",
        "differs from its tranche.pay entry"),
    "a payment redated (only the payments seal sees it)": (
        "UPDATE payment SET paid_on = '2026-05-31' WHERE voucher_number LIKE 'crash-%';",
        "audit.verify: Payment"),
    "an approval without its log entry": (
        "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry WHERE action = 'tranche.approve');",
        "is approved with 0 tranche.approve entries"),
    "an approval without its tranche update": (
        "UPDATE tranche SET status = 'planned', approved_by = '' WHERE status = 'approved';",
        "is planned with 1 tranche.approve entries"),
    "more paid than awarded": (
        "UPDATE award SET amount_fen = 1 WHERE id = (SELECT t.award_id FROM tranche t JOIN payment p "
        "ON p.tranche_id = t.id WHERE p.voucher_number LIKE 'crash-%');", "was paid"),
    "a merged results file without one of its sheets": (
        "DELETE FROM score WHERE sheet_id = (SELECT max(id) FROM score_sheet WHERE source = 'laptop');"
        "DELETE FROM score_sheet WHERE id = (SELECT max(id) FROM score_sheet WHERE source = 'laptop');",
        "merged sheets for"),
    "an edited log entry": (
        "UPDATE audit_entry SET after = '{}' WHERE id = (SELECT min(id) FROM audit_entry WHERE username LIKE "
        "'crash-%');", "chain broken"),
}


@pytest.fixture(scope="module")
def worked(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[Any]]:
    plan = crash_test.prepare(demo, tmp_path_factory.mktemp("crash-checker"))
    return plan, _one_of_each(plan)


def test_the_checker_passes_complete_work(worked: tuple[dict[str, Any], list[Any]]) -> None:
    plan, acks = worked
    assert crash_test.check(Path(plan["db"]), plan, acks) == []


@pytest.mark.parametrize("case", sorted(HALF_APPLIED))
def test_the_checker_finds_half_applied_work(worked: tuple[dict[str, Any], list[Any]], tmp_path: Path,
                                             case: str) -> None:
    plan, acks = worked
    if "merged" in case and not any(kind == "merge" and detail.startswith("sha") for kind, _t, detail in acks):
        pytest.skip("the event exchange does not work in this version")
    sql, expected = HALF_APPLIED[case]
    problems = crash_test.check(_mutated(Path(plan["db"]), tmp_path, sql), plan, acks)
    assert any(expected in p for p in problems), problems


def test_the_checker_finds_a_lost_commit(worked: tuple[dict[str, Any], list[Any]]) -> None:
    plan, acks = worked
    done = [detail for kind, _tag, detail in acks if kind == "payment"]
    first, second = done[0].split()[1], done[2].split()[1]
    assert done == [f"approve {first}", f"pay {first}", f"approve {second}"]
    # an approval or a payment that never happened, and real ones acknowledged under a tag that did not make them
    for detail in ("approve 999999", f"pay {second}", *done):
        problems = crash_test.check(Path(plan["db"]), plan, [*acks, ("payment", "crash-r0-n999", detail)])
        assert problems == [f"acknowledged payment crash-r0-n999 ({detail}) is missing"]


def test_the_checker_finds_damage(worked: tuple[dict[str, Any], list[Any]], tmp_path: Path) -> None:
    plan, acks = worked
    broken = _mutated(Path(plan["db"]), tmp_path, "PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql = "
                      "replace(sql, '(tranche_id)', '(amount_fen)') WHERE type = 'index' AND tbl_name = 'payment';")
    problems = crash_test.check(broken, plan, acks)
    assert problems and problems[0].startswith("integrity_check"), problems


# --- backups while another thread writes -----------------------------------------------------------------------


def _writer(db: Database, plan: dict[str, Any], acks: list[Any], stop: threading.Event,
            failures: list[BaseException]) -> Callable[[], None]:
    def work() -> None:
        rng, number = random.Random(3), 0
        try:
            while not stop.is_set():
                number += 1
                kind = rng.choice(["score", "payment", "payment"])
                tag = crash_driver.tag_of(1, number)
                _signed_in(db, tag)
                acks.append((kind, tag, crash_driver.OPS[kind](db, plan, tag, rng, 1000 + number)))
        except BaseException as exc:  # reported by the test
            failures.append(exc)

    return work


def test_backups_taken_while_another_thread_writes_restore_cleanly(demo: Path, tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    plan = crash_test.prepare(demo, tmp_path / "work")
    db = open_database(plan["db"], create=False)
    _signed_in(db, "crash-backup")
    acks: list[Any] = []
    stop, failures = threading.Event(), []
    thread = threading.Thread(target=_writer(db, plan, acks, stop, failures), name="crash-writer")
    thread.start()
    taken = []
    try:
        for _ in range(6):
            time.sleep(0.05)
            acknowledged = len(acks)
            taken.append((backups.backup_now(db, tmp_path / "usb"), acknowledged))
    finally:
        stop.set()
        thread.join(timeout=60)
        db.close()
    assert not failures, failures
    assert len(acks) > len(taken)
    for number, (backup, acknowledged) in enumerate(taken):
        restored = tmp_path / f"restored-{number}" / "psp.db"
        restored.parent.mkdir()
        backups.restore(restored, backup)
        assert crash_test.check(restored, plan, acks[:acknowledged]) == []
