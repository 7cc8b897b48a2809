"""The 服务委托 tab of the Purchasing page offscreen: the empty state without a commission programme; the dialog
previews the organization's checks, refuses an empty justification or a sanctioned organization in its banner with
nothing written, and a good commission writes one award that the list then shows with its checks; a viewer sees no
委托项目… button. Screens go to /tmp/shots9/commission*.png (1280×800 and 700×500)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from shots import extra_translator
from sqlalchemy import func, select

from psp_desktop import i18n
from psp_desktop.db import Database
from psp_desktop.enums import CompetitionMode, CompetitionStatus, InspectionResult, OrgType, Rating, Role, ServiceDomain
from psp_desktop.models import Award, Competition, Organization, Proposal
from psp_desktop.services.access import Actor
from psp_desktop.ui.commission_tab import CommissionTab
from psp_desktop.ui.dialogs.commission_dialog import CommissionDialog
from psp_desktop.ui.pages.purchasing import PurchasingPage

SHOTS = Path("/tmp/shots9")
TODAY = dt.date(2026, 5, 10)
W = 1_000_000


@pytest.fixture
def chinese() -> Any:
    i18n.install("zh_CN")
    translator = extra_translator()
    yield
    if translator is not None:
        QApplication.removeTranslator(translator)


def _programme(db: Database) -> tuple[int, int, int]:
    """A commission programme, a clean organization and one on the serious-violation list."""
    with db.write() as s:
        comp = Competition(name="2026年望江街道服务委托", year=2026, mode=CompetitionMode.COMMISSION, pool_fen=50 * W,
                           project_cap_fen=20 * W, status=CompetitionStatus.IMPLEMENTING,
                           rules={"min_registration_years": 3})
        good = Organization(name="望江阳光社会工作服务中心", org_type=OrgType.SERVICE_AGENCY,
                            registered_on=dt.date(2019, 5, 20), inspection_result=InspectionResult.PASSED,
                            rating=Rating.A4, has_bank_account=True)
        bad = Organization(name="临江某某服务社", org_type=OrgType.SERVICE_AGENCY, registered_on=dt.date(2018, 1, 1),
                           violation_list_until=dt.date(2027, 1, 1))
        s.add_all([comp, good, bad])
        s.flush()
        return comp.id, good.id, bad.id


def _page(qtbot: Any, db: Database, size: tuple[int, int] = (1280, 800)) -> PurchasingPage:
    page = PurchasingPage()
    qtbot.addWidget(page)
    page.today = lambda: TODAY
    page.resize(*size)
    page.show()
    page.tabs.setCurrentWidget(page.commission_tab)
    tab = page.commission_tab
    assert isinstance(tab, CommissionTab)
    page.set_database(db)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        page.reload()
    return page


def _awards(db: Database) -> tuple[int, int]:
    with db.read() as s:
        return (s.scalar(select(func.count()).select_from(Award)) or 0,
                s.scalar(select(func.count()).select_from(Proposal)) or 0)


def _grab(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    assert widget.grab().save(str(SHOTS / name))


def _dialog(qtbot: Any, tab: CommissionTab) -> CommissionDialog:
    data = tab.data
    dialog = CommissionDialog(tab.db, data.competition_id, "2026年望江街道服务委托", data.organizations,
                              data.communities, TODAY, tab)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(dialog: CommissionDialog, organization: int, justification: str) -> None:
    dialog.organization.setCurrentIndex(dialog.organization.findData(organization))
    dialog.title.setText("独居老人助餐服务")
    dialog.domain.setCurrentIndex(dialog.domain.findData(ServiceDomain.ELDERLY))
    dialog.amount.setText("12万")
    dialog.beneficiaries.setValue(240)
    dialog.justification.setPlainText(justification)
    dialog.approver.setText("王主任")


def test_without_a_commission_programme_the_tab_says_how_to_make_one(qtbot, database, chinese) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, database)
    tab = page.commission_tab
    assert tab.stack.currentWidget() is tab.empty
    assert "服务委托" in tab.empty.body.text() or "commission" in tab.empty.body.text().lower()
    _grab(page, "commission_empty.png")


def test_the_dialog_refuses_an_empty_justification_and_a_sanction_and_saves_a_good_one(
        qtbot, database, chinese) -> None:  # type: ignore[no-untyped-def]
    comp, good, bad = _programme(database)
    page = _page(qtbot, database)
    tab = page.commission_tab
    assert tab.stack.currentWidget() is not tab.empty and tab.add_button.isVisible()
    assert tab.programme.currentData() == comp and tab.model.rowCount() == 0
    dialog = _dialog(qtbot, tab)
    _fill(dialog, good, "")
    qtbot.waitUntil(lambda: "✔" in dialog.checks.text(), timeout=10_000)  # the preview: registration passed
    dialog.submit()
    assert dialog.banner.isVisible() and "理由" in dialog.banner.text()
    assert _awards(database) == (0, 0) and dialog.result is None
    _fill(dialog, bad, "该机构长期承接助餐服务。")
    qtbot.waitUntil(lambda: "✘" in dialog.checks.text(), timeout=10_000)  # the violation list, before confirming
    dialog.resize(dialog.sizeHint())
    _grab(dialog, "commission_dialog_refused_preview.png")
    dialog.submit()
    assert dialog.banner.isVisible() and "临江某某服务社" in dialog.banner.text()
    _grab(dialog, "commission_dialog_refused.png")
    assert _awards(database) == (0, 0)
    _fill(dialog, good, "该机构承接本街道助餐点三年，经主任办公会研究直接委托。")
    dialog.submit()
    assert dialog.result is not None and dialog.result.intake_number
    assert _awards(database) == (1, 1)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.after_write()
    assert tab.model.rowCount() == 1
    row = tab.model.row_at(0)
    assert (row.title, row.amount_fen, row.approved_by) == ("独居老人助餐服务", 12 * W, "王主任")
    assert "主任办公会" in tab.justification.text()
    assert "✔" in tab.checks.text() and "credit" not in tab.checks.text()
    _grab(page, "commission_tab_1280.png")
    page.resize(700, 500)
    _grab(page, "commission_tab_700.png")
    assert page.commission_tab.minimumSizeHint().width() <= 530


def test_the_add_button_opens_the_dialog_and_reports_what_was_written(qtbot, database, chinese) -> None:  # type: ignore[no-untyped-def]
    _comp, good, _bad = _programme(database)
    page = _page(qtbot, database)
    tab = page.commission_tab

    def fill_and_accept() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CommissionDialog)
        _fill(dialog, good, "经主任办公会研究直接委托。")
        dialog.submit()

    QTimer.singleShot(0, fill_and_accept)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.add_button.click()
    assert tab.model.rowCount() == 1 and tab.note.isVisible()
    assert "2026-001" in tab.note.text()


def test_a_viewer_sees_no_commission_button(qtbot, database) -> None:  # type: ignore[no-untyped-def]
    _programme(database)
    database.actor = Actor("viewer", frozenset({Role.VIEWER}))
    page = _page(qtbot, database)
    assert not page.commission_tab.add_button.isVisible()
