"""The comparison of modes (psp_desktop.services.mode_comparison) on a small hand-made district, every figure worked
out by hand below, on SQLite and PostgreSQL; and its workbook.

The district: organizations 甲, 乙, 丙; needs N1 (2025-03), N2 (2025-06), N3 (2026-02), N4 (2026-03).
- 2025 venture: 甲 10万 (100 beneficiaries, 50/50, first tranche 5万 paid, final evaluation 优秀 final on 2025-12-20,
  mid-term 合格 final; answers N1), 乙 6万 (50 beneficiaries, final evaluation 良好 final), 丙 on the reserve list.
- 2025 commission: 乙 8万 (30 beneficiaries, 4万 paid, final evaluation 合格 final on 2026-01-15; answers N1, N2).
- 2026 venture: 甲 5万 (40 beneficiaries; its second tranche of 2.5万 cancelled), 丙 7万 (60 beneficiaries, a final
  evaluation 不合格 not yet final; answers N3).
- 2026 commission: 乙 3万 (no beneficiaries recorded). N4 is answered by nobody.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from psp_desktop.db import Database
from psp_desktop.enums import (
    AwardStatus,
    CompetitionMode,
    EvaluationGrade,
    EvaluationKind,
    NeedSource,
    OrgType,
    ProposalStatus,
    Role,
    ServiceDomain,
    TrancheStatus,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    Award,
    Community,
    CommunityNeed,
    Competition,
    Evaluation,
    Organization,
    Payment,
    Proposal,
    TenderProject,
)
from psp_desktop.services import access, mode_comparison, tranches
from psp_desktop.services.access import Actor
from psp_desktop.services.mode_comparison import ComparisonRow

W = 1_000_000  # 万 in fen
V, B, C = CompetitionMode.VENTURE, CompetitionMode.BIDDING, CompetitionMode.COMMISSION
EX, GOOD, PASS, FAIL = EvaluationGrade.EXCELLENT, EvaluationGrade.GOOD, EvaluationGrade.PASS, EvaluationGrade.FAIL


class District:
    def __init__(self, s: Session) -> None:
        self.s = s
        community = Community(district="临江区", street="望江街道", name="望江社区")
        self.orgs = {name: Organization(name=name, org_type=OrgType.SERVICE_AGENCY) for name in ("甲", "乙", "丙")}
        s.add_all([community, *self.orgs.values()])
        s.flush()
        self.needs = {}
        for name, day in (("N1", dt.date(2025, 3, 1)), ("N2", dt.date(2025, 6, 1)), ("N3", dt.date(2026, 2, 1)),
                          ("N4", dt.date(2026, 3, 1))):
            need = CommunityNeed(community_id=community.id, domain=ServiceDomain.ELDERLY, title=name,
                                 source=NeedSource.SURVEY, collected_on=day)
            s.add(need)
            self.needs[name] = need
        self.competitions = {}
        for year in (2025, 2026):
            for mode in (V, C):
                comp = Competition(name=f"{year} {mode.value}", year=year, mode=mode, pool_fen=100 * W)
                s.add(comp)
                self.competitions[(mode, year)] = comp
        s.flush()
        self.count = 0

    def award(self, mode: CompetitionMode, year: int, org: str, amount: int, people: int, *,
              status: AwardStatus = AwardStatus.COMMITTED, needs: tuple[str, ...] = ()) -> Award:
        self.count += 1
        comp = self.competitions[(mode, year)]
        proposal = Proposal(competition_id=comp.id, organization_id=self.orgs[org].id, title=f"项目{self.count}",
                            domain=ServiceDomain.ELDERLY, requested_fen=amount, total_budget_fen=amount,
                            direct_beneficiaries=people, status=ProposalStatus.AWARDED,
                            intake_number=f"{year}-{self.count:03d}", needs=[self.needs[n] for n in needs])
        self.s.add(proposal)
        self.s.flush()
        award = Award(proposal_id=proposal.id, competition_id=comp.id, amount_fen=amount, status=status)
        self.s.add(award)
        self.s.flush()
        if status is AwardStatus.COMMITTED:
            tranches.apply_template(self.s, award, tranches.TEMPLATES["50/50"][1])
        return award

    def pay_first(self, award: Award, amount: int) -> None:
        first = award.tranches[0]
        first.status = TrancheStatus.PAID
        self.s.add(Payment(tranche_id=first.id, amount_fen=amount, paid_on=dt.date(2025, 9, 1),
                           voucher_number=f"PZ-{award.id}", paid_by="会计"))

    def evaluate(self, award: Award, kind: EvaluationKind, grade: EvaluationGrade, final: bool,
                 on: dt.date) -> None:
        self.s.add(Evaluation(award_id=award.id, kind=kind, grade=grade, passed=grade is not FAIL, final=final,
                              evaluated_on=on))


def build(db: Database) -> None:
    with db.write() as s:
        d = District(s)
        a = d.award(V, 2025, "甲", 10 * W, 100, needs=("N1",))
        d.pay_first(a, 5 * W)
        d.evaluate(a, EvaluationKind.FINAL, EX, True, dt.date(2025, 12, 20))
        d.evaluate(a, EvaluationKind.MIDTERM, PASS, True, dt.date(2025, 7, 1))
        b = d.award(V, 2025, "乙", 6 * W, 50)
        d.evaluate(b, EvaluationKind.FINAL, GOOD, True, dt.date(2025, 12, 21))
        d.award(V, 2025, "丙", 9 * W, 70, status=AwardStatus.RESERVE)
        c = d.award(C, 2025, "乙", 8 * W, 30, needs=("N1", "N2"))
        d.pay_first(c, 4 * W)
        d.evaluate(c, EvaluationKind.FINAL, PASS, True, dt.date(2026, 1, 15))
        later = d.award(V, 2026, "甲", 5 * W, 40)
        later.tranches[1].status = TrancheStatus.CANCELLED
        newcomer = d.award(V, 2026, "丙", 7 * W, 60, needs=("N3",))
        d.evaluate(newcomer, EvaluationKind.FINAL, FAIL, False, dt.date(2026, 12, 1))
        d.award(C, 2026, "乙", 3 * W, 0)


def grades(excellent: int = 0, good: int = 0, passed: int = 0, failed: int = 0) -> dict[EvaluationGrade, int]:
    return {EX: excellent, GOOD: good, PASS: passed, FAIL: failed}


def test_the_figures_worked_out_by_hand(database: Database) -> None:
    build(database)
    result = mode_comparison.comparison(database)
    assert result.years == (2025, 2026)
    assert [(r.year, r.mode) for r in result.rows] == [(2025, V), (2025, B), (2025, C), (2026, V), (2026, B), (2026, C)]
    # 2025 venture: 甲 and 乙 (丙 is reserve); 16万 over 150 people = 106,666.67 fen, rounded to 106,667
    # needs of 2025: N1, N2; venture answers N1
    assert result.row(V, 2025) == ComparisonRow(V, 2025, 2, 16 * W, 5 * W, 150, grades(excellent=1, good=1),
                                                grades(passed=1), 1, 2, 2, 2)
    assert result.row(V, 2025).per_beneficiary_fen == 106_667
    assert mode_comparison.share_text(result.row(V, 2025)) == "50.00%"
    # 2025 commission: 乙, first funded in 2025 too (first-time in both modes); N1 and N2 answered
    assert result.row(C, 2025) == ComparisonRow(C, 2025, 1, 8 * W, 4 * W, 30, grades(passed=1), grades(), 2, 2, 1, 1)
    assert result.row(C, 2025).per_beneficiary_fen == 266_667  # 80,000,00 fen ÷ 30
    assert mode_comparison.share_text(result.row(C, 2025)) == "100.00%"
    # 2026 venture: 甲's cancelled tranche is not committed (2.5万 + 7万); 丙 funded for the first time (its 2025
    # reserve place was no funding); its failed evaluation is not final. Needs of 2026: N1 was met in 2025 (final
    # evaluation passed then), so N2, N3, N4; venture answers N3
    assert result.row(V, 2026) == ComparisonRow(V, 2026, 2, 95 * W // 10, 0, 100, grades(), grades(), 1, 3, 2, 1)
    assert result.row(V, 2026).per_beneficiary_fen == 95_000
    assert mode_comparison.share_text(result.row(V, 2026)) == "33.33%"
    # 2026 commission: no beneficiaries recorded, so no money per beneficiary; 乙 is not new
    assert result.row(C, 2026) == ComparisonRow(C, 2026, 1, 3 * W, 0, 0, grades(), grades(), 0, 3, 1, 0)
    assert result.row(C, 2026).per_beneficiary_fen is None
    # no bidding in this district: a row of zeros that still knows the year's needs
    assert result.row(B, 2026) == ComparisonRow(B, 2026, 0, 0, 0, 0, grades(), grades(), 0, 3, 0, 0)
    assert mode_comparison.share_text(result.row(B, 2026)) == "0.00%"


def test_one_year_alone_still_knows_who_was_funded_before(database: Database) -> None:
    build(database)
    result = mode_comparison.comparison(database, [2026])
    assert result.years == (2026,)
    assert [r.first_time_organizations for r in result.rows] == [1, 0, 0]


def test_a_winning_bid_answers_the_needs_of_its_tender(database: Database) -> None:
    build(database)
    with database.write() as s:
        d = District.__new__(District)  # only the helpers: the district is there already
        d.s, d.count = s, 100
        d.orgs = {o.name: o for o in s.scalars(select(Organization))}
        d.needs = {n.title: n for n in s.scalars(select(CommunityNeed))}
        bidding = Competition(name="2026 bidding", year=2026, mode=B, pool_fen=100 * W)
        s.add(bidding)
        s.flush()
        tender = TenderProject(competition_id=bidding.id, code="ZB-2026-01", name="助餐", domain=ServiceDomain.ELDERLY,
                               ceiling_fen=10 * W, needs=[d.needs["N4"]])
        s.add(tender)
        s.flush()
        d.competitions = {(B, 2026): bidding}
        won = d.award(B, 2026, "丙", 9 * W, 90)
        s.get(Proposal, won.proposal_id).tender_id = tender.id
        lost = d.award(B, 2026, "甲", 8 * W, 80, status=AwardStatus.RESERVE)
        s.get(Proposal, lost.proposal_id).tender_id = tender.id
    row = mode_comparison.comparison(database, [2026]).row(B, 2026)
    assert (row.projects, row.committed_fen, row.needs_covered, row.needs_total, row.first_time_organizations) == \
        (1, 9 * W, 1, 3, 1)  # 丙's first funding is of 2026 (venture too): first-time in both rows


def test_an_empty_database_and_bad_years(database: Database) -> None:
    assert mode_comparison.comparison(database).rows == ()
    row = mode_comparison.comparison(database, [2026]).row(V, 2026)
    assert (row.projects, row.per_beneficiary_fen, row.needs_share_x10000) == (0, None, None)
    with pytest.raises(ValidationError, match="1999 is not a year"):
        mode_comparison.comparison(database, [1999])


def test_reading_needs_results_read(database: Database) -> None:
    database.actor = Actor("nobody", frozenset({Role.JUDGE}))
    with pytest.raises(access.NotAllowed):
        mode_comparison.comparison(database)
    database.actor = Actor("viewer", frozenset({Role.VIEWER}))
    assert mode_comparison.comparison(database).rows == ()


def test_the_workbook_holds_every_row_in_yuan(database: Database, tmp_path: Path) -> None:
    build(database)
    out = tmp_path / "out"
    out.mkdir()
    path = out / "模式比较.xlsx"
    path.write_bytes(b"old")  # replaced whole
    assert mode_comparison.export_xlsx(database, path) == 6
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    header, *rows = sheet
    assert header[:7] == ["年度", "模式", "资助项目数", "承诺资金（元）", "已拨付资金（元）", "直接受益人数",
                          "人均资金（元）"]
    assert header[7:] == ["中期评估优秀", "中期评估良好", "中期评估合格", "中期评估不合格",
                          "终期评估优秀", "终期评估良好", "终期评估合格", "终期评估不合格", "已覆盖需求数",
                          "年度需求总数", "需求覆盖率", "资助机构数", "首次获资助机构数"]
    assert rows[0] == [2025, "公益创投", 2, 160000, 50000, 150, 1066.67, 0, 0, 1, 0, 1, 1, 0, 0, 1, 2, "50.00%", 2, 2]
    assert rows[5][:7] == [2026, "服务委托", 1, 30000, 0, 0, ""]
    assert len(rows) == 6
    assert [p.name for p in out.iterdir()] == ["模式比较.xlsx"]  # no temporary file left behind


def test_an_unwritable_folder_is_refused_and_leaves_nothing(database: Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="Cannot write to the folder"):
        mode_comparison.export_xlsx(database, tmp_path / "missing" / "比较.xlsx")
    assert not (tmp_path / "missing").exists()


def test_the_command_line_prints_and_saves_the_comparison(database: Database, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    if database.path is None:
        pytest.skip("the command line test opens the SQLite file")
    from psp_desktop import cli

    monkeypatch.setenv("PSP_LANG", "en")
    build(database)
    assert cli.main(["--db", str(database.path), "modes", "compare", "--year", "2025"]) == 0
    header, *lines = capsys.readouterr().out.splitlines()
    assert header.split("\t")[:3] == ["Year", "Mode", "Projects"] and len(lines) == 3
    assert lines[0].split("\t") == ["2025", "venture philanthropy", "2", "160,000.00", "50,000.00", "1,066.67",
                                    "0/0/1/0", "1/1/0/0", "1/2 (50.00%)", "2 (2)"]  # as the workbook says
    path = tmp_path / "modes.xlsx"
    assert cli.main(["--db", str(database.path), "modes", "compare", "--xlsx", str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"6 rows written to {path}" and path.is_file()
