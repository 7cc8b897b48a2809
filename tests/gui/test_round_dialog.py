"""The round set-up dialog on a copy of the demo: the roadshow round edited and saved, a bad group weight shown in
the banner, a new round, templates, and the read-only and scored states."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QInputDialog, QMessageBox
from sqlalchemy import select

from psp_desktop.db import Database, open_database
from psp_desktop.errors import ValidationError
from psp_desktop.models import Assignment, Round
from psp_desktop.services import judging, lists
from psp_desktop.services import round_setup as service
from psp_desktop.services.scoring import TieBreak
from psp_desktop.ui.dialogs.round_dialog import BONUS, MAX, NAME, WEIGHT, RoundDialog


@pytest.fixture(autouse=True)
def _english(qapp) -> None:  # type: ignore[no-untyped-def]
    """The messages below are checked in the source language, whatever an earlier test installed."""
    from psp_desktop import i18n

    i18n.install("en")


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    copy = tmp_path / "demo.db"
    shutil.copy(demo_file, copy)
    database = open_database(copy)
    yield database
    database.close()


def competition_id(db: Database) -> int:
    return next(c.id for c in lists.competition_choices(db) if c.name.startswith("2026"))


def roadshow(db: Database) -> int:
    return next(r.id for r in service.rounds_of(db, competition_id(db)) if r.seq == 2)


def open_dialog(qtbot, db: Database, round_id: int | None) -> RoundDialog:  # type: ignore[no-untyped-def]
    dialog = RoundDialog(db, competition_id(db), round_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_roadshow_round_is_edited_and_saved(qtbot, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    round_id = roadshow(db)
    dialog = open_dialog(qtbot, db, round_id)
    assert dialog.name.text() == "路演答辩"
    assert len(dialog.criteria.rows) == 7 and dialog.criteria.rows[-1].is_bonus
    assert "100" in dialog.totals.text() and "5" in dialog.totals.text()
    assert "100 %" in dialog.group_sum.text()
    assert dialog.trim_row.isVisible()  # the roadshow drops the highest and lowest
    model = dialog.criteria
    assert model.setData(model.index(1, NAME), "项目设计与创新")
    assert model.setData(model.index(0, WEIGHT), "150")
    assert not model.setData(model.index(0, MAX), "abc")  # unreadable: the cell keeps its value
    assert model.setData(model.index(0, MAX), "30")
    assert dialog.totals.text().startswith("Full marks 125 points")  # 30 × 150 % + 80
    dialog.tie_choice.setCurrentIndex(dialog.tie_choice.findText("This round: 项目设计与创新"))
    dialog._add_tie()
    dialog.tie_choice.setCurrentIndex(dialog.tie_choice.findText("书面评审: the round's score"))
    dialog._add_tie()
    assert [dialog.tie_list.item(i).text() for i in range(dialog.tie_list.count())] == [
        "1. This round: 项目设计与创新", "2. 书面评审: the round's score"]
    assert model.setData(model.index(1, NAME), "项目设计")  # a renamed line: its tie-break follows
    assert dialog.tie_list.item(0).text() == "1. This round: 项目设计"
    dialog.grab().save(str(tmp_path / "round.png"))
    with qtbot.waitSignal(dialog.accepted):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.saved_id == round_id
    data, _frozen, _scored = service.load_round(db, round_id)
    assert (data.criteria[0].max_points_x100, data.criteria[0].weight_percent) == (3000, 150)
    assert data.tie_breaks == [TieBreak(2, "项目设计"), TieBreak(1, "")]


def test_a_bad_group_weight_is_named_in_the_banner(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, db, roadshow(db))
    assert dialog.groups.setData(dialog.groups.index(1, 1), "20")
    assert "90 %" in dialog.group_sum.text()
    dialog.save()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.banner.isVisible()
    assert dialog.banner.text() == "the judge groups' weights add up to 90 %; they must add up to exactly 100 %"
    assert "c62828" in dialog.groups_view.styleSheet()
    assert service.load_round(db, roadshow(db))[0].groups[1].weight_percent == 30  # nothing written


def test_every_problem_is_listed_and_its_field_marked(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, db, roadshow(db))
    dialog.name.clear()
    dialog.weight_percent.setValue(80)
    assert "120 %" in dialog.weight_note.text()
    dialog.criteria.setData(dialog.criteria.index(0, NAME), "项目设计")
    dialog.save()
    lines = dialog.banner.text().splitlines()
    assert lines[0] == "give the round a name"
    assert lines[1].startswith("the rounds' weights in the final result add up to 120 %")
    assert lines[2] == "rubric line 2: “项目设计” is already used by another line"
    assert "c62828" in dialog.name.styleSheet() and "c62828" in dialog.weight_percent.styleSheet()
    assert "c62828" in dialog.criteria_view.styleSheet()


def test_a_new_round_with_a_template(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    template = service.save_template(db, "通用评分标准", service.load_round(db, roadshow(db))[0].criteria)
    dialog = open_dialog(qtbot, db, None)
    assert dialog.windowTitle() == "New review round"
    assert dialog.weight_percent.value() == 0  # the demo's rounds already make up 100 %
    assert dialog.tie_choice.findText("路演答辩: 配套资金加分") >= 0  # earlier rounds' criteria can break ties
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("通用评分标准 (7 criteria)", True))
    dialog._load_template()
    assert [c.name for c in dialog.criteria.rows][-1] == "配套资金加分"
    assert all(c.id is None for c in dialog.criteria.rows)
    dialog.name.setText("复核评审")
    dialog.criteria.add()
    dialog.criteria.setData(dialog.criteria.index(7, NAME), "创新性")
    dialog.criteria.setData(dialog.criteria.index(7, MAX), "10")
    bonus = dialog.criteria.index(7, BONUS)
    assert dialog.criteria.setData(bonus, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert dialog.criteria.rows[7].is_bonus
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.banner.text()
    assert [r.name for r in service.rounds_of(db, competition_id(db))][-1] == "复核评审"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("通用评分标准", True))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog._save_template()  # the name exists: replaced after asking
    assert service.templates(db) == [(template, "通用评分标准", 8)]


def test_a_frozen_round_is_read_only(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        round_ = s.get(Round, roadshow(db))
        assert round_ is not None
        round_.frozen = True
    dialog = open_dialog(qtbot, db, roadshow(db))
    assert dialog.notice.isVisible() and "frozen" in dialog.notice.text()
    assert not dialog.name.isEnabled() and not dialog.load_template.isEnabled()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save) is None
    index = dialog.criteria.index(0, NAME)
    assert not dialog.criteria.flags(index) & Qt.ItemFlag.ItemIsEditable


def test_a_scored_round_keeps_its_items(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    written = next(r.id for r in service.rounds_of(db, competition_id(db)) if r.seq == 1)
    judging.auto_assign(db, written)
    with db.read() as s:
        first = s.scalars(select(Assignment.id).where(Assignment.round_id == written)).first()
    assert first is not None
    judging.record_sheet(db, first, dict.fromkeys(judging.criterion_ids(db, written), 1000), source="paper",
                         by="王芳")
    dialog = open_dialog(qtbot, db, written)
    assert dialog.scored and dialog.notice.isVisible()
    assert not dialog.criteria_buttons[0].isEnabled() and not dialog.score_step.isEnabled()
    assert not dialog.criteria.flags(dialog.criteria.index(0, MAX)) & Qt.ItemFlag.ItemIsEditable
    assert dialog.criteria.flags(dialog.criteria.index(0, NAME)) & Qt.ItemFlag.ItemIsEditable
    dialog.criteria.setData(dialog.criteria.index(0, NAME), "社区需求分析")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.banner.text()


def test_a_bidding_round_names_the_tender_it_judges(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    """The demo's tender committee round judges ZB2025-01; a venture competition's form has no tender row, and a
    tender from another competition is refused by the service."""
    bidding = next(c.id for c in lists.competition_choices(db) if "招投标" in c.name)
    committee = service.rounds_of(db, bidding)[0].id
    dialog = RoundDialog(db, bidding, committee)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tender.isVisibleTo(dialog) and dialog.tender.currentText().startswith("ZB2025-01")
    assert not dialog.tender.isEnabled()  # its results are frozen
    assert "100 %" in dialog.weight_note.text()
    venture = open_dialog(qtbot, db, roadshow(db))
    assert not venture.tender.isVisibleTo(venture)
    data, _frozen, _scored = service.load_round(db, roadshow(db))
    data.tender_id = dialog.tender.currentData()
    with pytest.raises(ValidationError, match="tender project is not one of this competition's"):
        service.save_round(db, competition_id(db), roadshow(db), data)
