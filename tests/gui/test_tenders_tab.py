"""The 招标项目 tab offscreen over a small bidding programme built through the services: the tender list with its
states; the evaluation of a tender with three bids (one over the ceiling, greyed with its reason in red words); the
tender dialog refusing a ceiling of 0 with the message shown and nothing written; a bid registered through the
dialog; the decision writing an award for the first-ranked bid; a single bidder accepted with the panel's reason;
the notice published, objected to and answered; the evaluation report PDF; what a read-only person sees; the tab's
width at 700×500. Screens go to /tmp/shots9/tenders*.png (Chinese with PSP_EXTRA_QM)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from shots import extra_translator
from sqlalchemy import select

from psp_desktop import i18n
from psp_desktop.db import Database
from psp_desktop.enums import (
    AwardStatus,
    CompetitionMode,
    CompetitionStatus,
    OrgType,
    ProposalStatus,
    Role,
    RoundKind,
    ServiceDomain,
    SheetStatus,
)
from psp_desktop.models import Award, Competition, Criterion, Judge, Organization, Proposal, Round, Score, TenderProject
from psp_desktop.models.judging import Assignment, ScoreSheet
from psp_desktop.services import bidding, tender_notice
from psp_desktop.services.access import Actor
from psp_desktop.services.bidding import TenderInput
from psp_desktop.ui import tenders_tab
from psp_desktop.ui.dialogs.bid_dialog import BidDialog
from psp_desktop.ui.dialogs.tender_decision_dialog import TenderDecisionDialog
from psp_desktop.ui.dialogs.tender_dialog import TenderDialog
from psp_desktop.ui.funding_money import ActionDialog, select_where
from psp_desktop.ui.pages.purchasing import PurchasingPage
from psp_desktop.ui.tenders_tab import VALIDITY_COLUMN, TendersTab

translate = QCoreApplication.translate
SHOTS = Path("/tmp/shots9")
W = 1_000_000  # 万 in fen
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def chinese() -> Iterator[None]:
    """The window in Chinese, with the strings not yet shipped from PSP_EXTRA_QM when given."""
    i18n.install("zh_CN")
    extra = extra_translator()
    yield
    if extra is not None:
        QCoreApplication.removeTranslator(extra)


def _org(s: Any, name: str) -> int:
    org = Organization(name=name, org_type=OrgType.SERVICE_AGENCY, bank_name="工商银行", bank_account="6222" + name[:2])
    s.add(org)
    s.flush()
    return org.id


def _proposal(db: Database, competition_id: int, org_id: int, title: str, number: str | None,
              status: ProposalStatus = ProposalStatus.SUBMITTED) -> int:
    with db.write() as s:
        p = Proposal(competition_id=competition_id, organization_id=org_id, title=title, domain=ServiceDomain.ELDERLY,
                     intake_number=number, status=status, start_month=dt.date(2026, 3, 1),
                     end_month=dt.date(2027, 2, 1))
        s.add(p)
        s.flush()
        return p.id


def _bid(db: Database, world: dict[str, int], tender_id: int, org: str, price: int, number: str) -> int:
    """A bid submitted through the service, then screened in (as screening would)."""
    pid = _proposal(db, world["comp"], world[org], f"长者助餐服务方案{number[-3:]}", number)
    bidding.submit_bid(db, tender_id, pid, price)
    with db.write() as s:
        s.get(Proposal, pid).status = ProposalStatus.ELIGIBLE  # type: ignore[union-attr]
    return pid


def _panel(db: Database, world: dict[str, int], tender_id: int, points: dict[int, int]) -> None:
    """A frozen written round for the tender: one judge, one criterion of 100 points."""
    with db.write() as s:
        round_ = Round(competition_id=world["comp"], tender_id=tender_id, seq=1, name="评标", kind=RoundKind.WRITTEN,
                       frozen=True)
        s.add(round_)
        s.flush()
        criterion = Criterion(round_id=round_.id, seq=1, name="服务方案", max_points_x100=10_000)
        judge = Judge(name="评审专家")
        s.add_all([criterion, judge])
        s.flush()
        for pid, value in points.items():
            assignment = Assignment(round_id=round_.id, judge_id=judge.id, proposal_id=pid)
            s.add(assignment)
            s.flush()
            s.add(ScoreSheet(assignment_id=assignment.id, status=SheetStatus.SUBMITTED,
                             scores=[Score(criterion_id=criterion.id, points_x100=value, max_points_x100=10_000)]))


@pytest.fixture
def world(database: Database) -> dict[str, int]:
    """A bidding programme in review: tender A with three bids (C over the 30万 ceiling) scored by a frozen panel,
    tender B with one bid, and an application not bidding yet."""
    with database.write() as s:
        comp = Competition(name="2026年望江街道公益招投标", year=2026, mode=CompetitionMode.BIDDING,
                           status=CompetitionStatus.REVIEW, organizer="望江街道办事处")
        s.add(comp)
        s.flush()
        ids = {"comp": comp.id}
        for key, name in (("a", "阳光为老服务中心"), ("b", "望江社工服务中心"), ("c", "滨河志愿者协会"),
                          ("d", "锦江助老服务社"), ("e", "安康家庭服务中心")):
            ids[key] = _org(s, name)
    ids["tender_a"] = bidding.add_tender(database, ids["comp"], TenderInput(
        code="ZB2026-01", name="滨河社区长者助餐服务", domain=ServiceDomain.ELDERLY, ceiling_fen=30 * W,
        service_from=dt.date(2026, 3, 1), service_until=dt.date(2027, 2, 28), price_points_x100=3000))
    ids["tender_b"] = bidding.add_tender(database, ids["comp"], TenderInput(
        code="ZB2026-02", name="望江社区儿童课后托管", domain=ServiceDomain.CHILDREN, ceiling_fen=20 * W,
        price_points_x100=2000))
    ids["bid_a"] = _bid(database, ids, ids["tender_a"], "a", 24 * W, "2026-ZB-001")
    ids["bid_b"] = _bid(database, ids, ids["tender_a"], "b", 27 * W, "2026-ZB-002")
    ids["bid_c"] = _bid(database, ids, ids["tender_a"], "c", 32 * W, "2026-ZB-003")
    ids["bid_d"] = _bid(database, ids, ids["tender_b"], "d", 18 * W, "2026-ZB-004")
    ids["free"] = _proposal(database, comp.id, ids["e"], "社区助餐补充方案", "2026-ZB-005")
    _panel(database, ids, ids["tender_a"], {ids["bid_a"]: 8000, ids["bid_b"]: 9000, ids["bid_c"]: 9500})
    return ids


def _tab(qtbot: Any, db: Database, size: tuple[int, int] = (1280, 800)) -> TendersTab:
    tab = TendersTab()
    qtbot.addWidget(tab)
    tab.today = lambda: TODAY
    tab.resize(*size)
    tab.show()
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.set_database(db)
    return tab


def _reloaded(qtbot: Any, tab: TendersTab, action: Any) -> None:
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        action()


def _select(tab: TendersTab, tender_id: int) -> None:
    select_where(tab.view, tab.model, lambda t: t.row.id == tender_id)
    assert tab.selected().row.id == tender_id  # type: ignore[union-attr]


def _cell(model: Any, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return model.data(model.index(row, column), role)


def _grab(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for _ in range(3):  # pending layouts (a label whose text just changed, a dialog growing) first
        QApplication.processEvents()
    assert widget.grab().save(str(SHOTS / name))


def _run_on_exec(monkeypatch: pytest.MonkeyPatch, cls: type, fill: Any) -> list[Any]:
    """The dialog's exec shows it, lets the test fill it, and presses OK; the dialogs seen are returned."""
    seen: list[Any] = []

    def exec_(dialog: Any) -> int:
        dialog.show()
        seen.append(dialog)
        fill(dialog)
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(cls, "exec", exec_)
    return seen


