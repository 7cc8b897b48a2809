"""The 申报书 as a Word form: the template, a filled-in copy read back field by field, and saved as a draft
proposal (with its organization, found by credit code or created) in one transaction."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from sqlalchemy import func, select

from psp_desktop import cli
from psp_desktop.codes import uscc_check_char
from psp_desktop.db import Database
from psp_desktop.enums import (
    BudgetCategory,
    InspectionResult,
    OrgType,
    ProposalStatus,
    Rating,
    ServiceDomain,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import Competition, CompetitionTheme, Organization, Proposal
from psp_desktop.services import application_forms as forms
from psp_desktop.services import demo, organizations, proposals

NEW_USCC = "52420106MJ1234567" + uscc_check_char("52420106MJ1234567")
INTRO = "本中心成立于2018年，专注社区为老服务，拥有持证社工6名。\n近三年承接“时间银行”等项目5个。"

ANSWERS = {
    "机构名称": "望江街道阳光社会工作服务中心",
    "统一社会信用代码": NEW_USCC,
    "登记机关": "临江区民政局",
    "组织类型": "民办非企业单位",
    "成立时间": "2018年5月20日",
    "法定代表人": "李明",
    "联系人": "王芳",
    "联系电话": "138 1234 5678",
    "地址": "临江区望江街道滨江路88号",
    "年检结论": "2025年度合格",
    "评估等级": "ＡＡＡＡ",
    "机构简介（500字以内）": INTRO,
    "项目名称": "银龄相伴——独居老人探访关爱计划",
    "服务领域": "为老服务",
    "服务对象": "望江街道60岁以上独居、空巢老人",
    "服务地点（街道/社区）": "望江街道滨江社区、柳岸社区",
    "直接受益人数": "约120人",
    "间接受益人数": "３６０",
    "执行周期（开始月份）": "2026年7月",
    "执行周期（结束月份）": "2027-06",
    "项目简介": "组织志愿者每周上门探访，建立老人档案。",
    "需求分析": "街道独居老人412人，其中高龄老人占38%。\n居民议事会多次提出探访需求。",
    "项目目标": "一年内为120名独居老人建立关爱档案。",
    "活动计划": "1. 7—8月：招募培训志愿者；\n2. 9月起：每周探访。",
    "申请金额（元）": "50,000",
    "配套资金（元）": "15000.50",
    "总预算（元）": "65,000.50",
}
BUDGET = [  # 类别, 明细, 单价（元）, 数量, 金额（元）, 备注
    ("人员费", "项目社工补贴", "2000", "12个月", "24000", "1名专职社工"),
    ("活动费", "探访慰问物资", "", "", "30,000.50", ""),
    ("宣传费", "宣传折页印制", "1.5", "2000", "", "印刷"),
    ("管理费", "财务审计", "8000", "1", "8000", ""),
]


# --- helpers: a person filling in the form in Word ------------------------------------------------------------


def caption(table: Table) -> str | None:
    element = table._tbl.tblPr.find(qn("w:tblCaption"))
    return None if element is None else element.get(qn("w:val"))


def cells_of(table: Table, row_index: int) -> list[_Cell]:
    return [_Cell(tc, table) for tc in table.rows[row_index]._tr.tc_lst]


def type_into(cell: _Cell, text: str) -> None:
    """As typed in Word: the first line into the cell's paragraph, each Enter a new paragraph."""
    first, *more = text.split("\n")
    cell.paragraphs[0].add_run(first)
    for line in more:
        cell.add_paragraph(line, style=cell.paragraphs[0].style)


def fill(path: Path, answers: dict[str, str], budget: list[tuple[str, ...]] | None = None) -> Path:
    document = docx.Document(str(path))
    for table in document.tables:
        for index in range(len(table.rows)):
            cells = cells_of(table, index)
            if len(cells) == 2 and cells[0].paragraphs[0].text in answers:
                type_into(cells[1], answers[cells[0].paragraphs[0].text])
    budget_table = next(t for t in document.tables if caption(t) == forms.CAPTIONS["budget"])
    for index, values in enumerate(budget or [], start=1):
        for cell, value in zip(cells_of(budget_table, index), values, strict=True):
            if value:
                type_into(cell, value)
    document.save(str(path))
    return path


