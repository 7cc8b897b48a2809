"""The Evaluations tab offscreen on the demo: the twelve mid-term evaluations with the failed one marked; a final
evaluation made, scored (points held to each item's range, the live total and grade), published, objected to and
made final through the tab — the confirmation says what happens to the tranche, and it does; the report PDF saved
and read back with every font embedded; the Evaluators… and Indicator sets… dialogs; a viewer sees no write button.
Screens are grabbed to /tmp/shots8/evaluation*.png."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select

from psp_desktop import i18n
from psp_desktop.db import Database, open_database
from psp_desktop.enums import EvaluationGrade, EvaluationKind, Role, TrancheStatus
from psp_desktop.models import Tranche
from psp_desktop.services import evaluations
from psp_desktop.services.access import Actor
from psp_desktop.ui import evaluations_tab
from psp_desktop.ui.dialogs.evaluation_dialog import EvaluationDialog, NewEvaluationDialog
from psp_desktop.ui.dialogs.evaluation_setup import EvaluatorsDialog, IndicatorSetsDialog
from psp_desktop.ui.evaluations_tab import EvaluationsTab
from psp_desktop.ui.funding_money import ActionDialog

translate = QCoreApplication.translate
SHOTS = Path("/tmp/shots8")
TODAY = dt.date.today()


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A copy of the session's demo (this test writes)."""
    i18n.install("zh_CN")
    target = tmp_path / "demo.db"
    source, copy = sqlite3.connect(demo_file), sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    database = open_database(target, create=False)
    yield database
    database.close()


def _tab(qtbot: Any, db: Database, today: dt.date = TODAY) -> EvaluationsTab:
    tab = EvaluationsTab()
    qtbot.addWidget(tab)
    tab.today = lambda: today
    tab.resize(1400, 640)
    tab.show()
    tab.set_database(db)
    qtbot.waitUntil(lambda: tab.is_loaded, timeout=10_000)
    return tab


def _then_reloaded(qtbot: Any, tab: EvaluationsTab, action: Any) -> None:
    """Runs an action of the tab and waits for the reload its write causes."""
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        action()


def _select(tab: EvaluationsTab, evaluation_id: int) -> None:
    evaluations_tab.select_where(tab.view, tab.model, lambda r: r.id == evaluation_id)


