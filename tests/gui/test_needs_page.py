"""The Community needs page on the demo: the register with its filters, the need form with its links, deleting (a
linked need is refused), and the coverage tab with its stacked bar chart, tables and highlighted unmet needs."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from shots import shoot

from psp_desktop import i18n
from psp_desktop.db import Database
from psp_desktop.enums import Role, ServiceDomain
from psp_desktop.services import needs
from psp_desktop.services.access import Actor
from psp_desktop.ui.pages.needs import NeedsPage

translate = QCoreApplication.translate


@pytest.fixture
def demo(chinese_demo: Database) -> Database:
    """The session's demo, copied: this test's writes stay there."""
    return chinese_demo


def open_page(qtbot: Any, db: Database) -> NeedsPage:
    page = NeedsPage()
    qtbot.addWidget(page)
    page.resize(1360, 860)
    page.set_database(db)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.ensure_loaded()
    return page


def run_dialog(monkeypatch: pytest.MonkeyPatch, cls: type, script: Callable[[Any], None]) -> None:
    def exec_(dialog: QDialog) -> int:
        dialog.show()
        script(dialog)
        return dialog.result()
    monkeypatch.setattr(cls, "exec", exec_)


def register_rows(page: NeedsPage) -> list[needs.NeedRow]:
    model = page.register.model
    return [model.row_at(i) for i in range(model.rowCount())]


def test_the_register_lists_and_filters_the_demo_needs(qtbot, demo, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo)
    qtmodeltester.check(page.register.model)
    qtmodeltester.check(page.register.proxy)
    everything = register_rows(page)
    assert len(everything) == len(needs.list_needs(demo)) > 50
    shoot(page, "needs_register")
    register = page.register
    register.domain.setCurrentIndex(register.domain.findData(ServiceDomain.ELDERLY))
    register.year.setCurrentIndex(register.year.findData(2024))
    with qtbot.waitSignal(register.model.modelReset, timeout=10_000):
        register.reload()
    shown = register_rows(page)
    assert shown and all(r.domain is ServiceDomain.ELDERLY and r.collected_on.year == 2024 for r in shown)
    register.search.setText(shown[0].community)  # setText: keyClicks cannot type Chinese
    with qtbot.waitSignal(register.model.modelReset, timeout=10_000):
        pass  # the pause after typing, then the reload
    assert all(r.community == shown[0].community for r in register_rows(page))


def test_the_coverage_tab_draws_the_chart_and_highlights_unmet_needs(qtbot, demo, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo)
    coverage = page.coverage
    page.tabs.setCurrentWidget(coverage)
    assert coverage.year.currentData() == 2026
    report = coverage.report
    assert report is not None and report.year == 2026
    for model in (coverage.community_model, coverage.domain_model, coverage.need_model):
        qtmodeltester.check(model)
    view = coverage.card.view
    assert view is not None
    series = view.chart().series()[0]
    assert [s.label() for s in series.barSets()] == [translate("Needs", t) for t in (
        "Completed", "Funded", "Eligible project", "No project")]
    communities = report.by_community()
    assert sum(series.barSets()[3].at(i) for i in range(series.barSets()[3].count())) == report.totals()["none"]
    assert coverage.community_model.rowCount() == len(communities)
    unmet = report.uncovered
    assert unmet and coverage.need_model.rowCount() == len(report.rows)
    coverage.only_unmet.setChecked(True)
    assert coverage.need_model.rowCount() == len(unmet)
    coverage.only_unmet.setChecked(False)
    shoot(page, "needs_coverage_2026")
    image = view.grab().toImage()
    assert image.width() > 300 and image.height() > 300
    assert len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}) > 4
    shoot(view, "needs_chart_2026")

    coverage.by.setCurrentIndex(1)
    coverage._show_chart()
    assert coverage.card.view is not None
    axis = coverage.card.view.chart().axes(Qt.Orientation.Vertical)[0]  # horizontal bars: categories at the left
    assert len(axis.categories()) == len(report.by_domain())
    shoot(page, "needs_coverage_by_domain")

    coverage.year.setCurrentIndex(coverage.year.findData(2024))
    coverage.reload()
    qtbot.waitUntil(lambda: coverage.report is not None and coverage.report.year == 2024, timeout=10_000)
    totals = coverage.report.totals()
    assert totals["none"] and totals["eligible"] and totals["funded"]
    shoot(page, "needs_coverage_2024")


def test_the_report_exports_as_a_workbook(qtbot, demo, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl
    from PySide6.QtWidgets import QFileDialog

    page = open_page(qtbot, demo)
    target = tmp_path / "覆盖.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    page.coverage.export_report()
    qtbot.waitUntil(lambda: not page.coverage.note.isHidden(), timeout=10_000)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:3] == ["按社区", "按服务领域", "需求明细"]
    png = tmp_path / "chart.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(png), ""))
    page.coverage.card.save_png()
    assert png.stat().st_size > 5000


def test_recording_a_need_with_links_then_deleting_is_refused_until_unlinked(
        qtbot, demo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.need_dialog import NeedDialog

    page = open_page(qtbot, demo)
    before = len(register_rows(page))
    communities = needs.communities(demo)

    def fill(dialog: NeedDialog) -> None:
        dialog.save()  # nothing filled in: refused, the fields named
        assert dialog.banner.isVisible() and dialog.isVisible()
        dialog.community.setCurrentIndex(dialog.community.findData(communities[0].id))
        dialog.domain.setCurrentIndex(dialog.domain.findData(ServiceDomain.ELDERLY))
        dialog.title_edit.setText("高龄老人助浴服务缺乏")
        dialog.description.setPlainText("社区80岁以上老人中约40人洗澡困难。")
        dialog.people.setValue(40)
        dialog.collected_on.setDate(QDate(2026, 3, 2))
        theme = dialog.themes.item(0)
        theme.setCheckState(Qt.CheckState.Checked)
        shoot(dialog, "needs_dialog")
        dialog.tabs.setCurrentIndex(1)
        shoot(dialog, "needs_dialog_links")
        dialog.save()

    run_dialog(monkeypatch, NeedDialog, fill)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.register.add()
    rows = register_rows(page)
    assert len(rows) == before + 1
    added = next(r for r in rows if r.title == "高龄老人助浴服务缺乏")
    assert added.themes == 1

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: warnings.append(text))
    page.register.view.selectRow(next(i for i in range(page.register.proxy.rowCount())
                                      if page.register.proxy.index(i, 4).data() == added.title))
    page.register.delete()
    assert warnings and "高龄老人助浴服务缺乏" in warnings[0]
    record = needs.load(demo, added.id)
    needs.unlink_theme(demo, added.id, record.theme_ids[0])
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.register.delete()
    assert all(r.id != added.id for r in register_rows(page))


def test_a_viewer_sees_the_register_without_the_writing_buttons(qtbot, demo) -> None:  # type: ignore[no-untyped-def]
    demo.actor = Actor("viewer", frozenset({Role.VIEWER}))
    page = open_page(qtbot, demo)
    hidden = [button for button, _source in page.register.buttons if not button.isVisible()]
    assert page.register.delete_button in hidden and len(hidden) == 3
    assert page.register.model.rowCount() > 0


def test_importing_from_the_page_shows_every_problem_and_writes_nothing(
        qtbot, demo, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl
    from PySide6.QtWidgets import QFileDialog

    from psp_desktop.services import workbooks
    from psp_desktop.ui.dialogs.workbook_import_dialog import WorkbookImportDialog

    page = open_page(qtbot, demo)
    before = len(register_rows(page))
    template = tmp_path / "template.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(template), ""))
    next(b for b, source in page.register.buttons if source == "Blank import template…").click()
    book = openpyxl.load_workbook(template)
    for row in (["望江社区", "为老服务", "高龄老人助浴难", "", "网格员走访", 40, 1, "2026-03-02"],
                ["北山社区", "养老", "老人助餐", "", "", "", 9, "2026-03-01"]):
        book["社区需求"].append(row)
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    seen: list[WorkbookImportDialog] = []

    def look(dialog: WorkbookImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
        seen.append(dialog)
        shoot(dialog, "needs_import_problems")
        dialog.reject()

    run_dialog(monkeypatch, WorkbookImportDialog, look)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(bad), ""))
    page.register.import_workbook()
    preview = seen[0].preview
    assert preview is not None and not preview.ok and not seen[0].import_button.isEnabled()
    columns = {(p.row, p.column) for p in preview.problems}
    assert {(3, "社区"), (3, "服务领域")} <= columns
    assert len(needs.list_needs(demo)) == before
    book["社区需求"].delete_rows(3)
    good = tmp_path / "good.xlsx"
    book.save(good)

    def accept(dialog: WorkbookImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
        monkeypatch.setattr(QMessageBox, "information", lambda *_a, **_k: None)
        dialog.commit()
        qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=10_000)

    run_dialog(monkeypatch, WorkbookImportDialog, accept)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(good), ""))
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.register.import_workbook()
    assert len(register_rows(page)) == before + 1
    assert isinstance(workbooks.TemplateKind("needs"), workbooks.TemplateKind)


def test_the_page_follows_a_language_switch(qtbot, demo) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("PSP_EXTRA_QM"):
        pytest.skip("the screenshots' extra translations stay installed whatever the language")
    page = open_page(qtbot, demo)
    assert page.tabs.tabText(1) == translate("Needs", "Coverage")
    try:
        i18n.install("en")
        qtbot.waitUntil(lambda: page.tabs.tabText(0) == "Needs register", timeout=5_000)  # LanguageChange is posted
        assert page.tabs.tabText(0) == "Needs register" and page.register.community.itemText(0) == "All communities"
        assert page.coverage.summary_titles[0].text() == "By community"
        assert page.coverage.card.view is not None and "Needs by community" in page.coverage.card.view.chart().title()
    finally:
        i18n.install("zh_CN")
