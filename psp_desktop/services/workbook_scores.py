"""Score workbooks: a round's sheets not yet counted, one row each (judge, intake number, title, a column per
criterion, comment), filled in Excel or WPS from paper ballots and imported all or nothing.

The workbook carries its round in the 轮次编号 column, so an import needs no other argument. Every row is checked
before anything is written, with the sheet, the Excel row and the column named: unknown judges or proposals,
proposals not assigned to that judge, scores above the maximum, negative, not numbers or off the round's step,
conflicts of interest and sheets already counted. Then every sheet is written through judging's own rules in one
transaction (judging._write_sheet, submitted at once, source "import")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import SheetStatus
from ..errors import QT_TRANSLATE_NOOP, PspError, ValidationError
from ..models import Assignment, Judge, Organization, Proposal, Round, ScoreSheet
from . import access, judging
from .access import Permission
from .judging_papers import rubric
from .validation import Problem
from .workbook_columns import Column, Kind, SheetSpec, col
from .workbook_read import Sheet, read_column
from .workbook_write import HEADER, close_workbook, new_workbook, write_sheet
from .workbooks import (
    NO_ROWS,
    REPEATED,
    CellProblem,
    ImportPreview,
    ImportResult,
    TemplateKind,
    WorkbookRejected,
    _file_problem,
    _read_book,
    _read_rows,
    _Row,
)

SHEET = "评分录入"
NOTES_SHEET = "填写说明"
ROUND_FIELD = "round_id"
CRITERION_PREFIX = "criterion_"

UNKNOWN_JUDGE = QT_TRANSLATE_NOOP("Errors", "no judge called {name} sits on a panel of round “{round}”")
SAME_NAME = QT_TRANSLATE_NOOP("Errors", "more than one judge of round “{round}” is called {name}")
UNKNOWN_PROPOSAL = QT_TRANSLATE_NOOP("Errors", "no proposal of this competition has the intake number {number}")
OTHER_TITLE = QT_TRANSLATE_NOOP("Errors", "proposal {number} is called “{title}”")
NOT_ASSIGNED = QT_TRANSLATE_NOOP("Errors", "{judge} is not assigned proposal {number} in round “{round}”")
SEVERAL_ROUNDS = QT_TRANSLATE_NOOP(
    "Errors", "The sheet {sheet} holds rows of more than one round ({rounds}); import one round at a time.")
NO_ROUND = QT_TRANSLATE_NOOP("Errors", "There is no review round with number {id}.")
FROZEN = QT_TRANSLATE_NOOP(
    "Errors", "The results of round “{round}” are frozen; reopen the round formally before changing scores.")
CONFLICT = QT_TRANSLATE_NOOP(
    "Errors", "{judge} has a conflict of interest with {organization} and may not score its proposal.")
LOCKED = QT_TRANSLATE_NOOP(
    "Errors", "The sheet of {judge} on “{title}” is submitted and locked; staff can reopen it with a reason.")
NOT_A_NUMBER = QT_TRANSLATE_NOOP("Errors", "The score for “{criterion}” is not a number.")
OUT_OF_RANGE = QT_TRANSLATE_NOOP("Errors", "The score for “{criterion}” must be between 0 and {max}.")
OFF_STEP = QT_TRANSLATE_NOOP("Errors", "The score for “{criterion}” must be a multiple of {step}.")
NO_SCORE = QT_TRANSLATE_NOOP("Errors", "“{criterion}” has no score yet.")

NOTES = (
    "每行是一位评委对一个项目的评分表（只列出尚未计入的评分表）。请按纸质评分表逐项填写得分。",
    "得分填写数字，不得超过列名中的满分，不得为负数，并须是本轮评分步长（{step} 分）的整数倍。",
    "一行的各项得分须全部填写；尚未收到纸质评分表的行，各项得分留空即可，导入时跳过。",
    "请不要修改评委、受理编号和轮次编号；项目名称仅供核对，填写时须与受理编号对应的项目一致。",
    "导入时逐行逐格检查：只要有一处错误，整个文件都不导入，并生成一份带“错误说明”列的工作簿，改正后可直接再次导入。",
    "导入后的评分表即行提交并锁定，计入评审结果；如需更正，须由工作人员说明理由后重新开放。",
)


@dataclass(frozen=True)
class _Criterion:
    id: int
    name: str
    max_x100: int


@dataclass(eq=False, slots=True)
class _ScoreRow:
    row: _Row
    judge: str
    number: str
    points: dict[int, int] = field(default_factory=dict)
    comment: str = ""
    assignment_id: int | None = None  # found against the database

    @property
    def label(self) -> str:
        return f"{self.judge} {self.number}"


# --- the template ------------------------------------------------------------------------------------------------


def _base_columns() -> tuple[Column, ...]:
    return (col("评委", "judge", width=12, required=True),
            col("受理编号", "intake_number", Kind.CODE, 15, required=True),
            col("项目名称", "title", width=36))


def _tail_columns() -> tuple[Column, ...]:
    return (col("评语", "comment", width=40),
            col("轮次编号", ROUND_FIELD, Kind.INT, 10, required=True, note="由系统生成，请勿修改"))


def sheet_spec(criteria: tuple[_Criterion, ...] = ()) -> SheetSpec:
    """The 评分录入 sheet: without criteria, the columns every round has (enough to find the round)."""
    scores = tuple(col(f"{c.name}（{judging.points_label(c.max_x100)}分）", f"{CRITERION_PREFIX}{c.id}", width=13,
                       required=True) for c in criteria)
    return SheetSpec(SHEET, (*_base_columns(), *scores, *_tail_columns()), note="每行一份评分表。")


def _criteria(db: Database, round_id: int) -> tuple[tuple[_Criterion, ...], int]:
    """The round's criteria and its score step (both in hundredths)."""
    papers = rubric(db, round_id)
    return tuple(_Criterion(c.id, c.name, c.max_x100) for c in papers.criteria), papers.step_x100


