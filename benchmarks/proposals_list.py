"""First paint of the Proposals list at city scale beside a QTableView over an in-memory list (same run).

Goal: ≤ 3× the baseline and under 100 ms.

    python benchmarks/proposals_list.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import city_db, isolated_env, median
from PySide6.QtCore import QAbstractTableModel, QEvent, QEventLoop, QModelIndex, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QTableView, QWidget


class ListModel(QAbstractTableModel):
    """The plainest table model over a list of tuples: the raw-library baseline."""

    def __init__(self, rows: list[tuple[object, ...]]) -> None:
        super().__init__()
        self.rows = rows

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return len(self.rows[0]) if self.rows else 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self.rows[index.row()][index.column()])
        return None


class Watch(QObject):
    """Notes the time just after the first paint that happens while ready() is true. (Defined once at module
    level: Qt classes created inside a function and later garbage-collected have crashed PySide.)"""

    def __init__(self, ready: Callable[[], bool], result: list[float]) -> None:
        super().__init__()
        self.ready = ready
        self.result = result
        self.loop = QEventLoop()

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and self.ready() and not self.result:
            QTimer.singleShot(0, self.note)
        return False

    def note(self) -> None:
        self.result.append(time.perf_counter())
        self.loop.quit()


def time_until_painted(widget: QWidget, viewport: QWidget, start: Callable[[], None],
                       ready: Callable[[], bool]) -> float:
    """Seconds from calling start() until `viewport` has painted while ready() is true."""
    result: list[float] = []
    watch = Watch(ready, result)
    viewport.installEventFilter(watch)
    QTimer.singleShot(30_000, watch.loop.quit)
    t0 = time.perf_counter()
    start()
    if not result:
        watch.loop.exec()  # sleeps between events, as the application's own loop does
    if not result:
        raise RuntimeError("never painted")
    viewport.removeEventFilter(watch)
    widget.close()
    widget.deleteLater()
    return result[0] - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    os.environ.update(isolated_env())
    app = QApplication([])
    from psp_desktop.ui.gc_guard import GarbageCollector

    collector = GarbageCollector(app)  # as in the application: collect garbage on the GUI thread only
    from psp_desktop.db import open_database
    from psp_desktop.services import lists
    from psp_desktop.ui.pages.proposals import ProposalsPage

    db = open_database(city_db())
    ids = lists.proposal_ids(db)
    memory_rows = [tuple(getattr(r, f) for f in r.__slots__) for r in lists.proposal_rows(db, ids)]
    print(f"{len(ids)} proposals")

    def app_run() -> float:
        page = ProposalsPage()
        page.resize(1100, 760)
        page.show()
        app.processEvents()
        page.set_database(db)
        return time_until_painted(page, page.view.viewport(), page.ensure_loaded,
                                  lambda: page.model.rowCount() > 0)

    def baseline_run() -> float:
        view = QTableView()
        view.resize(1100, 760)
        view.show()
        app.processEvents()
        return time_until_painted(view, view.viewport(), lambda: view.setModel(ListModel(memory_rows)),
                                  lambda: view.model() is not None)

    app_times, base_times = [], []
    for run in range(args.runs + 1):
        a, b = app_run(), baseline_run()
        if run:
            app_times.append(a)
            base_times.append(b)
    a, b = median(app_times), median(base_times)
    collector.stop()
    print(f"QTableView over an in-memory list: {b * 1000:.1f} ms")
    print(f"Proposals page (city scale):       {a * 1000:.1f} ms  {a / b:.2f}× (goal ≤ 3× and < 100 ms) "
          f"{'ok' if a / b <= 3 and a < 0.1 else 'OVER GOAL'}")
    db.close()


if __name__ == "__main__":
    main()
