"""`psp funding …` run in-process over a small competition with frozen results: allocation proposed and written,
the agreement signed, schedules (a bad one refused with nothing written), gates, approval and payment (twice
refused), permissions through the demo accounts, the finance report and its payment list workbook, the PDFs."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from psp_desktop import cli
from psp_desktop.db import Database, open_database
from psp_desktop.enums import (
    AwardStatus,
    CompetitionStatus,
    GateKind,
    OrgType,
    ProposalStatus,
    RoundKind,
    ServiceDomain,
    TrancheStatus,
)
from psp_desktop.models import (
    Assignment,
    AuditEntry,
    Award,
    Clawback,
    Community,
    Competition,
    Criterion,
    Judge,
    MatchingFundReceipt,
    Organization,
    Payment,
    Proposal,
    Round,
    Tranche,
)
from psp_desktop.money import parse_yuan
from psp_desktop.services import demo_users, judging, rankings

NAME = "2026年望江街道社区公益创投大赛"
TODAY = dt.date.today()
SIGNED = (TODAY - dt.timedelta(days=20)).isoformat()
PAID = (TODAY - dt.timedelta(days=2)).isoformat()
# organization, title, requested, total budget, score: ranked in this order
APPLICANTS = (
    ("阳光为老服务中心", "银龄互助食堂", "3万", "5万", 92),
    ("彩虹儿童成长中心", "四点半课堂", "5万", "8万", 88),   # above the 4万 cap
    ("绿叶环保志愿者协会", "垃圾分类小管家", "3.5万", "6万", 80),  # the pool runs out: reserve
    ("邻里互助社", "楼道议事会", "2万", "3万", 70),
)


@pytest.fixture(autouse=True)
def _english_messages_without_qt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI must not create a QCoreApplication in this process (see test_cli.py)."""
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))


# --- a competition with one frozen round --------------------------------------------------------------------------


def _build(db: Database) -> None:
    """Pool 10万, cap 4万; one written round scored by one judge and frozen; the demo's accounts to sign in with."""
    with db.write() as s:
        demo_users.add_accounts(s)
        competition = Competition(name=NAME, year=2026, status=CompetitionStatus.REVIEW, organizer="望江街道办事处",
                                  pool_fen=parse_yuan("10万"), project_cap_fen=parse_yuan("4万"))
        round_ = Round(competition=competition, seq=1, name="书面评审", kind=RoundKind.WRITTEN, judges_per_proposal=1,
                       criteria=[Criterion(seq=1, name="综合", max_points_x100=10000)])
        judge = Judge(name="周永红")
        community = Community(district="临江区", street="望江街道", name="江滨社区")
        s.add_all([competition, round_, judge, community])
        s.flush()
        for n, (org, title, requested, total, _score) in enumerate(APPLICANTS, 1):
            organization = Organization(name=org, org_type=OrgType.SERVICE_AGENCY, bank_name="临江农商银行望江支行",
                                        bank_account=f"62210000{n:08d}")
            proposal = Proposal(
                competition=competition, organization=organization, intake_number=f"2026-WJ-{n:03d}", title=title,
                domain=ServiceDomain.ELDERLY if n % 2 else ServiceDomain.CHILDREN, community_id=community.id,
                requested_fen=parse_yuan(requested), total_budget_fen=parse_yuan(total),
                matching_fen=parse_yuan(total) - parse_yuan(requested), status=ProposalStatus.IN_REVIEW,
                start_month=dt.date(2026, 3, 1), end_month=dt.date(2026, 12, 1))
            s.add(proposal)
            s.flush()
            s.add(Assignment(round_id=round_.id, judge_id=judge.id, proposal_id=proposal.id))
        s.flush()
        round_id, criterion = round_.id, round_.criteria[0].id
        assignments = s.scalars(select(Assignment.id).order_by(Assignment.id)).all()
    for assignment, applicant in zip(assignments, APPLICANTS, strict=True):
        judging.record_sheet(db, assignment, {criterion: applicant[4] * 100}, source="paper", by="录入员")
    rankings.freeze_round(db, round_id)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("funding") / "funding.db"
    db = open_database(path)
    try:
        _build(db)
    finally:
        db.close()
    return path


