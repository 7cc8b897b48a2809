"""The Judge laptops dialog on the demo's roadshow: saving an event package registers the laptop named in it, and
importing results files shows each file's outcome (accepted, rejected with the reason) and each conflict."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog

from psp_desktop.db import Database, open_database
from psp_desktop.services import event_exchange, judging, laptop_keys, lists, sheet_states
from psp_desktop.ui.dialogs.event_dialog import EventDialog

PIN = "135790"  # the demo's 周永红, with three roadshow sheets still to score


@pytest.fixture
def office(demo_file: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    db = open_database(path)
    competition = next(c for c in lists.competition_choices(db) if c.name.startswith("2025") and "创投" in c.name)
    roadshow = sheet_states.rounds_of(db, competition.id)[-1]
    yield db, roadshow.id, roadshow.name
    db.close()


def _score(home: Path, package: Path, minus: int) -> None:
    opened = event_exchange.open_package(package, home=home)
    try:
        session = judging.sign_in(opened.db, 2, PIN)
        for round_ in judging.judge_rounds(opened.db, session):
            for task in round_.tasks:
                judging.save_sheet(opened.db, session, task.assignment_id,
                                   {c.id: c.max_x100 - minus for c in round_.criteria}, submit=True)
    finally:
        opened.db.close()


def test_export_a_package_then_import_results(qtbot, office: tuple[Database, int, str], tmp_path: Path,  # type: ignore[no-untyped-def]
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    db, round_id, round_name = office
    monkeypatch.setattr(laptop_keys, "data_dir", lambda: tmp_path / "office-home")
    homes = {name: tmp_path / name for name in ("笔记本A", "笔记本B")}
    dialog = EventDialog(db, round_id, round_name)
    qtbot.addWidget(dialog)
    packages = {}
    for name, home in homes.items():
        identity = laptop_keys.set_laptop_name(name, home)
        target = tmp_path / f"{name}.pspevent"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, target=target, **_k: (str(target), ""))
        dialog.laptop_name.setText(name)
        dialog.laptop_key.setText(identity.public_hex)
        dialog.export_package()
        qtbot.waitUntil(lambda target=target: target.exists() and dialog.export_button.isEnabled(), timeout=20_000)
        assert str(target) in dialog.export_state.text()
        packages[name] = target
    qtbot.waitUntil(lambda: "笔记本B" in dialog.registered.text(), timeout=20_000)

    _score(homes["笔记本A"], packages["笔记本A"], 100)
    _score(homes["笔记本B"], packages["笔记本B"], 200)  # the same three sheets, other marks: conflicts
    files = [event_exchange.export_results(tmp_path / f"{name}.pspresults", home=home).path
             for name, home in homes.items()]
    truncated = tmp_path / "cut.pspresults"
    truncated.write_bytes(files[0].read_bytes()[:200])
    dialog.run_import([*files, truncated])
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    rows = [dialog.files.row_at(i) for i in range(dialog.files.rowCount())]
    assert [(r.laptop, r.added, r.conflicts) for r in rows] == [("笔记本A", 3, 0), ("笔记本B", 0, 3), ("", None, None)]
    assert rows[2].reason == QCoreApplication.translate("Errors", event_exchange.TRUNCATED)
    assert dialog.notes.rowCount() == 3 and dialog.notes_view.isVisibleTo(dialog)
    assert dialog.imported


def test_a_judge_laptop_saves_its_results_file_from_judge_mode(qtbot, office: tuple[Database, int, str],  # type: ignore[no-untyped-def]
                                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from psp_desktop.ui.judge_mode import JudgeModeWindow

    db, round_id, _round_name = office
    monkeypatch.setattr(laptop_keys, "data_dir", lambda: tmp_path / "office-home")
    package = event_exchange.export_package(db, round_id, tmp_path / "event.pspevent").path
    home = tmp_path / "laptop"
    _score(home, package, 100)
    monkeypatch.setattr(laptop_keys, "data_dir", lambda: home)  # from here on this PC is the laptop
    laptop = event_exchange.open_package(package, home=home).db
    window = JudgeModeWindow(laptop)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.sign_in.save_results.isVisible(), timeout=10_000)
    target = tmp_path / "usb" / "results.pspresults"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    window.sign_in.save_results.click()
    qtbot.waitUntil(target.exists, timeout=20_000)
    assert "3" in window.sign_in.error.text() and str(target) in window.sign_in.error.text()
    report = event_exchange.import_results(db, [target], register_laptops=True)
    assert [f.status for f in report.files] == ["accepted"] and report.files[0].added == 3
    window.hide()
    laptop.close()
