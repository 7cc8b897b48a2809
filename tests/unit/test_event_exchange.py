"""The judge-laptop exchange (services.event_exchange): an event package out to laptops, judges scoring there in
judge mode's own services, signed results files back, and everything a damaged, replayed or foreign file must not do.

The office database is the `database` fixture (SQLite and PostgreSQL); each laptop is its own data folder under
tmp_path with its own key and SQLite event database, as on a real laptop.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from psp_desktop.db import Database
from psp_desktop.enums import OrgType, ProposalStatus, Role, RoundKind, ServiceDomain, SheetStatus
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    Assignment,
    AuditEntry,
    Competition,
    ConflictDeclaration,
    Criterion,
    ImportedArtifact,
    Judge,
    Laptop,
    Organization,
    Proposal,
    Round,
    Score,
    ScoreSheet,
)
from psp_desktop.services import audit, event_exchange, judging, laptop_keys, pins
from psp_desktop.services.access import Actor, NotAllowed
from psp_desktop.services.event_exchange import ACCEPTED, DUPLICATE, REJECTED

PIN = "135792"
CRITERIA = (("需求分析", 3000, False), ("项目设计", 4000, False), ("预算合理性", 3000, False), ("配套资金", 500, True))


@pytest.fixture(autouse=True)
def _cheap_pins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pins, "N", 2**4)  # the stored hash carries its cost, so laptops check it the same way
    monkeypatch.setattr(pins, "_failures", {})


# --- the office's competition ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    round_id: int
    judges: tuple[int, ...]
    proposals: tuple[int, ...]
    criteria: tuple[int, ...]
    conflicted: tuple[int, int]  # (judge, proposal) assigned but conflicted: never sent to a laptop


def build_office(db: Database, *, competition: str = "2026年望江街道社区公益创投大赛", round_name: str = "书面评审",
                 blind: bool = True, judges: int = 12, proposals: int = 8, per_proposal: int = 3) -> World:
    """A round with a rubric (bonus item included), judges with PINs, proposals whose summaries name their
    organization, K judges per proposal and one declared conflict."""
    with db.write() as s:
        comp = Competition(name=competition, year=2026)
        round_ = Round(competition=comp, seq=1, name=round_name, kind=RoundKind.WRITTEN, blind=blind,
                       score_step_x100=50, judges_per_proposal=per_proposal)
        round_.criteria = [Criterion(seq=i, name=name, description=f"{name}的评分要点", max_points_x100=top,
                                     is_bonus=bonus) for i, (name, top, bonus) in enumerate(CRITERIA, 1)]
        s.add_all([comp, round_])
        orgs = [Organization(name=f"临江区{competition[:4]}阳光社会工作服务中心{i}", org_type=OrgType.SERVICE_AGENCY)
                for i in range(proposals)]
        people = [Judge(name=f"评委{i:02d}", pin_hash=pins.hash_pin(PIN)) for i in range(judges)]
        s.add_all(orgs + people)
        s.flush()
        items = [Proposal(competition_id=comp.id, organization_id=org.id, intake_number=f"2026-WJ-{i + 1:03d}",
                          title=f"社区项目{i + 1}", domain=ServiceDomain.ELDERLY, status=ProposalStatus.IN_REVIEW,
                          summary=f"{org.name}在社区开展服务，{org.name[3:]}已有三年经验。")
                 for i, org in enumerate(orgs)]
        s.add_all(items)
        s.flush()
        for i, proposal in enumerate(items):
            for k in range(per_proposal):
                s.add(Assignment(round_id=round_.id, judge_id=people[(i + k) % judges].id, proposal_id=proposal.id))
        s.add(ConflictDeclaration(judge_id=people[0].id, organization_id=orgs[0].id, reason="曾任该机构理事"))
        s.flush()
        return World(round_.id, tuple(j.id for j in people), tuple(p.id for p in items),
                     tuple(c.id for c in round_.criteria), (people[0].id, items[0].id))


def points_for(world: World, judge_id: int, proposal_id: int, salt: int = 0) -> dict[int, int]:
    """Deterministic points on the 0.5 step within each maximum."""
    out = {}
    for n, (criterion_id, (_name, top, _bonus)) in enumerate(zip(world.criteria, CRITERIA, strict=True)):
        steps = top // 50 + 1
        out[criterion_id] = ((judge_id * 7 + proposal_id * 3 + n * 5 + salt) % steps) * 50
    return out


def office_table(db: Database, round_id: int) -> dict[tuple[int, int], dict[int, int]]:
    return judging.sheets_of(db, round_id)


def snapshot(db: Database) -> dict[str, Any]:
    """Everything an import may write."""
    with db.read() as s:
        return {
            "sheets": sorted(tuple(r) for r in s.execute(
                select(ScoreSheet.assignment_id, ScoreSheet.status, ScoreSheet.source, ScoreSheet.comment))),
            "scores": sorted(tuple(r) for r in s.execute(select(Score.sheet_id, Score.criterion_id,
                                                                Score.points_x100))),
            "artifacts": sorted(tuple(r) for r in s.execute(select(ImportedArtifact.sha256,
                                                                   ImportedArtifact.sequence))),
            "laptops": sorted(tuple(r) for r in s.execute(select(Laptop.name, Laptop.public_key))),
            "audit": s.scalar(select(func.count()).select_from(AuditEntry)),
        }


# --- laptops ------------------------------------------------------------------------------------------------------


@dataclass
class Site:
    """The office PC's data folder and a place for files on the USB stick."""

    office: Path
    usb: Path