@pytest.fixture
def db_path(prepared: Path, tmp_path: Path) -> Path:
    """A copy for a test that writes."""
    target = tmp_path / "funding.db"
    shutil.copyfile(prepared, target)
    return target


def run(db_path: Path, *argv: str | int | Path) -> int:
    return cli.main(["--db", str(db_path), *(str(a) for a in argv)])


def read(db_path: Path, query):  # type: ignore[no-untyped-def]
    db = open_database(db_path, create=False)
    try:
        with db.read() as s:
            return s.execute(query).all()
    finally:
        db.close()


def changes(db_path: Path) -> int:
    """Change-log entries other than signing in."""
    return read(db_path, select(func.count(AuditEntry.id)).where(AuditEntry.action.not_like("user.%")))[0][0]


def awards(db_path: Path) -> dict[str, tuple[int, int, AwardStatus]]:
    """Intake number → (award no., amount, status)."""
    rows = read(db_path, select(Proposal.intake_number, Award.id, Award.amount_fen, Award.status)
                .join(Award, Award.proposal_id == Proposal.id))
    return {number: (award, amount, status) for number, award, amount, status in rows}


def tranches_of(db_path: Path, award_id: int) -> list[tuple[int, int, GateKind, TrancheStatus]]:
    """(tranche no., amount, condition, stored status) in order."""
    return [tuple(r) for r in read(db_path, select(Tranche.id, Tranche.amount_fen, Tranche.gate, Tranche.status)
                                   .where(Tranche.award_id == award_id).order_by(Tranche.seq))]


def committed(db_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[int, int, AwardStatus]]:
    assert run(db_path, "funding", "allocate", "望江", "--commit") == 0
    capsys.readouterr()
    return awards(db_path)


def signed(db_path: Path, capsys: pytest.CaptureFixture[str]) -> int:
    """The first award, written and signed; its no."""
    award = committed(db_path, capsys)["2026-WJ-001"][0]
    assert run(db_path, "funding", "sign", award, "--date", SIGNED) == 0
    capsys.readouterr()
    return award


# --- allocation ----------------------------------------------------------------------------------------------------


