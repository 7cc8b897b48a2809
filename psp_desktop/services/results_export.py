"""Judging results as files: a round's ranking (rankings.ranking_table, every component score) or the competition's
final ranking (each round's score and the weighted total), as CSV (UTF-8 with BOM, so Excel and WPS read Chinese),
JSON (a round's canonical content, as frozen) or an .xlsx workbook (text never becomes a formula)."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..db import Database
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Competition, Round
from . import access, judging, rankings
from .access import Permission
from .scoring import points_text
from .workbook_write import HEADER, close_workbook, new_workbook, write_text

NO_COMPETITION = QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}.")
NO_COMPETITION_NAMED = QT_TRANSLATE_NOOP("Errors", "There is no competition named “{name}”.")
NO_ROUND = QT_TRANSLATE_NOOP("Errors", "{competition} has no review round {round}.")
XLSX_NEEDS_FILE = QT_TRANSLATE_NOOP(
    "Errors", "A workbook cannot be shown in the terminal; save it with --out FILE.xlsx.")

IDENTITY_COLUMNS = 4  # 名次, 申报编号, 项目名称, 申报机构: text (a rank is a whole number); scores follow
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class Results:
    title: str  # the sheet's name in a workbook
    headers: list[str]
    rows: list[list[Any]]
    content: dict[str, Any]  # for JSON


def find_competition(db: Database, text: str) -> int:
    """A competition by its number or its exact name."""
    with db.read() as s:
        if text.strip().isdigit():
            if s.get(Competition, int(text)) is None:
                raise ValidationError(NO_COMPETITION, id=int(text))
            return int(text)
        found = s.scalar(select(Competition.id).where(Competition.name == text.strip()))
        if found is None:
            raise ValidationError(NO_COMPETITION_NAMED, name=text.strip())
        return found


def find_round(db: Database, competition: int, text: str) -> int:
    """A round of the competition by its order (1 = the first round) or its exact name."""
    with db.read() as s:
        query = select(Round.id).where(Round.competition_id == competition)
        query = query.where(Round.seq == int(text) if text.strip().isdigit() else Round.name == text.strip())
        found = s.scalar(query)
        if found is None:
            name = s.scalar(select(Competition.name).where(Competition.id == competition))
            raise ValidationError(NO_ROUND, competition=name or "", round=text.strip())
        return found


def round_results(db: Database, round_id: int) -> Results:
    access.require(db, Permission.RESULTS_READ)
    report = rankings.round_report(db, round_id)
    sheets = judging.sheets_of(db, round_id)
    headers, rows = rankings.ranking_table(report, sheets)
    return Results(report.name, headers, rows, rankings.content_of(report, sheets))


def final_results(db: Database, competition_id: int) -> Results:
    access.require(db, Permission.RESULTS_READ)
    report = rankings.final_report(db, competition_id)
    headers, rows = final_table(report)
    return Results("评审结果", headers, rows, final_content(report))


def final_table(report: rankings.FinalReport) -> tuple[list[str], list[list[Any]]]:
    """The final ranking like rankings.ranking_table: each round's published score beside the weighted total."""
    decimals = max((r.decimals for r in report.rounds), default=2)
    headers = ["名次", "申报编号", "项目名称", "申报机构", "综合得分"]
    headers += [f"{r.name}（{r.result.spec.weight_percent}%）" for r in report.rounds]
    headers.append("备注")
    names, rows = report.names, []
    for final in report.finals:
        name = names[final.proposal_id]
        row: list[Any] = [final.rank or "", name.intake_number, name.title, name.organization,
                          points_text(final.score, decimals)]
        row += [points_text(final.round_scores.get(r.seq), r.decimals) for r in report.rounds]
        row.append("" if final.rank else _stopped(report, final.reached))
        rows.append(row)
    return headers, rows


def _stopped(report: rankings.FinalReport, reached: int) -> str:
    following = next((r for r in report.rounds if r.seq > reached), None)
    return f"未进入{following.name}" if following else "未完成全部评审"


def final_content(report: rankings.FinalReport) -> dict[str, Any]:
    decimals = max((r.decimals for r in report.rounds), default=2)
    names = report.names
    return {
        "competition": report.competition, "weights_complete": report.weights_ok,
        "rounds": [{"seq": r.seq, "name": r.name, "weight_percent": r.result.spec.weight_percent, "frozen": r.frozen,
                    "sha256": r.snapshot.sha256 if r.snapshot else None} for r in report.rounds],
        "proposals": [{"proposal_id": f.proposal_id, "intake_number": names[f.proposal_id].intake_number,
                       "title": names[f.proposal_id].title, "organization": names[f.proposal_id].organization,
                       "rank": f.rank, "score": points_text(f.score, decimals) or None,
                       "rounds": {str(seq): points_text(v, decimals) for seq, v in sorted(f.round_scores.items())}}
                      for f in report.finals],
    }


# --- formats -----------------------------------------------------------------------------------------------------


def to_csv(results: Results) -> bytes:
    """UTF-8 with a byte-order mark: without it Excel and WPS take the file for the local code page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(results.headers)
    writer.writerows(results.rows)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def to_json(results: Results) -> bytes:
    return (json.dumps(results.content, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_xlsx(results: Results, path: Path | None) -> Path:
    """Scores as numbers with their published decimals, everything else as text (formula-like text quoted)."""
    if path is None:
        raise ValidationError(XLSX_NEEDS_FILE)
    target = Path(path).absolute()
    book, formats = new_workbook(target)
    ws = book.add_worksheet(_sheet_name(results.title))
    for col, header in enumerate(results.headers):
        ws.write_string(0, col, header, formats.get(**HEADER))
        ws.set_column(col, col, 30 if col in (2, 3) else 14 if col == 1 else 11)
    for row_number, row in enumerate(results.rows, start=1):
        for col, value in enumerate(row):
            _write_cell(ws, row_number, col, value, formats)
    ws.set_row(0, 32)
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, len(results.rows), max(len(results.headers) - 1, 0))
    close_workbook(book, target)
    return target


def _write_cell(ws: Any, row: int, col: int, value: Any, formats: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, int) and not isinstance(value, bool):
        ws.write_number(row, col, value)
    elif col >= IDENTITY_COLUMNS and isinstance(value, str) and _NUMBER.fullmatch(value):
        decimals = len(value.partition(".")[2])
        ws.write_number(row, col, float(value), formats.get(num_format="0." + "0" * decimals if decimals else "0"))
    else:
        write_text(ws, row, col, str(value), formats)


def _sheet_name(title: str) -> str:
    """Excel refuses []:*?/\\ in a sheet's name and more than 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "Sheet1"
