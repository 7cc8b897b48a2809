"""Excel/WPS exchange: templates, all-or-nothing imports with error workbooks, exports, and fuzzing with malformed
workbooks. Workbooks are written both with openpyxl and with xlsxwriter, the two structural variants (shared vs
inline strings, styles, cached formula values) that Excel, WPS and LibreOffice files also come in."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from psp_desktop import cli
from psp_desktop.codes import uscc_check_char
from psp_desktop.db import Database, open_database
from psp_desktop.enums import BudgetCategory, CompetitionStatus, OrgType, ProposalStatus, Rating, ServiceDomain
from psp_desktop.errors import ValidationError
from psp_desktop.models import Base, BudgetLine, Competition, Organization, Proposal
from psp_desktop.services import organizations, workbooks
from psp_desktop.services.demo import create_demo
from psp_desktop.services.workbook_columns import BUDGET, LABELS, ORGANIZATIONS, PROPOSALS
from psp_desktop.services.workbooks import ImportPreview, WorkbookRejected

ORG_HEADERS = [c.header for c in ORGANIZATIONS.columns]
PROPOSAL_HEADERS = [c.header for c in PROPOSALS.columns]
BUDGET_HEADERS = [c.header for c in BUDGET.columns]
ENGINES = ("openpyxl", "xlsxwriter")
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.data_too_large])


@pytest.fixture(autouse=True)
def _english_messages_without_qt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI must not create a QCoreApplication in this process (see test_cli.py)."""
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))


# --- helpers -------------------------------------------------------------------------------------------------


def uscc(n: int) -> str:
    first17 = f"52110000MJ{n:07d}"
    return first17 + uscc_check_char(first17)


def org_values(n: int, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "机构名称": f"望江社工服务中心{n}号", "统一社会信用代码": uscc(n), "登记机关": "临江区民政局",
        "组织类型": "社会服务机构", "成立日期": dt.date(2019, 5, 18), "法定代表人": "王芳", "联系人": "李娜",
        "联系电话": "13800138000", "电子邮箱": "contact@example.org", "地址": "临江区望江路8号",
        "年检结论": "合格", "年检年度": 2025, "评估等级": "3A", "是否有银行账户": "是", "开户银行": "农业银行临江支行",
        "银行账号": "6228480012345678901", "简介": "专业社工机构", "以往项目": "2025年为老服务项目",
    }
    values.update(changes)
    return values


def proposal_values(seq: int, code: str, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "序号": seq, "统一社会信用代码": code, "项目名称": f"银龄互助计划{seq}", "服务领域": "为老服务",
        "服务对象": "独居老人", "服务地点": "望江社区", "直接受益人数": 120, "间接受益人数": 400,
        "开始月份": "2026-05", "结束月份": "2026年12月", "项目简介": "互助小组", "需求分析": "独居老人多",
        "项目目标": "建立互助网络", "活动计划": "每月两次探访", "申请金额（元）": 50000, "配套资金（元）": "12,000.50",
    }
    values.update(changes)
    return values


def budget_values(seq: int) -> list[dict[str, object]]:
    """Two lines adding up to the 62,000.50 yuan of proposal_values."""
    return [
        {"项目序号": seq, "类别": "人员费", "明细": "社工补贴", "单价（元）": 3000, "数量": 10},
        {"项目序号": str(seq), "项目名称": f"银龄互助计划{seq}", "类别": "活动费", "明细": "活动物料",
         "金额（元）": "32000.50", "备注": "按实结算"},
    ]


def table(headers: list[str], dicts: list[dict[str, object]]) -> list[list[object]]:
    return [list(headers), *([d.get(h) for h in headers] for d in dicts)]


def write_book(path: Path, sheets: dict[str, list[list[object]]], engine: str = "openpyxl",
               merges: dict[str, list[tuple[int, int, int, int]]] | None = None) -> Path:
    """A workbook as another program would save it; merges are (first row, first col, last row, last col)."""
    merges = merges or {}
    sheets = sheets or {"Sheet1": []}  # a saved workbook has at least one sheet
    if engine == "openpyxl":
        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, rows in sheets.items():
            ws = book.create_sheet(name)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        ws.cell(r, c, ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value)
            for top, left, bottom, right in merges.get(name, []):
                ws.merge_cells(start_row=top + 1, start_column=left + 1, end_row=bottom + 1, end_column=right + 1)
        book.save(path)
        return path
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        covered = set()
        for top, left, bottom, right in merges.get(name, []):
            value = rows[top][left] if top < len(rows) and left < len(rows[top]) else None
            ws.merge_range(top, left, bottom, right, None)
            ws.write(top, left, value)
            covered |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None and (r, c) not in covered:
                    ws.write(r, c, value, date_format if isinstance(value, dt.date) else None)
    book.close()
    return path