@pytest.fixture
def site(tmp_path: Path) -> Site:
    usb = tmp_path / "usb"
    usb.mkdir()
    return Site(tmp_path / "office-home", usb)


def new_laptop(site: Site, name: str) -> Path:
    home = site.usb.parent / f"laptop-{name}"
    laptop_keys.set_laptop_name(name, home)
    return home


def package_for(db: Database, world: World, site: Site, home: Path | None, file: str = "event") -> Path:
    """The office makes a package, registering the laptop when one is given."""
    identity = laptop_keys.laptop_identity(home) if home is not None else None
    summary = event_exchange.export_package(
        db, world.round_id, site.usb / f"{file}.pspevent",
        laptop=(identity.name, identity.public_key) if identity else None, home=site.office)
    return summary.path



def score_on(home: Path, package: Path, world: World, *, judges: set[int] | None = None, salt: int = 0,
             only: set[tuple[int, int]] | None = None, limit: int | None = None) -> int:
    """Judges sign in on the laptop with their PIN and submit sheets through judge mode's services."""
    opened = event_exchange.open_package(package, home=home)
    count = 0
    try:
        for judge_id, _name in judging.judges_with_work(opened.db):
            if judges is not None and judge_id not in judges:
                continue
            session = judging.sign_in(opened.db, judge_id, PIN)
            for task in (t for r in judging.judge_rounds(opened.db, session) for t in r.tasks if not t.locked):
                if only is not None and (judge_id, task.proposal_id) not in only:
                    continue
                if limit is not None and count >= limit:
                    return count
                judging.save_sheet(opened.db, session, task.assignment_id,
                                   points_for(world, judge_id, task.proposal_id, salt), "思路清晰", submit=True)
                count += 1
    finally:
        opened.db.close()
    return count


def results_from(home: Path, site: Site, file: str) -> Path:
    return event_exchange.export_results(site.usb / f"{file}.pspresults", home=home).path


def import_files(db: Database, *paths: Path, register: bool = False) -> event_exchange.ImportReport:
    return event_exchange.import_results(db, list(paths), register_laptops=register)


def reason_of(report: event_exchange.FileReport) -> str:
    assert report.reason is not None
    return report.reason.render()


def reseal(data: bytes, change: Callable[[dict[str, Any]], None], key: Any = None) -> bytes:
    """The file with its payload changed; signed again with `key`, or keeping the old signature line."""
    sealed = event_exchange.unseal(data)
    payload = sealed.payload
    change(payload)
    if key is not None:
        return event_exchange.seal(payload, key)
    return event_exchange.MAGIC + audit.canonical(payload) + b"\n" + data.rsplit(b"\n", 2)[-2] + b"\n"


# --- the round trip ----------------------------------------------------------------------------------------------


