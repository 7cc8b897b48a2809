"""The intake flow as staff use it: register an organization, key in an application, submit it, screen it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from psp_desktop import i18n
from psp_desktop.db import Database, open_database
from psp_desktop.enums import BudgetCategory, ProposalStatus, ScreeningOutcome
from psp_desktop.models import Competition
from psp_desktop.services import lists, organizations, proposals, screening
from psp_desktop.ui.budget_model import AMOUNT, CATEGORY, ITEM, QUANTITY, UNIT_PRICE


@pytest.fixture
def db(demo_file: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A private copy of the demo, so writes do not leak into other tests."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    database = open_database(path)
    i18n.install("zh_CN")
    yield database
    database.close()


def test_register_an_organization_with_mistakes_then_correctly(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.organization_dialog import OrganizationDialog

    dialog = OrganizationDialog(db)
    qtbot.addWidget(dialog)
    dialog.name.setText("望江街道银龄互助社")
    dialog.uscc.setText("91110000600037341M")
    dialog.contact_phone.setText("12345")
    dialog.save()
    assert dialog.result() == 0 and not dialog.banner.isHidden()
    assert "91110000600037341M" in dialog.banner.text() and "12345" in dialog.banner.text()
    assert dialog.uscc.styleSheet() and dialog.contact_phone.styleSheet()
    dialog.uscc.setText("91110000600037341L")
    dialog.contact_phone.setText("028-85123456")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.saved_id is not None
    data, _version = organizations.load(db, dialog.saved_id)
    assert data.name == "望江街道银龄互助社" and data.uscc == "91110000600037341L"


def test_a_registered_credit_code_offers_the_existing_record(qtbot, db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.organization_dialog import OrganizationDialog

    existing = lists.organizations(db)[0]
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, _t, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes)
    dialog = OrganizationDialog(db)
    qtbot.addWidget(dialog)
    dialog.name.setText("重复登记的机构")
    dialog.uscc.setText(existing.uscc)
    dialog.save()
    assert asked and existing.name in asked[0]
    assert dialog.organization_id == existing.id and dialog.name.text() == existing.name
    assert len(lists.organizations(db)) == len(lists.organization_choices(db))


def _fill_application(dialog, organization_id: int) -> None:  # type: ignore[no-untyped-def]
    dialog.organization.setCurrentIndex(dialog.organization.findData(organization_id))
    dialog.title.setText("“银龄课堂”老年人数字生活助力行动")
    dialog.target_group.setText("辖区60岁以上老年人")
    dialog.location.setText("望江街道锦苑社区")
    dialog.direct_beneficiaries.setValue(120)
    dialog.start_month.set_month(dt.date(2026, 7, 1))
    dialog.end_month.set_month(dt.date(2027, 3, 1))
    for name, text in (("summary", "开展智能手机使用培训"), ("need_analysis", "老年人不会使用智能手机就医"),
                       ("objectives", "培训老人120名"), ("activity_plan", "每周两次小组课程")):
        getattr(dialog, name).setPlainText(text)
    model = dialog.budget
    for category, item, price, quantity in ((BudgetCategory.PERSONNEL, "讲师劳务费", "300", "40"),
                                            (BudgetCategory.ACTIVITY, "教学手机及耗材", "8000", "1")):
        model.add()
        row = model.rowCount() - 1
        model.setData(model.index(row, CATEGORY), category)
        model.setData(model.index(row, ITEM), item)
        model.setData(model.index(row, UNIT_PRICE), price)
        model.setData(model.index(row, QUANTITY), quantity)
    dialog.requested_fen.setText("16000")
    dialog.matching_fen.setText("3000")


def test_key_in_and_submit_an_application(qtbot, db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.proposal_dialog import ProposalDialog

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, _t, text, *a: told.append(text) or QMessageBox.StandardButton.No)
    organization = lists.organizations(db)[0]
    dialog = ProposalDialog(db)
    qtbot.addWidget(dialog)
    _fill_application(dialog, organization.id)
    assert dialog.budget.data(dialog.budget.index(0, AMOUNT)) == "12,000.00"
    assert dialog.balance.styleSheet() == "color: #c62828;"  # shown in red before anything is saved
    dialog.submit()
    assert not dialog.banner.isHidden() and not told  # 16,000 + 3,000 ≠ 20,000: refused by the service
    dialog.matching_fen.setText("4000")
    dialog.received_on.set_value(dt.date(2026, 5, 6))
    dialog.submit()
    assert "2026-04-10" in dialog.banner.text() and not told  # received after the closing date: refused
    dialog.received_on.set_value(dt.date(2026, 4, 8))  # a paper form received in time, keyed in later
    dialog.submit()
    assert told and "2026-WJ-" in told[0]
    header = proposals.header(db, dialog.proposal_id)
    assert header.status == ProposalStatus.SUBMITTED and header.total_budget_fen == 2_000_000


def test_screen_an_application(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.screening_dialog import ScreeningDialog

    waiting = next(r for r in lists.proposal_rows(db, lists.proposal_ids(db))
                   if r.status == ProposalStatus.SUBMITTED and "助残" not in r.title)
    dialog = ScreeningDialog(db, waiting.id, "刘晓燕")
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() >= 5  # the automatic checks ran on opening
    automatic_ok = all(c.passed for c in dialog.results if not c.manual)
    dialog.decide()
    assert not dialog.banner.isHidden()  # the checklist is not answered yet
    for code, (answer, note) in dialog.manual_rows.items():
        answer.setCurrentIndex(answer.findData(True))
        note.setText("已核对原件")
        dialog.save_manual(code)
    for button in dialog.outcomes.buttons():
        button.setChecked(button.property("outcome") == ScreeningOutcome.ELIGIBLE.value)
    dialog.decide()
    status = proposals.header(db, waiting.id).status
    assert status == (ProposalStatus.ELIGIBLE if automatic_ok else ProposalStatus.SUBMITTED)
    assert screening.screening_list(db, 1)


def test_organization_history_shows_in_its_dialog(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.organization_dialog import OrganizationDialog

    applicant = next(r for r in lists.organizations(db) if r.proposals)
    dialog = OrganizationDialog(db, applicant.id)
    qtbot.addWidget(dialog)
    assert dialog.history_model.rowCount() == applicant.proposals
    assert dialog.history_view.model().headerData(1, Qt.Orientation.Horizontal) == "所属大赛"


def test_competition_rules_are_set_in_its_dialog(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.services import competitions
    from psp_desktop.ui.dialogs.competition_dialog import CompetitionDialog

    dialog = CompetitionDialog(db, 1)
    qtbot.addWidget(dialog)
    assert dialog.require_bank_account.isChecked() and dialog.max_proposals_per_org.value() == 2
    dialog.intake_pattern.setText("2026-WJ")  # no {seq}: every application would get the same number
    dialog.save()
    assert not dialog.banner.isHidden() and dialog.intake_pattern.styleSheet()
    dialog.intake_pattern.setText("{year}-GL-{seq:03d}")
    assert "2026-GL-001" in dialog.intake_example.text()
    dialog.management_fee_cap_percent.setValue(8)
    dialog.manual_checks.setPlainText("项目属于章程业务范围\n申报材料齐全\n已签署廉洁承诺书")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    data, _version = competitions.load(db, 1)
    assert data.intake_pattern == "{year}-GL-{seq:03d}" and data.screening.management_fee_cap_percent == 8
    assert [item["label"] for item in data.screening.manual_checks][-1] == "已签署廉洁承诺书"
    assert screening.manual_items_for(db, lists.proposal_ids(db, competition_id=1)[0])[-1][1] == "已签署廉洁承诺书"


def test_the_monitoring_and_evaluation_rules_are_set_on_the_competition(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.services import monitoring
    from psp_desktop.services.evaluation_rules import rules_of
    from psp_desktop.ui.dialogs.competition_dialog import CompetitionDialog

    dialog = CompetitionDialog(db, 1)
    qtbot.addWidget(dialog)
    spins = dialog.follow_up_spins
    assert (spins["report_every_months"].value(), spins["grace_days"].value(), spins["pass_points"].value()) == (
        3, 7, 60)  # the defaults the services use
    spins["good_points"].setValue(50)  # below the pass mark: refused, naming the thresholds
    dialog.save()
    assert not dialog.banner.isHidden() and dialog.result() != QDialog.DialogCode.Accepted
    for name, value in (("good_points", 85), ("report_every_months", 2), ("grace_days", 5), ("clawback_percent", 30),
                        ("bar_years", 2), ("objection_days", 10)):
        spins[name].setValue(value)
    dialog.late_report_fails_gate.setChecked(False)
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with db.read() as s:
        rules = s.get(Competition, 1).rules
    assert monitoring.rules_from(rules) == monitoring.Rules(2, 5, False)  # what the services now read
    read = rules_of(rules)
    assert (read.grades.good_x100, read.objection_days, read.on_fail.clawback_percent_x100, read.on_fail.bar_years) \
        == (8500, 10, 3000, 2)
    assert rules["tranche_template"] and rules["require_bank_account"]  # the other settings are kept


def test_team_members_are_added_in_the_organization_dialog(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.organization_dialog import OrganizationDialog

    applicant = lists.organizations(db)[0]
    dialog = OrganizationDialog(db, applicant.id)
    qtbot.addWidget(dialog)
    before = dialog.staff_model.rowCount()
    dialog.staff_model.add()
    row = dialog.staff_model.rowCount() - 1
    dialog.staff_model.setData(dialog.staff_model.index(row, 0), "王晓红")
    dialog.staff_model.setData(dialog.staff_model.index(row, 2), "中级社会工作师")
    dialog.save()
    data, _version = organizations.load(db, applicant.id)
    assert len(data.staff) == before + 1 and data.staff[-1].name == "王晓红"


def _organizations_workbook(path: Path, rows: list[dict[str, str]]) -> Path:
    import openpyxl

    from psp_desktop.services import workbooks

    workbooks.write_template("organizations", path)
    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[0]]
    headers = [cell.value for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(str(h)) for h in headers])
    book.save(path)
    return path


def test_workbook_import_shows_every_problem_then_imports_a_clean_file(qtbot, db: Database, tmp_path,  # type: ignore[no-untyped-def]
                                                                      monkeypatch) -> None:
    from psp_desktop.services.workbooks import TemplateKind
    from psp_desktop.ui.dialogs.workbook_import_dialog import WorkbookImportDialog

    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    bad = _organizations_workbook(tmp_path / "bad.xlsx", [
        {"机构名称": "临江区新苗社会工作服务中心", "统一社会信用代码": "91110000600037341M", "组织类型": "社会服务机构",
         "成立日期": "2026-02-30"}])
    dialog = WorkbookImportDialog(db, bad, TemplateKind.ORGANIZATIONS)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    lines = [dialog.model.row_at(i) for i in range(dialog.model.rowCount())]
    assert {line.column for line in lines} >= {"成立日期", "统一社会信用代码"} and all(line.row == 2 for line in lines)
    assert not dialog.import_button.isEnabled()
    before = len(lists.organizations(db))
    good = _organizations_workbook(tmp_path / "good.xlsx", [
        {"机构名称": "临江区新苗社会工作服务中心", "统一社会信用代码": "91110000600037341L", "组织类型": "社会服务机构",
         "成立日期": "2020-02-28"}])
    dialog = WorkbookImportDialog(db, good, TemplateKind.ORGANIZATIONS)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
    dialog.commit()
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=10_000)
    assert len(lists.organizations(db)) == before + 1
