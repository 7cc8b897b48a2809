"""The dashboard's charts on the demo, offscreen: every chart opens and renders at 1280×800 and 1920×1080 with
nothing cut off (grabbed to /tmp/shots8/dashboard*.png to be looked at), the choosers reload the right figures,
PNG and xlsx exports write whole files, and an unwritable folder gives a clear Chinese message."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtCore import QCoreApplication, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog
from python_calamine import CalamineWorkbook

from psp_desktop import i18n
from psp_desktop.services import finance, overview, rankings
from psp_desktop.services.scoring import points_text
from psp_desktop.ui.pages.dashboard import CARDS, DashboardPage

SHOTS = Path("/tmp/shots8")
DEMO_CHARTS = ("money_domain", "money_community", "coverage", "scores", "tranches")  # the demo has data for these


def tr(source: str) -> str:
    return QCoreApplication.translate("Dashboard", source)


@pytest.fixture(autouse=True)
def chinese(qapp):  # type: ignore[no-untyped-def]
    i18n.install("zh_CN")
    yield
    i18n.install("zh_CN")


@pytest.fixture
def dashboard(qtbot, open_window, wait_loaded, settings, demo_file):  # type: ignore[no-untyped-def]
    window = open_window(settings, demo_file)
    window.resize(1280, 800)
    page = window.current_page()
    assert isinstance(page, DashboardPage)
    wait_loaded(page)
    qtbot.waitUntil(lambda: page.figures is not None and len(page.cards) == len(CARDS), timeout=20_000)
    return window, page


def _reload(qtbot, page: DashboardPage, action) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.charts_loaded, timeout=20_000):
        action()


def _colours(image: QImage) -> int:
    step = max(1, image.width() // 80)
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def _inside(child: QRect, parent: QRect) -> bool:
    return parent.contains(child.topLeft()) and parent.contains(child.bottomRight())


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_every_chart_renders_legibly_and_nothing_is_cut_off(qtbot, dashboard, size) -> None:  # type: ignore[no-untyped-def]
    window, page = dashboard
    window.resize(*size)
    qtbot.wait(100)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SHOTS / f"dashboard_{size[0]}x{size[1]}.png"))
    body = page.scroll.widget()
    assert body.width() <= page.scroll.viewport().width()  # no sideways scrolling: the grid fits the page
    for key, card in page.cards.items():
        assert card.isVisibleTo(page) and card.width() >= card.minimumSizeHint().width(), key
        for button in (card.png_button, card.xlsx_button):
            assert _inside(button.geometry(), card.rect()), key
            assert button.width() >= button.sizeHint().width(), key  # 保存图片… not elided
        image = card.grab().toImage()
        assert not image.isNull() and image.width() >= 360
        assert image.save(str(SHOTS / f"dashboard_{key}_{size[0]}.png"))
        if key not in DEMO_CHARTS:
            continue
        view = card.view
        assert isinstance(view, QChartView), key
        assert view.width() >= 360 and view.height() >= 300, key
        assert _colours(view.grab().toImage()) >= 4, key  # background, text, grid and data
        chart = view.chart()
        assert chart.title() and chart.titleFont().pointSizeF() >= 11
        assert chart.titleFont().families() == window.font().families()  # the app's Chinese families
        for axis in chart.axes():
            assert axis.labelsFont().pointSizeF() >= 10, key
        if chart.legend().isVisible():
            assert chart.legend().font().pointSizeF() >= 10


def test_the_charts_show_the_demo_figures_and_follow_the_choosers(qtbot, dashboard, demo_file) -> None:  # type: ignore[no-untyped-def]
    window, page = dashboard
    db = window.db
    figures = page.figures
    assert figures.scope.competition_id is None and figures.scope.year is None  # everything, at first
    committed = sum(line.committed_fen for line in figures.by_domain)
    assert committed == sum(t.committed_fen for t in finance.totals(db, finance.Dimension.DOMAIN)) > 0
    assert page.cards["money_domain"].rows[-1][0] == tr("Total")  # 合计 (new strings: compared translated)
    assert page.cards["money_domain"].view.chart().title() == tr("Funds by service domain")

    # one competition: the funded 2024 one
    funded = next(c for c in figures.competitions if c.year == 2024)
    _reload(qtbot, page, lambda: page.scope.setCurrentIndex(page.scope.findData(f"competition:{funded.id}"))
            or page._load_charts())
    assert page.figures.scope.competition_id == funded.id and page.figures.coverage_year == 2024
    assert {(t.key, t.committed_fen) for t in page.figures.by_community} == {
        (t.key, t.committed_fen) for t in finance.totals(db, finance.Dimension.COMMUNITY, competition_id=funded.id)}
    assert "2024" in page.cards["coverage"].title

    # every frozen round of it: the histogram counts the totals the results page publishes
    for index in range(page.round_choice.count()):
        round_id = page.round_choice.itemData(index)
        page.round_choice.setCurrentIndex(index)
        _reload(qtbot, page, page._load_round)
        report = rankings.round_report(db, round_id)
        published = sorted(Decimal(points_text(p.score, report.decimals)) for p in report.result.proposals)
        assert list(page.scores) == published
        assert sum(row[-1] for row in page.cards["scores"].rows) == len(published)
    page.bin_width.setCurrentIndex(page.bin_width.findData(10))
    page.draw_scores()
    assert all(row[2] - row[1] == 10 for row in page.cards["scores"].rows)

    # back to everything: the chooser and the histogram show the newest frozen round again
    _reload(qtbot, page, lambda: page.scope.setCurrentIndex(0) or page._load_charts())
    assert page.round_choice.currentData() == page.figures.rounds[0].round_id
    assert page.scores == page.figures.scores

    # the coverage chart by community
    page.coverage_by.setCurrentIndex(page.coverage_by.findData("community"))
    page.draw_coverage()
    assert page.cards["coverage"].headers[0] == tr("Community")


def test_png_and_xlsx_exports_write_whole_files(qtbot, dashboard, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _window, page = dashboard
    card = page.cards["money_community"]
    png = tmp_path / "资金投向.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(png.with_suffix("")), ""))
    card.save_png()
    image = QImage(str(png))
    assert not image.isNull() and image.width() == card.view.grab().width()
    assert card.note.isVisibleTo(card) and str(png) in card.note.text()
    assert not list(tmp_path.glob(".~*"))  # the temporary file was renamed, not left behind

    workbook = tmp_path / "资金.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(workbook), ""))
    card.export_data()
    sheet = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == tr("Funds by community")
    assert sheet[1] == [tr("Community"), tr("Funded projects"), tr("Committed (yuan)"), tr("Paid (yuan)")]
    lines = page.figures.by_community
    assert len(sheet) == 2 + len(lines) + 1  # title, headers, one row per community, the total
    for row, line in zip(sheet[2:], lines, strict=False):
        assert Decimal(str(row[2])) == Decimal(line.committed_fen) / 100
        assert Decimal(str(row[3])) == Decimal(line.paid_fen) / 100
    assert sheet[-1][0] == tr("Total") and Decimal(str(sheet[-1][2])) == Decimal(
        sum(line.committed_fen for line in lines)) / 100

    for key in DEMO_CHARTS:  # every chart with data exports both
        other = page.cards[key]
        for suffix, action in ((".png", other.save_png), (".xlsx", other.export_data)):
            target = tmp_path / f"{key}{suffix}"
            monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, target=target, **k: (str(target), ""))
            action()
            assert target.stat().st_size > 1000, target


@pytest.mark.parametrize("folder", ["missing", "/proc"])
def test_an_unwritable_folder_says_so_in_chinese(qtbot, dashboard, monkeypatch, tmp_path, folder) -> None:  # type: ignore[no-untyped-def]
    _window, page = dashboard
    card = page.cards["tranches"]
    where = tmp_path / folder if folder == "missing" else Path(folder)
    for action, name in ((card.save_png, "图.png"), (card.export_data, "数据.xlsx")):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, name=name, **k: (str(where / name), ""))
        action()
        assert card.banner.isVisibleTo(card)
        assert card.banner.text() == f"无法写入文件夹 {where}。请选择其他位置。"
        assert not (where / name).exists() and not card.note.isVisibleTo(card)


def test_the_first_paint_needs_no_charts(qtbot, demo_file) -> None:  # type: ignore[no-untyped-def]
    """Before the database is open the page shows the figures read from the file, and builds no chart."""
    page = DashboardPage()
    qtbot.addWidget(page)
    page.show_data(overview.dashboard_from_file(demo_file))
    qtbot.wait(50)
    assert page.tiles[1].value.text() != "—" and page.cards == {}
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, psp_desktop.ui.pages.dashboard; print('PySide6.QtCharts' in sys.modules)"],
        capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"  # QtCharts loads with the first chart, not with the page


def test_a_language_switch_redraws_the_charts(qtbot, dashboard) -> None:  # type: ignore[no-untyped-def]
    _window, page = dashboard
    i18n.install("en")
    qtbot.wait(50)  # LanguageChange is posted
    assert page.cards["money_domain"].view.chart().title() == "Funds by service domain"
    assert page.cards["money_domain"].png_button.text() == "Save picture…"
    assert page.scope.itemText(0) == "All years"