def write_template(db: Database, round_id: int, path: Path) -> int:
    """The round's sheets not yet counted, one row each, ready to key in; returns the number of rows."""
    access.require(db, Permission.SCORES_KEY)  # it lists who scores which proposal
    criteria, step = _criteria(db, round_id)
    rows = [{"judge": judge, "intake_number": number, "title": title, ROUND_FIELD: round_id}
            for judge, number, title in _open_sheets(db, round_id)]
    target = Path(path)
    book, formats = new_workbook(target)
    spec = sheet_spec(criteria)
    count = write_sheet(book, formats, spec.name, spec.columns, rows)
    ws = book.add_worksheet(NOTES_SHEET)
    ws.set_column(0, 0, 100)
    ws.write_string(0, 0, NOTES_SHEET, formats.get(bold=True, font_size=16))
    wrap = formats.get(text_wrap=True, valign="top")
    for number, text in enumerate(NOTES, start=1):
        ws.write_string(number + 1, 0, f"{number}. {text.replace('{step}', judging.points_label(step))}", wrap)
    ws.write_string(len(NOTES) + 3, 0, "评分项目及满分", formats.get(**HEADER))
    for offset, criterion in enumerate(criteria, start=len(NOTES) + 4):
        ws.write_string(offset, 0, f"{criterion.name}：满分 {judging.points_label(criterion.max_x100)} 分", wrap)
    close_workbook(book, target)
    return count


def _open_sheets(db: Database, round_id: int) -> list[tuple[str, str, str]]:
    """(judge, intake number, title) of every assignment whose sheet is not counted, judges in roster order."""
    with db.read() as s:
        round_ = judging._round(s, round_id)
        roster = list(judging._members(s, round_id))
        rows = s.execute(select(Assignment.judge_id, Judge.name, Proposal.intake_number, Proposal.title)
                         .join(Judge, Judge.id == Assignment.judge_id)
                         .join(Proposal, Proposal.id == Assignment.proposal_id)
                         .where(Assignment.round_id == round_.id)
                         .where(~Assignment.id.in_(select(ScoreSheet.assignment_id).where(
                             ScoreSheet.status == SheetStatus.SUBMITTED)))).all()
    rows.sort(key=lambda r: (roster.index(r[0]) if r[0] in roster else len(roster), r[0], r[2] or ""))
    return [(name, number or "", title) for _id, name, number, title in rows]


# --- reading and checking ----------------------------------------------------------------------------------------