def dump(db: Database) -> dict[str, list[str]]:
    """Every row of every table, to show that a refused import changed nothing."""
    with db.rows() as conn:
        return {t.name: sorted(repr(tuple(r)) for r in conn.execute(select(t))) for t in Base.metadata.sorted_tables}


def make_competition(db: Database, status: CompetitionStatus = CompetitionStatus.OPEN) -> int:
    with db.write() as s:
        competition = Competition(name=f"2026年社区公益创投大赛（{status.value}）", year=2026, status=status)
        s.add(competition)
        s.flush()
        return competition.id


def register(db: Database, *numbers: int) -> None:
    for n in numbers:
        organizations.create(db, organizations.OrganizationData(name=f"已登记机构{n}", uscc=uscc(n)))


def messages(preview: ImportPreview) -> list[str]:
    return preview.render()


def only_problem(preview: ImportPreview) -> str:
    lines = messages(preview)
    assert len(lines) == 1, lines
    return lines[0]


def cells(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


# --- templates -------------------------------------------------------------------------------------------


def test_templates_have_headers_text_codes_dropdowns_frozen_rows_and_notes(tmp_path: Path) -> None:
    workbooks.write_template("proposals", tmp_path / "p.xlsx")
    book = openpyxl.load_workbook(tmp_path / "p.xlsx")
    assert book.sheetnames == ["申报项目", "预算明细", "机构信息", "填写说明"]
    orgs = book["机构信息"]
    assert [c.value for c in orgs[1]] == ORG_HEADERS
    assert orgs.freeze_panes == "A2"
    assert orgs.column_dimensions["B"].number_format == "@"  # 统一社会信用代码
    assert orgs.column_dimensions["I"].number_format == "@"  # 联系电话
    lists = {str(v.sqref): v.formula1 for v in orgs.data_validations.dataValidation}
    assert lists["E2:E1048576"] == '"' + ",".join(LABELS[OrgType].values()) + '"'
    assert lists["O2:O1048576"] == '"是,否"'
    budget = book["预算明细"]
    assert [c.value for c in budget[1]] == BUDGET_HEADERS
    assert '"人员费,活动费,宣传费,管理费,其他"' in [v.formula1 for v in budget.data_validations.dataValidation]
    notes = "\n".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row if c.value)
    assert "项目序号" in notes and "文本格式" in notes and "错误说明" in notes
    workbooks.write_template("organizations", tmp_path / "o.xlsx")
    assert openpyxl.load_workbook(tmp_path / "o.xlsx").sheetnames == ["机构信息", "填写说明"]


@pytest.mark.parametrize("engine", ENGINES)
def test_filled_template_imports_organizations_and_proposals(database: Database, tmp_path: Path,
                                                             engine: str) -> None:
    """template → fill in (the template itself with openpyxl, or the same headers with xlsxwriter) → import."""
    competition = make_competition(database)
    register(database, 1)
    sheets = {
        "申报项目": table(PROPOSAL_HEADERS, [proposal_values(1, uscc(1)), proposal_values(2, uscc(2).lower())]),
        "预算明细": table(BUDGET_HEADERS, [*budget_values(1), *budget_values(2)]),
        "机构信息": table(ORG_HEADERS, [org_values(2)]),
    }
    path = tmp_path / "filled.xlsx"
    if engine == "openpyxl":
        workbooks.write_template("proposals", path)
        book = openpyxl.load_workbook(path)
        for name, rows in sheets.items():
            for row in rows[1:]:
                book[name].append(row)
        book.save(path)
    else:
        write_book(path, sheets, engine)
    result = workbooks.import_workbook(database, "proposals", path, competition_id=competition, submit=True)
    assert (result.organizations, result.proposals, result.budget_lines) == (1, 2, 4)
    assert result.intake_numbers == ("2026-001", "2026-002")
    with database.read() as s:
        proposals = s.scalars(select(Proposal).order_by(Proposal.id)).all()
        first = proposals[0]
        assert first.status is ProposalStatus.SUBMITTED and first.submitted_on == dt.date.today()
        assert (first.title, first.domain, first.start_month, first.end_month) == (
            "银龄互助计划1", ServiceDomain.ELDERLY, dt.date(2026, 5, 1), dt.date(2026, 12, 1))
        assert (first.requested_fen, first.matching_fen, first.total_budget_fen) == (5_000_000, 1_200_050, 6_200_050)
        lines = s.scalars(select(BudgetLine).where(BudgetLine.proposal_id == first.id).order_by(BudgetLine.seq)).all()
        assert [(b.category, b.item, b.unit_price_fen, b.quantity, b.amount_fen, b.note) for b in lines] == [
            (BudgetCategory.PERSONNEL, "社工补贴", 300_000, 10, 3_000_000, ""),
            (BudgetCategory.ACTIVITY, "活动物料", 0, 1, 3_200_050, "按实结算")]
        new = organizations.find_by_uscc(s, uscc(2))
        assert new is not None and proposals[1].organization_id == new.id
        assert (new.org_type, new.registered_on, new.rating, new.bank_account) == (
            OrgType.SERVICE_AGENCY, dt.date(2019, 5, 18), Rating.A3, "6228480012345678901")


