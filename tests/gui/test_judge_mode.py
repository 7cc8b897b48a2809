"""Judge mode as a judge uses it: sign in with the PIN, score by keyboard, see mistakes at once, submit and lock;
only the judge's own, unconflicted proposals are ever listed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from psp_desktop import i18n
from psp_desktop.db import Database, open_database
from psp_desktop.enums import ConflictSource
from psp_desktop.models import Assignment, ConflictDeclaration, Judge, Panel, PanelMember, Proposal, Round
from psp_desktop.services import judging, pins
from psp_desktop.ui.judge_mode import JudgeModeWindow, open_judge_mode

PIN = "135790"


@pytest.fixture
def db(demo_file: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A private copy of the demo with round 1 assigned and a PIN for the first judge."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    database = open_database(path)
    i18n.install("en")
    judging.auto_assign(database, first_round(database))
    with database.write() as s:
        s.get(Judge, judge_id(database)).pin_hash = pins.hash_pin(PIN)
    yield database
    database.close()


@pytest.fixture(autouse=True)
def answer_yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Confirmations (submit, leave) are answered Yes and recorded."""
    asked: list[str] = []

    def question(_parent, _title, text, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def first_round(db: Database) -> int:
    """The open written round of the current competition (the demo's earlier competition is frozen)."""
    with db.read() as s:
        return s.scalar(select(Round.id).where(Round.seq == 1, Round.frozen.is_(False)).order_by(Round.id))


def judge_id(db: Database) -> int:
    """The first judge of round 1's panels (who has work once the round is assigned)."""
    with db.read() as s:
        return s.scalar(select(PanelMember.judge_id).join(Panel).where(Panel.round_id == first_round(db))
                        .order_by(PanelMember.judge_id).limit(1))


def assignments_of(db: Database, judge: int) -> set[int]:
    """The judge's assignments in rounds still open."""
    with db.read() as s:
        return set(s.scalars(select(Assignment.id).join(Round).where(Assignment.judge_id == judge,
                                                                     Round.frozen.is_(False))))


def make_window(qtbot, db: Database) -> JudgeModeWindow:  # type: ignore[no-untyped-def]
    window = open_judge_mode(db)
    qtbot.addWidget(window)
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: window.sign_in.judges.count() > 0, timeout=10_000)
    return window


def sign_in(qtbot, window: JudgeModeWindow, judge: int, pin: str) -> None:  # type: ignore[no-untyped-def]
    screen = window.sign_in
    names = screen.judges
    names.setCurrentRow(next(i for i in range(names.count())
                             if names.item(i).data(Qt.ItemDataRole.UserRole) == judge))
    screen.pin.setFocus()
    qtbot.keyClicks(screen.pin, pin)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not screen.busy, timeout=10_000)


def signed_in(qtbot, db: Database):  # type: ignore[no-untyped-def]
    window = make_window(qtbot, db)
    sign_in(qtbot, window, judge_id(db), PIN)
    assert window.stack.currentWidget() is window.scoring
    screen = window.scoring
    index = next(i for i, r in enumerate(screen.rounds) if r.round_id == first_round(db))
    if len(screen.rounds) > 1:
        screen.round_choice.setCurrentIndex(index)
    assert screen.round is not None and screen.round.round_id == first_round(db)
    return window, screen


def type_score(qtbot, edit, text: str) -> None:  # type: ignore[no-untyped-def]
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_sign_in_refuses_a_wrong_pin_then_pauses_then_lets_the_right_one_in(qtbot, db: Database,  # type: ignore[no-untyped-def]
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, db)
    judge = judge_id(db)
    listed = {window.sign_in.judges.item(i).data(Qt.ItemDataRole.UserRole)
              for i in range(window.sign_in.judges.count())}
    assert listed == {j for j, _name in judging.judges_with_work(db)}

    sign_in(qtbot, window, judge, "246801")
    assert window.stack.currentWidget() is window.sign_in
    assert window.sign_in.error.text() == "Wrong PIN." and window.sign_in.pin.text() == ""

    for _ in range(4):
        sign_in(qtbot, window, judge, "246801")
    sign_in(qtbot, window, judge, PIN)  # the right PIN, but inside the pause
    assert "Too many wrong PINs" in window.sign_in.error.text()
    assert window.stack.currentWidget() is window.sign_in

    monkeypatch.setattr(pins, "PAUSE_SECONDS", 0)
    sign_in(qtbot, window, judge, PIN)
    assert window.stack.currentWidget() is window.scoring
    assert window.scoring.judge_name.text().endswith(judging.sign_in(db, judge, PIN).name)