def test_the_tenders_are_listed_with_their_state(qtbot, database, world, chinese) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, database)
    assert tab.competition.currentData() == world["comp"] and tab.model.rowCount() == 2
    assert tab.stack.currentIndex() == 0
    rows = [tab.model.row_at(n) for n in range(2)]
    assert [r.row.code for r in rows] == ["ZB2026-01", "ZB2026-02"]
    assert _cell(tab.model, 0, 3) == "300,000.00" and _cell(tab.model, 0, 4) == "30"
    assert _cell(tab.model, 0, 5) == "2026-03-01 – 2027-02-28" and _cell(tab.model, 0, 6) == "3"
    assert _cell(tab.model, 0, 7) == translate("Tenders", "Taking bids")
    assert tab.count.text() == translate("Tenders", "{count} tender projects").format(count=2)
    _grab(tab, "tenders_tab.png")


def test_the_evaluation_shows_every_bid_and_why_one_is_invalid(qtbot, database, world, chinese) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, database)
    _select(tab, world["tender_a"])
    model = tab.bid_model
    lines = [model.row_at(n) for n in range(model.rowCount())]
    assert [ln.proposal_id for ln in lines] == [world["bid_b"], world["bid_a"], world["bid_c"]]
    # b: 90 × 0.7 = 63 + 24/27 × 30 = 26.67 → 89.67; a: 80 × 0.7 = 56 + 30 = 86
    assert [_cell(model, n, 6) for n in range(3)] == ["89.67", "86.00", ""]  # as the report prints them
    assert [_cell(model, n, 7) for n in range(3)] == ["1", "2", ""]
    assert _cell(model, 0, VALIDITY_COLUMN) == translate("Tenders", "Valid")
    reason = _cell(model, 2, VALIDITY_COLUMN)
    assert reason == translate("Bidding", bidding.OVER_CEILING) and reason
    assert _cell(model, 2, VALIDITY_COLUMN, Qt.ItemDataRole.ForegroundRole).color() == tenders_tab.RED
    assert _cell(model, 2, 1, Qt.ItemDataRole.ForegroundRole).color() == tenders_tab.GREY
    assert _cell(model, 0, 1, Qt.ItemDataRole.ForegroundRole) is None
    assert "30" in tab.formula.text() and "70" in tab.formula.text() and tab.formula.isVisible()
    assert not tab.single.isVisible()
    _select(tab, world["tender_b"])
    assert tab.single.isVisible() and tab.bid_model.rowCount() == 1
    _grab(tab, "tenders_single.png")


