"""What the printed judging papers need beyond the results (rankings): the rubric with its descriptions, who scores
which proposal, and a competition's notice details. Read-only; frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from ..db import Database
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Assignment, Competition, Judge, Organization, Proposal, Round
from . import access, judging
from .access import Permission

NO_COMPETITION = QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}.")
NO_PAPERS = QT_TRANSLATE_NOOP("Errors", "Round “{round}” has no assigned proposals to print sheets for yet.")
JUDGE_NOT_IN_ROUND = QT_TRANSLATE_NOOP("Errors", "Judge number {id} has no proposals assigned in round “{round}”.")


@dataclass(frozen=True)
class RubricLine:
    id: int
    name: str
    description: str
    max_x100: int
    is_bonus: bool


@dataclass(frozen=True)
class Paper:
    """One assignment: a judge and the proposal they score."""

    assignment_id: int
    judge_id: int
    judge: str
    intake_number: str
    title: str
    organization: str


@dataclass(frozen=True)
class RoundPapers:
    round_id: int
    competition: str
    organizer: str
    round_name: str
    blind: bool
    step_x100: int
    criteria: tuple[RubricLine, ...]
    papers: tuple[Paper, ...]  # judges in roster order, each judge's proposals by intake number


def rubric(db: Database, round_id: int) -> RoundPapers:
    """The round and its criteria, without papers."""
    with db.read() as s:
        round_ = judging._round(s, round_id)
        return _round_papers(round_, ())


def round_papers(db: Database, round_id: int, judge_id: int | None = None) -> RoundPapers:
    """Every assignment of the round (or of one judge), for blank paper sheets. Who scores which proposal is as
    confidential as the scores (RESULTS_READ); the rubric and the notice details are set-up, readable by anyone."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        round_ = judging._round(s, round_id)
        query = (select(Assignment.id, Judge.id, Judge.name, Proposal.intake_number, Proposal.title, Organization.name)
                 .join(Judge, Judge.id == Assignment.judge_id).join(Proposal, Proposal.id == Assignment.proposal_id)
                 .join(Organization, Organization.id == Proposal.organization_id)
                 .where(Assignment.round_id == round_id))
        if judge_id is not None:
            query = query.where(Assignment.judge_id == judge_id)
        found = [Paper(a, j, name, number or "", title, org) for a, j, name, number, title, org in s.execute(query)]
        if not found:
            if judge_id is not None:
                raise ValidationError(JUDGE_NOT_IN_ROUND, id=judge_id, round=round_.name)
            raise ValidationError(NO_PAPERS, round=round_.name)
        roster = list(judging._members(s, round_id))

        def order(paper: Paper) -> tuple[int, int, str]:
            place = roster.index(paper.judge_id) if paper.judge_id in roster else len(roster)
            return place, paper.judge_id, paper.intake_number

        papers = tuple(sorted(found, key=order))
        return _round_papers(round_, papers)


def _round_papers(round_: Round, papers: tuple[Paper, ...]) -> RoundPapers:
    competition = round_.competition
    criteria = tuple(RubricLine(c.id, c.name, c.description, c.max_points_x100, c.is_bonus) for c in round_.criteria)
    return RoundPapers(round_.id, competition.name, competition.organizer, round_.name, round_.blind,
                       round_.score_step_x100, criteria, papers)


@dataclass(frozen=True)
class NoticeDetails:
    competition_id: int
    competition: str
    organizer: str
    notice_from: dt.date | None
    notice_until: dt.date | None
    contact: str  # where objections go (rules["notice_contact"]); empty: to the organizer
    rounds: tuple[tuple[int, str], ...]  # (id, name) of every round, in order


def notice_details(db: Database, competition_id: int) -> NoticeDetails:
    with db.read() as s:
        competition = s.get(Competition, competition_id)
        if competition is None:
            raise ValidationError(NO_COMPETITION, id=competition_id)
        contact = (competition.rules or {}).get("notice_contact", "")
        return NoticeDetails(competition.id, competition.name, competition.organizer, competition.notice_from,
                             competition.notice_until, str(contact or "").strip(),
                             tuple((r.id, r.name) for r in sorted(competition.rounds, key=lambda r: r.seq)))
