"""Round results with names attached, frozen snapshots (SHA-256 of their canonical content), the competition's
final ranking, and the same figures as plain tables for exports and printouts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import ProposalStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Assignment, Competition, Judge, Organization, Proposal, Round, RoundSnapshot, ScoreSheet
from . import access, audit, judging
from .access import Permission
from .scoring import Diagnostics, FinalScore, RoundResult, diagnose, final_ranking, points_text


@dataclass(frozen=True)
class ProposalName:
    intake_number: str
    title: str
    organization: str


@dataclass(frozen=True)
class Snapshot:
    sha256: str
    frozen_by: str
    frozen_at: dt.datetime


@dataclass(frozen=True)
class RoundReport:
    round_id: int
    competition_id: int
    competition: str
    seq: int
    name: str
    blind: bool
    frozen: bool
    result: RoundResult
    diagnostics: Diagnostics
    proposals: Mapping[int, ProposalName]
    judges: Mapping[int, str]
    groups: Mapping[int | None, str]
    sheets_total: int
    sheets_in: int
    snapshot: Snapshot | None

    @property
    def decimals(self) -> int:
        return self.result.spec.decimals


def round_report(db: Database, round_id: int) -> RoundReport:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return _report(s, judging._round(s, round_id))


def _report(s: Session, round_: Round) -> RoundReport:
    result = judging._results(s, round_)
    ids = [p.proposal_id for p in result.proposals]
    names = {pid: ProposalName(number or "", title, org) for pid, number, title, org in s.execute(
        select(Proposal.id, Proposal.intake_number, Proposal.title, Organization.name).join(Organization)
        .where(Proposal.id.in_(ids)))}
    judges = dict(s.execute(select(Judge.id, Judge.name)).all())
    total, done = s.execute(
        select(func.count(Assignment.id), func.count(ScoreSheet.id).filter(ScoreSheet.status == "submitted"))
        .outerjoin(ScoreSheet).where(Assignment.round_id == round_.id)).one()
    snap = judging._current_snapshot(s, round_.id) if round_.frozen else None
    competition = s.get(Competition, round_.competition_id)
    return RoundReport(
        round_.id, round_.competition_id, competition.name if competition else "", round_.seq, round_.name,
        round_.blind, round_.frozen, result, diagnose(result), names, judges,
        {g.id: g.name for g in round_.groups} or {None: ""}, total, done,
        Snapshot(snap.sha256, snap.frozen_by, snap.frozen_at) if snap else None)


# --- canonical content -------------------------------------------------------------------------------------------


def content_of(report: RoundReport, sheets: Mapping[tuple[int, int], Mapping[int, int]]) -> dict[str, Any]:
    """Everything the published result rests on, as plain JSON: the rubric, every judge's points, every score."""
    spec, decimals = report.result.spec, report.decimals

    def text(value: Any) -> str:
        return points_text(value, decimals)

    return {
        "competition": report.competition, "round": {"seq": report.seq, "name": report.name,
                                                      "aggregation": spec.aggregation.value,
                                                      "decimals": decimals, "weight_percent": spec.weight_percent,
                                                      "trim_count": spec.trim_count,
                                                      "trim_min_judges": spec.trim_min_judges,
                                                      "groups": {str(k): v for k, v in spec.group_weights.items()}},
        "criteria": [{"id": c.id, "name": c.name, "max": c.max_x100, "weight_percent": c.weight_percent,
                      "bonus": c.is_bonus} for c in spec.criteria],
        "proposals": [{
            "proposal_id": p.proposal_id, "intake_number": report.proposals[p.proposal_id].intake_number,
            "title": report.proposals[p.proposal_id].title,
            "organization": report.proposals[p.proposal_id].organization,
            "score": text(p.score), "rank": p.rank, "advanced": p.advanced, "trimmed": p.trimmed,
            "groups": {str(g): text(v) for g, v in p.group_scores.items()},
            "judges": [{"judge_id": j.judge_id, "judge": report.judges.get(j.judge_id, ""), "group": j.group_id,
                        "total": text(j.raw),
                        "normalized": None if j.normalized is None else points_text(j.normalized, 4),
                        "dropped": j.dropped,
                        "points": {str(k): v for k, v in sorted(sheets.get((j.judge_id, p.proposal_id), {}).items())}}
                       for j in p.judges],
        } for p in report.result.proposals],
    }


# --- freezing ----------------------------------------------------------------------------------------------------


def freeze_round(db: Database, round_id: int) -> str:
    """Announces a round: refused while any assigned sheet is not in. Records the snapshot (frozen by the signed-in
    person) and its SHA-256; from now on every score change in the round is refused until it is formally
    reopened."""
    actor = access.require(db, Permission.RESULTS_FREEZE)
    with db.write() as s:
        return freeze(s, judging._open_round(s, round_id), actor.name, who=actor)


def freeze(s: Session, round_: Round, by: str, who: access.Actor | None = None) -> str:
    """The session-level freeze; `who` is the signed-in person the change log names (the demo builder passes none
    and is logged under `by`)."""
    report = _report(s, round_)
    if report.diagnostics.missing:
        judge_id, proposal_id = report.diagnostics.missing[0]
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "{count} sheets are not in yet (for example {judge} on “{title}”); the results cannot be "
                      "frozen."), count=len(report.diagnostics.missing), judge=report.judges.get(judge_id, ""),
            title=report.proposals[proposal_id].title)
    if not report.result.proposals:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Round “{round}” has no scores to freeze."),
                              round=round_.name)
    content = content_of(report, judging.submitted_points(s, round_.id))
    digest = judging.sha256_of(content)
    s.add(RoundSnapshot(round_id=round_.id, content=content, sha256=digest, frozen_by=by, frozen_at=audit.now()))
    round_.frozen = True
    if _is_last(s, round_):
        ranked = [p["proposal_id"] for p in content["proposals"]]
        for proposal in s.scalars(select(Proposal).where(Proposal.id.in_(ranked),
                                                         Proposal.status == ProposalStatus.IN_REVIEW)):
            proposal.status = ProposalStatus.RANKED
    after = {"sha256": digest, "proposals": len(content["proposals"])}
    if who is None:
        audit.record(s, actor=by, role="staff", action="round.freeze", entity="round", entity_id=round_.id,
                     after=after)
    else:
        audit.log(s, who, "round.freeze", "round", round_.id, after=after)
    s.flush()
    return digest