def count(database: Database, model: type) -> int:
    with database.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def demo_db(database: Database) -> Database:
    demo.create_demo(database)
    return database


@pytest.fixture
def small_db(database: Database) -> Database:
    """A competition with two themes and no organizations: quicker than the demo where those do not matter."""
    with database.write() as s:
        competition = Competition(name="2026年测试街道公益创投大赛", year=2026, organizer="测试街道办事处")
        competition.themes = [CompetitionTheme(seq=1, name="为老服务", domain=ServiceDomain.ELDERLY),
                              CompetitionTheme(seq=2, name="社区治理", domain=ServiceDomain.COMMUNITY)]
        s.add(competition)
    return database


def filled(database: Database, tmp_path: Path, changes: dict[str, str] | None = None,
           budget: list[tuple[str, ...]] | None = None) -> Path:
    path = forms.make_template(database, 1, tmp_path / "申报书.docx")
    return fill(path, {**ANSWERS, **(changes or {})}, BUDGET if budget is None else budget)


def reading_of(reading: forms.ApplicationReading, label: str) -> forms.FieldReading:
    return next(r for r in reading.readings if r.label == label)


# --- the template ---------------------------------------------------------------------------------------------


def test_the_template_is_the_competitions_form(demo_db: Database, tmp_path: Path) -> None:
    path = forms.make_template(demo_db, 1, tmp_path / "form.docx")
    document = docx.Document(str(path))
    with demo_db.read() as s:
        competition = s.get(Competition, 1)
        assert competition is not None
        name, themes = competition.name, [t.name for t in competition.themes]
    text = "\n".join(p.text for p in document.paragraphs)
    assert name in text and "项 目 申 报 书" in text and "填写说明" in text
    assert {caption(t) for t in document.tables} >= set(forms.CAPTIONS.values())
    labels = {cells_of(t, i)[0].paragraphs[0].text for t in document.tables for i in range(len(t.rows))}
    assert {"机构名称", "统一社会信用代码", "年检结论", "项目名称", "服务领域", "活动计划", "总预算（元）"} <= labels
    cells = [c for t in document.tables for i in range(len(t.rows)) for c in cells_of(t, i)]
    assert all(theme in "".join(c.text for c in cells) for theme in themes)  # the choices under 服务领域
    budget = next(t for t in document.tables if caption(t) == forms.CAPTIONS["budget"])
    assert [c.text for c in cells_of(budget, 0)] == list(forms.BUDGET_COLUMNS)
    assert len(budget.rows) == 1 + forms.BUDGET_ROWS + 3
    fonts = document.styles.element.xpath("//w:rFonts/@w:eastAsia")
    assert "宋体" in fonts and "黑体" in fonts
    assert not document.styles.element.xpath("//w:rPrDefault//w:rFonts/@w:eastAsiaTheme")


def test_a_blank_template_reads_as_missing_and_cannot_be_saved(small_db: Database, tmp_path: Path) -> None:
    path = forms.make_template(small_db, 1, tmp_path / "blank.docx")
    reading = forms.read_application(small_db, 1, path)
    assert {r.status for r in reading.readings} == {"missing"}
    assert {r.label for r in reading.problems} == {"机构名称", "统一社会信用代码", "项目名称"}
    with pytest.raises(forms.ApplicationNotSaved):
        forms.commit_application(small_db, reading)