def test_drafts_need_only_what_a_draft_needs(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database, CompetitionStatus.REVIEW)
    register(database, 1)
    headers = ["序号", "统一社会信用代码", "项目名称", "申请金额（元）"]
    path = write_book(tmp_path / "d.xlsx", {"申报项目": table(headers, [
        {"序号": "A", "统一社会信用代码": uscc(1), "项目名称": "草稿"}])})
    result = workbooks.import_workbook(database, "proposals", path, competition_id=competition)
    assert (result.proposals, result.budget_lines, result.intake_numbers) == (1, 0, ())
    with database.read() as s:
        draft = s.scalars(select(Proposal)).one()
        assert (draft.status, draft.intake_number, draft.requested_fen) == (ProposalStatus.DRAFT, None, 0)


# --- exports ---------------------------------------------------------------------------------------------


def test_export_then_import_into_an_empty_database_gives_the_same_organizations(
        database: Database, tmp_path: Path) -> None:
    source = open_database(tmp_path / "demo.db")
    try:
        create_demo(source)
        path = tmp_path / "orgs.xlsx"
        assert workbooks.export_list(source, "organizations", path) == 44
        assert workbooks.import_workbook(database, "organizations", path).organizations == 44
        assert _organizations(database) == _organizations(source)
    finally:
        source.close()


def _organizations(db: Database) -> dict[str, tuple[object, ...]]:
    with db.read() as s:
        return {o.uscc or o.registration_number or o.name: tuple(getattr(o, f) for f in organizations.FIELDS)
                for o in s.scalars(select(Organization))}


def test_exports_write_money_as_yuan_codes_as_text_and_escape_formulas(database: Database, tmp_path: Path) -> None:
    create_demo(database)
    organizations.create(database, organizations.OrganizationData(
        name="=HYPERLINK(\"http://x\",\"点我\")", uscc=uscc(9), contact_name="+1", address="@SUM(A1)",
        contact_phone="13800138000"))
    for kind in ("organizations", "proposals", "needs", "competitions", "judges"):
        path = tmp_path / f"{kind}.xlsx"
        assert workbooks.export_list(database, kind, path) > 0
        sheet = openpyxl.load_workbook(path).worksheets[0]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    sheet = openpyxl.load_workbook(tmp_path / "organizations.xlsx").worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == uscc(9))
    for cell in (row[0], row[7], row[10]):
        assert cell.data_type == "s" and cell.quotePrefix, cell.value  # text, shown as typed, never evaluated
    assert row[0].value.startswith("=HYPERLINK") and row[1].number_format == "@"
    assert row[8].value == "13800138000" and row[8].data_type == "s"
    competition = openpyxl.load_workbook(tmp_path / "competitions.xlsx").worksheets[0]
    pool = competition.cell(2, 6)
    assert (pool.value, pool.number_format) == (2_000_000, "#,##0.00")
    proposals = cells(tmp_path / "proposals.xlsx", "项目列表")
    assert proposals[0][:3] == ["受理编号", "项目名称", "申报机构"]
    with database.read() as s:
        by_number = {p.intake_number: p for p in s.scalars(select(Proposal))}
    for row_values in proposals[1:]:
        if row_values[0]:
            assert Decimal(str(row_values[4])) * 100 == by_number[row_values[0]].requested_fen


def test_export_refuses_an_unwritable_folder(database: Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="Cannot write"):
        workbooks.export_list(database, "judges", tmp_path / "missing" / "j.xlsx")


# --- the error workbook ----------------------------------------------------------------------------------


