"""`psp results` (a round's ranking or the final ranking as CSV, JSON or .xlsx), and score workbooks: `psp template
scores` → filled in with openpyxl → `psp import scores`, all or nothing, every kind of bad cell named by row and
column with nothing written."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from psp_desktop import cli
from psp_desktop.db import Database, open_database
from psp_desktop.enums import SheetStatus
from psp_desktop.models import (
    Assignment,
    AuditEntry,
    Competition,
    ConflictDeclaration,
    Criterion,
    Judge,
    Proposal,
    Round,
    ScoreSheet,
)
from psp_desktop.services import demo, judging, rankings, results_export, workbook_scores

SHEET = workbook_scores.SHEET


@pytest.fixture(autouse=True)
def _english_messages_without_qt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI must not create a QCoreApplication in this process (see test_cli.py)."""
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))


# --- a demo with round 1 scored and frozen, round 2 assigned -------------------------------------------------------


def rounds_of_2026(db: Database) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(Round.id).join(Competition).where(Competition.year == 2026).order_by(Round.seq)))


def score_all(db: Database, round_id: int) -> None:
    with db.read() as s:
        assignments = s.scalars(select(Assignment.id).where(Assignment.round_id == round_id)
                                .order_by(Assignment.id)).all()
        criteria = s.execute(select(Criterion.id, Criterion.max_points_x100)
                             .where(Criterion.round_id == round_id).order_by(Criterion.seq)).all()
    for n, assignment in enumerate(assignments):
        points = {cid: (top // 50 - (n * 5 + i) % (top // 100)) * 50 for i, (cid, top) in enumerate(criteria)}
        judging.record_sheet(db, assignment, points, source="paper", by="录入员")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int, int, int]:
    """(database file, blank score workbook of round 2, competition, round 1, round 2)."""
    folder = tmp_path_factory.mktemp("results")
    path = folder / "judging.db"
    db = open_database(path)
    try:
        demo.create_demo(db)
        first, second = rounds_of_2026(db)
        judging.auto_assign(db, first)
        score_all(db, first)
        rankings.freeze_round(db, first)
        judging.auto_assign(db, second)
        competition = rankings.round_report(db, first).competition_id
    finally:
        db.close()
    template = folder / "scores.xlsx"
    assert cli.main(["--db", str(path), "template", "scores", "--round", str(second), "--out", str(template)]) == 0
    return path, template, competition, first, second


@pytest.fixture
def db_path(prepared: tuple[Path, Path, int, int, int], tmp_path: Path) -> Path:
    """A copy of the prepared database for a test that writes."""
    target = tmp_path / "judging.db"
    shutil.copyfile(prepared[0], target)
    return target


@pytest.fixture
def database_at(db_path: Path) -> Iterator[Database]:
    db = open_database(db_path, create=False)
    try:
        yield db
    finally:
        db.close()


def run(*argv: str | Path) -> int:
    return cli.main([str(a) for a in argv])


# --- psp results ---------------------------------------------------------------------------------------------------


def test_round_results_as_csv_on_standard_output(prepared: tuple[Path, Path, int, int, int],
                                                  capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    path, _template, competition, first, _second = prepared
    assert run("--db", path, "results", competition, "--round", "1") == 0
    out = capsysbinary.readouterr().out
    assert out.startswith("\ufeff".encode())  # Excel and WPS read UTF-8 only with the byte-order mark
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig"))))
    db = open_database(path, create=False)
    try:
        headers, expected = rankings.ranking_table(rankings.round_report(db, first), judging.sheets_of(db, first))
    finally:
        db.close()
    assert rows[0] == headers
    assert rows[1:] == [[str(cell) for cell in row] for row in expected]
    assert "评委：" in ",".join(headers) and "需求分析（平均）" in headers


def test_round_results_as_json_are_the_frozen_content(prepared: tuple[Path, Path, int, int, int],
                                                       capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    path, _template, _competition, first, _second = prepared
    db = open_database(path, create=False)
    try:
        report = rankings.round_report(db, first)
    finally:
        db.close()
    assert run("--db", path, "results", report.competition, "--round", report.name, "--format", "json") == 0
    content = json.loads(capsysbinary.readouterr().out.decode("utf-8"))
    assert content["round"]["name"] == report.name and len(content["proposals"]) == len(report.result.proposals)
    assert report.snapshot is not None and judging.sha256_of(content) == report.snapshot.sha256


def test_round_results_as_xlsx(prepared: tuple[Path, Path, int, int, int], tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    path, _template, competition, first, _second = prepared
    out = tmp_path / "round.xlsx"
    assert run("--db", path, "results", competition, "--round", "1", "--format", "xlsx", "--out", out) == 0
    assert str(out) in capsys.readouterr().out
    ws = openpyxl.load_workbook(out).active
    values = list(ws.iter_rows(values_only=True))
    db = open_database(path, create=False)
    try:
        report = rankings.round_report(db, first)
        headers, rows = rankings.ranking_table(report, judging.sheets_of(db, first))
    finally:
        db.close()
    assert ws.title == report.name and list(values[0]) == headers
    top = report.result.proposals[0]
    assert values[1][0] == 1 and values[1][1] == rows[0][1]
    assert values[1][4] == pytest.approx(float(top.score or 0)) and isinstance(values[1][4], float)
    assert values[1][5] == "是"


def test_text_that_looks_like_a_formula_stays_text(prepared: tuple[Path, Path, int, int, int], db_path: Path,
                                                  tmp_path: Path) -> None:
    _path, _template, competition, first, _second = prepared
    db = open_database(db_path, create=False)
    try:
        top = rankings.round_report(db, first).result.proposals[0].proposal_id
        with db.write() as s:
            s.get(Proposal, top).title = '=HYPERLINK("http://example.com","点我")'  # type: ignore[union-attr]
    finally:
        db.close()
    out = tmp_path / "round.xlsx"
    assert run("--db", db_path, "results", competition, "--round", "1", "--format", "xlsx", "--out", out) == 0
    cell = openpyxl.load_workbook(out).active.cell(row=2, column=3)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://example.com","点我")'
    assert cell.quotePrefix


def test_final_results_after_keyed_scores(prepared: tuple[Path, Path, int, int, int], db_path: Path,
                                          tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    _path, template, competition, _first, second = prepared
    filled = fill(template, tmp_path)
    assert run("--db", db_path, "import", "scores", filled, "--by", "录入员") == 0
    db = open_database(db_path, create=False)
    try:
        rankings.freeze_round(db, second)
        final = rankings.final_report(db, competition)
    finally:
        db.close()
    capsysbinary.readouterr()
    assert run("--db", db_path, "results", competition) == 0
    rows = list(csv.reader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8-sig"))))
    assert rows[0][:5] == ["名次", "申报编号", "项目名称", "申报机构", "综合得分"]
    assert rows[0][5:7] == ["书面评审（40%）", "路演答辩（60%）"]
    names = final.names
    by_number = {row[1]: row for row in rows[1:]}
    for f in final.finals:
        row = by_number[names[f.proposal_id].intake_number]
        assert row[0] == str(f.rank or "") and row[4] == str(f.score)
        assert row[5:7] == [str(f.round_scores[1]), str(f.round_scores[2])]
    out = tmp_path / "final.json"
    assert run("--db", db_path, "results", competition, "--format", "json", "--out", out) == 0
    content = json.loads(out.read_text(encoding="utf-8"))
    assert [r["name"] for r in content["rounds"]] == ["书面评审", "路演答辩"]
    assert all(r["frozen"] and len(r["sha256"]) == 64 for r in content["rounds"])
    assert content["proposals"][0]["rank"] == 1


@pytest.mark.parametrize(("argv", "message"), [
    (["results", "999"], "There is no competition with number 999."),
    (["results", "没有这个大赛"], "There is no competition named “没有这个大赛”."),
    (["results", "{competition}", "--round", "7"], "has no review round 7."),
    (["results", "{competition}", "--format", "xlsx"], "save it with --out FILE.xlsx"),
])
def test_results_refusals(prepared: tuple[Path, Path, int, int, int], capsys: pytest.CaptureFixture[str],
                          argv: list[str], message: str) -> None:
    path, _template, competition, _first, _second = prepared
    assert run("--db", path, *[a.format(competition=competition) for a in argv]) == 2
    assert message in capsys.readouterr().err


def test_find_round_by_order_or_name(prepared: tuple[Path, Path, int, int, int]) -> None:
    path, _template, competition, first, second = prepared
    db = open_database(path, create=False)
    try:
        assert results_export.find_round(db, competition, "1") == first
        assert results_export.find_round(db, competition, "路演答辩") == second
    finally:
        db.close()


# --- score workbooks ---------------------------------------------------------------------------------------------


def fill(template: Path, tmp_path: Path, name: str = "filled.xlsx") -> Path:
    """Every row filled with valid points (step 0.5, within each maximum), some as numbers, some as text."""
    book = openpyxl.load_workbook(template)
    ws = book[SHEET]
    headers = [c.value for c in ws[1]]
    for number, row in enumerate(ws.iter_rows(min_row=2), start=2):
        for cell, header in zip(row, headers, strict=True):
            top = maximum(header)
            if top is not None:
                value = (number * 3 + cell.column) % int(top) + (0.5 if number % 2 else 0)
                cell.value = value if number % 3 else str(value)
    target = tmp_path / name
    book.save(target)
    return target


def maximum(header: object) -> float | None:
    found = re.fullmatch(r".+（([\d.]+)分）", str(header or ""))
    return float(found.group(1)) if found else None


def edit(path: Path, change: Callable[[Any], None]) -> None:
    book = openpyxl.load_workbook(path)
    change(book[SHEET])
    book.save(path)


def counted(db_path: Path, round_id: int) -> tuple[int, int]:
    """(submitted sheets in the round, change-log entries): both unchanged after a refused import."""
    db = open_database(db_path, create=False)
    try:
        with db.read() as s:
            sheets = s.scalar(select(func.count(ScoreSheet.id)).join(Assignment)
                              .where(Assignment.round_id == round_id, ScoreSheet.status == SheetStatus.SUBMITTED))
            return sheets or 0, s.scalar(select(func.count(AuditEntry.id))) or 0
    finally:
        db.close()


def test_template_lists_every_sheet_not_counted(prepared: tuple[Path, Path, int, int, int]) -> None:
    path, template, _competition, _first, second = prepared
    ws = openpyxl.load_workbook(template)[SHEET]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["评委", "受理编号", "项目名称"] and headers[-2:] == ["评语", "轮次编号"]
    assert "需求分析（20分）" in headers and "配套资金加分（5分）" in headers
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if any(r)]
    db = open_database(path, create=False)
    try:
        with db.read() as s:
            assigned = s.scalar(select(func.count(Assignment.id)).where(Assignment.round_id == second))
    finally:
        db.close()
    assert len(rows) == assigned and all(r[-1] == second for r in rows)
    assert "填写说明" in openpyxl.load_workbook(template).sheetnames


def test_template_then_import_counts_every_sheet(prepared: tuple[Path, Path, int, int, int], db_path: Path,
                                                tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _path, template, _competition, _first, second = prepared
    filled = fill(template, tmp_path)
    edit(filled, lambda ws: ws.cell(row=2, column=ws.max_column - 1, value="项目设计有新意"))
    rows = [r for r in openpyxl.load_workbook(filled)[SHEET].iter_rows(min_row=2, values_only=True) if any(r)]
    assert run("--db", db_path, "import", "scores", filled, "--by", "录入员") == 0
    assert capsys.readouterr().out.strip() == f"sheets: {len(rows)}"
    assert counted(db_path, second)[0] == len(rows)
    db = open_database(db_path, create=False)
    try:
        with db.read() as s:
            sources = set(s.scalars(select(ScoreSheet.source).join(Assignment).where(Assignment.round_id == second)))
            comment = s.scalar(select(ScoreSheet.comment).where(ScoreSheet.comment == "项目设计有新意"))
            criteria = s.execute(select(Criterion.id, Criterion.name).where(Criterion.round_id == second)
                                 .order_by(Criterion.seq)).all()
            judges = dict(s.execute(select(Assignment.id, Assignment.judge_id)).all())
        sheets = judging.sheets_of(db, second)
        report = rankings.round_report(db, second)
    finally:
        db.close()
    assert sources == {"import"} and comment == "项目设计有新意"
    assert report.sheets_in == report.sheets_total == len(rows) and judges
    first_row = rows[0]
    by_name = {v: k for k, v in report.judges.items()}
    by_number = {n.intake_number: pid for pid, n in report.proposals.items()}
    points = sheets[by_name[first_row[0]], by_number[first_row[1]]]
    assert [points[cid] for cid, _name in criteria] == [judging.parse_points(str(v)) for v in first_row[3:-2]]
    assert run("--db", db_path, "template", "scores", "--round", second, "--out", tmp_path / "again.xlsx") == 0
    assert "rows: 0" in capsys.readouterr().out  # nothing left to key in


def test_rows_without_scores_are_left_for_later(prepared: tuple[Path, Path, int, int, int], db_path: Path,
                                               tmp_path: Path) -> None:
    _path, template, _competition, _first, second = prepared
    filled = fill(template, tmp_path)

    def blank_after_row_5(ws: Any) -> None:
        for row in ws.iter_rows(min_row=6):
            for cell in row[3:-2]:
                cell.value = None

    edit(filled, blank_after_row_5)
    assert run("--db", db_path, "import", "scores", filled) == 0
    assert counted(db_path, second)[0] == 4


def _set(header: str, value: object) -> Callable[[Any], None]:
    def change(ws: Any) -> None:
        column = next(c.column for c in ws[1] if c.value == header)
        ws.cell(row=2, column=column).value = value  # cell(value=None) would leave the cell as it is
    return change


def _delete_column(header: str) -> Callable[[Any], None]:
    def change(ws: Any) -> None:
        ws.delete_cols(next(c.column for c in ws[1] if c.value == header))
    return change


def _repeat_row(ws: Any) -> None:
    last = ws.max_row + 1
    for cell in ws[2]:
        ws.cell(row=last, column=cell.column, value=cell.value)


BAD_CELLS = [
    (_set("评委", "不在册的评委"),
     ["评分录入 row 2, 评委: no judge called 不在册的评委 sits on a panel of round “路演答辩”"]),
    (_set("受理编号", "2026-WJ-999"),
     ["评分录入 row 2, 受理编号: no proposal of this competition has the intake number 2026-WJ-999"]),
    (_set("需求分析（20分）", 20.5),
     ["评分录入 row 2, 需求分析（20分）: The score for “需求分析” must be between 0 and 20."]),
    (_set("项目设计（25分）", -1),
     ["评分录入 row 2, 项目设计（25分）: The score for “项目设计” must be between 0 and 25."]),
    (_set("可行性（15分）", "十分"), ["评分录入 row 2, 可行性（15分）: The score for “可行性” is not a number."]),
    (_set("团队能力（15分）", 10.3),
     ["评分录入 row 2, 团队能力（15分）: The score for “团队能力” must be a multiple of 0.5."]),
    (_set("可持续性（10分）", None), ["评分录入 row 2, 可持续性（10分）: “可持续性” has no score yet."]),
    (_set("项目名称", "另一个项目"), ["评分录入 row 2, 项目名称: proposal 2026-WJ-"]),
    (_delete_column("预算合理性（15分）"), ["The sheet 评分录入 lacks the required columns 预算合理性（15分）."]),
    (_repeat_row, ["评分录入 row {last}, 受理编号: ", " is repeated: row 2 has it too"]),
]


@pytest.mark.parametrize(("change", "messages"), BAD_CELLS)
def test_a_bad_cell_stops_the_whole_import(prepared: tuple[Path, Path, int, int, int], db_path: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str], change: Callable[[Any], None],
                                           messages: list[str]) -> None:
    _path, template, _competition, _first, second = prepared
    filled = fill(template, tmp_path)
    last = openpyxl.load_workbook(filled)[SHEET].max_row + 1
    edit(filled, change)
    before = counted(db_path, second)
    assert run("--db", db_path, "import", "scores", filled) == 2
    err = capsys.readouterr().err
    for message in messages:
        assert message.format(last=last) in err
    assert counted(db_path, second) == before == (0, before[1])
    if "lacks" not in messages[0]:
        assert (tmp_path / "filled-错误说明.xlsx").exists()  # the rows with a 错误说明 column, to fix and import again


def test_a_proposal_not_assigned_to_the_judge(prepared: tuple[Path, Path, int, int, int], db_path: Path,
                                              tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _path, template, _competition, _first, second = prepared
    db = open_database(db_path, create=False)
    try:
        with db.read() as s:
            in_round = select(Assignment.proposal_id).where(Assignment.round_id == second)
            outside = s.scalar(select(Proposal.intake_number).join(Competition).where(
                Competition.year == 2026, Proposal.intake_number.is_not(None), Proposal.id.not_in(in_round)).limit(1))
    finally:
        db.close()
    filled = fill(template, tmp_path)
    edit(filled, _set("受理编号", outside))
    judge = openpyxl.load_workbook(filled)[SHEET].cell(row=2, column=1).value
    assert run("--db", db_path, "import", "scores", filled) == 2
    assert f"评分录入 row 2, 受理编号: {judge} is not assigned proposal {outside} in round “路演答辩”" in \
        capsys.readouterr().err
    assert counted(db_path, second)[0] == 0


def _row_2(db: Database, filled: Path, second: int) -> Assignment:
    """The assignment the workbook's first data row stands for."""
    ws = openpyxl.load_workbook(filled)[SHEET]
    judge, number = ws.cell(row=2, column=1).value, ws.cell(row=2, column=2).value
    with db.read() as s:
        return s.scalars(select(Assignment).join(Proposal, Proposal.id == Assignment.proposal_id)
                         .join(Judge, Judge.id == Assignment.judge_id)
                         .where(Assignment.round_id == second, Proposal.intake_number == number,
                                Judge.name == judge)).one()


def test_a_conflicted_pair_is_refused(prepared: tuple[Path, Path, int, int, int], database_at: Database,
                                      db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _path, template, _competition, _first, second = prepared
    filled = fill(template, tmp_path)
    assignment = _row_2(database_at, filled, second)
    with database_at.write() as s:  # a conflict found after the assignment was made
        org = s.get(Proposal, assignment.proposal_id).organization_id  # type: ignore[union-attr]
        s.add(ConflictDeclaration(judge_id=assignment.judge_id, organization_id=org, reason="亲属在该机构任职"))
    before = counted(db_path, second)
    assert run("--db", db_path, "import", "scores", filled) == 2
    assert re.search(r"评分录入 row 2: \S+ has a conflict of interest with \S+ and may not score its proposal\.",
                     capsys.readouterr().err)
    assert counted(db_path, second) == before


def test_a_locked_sheet_is_refused(prepared: tuple[Path, Path, int, int, int], database_at: Database,
                                   db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _path, template, _competition, _first, second = prepared
    filled = fill(template, tmp_path)
    assignment = _row_2(database_at, filled, second)
    with database_at.read() as s:
        criteria = s.scalars(select(Criterion).where(Criterion.round_id == second)).all()
        points = {c.id: c.max_points_x100 for c in criteria}
    judging.record_sheet(database_at, assignment.id, points, source="screen", by="评委")  # counted since the template
    before = counted(db_path, second)
    assert before[0] == 1
    assert run("--db", db_path, "import", "scores", filled) == 2
    assert "评分录入 row 2: The sheet of " in capsys.readouterr().err
    assert counted(db_path, second) == before
    assert judging.sheets_of(database_at, second)[assignment.judge_id, assignment.proposal_id] == points


def test_a_frozen_round_takes_no_scores(prepared: tuple[Path, Path, int, int, int], db_path: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    _path, template, _competition, first, _second = prepared
    filled = fill(template, tmp_path)

    def point_at_round_1(ws: Any) -> None:
        for row in ws.iter_rows(min_row=2):
            row[-1].value = first

    edit(filled, point_at_round_1)
    assert run("--db", db_path, "import", "scores", filled) == 2
    assert "The results of round “书面评审” are frozen" in capsys.readouterr().err
