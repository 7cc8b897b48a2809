"""The main window over the demo database: every page opens, tables are sound models, Chinese by default."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt

from psp_desktop import i18n
from psp_desktop.ui.main_window import PAGE_NAMES
from psp_desktop.ui.pages.base import EmptyPage, ListPage
from psp_desktop.ui.pages.proposals import ProposalsPage

DATA_PAGES = ("Needs", "Organizations", "Competitions", "Judging")


@pytest.fixture(autouse=True)
def chinese(qapp):  # type: ignore[no-untyped-def]
    i18n.install("zh_CN")
    yield
    i18n.install("zh_CN")


def test_every_page_opens_and_its_tables_pass_the_model_tester(open_window, wait_loaded, qtmodeltester, settings,
                                                                 demo_file) -> None:
    window = open_window(settings, demo_file)
    for name in PAGE_NAMES:
        page = window.show_page(name)
        wait_loaded(page)
        assert window.stack.currentWidget() is page
        if isinstance(page, ListPage):
            for table in page.tables:
                qtmodeltester.check(table.model)
                qtmodeltester.check(table.proxy)
        if name in DATA_PAGES:
            assert all(table.model.rowCount() > 0 for table in page.tables), name
    proposals = window.pages["Proposals"]
    assert isinstance(proposals, ProposalsPage)
    qtmodeltester.check(proposals.model)
    assert proposals.model.rowCount() >= 50


def test_chinese_is_the_default_and_english_switches_at_run_time(qtbot, open_window, wait_loaded, settings,
                                                                 demo_file) -> None:
    window = open_window(settings, demo_file)
    assert window.nav.item(0).text() == "工作台"
    organizations = window.show_page("Organizations")
    wait_loaded(organizations)
    header = organizations.tables[0].model.headerData(1, Qt.Orientation.Horizontal)
    assert header == "统一社会信用代码"
    settings_page = window.show_page("Settings")
    settings_page.language.setCurrentIndex(settings_page.language.findData("en"))
    qtbot.waitUntil(lambda: window.nav.item(0).text() == "Dashboard", timeout=2000)
    assert organizations.tables[0].model.headerData(1, Qt.Orientation.Horizontal) == "Unified social credit code"
    assert settings.path.exists() and '"en"' in settings.path.read_text(encoding="utf-8")
    settings_page.language.setCurrentIndex(settings_page.language.findData("zh_CN"))
    qtbot.waitUntil(lambda: window.nav.item(0).text() == "工作台", timeout=2000)


def test_qt_standard_dialogs_are_chinese() -> None:
    assert QCoreApplication.translate("QPlatformTheme", "&Yes") == "是(&Y)"


def test_dashboard_shows_the_demo_competition(qtbot, open_window, wait_loaded, settings, demo_file) -> None:
    window = open_window(settings, demo_file)
    dashboard = window.current_page()
    wait_loaded(dashboard)
    assert "公益创投大赛" in dashboard.competition.text()
    assert dashboard.tiles[0].value.text() != "0"
    assert dashboard.domains.model.rowCount() > 3
    assert "数据库" in window.db_label.text() and str(demo_file) in window.db_label.text()


def test_pages_without_their_feature_say_so_instead_of_showing_made_up_data(open_window, wait_loaded, settings,
                                                                           demo_file) -> None:
    window = open_window(settings, demo_file)
    monitoring = window.show_page("Monitoring")  # a working page now (tests/gui/test_monitoring_page.py)
    assert not isinstance(monitoring, EmptyPage)
    documents = window.show_page("Documents")  # a working page now (tests/gui/test_documents_page.py)
    wait_loaded(documents)
    assert not isinstance(documents, EmptyPage)
    register = documents.register
    assert register.stack.currentIndex() == (0 if register.model.rowCount() else 1)  # never an empty grid


def test_list_search_filters_rows(qtbot, open_window, wait_loaded, settings, demo_file) -> None:
    window = open_window(settings, demo_file)
    page = window.show_page("Organizations")
    wait_loaded(page)
    table = page.tables[0]
    total = table.proxy.rowCount()
    first_name = table.model.row_at(0).name
    table.search.setText(first_name)  # setText: keyClicks cannot type Chinese
    assert 1 <= table.proxy.rowCount() < total
    assert "显示" in table.count.text()


def test_proposals_sort_and_search_run_in_the_service(qtbot, open_window, wait_loaded, settings,
                                                      demo_file) -> None:
    window = open_window(settings, demo_file)
    page = window.show_page("Proposals")
    wait_loaded(page)
    requested = next(i for i, c in enumerate(page.model.columns) if c.attr == "requested_fen")
    page.view.sortByColumn(requested, Qt.SortOrder.DescendingOrder)
    amounts = [page.model.row_at(i).requested_fen for i in range(page.model.rowCount())]
    assert amounts == sorted(amounts, reverse=True)
    total = page.model.rowCount()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.search.setText("2026-WJ-00")
    assert 0 < page.model.rowCount() < total
    assert all(page.model.row_at(i).intake_number.startswith("2026-WJ-00") for i in range(page.model.rowCount()))


def test_window_geometry_and_page_persist(qtbot, settings, demo_file) -> None:
    from psp_desktop.settings import Settings
    from psp_desktop.ui.main_window import MainWindow

    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.resize(700, 500)  # the offscreen screen is 800×600
    window.show()
    window.show_first_page()
    window.show_page("Needs")
    window.close()
    again = MainWindow(Settings(settings.path))
    qtbot.addWidget(again)
    assert (again.size().width(), again.size().height()) == (700, 500)
    assert again.first_page == "Needs"


def test_a_non_database_file_gets_a_chinese_message_and_stays_untouched(qtbot, settings, tmp_path, _no_dialogs) -> None:
    from psp_desktop.services.startup import open_for_app
    from psp_desktop.ui.main_window import MainWindow

    bad = tmp_path / "notes.db"
    bad.write_bytes(b"not a database at all\n" * 10)
    before = bad.read_bytes()
    window = MainWindow(settings, remember_geometry=False)
    qtbot.addWidget(window)
    window.show_first_page()
    with qtbot.waitSignal(window.database_failed, timeout=10_000) as failed:
        window.open_database(lambda: open_for_app(str(bad), demo=False))
    assert "不是 PSP Desktop 数据库" in failed.args[0]
    assert _no_dialogs == [failed.args[0]]
    assert bad.read_bytes() == before
    assert window.db_label.text() == "未打开数据库"


def _run_app(*args: str, env_extra: dict[str, str] | None = None, tmp: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ, PSP_CONFIG=str(tmp / "cfg.json"), QT_QPA_PLATFORM="offscreen", **(env_extra or {}))
    code = "import sys; from psp_desktop.app import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_screenshot_renders_a_page_offscreen(tmp_path, demo_file) -> None:
    from PySide6.QtGui import QImage

    out = tmp_path / "shot.png"
    result = _run_app("--db", str(demo_file), "--screenshot", str(out), "--page", "organizations", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)


def test_screenshot_of_a_bad_database_fails_cleanly(tmp_path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("hello")
    result = _run_app("--db", str(bad), "--screenshot", str(tmp_path / "x.png"), tmp=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "不是 PSP Desktop 数据库" in result.stderr


def test_gui_version(tmp_path) -> None:
    from psp_desktop import __version__

    result = _run_app("--version", tmp=tmp_path)
    assert result.returncode == 0 and __version__ in result.stdout