def test_a_failed_import_writes_nothing_and_an_error_workbook(database: Database, tmp_path: Path) -> None:
    register(database, 3)
    rows = [org_values(1), org_values(2, 成立日期="2026-02-30", 联系电话="12345"), org_values(3),
            org_values(1, 机构名称="重复的机构")]
    path = write_book(tmp_path / "orgs.xlsx", {"机构信息": [["机构花名册"], *table(ORG_HEADERS, rows)]})
    before = dump(database)
    with pytest.raises(WorkbookRejected) as rejected:
        workbooks.import_workbook(database, "organizations", path)
    assert dump(database) == before
    lines = rejected.value.render().splitlines()
    assert lines == [
        "机构信息 row 4, 成立日期: 2026-02-30 is not a valid date (for example 2026-02-28)",
        "机构信息 row 4, 联系电话: 12345 is not a phone number (11-digit mobile, or area code and number)",
        f"机构信息 row 5, 统一社会信用代码: {uscc(3)} is already registered as 已登记机构3",
        f"机构信息 row 6, 统一社会信用代码: {uscc(1)} is repeated: row 3 has it too",
        f"The rows and their problems are in {tmp_path / 'orgs-错误说明.xlsx'}",
    ]
    grid = cells(rejected.value.error_workbook, "机构信息")  # type: ignore[arg-type]
    assert grid[0] == ["机构花名册", *[""] * len(ORG_HEADERS)]  # the rows as they were, at the same numbers
    assert grid[1] == [*ORG_HEADERS, "错误说明"]
    assert grid[2][-1] == ""
    assert grid[3][-1] == ("成立日期: 2026-02-30 is not a valid date (for example 2026-02-28)\n"
                           "联系电话: 12345 is not a phone number (11-digit mobile, or area code and number)")
    assert grid[3][1] == uscc(2) and grid[3][5] == "2026-02-30"
    assert grid[5][-1] == f"统一社会信用代码: {uscc(1)} is repeated: row 3 has it too"
    fixed = openpyxl.load_workbook(rejected.value.error_workbook)  # fix the rows, import the same file again
    sheet = fixed["机构信息"]
    sheet.cell(4, 6).value, sheet.cell(4, 9).value = "2026-02-28", "028-85551234"
    sheet.delete_rows(5, 2)
    fixed.save(path)
    assert workbooks.import_workbook(database, "organizations", path).organizations == 2


def test_error_workbook_uses_the_translator(database: Database, tmp_path: Path) -> None:
    path = write_book(tmp_path / "o.xlsx", {"机构信息": table(ORG_HEADERS, [org_values(1, 年检年度="去年")])})
    preview = workbooks.preview_organizations(database, path)
    target = workbooks.write_error_workbook(preview, tmp_path / "errors.xlsx",
                                            lambda _context, text: text.replace("is not", "不是"))
    assert cells(target, "机构信息")[1][-1] == "年检年度: 去年 不是 a whole number"  # type: ignore[arg-type]


# --- bad input -------------------------------------------------------------------------------------------


def _file_problem(database: Database, path: Path) -> str:
    preview = workbooks.preview_organizations(database, path)
    assert not preview.ok and not preview.rows and workbooks.write_error_workbook(preview) is None
    return only_problem(preview)


def test_files_that_are_not_xlsx_workbooks(database: Database, tmp_path: Path) -> None:
    (tmp_path / "notes.xlsx").write_text("名称,代码\n", encoding="utf-8")
    assert "is not an Excel workbook (.xlsx)" in _file_problem(database, tmp_path / "notes.xlsx")
    with zipfile.ZipFile(tmp_path / "calc.xlsx", "w") as archive:  # an .ods (or .docx) is a zip as well
        archive.writestr("content.xml", "<office:document-content/>")
    assert "is not an Excel workbook (.xlsx)" in _file_problem(database, tmp_path / "calc.xlsx")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert "old Excel 97-2003" in _file_problem(database, tmp_path / "old.xls")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert "is not an Excel workbook" in _file_problem(database, tmp_path / "empty.xlsx")
    (tmp_path / "broken.xlsx").write_bytes((tmp_path / "calc.xlsx").read_bytes()[:40])
    assert "is not an Excel workbook" in _file_problem(database, tmp_path / "broken.xlsx")
    assert "Cannot read" in _file_problem(database, tmp_path / "missing.xlsx")


def test_password_protected_workbook(database: Database, tmp_path: Path) -> None:
    # Encrypted OOXML is an OLE2 compound file holding an "EncryptedPackage" stream (names in UTF-16).
    (tmp_path / "locked.xlsx").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000) + "EncryptedPackage".encode("utf-16-le") + bytes(100))
    assert "protected with a password" in _file_problem(database, tmp_path / "locked.xlsx")


def test_a_really_encrypted_workbook(database: Database, tmp_path: Path) -> None:
    office = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = write_book(tmp_path / "plain.xlsx", {"机构信息": table(ORG_HEADERS, [org_values(1)])})
    with plain.open("rb") as source, (tmp_path / "locked.xlsx").open("wb") as target:
        office.OOXMLFile(source).encrypt("secret", target)
    assert "protected with a password" in _file_problem(database, tmp_path / "locked.xlsx")


