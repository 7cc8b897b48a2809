"""`psp tenders …` run in-process: a tender added, bids recorded, the evaluation printed, the winner awarded, the
result notice published (a short one refused), an objection and its resolution, the agreement waiting for both,
the two PDFs, and refusals with exit status 2 and nothing written."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from test_bidding import panel

from psp_desktop import cli
from psp_desktop.db import Database, open_database
from psp_desktop.enums import CompetitionMode, CompetitionStatus, OrgType, ProposalStatus, ServiceDomain
from psp_desktop.models import AuditEntry, Award, Competition, Organization, Proposal, TenderProject
from psp_desktop.services import demo_users, tranches

NAME = "2026年望江街道公益招投标"
BIDDERS = (("阳光为老服务中心", "ZB-001"), ("望江社工服务中心", "ZB-002"), ("滨河志愿者协会", "ZB-003"))


@pytest.fixture(autouse=True)
def _english_messages_without_qt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "tenders.db"
    db = open_database(path)
    try:
        with db.write() as s:
            demo_users.add_accounts(s)
            s.add(Competition(name=NAME, year=2026, mode=CompetitionMode.BIDDING, status=CompetitionStatus.REVIEW,
                              organizer="望江街道办事处"))
            s.add(Competition(name="2026年公益创投大赛", year=2026))
            for n, (org, number) in enumerate(BIDDERS, 1):
                organization = Organization(name=org, org_type=OrgType.SERVICE_AGENCY, bank_name="工商银行",
                                            bank_account=f"62220000{n:04d}")
                s.add(Proposal(competition_id=1, organization=organization, title=f"助餐服务方案{n}",
                               domain=ServiceDomain.ELDERLY, intake_number=number, status=ProposalStatus.SUBMITTED,
                               start_month=dt.date(2026, 3, 1), end_month=dt.date(2027, 2, 1)))
    finally:
        db.close()
    return path


def run(db_path: Path, *argv: str | int) -> int:
    return cli.main(["--db", str(db_path), *(str(a) for a in argv)])


def read(db_path: Path, query):  # type: ignore[no-untyped-def]
    db = open_database(db_path, create=False)
    try:
        with db.read() as s:
            return s.execute(query).all()
    finally:
        db.close()


def changes(db_path: Path) -> int:
    return read(db_path, select(func.count(AuditEntry.id)).where(AuditEntry.action.not_like("user.%")))[0][0]


def screen_and_score(db_path: Path) -> None:
    """Screening as it would end (all eligible by status), then a frozen panel round: 85.55, 90, 95."""
    db = open_database(db_path, create=False)
    try:
        with db.write() as s:
            for p in s.scalars(select(Proposal)):
                p.status = ProposalStatus.ELIGIBLE
        panel(db, 1, 1, {1: 8555, 2: 9000, 3: 9500})
    finally:
        db.close()


def test_a_tender_from_publication_to_its_notice(db_path: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db_path, "tenders", "add", "招投标", "--code", "ZB2026-01", "--name", "滨河社区长者助餐服务",
               "--ceiling", "30万", "--price-points", "30", "--domain", "elderly", "--from", "2026-03-01",
               "--until", "2027-02-28", "--qualifications", "登记满一年") == 0
    assert "Tender ZB2026-01 added (number 1)." in capsys.readouterr().out
    for proposal, price in ((1, "24万"), (2, "250000"), (3, "32万")):
        assert run(db_path, "tenders", "bid", "zb2026-01", proposal, "--price", price) == 0
    assert "Proposal 3 bids 320,000.00 yuan for tender zb2026-01." in capsys.readouterr().out
    screen_and_score(db_path)

    assert run(db_path, "tenders", "evaluate", "ZB2026-01") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "Tender ZB2026-01 滨河社区长者助餐服务: ceiling 300,000.00 yuan, 30 price points." in out
    assert lines[2].split() == ["1", "2", "ZB-002", "望江社工服务中心", "250,000.00", "valid", "90.00", "63.00",
                                "28.80", "91.80"]
    assert lines[3].split()[:5] == ["2", "1", "ZB-001", "阳光为老服务中心", "240,000.00"]
    assert "Bid price over the ceiling: invalid bid" in lines[4]

    assert run(db_path, "tenders", "award", "ZB2026-01", "--proposal", 1) == 2  # second-ranked, no reason
    assert "not the first-ranked bid" in capsys.readouterr().err
    assert run(db_path, "tenders", "award", "ZB2026-01", "--proposal", 2) == 0
    assert "Winner: 望江社工服务中心 (ZB-002), 250,000.00 yuan." in capsys.readouterr().out

    before = changes(db_path)
    assert run(db_path, "tenders", "notice", "ZB2026-01", "--from", "2026-03-02", "--until", "2026-03-05") == 2
    assert "at least 5 calendar days" in capsys.readouterr().err
    assert changes(db_path) == before
    assert run(db_path, "tenders", "notice", "ZB2026-01", "--from", "2026-03-02", "--until", "2026-03-08") == 0
    assert "published: 2026-03-02 to 2026-03-08" in capsys.readouterr().out
    assert run(db_path, "tenders", "object", "ZB2026-01", "--text", "报价计算有误", "--on", "2026-03-09") == 2
    assert "outside the notice period" in capsys.readouterr().err
    assert run(db_path, "tenders", "object", "ZB2026-01", "--text", "报价计算有误", "--on", "2026-03-04") == 0
    assert run(db_path, "tenders", "list", "招投标") == 0
    out = capsys.readouterr().out
    assert "ZB2026-01" in out and "awarded" in out and "2026-03-02 – 2026-03-08 *" in out

    db = open_database(db_path, create=False)
    try:
        award = read(db_path, select(Award.id))[0][0]
        with pytest.raises(Exception, match="has not been resolved"):
            tranches.sign(db, award, dt.date(2026, 3, 10), today=dt.date(2026, 3, 10))
    finally:
        db.close()
    assert run(db_path, "tenders", "resolve", "ZB2026-01", "--text", "复核无误，维持中标结果") == 0
    assert read(db_path, select(TenderProject.objection_resolution))[0][0] == "复核无误，维持中标结果"

    report, notice = tmp_path / "评标报告.pdf", tmp_path / "公示.pdf"
    assert run(db_path, "tenders", "report", "ZB2026-01", "--out", report, "--date", "2026-03-01") == 0
    assert run(db_path, "tenders", "report", "ZB2026-01", "--out", notice, "--notice") == 0
    assert report.read_bytes().startswith(b"%PDF") and notice.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", "-layout", str(notice), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "公示期：2026年3月2日至2026年3月8日" in "".join(text.split())


def test_single_bid_no_winner_and_refusals(db_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(db_path, "tenders", "add", "1", "--code", "ZB2026-02", "--name", "助残服务", "--ceiling", "10万",
               "--price-points", "abc") == 2
    assert "abc is not a number of price points" in capsys.readouterr().err
    assert run(db_path, "tenders", "add", "公益创投", "--code", "ZB2026-02", "--name", "助残服务", "--ceiling",
               "10万", "--price-points", "30") == 2  # a venture competition takes no tenders
    assert "not a bidding competition" in capsys.readouterr().err
    assert run(db_path, "tenders", "add", "1", "--code", "ZB2026-02", "--name", "助残服务", "--ceiling", "10万",
               "--price-points", "30") == 0
    assert run(db_path, "tenders", "bid", "ZB2026-02", 1, "--price", "9万") == 0
    assert run(db_path, "tenders", "evaluate", "ZB9999") == 2
    assert "no tender project with code ZB9999" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # --accept or --reject, one of them
        run(db_path, "tenders", "single", "ZB2026-02", "--reason", "可行")
    capsys.readouterr()
    db = open_database(db_path, create=False)
    try:
        with db.write() as s:
            s.get(Proposal, 1).status = ProposalStatus.ELIGIBLE  # type: ignore[union-attr]
    finally:
        db.close()
    assert run(db_path, "tenders", "evaluate", "ZB2026-02") == 0
    assert "One valid bid" in capsys.readouterr().out
    assert run(db_path, "tenders", "notice", "ZB2026-02", "--from", "2026-03-02", "--until", "2026-03-08") == 2
    assert "has no result yet" in capsys.readouterr().err
    assert run(db_path, "tenders", "single", "ZB2026-02", "--reject", "--reason", "可行性不足") == 0
    assert "No winner: 可行性不足" in capsys.readouterr().out
    monkeypatch.setattr(Database, "actor", None)  # as in a real run: nobody is signed in until --user
    monkeypatch.setenv("PSP_PASSWORD", demo_users.DEMO_PASSWORD)
    before = changes(db_path)
    assert run(db_path, "--user", "viewer", "tenders", "notice", "ZB2026-02", "--from", "2026-03-02",
               "--until", "2026-03-08") == 2
    assert "may not do this" in capsys.readouterr().err
    assert changes(db_path) == before
    assert run(db_path, "--user", "wangkuaiji", "tenders", "notice", "ZB2026-02", "--from", "2026-03-02",
               "--until", "2026-03-08") == 0
