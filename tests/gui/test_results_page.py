"""The Results page as staff use it on the demo's written review: the ranking with the missing sheets marked (never
as zeros), freezing refused while sheets are out and done once they are in (with the SHA-256 shown), reopening only
with a reason, reopening one judge's sheet, and the printouts and results board wired up."""

from __future__ import annotations

import re
import shutil
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from sqlalchemy import select

from psp_desktop import i18n
from psp_desktop.db import Database, open_database
from psp_desktop.models import Criterion
from psp_desktop.services import judging, lists, rankings, sheet_states
from psp_desktop.services.sheet_states import SheetState
from psp_desktop.ui.results_grids import NOTHING
from psp_desktop.ui.table import SORT_ROLE

translate = QCoreApplication.translate
OPERATOR = "王敏"


def _round_one(db: Database) -> tuple[int, int]:
    competition = next(c for c in lists.competition_choices(db) if c.name.startswith("2026"))
    return competition.id, sheet_states.rounds_of(db, competition.id)[0].id


def _points(db: Database, round_id: int, assignment_id: int) -> dict[int, int]:
    """Different but valid points per sheet, on the round's step of 0.5."""
    with db.read() as s:
        maxes = {c: m for c, m in s.execute(select(Criterion.id, Criterion.max_points_x100)
                                            .where(Criterion.round_id == round_id))}
    return {c: (m // 2 + (assignment_id * 37 + c * 11) % (m // 2)) // 50 * 50 for c, m in maxes.items()}


@pytest.fixture
def scored(demo_file: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A private demo copy whose written review has every sheet in but two: (path, db, competition, round, the two
    assignments left)."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    db = open_database(path)
    competition_id, round_id = _round_one(db)
    judging.auto_assign(db, round_id)
    ids = sorted(line.assignment_id for line in sheet_states.sheet_lines(db, round_id)
                 if not line.counted and not line.conflicted)  # a demo may come with some sheets in already
    for assignment_id in ids[:-2]:
        judging.record_sheet(db, assignment_id, _points(db, round_id, assignment_id), source="paper", by="录入员")
    i18n.install("zh_CN")
    yield path, db, competition_id, round_id, ids[-2:]
    db.close()


def _open(qtbot, open_window, wait_loaded, settings, path: Path, competition_id: int, round_id: int):  # type: ignore[no-untyped-def]
    window = open_window(settings, path)
    page = window.show_page("Results")
    wait_loaded(page)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.choose(competition_id, round_id)
    return window, page


def _reloaded(qtbot, page, action) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        action()


def _cell(page, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # type: ignore[no-untyped-def]
    model = page.ranking.model
    return model.data(model.index(row, column), role)


def test_the_ranking_marks_missing_sheets_and_freezing_waits_for_them(
        qtbot, open_window, wait_loaded, settings, scored, qtmodeltester, monkeypatch, _no_dialogs) -> None:  # type: ignore[no-untyped-def]
    path, db, competition_id, round_id, left = scored
    settings["operator_name"] = OPERATOR
    _window, page = _open(qtbot, open_window, wait_loaded, settings, path, competition_id, round_id)
    report = rankings.round_report(db, round_id)
    model = page.ranking.model
    qtmodeltester.check(model)
    qtmodeltester.check(page.ranking.proxy)
    assert model.rowCount() == len(report.result.proposals) > 0
    assert f"{report.sheets_total - 2} / {report.sheets_total}" in page.state.text()
    assert not page.reopen_button.isEnabled() and page.freeze_button.isEnabled()

    lines = {line.assignment_id: line for line in sheet_states.sheet_lines(db, round_id)}
    missing = {(lines[a].judge_id, lines[a].proposal_id) for a in left}
    not_in = translate("Results", "Not in")
    for row in range(model.rowCount()):
        grid_row = model.row_at(row)
        for column, judge_id in model.grid.judge_columns.items():
            if (judge_id, grid_row.key) in missing:  # shown as not in, sorted below every score: never a zero
                assert _cell(page, row, column) == not_in
                assert _cell(page, row, column, SORT_ROLE) == NOTHING
                assert grid_row.marked
                assert "⚠" in grid_row.cells[model.grid.headers.index(translate("Results", "Sheets not in"))].text
    marked = [model.row_at(r) for r in range(model.rowCount()) if model.row_at(r).marked]
    assert {row.key for row in marked} == {p for _j, p in missing}

    # numeric sort: the score column as numbers, highest first
    score_column = model.grid.headers.index(translate("Results", "Score"))
    page.ranking.proxy.sort(score_column, Qt.SortOrder.DescendingOrder)
    proxy = page.ranking.proxy
    values = [proxy.data(proxy.index(r, score_column), SORT_ROLE) for r in range(proxy.rowCount())]
    assert values == sorted(values, reverse=True) and all(isinstance(v, float) for v in values)

    # the diagnostics list the two sheets that are out, and freezing is refused, naming one of them
    assert page.unsubmitted_section.model.rowCount() == 2
    assert translate("Results", "Not started") in page.unsubmitted_section.model.row_at(0).cells[3].text
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    page.freeze_button.click()
    assert _no_dialogs and any(lines[a].judge in _no_dialogs[-1] for a in left)
    assert not rankings.round_report(db, round_id).frozen


def test_freezing_shows_the_sha_and_reopening_needs_a_reason(
        qtbot, open_window, wait_loaded, settings, scored, monkeypatch, _no_dialogs) -> None:  # type: ignore[no-untyped-def]
    path, db, competition_id, round_id, left = scored
    for assignment_id in left:
        judging.record_sheet(db, assignment_id, _points(db, round_id, assignment_id), source="paper", by="录入员")
    asked: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: asked.append("name") or (OPERATOR, True))
    _window, page = _open(qtbot, open_window, wait_loaded, settings, path, competition_id, round_id)
    assert page.ranking.model.rowCount() and not any(
        page.ranking.model.row_at(r).marked for r in range(page.ranking.model.rowCount()))
    informed: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: informed.append(text))
    _reloaded(qtbot, page, page.freeze_button.click)
    assert asked == ["name"] and settings["operator_name"] == OPERATOR  # asked once, then remembered
    sha = re.search(r"[0-9a-f]{64}", informed[-1])
    assert sha is not None and not _no_dialogs
    assert rankings.verify_snapshot(db, round_id) == (True, sha.group())
    assert db.actor.name in page.state.text()  # frozen by the signed-in person
    assert sha.group()[:12] in page.sha.text() and page.sha.toolTip() == sha.group()
    assert page.reopen_button.isEnabled() and page.verify_button.isEnabled()
    assert not page.freeze_button.isEnabled() and not page.paper_button.isEnabled()

    page.verify_button.click()
    assert sha.group() in informed[-1]

    reasons = iter([("  ", True), ("评委对第3项打分录入有误，需更正", True)])
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a, **_k: next(reasons))
    page.reopen_button.click()  # an empty reason is refused by the service, with its message
    assert _no_dialogs and translate("Errors", "Give the reason for reopening the round.") == _no_dialogs[-1]
    assert rankings.round_report(db, round_id).frozen
    _reloaded(qtbot, page, page.reopen_button.click)
    assert not rankings.round_report(db, round_id).frozen
    assert page.freeze_button.isEnabled() and not page.sha.text()


def test_a_judge_cell_reopens_that_sheet_with_a_reason(
        qtbot, open_window, wait_loaded, settings, scored, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, db, competition_id, round_id, _left = scored
    settings["operator_name"] = OPERATOR
    _window, page = _open(qtbot, open_window, wait_loaded, settings, path, competition_id, round_id)
    informed: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: informed.append(text))
    page.ranking.view.setCurrentIndex(page.ranking.proxy.index(0, 2))  # the title: not a judge's cell
    page.reopen_sheet_button.click()
    assert informed[-1] == page.tr("Select a judge's score in the ranking first.")

    model = page.ranking.model
    row, column = next((r, c) for r in range(model.rowCount()) for c in model.grid.judge_columns
                       if _cell(page, r, c) not in ("", translate("Results", "Not in")))
    judge_id, proposal_id = model.grid.judge_columns[column], model.row_at(row).key
    page.ranking.view.setCurrentIndex(page.ranking.proxy.mapFromSource(model.index(row, column)))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a, **_k: ("评委要求更正可行性得分", True))
    _reloaded(qtbot, page, page.reopen_sheet_button.click)
    line = next(x for x in sheet_states.sheet_lines(db, round_id) if (x.judge_id, x.proposal_id) == (judge_id,
                                                                                                    proposal_id))
    assert line.state == SheetState.REOPENED
    assert page.unsubmitted_section.model.rowCount() == 3
    assert any(translate("Results", "Reopened") in page.unsubmitted_section.model.row_at(r).cells[3].text
               for r in range(3))