def _is_last(s: Session, round_: Round) -> bool:
    return not s.scalar(select(Round.id).where(Round.competition_id == round_.competition_id, Round.seq > round_.seq))


def reopen_round(db: Database, round_id: int, reason: str) -> None:
    """Formally reopens frozen results (reason recorded); refused once a later round has sheets in."""
    actor = access.require(db, Permission.RESULTS_FREEZE)
    if not reason.strip():
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Give the reason for reopening the round."))
    with db.write() as s:
        round_ = judging._round(s, round_id)
        if not round_.frozen:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Round “{round}” is not frozen."), round=round_.name)
        later = s.scalar(select(Round.name).join(Assignment).join(ScoreSheet)
                         .where(Round.competition_id == round_.competition_id, Round.seq > round_.seq).limit(1))
        if later:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Round “{later}” already has score sheets based on these results; it cannot be reopened."),
                later=later)
        snap = judging._current_snapshot(s, round_id)
        if snap is not None:
            snap.reopened_at, snap.reopen_reason = audit.now(), reason.strip()
        round_.frozen = False
        for proposal in s.scalars(select(Proposal).where(Proposal.competition_id == round_.competition_id,
                                                         Proposal.status == ProposalStatus.RANKED)):
            proposal.status = ProposalStatus.IN_REVIEW
        audit.log(s, actor, "round.reopen", "round", round_id,
                  before={"sha256": snap.sha256 if snap else None}, after={"reason": reason.strip()})


def verify_snapshot(db: Database, round_id: int) -> tuple[bool, str]:
    """Whether the stored snapshot still hashes to its recorded SHA-256 (and that hash)."""
    with db.read() as s:
        snap = judging._current_snapshot(s, round_id)
        if snap is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "This round has no frozen results."))
        return judging.sha256_of(snap.content) == snap.sha256, snap.sha256


# --- the competition's final ranking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FinalReport:
    competition_id: int
    competition: str
    rounds: tuple[RoundReport, ...]
    finals: tuple[FinalScore, ...]
    weights_ok: bool  # the weighted rounds add up to 100

    @property
    def names(self) -> Mapping[int, ProposalName]:
        merged: dict[int, ProposalName] = {}
        for r in self.rounds:
            merged.update(r.proposals)
        return merged


def final_report(db: Database, competition_id: int) -> FinalReport:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return final_in(s, competition_id)


def final_in(s: Session, competition_id: int) -> FinalReport:
    competition = s.get(Competition, competition_id)
    if competition is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}."),
                              id=competition_id)
    rounds = s.scalars(select(Round).where(Round.competition_id == competition_id).order_by(Round.seq)).all()
    reports = tuple(_report(s, r) for r in rounds)  # a round not yet scored leaves every final score open
    decimals = max((r.decimals for r in reports), default=2)
    last_ties = reports[-1].result.spec.tie_breaks if reports else ()
    finals = final_ranking([r.result for r in reports], decimals, last_ties)
    weights = sum(r.weight_percent for r in rounds)
    return FinalReport(competition_id, competition.name, reports, tuple(finals), weights == 100)


# --- tables ------------------------------------------------------------------------------------------------------


def ranking_table(report: RoundReport, sheets: Mapping[tuple[int, int], Mapping[int, int]]
                  ) -> tuple[list[str], list[list[Any]]]:
    """The ranking with every component score: group scores, each judge's total, each criterion's mean. Headers are
    Chinese, the working language of every list the office files."""
    spec = report.result.spec
    judge_ids = sorted({j.judge_id for p in report.result.proposals for j in p.judges}
                       | {j for p in report.result.proposals for j in p.missing})
    groups = [g for g in spec.group_weights if g is not None]
    headers = ["名次", "申报编号", "项目名称", "申报机构", "得分", "是否晋级"]
    headers += [f"{report.groups.get(g, '')}（{spec.group_weights[g]}%）" for g in groups]
    headers += [f"{c.name}（平均）" for c in spec.criteria]
    headers += [f"评委：{report.judges.get(j, '')}" for j in judge_ids]
    rows = []
    for p in report.result.proposals:
        name = report.proposals[p.proposal_id]
        by_judge = {j.judge_id: j for j in p.judges}
        row: list[Any] = [p.rank or "", name.intake_number, name.title, name.organization,
                          points_text(p.score, report.decimals), "是" if p.advanced else "否"]
        row += [points_text(p.group_scores.get(g), report.decimals) for g in groups]
        row += [points_text(p.criterion_means.get(c.name), report.decimals) for c in spec.criteria]
        row += [_judge_cell(by_judge.get(j), j in p.missing, report.decimals) for j in judge_ids]
        rows.append(row)
    return headers, rows


def _judge_cell(score: Any, missing: bool, decimals: int) -> str:
    if missing:
        return "未交"
    if score is None:
        return ""
    text = points_text(score.raw, decimals)
    return f"{text}（去掉）" if score.dropped else text


def as_decimal(value: Decimal | None) -> float | None:
    """For spreadsheets, which hold numbers as doubles: the published figure, exactly as printed."""
    return None if value is None else float(value)