def test_a_workbook_from_another_template_names_the_missing_headers(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    path = write_book(tmp_path / "p.xlsx", {"申报项目": table(PROPOSAL_HEADERS, [proposal_values(1, uscc(1))])})
    assert _file_problem(database, path) == (
        "The sheet 申报项目 lacks the required columns 机构名称、组织类型. Is the workbook from another template?")
    orgs = write_book(tmp_path / "o.xlsx", {"Sheet1": table(ORG_HEADERS[:3], [org_values(1)])})
    preview = workbooks.preview_proposals(database, orgs, competition)
    assert only_problem(preview) == ("The sheet Sheet1 lacks the required columns 序号、项目名称、申请金额（元）. "
                                     "Is the workbook from another template?")


def test_a_renamed_sheet_is_found_by_its_headers_and_headers_may_differ_in_brackets(
        database: Database, tmp_path: Path) -> None:
    headers = [h.replace("（", "(").replace("）", ")") for h in ORG_HEADERS]
    headers[0] = "*机构名称"
    path = write_book(tmp_path / "o.xlsx", {"说明": [["见下表"]], "Sheet1": table(headers, [
        {headers[i]: v for i, v in enumerate(org_values(1).get(h) for h in ORG_HEADERS)}])})
    assert workbooks.import_workbook(database, "organizations", path).organizations == 1


def test_empty_sheets(database: Database, tmp_path: Path) -> None:
    workbooks.write_template("organizations", tmp_path / "blank.xlsx")
    assert _file_problem(database, tmp_path / "blank.xlsx") == "The sheet 机构信息 has no rows to import."
    empty = write_book(tmp_path / "empty.xlsx", {"机构信息": []}, "xlsxwriter")
    assert "lacks the required columns 机构名称、统一社会信用代码、组织类型" in _file_problem(database, empty)
    competition = make_competition(database)
    workbooks.write_template("proposals", tmp_path / "p.xlsx")
    preview = workbooks.preview_proposals(database, tmp_path / "p.xlsx", competition)
    assert only_problem(preview) == "The sheet 申报项目 has no rows to import."


@pytest.mark.parametrize("engine", ENGINES)
def test_merged_cells_count_for_every_row_they_cover(database: Database, tmp_path: Path, engine: str) -> None:
    competition = make_competition(database)
    register(database, 1)
    rows = table(PROPOSAL_HEADERS, [proposal_values(n, uscc(1) if n == 1 else None) for n in (1, 2, 3)])
    path = write_book(tmp_path / "m.xlsx", {"申报项目": rows}, engine, merges={"申报项目": [(1, 1, 3, 1)]})
    preview = workbooks.preview_proposals(database, path, competition)
    assert preview.ok, messages(preview)
    assert {p.code for p in preview.proposals} == {uscc(1)}


def test_formulas_count_with_the_values_excel_cached(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    register(database, 1)
    path = tmp_path / "f.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("申报项目")
    ws.write_row(0, 0, PROPOSAL_HEADERS)
    ws.write_row(1, 0, [proposal_values(1, uscc(1))[h] for h in PROPOSAL_HEADERS])
    ws.write_formula(1, 14, "=40000+10000", None, 50000)  # 申请金额, as Excel saves it: formula and value
    ws.write_formula(1, 6, "=1/0", None, "#DIV/0!")  # 直接受益人数: an error value reads as empty
    budget = book.add_worksheet("预算明细")
    budget.write_row(0, 0, BUDGET_HEADERS)
    budget.write_row(1, 0, [1, None, "人员费", "社工补贴", 3000, 10])
    budget.write_formula(1, 6, "=E2*F2", None, 30000)
    budget.write_row(2, 0, [1, None, "活动费", "物料", None, None, 32000.5])
    book.close()
    preview = workbooks.preview_proposals(database, path, competition, submit=True)
    assert messages(preview) == ["申报项目 row 2, 直接受益人数: enter the number of direct beneficiaries"]
    assert preview.proposals[0].data.requested_fen == 5_000_000
    assert preview.proposals[0].data.total_budget_fen == 6_200_050


def test_formulas_without_cached_values_read_as_empty(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    register(database, 1)
    values = proposal_values(1, uscc(1), **{"申请金额（元）": "=SUM(1,2)"})
    path = write_book(tmp_path / "f.xlsx", {"申报项目": table(PROPOSAL_HEADERS, [values])})  # openpyxl: no cache
    preview = workbooks.preview_proposals(database, path, competition, submit=True)
    assert "申报项目 row 2, 申请金额（元）: enter the amount requested" in messages(preview)


def test_ten_thousand_characters_are_over_a_field_limit(database: Database, tmp_path: Path) -> None:
    long = "长" * 10_000
    rows = [org_values(1, 机构名称=long), org_values(2, 地址=long, 简介=long)]
    path = write_book(tmp_path / "o.xlsx", {"机构信息": table(ORG_HEADERS, rows)}, "xlsxwriter")
    assert messages(workbooks.preview_organizations(database, path)) == [
        "机构信息 row 2: 机构名称 is longer than 100 characters",
        "机构信息 row 3: 地址 is longer than 200 characters",
        "机构信息 row 3: 简介 is longer than 500 characters",
    ]


def test_an_over_long_budget_item_is_reported_once_on_its_own_row(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    register(database, 1)
    lines = budget_values(1)
    lines[1]["明细"] = "长" * 10_000
    path = write_book(tmp_path / "p.xlsx", {"申报项目": table(PROPOSAL_HEADERS, [proposal_values(1, uscc(1))]),
                                            "预算明细": table(BUDGET_HEADERS, lines)}, "xlsxwriter")
    preview = workbooks.preview_proposals(database, path, competition, submit=True)
    assert messages(preview) == ["预算明细 row 3: 明细 is longer than 100 characters"]
    (problem,) = preview.problems
    assert (problem.sheet, problem.row, problem.column) == ("预算明细", 3, "明细")


def test_codes_typed_as_numbers(database: Database, tmp_path: Path) -> None:
    rows = [org_values(1, 银行账号=6228480012345678901, 联系电话=13800138000), org_values(2, 银行账号=12345678)]
    path = write_book(tmp_path / "o.xlsx", {"机构信息": table(ORG_HEADERS, rows)}, "xlsxwriter")
    preview = workbooks.preview_organizations(database, path)
    assert messages(preview) == ["机构信息 row 2, 银行账号: 6.228480012345679e+18 was typed as a number and Excel "
                                 "dropped digits; format the column as text and type it again"]
    assert preview.organizations[0].data.contact_phone == "13800138000"
    assert preview.organizations[1].data.bank_account == "12345678"


def test_bad_money_counts_choices_and_months(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    register(database, 1)
    rows = [proposal_values(1, uscc(1), **{"申请金额（元）": -500, "配套资金（元）": "五万", "直接受益人数": 12.5,
                                           "服务领域": "养老", "开始月份": "2026-13", "间接受益人数": -3}),
            proposal_values(2, uscc(1), **{"申请金额（元）": "1.234", "配套资金（元）": 10**13})]
    path = write_book(tmp_path / "p.xlsx", {"申报项目": table(PROPOSAL_HEADERS, rows)})
    assert messages(workbooks.preview_proposals(database, path, competition)) == [
        "申报项目 row 2, 服务领域: 养老 is not one of: 为老服务、儿童青少年、助残服务、困难群体帮扶、社区治理、"
        "文化体育、环境保护、健康服务、志愿服务、其他",
        "申报项目 row 2, 直接受益人数: 12.5 is not a whole number",
        "申报项目 row 2, 开始月份: 2026-13 is not a valid month (for example 2026-03)",
        "申报项目 row 2, 配套资金（元）: 五万 is not an amount in yuan",
        "申报项目 row 2: 申请金额（元） cannot be negative",
        "申报项目 row 2: 间接受益人数 cannot be negative",
        "申报项目 row 3, 申请金额（元）: 1.234 is not an amount in yuan",
        "申报项目 row 3: 配套资金（元） is too large",
    ]


def test_budget_that_does_not_add_up_and_broken_links(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    register(database, 1)
    lines = [*budget_values(1), {"项目序号": 7, "类别": "其他", "明细": "无主"},
             {"项目序号": 2, "项目名称": "别的项目", "类别": "管理费", "明细": "房租", "数量": -1, "单价（元）": 10},
             {"项目序号": 2, "明细": "没有类别", "金额（元）": 5}]
    path = write_book(tmp_path / "p.xlsx", {
        "申报项目": table(PROPOSAL_HEADERS, [proposal_values(1, uscc(1), **{"配套资金（元）": 0}),
                                             proposal_values(2, uscc(1)), proposal_values(2, uscc(5))]),
        "预算明细": table(BUDGET_HEADERS, lines)})
    draft = workbooks.preview_proposals(database, path, competition)
    submitted = workbooks.preview_proposals(database, path, competition, submit=True)
    expected = [
        "申报项目 row 4, 序号: 2 is repeated: row 3 has it too",
        f"申报项目 row 4, 统一社会信用代码: no organization with the code {uscc(5)} is registered or listed on the "
        "sheet 机构信息",
        "预算明细 row 4, 项目序号: no project on the sheet 申报项目 has the number 7",
        "预算明细 row 5, 项目名称: project 2 on the sheet 申报项目 is called 银龄互助计划2",
        "预算明细 row 5: budget line 1: quantity cannot be negative",
        "预算明细 row 5: budget line 1: amounts cannot be negative",
        "预算明细 row 6: 类别 is required",
    ]
    assert messages(draft) == expected
    add_up = ("申报项目 row 2, 申请金额（元）: the budget does not add up: requested 50,000.00 + matching 0.00 yuan "
              "should equal the budget lines' total 62,000.50 yuan")
    assert add_up in messages(submitted)
    assert "申报项目 row 3: the budget has no lines" not in messages(submitted)  # its one line has a problem


def test_submitting_into_a_closed_competition_is_refused(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database, CompetitionStatus.REVIEW)
    with pytest.raises(ValidationError, match="no longer accepts applications"):
        workbooks.preview_proposals(database, tmp_path / "any.xlsx", competition, submit=True)
    with pytest.raises(ValidationError, match="There is no competition with number 99"):
        workbooks.preview_proposals(database, tmp_path / "any.xlsx", 99)


def test_commit_checks_the_database_again(database: Database, tmp_path: Path) -> None:
    path = write_book(tmp_path / "o.xlsx", {"机构信息": table(ORG_HEADERS, [org_values(1), org_values(2)])})
    preview = workbooks.preview_organizations(database, path)
    assert preview.ok
    register(database, 2)  # someone registers one of the codes meanwhile
    before = dump(database)
    with pytest.raises(WorkbookRejected) as rejected:
        workbooks.commit(database, preview)
    assert rejected.value.render() == (
        f"机构信息 row 3, 统一社会信用代码: {uscc(2)} is already registered as 已登记机构2")
    assert dump(database) == before


def test_intake_numbers_continue_after_the_ones_in_use(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    register(database, 1)
    path = write_book(tmp_path / "p.xlsx", {
        "申报项目": table(PROPOSAL_HEADERS, [proposal_values(n, uscc(1)) for n in (1, 2)]),
        "预算明细": table(BUDGET_HEADERS, [*budget_values(1), *budget_values(2)])})
    first = workbooks.import_workbook(database, "proposals", path, competition_id=competition, submit=True)
    again = workbooks.import_workbook(database, "proposals", path, competition_id=competition, submit=True)
    assert first.intake_numbers + again.intake_numbers == ("2026-001", "2026-002", "2026-003", "2026-004")


# --- the command line ------------------------------------------------------------------------------------


def test_cli_template_import_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.db")
    assert cli.main(["--db", db, "template", "organizations", str(tmp_path / "t.xlsx")]) == 0
    good = write_book(tmp_path / "good.xlsx", {"机构信息": table(ORG_HEADERS, [org_values(1)])})
    assert cli.main(["--db", db, "import", "organizations", str(good)]) == 0
    assert "organizations: 1" in capsys.readouterr().out
    assert cli.main(["--db", db, "import", "organizations", str(good), "--errors", str(tmp_path / "e.xlsx")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"机构信息 row 2, 统一社会信用代码: {uscc(1)} is already registered as 望江社工服务中心1号",
                   f"The rows and their problems are in {tmp_path / 'e.xlsx'}"]
    assert (tmp_path / "e.xlsx").exists()
    assert cli.main(["--db", db, "export", "organizations", str(tmp_path / "out.xlsx")]) == 0
    assert "rows: 1" in capsys.readouterr().out
    assert cli.main(["--db", db, "import", "proposals", str(good), "--competition", "5"]) == 2
    assert capsys.readouterr().err.strip() == "There is no competition with number 5."


def test_cli_submits_proposals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "cli.db"
    database = open_database(db_path)
    try:
        competition = make_competition(database)
        register(database, 1)
    finally:
        database.close()
    path = write_book(tmp_path / "p.xlsx", {"申报项目": table(PROPOSAL_HEADERS, [proposal_values(1, uscc(1))]),
                                            "预算明细": table(BUDGET_HEADERS, budget_values(1))}, "xlsxwriter")
    argv = ["--db", str(db_path), "import", "proposals", str(path), "--competition", str(competition), "--submit"]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.splitlines() == [
        "organizations: 0", "proposals: 1", "budget lines: 2", "intake number: 2026-001"]


# --- fuzzing ---------------------------------------------------------------------------------------------
# A sound workbook, then random damage: lost or renamed headers, shuffled columns, cells of any type (formulas,
# 10,000 characters, impossible dates, huge numbers, control characters), repeated rows (repeated credit codes and
# 序号), title rows, merged cells, renamed, missing or empty sheets; or bytes that are no workbook at all.

LONG = "长" * 10_000
ODD_TEXT = ["2026-02-30", "abc", "-5", "1,234.50", "3万", "=1+1", "=SUM(A1:A3)", "@x", "是", "否", "社会团体", "3A",
            "9" * 18, LONG, "", "  ", "合格", "为老服务", "人员费", "2026年3月", "13800138000", "\x00\x07控制符"]
CELL = st.one_of(
    st.none(), st.text(max_size=20), st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.sampled_from(ODD_TEXT),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.integers(0, 12).map(uscc),
)
Grid = list[list[object]]
RANDOM_BYTES = st.one_of(st.binary(max_size=300), st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),
                         st.binary(max_size=300).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b))


def _rarely(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in one_in draws (st.integers would favour its bounds); shrinks to False."""
    return draw(st.sampled_from([*[False] * (one_in - 1), True]))


def _damage(draw: st.DrawFn, grid: Grid) -> tuple[Grid, list[tuple[int, int, int, int]]]:
    grid = [list(row) for row in grid]
    width = len(grid[0])
    harm = draw(st.sampled_from(["cells", "cells", "cells", "lost header", "renamed header", "shuffled",
                                 "repeated row", "headers only"]))
    if harm == "lost header":
        grid[0][draw(st.integers(0, width - 1))] = None
    elif harm == "renamed header":
        grid[0][draw(st.integers(0, width - 1))] = draw(st.sampled_from(["备注", "错误说明", "名称", "序号", ""]))
    elif harm == "shuffled":
        order = draw(st.permutations(range(width)))
        grid = [[row[i] for i in order] for row in grid]
    elif harm == "repeated row" and len(grid) > 1:
        grid.append(list(grid[draw(st.integers(1, len(grid) - 1))]))
    elif harm == "headers only":
        grid = grid[:1]
    for _ in range(draw(st.integers(0, 3))):
        grid[draw(st.integers(0, len(grid) - 1))][draw(st.integers(0, width - 1))] = draw(CELL)
    if _rarely(draw, 6):
        grid.insert(0, [draw(st.sampled_from(["申报汇总表", None]))])
    merges = []
    if _rarely(draw, 4):
        top, left = draw(st.integers(0, len(grid) - 1)), draw(st.integers(0, width - 1))
        merges.append((top, left, top + draw(st.integers(0, 3)), left + draw(st.integers(1, 2))))
    return grid, merges


@st.composite
def damaged_books(draw: st.DrawFn, sound: dict[str, Grid]) -> tuple[dict[str, Grid], dict[str, list[Any]]] | bytes:
    if _rarely(draw, 12):
        return draw(RANDOM_BYTES)
    grids: dict[str, Grid] = {}
    merges: dict[str, list[Any]] = {}
    for name, grid in sound.items():
        if _rarely(draw, 12):
            continue  # a sheet missing
        new_name = f"Sheet{len(grids) + 1}" if _rarely(draw, 6) else name
        grids[new_name], merges[new_name] = _damage(draw, grid) if _rarely(draw, 2) else (grid, [])
    if _rarely(draw, 6):
        grids["空白"] = []  # an empty sheet
    return grids, merges


def _write_damaged(path: Path, book: tuple[dict[str, Grid], dict[str, list[Any]]] | bytes, engine: str) -> None:
    if isinstance(book, bytes):
        path.write_bytes(book)
    else:
        write_book(path, book[0], engine, merges=book[1])


def _check(database: Database, preview_of: Callable[[], ImportPreview], tmp_path: Path) -> None:
    """Either everything goes in, or nothing does and every problem is reported."""
    before = dump(database)
    preview = preview_of()
    event("imported" if preview.ok else "file refused" if preview.file_problems else "rows refused")
    if preview.ok:
        result = workbooks.commit(database, preview)
        assert result.organizations == len(preview.organizations)
        assert result.proposals == len(preview.proposals)
        return
    assert preview.problems and all(line for line in preview.render())
    with pytest.raises(WorkbookRejected):
        workbooks.commit(database, preview)
    errors = workbooks.write_error_workbook(preview, tmp_path / "errors.xlsx")
    assert errors is None or errors.exists()
    assert dump(database) == before


NEW_CODES = st.lists(st.integers(100, 10**6), min_size=1, max_size=5, unique=True)  # not registered yet


def test_fuzzed_organization_workbooks(database: Database, tmp_path: Path) -> None:
    register(database, 0)
    path = tmp_path / "fuzz.xlsx"

    @FUZZ
    @given(NEW_CODES.flatmap(lambda ns: damaged_books({"机构信息": table(ORG_HEADERS, [org_values(n) for n in ns])})),
           st.sampled_from(ENGINES))
    def run(book: Any, engine: str) -> None:
        _write_damaged(path, book, engine)
        _check(database, lambda: workbooks.preview_organizations(database, path), tmp_path)

    run()


def _sound_proposals(codes: list[int]) -> dict[str, Grid]:
    """One proposal per code; codes below 3 are registered, the others are listed on 机构信息."""
    seqs = range(1, len(codes) + 1)
    proposals = [proposal_values(s, uscc(c)) for s, c in zip(seqs, codes, strict=True)]
    return {"申报项目": table(PROPOSAL_HEADERS, proposals),
            "预算明细": table(BUDGET_HEADERS, [line for s in seqs for line in budget_values(s)]),
            "机构信息": table(ORG_HEADERS, [org_values(c) for c in codes if c >= 3])}


def test_fuzzed_proposal_workbooks(database: Database, tmp_path: Path) -> None:
    competition = make_competition(database)
    register(database, 0, 1, 2)
    path = tmp_path / "fuzz.xlsx"
    codes = st.lists(st.one_of(st.integers(0, 2), st.integers(100, 10**6)), min_size=1, max_size=4)

    @FUZZ
    @given(codes.flatmap(lambda cs: damaged_books(_sound_proposals(cs))), st.sampled_from(ENGINES), st.booleans())
    def run(book: Any, engine: str, submit: bool) -> None:
        _write_damaged(path, book, engine)
        _check(database, lambda: workbooks.preview_proposals(database, path, competition, submit=submit), tmp_path)

    run()