def test_allocate_without_commit_shows_the_proposal_and_writes_nothing(
        db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = changes(db_path)
    assert run(db_path, "funding", "allocate", "望江街道") == 0  # a fragment of the name
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["Rank", "Intake", "no.", "Organization", "Score", "Level", "Requested", "Award",
                              "Status", "Why"]
    assert out[1].split() == ["1", "2026-WJ-001", "阳光为老服务中心", "92.00", "30,000.00", "30,000.00", "funded"]
    assert out[2].split()[:7] == ["2", "2026-WJ-002", "彩虹儿童成长中心", "88.00", "50,000.00", "40,000.00", "funded"]
    assert out[2].endswith("limited by the cap per project")
    assert out[3].split()[:7] == ["3", "2026-WJ-003", "绿叶环保志愿者协会", "80.00", "35,000.00", "35,000.00",
                                  "reserve"]  # what it would get if funded later
    assert out[3].endswith("the pool has run out") and out[4].split()[6] == "reserve"
    assert "Pool: 100,000.00 yuan; committed: 70,000.00 yuan; remaining: 30,000.00 yuan" in out
    assert out[-1] == "Nothing was written: add --commit to write this allocation."
    assert awards(db_path) == {} and changes(db_path) == before


def test_allocate_a_percentage_above_a_threshold(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    competition = read(db_path, select(Competition.id))[0][0]
    assert run(db_path, "funding", "allocate", competition, "--method", "percent", "--percent", 80,
               "--threshold", "85") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split()[4:7] == ["30,000.00", "24,000.00", "funded"]
    assert out[2].split()[4:7] == ["50,000.00", "40,000.00", "funded"]
    assert out[3].split()[3:] == ["80.00", "35,000.00", "not", "funded", "score", "below", "the", "threshold"]
    assert "Pool: 100,000.00 yuan; committed: 64,000.00 yuan; remaining: 36,000.00 yuan" in out


def test_allocate_commit_writes_awards_reserve_and_schedules(db_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db_path, "funding", "allocate", NAME, "--commit") == 0
    out = capsys.readouterr().out.splitlines()
    written = awards(db_path)
    assert {n: (amount, status) for n, (_id, amount, status) in written.items()} == {
        "2026-WJ-001": (3000000, AwardStatus.COMMITTED), "2026-WJ-002": (4000000, AwardStatus.COMMITTED),
        "2026-WJ-003": (3500000, AwardStatus.RESERVE), "2026-WJ-004": (2000000, AwardStatus.RESERVE)}
    assert out[0].split()[:2] == ["Award", "no."]
    assert out[1].split()[:2] == [str(written["2026-WJ-001"][0]), "1"]  # each line with its award's number
    assert "Written: 2 awards, 2 on the reserve list." in out
    assert "Pool: 100,000.00 yuan; committed: 70,000.00 yuan; remaining: 30,000.00 yuan" in out
    first = tranches_of(db_path, written["2026-WJ-001"][0])
    assert [(amount, gate) for _id, amount, gate, _status in first] == [
        (1500000, GateKind.AGREEMENT_SIGNED), (1500000, GateKind.FINAL_PASSED)]  # the default 50/50
    assert read(db_path, select(Competition.status))[0][0] is CompetitionStatus.SIGNING


@pytest.mark.parametrize(("argv", "message"), [
    (["allocate", "没有这个大赛"], "There is no competition named “没有这个大赛”."),
    (["allocate", "99"], "There is no competition with number 99."),
    (["allocate", "望江", "--percent", "80"], "--percent and --threshold go with --method percent."),
    (["allocate", "望江", "--method", "percent", "--threshold", "很高"], "很高 is not a score"),
    (["allocate", "望江", "--method", "levels"], "The competition names no award levels with a count."),
    (["adjust", "1", "五万", "--reason", "复核"], "五万 is not an amount in yuan"),
    (["sign", "1", "--date", "2026-02-30"], "2026-02-30 is not a date"),
])
def test_bad_input_is_refused_in_one_line(db_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                          message: str) -> None:
    assert run(db_path, "funding", *argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1


def test_adjust_funds_a_reserve_award_and_cancel_takes_it_back(db_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    reserve = committed(db_path, capsys)["2026-WJ-003"][0]
    assert run(db_path, "funding", "adjust", reserve, "3.5万", "--reason", "公示后递补") == 2  # 105,000 > the pool
    assert "more than the pool of 100,000.00 yuan (5,000.00 yuan over)" in capsys.readouterr().err
    assert run(db_path, "funding", "adjust", reserve, "30,000", "--reason", "公示后递补", "--level", "third") == 0
    assert capsys.readouterr().out.strip() == f"Award {reserve}: now 30,000.00 yuan."
    assert awards(db_path)["2026-WJ-003"][1:] == (3000000, AwardStatus.COMMITTED)
    assert run(db_path, "funding", "cancel", reserve, "--reason", "机构主动放弃") == 0
    assert awards(db_path)["2026-WJ-003"][2] is AwardStatus.CANCELLED
    assert {status for *_rest, status in tranches_of(db_path, reserve)} == {TrancheStatus.CANCELLED}


# --- agreement, schedule and money ----------------------------------------------------------------------------------


def test_sign_gives_the_next_agreement_number(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = committed(db_path, capsys)
    first, second = written["2026-WJ-001"][0], written["2026-WJ-002"][0]
    competition = read(db_path, select(Competition.id))[0][0]
    assert run(db_path, "funding", "sign", first, "--date", SIGNED) == 0
    assert capsys.readouterr().out.strip() == \
        f"Award {first}: agreement XY2026-{competition:02d}-001 signed on {SIGNED}."
    assert run(db_path, "funding", "sign", second, "--date", SIGNED, "--number", "WJ-2026-七") == 0
    assert read(db_path, select(Award.agreement_number, Award.signed_on).where(Award.id == second)) == [
        ("WJ-2026-七", dt.date.fromisoformat(SIGNED))]
    assert run(db_path, "funding", "sign", first, "--date", SIGNED) == 2
    assert "Only a funded award not yet signed can be signed." in capsys.readouterr().err
    assert run(db_path, "funding", "allocate", "望江") == 0  # the dry run warns that --commit would be refused
    assert "Agreements have been signed in this competition" in capsys.readouterr().out


def test_schedule_with_tranches_shows_the_split(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    award = signed(db_path, capsys)
    assert run(db_path, "funding", "schedule", award, "--tranche", "60:agreement_signed",
               "--tranche", "¥10000:midterm_passed", "--tranche", "40%:date:2026-11-01") == 0
    out = capsys.readouterr().out.splitlines()
    rows = tranches_of(db_path, award)
    assert out[0] == f"Award {award}: 30,000.00 yuan in 3 tranches."
    assert [r[1] for r in rows] == [1200000, 1000000, 800000]  # the fixed 10,000 first, the rest 60 : 40
    assert out[2].split()[:5] == [str(rows[0][0]), "1/3", "60%", "12,000.00", "on"]
    assert out[3].split()[:4] == [str(rows[1][0]), "2/3", "fixed", "10,000.00"]
    assert out[4].split()[:6] == [str(rows[2][0]), "3/3", "40%", "8,000.00", "from", "2026-11-01"]
    assert run(db_path, "funding", "schedule", award, "--template", "40/40/20") == 0
    assert [r[1] for r in tranches_of(db_path, award)] == [1200000, 1200000, 600000]


@pytest.mark.parametrize(("tranches", "message"), [
    (["40:agreement_signed", "50:final_passed"], "The percentages add up to 90%, not 100%."),
    (["40:signed", "60:final_passed"], "Tranche “40:signed”: signed is not a condition; choose from none, "),
    (["四成:agreement_signed", "60:final_passed"], "四成 is neither a percentage"),
    (["100:agreement_signed:2026-11-01"], "only the date condition takes a date"),
    (["100"], "write SHARE:CONDITION"),
    (["40:agreement_signed", "60:date"], "Tranche 2: a date gate needs its date."),
])
def test_a_bad_schedule_is_refused_and_nothing_is_written(db_path: Path, capsys: pytest.CaptureFixture[str],
                                                          tranches: list[str], message: str) -> None:
    award = committed(db_path, capsys)["2026-WJ-001"][0]
    before, logged = tranches_of(db_path, award), changes(db_path)
    assert run(db_path, "funding", "schedule", award, *(a for t in tranches for a in ("--tranche", t))) == 2
    assert message in capsys.readouterr().err
    assert tranches_of(db_path, award) == before and changes(db_path) == logged


def test_gate_approve_pay_and_paying_twice_is_refused(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    award = signed(db_path, capsys)
    (first, *_), (second, *_) = tranches_of(db_path, award)
    assert run(db_path, "funding", "pay", first, "--date", PAID, "--voucher", "记-2026-0101") == 2
    assert "must be approved by finance before it is paid" in capsys.readouterr().err
    assert run(db_path, "funding", "approve", first) == 0
    assert capsys.readouterr().out.strip() == f"Tranche {first} (1/2, 阳光为老服务中心): 15,000.00 yuan, approved"
    assert run(db_path, "funding", "pay", first, "--date", PAID, "--voucher", "记-2026-0101", "--note", "首笔") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Tranche {first} (1/2, 阳光为老服务中心): 15,000.00 yuan, paid"
    assert out[1].startswith("Payment ") and out[1].endswith(f"paid on {PAID}, voucher 记-2026-0101.")
    assert run(db_path, "funding", "pay", first, "--date", PAID, "--voucher", "记-2026-0102") == 2
    assert "Tranche 1 has already been paid." in capsys.readouterr().err
    assert read(db_path, select(Payment.amount_fen, Payment.voucher_number, Payment.note)) == [
        (1500000, "记-2026-0101", "首笔")]
    assert run(db_path, "funding", "approve", second) == 2  # the final evaluation is not decided yet
    assert "Tranche 2 cannot be paid: its gate is not met." in capsys.readouterr().err
    assert run(db_path, "funding", "gate", second, "--met", "--reason", "终期评估良好", "--date", PAID) == 0
    assert capsys.readouterr().out.strip().endswith("15,000.00 yuan, due")
    assert run(db_path, "funding", "approve", second) == 0
    assert run(db_path, "funding", "pay", second, "--date", PAID, "--voucher", "记-2026-0101") == 2
    assert "Voucher 记-2026-0101 has already been recorded." in capsys.readouterr().err
    assert run(db_path, "funding", "pay", second, "--date", PAID, "--voucher", "记-2026-0130") == 0
    assert awards(db_path)["2026-WJ-001"][2] is AwardStatus.COMPLETED


def test_withhold_release_cancel_clawback_and_matching(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    award = signed(db_path, capsys)
    (first, *_), (second, *_) = tranches_of(db_path, award)
    assert run(db_path, "funding", "gate", second, "--failed", "--reason", "中期报告逾期") == 0
    assert capsys.readouterr().out.strip().endswith("withheld")
    assert run(db_path, "funding", "release", second, "--reason", "已补交报告") == 0
    assert capsys.readouterr().out.strip().endswith("planned")
    assert run(db_path, "funding", "withhold", first, "--reason", "走访发现问题") == 0
    assert run(db_path, "funding", "release", first, "--reason", "问题已整改") == 0
    assert run(db_path, "funding", "approve", first) == 0
    assert run(db_path, "funding", "pay", first, "--date", PAID, "--voucher", "记-2026-0201") == 0
    assert run(db_path, "funding", "cancel-tranche", second, "--reason", "项目提前结束") == 0
    capsys.readouterr()
    assert run(db_path, "funding", "clawback", first, "5000", "--reason", "结余资金退回", "--date", PAID) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("15,000.00 yuan, clawed back") and out[1].endswith(": 5,000.00 yuan to be returned.")
    assert read(db_path, select(Clawback.amount_fen, Clawback.reason)) == [(500000, "结余资金退回")]
    assert run(db_path, "funding", "returned", first, "--date", PAID) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "5,000.00 yuan recorded as returned."
    assert read(db_path, select(Clawback.recovered_on)) == [(dt.date.fromisoformat(PAID),)]
    assert run(db_path, "funding", "matching", award, "1.2万", "--date", PAID, "--source", "爱心企业捐赠") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"Award {award}: 12,000.00 of 20,000.00 yuan of matching funds received."
    assert read(db_path, select(MatchingFundReceipt.amount_fen, MatchingFundReceipt.source)) == [
        (1200000, "爱心企业捐赠")]


# --- who may do it ---------------------------------------------------------------------------------------------------


def test_permissions_follow_the_signed_in_account(db_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    award = signed(db_path, capsys)
    first = tranches_of(db_path, award)[0][0]
    monkeypatch.setattr(Database, "actor", None)  # as in a real run: nobody is signed in until --user
    monkeypatch.setenv("PSP_PASSWORD", demo_users.DEMO_PASSWORD)
    logged = changes(db_path)
    assert run(db_path, "--user", "liuxiaoyan", "funding", "approve", first) == 2  # staff: not a finance action
    assert "刘晓燕 (staff) may not do this: payment.approve." in capsys.readouterr().err
    assert run(db_path, "--user", "viewer", "funding", "allocate", "望江", "--commit") == 2
    assert "查阅 (viewer) may not do this: funding.edit." in capsys.readouterr().err
    assert tranches_of(db_path, award)[0][3] is TrancheStatus.PLANNED and changes(db_path) == logged
    assert run(db_path, "--user", "viewer", "funding", "report", "望江") == 0  # reading is allowed
    assert run(db_path, "--user", "wangkuaiji", "funding", "approve", first) == 0
    assert read(db_path, select(Tranche.approved_by).where(Tranche.id == first)) == [("王会计",)]


def test_without_a_user_the_command_asks_for_one(db_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Database, "actor", None)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert run(db_path, "funding", "report") == 2
    assert "Sign in with --user NAME and the password in PSP_PASSWORD." in capsys.readouterr().err


# --- reports and papers ----------------------------------------------------------------------------------------------


def test_report_lists_totals_and_cash_flow(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    award = signed(db_path, capsys)
    first = tranches_of(db_path, award)[0][0]
    assert run(db_path, "funding", "approve", first) == 0
    assert run(db_path, "funding", "pay", first, "--date", PAID, "--voucher", "记-2026-0301") == 0
    capsys.readouterr()
    assert run(db_path, "funding", "report") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["Competition", "Tranche", "no."] and len(out) == 1 + 4 + 1
    assert any(line.startswith(NAME) and "记-2026-0301" in line and " paid " in line for line in out)
    assert out[-1] == "4 tranches, 70,000.00 yuan"
    assert run(db_path, "funding", "report", "望江", "--view", "paid") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:2] == ["Tranche", "no."] and out[-1] == "1 tranches, 15,000.00 yuan"
    assert run(db_path, "funding", "report", "--by", "domain") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["Service", "domain", "Awards"]
    assert out[1].split() == ["Children", "and", "youth", "1", "40,000.00", "0.00", "0.00", "0.00", "0.00",
                              "40,000.00"]
    assert out[2].split() == ["Elderly", "care", "1", "30,000.00", "15,000.00", "0.00", "0.00", "0.00",
                              "15,000.00"]
    assert run(db_path, "funding", "report", "--cash-flow") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["Month", "Planned", "Paid", "Planned", "to", "date", "Paid", "to", "date"]
    this_month = next(line.split() for line in out if line.startswith(f"{TODAY:%Y-%m}"))
    assert this_month[2] == "15,000.00"
    assert out[-1].split()[3] == "70,000.00"
    assert run(db_path, "funding", "report", "--view", "withheld") == 0
    assert capsys.readouterr().out.strip() == "No tranches."


def test_report_xlsx_writes_the_payment_list(db_path: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    award = signed(db_path, capsys)
    first = tranches_of(db_path, award)[0][0]
    assert run(db_path, "funding", "approve", first) == 0
    assert run(db_path, "funding", "pay", first, "--date", PAID, "--voucher", "记-2026-0401") == 0
    capsys.readouterr()
    out = tmp_path / "拨付清单.xlsx"
    assert run(db_path, "funding", "report", "望江", "--xlsx", out) == 0
    assert capsys.readouterr().out.splitlines() == [str(out), "rows: 4"]
    sheet = openpyxl.load_workbook(out)["拨付清单"]
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[0])
    assert headers[:4] == ["序号", "大赛", "协议编号", "机构名称"]
    body = [dict(zip(headers, row, strict=True)) for row in rows[1:] if row[0] is not None]
    assert len(body) == 4
    paid = next(r for r in body if r["凭证号"] == "记-2026-0401")
    assert paid["机构名称"] == "阳光为老服务中心" and paid["状态"] == "已拨付" and paid["金额（元）"] == 15000
    assert paid["金额大写"] == "壹万伍仟元整" and paid["期次"] == "1/2"
    total = next(row for row in rows[1:] if "合计" in row)
    assert 70000 in total
    assert run(db_path, "funding", "report", "望江", "--view", "withheld", "--xlsx", tmp_path / "空.xlsx") == 2
    assert "There are no tranches to put in the payment list." in capsys.readouterr().err


def test_agreement_and_notice_pdfs(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    award = signed(db_path, capsys)
    first = tranches_of(db_path, award)[0][0]
    reserve = awards(db_path)["2026-WJ-003"][0]
    agreement = tmp_path / "资助协议.pdf"
    assert run(db_path, "funding", "agreement", award, "--out", agreement) == 0
    assert capsys.readouterr().out.strip() == str(agreement) and agreement.read_bytes().startswith(b"%PDF")
    notice = tmp_path / "拨款通知单.pdf"
    assert run(db_path, "funding", "notice", first, "--out", notice) == 0
    assert notice.read_bytes().startswith(b"%PDF")
    assert run(db_path, "funding", "agreement", reserve, "--out", tmp_path / "候补.pdf") == 2
    assert "so it has no grant agreement" in capsys.readouterr().err
    assert not (tmp_path / "候补.pdf").exists()
