"""The Funding page's money tabs as finance uses them on a signed award: a failed mid-term evaluation withholds
its tranche, the first tranche is approved and paid, paying twice is refused with nothing written, money is clawed
back; matching funds received lift the 滞后 flag; the cash flow chart renders and exports. Refusals show in the
tab's or the dialog's banner and write nothing; people without the permission do not see the buttons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTabWidget, QVBoxLayout, QWidget
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from psp_desktop import i18n
from psp_desktop.db import Database, open_database
from psp_desktop.enums import (
    AwardStatus,
    CompetitionStatus,
    OrgType,
    ProposalStatus,
    Role,
    ServiceDomain,
    TrancheStatus,
)
from psp_desktop.models import (
    AuditEntry,
    Award,
    Clawback,
    Community,
    Competition,
    MatchingFundReceipt,
    Organization,
    Payment,
    Proposal,
)
from psp_desktop.services import finance, tranches
from psp_desktop.services.access import Actor, allowed
from psp_desktop.ui import funding_money, matching_tab
from psp_desktop.ui.cash_flow_tab import CashFlowTab
from psp_desktop.ui.charts import BarChart, Series, label_step, nice_ticks
from psp_desktop.ui.funding_money import ActionDialog
from psp_desktop.ui.labels import label
from psp_desktop.ui.matching_tab import MatchingTab
from psp_desktop.ui.tranches_tab import TranchesTab

translate = QCoreApplication.translate
TODAY = dt.date.today()
SIGNED_ON = TODAY - dt.timedelta(days=60)  # the first tranche was expected 45 days ago: overdue
SHOTS = Path("/tmp/shots6")


class StubPage(QWidget):
    """What the tabs need of the Funding page (see ui/pages/funding.py): db, guard, funding_changed."""

    funding_changed = Signal()

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.guarded: list[tuple[Any, Any]] = []
        self.tabs = QTabWidget(self)
        QVBoxLayout(self).addWidget(self.tabs)

    def guard(self, widget: Any, permission: Any) -> None:
        self.guarded.append((widget, permission))
        widget.setVisible(self.db is not None and allowed(self.db, permission))

    def apply_permissions(self) -> None:
        for widget, permission in self.guarded:
            widget.setVisible(self.db is not None and allowed(self.db, permission))


# --- the database ------------------------------------------------------------------------------------------------


def _funded(db: Database) -> dict[str, int]:
    """A competition with two signed awards on the 40/40/20 schedule (on signing, mid-term, final)."""
    start = (TODAY - dt.timedelta(days=70)).replace(day=1)
    with db.write() as s:
        competition = Competition(name="2025年望江街道社区公益创投大赛", year=2025,
                                  status=CompetitionStatus.IMPLEMENTING, pool_fen=100_000_000, min_matching_percent=20,
                                  rules={})
        community = Community(district="锦江区", street="望江街道", name="望江社区")
        s.add_all([competition, community])
        s.flush()
        ids = {"competition": competition.id}
        for key, org_name, title, amount, matching in (
                ("a", "望江阳光社工服务中心", "银龄互助·智慧助老服务计划", 10_000_000, 4_000_000),
                ("b", "锦华社区志愿者协会", "四点半课堂", 6_000_000, 1_500_000)):
            org = Organization(name=org_name, org_type=OrgType.SERVICE_AGENCY, bank_name="中国工商银行成都望江支行",
                               bank_account="6222 0244 0201 1234 567")
            s.add(org)
            s.flush()
            proposal = Proposal(competition_id=competition.id, organization_id=org.id, title=title,
                                domain=ServiceDomain.ELDERLY if key == "a" else ServiceDomain.CHILDREN,
                                status=ProposalStatus.AWARDED, intake_number=f"2025-00{len(ids)}",
                                requested_fen=amount, matching_fen=matching, total_budget_fen=amount + matching,
                                start_month=start, end_month=tranches.add_months(start, 11),
                                community_id=community.id if key == "a" else None)
            s.add(proposal)
            s.flush()
            award = Award(proposal_id=proposal.id, competition_id=competition.id, rank=len(ids), amount_fen=amount,
                          matching_committed_fen=matching, status=AwardStatus.COMMITTED)
            s.add(award)
            s.flush()
            tranches.apply_template(s, award, tranches.TEMPLATES["40/40/20"][1])
            ids[key] = award.id
            ids[key + "_tranches"] = [t.id for t in award.tranches]  # type: ignore[assignment]
    for key in ("a", "b"):
        tranches.sign(db, ids[key], SIGNED_ON)
    return ids


@pytest.fixture
def funded(tmp_path: Path) -> Iterator[tuple[Database, dict[str, Any]]]:
    i18n.install("zh_CN")
    db = open_database(tmp_path / "funded.db")
    ids = _funded(db)
    yield db, ids
    db.close()


def _count(db: Database, model: type) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _tab(qtbot, db: Database, cls: type, competition_id: int | None):  # type: ignore[no-untyped-def]
    page = StubPage(db)
    qtbot.addWidget(page)
    tab = cls(page)
    page.tabs.addTab(tab, cls.__name__)
    page.funding_changed.connect(tab.refresh)
    page.resize(1280, 760)
    page.show()
    with qtbot.waitSignal(tab.loaded, timeout=20_000):
        tab.set_competition(competition_id)
    return page, tab


def _reloaded(qtbot, tab, action: Callable[[], Any]) -> Any:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tab.loaded, timeout=20_000):
        result = action()
    return result


def _select_tranche(tab: TranchesTab, tranche_id: int) -> None:
    funding_money.select_where(tab.view, tab.model, lambda r: r.tranche_id == tranche_id)
    assert tab.selected() is not None and tab.selected().tranche_id == tranche_id


def _row(tab: TranchesTab, tranche_id: int) -> finance.TrancheRow:
    return next(r for r in tab.data.every if r.tranche_id == tranche_id)


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[ActionDialog]]:
    """answer(key=value, ...): the next dialogs are filled with the values and OK is pressed once; the dialogs
    shown are returned (a refused one stays open with its banner)."""
    shown: list[ActionDialog] = []

    def answer(**values: Any) -> list[ActionDialog]:
        def exec_(dialog: ActionDialog) -> int:
            shown.append(dialog)
            for key, value in values.items():
                widget = dialog.fields[key]
                if key in ("met", "failed"):
                    widget.setChecked(value)  # type: ignore[attr-defined]
                elif isinstance(value, dt.date):
                    widget.set_value(value)  # type: ignore[attr-defined]
                elif hasattr(widget, "setPlainText"):
                    widget.setPlainText(value)  # type: ignore[attr-defined]
                else:
                    widget.setText(value)  # type: ignore[attr-defined]
            dialog.submit()
            return int(dialog.result())

        monkeypatch.setattr(ActionDialog, "exec", exec_)
        return shown

    return answer


# --- tranches ----------------------------------------------------------------------------------------------------


def test_tranches_from_a_failed_gate_to_payment_and_claw_back(qtbot, funded, dialogs, monkeypatch,  # type: ignore[no-untyped-def]
                                                               tmp_path) -> None:
    db, ids = funded
    first, mid, _final = ids["a_tranches"]
    _page, tab = _tab(qtbot, db, TranchesTab, ids["competition"])
    assert tab.model.rowCount() == 6
    assert tab.view.isColumnHidden(0)  # one competition: its name is not repeated on every row

    overdue = tab.model.index(next(i for i in range(6) if tab.model.row_at(i).tranche_id == first), 8)
    assert overdue.data() == translate("FundingMoney", "{state}, overdue").format(state=label(TrancheStatus.DUE))
    assert overdue.data(Qt.ItemDataRole.BackgroundRole) is not None  # tinted, and said in words
    assert "45" in overdue.data(Qt.ItemDataRole.ToolTipRole)

    # the mid-term evaluation failed: the tranche is withheld with the reason shown
    _select_tranche(tab, mid)
    shown = dialogs(failed=True, reason="中期评估不合格（52分）")
    _reloaded(qtbot, tab, tab.decide_gate)
    assert shown[-1].result() and _row(tab, mid).status is TrancheStatus.WITHHELD
    assert _row(tab, mid).reason == "中期评估不合格（52分）"
    _reloaded(qtbot, tab, lambda: tab.set_view(finance.View.WITHHELD))
    assert [tab.model.row_at(i).tranche_id for i in range(tab.model.rowCount())] == [mid]
    _reloaded(qtbot, tab, lambda: tab.set_view(finance.View.ALL))

    # a decision without the outcome chosen is refused in the dialog, nothing written
    before = _count(db, AuditEntry)
    shown = dialogs(reason="复评")
    tab.decide_gate()
    assert not shown[-1].result() and shown[-1].banner.isVisibleTo(shown[-1])
    assert _count(db, AuditEntry) == before

    # approve and pay the first tranche
    _select_tranche(tab, first)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    _reloaded(qtbot, tab, tab.approve)
    assert _row(tab, first).status is TrancheStatus.APPROVED and _row(tab, first).approved_by == "测试管理员"
    shown = dialogs(paid_on=TODAY, voucher="记-2025-118", note="首期拨付")
    _reloaded(qtbot, tab, tab.record_payment)
    paid = _row(tab, first)
    assert paid.status is TrancheStatus.PAID and paid.voucher == "记-2025-118" and paid.paid_on == TODAY
    assert tab.note.isVisibleTo(tab)

    # paying twice is refused in the dialog, which stays open; approving twice in the tab's banner
    payments = _count(db, Payment)
    shown = dialogs(paid_on=TODAY, voucher="记-2025-119")
    tab.record_payment()
    assert not shown[-1].result() and shown[-1].banner.isVisibleTo(shown[-1])
    assert shown[-1].banner.text() == translate("Errors", "Tranche {n} has already been paid.").format(n=1)
    assert _count(db, Payment) == payments
    tab.approve()
    assert tab.banner.isVisibleTo(tab) and tab.banner.text()
    assert _count(db, Payment) == payments

    # claw back: an unreadable amount is named, then a part of the tranche
    shown = dialogs(amount="五千", reason="终期评估不合格")
    tab.claw_back()
    assert not shown[-1].result() and "五千" in shown[-1].banner.text()
    assert _count(db, Clawback) == 0
    shown = dialogs(amount="5,000", reason="终期评估不合格，追回部分资金")
    _reloaded(qtbot, tab, tab.claw_back)
    assert _row(tab, first).status is TrancheStatus.CLAWED_BACK and _row(tab, first).clawed_back_fen == 500_000

    # the money comes back
    shown = dialogs(returned_on=TODAY)
    _reloaded(qtbot, tab, tab.record_return)
    assert shown[-1].result() and _row(tab, first).recovered_fen == 500_000
    shown = dialogs(returned_on=TODAY)
    tab.record_return()  # nothing left to come back
    assert not shown[-1].result() and shown[-1].banner.isVisibleTo(shown[-1])

    # totals by organization, with the total line last
    tab.dimension.setCurrentIndex(tab.dimension.findData(finance.Dimension.ORGANIZATION))
    tab._fill_totals()
    totals = [tab.totals_model.row_at(i) for i in range(tab.totals_model.rowCount())]
    assert [t.name for t in totals[:-1]] == ["望江阳光社工服务中心", "锦华社区志愿者协会"]
    assert totals[-1].totals.committed_fen == 16_000_000 and totals[-1].totals.clawed_back_fen == 500_000
    assert totals[-1].totals.paid_fen == 4_000_000
    assert tab.totals_model.headerData(0, Qt.Orientation.Horizontal) == translate("Columns", "Organization")

    # the payment list of the rows shown (the search box narrows them)
    tab.search.setText("四点半")
    target = tmp_path / "拨付清单.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    tab.export_list()
    qtbot.waitUntil(lambda: target.exists() and tab.note.isVisibleTo(tab), timeout=20_000)
    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert [r[6] for r in sheet[1:-1]] == ["四点半课堂"] * 3


def test_withhold_release_and_cancel_go_through_the_menu(qtbot, funded, dialogs) -> None:  # type: ignore[no-untyped-def]
    db, ids = funded
    first, _mid, final = ids["b_tranches"]
    _page, tab = _tab(qtbot, db, TranchesTab, None)
    assert not tab.view.isColumnHidden(0)  # every competition: the competition column shows
    _select_tranche(tab, first)
    dialogs(reason="进度报告逾期未交")
    _reloaded(qtbot, tab, tab.withhold)
    assert _row(tab, first).status is TrancheStatus.WITHHELD
    dialogs(reason="报告已补交")
    _reloaded(qtbot, tab, tab.release)
    assert _row(tab, first).status is TrancheStatus.DUE  # its gate (signing) is met
    _select_tranche(tab, final)
    dialogs(reason="项目提前终止")
    _reloaded(qtbot, tab, tab.cancel)
    assert _row(tab, final).status is TrancheStatus.CANCELLED
    shown = dialogs(reason="再次取消")
    tab.cancel()
    assert not shown[-1].result() and shown[-1].banner.text()
    assert {action.text() for action, _source in tab.menu_actions} == {
        translate("FundingMoney", s)
        for s in ("Withhold…", "Release…", "Cancel tranche…", "Claw back…", "Money returned…")}


def test_people_without_the_permission_do_not_see_the_money_buttons(qtbot, funded) -> None:  # type: ignore[no-untyped-def]
    db, ids = funded
    db.actor = Actor("viewer", frozenset({Role.VIEWER}), None, "只读")
    page, tranches_tab = _tab(qtbot, db, TranchesTab, ids["competition"])
    _page, matching_tab = _tab(qtbot, db, MatchingTab, ids["competition"])
    hidden = [b for b, source in tranches_tab.action_buttons if not b.isVisibleTo(tranches_tab)]
    assert len(hidden) == 3 and not tranches_tab.more.isVisibleTo(tranches_tab)
    assert tranches_tab.export_button.isVisibleTo(tranches_tab)  # reading is allowed
    assert not matching_tab.receive_button.isVisibleTo(matching_tab)
    db.actor = Actor("staff", frozenset({Role.STAFF}), None, "工作人员")
    page.apply_permissions()
    assert tranches_tab.more.isVisibleTo(tranches_tab)
    visible = {source for action, source in tranches_tab.menu_actions if action.isVisible()}
    assert visible == {"Withhold…", "Cancel tranche…"}  # staff may stop a tranche, not move money
    # the button is hidden, and the service refuses anyway; the refusal shows in the tab's banner
    _select_tranche(tranches_tab, ids["a_tranches"][0])
    before = _count(db, AuditEntry)
    assert not tranches_tab.attempt(lambda: tranches.approve(db, ids["a_tranches"][0]))
    assert tranches_tab.banner.isVisibleTo(tranches_tab) and tranches_tab.banner.text()
    assert _count(db, AuditEntry) == before


def test_the_disbursement_notice_is_made_for_the_selected_tranche(qtbot, funded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui import pdf_actions

    db, ids = funded
    first = ids["a_tranches"][0]
    tranches.approve(db, first)
    tranches.pay(db, first, TODAY, "记-2025-118")
    _page, tab = _tab(qtbot, db, TranchesTab, ids["competition"])
    _select_tranche(tab, first)
    made: list[tuple[Callable[[], bytes], str]] = []
    monkeypatch.setattr(pdf_actions, "save_pdf", lambda _parent, make, name, done=None: made.append((make, name)))
    tab.print_notice()
    make, name = made[0]
    assert name.endswith(".pdf") and "XY2025-01-001" in name
    assert make()[:5] == b"%PDF-"


def test_signing_out_leaves_nothing_on_screen(qtbot, funded) -> None:  # type: ignore[no-untyped-def]
    db, ids = funded
    page, tab = _tab(qtbot, db, TranchesTab, ids["competition"])
    tab.banner.setText("旧的提示")
    tab.banner.show()
    assert tab.model.rowCount() == 6 and tab.totals_model.rowCount() == 2
    page.db = None
    tab.set_competition(None)
    assert tab.model.rowCount() == 0 and tab.totals_model.rowCount() == 0
    assert not tab.banner.isVisibleTo(tab)


# --- matching funds ----------------------------------------------------------------------------------------------


def test_matching_receipt_lifts_the_behind_flag(qtbot, funded, dialogs) -> None:  # type: ignore[no-untyped-def]
    db, ids = funded
    for tranche_id, voucher in ((ids["a_tranches"][0], "记-001"), (ids["b_tranches"][0], "记-002")):
        tranches.approve(db, tranche_id)
        tranches.pay(db, tranche_id, TODAY, voucher)
    _page, tab = _tab(qtbot, db, MatchingTab, ids["competition"])
    rows = {tab.model.row_at(i).award_id: i for i in range(tab.model.rowCount())}
    behind = tab.model.index(rows[ids["a"]], len(matching_tab.MATCHING_COLUMNS) - 1)
    assert behind.data() == translate("FundingMoney", "Behind")
    assert behind.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "40.0%" in behind.data(Qt.ItemDataRole.ToolTipRole)  # 40% of the grant paid, nothing received

    funding_money.select_where(tab.view, tab.model, lambda r: r.award_id == ids["a"])
    shown = dialogs(amount="2万", source="机构自筹", received_on=TODAY + dt.timedelta(days=3))
    tab.record_receipt()
    assert not shown[-1].result() and shown[-1].banner.text()  # a date in the future
    assert _count(db, MatchingFundReceipt) == 0
    dialogs(amount="2万", source="机构自筹", note="首笔配套")
    _reloaded(qtbot, tab, tab.record_receipt)
    row = tab.selected()
    assert row.award_id == ids["a"] and row.received_fen == 2_000_000 and not row.behind
    index = tab.model.index(rows[ids["a"]], len(matching_tab.MATCHING_COLUMNS) - 1)
    assert index.data() == translate("FundingMoney", "On track")
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None
    assert tab.model.index(rows[ids["a"]], 4).data() == "50.0%"
    qtbot.waitUntil(lambda: tab.receipts_model.rowCount() == 1, timeout=20_000)
    assert tab.receipts_model.row_at(0).source == "机构自筹"
    assert tab.model.index(rows[ids["b"]], len(matching_tab.MATCHING_COLUMNS) - 1).data() == translate(
        "FundingMoney", "Behind")


# --- cash flow ---------------------------------------------------------------------------------------------------


def test_cash_flow_chart_renders_and_exports(qtbot, funded, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db, ids = funded
    tranches.approve(db, ids["a_tranches"][0])
    tranches.pay(db, ids["a_tranches"][0], TODAY, "记-001")
    _page, tab = _tab(qtbot, db, CashFlowTab, ids["competition"])
    months = finance.cash_flow(db, competition_id=ids["competition"])
    assert tab.model.rowCount() == len(months) >= 12
    assert tab.chart.categories[0] == months[0].month.strftime("%Y-%m")
    last = tab.model.row_at(tab.model.rowCount() - 1)
    assert last.planned_total_fen == 16_000_000 and last.paid_total_fen == 4_000_000

    image = tab.chart.grab().toImage()
    assert not image.isNull() and image.width() > 300
    assert _colours(image) >= 3  # background, grid or axis, and bars of both series

    png = tmp_path / "资金流.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(png.with_suffix("")), ""))
    tab.save_png()
    assert png.stat().st_size > 1000 and not QImage(str(png)).isNull()

    workbook = tmp_path / "资金流.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(workbook), ""))
    tab.export_data()
    qtbot.waitUntil(lambda: workbook.exists() and tab.note.isVisibleTo(tab), timeout=20_000)
    sheet = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_index(0).to_python()
    assert sheet[-1][:3] == ["合计", 160000.0, 40000.0]


def test_cash_flow_without_tranches_says_so(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = open_database(tmp_path / "empty.db")
    try:
        _page, tab = _tab(qtbot, db, CashFlowTab, None)
        assert tab.model.rowCount() == 0 and not tab.export_button.isEnabled()
        assert not tab.chart.grab().toImage().isNull()
    finally:
        db.close()


def _colours(image: QImage) -> int:
    step = max(1, image.width() // 80)
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


# --- the chart's arithmetic --------------------------------------------------------------------------------------


def test_ticks_are_round_and_cover_the_top() -> None:
    assert nice_ticks(12_345_678) == [0, 2_500_000, 5_000_000, 7_500_000, 10_000_000, 12_500_000]
    assert nice_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0) == [0.0, 1.0]
    assert nice_ticks(7)[-1] >= 7


def test_category_labels_are_thinned_never_overlapping() -> None:
    assert label_step([50] * 24, 100) == 1
    assert label_step([50] * 24, 30) == 2
    assert label_step([50] * 24, 10) == 6
    assert label_step([], 10) == 1


def test_the_chart_refuses_series_of_the_wrong_length(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = BarChart()
    qtbot.addWidget(chart)
    with pytest.raises(ValueError):
        chart.set_data(["2025-01", "2025-02"], [Series("计划", "#999999", [1])])
    chart.set_data(["2025-01", "2025-02"], [Series("计划", "#999999", [1, 2]), Series("实际", "#333333", [0, 1])])
    chart.resize(400, 240)
    assert chart.category_at(chart.plot_rect().right() - 1) == 1
    assert chart.tooltip_text(1).splitlines() == ["2025-02", "计划: 2", "实际: 1"]


# --- on the Funding page -----------------------------------------------------------------------------------------


def test_the_funding_page_embeds_the_tabs_and_follows_writes(qtbot, funded, dialogs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.pages.funding import FundingPage

    db, ids = funded
    page = FundingPage()
    qtbot.addWidget(page)
    page.resize(1360, 820)
    page.show()
    tabs = {type(tab).__name__: tab for tab, _title in page.money_tabs}
    assert set(tabs) == {"TranchesTab", "MatchingTab", "CashFlowTab"}
    with qtbot.waitSignal(tabs["CashFlowTab"].loaded, timeout=20_000):
        page.set_database(db)
        page.choose(ids["competition"])
    qtbot.waitUntil(lambda: all(t.is_loaded for t in tabs.values()), timeout=20_000)
    tab = tabs["TranchesTab"]
    assert tab.model.rowCount() == 6
    _select_tranche(tab, ids["a_tranches"][0])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        tab.approve()
    dialogs(paid_on=TODAY, voucher="记-2025-120")
    tab.record_payment()
    cash = tabs["CashFlowTab"]
    qtbot.waitUntil(lambda: page.pool_bar.figures is not None and page.pool_bar.figures[2] == 4_000_000
                    and cash.model.row_at(cash.model.rowCount() - 1).paid_total_fen == 4_000_000, timeout=20_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        qtbot.wait(50)
        assert page.grab().save(str(SHOTS / f"funding_money_tab{index}.png"))