def preview_scores(db: Database, path: Path, *, by: str = "") -> ImportPreview:
    """Reads and checks a score workbook; writes nothing."""
    preview = ImportPreview(TemplateKind.SCORES, Path(path), by=by)
    try:
        (first,) = _read_book(preview.path, [(sheet_spec(), False)])
        assert first is not None
        preview.round_id = _round_of(first)
        criteria, step = _criteria(db, preview.round_id)
        (sheet,) = _read_book(preview.path, [(sheet_spec(criteria), False)])
    except PspError as exc:
        preview.file_problems.append(_file_problem(exc))
        return preview
    assert sheet is not None
    preview.sheets = [sheet]
    preview.scores = [score for row in _read_rows(sheet) if (score := _score_row(row, criteria, step))]
    if not preview.scores:
        preview.file_problems.append(CellProblem(sheet.name, None, "", Problem("", NO_ROWS, {"sheet": sheet.name})))
        return preview
    with db.read() as s:
        _link(s, preview)
    return preview


def _round_of(sheet: Sheet) -> int:
    """The one round the rows belong to (a ValidationError when there are none or several)."""
    cells = [sheet.grid[r][sheet.positions[ROUND_FIELD]] if sheet.positions[ROUND_FIELD] < len(sheet.grid[r]) else None
             for r in range(sheet.header_index + 1, len(sheet.grid))]
    column = next(c for c in sheet.spec.columns if c.field == ROUND_FIELD)
    rounds = sorted({v for v in read_column(column, cells) if isinstance(v, int)})
    if not rounds:
        raise ValidationError(NO_ROWS, sheet=sheet.name)
    if len(rounds) > 1:
        raise ValidationError(SEVERAL_ROUNDS, sheet=sheet.name, rounds="、".join(map(str, rounds)))
    return rounds[0]


def _score_row(row: _Row, criteria: tuple[_Criterion, ...], step: int) -> _ScoreRow | None:
    """A row with its points checked cell by cell; None for a row with no score at all (its paper is not in)."""
    cells = {c.id: row.values.get(f"{CRITERION_PREFIX}{c.id}") for c in criteria}
    flawed = {p.field for p in (row.own.items if row.own else ())}
    if all(v is None for v in cells.values()) and not flawed & {f"{CRITERION_PREFIX}{c.id}" for c in criteria}:
        return None
    row.require("judge")
    row.require("intake_number")
    score = _ScoreRow(row, str(row.values.get("judge", "")), str(row.values.get("intake_number", "")),
                      comment=str(row.values.get("comment", "")))
    for criterion in criteria:
        name = f"{CRITERION_PREFIX}{criterion.id}"
        if name in flawed:
            continue
        value = _points(row, name, criterion, cells[criterion.id], step)
        if value is not None:
            score.points[criterion.id] = value
    return score


def _points(row: _Row, name: str, criterion: _Criterion, cell: object, step: int) -> int | None:
    """The same rules as judging.check_points, each problem on its own cell."""
    if cell is None:
        row.problems.add(name, NO_SCORE, criterion=criterion.name)
        return None
    try:
        value = judging.parse_points(str(cell))
    except ValueError:
        row.problems.add(name, NOT_A_NUMBER, criterion=criterion.name)
        return None
    if not 0 <= value <= criterion.max_x100:
        row.problems.add(name, OUT_OF_RANGE, criterion=criterion.name, max=judging.points_label(criterion.max_x100))
        return None
    if value % step:
        row.problems.add(name, OFF_STEP, criterion=criterion.name, step=judging.points_label(step))
        return None
    return value


@dataclass(frozen=True)
class _Assigned:
    assignment_id: int
    organization_id: int
    title: str
    locked: bool


