"""`psp-desktop`: paints the window first, then opens the database and loads data in the background."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .paths import demo_db_path

PROCESS_START = time.perf_counter()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="psp-desktop", description="PSP Desktop")
    parser.add_argument("--version", action="version", version=f"psp-desktop {__version__}")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="database file or URL (default: PSP_DATABASE_URL, "
                        "then psp.db in the user's data directory)")
    parser.add_argument("--demo", action="store_true", help="open the demo database (created on first use)")
    parser.add_argument("--screenshot", metavar="FILE.png", help="render the window offscreen, save it and exit")
    parser.add_argument("--page", metavar="NAME", help="page to show (with --screenshot): Dashboard, Needs, "
                        "Organizations, Competitions, Proposals, Judging, Results, Purchasing, Funding, Monitoring, "
                        "Documents, Settings")
    parser.add_argument("--size", default="1280x800", help="window size for --screenshot (default 1280x800)")
    parser.add_argument("--wait", type=int, default=0, metavar="MS", help="with --screenshot: wait this long after "
                        "the page has its data (charts drawn in the background, for instance)")
    parser.add_argument("--tab", type=int, default=0, metavar="N", help="with --screenshot: show the page's tab N "
                        "(0 is the first)")
    parser.add_argument("--judge-mode", action="store_true", help="open judge mode full-screen (judges sign in "
                        "with their PIN and score) instead of the main window")
    parser.add_argument("--event", metavar="FILE", help="on a judge laptop: check an event package (.pspevent) "
                        "from the office and open it in judge mode only")
    parser.add_argument("--bench-startup", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.screenshot or args.bench_startup:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        os.environ["PSP_NO_DIALOGS"] = "1"

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from . import i18n
    from .settings import Settings
    from .ui.automation import Screenshot, StartupProbe
    from .ui.fonts import setup_fonts
    from .ui.gc_guard import GarbageCollector
    from .ui.main_window import PAGE_NAMES, MainWindow

    page = _page_name(args.page, PAGE_NAMES) if args.page else None
    if args.page and page is None:
        print(f"unknown page {args.page!r}; choose one of: {', '.join(PAGE_NAMES)}", file=sys.stderr)
        return 2
    app = QApplication(sys.argv[:1])
    collector = GarbageCollector(app)  # noqa: F841 - lives as long as the application
    app.setApplicationName("PSP Desktop")
    app.setApplicationVersion(__version__)
    settings = Settings()
    i18n.install(settings["language"])
    setup_fonts(app)
    if args.judge_mode or args.event:
        return _judge_mode(app, args.db or (str(demo_db_path()) if args.demo else None), args.demo, args.event)
    automated = bool(args.screenshot or args.bench_startup)
    window = MainWindow(settings, remember_geometry=not automated)
    window.account.demo = args.demo  # the sign-in dialog shows the demo account
    if automated:
        from .ui.account import UNATTENDED

        window.account.auto_actor = UNATTENDED  # a read-only viewer, signed in without a dialog
        width, height = (int(v) for v in args.size.lower().split("x"))
        window.resize(width, height)
    if page:
        window.first_page = page
    if args.bench_startup:
        window.probe = StartupProbe(window, PROCESS_START)  # type: ignore[attr-defined]
    if args.screenshot:
        window.screenshot = Screenshot(window, Path(args.screenshot), args.wait, args.tab)  # type: ignore[attr-defined]
    window.show()
    app.processEvents()  # paint the shell before building the first page and touching the database
    QTimer.singleShot(0, window.show_first_page)
    db_path = args.db or (str(demo_db_path()) if args.demo else None)
    QTimer.singleShot(0, lambda: window.open_database(lambda: _open(db_path, args.demo), lambda: _preview(db_path)))
    return app.exec()


def _judge_mode(app, db_path: str | None, demo: bool, event: str | None = None) -> int:  # type: ignore[no-untyped-def]
    """Judge mode alone, full-screen, for the PC a judge scores on; the database opens in the background."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from .errors import PspError
    from .ui.judge_mode import open_judge_mode
    from .ui.tasks import run_task

    held: dict[str, object] = {}

    def ready(db) -> None:  # type: ignore[no-untyped-def]
        held["db"], held["window"] = db, open_judge_mode(db)

    def failed(exc: BaseException) -> None:
        translate = QCoreApplication.translate
        QMessageBox.critical(None, translate("MainWindow", "PSP Desktop"), exc.render(translate)
                             if isinstance(exc, PspError) else str(exc))
        app.exit(2)

    run_task(lambda: _open_event(event) if event else _open(db_path, demo), ready, failed)
    status = app.exec()
    if "db" in held:
        held["db"].close()  # type: ignore[attr-defined]
    return status


def _open(db_path: str | None, demo: bool):  # type: ignore[no-untyped-def]
    from .services.startup import open_for_app

    return open_for_app(db_path, demo=demo)


def _open_event(path: str):  # type: ignore[no-untyped-def]
    """The laptop's database built from the event package (checked first), never the office's."""
    from .services.event_exchange import open_package

    return open_package(Path(path)).db


def _preview(db_path: str | None):  # type: ignore[no-untyped-def]
    """Dashboard figures straight from a current SQLite file, while SQLAlchemy is still loading."""
    from .dbfile import current_sqlite_file

    path = current_sqlite_file(db_path)
    if path is None:
        return None
    from .services.overview import dashboard_from_file

    return dashboard_from_file(path)


def _page_name(given: str, names: Sequence[str]) -> str | None:
    return next((name for name in names if name.lower() == given.lower()), None)


if __name__ == "__main__":
    sys.exit(main())