def test_the_tender_dialog_refuses_a_ceiling_of_zero(qtbot, database, world, monkeypatch, chinese) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, database)
    refused: list[str] = []

    def fill(dialog: TenderDialog) -> None:
        dialog.code.setText("ZB2026-03")
        dialog.name.setText("社区环境整治")
        assert dialog.ceiling.text() == ""
        dialog.submit()  # refused: the dialog stays open with the reason
        refused.append(dialog.banner.text())
        assert dialog.banner.isVisible() and dialog.ceiling.styleSheet()
        _grab(dialog, "tenders_dialog_refused.png")
        dialog.reject()

    _run_on_exec(monkeypatch, TenderDialog, fill)
    tab.new()
    qtbot.waitUntil(lambda: bool(refused), timeout=10_000)
    assert translate("Errors", "the ceiling price must be more than zero") in refused[0]
    assert len(bidding.tenders(database, world["comp"])) == 2


def test_a_new_tender_is_saved_with_its_needs_unticked(qtbot, database, world, monkeypatch, chinese) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, database)

    def fill(dialog: TenderDialog) -> None:
        dialog.code.setText("ZB2026-03")
        dialog.name.setText("社区环境整治")
        dialog.ceiling.setText("8万")
        dialog.points.setValue(40)

    _run_on_exec(monkeypatch, TenderDialog, fill)
    _reloaded(qtbot, tab, tab.new)
    row = next(t for t in bidding.tenders(database, world["comp"]) if t.code == "ZB2026-03")
    assert (row.ceiling_fen, row.price_points_x100) == (8 * W, 4000)
    assert tab.model.rowCount() == 3 and tab.note.isVisible()