def test_round_trip_from_office_to_laptop_and_back(database: Database, site: Site) -> None:
    world = build_office(database)
    home = new_laptop(site, "笔记本A")
    package = package_for(database, world, site, home)
    data = package.read_bytes()
    with database.read() as s:
        org_names = list(s.scalars(select(Organization.name)))
    assert not any(name.encode() in data for name in org_names)  # blind round: no organization anywhere
    assert not any(name[3:].encode() in data for name in org_names)  # nor its name without the district

    opened = event_exchange.open_package(package, home=home)
    try:
        assert (opened.competition, opened.round, opened.judges) == ("2026年望江街道社区公益创投大赛", "书面评审", 9)
        assert opened.assignments == 8 * 3 - 1  # the conflicted assignment stays at the office (judge 0 had only it)
        with pytest.raises(ValidationError, match="no such judge"):  # their one proposal was conflicted
            judging.sign_in(opened.db, world.conflicted[0], PIN)
        session = judging.sign_in(opened.db, world.judges[1], PIN)
        tasks = [t for r in judging.judge_rounds(opened.db, session) for t in r.tasks]
        assert len(tasks) == 2
        assert all(t.organization == "" and judging.BLINDED in t.summary for t in tasks)
        with pytest.raises(ValidationError, match="Wrong PIN"):
            judging.sign_in(opened.db, world.judges[1], "246813")
    finally:
        opened.db.close()

    scored = score_on(home, package, world)
    assert scored == 23
    summary = event_exchange.export_results(site.usb / "a.pspresults", home=home)
    assert (summary.sequence, summary.sheets, summary.laptop) == (1, 23, "笔记本A")

    report = import_files(database, summary.path)
    (file,) = report.files
    assert (file.status, file.added, file.unchanged, file.notes, file.laptop) == (ACCEPTED, 23, 0, (), "笔记本A")
    table = office_table(database, world.round_id)
    assert len(table) == 23
    assert all(points == points_for(world, j, p) for (j, p), points in table.items())
    with database.read() as s:
        assert set(s.scalars(select(ScoreSheet.source))) == {"laptop"}
        assert set(s.scalars(select(ScoreSheet.comment))) == {"思路清晰"}
        artifact = s.scalars(select(ImportedArtifact)).one()
        assert (artifact.sha256, artifact.sequence, artifact.round_id) == (file.sha256, 1, world.round_id)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "event.import")).one()
        assert entry.after["sha256"] == file.sha256 and entry.after["laptop"] == "笔记本A"
        assert entry.after["added"] == 23 and entry.username == "tester"
        assert s.scalar(select(func.count()).where(AuditEntry.action == "sheet.submit")) == 23


def test_a_package_opened_again_keeps_the_work_and_a_new_one_carries_it(database: Database, site: Site) -> None:
    world = build_office(database)
    home = new_laptop(site, "笔记本A")
    package = package_for(database, world, site, home)
    assert score_on(home, package, world, limit=2) == 2
    opened = event_exchange.open_package(package, home=home)  # the same package: the same database
    try:
        assert len(event_exchange._submitted_sheets(opened.db)) == 2
    finally:
        opened.db.close()
    with database.read() as s:  # a reassignment at the office: another judge loses a proposal
        moved = s.scalars(select(Assignment.id).where(Assignment.judge_id == world.judges[5])).first()
    judging.unassign(database, moved)
    newer = package_for(database, world, site, home, file="event-2")
    assert newer.read_bytes() != package.read_bytes()
    opened = event_exchange.open_package(newer, home=home)
    try:
        assert opened.carried == 2
        assert len(event_exchange._submitted_sheets(opened.db)) == 2
    finally:
        opened.db.close()
    assert event_exchange.current_event(home) == opened.path


def test_a_non_blind_package_shows_the_organization(database: Database, site: Site) -> None:
    world = build_office(database, blind=False)
    home = new_laptop(site, "笔记本A")
    opened = event_exchange.open_package(package_for(database, world, site, home), home=home)
    try:
        session = judging.sign_in(opened.db, world.judges[1], PIN)
        tasks = [t for r in judging.judge_rounds(opened.db, session) for t in r.tasks]
        assert tasks and all(t.organization.startswith("临江区") and t.organization in t.summary for t in tasks)
    finally:
        opened.db.close()


# --- tampering -----------------------------------------------------------------------------------------------------


@pytest.fixture
def one_file(database: Database, site: Site) -> tuple[World, Path, bytes]:
    """A small results file of a registered laptop: three sheets."""
    world = build_office(database)
    home = new_laptop(site, "笔记本A")
    package = package_for(database, world, site, home)
    assert score_on(home, package, world, limit=3) == 3
    path = results_from(home, site, "a")
    return world, path, path.read_bytes()