def test_final_ranking_and_the_diagnostics_tabs(qtbot, open_window, wait_loaded, settings, scored) -> None:  # type: ignore[no-untyped-def]
    path, _db, competition_id, round_id, _left = scored
    _window, page = _open(qtbot, open_window, wait_loaded, settings, path, competition_id, round_id)
    assert page.tabs.isTabVisible(0) and page.tabs.isTabVisible(1) and not page.tabs.isTabVisible(2)
    assert page.judge_section.model.rowCount() > 0 and page.spread_section.model.rowCount() > 0
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.round.setCurrentIndex(page.round.findData(-1))
        page.round.activated.emit(page.round.currentIndex())
    assert page.tabs.isTabVisible(2) and not page.tabs.isTabVisible(0)
    final = page.final.model
    assert final.rowCount() > 0
    assert translate("Results", "Final score (provisional)") in final.grid.headers  # nothing frozen yet
    assert not page.freeze_button.isEnabled()


def test_printouts_and_the_results_board_are_wired_and_guarded(
        qtbot, open_window, wait_loaded, settings, scored, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.services import printouts
    from psp_desktop.ui import pdf_actions

    path, _db, competition_id, round_id, _left = scored
    _window, page = _open(qtbot, open_window, wait_loaded, settings, path, competition_id, round_id)
    informed: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: informed.append(text))
    monkeypatch.delattr(printouts, "notice_list_pdf", raising=False)
    page.print_document("notice_list_pdf", False, "Public notice list.pdf")
    assert informed[-1] == page.tr("This printout is not available in this version yet.")

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(printouts, "judge_sheets_pdf", lambda *args: calls.append(args) or b"%PDF", raising=False)
    monkeypatch.setattr(pdf_actions, "save_pdf", lambda _parent, make, name: calls.append((make(), name)))
    page.print_document("judge_sheets_pdf", True, "Judges' score sheets.pdf")
    assert calls[0][1] == round_id and calls[1][0] == b"%PDF"

    shown: list[Any] = []

    class FakeBoard:
        def __init__(self, database: Database, round_id: int | None = None, competition_id: int | None = None):
            shown.append(("new", round_id, competition_id))

        def __getattr__(self, name: str) -> Any:
            return lambda *args: shown.append((name, *args))

    monkeypatch.setitem(sys.modules, "psp_desktop.ui.results_board",
                        types.SimpleNamespace(ResultsBoard=FakeBoard))
    page.open_board()
    control = page.board_control
    assert control is not None and shown[0] == ("new", round_id, None) and shown[1][0] == "show_on"
    control.reveal_next()
    control.reveal_next()
    control.reveal_all()
    control.hide_results()
    control.close()
    assert shown[2:] == [("reveal", 1), ("reveal", 2), ("reveal", None), ("hide_results",), ("close",)]


