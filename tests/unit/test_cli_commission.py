"""`psp commission …` run in-process: a project commissioned by organization number and by credit code with its
intake number, award and checks printed; the programme's list; refusals (no justification, a sanctioned
organization, an unknown credit code, a bad month, a viewer) with exit status 2 and nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from psp_desktop import cli
from psp_desktop.db import Database, open_database
from psp_desktop.enums import AwardStatus, CompetitionMode, CompetitionStatus, OrgType, Rating
from psp_desktop.models import Award, Competition, Organization, Proposal
from psp_desktop.services import demo_users

NAME = "2026年望江街道服务委托"
USCC = "51330100MJ0000001X"


@pytest.fixture(autouse=True)
def _english_messages_without_qt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "commission.db"
    db = open_database(path)
    try:
        with db.write() as s:
            demo_users.add_accounts(s)
            s.add(Competition(name=NAME, year=2026, mode=CompetitionMode.COMMISSION, pool_fen=50_000_000,
                              status=CompetitionStatus.IMPLEMENTING, rules={"min_registration_years": 3}))
            s.add(Organization(name="望江阳光社会工作服务中心", org_type=OrgType.SERVICE_AGENCY, uscc=USCC,
                               registered_on=dt.date(2024, 9, 1), rating=Rating.A4))
            s.add(Organization(name="临江某某服务社", org_type=OrgType.SERVICE_AGENCY,
                               violation_list_until=dt.date(2027, 1, 1)))
    finally:
        db.close()
    return path


def run(db_path: Path, *argv: str | int) -> int:
    return cli.main(["--db", str(db_path), *(str(a) for a in argv)])


def counts(db_path: Path) -> tuple[int, int]:
    db = open_database(db_path, create=False)
    try:
        with db.read() as s:
            return (s.scalar(select(func.count()).select_from(Proposal)) or 0,
                    s.scalar(select(func.count()).select_from(Award)) or 0)
    finally:
        db.close()


def add(db_path: Path, organization: str, *extra: str) -> int:
    return run(db_path, "commission", "add", "服务委托", "--organization", organization, "--title", "独居老人助餐服务",
               "--domain", "为老服务", "--amount", "12万", "--justification", "该机构承接本街道助餐点三年。",
               "--approver", "王主任", "--on", "2026-05-10", "--beneficiaries", "240", *extra)


def test_a_commission_is_added_and_listed(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert add(db_path, USCC, "--from", "2026-06") == 0
    out = capsys.readouterr().out
    assert "Commissioned: intake number 2026-001, award 1, 120,000.00 yuan." in out
    assert "Eligibility checks on 2026-05-10:" in out
    assert "✘ Years since registration: failed (left to the justification) — Registered on 2024-09-01" in out
    assert "✔ Abnormal-activity and violation lists: passed" in out
    db = open_database(db_path, create=False)
    try:
        with db.read() as s:
            proposal = s.scalars(select(Proposal)).one()
            assert (proposal.start_month, proposal.end_month) == (dt.date(2026, 6, 1), dt.date(2027, 5, 1))
            assert proposal.direct_beneficiaries == 240
            assert s.scalars(select(Award.status)).one() is AwardStatus.COMMITTED
    finally:
        db.close()
    assert run(db_path, "commission", "list", "1") == 0
    listed = capsys.readouterr().out
    assert "2026-001" in listed and "望江阳光社会工作服务中心" in listed and "120,000.00" in listed
    assert "王主任" in listed and "2026-05-10" in listed and "funded" in listed
    assert "1 projects, 120,000.00 yuan in all." in listed


def test_an_empty_programme_lists_nothing(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db_path, "commission", "list", NAME) == 0
    assert "No project has been commissioned" in capsys.readouterr().out


@pytest.mark.parametrize(("organization", "extra", "message"), [
    ("1", ("--justification", " "), "needs its justification"),
    ("2", (), "临江某某服务社 cannot be commissioned: On the serious-violation list until 2027-01-01"),
    ("51330100MJ0000009X", (), "no organization with the credit code 51330100MJ0000009X"),
    ("望江", (), "neither an organization's number nor"),
    ("1", ("--from", "2026-13"), "2026-13 is not a month"),
    ("1", ("--amount", "many"), "many"),
])
def test_refusals_write_nothing(db_path: Path, capsys: pytest.CaptureFixture[str], organization: str,
                                extra: tuple[str, ...], message: str) -> None:
    assert add(db_path, organization, *extra) == 2
    assert message in capsys.readouterr().err
    assert counts(db_path) == (0, 0)


def test_a_viewer_may_list_but_not_add(db_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Database, "actor", None)
    monkeypatch.setenv("PSP_PASSWORD", demo_users.DEMO_PASSWORD)
    assert run(db_path, "--user", "viewer", "commission", "list", NAME) == 0
    assert run(db_path, "--user", "viewer", "commission", "add", NAME, "--organization", "1", "--title", "x",
               "--domain", "elderly", "--amount", "1000", "--justification", "x", "--approver", "x") == 2
    assert counts(db_path) == (0, 0)
