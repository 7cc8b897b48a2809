"""The 模式比较 tab of the Purchasing page offscreen on a small district: the table per mode and year, the year
filter, the four charts (and a chart's figures exported), the whole table exported as a workbook off the GUI thread
and an unwritable folder refused in Chinese. Screens go to /tmp/shots9/comparison*.png (1280×800 and 700×500)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog
from python_calamine import CalamineWorkbook
from shots import extra_translator

from psp_desktop import i18n
from psp_desktop.db import Database
from psp_desktop.enums import (
    AwardStatus,
    CompetitionMode,
    EvaluationGrade,
    EvaluationKind,
    OrgType,
    ProposalStatus,
    ServiceDomain,
    TrancheStatus,
)
from psp_desktop.models import Award, Competition, Evaluation, Organization, Payment, Proposal
from psp_desktop.services import tranches
from psp_desktop.ui.mode_comparison_tab import ModeComparisonTab
from psp_desktop.ui.pages.purchasing import PurchasingPage

SHOTS = Path("/tmp/shots9")
W = 1_000_000
V, C = CompetitionMode.VENTURE, CompetitionMode.COMMISSION


@pytest.fixture
def chinese() -> Any:
    i18n.install("zh_CN")
    translator = extra_translator()
    yield
    if translator is not None:
        QApplication.removeTranslator(translator)


def _build(db: Database) -> None:
    """2025: venture 甲 10万 (5万 paid, final grade 优秀), commission 乙 8万; 2026: venture 丙 7万."""
    with db.write() as s:
        orgs = {n: Organization(name=n, org_type=OrgType.SERVICE_AGENCY) for n in ("甲", "乙", "丙")}
        comps = {(m, y): Competition(name=f"{y} {m.value}", year=y, mode=m, pool_fen=100 * W)
                 for m, y in ((V, 2025), (C, 2025), (V, 2026))}
        s.add_all([*orgs.values(), *comps.values()])
        s.flush()
        awards = []
        for n, (key, org, amount, people) in enumerate((((V, 2025), "甲", 10 * W, 100), ((C, 2025), "乙", 8 * W, 40),
                                                        ((V, 2026), "丙", 7 * W, 70)), start=1):
            proposal = Proposal(competition_id=comps[key].id, organization_id=orgs[org].id, title=f"项目{n}",
                                domain=ServiceDomain.ELDERLY, requested_fen=amount, total_budget_fen=amount,
                                direct_beneficiaries=people, status=ProposalStatus.AWARDED, intake_number=f"X-{n}")
            s.add(proposal)
            s.flush()
            award = Award(proposal_id=proposal.id, competition_id=comps[key].id, amount_fen=amount,
                          status=AwardStatus.COMMITTED)
            s.add(award)
            s.flush()
            tranches.apply_template(s, award, tranches.TEMPLATES["50/50"][1])
            awards.append(award)
        first = awards[0].tranches[0]
        first.status = TrancheStatus.PAID
        s.add(Payment(tranche_id=first.id, amount_fen=5 * W, paid_on=dt.date(2025, 9, 1), voucher_number="PZ-1",
                      paid_by="会计"))
        s.add(Evaluation(award_id=awards[0].id, kind=EvaluationKind.FINAL, grade=EvaluationGrade.EXCELLENT,
                         passed=True, final=True, evaluated_on=dt.date(2025, 12, 20)))


def _tab(qtbot: Any, db: Database, size: tuple[int, int] = (1280, 800)) -> tuple[PurchasingPage, ModeComparisonTab]:
    page = PurchasingPage()
    qtbot.addWidget(page)
    page.today = lambda: dt.date(2026, 5, 10)
    page.resize(*size)
    page.show()
    tab = page.comparison_tab
    assert isinstance(tab, ModeComparisonTab)
    page.tabs.setCurrentWidget(tab)
    page.set_database(db)
    with qtbot.waitSignal(tab.loaded, timeout=20_000):
        page.reload()
    return page, tab


def _grab(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    assert widget.grab().save(str(SHOTS / name))


def test_the_table_and_charts_fill_and_the_year_filter_narrows_them(qtbot, database, chinese) -> None:  # type: ignore[no-untyped-def]
    _build(database)
    page, tab = _tab(qtbot, database)
    rows = [tab.model.row_at(i) for i in range(tab.model.rowCount())]
    assert [(r.year, r.mode) for r in rows] == [(2025, m) for m in CompetitionMode] + [(2026, m) for m in
                                                                                      CompetitionMode]
    venture = rows[0]
    assert (venture.projects, venture.committed_fen, venture.paid_fen) == (1, 10 * W, 5 * W)
    assert tab.model.index(0, 6).data() == "1,000.00"  # 10万 over 100 people
    assert tab.model.index(0, 11).data() == "1"  # one final 优秀, after the four mid-term grades
    assert tab.model.index(1, 6).data() == "—"  # no bidding
    assert all(card.view is not None for card in tab.cards.values())
    assert tab.cards["money"].rows[0][1].value == 17 * W  # every year added up: 10万 + 7万
    assert tab.notes.text().count("\n") == 5 and tab.notes.text().startswith(("1. 资助项目", "1. Projects"))
    _grab(page, "comparison_1280.png")
    scroll = tab.scroll.verticalScrollBar()
    scroll.setValue(scroll.maximum())
    _grab(page, "comparison_1280_charts.png")
    tab.year.setCurrentIndex(tab.year.findData(2026))
    with qtbot.waitSignal(tab.loaded, timeout=20_000):
        tab.year.activated.emit(tab.year.currentIndex())
    assert [r.year for r in (tab.model.row_at(i) for i in range(tab.model.rowCount()))] == [2026] * 3
    assert tab.cards["organizations"].rows[0][1:] == [1, 0]  # 丙 funded for the first time
    assert tab.year.count() == 3  # every year stays on offer
    page.resize(700, 500)
    _grab(page, "comparison_700.png")
    assert tab.minimumSizeHint().width() <= 530


def test_the_table_exports_as_a_workbook_and_a_bad_folder_is_refused(qtbot, database, chinese, tmp_path,
                                                                     monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _build(database)
    _page, tab = _tab(qtbot, database)
    target = tmp_path / "比较.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    tab.export_table()
    qtbot.waitUntil(tab.note.isVisible, timeout=20_000)
    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert sheet[0][:3] == ["年度", "模式", "资助项目数"] and len(sheet) == 7
    tab.note.hide()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "无此目录" / "x.xlsx"), ""))
    tab.export_table()
    qtbot.waitUntil(tab.banner.isVisible, timeout=20_000)
    assert "无此目录" in tab.banner.text() and not tab.note.isVisible()


def test_with_nothing_funded_the_charts_say_so(qtbot, database) -> None:  # type: ignore[no-untyped-def]
    _page, tab = _tab(qtbot, database)
    assert tab.model.rowCount() == 0 and not tab.export_button.isEnabled()
    assert all(card.view is None for card in tab.cards.values())