def _grab(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def test_the_demo_evaluations_are_listed_with_the_failed_one_marked(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, db)
    assert tab.model.rowCount() == 14  # the 2024 projects' 12, the 2025 tender's and the commission's
    failed = [tab.model.row_at(n) for n in range(14) if tab.model.row_at(n).grade is EvaluationGrade.FAIL]
    assert len(failed) == 1 and failed[0].final and failed[0].objection_resolution
    grade_cell = tab.model.index(tab.model._rows.index(failed[0]), tab.grade_column)
    assert tab.model.data(grade_cell) == translate("Evaluations", "Fail")
    assert tab.count.text() == translate("Evaluations", "{count} evaluations, {failed} failed").format(
        count=14, failed=1)
    tab.view.selectRow(0)
    assert not tab.buttons["score"].isEnabled() and tab.buttons["report"].isEnabled()  # final: only the report
    _grab(tab, "evaluation_tab.png")
    index = next(i for i in range(tab.competition.count()) if tab.competition.itemText(i).startswith("2024"))
    tab.competition.setCurrentIndex(index)
    tab.competition.activated.emit(index)
    assert tab.model.rowCount() == 12 and tab.view.isColumnHidden(0)


def test_an_evaluation_through_the_tab_decides_the_tranche(qtbot, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, db)
    award = next(row.award_id for n in range(tab.model.rowCount())  # a 2024 project: four tranches
                 if (row := tab.model.row_at(n)).competition.startswith("2024"))
    # New…: the project already has its mid-term evaluation, so the final one is offered
    shown: dict[str, str] = {}

    def new_exec(dialog: NewEvaluationDialog) -> int:
        dialog.show()
        dialog.project.setCurrentIndex(dialog.project.findData(award))
        assert dialog.kind.currentData() == EvaluationKind.FINAL
        _grab(dialog, "evaluation_new.png")
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(NewEvaluationDialog, "exec", new_exec)
    _then_reloaded(qtbot, tab, tab.new)
    assert tab.model.rowCount() == 15
    created = max(tab.model.row_at(n).id for n in range(15))
    _select(tab, created)

    def score_exec(dialog: EvaluationDialog) -> int:
        dialog.show()
        first = dialog.spins[0]
        first.setValue(99)  # over the maximum: held at the item's 20 points
        assert first.value() == 20
        penalty = dialog.spins[-1]
        penalty.setValue(-50)
        assert penalty.value() == -10
        for spin, value in zip(dialog.spins, (5, 4, 6, 10, 8, 5, 0, -3), strict=True):
            spin.setValue(value)
        shown["total"] = dialog.total.text()
        dialog.comments[0].setText("计划活动完成不足一半")
        dialog.narrative.setPlainText("终期评估不合格：项目目标大部分未达成")
        _grab(dialog, "evaluation_score.png")
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(EvaluationDialog, "exec", score_exec)
    _then_reloaded(qtbot, tab, tab.score)
    assert tab.note.isVisible()
    assert shown["total"] == translate("Evaluations", "Total: {total} points — {grade}").format(
        total="35", grade=translate("Evaluations", "Fail"))
    _select(tab, created)
    assert tab.buttons["publish"].isEnabled() and not tab.buttons["finalize"].isEnabled()

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    _then_reloaded(qtbot, tab, tab.publish)
    _select(tab, created)
    assert tab.selected().objection_until == TODAY + dt.timedelta(days=7)

    def objection_exec(dialog: ActionDialog) -> int:
        dialog.fields["objection"].setPlainText("机构认为终期资料提交后未被采纳")  # type: ignore[attr-defined]
        dialog.fields["resolution"].setPlainText("经核实资料已采纳，维持原结论")  # type: ignore[attr-defined]
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(ActionDialog, "exec", objection_exec)
    _then_reloaded(qtbot, tab, tab.objection)

    # eight days later the window has ended: Finalize… says what it will do, then does it
    tab.today = lambda: TODAY + dt.timedelta(days=8)
    _then_reloaded(qtbot, tab, tab.reload)
    _select(tab, created)
    assert tab.buttons["finalize"].isEnabled()
    real_box = tab.confirm_box
    questions: list[str] = []

    def confirm(plan: Any, row: Any) -> Any:
        box = real_box(plan, row)
        box.show()
        _grab(box, "evaluation_finalize.png")
        questions.append(box.text())
        box.exec = lambda: QMessageBox.StandardButton.Yes  # type: ignore[method-assign]
        return box

    monkeypatch.setattr(tab, "confirm_box", confirm)
    _then_reloaded(qtbot, tab, tab.finalize)
    withheld = translate("Labels", "Withheld")
    assert withheld in questions[0] and "4" in questions[0]
    with db.read() as s:
        (final_tranche,) = s.scalars(select(Tranche).where(Tranche.award_id == award, Tranche.seq == 4)).all()
        assert (final_tranche.status, final_tranche.status_reason) == (TrancheStatus.WITHHELD,
                                                                         "终期评估不合格（得分35分）")
    _select(tab, created)
    assert tab.selected().final and not tab.buttons["score"].isEnabled()
    _grab(tab, "evaluation_tab_final.png")

    # the report PDF of it, saved where asked, read back
    target = SHOTS / "evaluation_report_tab.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    monkeypatch.setattr("psp_desktop.ui.pdf_actions.QDesktopServices.openUrl", lambda _url: True)
    target.unlink(missing_ok=True)
    tab.report()
    qtbot.waitUntil(target.exists, timeout=20_000)
    if shutil.which("pdftotext"):
        text = "".join(subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True,
                                      check=True).stdout.split())
        for expected in ("公益创投项目终期评估报告", "总得分为35分", "评估等级为“不合格”", "第4期资助资金",
                         "暂停拨付", "机构认为终期资料提交后未被采纳", "经核实资料已采纳，维持原结论"):
            assert expected in text, expected
        fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
        assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(target), str(SHOTS / "evaluation_report")], check=True)


