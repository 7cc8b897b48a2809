"""Where each assigned score sheet of a round stands, for the results page and paper keying: in, not started,
a draft, reopened, or a paper ballot keyed once or keyed twice with differences. Also the rounds of a competition
to choose from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from ..db import Database
from ..enums import SheetStatus
from ..models import Assignment, ConflictDeclaration, Judge, PaperEntry, Proposal, Round, ScoreSheet
from . import access, judging
from .access import Permission


class SheetState(StrEnum):
    SUBMITTED = "submitted"
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    REOPENED = "reopened"
    PAPER_ONCE = "paper_once"  # one pass of a paper ballot keyed, the other is due
    PAPER_MISMATCH = "paper_mismatch"  # both passes keyed and they differ


@dataclass(frozen=True)
class SheetLine:
    assignment_id: int
    judge_id: int
    judge: str
    proposal_id: int
    intake_number: str
    title: str
    state: SheetState
    first_by: str  # who keyed paper pass 1 ("" when not keyed)
    second_by: str
    conflicted: bool  # the judge may not score this proposal: the sheet never counts

    @property
    def counted(self) -> bool:
        return self.state == SheetState.SUBMITTED


@dataclass(frozen=True)
class RoundChoice:
    id: int
    seq: int
    name: str
    weight_percent: int
    frozen: bool
    assigned: bool  # judges are assigned


def rounds_of(db: Database, competition_id: int) -> list[RoundChoice]:
    with db.read() as s:
        with_assignments = set(s.scalars(select(Assignment.round_id).distinct()))
        return [RoundChoice(r.id, r.seq, r.name, r.weight_percent, r.frozen, r.id in with_assignments)
                for r in s.scalars(select(Round).where(Round.competition_id == competition_id).order_by(Round.seq))]


def sheet_lines(db: Database, round_id: int) -> list[SheetLine]:
    """Every assignment of the round, by judge name then intake number (who has scored what: RESULTS_READ)."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        judging._round(s, round_id)
        rows = s.execute(
            select(Assignment.id, Assignment.judge_id, Judge.name, Assignment.proposal_id, Proposal.intake_number,
                   Proposal.title, Proposal.organization_id, Judge.affiliation_org_id, ScoreSheet.status)
            .join(Judge, Judge.id == Assignment.judge_id).join(Proposal, Proposal.id == Assignment.proposal_id)
            .outerjoin(ScoreSheet).where(Assignment.round_id == round_id)
            .order_by(Judge.name, Judge.id, Proposal.intake_number, Proposal.id)).all()
        keyed: dict[int, dict[int, str]] = defaultdict(dict)
        for assignment_id, pass_no, by in s.execute(
                select(PaperEntry.assignment_id, PaperEntry.pass_no, PaperEntry.entered_by).join(Assignment)
                .where(Assignment.round_id == round_id)):
            keyed[assignment_id][pass_no] = by
        conflicts = {(judge_id, org_id) for judge_id, org_id in s.execute(
            select(ConflictDeclaration.judge_id, ConflictDeclaration.organization_id))}
    lines = []
    for assignment_id, judge_id, judge, proposal_id, number, title, org_id, own_org, status in rows:
        passes = keyed.get(assignment_id, {})
        lines.append(SheetLine(assignment_id, judge_id, judge, proposal_id, number or "", title,
                               _state(status, passes), passes.get(1, ""), passes.get(2, ""),
                               (judge_id, org_id) in conflicts or own_org == org_id))
    return lines


def _state(status: SheetStatus | None, passes: dict[int, str]) -> SheetState:
    if status == SheetStatus.SUBMITTED:
        return SheetState.SUBMITTED
    if len(passes) == 2:  # two agreeing passes submit the sheet, so two passes not submitted differ
        return SheetState.PAPER_MISMATCH
    if passes:
        return SheetState.PAPER_ONCE
    if status == SheetStatus.REOPENED:
        return SheetState.REOPENED
    return SheetState.NOT_STARTED if status is None else SheetState.DRAFT


@dataclass(frozen=True)
class Rubric:
    """What a paper ballot of the round asks for."""

    round_id: int
    name: str
    step_x100: int
    frozen: bool
    criteria: tuple[judging.CriterionView, ...]


def rubric(db: Database, round_id: int) -> Rubric:
    with db.read() as s:
        round_ = judging._round(s, round_id)
        return Rubric(round_.id, round_.name, round_.score_step_x100, round_.frozen,
                      tuple(judging.CriterionView(c.id, c.name, c.description, c.max_points_x100, c.is_bonus)
                            for c in round_.criteria))