def test_a_template_for_an_unknown_competition_is_refused(database: Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="no competition with number 7"):
        forms.make_template(database, 7, tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()


# --- the round trip -------------------------------------------------------------------------------------------


def test_what_was_typed_becomes_a_draft_proposal(demo_db: Database, tmp_path: Path) -> None:
    organizations_before = count(demo_db, Organization)
    reading = forms.read_application(demo_db, 1, filled(demo_db, tmp_path))
    assert reading.problems == []
    assert {r.label for r in reading.readings if r.status != "read"} == set()
    assert reading.existing_organization is None

    organization_id, proposal_id = forms.commit_application(demo_db, reading)

    assert count(demo_db, Organization) == organizations_before + 1
    org, _ = organizations.load(demo_db, organization_id)
    assert (org.name, org.uscc, org.registration_authority) == (ANSWERS["机构名称"], NEW_USCC, "临江区民政局")
    assert (org.org_type, org.registered_on) == (OrgType.SERVICE_AGENCY, dt.date(2018, 5, 20))
    assert (org.legal_representative, org.contact_name, org.contact_phone) == ("李明", "王芳", "13812345678")
    assert (org.inspection_result, org.inspection_year, org.rating) == (InspectionResult.PASSED, 2025, Rating.A4)
    assert org.address == ANSWERS["地址"] and org.intro == INTRO

    data, _ = proposals.load(demo_db, proposal_id)
    with demo_db.read() as s:
        elderly = s.scalars(select(CompetitionTheme).where(CompetitionTheme.competition_id == 1,
                                                           CompetitionTheme.name == "为老服务")).one()
    assert (data.competition_id, data.organization_id) == (1, organization_id)
    assert (data.title, data.domain, data.theme_id) == (ANSWERS["项目名称"], ServiceDomain.ELDERLY, elderly.id)
    assert (data.target_group, data.location) == (ANSWERS["服务对象"], ANSWERS["服务地点（街道/社区）"])
    assert (data.direct_beneficiaries, data.indirect_beneficiaries) == (120, 360)
    assert (data.start_month, data.end_month) == (dt.date(2026, 7, 1), dt.date(2027, 6, 1))
    assert (data.summary, data.need_analysis) == (ANSWERS["项目简介"], ANSWERS["需求分析"])
    assert (data.objectives, data.activity_plan) == (ANSWERS["项目目标"], ANSWERS["活动计划"])
    assert (data.requested_fen, data.matching_fen) == (5_000_000, 1_500_050)
    lines = [(b.category, b.item, b.unit_price_fen, b.quantity, b.amount, b.note) for b in data.budget_lines]
    assert lines == [
        (BudgetCategory.PERSONNEL, "项目社工补贴", 200_000, 12, 2_400_000, "1名专职社工"),
        (BudgetCategory.ACTIVITY, "探访慰问物资", 3_000_050, 1, 3_000_050, ""),
        (BudgetCategory.PUBLICITY, "宣传折页印制", 150, 2000, 300_000, "印刷"),
        (BudgetCategory.MANAGEMENT, "财务审计", 800_000, 1, 800_000, ""),
    ]
    assert data.total_budget_fen == 6_500_050
    assert proposals.header(demo_db, proposal_id).status == ProposalStatus.DRAFT


def test_a_registered_organization_is_reused_not_duplicated(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.read() as s:
        registered = s.scalars(select(Organization).where(Organization.uscc.is_not(None))
                               .order_by(Organization.id)).first()
        assert registered is not None
        org_id, uscc, name = registered.id, registered.uscc, registered.name
    before = count(demo_db, Organization)
    path = filled(demo_db, tmp_path, {"统一社会信用代码": uscc.lower(), "机构名称": name})
    reading = forms.read_application(demo_db, 1, path)
    assert reading.existing_organization == (org_id, name)
    organization_id, proposal_id = forms.commit_application(demo_db, reading)
    assert organization_id == org_id and count(demo_db, Organization) == before
    assert proposals.load(demo_db, proposal_id)[0].organization_id == org_id


def test_a_failing_proposal_leaves_no_new_organization(demo_db: Database, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    reading = forms.read_application(demo_db, 1, filled(demo_db, tmp_path))
    organizations_before, proposals_before = count(demo_db, Organization), count(demo_db, Proposal)

    def broken(*_args: object) -> None:
        raise ValidationError("A linked community need does not exist.")

    monkeypatch.setattr(proposals, "_apply", broken)
    with pytest.raises(ValidationError):
        forms.commit_application(demo_db, reading)
    assert (count(demo_db, Organization), count(demo_db, Proposal)) == (organizations_before, proposals_before)
    with demo_db.read() as s:
        assert organizations.find_by_uscc(s, NEW_USCC) is None


def test_the_form_is_found_without_its_captions_and_with_added_paragraphs(small_db: Database,
                                                                         tmp_path: Path) -> None:
    path = filled(small_db, tmp_path)
    document = docx.Document(str(path))
    for element in document.element.body.iter(qn("w:tblCaption")):
        element.getparent().remove(element)
    for table in document.tables:  # someone's notes above every table
        table._tbl.addprevious(document.add_paragraph("（补充说明）")._p)
    document.save(str(path))
    reading = forms.read_application(small_db, 1, path)
    assert reading.problems == []
    assert reading.proposal.title == ANSWERS["项目名称"] and len(reading.proposal.budget_lines) == 4


def test_more_budget_rows_can_be_inserted(small_db: Database, tmp_path: Path) -> None:
    path = forms.make_template(small_db, 1, tmp_path / "form.docx")
    document = docx.Document(str(path))
    budget = next(t for t in document.tables if caption(t) == forms.CAPTIONS["budget"])
    blank = budget.rows[1]._tr
    for _ in range(5):
        blank.addnext(copy.deepcopy(blank))
    document.save(str(path))
    rows = [("活动费", f"活动{n}", "100", "2", "", "") for n in range(1, 16)]
    reading = forms.read_application(small_db, 1, fill(path, ANSWERS, rows))
    assert [line.item for line in reading.proposal.budget_lines] == [f"活动{n}" for n in range(1, 16)]
    assert reading_of(reading, "总预算（元）").status == "invalid"  # 65,000.50 is not 15 × 200 yuan


# --- what cannot be read --------------------------------------------------------------------------------------


def test_a_bad_date_and_a_bad_amount_are_named_and_block_saving(small_db: Database, tmp_path: Path) -> None:
    path = filled(small_db, tmp_path, {"成立时间": "2026-02-30", "申请金额（元）": "伍万元", "组织类型": "公司",
                                       "执行周期（开始月份）": "七月", "直接受益人数": "很多"})
    before = count(small_db, Organization), count(small_db, Proposal)
    reading = forms.read_application(small_db, 1, path)
    invalid = {r.label: r.render() for r in reading.readings if r.status == "invalid"}
    assert set(invalid) == {"成立时间", "申请金额（元）", "组织类型", "执行周期（开始月份）", "直接受益人数"}
    assert invalid["成立时间"].startswith("成立时间: 2026-02-30 is not a date")
    assert invalid["申请金额（元）"].startswith("申请金额（元）: 伍万元 is not an amount")
    assert "社会团体" in invalid["组织类型"]  # the choices are listed
    assert reading_of(reading, "机构名称").status == "read"
    with pytest.raises(forms.ApplicationNotSaved) as refused:
        forms.commit_application(small_db, reading)
    lines = refused.value.render().splitlines()
    assert len(lines) == 1 + 5 and any("成立时间" in line for line in lines)
    assert (count(small_db, Organization), count(small_db, Proposal)) == before


def test_validator_problems_land_on_their_fields(small_db: Database, tmp_path: Path) -> None:
    path = filled(small_db, tmp_path, {"统一社会信用代码": "52420106MJ1234567A", "联系电话": "12345",
                                       "成立时间": "2099-01-01", "执行周期（结束月份）": "2026-01"})
    reading = forms.read_application(small_db, 1, path)
    invalid = {r.label: r.render() for r in reading.readings if r.status == "invalid"}
    assert set(invalid) == {"统一社会信用代码", "联系电话", "成立时间", "执行周期（结束月份）"}
    assert "52420106MJ1234567A" in invalid["统一社会信用代码"] and "(check)" in invalid["统一社会信用代码"]
    assert "2099-01-01" in invalid["成立时间"]


def test_budget_rows_that_do_not_add_up(small_db: Database, tmp_path: Path) -> None:
    rows = [("人员费", "社工补贴", "2000", "12", "25000", ""),  # 2000 × 12 is 24000
            ("餐饮费", "午餐", "", "", "300", ""),
            ("", "没有类别", "", "", "100", ""),
            ("活动费", "只有名称", "", "", "", "")]
    reading = forms.read_application(small_db, 1, filled(small_db, tmp_path, budget=rows))
    invalid = {r.label: r.render() for r in reading.readings if r.status == "invalid"}
    assert set(invalid) == {"预算第1行", "预算第2行", "预算第3行", "预算第4行", "总预算（元）"}
    assert "24,000.00" in invalid["预算第1行"] and "25,000.00" in invalid["预算第1行"]
    assert "餐饮费" in invalid["预算第2行"] and "管理费" in invalid["预算第2行"]
    assert "the budget table has no lines" in invalid["总预算（元）"]


def test_a_form_of_another_competition_is_refused(small_db: Database, tmp_path: Path) -> None:
    with small_db.write() as s:
        s.add(Competition(name="另一个大赛", year=2026))
    path = forms.make_template(small_db, 2, tmp_path / "other.docx")
    with pytest.raises(ValidationError, match="another competition"):
        forms.read_application(small_db, 1, path)


def test_files_that_are_not_the_form_are_refused_clearly(small_db: Database, tmp_path: Path) -> None:
    text = tmp_path / "申报书.docx"
    text.write_text("这不是 Word 文件", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"申报书.docx is not a Word \(.docx\) document"):
        forms.read_application(small_db, 1, text)
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(ValidationError, match=r"save it as \.docx"):
        forms.read_application(small_db, 1, old)
    with pytest.raises(ValidationError, match="Cannot read"):
        forms.read_application(small_db, 1, tmp_path / "missing.docx")
    foreign = docx.Document()
    foreign.add_paragraph("会议纪要")
    foreign.add_table(rows=2, cols=2).cell(0, 0).text = "时间"
    foreign.save(str(tmp_path / "minutes.docx"))
    with pytest.raises(ValidationError, match=r"minutes\.docx is not a PSP Desktop application form") as refused:
        forms.read_application(small_db, 1, tmp_path / "minutes.docx")
    assert "一、申报机构基本情况" in refused.value.render()


# --- the command line -----------------------------------------------------------------------------------------


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """No QCoreApplication in this process (a later GUI test needs a QApplication): English source messages."""
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))


@pytest.mark.usefixtures("english")
def test_cli_template_import_and_commit(demo_db: Database, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    form = tmp_path / "form.docx"
    assert cli.main(["--db", demo_db.url, "application-template", "--competition", "1", str(form)]) == 0
    assert capsys.readouterr().out.strip() == str(form)
    fill(form, {**ANSWERS, "联系人": ""}, BUDGET)

    assert cli.main(["--db", demo_db.url, "application-import", "--competition", "1", str(form)]) == 0
    out = capsys.readouterr().out
    assert "read     机构名称: 望江街道阳光社会工作服务中心" in out and "missing  联系人" in out
    assert count(demo_db, Organization) == 44  # reading alone writes nothing

    assert cli.main(["--db", demo_db.url, "application-import", "--competition", "1", str(form), "--commit"]) == 0
    proposal_id = int(capsys.readouterr().out.split("proposal: ")[1].split()[0])
    assert proposals.load(demo_db, proposal_id)[0].title == ANSWERS["项目名称"]


@pytest.mark.usefixtures("english")
def test_cli_reports_unreadable_fields_and_bad_files(small_db: Database, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    form = filled(small_db, tmp_path, {"成立时间": "2026-02-30"})
    assert cli.main(["--db", small_db.url, "application-import", "--competition", "1", str(form), "--commit"]) == 2
    captured = capsys.readouterr()
    assert "invalid  成立时间: 2026-02-30 is not a date" in captured.out
    assert captured.err.splitlines()[1].startswith("成立时间: 2026-02-30")
    assert count(small_db, Proposal) == 0

    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"PK\x03\x04 not really")
    assert cli.main(["--db", small_db.url, "application-import", "--competition", "1", str(junk)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == ["junk.docx is not a Word (.docx) document."]