def test_every_single_bit_flip_is_rejected(database: Database, one_file: tuple[World, Path, bytes]) -> None:
    _world, path, data = one_file
    before = snapshot(database)
    flipped = []
    for position in range(len(data)):
        for bit in range(8):
            changed = bytearray(data)
            changed[position] ^= 1 << bit
            flipped.append((f"{position}.{bit}", bytes(changed)))
    assert len(flipped) == 8 * len(data) > 8_000
    for register in (False, True):
        report = event_exchange.import_payloads(database, flipped, register_laptops=register)
        accepted = [f.file for f in report.files if f.status != REJECTED]
        assert accepted == [], accepted[:5]
        assert all(reason_of(f) for f in report.files)
        assert snapshot(database) == before
    assert import_files(database, path).files[0].status == ACCEPTED  # the genuine file still goes in


def test_truncated_and_extended_files_are_rejected_with_the_reason(database: Database,
                                                                   one_file: tuple[World, Path, bytes]) -> None:
    _world, path, data = one_file
    before = snapshot(database)
    cuts = sorted({len(data) * k // 50 for k in range(50)} | {len(data) - 1})
    report = event_exchange.import_payloads(database, [(f"cut {n}", data[:n]) for n in cuts])
    assert [f.status for f in report.files] == [REJECTED] * len(cuts)
    assert reason_of(report.files[0]) == event_exchange.EMPTY
    assert {reason_of(f) for f in report.files[1:]} == {event_exchange.TRUNCATED}
    extended = [data + b"\n", data + b"x", data + b"\x00" * 3, data + data, data + data.split(b"\n")[-2] + b"\n"]
    report = event_exchange.import_payloads(database, [(str(i), d) for i, d in enumerate(extended)])
    assert [f.status for f in report.files] == [REJECTED] * len(extended)
    assert all("unexpected bytes after its signature" in reason_of(f) for f in report.files)
    assert snapshot(database) == before
    assert import_files(database, path).files[0].status == ACCEPTED


def test_a_replayed_older_file_is_rejected_and_the_same_file_twice_changes_nothing(
        database: Database, site: Site) -> None:
    world = build_office(database)
    home = new_laptop(site, "笔记本A")
    package = package_for(database, world, site, home)
    score_on(home, package, world, limit=2)
    first = results_from(home, site, "first")
    score_on(home, package, world, limit=3)
    second = results_from(home, site, "second")
    report = import_files(database, second)
    assert (report.files[0].status, report.files[0].sequence, report.files[0].added) == (ACCEPTED, 2, 5)
    before = snapshot(database)
    report = import_files(database, first)
    assert report.files[0].status == REJECTED
    assert "older file" in reason_of(report.files[0]) and "number 1" in reason_of(report.files[0])
    again = import_files(database, second)
    assert again.files[0].status == DUPLICATE and "imported already" in reason_of(again.files[0])
    assert snapshot(database) == before


def test_a_file_claiming_another_laptop_is_rejected(database: Database, site: Site) -> None:
    world = build_office(database)
    a, b = new_laptop(site, "笔记本A"), new_laptop(site, "笔记本B")
    package_for(database, world, site, b, file="for-b")
    package = package_for(database, world, site, a)
    score_on(a, package, world, limit=2)
    data = results_from(a, site, "a").read_bytes()
    key_a, identity_b = laptop_keys.private_key(a), laptop_keys.laptop_identity(b)

    def call_it_b(payload: dict[str, Any]) -> None:
        payload["laptop"]["name"] = "笔记本B"

    def call_it_b_with_b_key(payload: dict[str, Any]) -> None:
        payload["laptop"] = {"name": "笔记本B", "public_key": identity_b.public_hex}

    def a_new_name(payload: dict[str, Any]) -> None:
        payload["laptop"]["name"] = "笔记本C"

    forged = [
        ("renamed", reseal(data, call_it_b)),
        ("renamed and re-signed", reseal(data, call_it_b, key_a)),
        ("B's key, A's signature", reseal(data, call_it_b_with_b_key, key_a)),
        ("A's key under a new name", reseal(data, a_new_name, key_a)),
    ]
    before = snapshot(database)
    for register in (False, True):
        report = event_exchange.import_payloads(database, forged, register_laptops=register)
        assert [f.status for f in report.files] == [REJECTED] * len(forged)
        assert "registered key" in reason_of(report.files[0])
        assert "signature does not match" in reason_of(report.files[2])
        assert "registered for the laptop “笔记本A”" in reason_of(report.files[3])
    assert snapshot(database) == before
    renamed_file = site.usb / "笔记本B.pspresults"  # a file name says nothing: the content names the laptop
    renamed_file.write_bytes(data)
    report = import_files(database, renamed_file)
    assert (report.files[0].status, report.files[0].laptop) == (ACCEPTED, "笔记本A")


def test_an_artifact_of_another_type_is_rejected(database: Database, site: Site, tmp_path: Path) -> None:
    world = build_office(database)
    home = new_laptop(site, "笔记本A")
    package = package_for(database, world, site, home)
    score_on(home, package, world, limit=1)
    results = results_from(home, site, "a")
    stranger = site.usb / "名单.json"
    stranger.write_text('{"artifact": "event-results"}', encoding="utf-8")
    before = snapshot(database)
    report = import_files(database, package, stranger, site.usb / "missing.pspresults", register=True)
    assert [f.status for f in report.files] == [REJECTED] * 3
    assert "event package" in reason_of(report.files[0])
    assert reason_of(report.files[1]) == event_exchange.NOT_OURS
    assert "Cannot read" in reason_of(report.files[2])
    assert snapshot(database) == before
    with pytest.raises(ValidationError, match="results file from a judge laptop"):
        event_exchange.open_package(results, home=tmp_path / "another-laptop")


def test_a_file_from_another_competition_is_rejected(database: Database, site: Site, tmp_path: Path) -> None:
    from psp_desktop.db import open_database

    world = build_office(database)
    home = new_laptop(site, "笔记本A")
    package_for(database, world, site, home)  # registers the laptop at this office
    other = open_database(tmp_path / "other-office.db")
    try:
        other_world = build_office(other, competition="2026年临江区公益创投大赛")
        foreign = package_for(other, other_world, site, home, file="other")
        score_on(home, foreign, other_world, limit=2)
        results = results_from(home, site, "other")
    finally:
        other.close()
    before = snapshot(database)
    report = import_files(database, results, register=True)
    assert report.files[0].status == REJECTED
    reason = reason_of(report.files[0])
    assert "2026年临江区公益创投大赛" in reason and "another competition" in reason
    assert snapshot(database) == before


def test_a_frozen_round_takes_no_results(database: Database, site: Site) -> None:
    world = build_office(database)
    home = new_laptop(site, "笔记本A")
    score_on(home, package_for(database, world, site, home), world, limit=1)
    results = results_from(home, site, "a")
    with database.write() as s:
        round_ = s.get(Round, world.round_id)
        assert round_ is not None
        round_.frozen = True
    report = import_files(database, results)
    assert report.files[0].status == REJECTED and "frozen" in reason_of(report.files[0])
    with pytest.raises(ValidationError, match="frozen"):
        package_for(database, world, site, home, file="again")


def test_a_usb_stick_pulled_out_mid_export_leaves_nothing_half_written(database: Database, site: Site,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    world = build_office(database)
    home = new_laptop(site, "笔记本A")
    package = package_for(database, world, site, home)
    score_on(home, package, world, limit=2)
    target = site.usb / "a.pspresults"
    target.write_bytes(b"an older copy")
    real_fsync = os.fsync

    def pulled_out(fd: int) -> None:
        if Path(os.path.realpath(f"/proc/self/fd/{fd}")).parent == site.usb:
            raise OSError(5, "Input/output error")
        real_fsync(fd)

    if not Path("/proc/self/fd").exists():
        pytest.skip("needs /proc to tell which file is being synced")
    monkeypatch.setattr(os, "fsync", pulled_out)
    with pytest.raises(ValidationError, match="Input/output error"):
        event_exchange.export_results(target, home=home)
    before = snapshot(database)
    with pytest.raises(ValidationError, match="Input/output error"):
        package_for(database, world, site, home, file="new-event")
    assert snapshot(database) == before  # the export's log entry went with the failed write
    assert target.read_bytes() == b"an older copy"
    assert sorted(p.name for p in site.usb.iterdir()) == ["a.pspresults", "event.pspevent"]
    monkeypatch.setattr(os, "fsync", real_fsync)
    summary = event_exchange.export_results(target, home=home)
    assert summary.sequence == 2  # number 1 went with the failed export and is never given again
    assert import_files(database, target).files[0].added == 2


# --- registration, conflicts and merging ---------------------------------------------------------------------------


def test_an_unknown_laptop_is_rejected_unless_registered_on_import(database: Database, site: Site) -> None:
    world = build_office(database)
    home = new_laptop(site, "笔记本A")
    package = package_for(database, world, site, None)  # a package for any laptop
    score_on(home, package, world, limit=2)
    results = results_from(home, site, "a")
    report = import_files(database, results)
    assert report.files[0].status == REJECTED and "Unknown laptop “笔记本A”" in reason_of(report.files[0])
    report = import_files(database, results, register=True)
    assert (report.files[0].status, report.files[0].added) == (ACCEPTED, 2)
    with database.read() as s:
        laptop = s.scalars(select(Laptop)).one()
        assert laptop.public_key == laptop_keys.laptop_identity(home).public_key
        assert s.scalar(select(func.count()).where(AuditEntry.action == "laptop.register")) == 1


def test_a_package_is_refused_on_another_laptop_or_from_another_office(database: Database, site: Site) -> None:
    world = build_office(database)
    a, b = new_laptop(site, "笔记本A"), new_laptop(site, "笔记本B")
    package = package_for(database, world, site, a)
    with pytest.raises(ValidationError, match="made for the laptop “笔记本A”; this laptop is “笔记本B”"):
        event_exchange.open_package(package, home=b)
    event_exchange.open_package(package, home=a).db.close()
    other_office = event_exchange.export_package(database, world.round_id, site.usb / "other.pspevent",
                                                 home=site.usb.parent / "second-office-pc")
    with pytest.raises(ValidationError, match="another office PC"):
        event_exchange.open_package(other_office.path, home=a)
    event_exchange.open_package(other_office.path, home=a, trust_new_office=True).db.close()


def test_the_same_sheet_with_different_scores_is_a_conflict_and_the_first_is_kept(database: Database,
                                                                                 site: Site) -> None:
    world = build_office(database)
    a, b, c = new_laptop(site, "笔记本A"), new_laptop(site, "笔记本B"), new_laptop(site, "笔记本C")
    judge_id, proposal_id = world.judges[1], world.proposals[0]
    pair = {(judge_id, proposal_id)}
    score_on(a, package_for(database, world, site, a, file="a"), world, only=pair)
    score_on(b, package_for(database, world, site, b, file="b"), world, only=pair, salt=1)
    score_on(c, package_for(database, world, site, c, file="c"), world, only=pair, salt=2)
    from_a, from_b = results_from(a, site, "a"), results_from(b, site, "b")
    for order in ((from_b, from_a), (from_a, from_b)):  # one batch: the same outcome in either order
        with database.write() as s:
            s.execute(delete(ScoreSheet).where(ScoreSheet.source == "laptop"))
            s.execute(delete(ImportedArtifact))
        report = import_files(database, *order)
        by_laptop = {f.laptop: f for f in report.files}
        assert by_laptop["笔记本A"].added == 1 and by_laptop["笔记本B"].added == 0
        (conflict,) = report.conflicts
        assert conflict.judge == "评委01" and conflict.proposal == "2026-WJ-001"
        text = conflict.reason.render()
        assert "the office counts" in text and "The counted sheet was kept" in text
        assert office_table(database, world.round_id) == {(judge_id, proposal_id): points_for(world, judge_id,
                                                                                            proposal_id)}
    # a file that came later in its own batch changes nothing either
    report = import_files(database, results_from(c, site, "c"))
    assert (report.files[0].status, report.files[0].added, len(report.conflicts)) == (ACCEPTED, 0, 1)
    assert office_table(database, world.round_id)[judge_id, proposal_id] == points_for(world, judge_id, proposal_id)


def test_a_sheet_reopened_at_the_office_is_not_written_over(database: Database, site: Site) -> None:
    world = build_office(database)
    home = new_laptop(site, "笔记本A")
    judge_id, proposal_id = world.judges[1], world.proposals[0]
    with database.read() as s:
        assignment_id = s.scalar(select(Assignment.id).where(Assignment.judge_id == judge_id,
                                                             Assignment.proposal_id == proposal_id))
    package = package_for(database, world, site, home)
    score_on(home, package, world, only={(judge_id, proposal_id)})
    judging.record_sheet(database, assignment_id, points_for(world, judge_id, proposal_id, 3), source="paper",
                         by="刘晓燕")
    judging.reopen_sheet(database, assignment_id, "录入有误")
    report = import_files(database, results_from(home, site, "a"))
    (conflict,) = report.conflicts
    assert "reopened at the office" in conflict.reason.render()
    with database.read() as s:
        assert s.scalar(select(ScoreSheet.status).where(ScoreSheet.assignment_id == assignment_id)) == \
            SheetStatus.REOPENED


def test_a_sheet_withdrawn_at_the_office_is_skipped_and_the_rest_counts(database: Database, site: Site) -> None:
    world = build_office(database)
    home = new_laptop(site, "笔记本A")
    package = package_for(database, world, site, home)
    judge_id = world.judges[2]
    assert score_on(home, package, world, judges={judge_id}) == 3
    with database.read() as s:
        first = s.scalars(select(Assignment).where(Assignment.judge_id == judge_id)
                          .order_by(Assignment.proposal_id)).first()
        assert first is not None
        withdrawn = first.id
    judging.unassign(database, withdrawn)
    report = import_files(database, results_from(home, site, "a"))
    (file,) = report.files
    assert (file.status, file.added, len(file.skipped), len(file.conflicts)) == (ACCEPTED, 2, 1, 0)
    assert "no longer assigned" in file.skipped[0].reason.render()


def test_merging_ten_laptops_in_any_order_gives_the_same_scores(database: Database, site: Site) -> None:
    world = build_office(database, judges=12, proposals=10, per_proposal=4)
    homes = [new_laptop(site, f"笔记本{i:02d}") for i in range(10)]
    packages = [package_for(database, world, site, home, file=f"event-{i}") for i, home in enumerate(homes)]
    files = []
    for i, (home, package) in enumerate(zip(homes, packages, strict=True)):
        mine = {world.judges[i]} | ({world.judges[i + 10]} if i + 10 < len(world.judges) else set())
        if i == 5:  # this laptop sends a first file early, then everything
            score_on(home, package, world, judges=mine, limit=1)
            files.append(results_from(home, site, f"results-{i}-early"))
        score_on(home, package, world, judges=mine)
        files.append(results_from(home, site, f"results-{i}"))
    # a judge who also scored one sheet on a second laptop, with the same marks
    twice = next((j, p) for j, p in office_pairs(database, world) if j == world.judges[2])
    score_on(homes[3], packages[3], world, only={twice})
    files.append(results_from(homes[3], site, "results-3-again"))

    rng = random.Random(20261127)
    orders = [tuple(files), tuple(reversed(files))] + [tuple(rng.sample(files, len(files))) for _ in range(4)]
    tables = []
    for order in orders:
        with database.write() as s:
            s.execute(delete(ScoreSheet).where(ScoreSheet.source == "laptop"))
            s.execute(delete(ImportedArtifact))
        cut = sorted(rng.sample(range(1, len(order)), 2))  # three batches of different sizes
        reports = [import_files(database, *part) for part in (order[:cut[0]], order[cut[0]:cut[1]], order[cut[1]:])]
        assert not any(r.conflicts for r in reports)
        tables.append(office_table(database, world.round_id))
    assert all(table == tables[0] for table in tables)
    expected = {pair: points_for(world, *pair) for pair in office_pairs(database, world) if pair != world.conflicted}
    assert tables[0] == expected


def office_pairs(db: Database, world: World) -> list[tuple[int, int]]:
    with db.read() as s:
        return [tuple(r) for r in s.execute(select(Assignment.judge_id, Assignment.proposal_id)
                                            .where(Assignment.round_id == world.round_id)
                                            .order_by(Assignment.judge_id, Assignment.proposal_id))]


# --- permissions and keys ------------------------------------------------------------------------------------------


def test_only_people_allowed_to_exchange_with_laptops_may(database: Database, site: Site) -> None:
    world = build_office(database)
    home = new_laptop(site, "笔记本A")
    package = package_for(database, world, site, home)
    score_on(home, package, world, limit=1)
    results = results_from(home, site, "a")
    before = snapshot(database)
    for actor in (None, Actor("cw", frozenset({Role.VIEWER})), Actor("kj", frozenset({Role.FINANCE}))):
        database.actor = actor
        with pytest.raises(NotAllowed):
            event_exchange.import_results(database, [results])
        with pytest.raises(NotAllowed):
            event_exchange.export_package(database, world.round_id, site.usb / "x.pspevent", home=site.office)
    assert snapshot(database) == before
    assert not (site.usb / "x.pspevent").exists()
    database.actor = Actor("ly", frozenset({Role.STAFF}))
    assert import_files(database, results).files[0].status == ACCEPTED


def test_the_laptop_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    home = tmp_path / "pc"
    first = laptop_keys.laptop_identity(home)
    assert laptop_keys.laptop_identity(home) == first and len(first.public_key) == 32
    if os.name == "posix":
        assert (home / laptop_keys.KEY_FILE).stat().st_mode & 0o777 == 0o600
    printed = f"laptop: {first.name}\npublic key: {first.public_hex}\n"
    assert laptop_keys.parse_public_key(printed) == first.public_key
    from cryptography.hazmat.primitives import serialization

    pem = laptop_keys.private_key(home).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    assert laptop_keys.parse_public_key(pem) == first.public_key
    with pytest.raises(ValidationError):
        laptop_keys.parse_public_key("no key here")
    assert laptop_keys.set_laptop_name("评审室1号", home).name == "评审室1号"
    assert [laptop_keys.next_sequence(home) for _ in range(3)] == [1, 2, 3]


def test_register_laptop_refuses_a_name_or_key_taken(database: Database, tmp_path: Path) -> None:
    a, b = laptop_keys.laptop_identity(tmp_path / "a"), laptop_keys.laptop_identity(tmp_path / "b")
    first = event_exchange.register_laptop(database, "笔记本A", a.public_key)
    assert event_exchange.register_laptop(database, "笔记本A", a.public_key) == first
    with pytest.raises(ValidationError, match="another key"):
        event_exchange.register_laptop(database, "笔记本A", b.public_key)
    with pytest.raises(ValidationError, match="registered already for the laptop “笔记本A”"):
        event_exchange.register_laptop(database, "笔记本B", a.public_key)
    assert [laptop.name for laptop in event_exchange.laptops(database)] == ["笔记本A"]



# --- the command line ----------------------------------------------------------------------------------------------


def test_the_psp_event_commands_end_to_end(database: Database, site: Site, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from psp_desktop import cli

    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))  # no QCoreApplication here
    world = build_office(database)
    laptop = site.usb.parent / "laptop"
    assert cli.main(["event", "key", "--name", "笔记本A", "--home", str(laptop)]) == 0
    printed = capsys.readouterr().out
    assert "laptop: 笔记本A" in printed
    key_file = site.usb / "key.txt"
    key_file.write_text(printed, encoding="utf-8")
    package = site.usb / "event.pspevent"
    assert cli.main(["--db", database.url, "event", "export", "--round", str(world.round_id), "--out", str(package),
                     "--laptop", "笔记本A", "--laptop-key", str(key_file), "--home", str(site.office)]) == 0
    assert "laptop registered: 笔记本A" in capsys.readouterr().out
    assert cli.main(["event", "open", str(package), "--home", str(laptop)]) == 0
    assert "assignments: 23" in capsys.readouterr().out
    score_on(laptop, package, world, limit=4)
    results = site.usb / "a.pspresults"
    assert cli.main(["event", "results", "--out", str(results), "--home", str(laptop)]) == 0
    assert "sheets: 4" in capsys.readouterr().out
    assert cli.main(["--db", database.url, "event", "import", str(results), str(package)]) == 2
    out = capsys.readouterr().out
    assert "a.pspresults: accepted" in out and "sheets added: 4" in out
    assert "event.pspevent: rejected" in out and "not a results file" in out
    assert cli.main(["--db", database.url, "event", "import", str(results)]) == 0
    assert "a.pspresults: duplicate" in capsys.readouterr().out
    assert len(office_table(database, world.round_id)) == 4
    assert cli.main(["--db", database.url, "event", "export", "--round", str(world.round_id), "--out",
                     str(site.usb / "x.pspevent"), "--laptop", "笔记本B"]) == 2
    assert "name and its public key" in capsys.readouterr().err
