"""GUI fixtures: a demo database made once per session, a main window over it, settings in tmp."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from psp_desktop.db import Database
from psp_desktop.settings import Settings


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from psp_desktop.db import open_database
    from psp_desktop.services.demo import create_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = open_database(path)
    create_demo(db)
    db.close()
    return path


@pytest.fixture
def database(database: Database) -> Iterator[Database]:
    """The shared fixture, with the test's background tasks finished before it closes: a task still reading when
    the engine is disposed would leave a PostgreSQL connection to the garbage collector."""
    yield database
    from psp_desktop.ui import tasks

    tasks.wait_for_all()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.json")


@pytest.fixture(autouse=True)
def _no_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Error dialogs are recorded instead of blocking the test."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text, *a, **k: shown.append(text))
    return shown


@pytest.fixture(scope="session", autouse=True)
def _collect_on_gui_thread(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """As in the application: garbage holding widgets is freed on the GUI thread, never in a worker."""
    from psp_desktop.ui.gc_guard import GarbageCollector

    collector = GarbageCollector(qapp)
    yield
    collector.stop()


@pytest.fixture(autouse=True)
def _drain_tasks(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Background tasks finish inside the test that started them; then garbage is collected here."""
    yield
    from psp_desktop.ui import tasks

    tasks.wait_for_all()
    qapp.processEvents()
    gc.collect()


@pytest.fixture
def open_window(qtbot):  # type: ignore[no-untyped-def]
    """open_window(settings, db_path): a main window with its database opened like the app does it."""
    return lambda settings, db_path: _open_window(qtbot, settings, db_path)


@pytest.fixture
def wait_loaded(qtbot):  # type: ignore[no-untyped-def]
    return lambda page: qtbot.waitUntil(lambda: page.is_loaded, timeout=20_000)


def _open_window(qtbot, settings: Settings, db_path: Path | str):  # type: ignore[no-untyped-def]
    from psp_desktop.services.startup import open_for_app
    from psp_desktop.ui.main_window import MainWindow

    window = MainWindow(settings, remember_geometry=False)
    qtbot.addWidget(window)
    window.show()
    window.show_first_page()
    with qtbot.waitSignal(window.database_opened, timeout=20_000):
        window.open_database(lambda: open_for_app(str(db_path), demo=False))
    return window


@pytest.fixture
def chinese_demo(demo_file: Path, tmp_path: Path) -> Iterator[object]:
    """A copy of the session's demo (this test's writes stay in it), with the window in Chinese."""
    import shutil

    from PySide6.QtCore import QCoreApplication
    from shots import extra_translator

    from psp_desktop import i18n
    from psp_desktop.db import open_database

    path = tmp_path / "demo.db"
    shutil.copyfile(demo_file, path)
    db = open_database(path, create=False)
    i18n.install("zh_CN")
    extra = extra_translator()
    yield db
    db.close()
    if extra is not None:
        QCoreApplication.removeTranslator(extra)
