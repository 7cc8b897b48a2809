"""The results board on the projector: only progress until staff reveal, then the ranking from the bottom up; it
follows the database as sheets arrive."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from psp_desktop import i18n
from psp_desktop.db import Database, open_database
from psp_desktop.enums import SheetStatus
from psp_desktop.models import Assignment, Round, ScoreSheet
from psp_desktop.services import judging, rankings
from psp_desktop.services.scoring import points_text
from psp_desktop.ui.results_board import ResultsBoard, visible_rows


@pytest.fixture
def db(demo_file: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A private copy of the demo with the current competition's written round assigned."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    database = open_database(path)
    i18n.install("en")
    judging.auto_assign(database, written_round(database))
    yield database
    database.close()


def written_round(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(Round.id).where(Round.seq == 1, Round.frozen.is_(False)).order_by(Round.id))


def open_assignments(db: Database, round_id: int) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(Assignment.id).outerjoin(ScoreSheet).where(
            Assignment.round_id == round_id,
            (ScoreSheet.id.is_(None)) | (ScoreSheet.status != SheetStatus.SUBMITTED)).order_by(Assignment.id)))


def submit_sheets(db: Database, round_id: int, count: int) -> None:
    """Sheets keyed from paper, with points that differ from sheet to sheet (on the round's 0.5 step)."""
    criteria = judging.criterion_ids(db, round_id)
    with db.read() as s:
        maxima = {c.id: c.max_points_x100 for c in s.get(Round, round_id).criteria}
    for assignment_id in open_assignments(db, round_id)[:count]:
        points = {c: maxima[c] - 50 * ((assignment_id * 7 + i * 5 + assignment_id ** 2 % 13) % 11)
                  for i, c in enumerate(criteria)}
        judging.record_sheet(db, assignment_id, points, source="paper", by="录入员")


def make_board(qtbot, db: Database, **target: int) -> ResultsBoard:  # type: ignore[no-untyped-def]
    board = ResultsBoard(db, **target)
    qtbot.addWidget(board)
    board.resize(1920, 1080)
    board.show()
    qtbot.waitUntil(lambda: board.data is not None and not board.loading, timeout=10_000)
    return board


def shown_texts(board: ResultsBoard) -> str:
    """Everything the board holds as text: every label (shown or not), the ranking model, the window title."""
    model = board.model
    texts = [board.windowTitle(), *(label.text() for label in board.findChildren(QLabel))]
    texts += [str(model.data(model.index(r, c))) for r in range(model.rowCount()) for c in range(model.columnCount())]
    return "\n".join(texts)


def secrets(db: Database, round_id: int) -> list[str]:
    """Titles, organizations, scores and judges' names of the round: none may show before reveal."""
    report = rankings.round_report(db, round_id)
    found = [n.title for n in report.proposals.values()] + [n.organization for n in report.proposals.values()]
    found += [points_text(p.score, report.decimals) for p in report.result.proposals if p.score is not None]
    found += [report.judges[j.judge_id] for p in report.result.proposals for j in p.judges]
    return [text for text in found if text]


def test_only_progress_before_reveal(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    round_id = written_round(db)
    submit_sheets(db, round_id, 30)
    board = make_board(qtbot, db, round_id=round_id)
    report = rankings.round_report(db, round_id)
    assert report.result.proposals[0].score is not None  # there is a ranking to hide
    text = shown_texts(board)
    leaked = [secret for secret in secrets(db, round_id) if secret in text]
    assert not leaked
    assert board.model.rowCount() == 0 and board.pages.currentIndex() == 0
    assert board.count.text() == f"{report.sheets_in} / {report.sheets_total}" == f"30 / {report.sheets_total}"
    assert len(board.cells) == len(report.result.proposals)
    assert sum(int(c.count.text().split(" / ")[0]) for c in board.cells) == 30


def test_reveal_from_the_bottom_up_then_hide(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    round_id = written_round(db)
    submit_sheets(db, round_id, 45)
    board = make_board(qtbot, db, round_id=round_id)
    report = rankings.round_report(db, round_id)
    ranked = [p for p in report.result.proposals if p.rank is not None]
    titles = [report.proposals[p.proposal_id].title for p in ranked]
    assert len(ranked) >= 5

    board.reveal(1)
    assert board.model.rowCount() == 1 and board.model.rows[0].title == titles[-1]
    assert board.pending.text() == f"{len(ranked) - 1} places still to be revealed"
    assert not any(title in shown_texts(board) for title in titles[:-1])

    board.reveal(3)
    assert [r.title for r in board.model.rows] == titles[-3:]
    assert [r.rank for r in board.model.rows] == sorted(r.rank for r in board.model.rows)
    assert board.model.rows[-1].score == points_text(ranked[-1].score, report.decimals)
    assert board.table.isColumnHidden(2)  # a blind round: no organizations
    assert not any(report.proposals[p.proposal_id].organization in shown_texts(board) for p in ranked)

    board.reveal(None)
    assert [r.title for r in board.model.rows] == titles and board.model.rows[0].rank == 1
    assert board.pending.isHidden()

    board.hide_results()
    assert board.model.rowCount() == 0 and board.pages.currentIndex() == 0
    assert not [secret for secret in secrets(db, round_id) if secret in shown_texts(board)]


def test_follows_the_database_as_sheets_arrive(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    round_id = written_round(db)
    submit_sheets(db, round_id, 30)
    board = make_board(qtbot, db, round_id=round_id)
    total = board.data.sheets_total if board.data else 0
    assert board.count.text() == f"30 / {total}"
    submit_sheets(db, round_id, 1)
    board.refresh()
    qtbot.waitUntil(lambda: board.count.text() == f"31 / {total}", timeout=10_000)

    board.reveal(None)
    before = board.model.rowCount()
    submit_sheets(db, round_id, 3)  # completes at least one more proposal
    board.refresh()
    qtbot.waitUntil(lambda: board.model.rowCount() > before, timeout=10_000)
    assert "Updated" in board.status.text()


def test_final_ranking_of_a_competition_shows_organizations(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        competition_id = s.scalar(select(Round.competition_id).where(Round.frozen.is_(True)).limit(1))
    if competition_id is None:
        pytest.skip("the demo has no competition with frozen results")
    final = rankings.final_report(db, competition_id)
    board = make_board(qtbot, db, competition_id=competition_id)
    assert board.model.rowCount() == 0
    board.reveal(None)
    ranked = [f for f in final.finals if f.rank is not None]
    assert board.title.text() == "Final ranking" and board.model.rowCount() == len(ranked)
    assert board.table.isColumnHidden(2) == final.rounds[-1].blind
    assert board.model.rows[0].title == final.names[ranked[0].proposal_id].title


def test_escape_closes_and_the_target_is_one_round_or_one_competition(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        ResultsBoard(db)
    board = make_board(qtbot, db, round_id=written_round(db))
    board.show_on(board.screen())
    assert board.isFullScreen()
    qtbot.keyClick(board, Qt.Key.Key_Escape)
    assert not board.isVisible() and not board.timer.isActive()


def test_visible_rows_counts_from_the_bottom() -> None:
    rows = tuple(range(1, 6))
    assert visible_rows(rows, 0) == () and visible_rows(rows, None) == rows  # type: ignore[arg-type]
    assert visible_rows(rows, 2) == (4, 5) and visible_rows(rows, 9) == rows  # type: ignore[arg-type]