def test_the_real_results_board_opens_from_the_page_and_closes(
        qtbot, open_window, wait_loaded, settings, scored) -> None:  # type: ignore[no-untyped-def]
    path, _db, competition_id, round_id, _left = scored
    _window, page = _open(qtbot, open_window, wait_loaded, settings, path, competition_id, round_id)
    page.open_board()
    control = page.board_control
    assert control is not None and control.board.isVisible() and control.board.round_id == round_id
    control.reveal_next()
    assert control.board.revealed == 1
    control.close()
    assert not control.board.isVisible()


def test_export_writes_the_ranking_as_csv(qtbot, open_window, wait_loaded, settings, scored, tmp_path,
                                          monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    from psp_desktop.ui import tasks

    path, _db, competition_id, round_id, _left = scored
    _window, page = _open(qtbot, open_window, wait_loaded, settings, path, competition_id, round_id)
    target = tmp_path / "ranking"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), "CSV (*.csv)"))
    page.export()
    tasks.wait_for_all()
    text = (tmp_path / "ranking.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("名次,申报编号") and "未交" in text


def test_key_paper_sheet_opens_the_dialog_for_the_round_with_the_operator(
        qtbot, open_window, wait_loaded, settings, scored) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from psp_desktop.ui.dialogs.paper_entry_dialog import PaperEntryDialog

    path, _db, competition_id, round_id, left = scored
    settings["operator_name"] = OPERATOR
    _window, page = _open(qtbot, open_window, wait_loaded, settings, path, competition_id, round_id)
    seen: list[tuple[int, str, set[int]]] = []

    def look_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PaperEntryDialog)
        seen.append((dialog.round_id, dialog.operator.text(), {line.assignment_id for line in dialog.lines}))
        dialog.accept()

    QTimer.singleShot(0, look_and_close)
    page.paper_button.click()
    assert seen == [(round_id, OPERATOR, set(left))]  # only the sheets not counted yet