def test_a_bid_is_registered_through_the_dialog(qtbot, database, world, monkeypatch, chinese) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, database)
    _select(tab, world["tender_a"])

    def fill(dialog: BidDialog) -> None:
        ids = [dialog.proposal.itemData(n).id for n in range(dialog.proposal.count())]
        assert ids == [world["free"]]  # the screened bids cannot move
        dialog.price.setText("31万")
        dialog._check_price()
        assert dialog.over.isVisible()  # over the ceiling: said before OK
        _grab(dialog, "tenders_bid.png")
        dialog.price.setText("29万")
        dialog._check_price()
        assert not dialog.over.isVisible()

    _run_on_exec(monkeypatch, BidDialog, fill)
    _reloaded(qtbot, tab, tab.bid)
    with database.read() as s:
        p = s.get(Proposal, world["free"])
        assert p is not None and (p.tender_id, p.bid_price_fen) == (world["tender_a"], 29 * W)


def test_the_decision_awards_the_first_ranked_bid(qtbot, database, world, monkeypatch, chinese) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, database)
    _select(tab, world["tender_a"])
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    _reloaded(qtbot, tab, tab.close_bidding)
    _select(tab, world["tender_a"])
    assert _cell(tab.model, 0, 7) == translate("Tenders", "Bids closed: under evaluation")
    assert not tab.buttons["bid"].isEnabled() and tab.buttons["decide"].isEnabled()

    def fill(dialog: TenderDecisionDialog) -> None:
        assert dialog.award.isChecked() and dialog.winner.currentData() == world["bid_b"]  # first-ranked
        _grab(dialog, "tenders_decision.png")

    _run_on_exec(monkeypatch, TenderDecisionDialog, fill)
    _reloaded(qtbot, tab, tab.decide)
    with database.read() as s:
        award = s.scalars(select(Award).where(Award.proposal_id == world["bid_b"])).one()
        assert (award.amount_fen, award.status) == (27 * W, AwardStatus.COMMITTED)
    _select(tab, world["tender_a"])
    assert _cell(tab.model, 0, 7) == translate("Tenders", "Awarded: {winner}").format(winner="望江社工服务中心")
    assert tab.bid_model.winner_id == world["bid_b"]
    assert tab.buttons["publish"].isEnabled() and not tab.buttons["decide"].isEnabled()


def test_a_second_ranked_winner_needs_a_reason(qtbot, database, world, monkeypatch, chinese) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, database)
    _select(tab, world["tender_a"])
    shown: list[str] = []

    def fill(dialog: TenderDecisionDialog) -> None:
        dialog.winner.setCurrentIndex(dialog.winner.findData(world["bid_a"]))
        dialog.submit()
        shown.append(dialog.banner.text())
        dialog.reject()

    _run_on_exec(monkeypatch, TenderDecisionDialog, fill)
    tab.decide()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0] == translate(
        "Errors", "“{title}” is not the first-ranked bid: give the reason for choosing it.").format(
        title="长者助餐服务方案001")
    with database.read() as s:
        assert s.scalars(select(Award)).first() is None


def test_a_single_bidder_is_accepted_with_the_panels_reason(qtbot, database, world, monkeypatch, chinese) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, database)
    _select(tab, world["tender_b"])

    def fill(dialog: TenderDecisionDialog) -> None:
        assert dialog.accept_bid.isChecked() and not dialog.winner.isVisible()
        dialog.submit()  # no reason: refused, the dialog stays
        assert dialog.banner.isVisible() and dialog.result() == 0
        dialog.fields["reason"].setPlainText("评标委员会认为项目必要、方案可行")
        _grab(dialog, "tenders_single_decision.png")

    _run_on_exec(monkeypatch, TenderDecisionDialog, fill)
    _reloaded(qtbot, tab, tab.decide)
    with database.read() as s:
        award = s.scalars(select(Award).where(Award.proposal_id == world["bid_d"])).one()
        assert award.amount_fen == 18 * W
        assert s.get(TenderProject, world["tender_b"]).closed  # type: ignore[union-attr]