def test_only_the_judges_own_unconflicted_proposals_are_listed(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    judge = judge_id(db)
    own = assignments_of(db, judge)
    with db.write() as s:  # an automatic conflict found after assignment: the assignment stays in the table
        conflicted = s.scalars(select(Assignment).where(Assignment.judge_id == judge,
                                                        Assignment.round_id == first_round(db))).first()
        org = s.get(Proposal, conflicted.proposal_id).organization_id
        s.add(ConflictDeclaration(judge_id=judge, organization_id=org, source=ConflictSource.AUTOMATIC,
                                  reason="任职单位为申报机构"))
    with db.read() as s:
        conflicted_ids = set(s.scalars(select(Assignment.id).join(Proposal).where(
            Assignment.judge_id == judge, Proposal.organization_id == org)))
        others = set(s.scalars(select(Assignment.proposal_id).where(Assignment.judge_id != judge))) - set(
            s.scalars(select(Assignment.proposal_id).where(Assignment.judge_id == judge)))
    _window, screen = signed_in(qtbot, db)
    shown = {t.assignment_id for r in screen.rounds for t in r.tasks}
    assert shown == own - conflicted_ids and conflicted_ids
    assert not {t.proposal_id for r in screen.rounds for t in r.tasks} & others
    listed = "\n".join(screen.list.item(i).text() for i in range(screen.list.count()))
    assert screen.list.count() == len(screen.tasks)
    assert all(t.intake_number in listed for t in screen.tasks)


def test_scores_by_keyboard_with_mistakes_shown_inline(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    _window, screen = signed_in(qtbot, db)
    rows = screen.rows
    assert QApplication.focusWidget() is rows[0].edit

    type_score(qtbot, rows[0].edit, "21")  # the first criterion is out of 20
    assert QApplication.focusWidget() is rows[0].edit
    assert rows[0].error.isVisibleTo(screen) and "between 0 and 20" in rows[0].error.text()

    type_score(qtbot, rows[0].edit, "18")
    assert not rows[0].error.isVisibleTo(screen)
    assert QApplication.focusWidget() is rows[1].edit

    type_score(qtbot, rows[1].edit, "22.3")  # steps of 0.5
    assert "multiple of 0.5" in rows[1].error.text() and QApplication.focusWidget() is rows[1].edit
    type_score(qtbot, rows[1].edit, "22.5")
    assert QApplication.focusWidget() is rows[2].edit
    type_score(qtbot, rows[2].edit, "abc")
    assert "Type a number" in rows[2].error.text()
    assert "40.5" in screen.total.text()  # valid scores only

    for row, value in zip(rows[2:], ("13", "12", "14", "8"), strict=True):
        type_score(qtbot, row.edit, value)
    assert QApplication.focusWidget() is screen.comment
    assert "87.5" in screen.total.text()
    qtbot.keyClicks(screen.comment, "Clear needs analysis")
    qtbot.keyClick(screen.comment, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is screen.submit_button
    assert screen.progress_text.text() == f"0 / {len(screen.tasks)} done"


def test_moving_between_proposals_saves_a_draft(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    _window, screen = signed_in(qtbot, db)
    first = screen.task
    type_score(qtbot, screen.rows[0].edit, "16.5")
    type_score(qtbot, screen.rows[1].edit, "9.3")  # a mistake is not saved
    qtbot.keyClick(screen.rows[1].edit, Qt.Key.Key_PageDown)
    assert screen.current == 1 and screen.task is not first
    assert "Draft" in screen.status.text() and "was not saved" in screen.status.text()
    session = judging.sign_in(db, judge_id(db), PIN)
    stored = next(t for r in judging.judge_rounds(db, session) for t in r.tasks
                  if t.assignment_id == first.assignment_id)
    assert dict(stored.points) == {screen.rows[0].criterion.id: 1650} and not stored.locked

    qtbot.keyClick(screen.rows[0].edit, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert screen.current == 0 and screen.rows[0].edit.text() == "16.5" and screen.rows[1].edit.text() == ""
    assert "Draft" in screen.list.item(0).text()
    qtbot.keyClick(screen.rows[0].edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert screen.current == 1
    qtbot.keyClick(screen.rows[0].edit, Qt.Key.Key_PageUp)
    assert screen.current == 0


def test_submit_asks_then_locks(qtbot, db: Database, answer_yes: list[str]) -> None:  # type: ignore[no-untyped-def]
    _window, screen = signed_in(qtbot, db)
    task = screen.task
    qtbot.keyClick(screen.submit_button, Qt.Key.Key_Return)  # nothing typed: refused, first field marked
    assert not answer_yes and "has no score yet" in screen.rows[0].error.text()
    for row, value in zip(screen.rows, ("18", "22.5", "13", "12", "14", "8"), strict=True):
        type_score(qtbot, row.edit, value)
    qtbot.keyClick(screen.comment, Qt.Key.Key_Return)
    qtbot.keyClick(screen.submit_button, Qt.Key.Key_Return)
    assert answer_yes and task.title in answer_yes[0]
    assert screen.task.locked and screen.locked.isVisibleTo(screen) and not screen.submit_button.isVisibleTo(screen)
    assert all(row.edit.isReadOnly() for row in screen.rows) and screen.comment.isReadOnly()
    assert screen.progress_text.text() == f"1 / {len(screen.tasks)} done"
    assert "Submitted" in screen.list.item(0).text()
    points = judging.sheets_of(db, first_round(db), [judge_id(db)])[judge_id(db), task.proposal_id]
    assert sorted(points.values()) == [800, 1200, 1300, 1400, 1800, 2250]

    qtbot.keyClick(screen.rows[0].edit, Qt.Key.Key_PageDown)
    qtbot.keyClick(screen.rows[0].edit, Qt.Key.Key_PageUp)
    assert screen.task.locked and screen.rows[0].edit.isReadOnly() and screen.rows[1].edit.text() == "22.5"


def test_sign_out_and_leaving_ask_and_clear(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    window, screen = signed_in(qtbot, db)
    type_score(qtbot, screen.rows[0].edit, "10")
    screen.sign_out_button.click()
    assert window.stack.currentWidget() is window.sign_in
    assert screen.session is None and screen.list.count() == 0 and screen.title.text() == ""
    session = judging.sign_in(db, judge_id(db), PIN)
    assert any(t.points for r in judging.judge_rounds(db, session) for t in r.tasks)  # the draft was kept

    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.No)
    assert not window.close() and window.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    assert window.close()


