"""The printed documents of intake, screening and judging, made from the database: the GUI and the CLI call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..db import Database
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from . import access, audit, judging, judging_papers, lists, proposals, rankings, screening
from .access import Permission


def intake_receipt_pdf(db: Database, proposal_id: int, issued_on: dt.date | None = None) -> bytes:
    """受理回执 of one proposal."""
    from ..documents import render_intake_receipt

    return render_intake_receipt(proposals.header(db, proposal_id), issued_on or dt.date.today())


def screening_list_pdf(db: Database, competition_id: int, issued_on: dt.date | None = None) -> bytes:
    """资格审查结果表 of one competition."""
    from ..documents import render_screening_list

    competition = next((c for c in lists.competitions(db) if c.id == competition_id), None)
    if competition is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}."),
                              id=competition_id)
    rows = screening.screening_list(db, competition_id)
    return render_screening_list(competition.name, competition.organizer, rows, issued_on or dt.date.today())


# --- judging -------------------------------------------------------------------------------------------------

NOT_FROZEN = QT_TRANSLATE_NOOP(
    "Errors", "The results of round “{round}” are not frozen yet; freeze them before printing the public notice.")
OTHER_COMPETITION = QT_TRANSLATE_NOOP("Errors", "Round “{round}” belongs to another competition.")


def notice_list_pdf(db: Database, competition_id: int, round_id: int | None = None,
                    issued_on: dt.date | None = None) -> bytes:
    """公示名单: the final ranking, or one round's results. Only frozen results are published: the notice prints
    the SHA-256 of each snapshot it rests on."""
    from ..documents import render_final_notice, render_round_notice

    details = judging_papers.notice_details(db, competition_id)
    day = issued_on or dt.date.today()
    if round_id is not None:
        report = rankings.round_report(db, round_id)
        if report.competition_id != competition_id:
            raise ValidationError(OTHER_COMPETITION, round=report.name)
        _refuse_unfrozen([report], ((report.round_id, report.name),))
        return render_round_notice(details, report, day, chain=audit.head(db))
    final = rankings.final_report(db, competition_id)
    _refuse_unfrozen(final.rounds, details.rounds)
    return render_final_notice(details, final, day, chain=audit.head(db))


def _refuse_unfrozen(reports: Sequence[rankings.RoundReport], rounds: Sequence[tuple[int, str]]) -> None:
    """Every round named must have frozen results among the reports."""
    frozen = {r.round_id for r in reports if r.frozen and r.snapshot is not None}
    for round_id, name in rounds:
        if round_id not in frozen:
            raise ValidationError(NOT_FROZEN, round=name)


def judge_sheets_pdf(db: Database, round_id: int, issued_on: dt.date | None = None) -> bytes:
    """评委评分表: each judge's submitted sheets of a round, with every criterion's points, for signature."""
    from ..documents import render_judge_sheets

    access.require(db, Permission.RESULTS_READ)
    report = rankings.round_report(db, round_id)
    rubric = judging_papers.rubric(db, round_id)
    return render_judge_sheets(rubric, report, judging.sheets_of(db, round_id), issued_on or dt.date.today())


def round_summary_pdf(db: Database, round_id: int, issued_on: dt.date | None = None) -> bytes:
    """评分汇总表: every proposal × every judge's total, group scores, the round score and rank."""
    from ..documents import render_round_summary

    access.require(db, Permission.RESULTS_READ)
    report = rankings.round_report(db, round_id)
    rubric = judging_papers.rubric(db, round_id)
    return render_round_summary(rubric, report, issued_on or dt.date.today())


def blank_sheets_pdf(db: Database, round_id: int, judge_id: int | None = None) -> bytes:
    """Blank paper score sheets, one per assignment (of one judge, or of every judge of the round)."""
    from ..documents import render_blank_sheets

    return render_blank_sheets(judging_papers.round_papers(db, round_id, judge_id))