def _link(s: Session, preview: ImportPreview) -> bool:
    """The checks against the database (run again when committing); True when every row passes."""
    round_ = s.get(Round, preview.round_id)
    if round_ is None or round_.frozen:
        message, params = (NO_ROUND, {"id": preview.round_id}) if round_ is None else (FROZEN, {"round": round_.name})
        preview.file_problems = [CellProblem(SHEET, None, "", Problem("", message, params))]
        return False
    judges = _judges(s, round_)
    numbers = {str(n): (pid, title) for pid, n, title in s.execute(
        select(Proposal.id, Proposal.intake_number, Proposal.title).where(
            Proposal.competition_id == round_.competition_id, Proposal.intake_number.is_not(None)))}
    assigned = _assignments(s, round_.id)
    conflicts = {j: judging.conflicted_orgs(s, j) for ids in judges.values() for j in ids}
    organizations = dict(s.execute(select(Organization.id, Organization.name)).all())
    seen: dict[tuple[str, str], int] = {}
    for score in preview.scores:
        score.row.linked, score.assignment_id = None, None
        key = (score.judge, score.number)
        if score.judge and score.number and key in seen:
            score.row.link_problem("intake_number", REPEATED, value=f"{score.judge} {score.number}", row=seen[key])
            continue
        seen.setdefault(key, score.row.number)
        _link_row(score, round_, judges, numbers, assigned, conflicts, organizations)
    return not any(score.row.linked for score in preview.scores)


def _link_row(score: _ScoreRow, round_: Round, judges: dict[str, list[int]], numbers: dict[str, tuple[int, str]],
              assigned: dict[tuple[int, int], _Assigned], conflicts: dict[int, set[int]],
              organizations: dict[int, str]) -> None:
    row = score.row
    found = judges.get(score.judge, [])
    if score.judge and not found:
        row.link_problem("judge", UNKNOWN_JUDGE, name=score.judge, round=round_.name)
    elif len(found) > 1:
        row.link_problem("judge", SAME_NAME, name=score.judge, round=round_.name)
    proposal = numbers.get(score.number)
    if score.number and proposal is None:
        row.link_problem("intake_number", UNKNOWN_PROPOSAL, number=score.number)
    title = str(row.values.get("title", "")).strip()
    if proposal is not None and title and title != proposal[1].strip():
        row.link_problem("title", OTHER_TITLE, number=score.number, title=proposal[1])
    if len(found) != 1 or proposal is None:
        return
    assignment = assigned.get((found[0], proposal[0]))
    if assignment is None:
        row.link_problem("intake_number", NOT_ASSIGNED, judge=score.judge, number=score.number, round=round_.name)
    elif assignment.organization_id in conflicts.get(found[0], set()):
        row.link_problem("", CONFLICT, judge=score.judge, organization=organizations.get(assignment.organization_id))
    elif assignment.locked:
        row.link_problem("", LOCKED, judge=score.judge, title=assignment.title)
    else:
        score.assignment_id = assignment.assignment_id


def _judges(s: Session, round_: Round) -> dict[str, list[int]]:
    """The round's panel judges by name."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for judge_id, member in judging._members(s, round_.id).items():
        by_name[member.judge.name.strip()].append(judge_id)
    return by_name


def _assignments(s: Session, round_id: int) -> dict[tuple[int, int], _Assigned]:
    rows = s.execute(select(Assignment.id, Assignment.judge_id, Assignment.proposal_id, Proposal.organization_id,
                            Proposal.title, ScoreSheet.status)
                     .join(Proposal, Proposal.id == Assignment.proposal_id)
                     .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
                     .where(Assignment.round_id == round_id))
    return {(judge, proposal): _Assigned(a, org, title, status == SheetStatus.SUBMITTED)
            for a, judge, proposal, org, title, status in rows}


# --- writing -----------------------------------------------------------------------------------------------------


def commit_scores(db: Database, preview: ImportPreview) -> ImportResult:
    """Every sheet in one transaction, through judging's own checks, or nothing. The change log names the signed-in
    person and whoever the import says keyed the sheets (the signed-in person unless named)."""
    actor = access.require(db, Permission.SCORES_KEY)
    keyed_by = preview.by.strip() or actor.name
    if not preview.ok:
        raise WorkbookRejected(preview.problems)
    with db.write() as s:
        if not _link(s, preview):  # a sheet may have been counted or the round frozen since the preview
            raise WorkbookRejected(preview.problems)
        for score in preview.scores:
            assignment = s.get(Assignment, score.assignment_id)
            assert assignment is not None
            try:
                judging._write_sheet(s, assignment, score.points, score.comment, submit=True, source="import",
                                     by=actor.username, role=actor.role_text, keyed_by=keyed_by)
            except ValidationError as exc:
                raise WorkbookRejected([CellProblem(score.row.sheet.name, score.row.number, "",
                                                    Problem("", exc.message, dict(exc.params)))]) from exc
    return ImportResult(0, 0, 0, sheets=len(preview.scores))
