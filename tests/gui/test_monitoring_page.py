"""The Monitoring page on the demo, offscreen: funded projects with the overdue report in red words and the late
project's withheld tranche flagged, its reports, milestones and visits; a report submitted through the dialog that
takes a category over budget (allowed, flagged in red); a site visit recorded and its rectification; the late-report
rule run when the page loads; what a read-only person sees. Screenshots go to /tmp/shots8/monitoring*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
from shots import shoot

from psp_desktop.db import Database
from psp_desktop.enums import BudgetCategory, Role, TrancheStatus
from psp_desktop.models import Tranche
from psp_desktop.services import monitoring
from psp_desktop.services.access import Actor
from psp_desktop.services.monitoring import ReportState
from psp_desktop.ui.pages.monitoring import OVERDUE_COLUMN, MonitoringPage

TODAY = dt.date(2026, 11, 20)  # the demo's story ends on 18 November 2026
ADMIN = Actor("admin", frozenset({Role.ADMIN}), None, "管理员")


@pytest.fixture
def demo_copy(chinese_demo: Database) -> Database:
    """The session's demo, copied: this test's writes stay there."""
    chinese_demo.actor = ADMIN
    return chinese_demo


def open_page(qtbot, db: Database, today: dt.date = TODAY) -> MonitoringPage:  # type: ignore[no-untyped-def]
    page = MonitoringPage()
    page.today = lambda: today
    qtbot.addWidget(page)
    page.resize(1360, 860)
    page.show()
    with qtbot.waitSignal(page.detail_loaded, timeout=20_000):
        page.set_database(db)
        page.ensure_loaded()
    return page


def select(qtbot, page: MonitoringPage, award_id: int) -> None:  # type: ignore[no-untyped-def]
    if page.selected_project() is not None and page.selected_project().award_id == award_id:
        return
    with qtbot.waitSignal(page.detail_loaded, timeout=10_000):
        assert page.select_project(award_id)
    assert page.detail.detail is not None and page.detail.detail.project.award_id == award_id


def _row(page: MonitoringPage, award_id: int):  # type: ignore[no-untyped-def]
    return next(page.model.row_at(i) for i in range(page.model.rowCount()) if page.model.row_at(i).award_id == award_id)


def test_funded_projects_with_the_overdue_report_in_red(qtbot, demo_copy: Database) -> None:
    page = open_page(qtbot, demo_copy)
    rows = [page.model.row_at(i) for i in range(page.model.rowCount())]
    assert len(rows) == 14  # 13 funded in 2024, one cancelled in 2025; the 2025 tender and commission
    (late,) = [r for r in rows if r.overdue_days]
    assert late.late_withheld and late.next_state is ReportState.OVERDUE
    column = OVERDUE_COLUMN
    index = page.proxy.mapFromSource(page.model.index(rows.index(late), column))
    assert "逾期" in page.proxy.data(index) or "Overdue" in page.proxy.data(index)
    assert page.model.alarm(late, column)
    assert any(r.overspent for r in rows) and any(r.open_rectifications for r in rows)
    assert "All reports in" not in page.count.text()
    visits = [v for r in rows for v in monitoring.detail(demo_copy, r.award_id, TODAY).visits]
    (before_clawback,) = [v for v in visits if v.visited_on == dt.date(2025, 9, 19)]
    assert before_clawback.rectification_required and before_clawback.rectified_on is not None
    select(qtbot, page, late.award_id)
    page.detail.tabs.setCurrentWidget(page.detail.reports)
    reports = page.detail.reports
    states = [reports.model.row_at(i).state for i in range(reports.model.rowCount())]
    assert states[-2:] == [ReportState.OVERDUE, ReportState.UPCOMING]
    assert states.count(ReportState.SUBMITTED_LATE) == 2
    reports.view.selectRow(4)  # the first late one: its narrative below
    assert "2026-04-01" in reports.narrative.toPlainText()
    shoot(page, "monitoring.png")
    page.detail.tabs.setCurrentWidget(page.detail.visits)
    shoot(page.detail, "monitoring-visits.png")
    page.detail.tabs.setCurrentWidget(page.detail.milestones)
    assert page.detail.milestones.model.rowCount() > 3
    shoot(page.detail, "monitoring-milestones.png")
    (over,) = [r for r in rows if r.overspent]
    select(qtbot, page, over.award_id)
    page.detail.tabs.setCurrentWidget(reports)
    last = max(i for i in range(reports.model.rowCount()) if reports.model.row_at(i).submitted_on)
    assert reports.model.row_at(last).overspent and reports.model.alarm(reports.model.row_at(last), 8)
    reports.view.selectRow(last)
    assert [b for b in page.detail.reports.budget.model._rows if b.over]
    shoot(page.detail, "monitoring-budget.png")


def test_a_report_over_budget_is_taken_and_flagged(qtbot, demo_copy: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs import report_dialog
    from psp_desktop.ui.dialogs.report_dialog import ReportDialog

    page = open_page(qtbot, demo_copy)
    row = next(page.model.row_at(i) for i in range(page.model.rowCount())
               if not page.model.row_at(i).overspent and not page.model.row_at(i).overdue_days)
    select(qtbot, page, row.award_id)
    detail = page.detail.detail
    assert detail is not None
    activity = next(c for c in detail.budget if c.category is BudgetCategory.ACTIVITY)

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ReportDialog)
        assert dialog.which.currentData() == dt.date(2026, 12, 31)  # the only report not yet in
        dialog.fields["submitted"].set_value(TODAY)  # type: ignore[attr-defined]
        dialog.activities.setValue(6)
        dialog.people.setValue(120)
        dialog.fields["narrative"].setPlainText("开展结项前回访活动六场。")  # type: ignore[attr-defined]
        edit = dialog.amounts[BudgetCategory.ACTIVITY][0]
        edit.set_fen(activity.budget_fen - activity.spent_fen + 150_000)  # 1,500 yuan over
        edit.edited.emit()
        flag = dialog.amounts[BudgetCategory.ACTIVITY][3]
        assert flag.text() and ("超" in flag.text() or "Over" in flag.text())
        sheet = dialog.file_list
        assert sheet.count() == 0
        shoot(dialog, "monitoring-report-dialog.png")
        dialog.submit()

    monkeypatch.setattr(report_dialog.QFileDialog, "getOpenFileNames", lambda *a, **k: ([], ""))
    QTimer.singleShot(0, fill)
    with qtbot.waitSignal(page.detail_loaded, timeout=20_000):
        page.detail.reports.submit()
    assert page.note.isVisible() and page.note.text()
    assert "Activities" in page.note.text() or "活动" in page.note.text()
    updated = _row(page, row.award_id)
    assert updated.overspent == (BudgetCategory.ACTIVITY,) and updated.next_due is None
    shoot(page, "monitoring-overspent.png")


def test_a_visit_with_a_rectification_then_rectified(qtbot, demo_copy: Database) -> None:
    from psp_desktop.ui.dialogs.visit_dialog import VisitDialog

    page = open_page(qtbot, demo_copy)
    row = next(page.model.row_at(i) for i in range(page.model.rowCount())
               if not page.model.row_at(i).open_rectifications)
    select(qtbot, page, row.award_id)
    page.detail.tabs.setCurrentWidget(page.detail.visits)

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, VisitDialog)
        assert dialog.text("visitor") == "管理员"  # the signed-in person by default
        dialog.fields["findings"].setPlainText("活动台账缺少九月份签到表。")  # type: ignore[attr-defined]
        dialog.required.setChecked(True)
        dialog.submit()  # rectification ticked without saying what: refused, the dialog stays
        assert dialog.banner.isVisible()
        shoot(dialog, "monitoring-visit-dialog.png")
        dialog.fields["rectification"].setPlainText("十二月底前补齐签到表。")  # type: ignore[attr-defined]
        dialog.submit()

    QTimer.singleShot(0, fill)
    with qtbot.waitSignal(page.detail_loaded, timeout=20_000):
        page.detail.visits.add()
    visits = page.detail.visits
    newest = max((visits.model.row_at(i) for i in range(visits.model.rowCount())), key=lambda v: v.id)
    assert newest.open and newest.rectification == "十二月底前补齐签到表。"
    assert visits.model.alarm(newest, 4)
    flagged = _row(page, row.award_id)
    assert flagged.open_rectifications == 1
    monitoring.mark_rectified(demo_copy, newest.id, TODAY, today=TODAY)
    assert not monitoring.detail(demo_copy, row.award_id, TODAY).visits[-1].open


def test_the_late_rule_runs_when_the_page_loads(qtbot, demo_copy: Database) -> None:
    """In mid-January 2027 every project's last report (due 2026-12-31) is past its grace days: the page's load
    withholds each one's final tranche and says so; loading again changes nothing more."""
    later = dt.date(2027, 1, 15)
    page = open_page(qtbot, demo_copy, later)
    assert page.note.isVisible() and page.data is not None and page.data.withheld
    with demo_copy.read() as s:
        for tranche_id in page.data.withheld:
            tranche = s.get(Tranche, tranche_id)
            assert tranche is not None and tranche.status is TrancheStatus.WITHHELD
            assert "2026-12-31" in tranche.status_reason
    shoot(page, "monitoring-late-rule.png")
    again = monitoring.apply_late_rule(demo_copy, later)
    assert again == []


def test_a_read_only_person_sees_no_write_buttons(qtbot, demo_copy: Database) -> None:
    demo_copy.actor = Actor("viewer", frozenset({Role.VIEWER}), None, "查阅")
    page = open_page(qtbot, demo_copy)
    assert page.model.rowCount() == 14
    for part in (page.detail.milestones, page.detail.reports, page.detail.visits):
        assert not any(button.isVisible() for button, _source in part.buttons)
    assert page.data is not None and page.data.withheld == ()  # a viewer never applies the rule


def test_the_evaluations_tab_or_its_placeholder(qtbot, demo_copy: Database) -> None:
    page = open_page(qtbot, demo_copy)
    assert page.tabs.count() == 2
    tab = page.tabs.widget(1)
    assert tab is page.evaluations
    if isinstance(tab, QLabel):
        assert tab.text()
