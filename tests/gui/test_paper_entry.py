"""Paper ballots keyed twice in the dialog: two people agreeing count the sheet; a disagreement is shown cell by cell
and either pass can be keyed again; one person keying both passes is refused with the service's message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt

from psp_desktop import i18n
from psp_desktop.db import Database, open_database
from psp_desktop.services import judging, lists, sheet_states
from psp_desktop.ui.dialogs.paper_entry_dialog import PaperEntryDialog

translate = QCoreApplication.translate


@pytest.fixture
def assigned(demo_file: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A private demo copy with judges assigned in the 2026 written review and no sheet in: (db, round)."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    db = open_database(path)
    competition = next(c for c in lists.competition_choices(db) if c.name.startswith("2026"))
    round_id = sheet_states.rounds_of(db, competition.id)[0].id
    judging.auto_assign(db, round_id)
    i18n.install("zh_CN")
    yield db, round_id
    db.close()


def _dialog(qtbot, db: Database, round_id: int, operator: str) -> PaperEntryDialog:  # type: ignore[no-untyped-def]
    dialog = PaperEntryDialog(db, round_id, operator)
    qtbot.addWidget(dialog)
    return dialog


def _key(dialog: PaperEntryDialog, operator: str, line: sheet_states.SheetLine, values: list[str]) -> None:
    dialog.operator.setText(operator)
    dialog.choose(line.judge_id, line.assignment_id)
    for (_criterion, edit), value in zip(dialog.fields, values, strict=True):
        edit.setText(value)
    dialog.save()


VALUES = ["16", "20.5", "12", "11", "13", "8"]


def _line(db: Database, round_id: int, assignment_id: int) -> sheet_states.SheetLine:
    return next(x for x in sheet_states.sheet_lines(db, round_id) if x.assignment_id == assignment_id)


def test_two_people_agreeing_count_the_sheet(qtbot, assigned) -> None:  # type: ignore[no-untyped-def]
    db, round_id = assigned
    dialog = _dialog(qtbot, db, round_id, "张丽")
    assert dialog.operator.text() == "张丽" and dialog.passes.checkedId() == 1
    line = dialog.lines[0]
    _key(dialog, "张丽", line, VALUES)
    assert not dialog.banner.isVisibleTo(dialog) and dialog.keyed == 1 and dialog.counted == 0
    assert _line(db, round_id, line.assignment_id).state == sheet_states.SheetState.PAPER_ONCE

    dialog.choose(line.judge_id, line.assignment_id)
    assert dialog.passes.checkedId() == 2 and "张丽" in dialog.state.text()  # who keyed the other pass
    _key(dialog, "李强", line, VALUES)
    assert dialog.counted == 1 and "张丽" in dialog.result.text() and "李强" in dialog.result.text()
    assert _line(db, round_id, line.assignment_id).counted
    assert dialog.proposal.findData(line.assignment_id) == -1  # a counted sheet leaves the list
    sheet = judging.sheets_of(db, round_id)[line.judge_id, line.proposal_id]
    assert sorted(sheet.values()) == sorted(judging.parse_points(v) for v in VALUES)


def test_a_mismatch_is_shown_cell_by_cell_and_either_pass_can_be_keyed_again(qtbot, assigned) -> None:  # type: ignore[no-untyped-def]
    db, round_id = assigned
    dialog = _dialog(qtbot, db, round_id, "张丽")
    line = dialog.lines[0]
    _key(dialog, "张丽", line, VALUES)
    _key(dialog, "李强", line, ["16", "20", "12", "11", "13", "7.5"])
    assert dialog.counted == 0
    assert _line(db, round_id, line.assignment_id).state == sheet_states.SheetState.PAPER_MISMATCH
    model = dialog.mismatches
    assert model.rowCount() == 2 and dialog.mismatch_view.isVisibleTo(dialog)
    names = [c.name for c, _edit in dialog.fields]
    assert [(model.row_at(r).criterion, model.row_at(r).first, model.row_at(r).second) for r in range(2)] == [
        (names[1], "20.5", "20"), (names[5], "8", "7.5")]
    assert model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole) is not None  # highlighted
    assert dialog.fields[1][1].styleSheet() and not dialog.fields[0][1].styleSheet()
    assert all(button.isVisibleTo(dialog) for button in dialog.rekey)

    dialog.rekey[0].click()  # the first keyer checks the paper: pass 2 was right
    assert dialog.passes.checkedId() == 1 and not dialog.fields[1][1].text()
    dialog.operator.setText("张丽")
    for (_criterion, edit), value in zip(dialog.fields, ["16", "20", "12", "11", "13", "7.5"], strict=True):
        edit.setText(value)
    dialog.save()
    assert dialog.counted == 1 and _line(db, round_id, line.assignment_id).counted


def test_one_person_cannot_key_both_passes(qtbot, assigned) -> None:  # type: ignore[no-untyped-def]
    db, round_id = assigned
    dialog = _dialog(qtbot, db, round_id, "张丽")
    line = dialog.lines[0]
    _key(dialog, "张丽", line, VALUES)
    _key(dialog, "张丽", line, VALUES)
    assert dialog.banner.isVisibleTo(dialog) and "张丽" in dialog.banner.text()
    assert dialog.keyed == 1 and dialog.counted == 0
    state = judging.paper_state(db, line.assignment_id)
    assert state.first_by == "张丽" and not state.second_by and not state.counted


def test_enter_moves_to_the_next_score_and_saves_on_the_last(qtbot, assigned) -> None:  # type: ignore[no-untyped-def]
    db, round_id = assigned
    dialog = _dialog(qtbot, db, round_id, "张丽")
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    edits = [edit for _criterion, edit in dialog.fields]
    edits[0].setFocus()
    for position, value in enumerate(VALUES):
        assert dialog.focusWidget() is edits[position]
        edits[position].setText(value)
        qtbot.keyClick(edits[position], Qt.Key.Key_Return)
    assert dialog.keyed == 1 and dialog.isVisible()  # saved, and the dialog stays open for the next ballot


def test_a_score_that_is_not_a_number_is_marked_and_nothing_is_saved(qtbot, assigned) -> None:  # type: ignore[no-untyped-def]
    db, round_id = assigned
    dialog = _dialog(qtbot, db, round_id, "张丽")
    line = dialog.lines[0]
    _key(dialog, "张丽", line, ["16", "二十", "12", "11", "13", "8"])
    assert dialog.keyed == 0 and dialog.banner.isVisibleTo(dialog) and dialog.fields[1][1].styleSheet()
    assert judging.paper_state(db, line.assignment_id).first_by == ""
