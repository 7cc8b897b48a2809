"""The judging set-up as staff use it: the roster with PINs and conflicts, panels, and assignment on the demo."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from shots import shoot

from psp_desktop import i18n
from psp_desktop.db import Database, open_database
from psp_desktop.enums import ConflictSource
from psp_desktop.services import judging, lists, roster


@pytest.fixture
def db_path(demo_file: Path, tmp_path: Path) -> Path:
    """A private copy of the demo, so writes do not leak into other tests."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    return path


@pytest.fixture
def db(db_path: Path):  # type: ignore[no-untyped-def]
    database = open_database(db_path)
    i18n.install("zh_CN")
    yield database
    database.close()


def on_modal(act: Callable[[QWidget], None]) -> None:
    """Runs act on the next modal dialog once its exec() has started."""
    QTimer.singleShot(0, lambda: act(QApplication.activeModalWidget()))


def written_round(db: Database) -> lists.RoundRow:
    return next(r for r in lists.rounds(db) if r.seq == 1 and not r.frozen)


# --- the roster --------------------------------------------------------------------------------------------------


def test_a_judge_with_mistakes_gets_a_banner_then_is_added(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.judge_dialog import JudgeDialog

    dialog = JudgeDialog(db, None, "刘晓燕")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.phone.setText("12345")
    dialog.email.setText("wang.example.cn")
    dialog.save()
    assert dialog.result() == 0 and not dialog.banner.isHidden()
    assert "12345" in dialog.banner.text() and "wang.example.cn" in dialog.banner.text()
    assert dialog.name.styleSheet() and dialog.phone.styleSheet() and dialog.email.styleSheet()
    assert len(lists.judges(db)) == len(roster.judge_choices(db))  # nothing written
    shoot(dialog, "judge_dialog_mistakes")
    dialog.name.setText("王建国")
    dialog.phone.setText("139 1234 5678")
    dialog.email.setText("")
    organization = lists.organization_choices(db)[0]
    index = dialog.organization.findData(organization.id)
    dialog.organization.setCurrentIndex(index)
    dialog.organization.activated.emit(index)  # as when picked from the list: the affiliation text follows
    assert dialog.affiliation.text() == organization.name
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.judge_id is not None
    data, _version, has_pin = roster.load_judge(db, dialog.judge_id)
    assert (data.name, data.phone, data.affiliation_org_id, has_pin) == ("王建国", "13912345678", organization.id,
                                                                         False)


def test_setting_a_pin(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.judge_dialog import JudgeDialog, PinDialog

    judge = lists.judges(db)[0]
    dialog = JudgeDialog(db, judge.id, "刘晓燕")
    qtbot.addWidget(dialog)
    dialog.show()
    seen: list[str] = []

    def weak_then_different_then_good(pin_dialog: QWidget) -> None:
        assert isinstance(pin_dialog, PinDialog)
        shoot(pin_dialog, "pin_dialog")
        for first, second in (("123456", "123456"), ("602817", "602871")):
            pin_dialog.first.setText(first)
            pin_dialog.second.setText(second)
            pin_dialog.save()
            seen.append(pin_dialog.banner.text())
            assert pin_dialog.isVisible() and not pin_dialog.banner.isHidden()
        assert pin_dialog.first.echoMode() == pin_dialog.first.EchoMode.Password
        pin_dialog.first.setText("602817")
        pin_dialog.second.setText("602817")
        pin_dialog.save()

    on_modal(weak_then_different_then_good)
    dialog.set_pin()
    assert len(seen) == 2 and seen[0] != seen[1]
    assert roster.load_judge(db, judge.id)[2] is True
    assert judging.sign_in(db, judge.id, "602817").judge_id == judge.id
    dialog.save()  # the PIN did not make the open edit stale
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_declaring_and_removing_a_conflict(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.judge_dialog import ConflictDialog, JudgeDialog

    judge = lists.judges(db)[0]
    organization = lists.organization_choices(db)[-1]
    dialog = JudgeDialog(db, judge.id, "刘晓燕")
    qtbot.addWidget(dialog)
    dialog.show()

    def declare(conflict_dialog: QWidget) -> None:
        assert isinstance(conflict_dialog, ConflictDialog)
        conflict_dialog.save()  # no organization chosen
        assert not conflict_dialog.banner.isHidden()
        conflict_dialog.organization.setCurrentText(organization.name)
        conflict_dialog.reason.setPlainText("本人系该机构理事")
        conflict_dialog.save()

    before = dialog.conflict_model.rowCount()
    on_modal(declare)
    dialog.declare_conflict()
    assert dialog.conflict_model.rowCount() == before + 1
    shoot(dialog, "judge_dialog")
    row = next(r for r in range(dialog.conflict_model.rowCount())
               if dialog.conflict_model.row_at(r).organization == organization.name)
    assert dialog.conflict_model.row_at(row).source == ConflictSource.DECLARED
    dialog.conflict_view.setCurrentIndex(dialog.conflict_model.index(row, 0))
    dialog.remove_conflict()
    assert dialog.conflict_model.rowCount() == before and dialog.saved


# --- panels and assignment ---------------------------------------------------------------------------------------


def test_a_judge_on_two_panels_of_a_round_is_refused(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.panel_dialog import PanelDialog

    round_ = written_round(db)
    dialog = PanelDialog(db, round_.id, "刘晓燕")
    qtbot.addWidget(dialog)
    dialog.show()
    panels = roster.panels_of(db, round_.id)
    assert dialog.panel_model.rowCount() == len(panels) >= 2
    other = panels[1].members[0]
    dialog.judge_pick.setCurrentIndex(dialog.judge_pick.findData(other.judge_id))
    dialog.add_member()
    assert dialog.dirty
    assert not dialog.save() and other.name in dialog.banner.text()
    shoot(dialog, "panel_dialog")
    dialog.remove_member()  # the judge just added is current
    chair = dialog.members.rows[-1].judge_id
    dialog.members.setData(dialog.members.index(len(dialog.members.rows) - 1, 3), Qt.CheckState.Checked,
                           Qt.ItemDataRole.CheckStateRole)
    assert [m.is_chair for m in dialog.members.rows].count(True) == 1
    assert dialog.save()
    assert roster.panels_of(db, round_.id)[0].members[-1].judge_id == chair
    assert next(m for m in roster.panels_of(db, round_.id)[0].members if m.is_chair).judge_id == chair


def test_the_assignment_dialog_assigns_automatically_and_refuses_a_conflict(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.assignment_dialog import AssignmentDialog

    round_ = written_round(db)
    dialog = AssignmentDialog(db, round_.id, "刘晓燕")
    qtbot.addWidget(dialog)
    dialog.show()
    assert str(round_.judges_per_proposal) in dialog.k_label.text()
    assert all(dialog.loads.row_at(r).assigned == 0 for r in range(dialog.loads.rowCount()))
    dialog.auto_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert dialog.banner.isHidden() and not dialog.status.isHidden()
    loads = [dialog.loads.row_at(r).assigned for r in range(dialog.loads.rowCount())]
    assert loads and max(loads) - min(loads) <= 1 and min(loads) > 0
    lines = [dialog.coverage.row_at(r) for r in range(dialog.coverage.rowCount())]
    assert lines and not [line for line in lines if line.short]
    shoot(dialog, "assignment_dialog")

    members = {load.judge_id for load in judging.overview(db, round_.id).loads}
    conflict = next(c for c in roster.conflicts(db) if c.judge_id in members
                    and any(line.organization == c.organization for line in lines))
    proposal = next(line for line in lines if line.organization == conflict.organization)
    dialog.judge_pick.setCurrentIndex(dialog.judge_pick.findData(conflict.judge_id))
    dialog.proposal_pick.setCurrentIndex(dialog.proposal_pick.findData(proposal.proposal_id))
    dialog.assign_button.click()
    assert not dialog.banner.isHidden() and conflict.judge in dialog.banner.text()
    assert conflict.organization in dialog.banner.text()
    assert not roster.assignments_of(db, round_.id, judge_id=conflict.judge_id, proposal_id=proposal.proposal_id)

    # taking a judge away leaves the proposal short, and tinted
    taken = roster.assignments_of(db, round_.id, proposal_id=proposal.proposal_id)[0]
    dialog.judge_pick.setCurrentIndex(dialog.judge_pick.findData(taken.judge_id))
    dialog.remove_button.click()
    assert dialog.banner.isHidden()
    row = next(r for r in range(dialog.coverage.rowCount())
               if dialog.coverage.row_at(r).proposal_id == proposal.proposal_id)
    assert dialog.coverage.row_at(row).short
    assert dialog.coverage.data(dialog.coverage.index(row, 0), Qt.ItemDataRole.BackgroundRole) is not None
    dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Accepted  # something changed: the page reloads


# --- the page ----------------------------------------------------------------------------------------------------


def test_the_judging_page_opens_its_dialogs(qtbot, settings, db_path: Path, open_window, wait_loaded) -> None:  # type: ignore[no-untyped-def]
    window = open_window(settings, db_path)
    page = window.show_page("Judging")
    wait_loaded(page)
    rounds, judges = page.tables
    assert rounds.model.rowCount() >= 2 and judges.model.rowCount() >= 14
    assert "judge mode" in page.note.text() or "评委" in page.note.text()
    shoot(window, "judging_page")

    opened: list[str] = []

    def close(widget: QWidget) -> None:
        opened.append(type(widget).__name__)
        widget.reject()

    for caption in ("Panels…", "Assign…"):
        button = next(b for b, source in page.buttons if source == caption)
        on_modal(close)
        button.click()
    rounds.view.selectRow(0)
    judges.view.selectRow(0)
    on_modal(close)
    judges.view.doubleClicked.emit(judges.view.currentIndex())
    assert opened == ["PanelDialog", "AssignmentDialog", "JudgeDialog"]

    def add(widget: QWidget) -> None:
        widget.name.setText("赵文博")  # type: ignore[attr-defined]
        widget.save()  # type: ignore[attr-defined]

    count = judges.model.rowCount()
    on_modal(add)
    next(b for b, source in page.buttons if source == "Add judge…").click()
    qtbot.waitUntil(lambda: judges.model.rowCount() == count + 1, timeout=20_000)


def test_taking_a_judge_off_the_roster(qtbot, db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from psp_desktop.ui.dialogs.judge_dialog import JudgeDialog

    judge_id = roster.save_judge(db, None, roster.JudgeData(name="赵文博"), None)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    dialog = JudgeDialog(db, judge_id, "刘晓燕")
    qtbot.addWidget(dialog)
    dialog.remove_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert judge_id not in {j.id for j in lists.judges(db)}