def test_the_notice_is_published_objected_to_and_answered(qtbot, database, world, monkeypatch, chinese) -> None:  # type: ignore[no-untyped-def]
    bidding.decide_single_bid(database, world["tender_b"], True, "必要且可行")
    tab = _tab(qtbot, database)
    _select(tab, world["tender_b"])
    monkeypatch.setattr(ActionDialog, "exec", _exec_filling({
        "text": "有居民认为报价偏高", "answer": "经复核，报价在限价内，维持结果"}))
    _reloaded(qtbot, tab, tab.publish)
    state = tender_notice.state(database, world["tender_b"])
    assert (state.notice_from, state.notice_until) == (TODAY, TODAY + dt.timedelta(days=6))
    _select(tab, world["tender_b"])
    assert _cell(tab.model, 1, 8) == translate("Tenders", "On notice until {date}").format(date="2026-12-03")
    assert tab.buttons["objection"].isEnabled() and not tab.buttons["resolve"].isEnabled()
    _reloaded(qtbot, tab, tab.objection)
    _select(tab, world["tender_b"])
    assert _cell(tab.model, 1, 8) == translate("Tenders", "Objection to answer")
    assert tab.buttons["resolve"].isEnabled()
    _grab(tab, "tenders_objection.png")
    _reloaded(qtbot, tab, tab.resolve)
    state = tender_notice.state(database, world["tender_b"])
    assert state.objection and state.objection_resolution == "经复核，报价在限价内，维持结果"


def _exec_filling(texts: dict[str, str]) -> Any:
    def exec_(dialog: ActionDialog) -> int:
        dialog.show()
        for key, text in texts.items():
            if key in dialog.fields:
                dialog.fields[key].setPlainText(text)  # type: ignore[attr-defined]
        dialog.submit()
        return dialog.result()

    return exec_


def test_the_evaluation_report_pdf_is_saved(qtbot, database, world, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QDesktopServices

    tab = _tab(qtbot, database)
    _select(tab, world["tender_a"])
    target = tmp_path / "report.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    opened: list[Any] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    tab.report_pdf()
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    assert target.read_bytes().startswith(b"%PDF")
    assert not tab.print_actions["notice_pdf"].isEnabled()  # not published yet


def test_a_viewer_sees_no_write_button(qtbot, database, world) -> None:  # type: ignore[no-untyped-def]
    database.actor = Actor("viewer", frozenset({Role.VIEWER}))
    tab = _tab(qtbot, database)
    assert tab.model.rowCount() == 2
    assert not any(button.isVisible() for button in tab.buttons.values())
    assert tab.print_button.isVisible()


def test_no_bidding_programme_says_where_to_create_one(qtbot, database) -> None:  # type: ignore[no-untyped-def]
    with database.write() as s:
        s.add(Competition(name="2026年公益创投大赛", year=2026))
    tab = _tab(qtbot, database)
    assert tab.stack.currentIndex() == 1 and tab.model.rowCount() == 0
    assert translate("Tenders", "No bidding programme yet") == tab.empty.title.text()


def test_on_the_page_at_700_by_500(qtbot, database, world, chinese) -> None:  # type: ignore[no-untyped-def]
    page = PurchasingPage()
    page.today = lambda: TODAY
    qtbot.addWidget(page)
    page.resize(560, 470)  # what the 700×500 window leaves beside its navigation
    page.show()
    tab = page.tender_tab
    assert isinstance(tab, TendersTab)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        page.set_database(database)
        page.reload()
    assert tab.model.rowCount() == 2
    assert tab.minimumSizeHint().width() <= 530, tab.minimumSizeHint()
    _grab(page, "tenders_700x500.png")
    page.resize(1180, 760)
    _grab(page, "tenders_page_1280.png")


def test_the_demo_tender_in_the_window_at_700_by_500(qtbot, open_window, settings, demo_file, tmp_path,  # type: ignore[no-untyped-def]
                                                     chinese) -> None:
    import shutil

    path = tmp_path / "demo.db"
    shutil.copyfile(demo_file, path)
    window = open_window(settings, path)
    window.resize(700, 500)
    page = window.show_page("Purchasing")
    tab = page.tender_tab
    qtbot.waitUntil(lambda: tab.is_loaded and tab.model.rowCount() > 0, timeout=20_000)
    line = tab.model.row_at(0)
    assert line.row.winner_id is not None and line.winner and line.published
    assert tab.bid_model.rowCount() == 3
    assert sum(1 for n in range(3) if not tab.bid_model.row_at(n).valid) == 1
    _grab(window, "tenders_demo_700x500.png")
    window.resize(1280, 800)
    _grab(window, "tenders_demo_1280x800.png")