def test_a_refusal_shows_in_the_banner(qtbot, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Making final inside the window is refused by the service and said in the tab, nothing written."""
    award = evaluations.evaluable_awards(db)[0].award_id
    ev = evaluations.create(db, award, EvaluationKind.FINAL, evaluations.evaluators(db)[1].id)
    detail = evaluations.detail(db, ev)
    scores = [evaluations.ScoreInput(line.indicator.name, line.indicator.high_x100) for line in detail.lines]
    evaluations.score(db, ev, scores, "", TODAY, today=TODAY)
    evaluations.publish(db, ev, TODAY, today=TODAY)
    tab = _tab(qtbot, db, TODAY + dt.timedelta(days=3))
    _select(tab, ev)
    tab.finalize()  # the button is disabled in the window; the service says why all the same
    qtbot.waitUntil(lambda: tab.banner.isVisible(), timeout=10_000)
    assert (TODAY + dt.timedelta(days=7)).isoformat() in tab.banner.text()
    assert not evaluations.detail(db, ev).row.final


def test_evaluators_and_indicator_sets_dialogs(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    people = EvaluatorsDialog(db)
    qtbot.addWidget(people)
    people.show()
    qtbot.waitUntil(lambda: people.loaded, timeout=10_000)
    assert people.list.count() == 3
    people.list.setCurrentRow(2)  # 林晓雯, with her declared conflict
    assert people.conflict_count.text() == translate("Evaluations", "{count} declared").format(count=1)
    _grab(people, "evaluation_evaluators.png")
    people.new()
    people.name.setText("吴评估")
    people.agency.setCurrentText("临江区益众社会组织评估中心")
    people.conflicts.item(0).setCheckState(Qt.CheckState.Checked)
    people.loaded = False
    people.save()
    qtbot.waitUntil(lambda: people.loaded, timeout=10_000)
    assert people.list.count() == 4 and people.note.isVisible()
    added = next(p for p in evaluations.evaluators(db) if p.name == "吴评估")
    assert len(added.conflict_org_ids) == 1

    sets = IndicatorSetsDialog(db)
    qtbot.addWidget(sets)
    sets.show()
    qtbot.waitUntil(lambda: sets.loaded, timeout=10_000)
    assert sets.list.count() == 1 and sets.used.isVisible() and not sets.save_button.isEnabled()  # in use
    _grab(sets, "evaluation_sets.png")
    sets.new(EvaluationKind.FINAL)
    sets.rows[0].points.setValue(18)  # 98 points in all: refused by the service
    assert "98" in sets.sum.text()
    _grab(sets, "evaluation_sets_new.png")
    sets.save()
    assert sets.banner.isVisible() and "98" in sets.banner.text()
    sets.rows[1].points.setValue(12)
    sets.loaded = False
    sets.save()
    qtbot.waitUntil(lambda: sets.loaded, timeout=10_000)
    assert sets.list.count() == 2 and not sets.banner.isVisible()


def test_a_viewer_sees_the_list_but_no_write_button(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    db.actor = Actor("viewer", frozenset({Role.VIEWER}), display_name="查阅")
    tab = _tab(qtbot, db)
    assert tab.model.rowCount() == 14
    hidden = [name for name, button in tab.buttons.items() if not button.isVisible()]
    assert sorted(hidden) == sorted(["new", "score", "publish", "objection", "finalize", "evaluators",
                                     "indicator_sets"])


def test_the_monitoring_page_hosts_the_tab(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    pages = pytest.importorskip("psp_desktop.ui.pages.monitoring")
    page = pages.MonitoringPage()
    qtbot.addWidget(page)
    assert isinstance(page.evaluations, EvaluationsTab)
    assert page.tabs.widget(1) is page.evaluations
