"""The mode filter (全部方式 / 公益创投 / 公益招投标 / 服务委托) on the Funding, Monitoring and Documents pages, on
the demo (venture competitions, a bidding programme and a commissioned project), offscreen in Chinese: each lists every
mode's funded projects, narrows to one mode, combines it with the competition filter and the search, shows the 方式
column only while several modes are listed, and still fits a 700×500 window. Screenshots go to
/tmp/shots/mode_filters_*.png (PSP_EXTRA_QM=/tmp/mode_filters_extra.qm shows the new strings in Chinese)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from shots import shoot

from psp_desktop.db import Database
from psp_desktop.enums import CompetitionMode, DocumentType, Role
from psp_desktop.services import certificates, lists
from psp_desktop.services.access import Actor
from psp_desktop.ui.pages.documents import MODE_INDEX as DOCUMENT_MODE_COLUMN
from psp_desktop.ui.pages.documents import DocumentsPage
from psp_desktop.ui.pages.funding import FundingPage
from psp_desktop.ui.pages.monitoring import MODE_INDEX as MONITORING_MODE_COLUMN
from psp_desktop.ui.pages.monitoring import MonitoringPage

VENTURE, BIDDING, COMMISSION = CompetitionMode
TODAY = dt.date(2026, 11, 20)
ADMIN = Actor("admin", frozenset({Role.ADMIN}), None, "管理员")
NARROW = 530  # a page inside the 700×500 window, beside the navigation


@pytest.fixture
def demo(chinese_demo: Database) -> Database:
    chinese_demo.actor = ADMIN
    modes = {c.mode for c in lists.competitions(chinese_demo)}
    if modes != set(CompetitionMode):
        pytest.skip("the demo has no bidding programme or commissioned project yet")
    return chinese_demo


def _rows(model: Any) -> list[Any]:
    return [model.row_at(i) for i in range(model.rowCount())]


def _shown(view: Any, model: Any) -> list[Any]:
    proxy = view.model()
    return [model.row_at(proxy.mapToSource(proxy.index(i, 0)).row()) for i in range(proxy.rowCount())]


def _bar(layout: Any, widget: Any) -> Any:
    """The layout (within layout) that holds widget."""
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is widget:
            return layout
        found = _bar(item.layout(), widget) if item.layout() is not None else None
        if found is not None:
            return found
    return None


def _fits(page: Any) -> None:
    """The filter bar fits beside the navigation of a 700×500 window, and the filter widens no page."""
    bar = _bar(page.mode_filter.parentWidget().layout(), page.mode_filter)
    assert bar.minimumSize().width() <= NARROW, bar.minimumSize()
    with_filter = page.minimumSizeHint().width()
    page.mode_filter.hide()
    page.layout().activate()
    without = page.minimumSizeHint().width()
    page.mode_filter.show()
    page.layout().activate()
    assert with_filter == without


def _show(qtbot: Any, page: Any, db: Database) -> None:
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.set_database(db)
        page.ensure_loaded()


# --- monitoring ----------------------------------------------------------------------------------------------------


def test_monitoring_lists_every_mode_and_filters_by_one(qtbot: Any, demo: Database) -> None:
    page = MonitoringPage()
    page.today = lambda: TODAY
    _show(qtbot, page, demo)
    every = _rows(page.model)
    assert {r.mode for r in every} == set(CompetitionMode)
    assert not page.view.isColumnHidden(MONITORING_MODE_COLUMN)  # three modes: the column says which
    assert page.mode_filter.currentText() in ("全部方式", "All modes")
    _fits(page)
    shoot(page, "mode_filters_monitoring_all")

    page.mode_filter.set_mode(BIDDING)
    bidding = _rows(page.model)
    assert bidding and all(r.mode is BIDDING for r in bidding)
    assert page.view.isColumnHidden(MONITORING_MODE_COLUMN)  # one mode: no column for it
    offered = [page.competition.itemData(i) for i in range(1, page.competition.count())]
    assert offered == sorted({r.competition_id for r in bidding}, key=offered.index)
    shoot(page, "mode_filters_monitoring_bidding")

    # with the competition filter: a venture competition chosen, then the mode switched to commission
    page.mode_filter.set_mode(None)
    venture = next(r for r in every if r.mode is VENTURE)
    page.competition.setCurrentIndex(page.competition.findData(venture.competition_id))
    page.choose(venture.competition_id)
    assert {r.competition_id for r in _rows(page.model)} == {venture.competition_id}
    page.mode_filter.set_mode(VENTURE)  # the competition is of this mode: it stays chosen
    assert page.competition_id == venture.competition_id
    page.mode_filter.set_mode(COMMISSION)  # not of this mode: every commissioned project instead
    assert page.competition_id is None
    commissioned = _rows(page.model)
    assert commissioned and all(r.mode is COMMISSION for r in commissioned)
    # and with the search: a venture title finds nothing among the commissioned projects
    page.search.setText(venture.title)
    assert page.proxy.rowCount() == 0 and page.splitter.isVisible()  # an empty list, not "no projects yet"
    page.search.setText(commissioned[0].title)
    assert page.proxy.rowCount() == 1
    shoot(page, "mode_filters_monitoring_commission")
    page.resize(590, 470)
    shoot(page, "mode_filters_monitoring_700")


# --- funding -------------------------------------------------------------------------------------------------------


def test_funding_offers_the_competitions_of_the_chosen_mode(qtbot: Any, demo: Database) -> None:
    page = FundingPage()
    _show(qtbot, page, demo)
    _fits(page)
    modes = {c.id: c.mode for c in lists.competitions(demo)}
    assert page.competition.count() == len(modes)
    tranches_tab = page.money_tabs[0][0]
    for mode in (COMMISSION, BIDDING, VENTURE):
        with qtbot.waitSignal(page.loaded, timeout=20_000):
            page.mode_filter.set_mode(mode)
        ids = [page.competition.itemData(i) for i in range(page.competition.count())]
        assert ids and {modes[i] for i in ids} == {mode}
        assert page.competition_id in ids
        awards = _rows(page.awards.model)
        assert awards and all(a.mode is mode for a in awards)
        qtbot.waitUntil(lambda: bool(_rows(tranches_tab.model)), timeout=20_000)
        qtbot.waitUntil(lambda mode=mode: {r.mode for r in _rows(tranches_tab.model)} == {mode}, timeout=20_000)
        if mode is not VENTURE:
            page.tabs.setCurrentIndex(0)
            shoot(page, f"mode_filters_funding_{mode.value}")
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.mode_filter.set_mode(None)
    assert page.competition.count() == len(modes)
    page.resize(720, 470)  # the page's own minimum (the pool bar) is wider than 530
    shoot(page, "mode_filters_funding_700")


# --- documents -----------------------------------------------------------------------------------------------------


def test_documents_of_every_mode_filter_by_mode(qtbot: Any, demo: Database, tmp_path: Path) -> None:
    for competition in lists.competitions(demo):
        if competition.mode is not VENTURE:  # the demo issued certificates only in its 2024 competition
            certificates.make_batch(demo, competition.id, DocumentType.AWARD_CERTIFICATE,
                                    tmp_path / competition.mode.value, combined=True)
    page = DocumentsPage()
    _show(qtbot, page, demo)
    _fits(page)
    every = _rows(page.register.model)
    assert {e.mode for e in every} == set(CompetitionMode)
    assert not page.register.view.isColumnHidden(DOCUMENT_MODE_COLUMN)
    shoot(page, "mode_filters_documents_all")
    for mode in (BIDDING, COMMISSION):
        page.mode_filter.set_mode(mode)
        shown = _rows(page.register.model)
        assert shown and all(e.mode is mode for e in shown)
        assert page.register.view.isColumnHidden(DOCUMENT_MODE_COLUMN)
    shoot(page, "mode_filters_documents_commission")
    page.resize(560, 470)  # what a 700×500 window leaves beside the navigation
    shoot(page, "mode_filters_documents_700")
    page.resize(1100, 700)
    # with the type filter: no appointment letters in a commission; the list stays, empty
    page.type_filter.setCurrentIndex(page.type_filter.findData(DocumentType.APPOINTMENT_LETTER.value))
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.reload()
    assert page.register.model.rowCount() == 0 and page.register.stack.currentIndex() == 0
    page.mode_filter.set_mode(VENTURE)
    letters = _shown(page.register.view, page.register.model)
    assert letters and all(e.doc_type is DocumentType.APPOINTMENT_LETTER and e.mode is VENTURE for e in letters)
    # and with the search
    page.register.search.setText(letters[0].serial)
    assert page.register.proxy.rowCount() == 1
