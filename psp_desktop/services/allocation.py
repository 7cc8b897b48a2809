"""Who gets how much (资助分配): awards proposed from the final ranking within the pool and the caps, a reserve list
(候补) when the pool runs out, then committed, adjusted with a reason, or cancelled — all in the change log.

The proposal is pure (`allocate`), so the rules can be read and tested by hand:
- candidates are taken in final rank order; proposals sharing a rank are decided together, so a tie at the cut
  never funds one and leaves the other: when the pool cannot cover the whole tied group, all of it goes to reserve;
- once one candidate does not fit, every later one is reserve too (rank order is never jumped for a cheaper one);
- every amount is limited by the request, the per-project cap and the share of the total budget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from itertools import groupby
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import AwardLevel, AwardStatus, CompetitionMode, CompetitionStatus, ProposalStatus, TrancheStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Award, Competition, Organization, Payment, Proposal, Round, Tranche
from ..money import MAX_FEN, format_yuan
from . import access, audit, rankings, tranches
from .access import Actor, Permission

LEVEL_ORDER = (AwardLevel.FIRST, AwardLevel.SECOND, AwardLevel.THIRD, AwardLevel.EXCELLENT)
FUNDED = (AwardStatus.COMMITTED, AwardStatus.SIGNED, AwardStatus.COMPLETED)
# a programme in one of these states moves on to signing when its first project is funded outside allocation
BEFORE_SIGNING = (CompetitionStatus.PLANNING, CompetitionStatus.OPEN, CompetitionStatus.SCREENING,
                  CompetitionStatus.REVIEW, CompetitionStatus.NOTICE)


class Method(StrEnum):
    REQUESTED = "requested"  # fund what was asked for
    LEVELS = "levels"        # a fixed amount per award level (一/二/三等奖)
    PERCENT = "percent"      # a percentage of the request, for scores at or above a threshold


class Limit(StrEnum):
    """Why a line's amount is below what the method gave, or why it is not funded."""

    NONE = ""
    REQUEST = "request"
    CAP = "cap"
    BUDGET_SHARE = "budget_share"
    POOL = "pool"          # reserve: the pool ran out
    TIE = "tie"            # reserve: a tie at the cut that the pool cannot cover whole
    THRESHOLD = "threshold"
    LEVELS_FULL = "levels_full"
    UNRANKED = "unranked"


@dataclass(frozen=True)
class Candidate:
    proposal_id: int
    rank: int | None
    score: Decimal | None
    requested_fen: int
    total_budget_fen: int


@dataclass(frozen=True)
class Rules:
    pool_fen: int
    cap_fen: int = 0                       # 0: no cap
    budget_share_percent: int | None = None
    method: Method = Method.REQUESTED
    levels: Mapping[AwardLevel, tuple[int, int]] = field(default_factory=dict)  # level → (count, amount)
    percent: int = 100                     # PERCENT: share of the request
    threshold: Decimal | None = None       # PERCENT: lowest score funded


@dataclass(frozen=True)
class Line:
    proposal_id: int
    rank: int | None
    score: Decimal | None
    requested_fen: int
    level: AwardLevel
    amount_fen: int
    status: AwardStatus | None  # COMMITTED (funded), RESERVE, or None (not funded)
    limit: Limit = Limit.NONE


def allocate(candidates: Sequence[Candidate], rules: Rules) -> list[Line]:
    """Lines in rank order: funded while the pool lasts, then reserve; candidates the method does not fund last."""
    ranked = sorted((c for c in candidates if c.rank is not None), key=lambda c: (c.rank, c.proposal_id))
    levels = _level_slots(rules) if rules.method is Method.LEVELS else []
    remaining, pool_closed, lines = rules.pool_fen, False, []
    for _rank, group_iter in groupby(ranked, key=lambda c: c.rank):
        group = list(group_iter)
        offers = [_offer(c, rules, levels) for c in group]
        wanted = [o for o in offers if o.status is not None]
        cost = sum(o.amount_fen for o in wanted)
        if pool_closed or cost > remaining:
            reason = Limit.TIE if not pool_closed and len(wanted) > 1 and wanted[0].amount_fen <= remaining \
                else Limit.POOL
            pool_closed = pool_closed or bool(wanted)
            offers = [replace(o, status=AwardStatus.RESERVE, limit=reason) if o.status else o for o in offers]
        else:
            remaining -= cost
        lines.extend(offers)
    unranked = [Line(c.proposal_id, None, c.score, c.requested_fen, AwardLevel.NONE, 0, None, Limit.UNRANKED)
                for c in candidates if c.rank is None]
    return sorted(lines, key=lambda ln: ln.status is None) + unranked


def _level_slots(rules: Rules) -> list[tuple[AwardLevel, int]]:
    """One slot per award in level order: [(FIRST, amount), (FIRST, amount), (SECOND, amount), ...]."""
    slots = []
    for level in LEVEL_ORDER:
        count, amount = rules.levels.get(level, (0, 0))
        slots.extend([(level, amount)] * count)
    return slots


def _offer(c: Candidate, rules: Rules, levels: list[tuple[AwardLevel, int]]) -> Line:
    level, base, limit = AwardLevel.NONE, c.requested_fen, Limit.NONE
    if rules.method is Method.LEVELS:
        if not levels:
            return Line(c.proposal_id, c.rank, c.score, c.requested_fen, level, 0, None, Limit.LEVELS_FULL)
        level, base = levels.pop(0)
    elif rules.method is Method.PERCENT:
        if rules.threshold is not None and (c.score is None or c.score < rules.threshold):
            return Line(c.proposal_id, c.rank, c.score, c.requested_fen, level, 0, None, Limit.THRESHOLD)
        base = c.requested_fen * rules.percent // 100
    amount = base
    for bound, why in _bounds(c, rules):
        if bound < amount:
            amount, limit = bound, why
    return Line(c.proposal_id, c.rank, c.score, c.requested_fen, level, amount, AwardStatus.COMMITTED, limit)


def _bounds(c: Candidate, rules: Rules) -> list[tuple[int, Limit]]:
    bounds = [(c.requested_fen, Limit.REQUEST)]
    if rules.cap_fen:
        bounds.append((rules.cap_fen, Limit.CAP))
    if rules.budget_share_percent is not None:
        bounds.append((c.total_budget_fen * rules.budget_share_percent // 100, Limit.BUDGET_SHARE))
    return bounds


# --- reading -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pool:
    pool_fen: int
    committed_fen: int  # funded awards, and what was already paid on cancelled ones
    paid_fen: int

    @property
    def remaining_fen(self) -> int:
        return self.pool_fen - self.committed_fen


@dataclass(frozen=True)
class AwardRow:
    award_id: int
    proposal_id: int
    intake_number: str
    title: str
    organization: str
    rank: int | None
    level: AwardLevel
    requested_fen: int
    amount_fen: int
    paid_fen: int
    status: AwardStatus
    agreement_number: str | None
    signed_on: dt.date | None
    reason: str
    mode: CompetitionMode  # its competition's: 公益创投, 公益招投标 or 服务委托


def pool(db: Database, competition_id: int) -> Pool:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return pool_in(s, competition_id)


def pool_in(s: Session, competition_id: int) -> Pool:
    competition = _competition(s, competition_id)
    paid = dict(s.execute(select(Tranche.award_id, func.sum(Payment.amount_fen)).join(Payment.tranche)
                          .join(Tranche.award).where(Award.competition_id == competition_id)
                          .group_by(Tranche.award_id)).all())
    dropped = dict(s.execute(select(Tranche.award_id, func.sum(Tranche.amount_fen)).join(Tranche.award)
                             .where(Award.competition_id == competition_id,
                                    Tranche.status == TrancheStatus.CANCELLED).group_by(Tranche.award_id)).all())
    committed = 0
    for award_id, status, amount in s.execute(select(Award.id, Award.status, Award.amount_fen)
                                              .where(Award.competition_id == competition_id)):
        if status in FUNDED:  # a cancelled tranche's money goes back to the pool
            committed += amount - dropped.get(award_id, 0)
        elif status is AwardStatus.CANCELLED:  # money already paid stays spent
            committed += paid.get(award_id, 0)
    return Pool(competition.pool_fen, committed, sum(paid.values()))


def awards(db: Database, competition_id: int) -> list[AwardRow]:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        paid = dict(s.execute(select(Tranche.award_id, func.sum(Payment.amount_fen)).join(Payment.tranche)
                              .join(Tranche.award).where(Award.competition_id == competition_id)
                              .group_by(Tranche.award_id)).all())
        rows = s.execute(select(Award, Proposal.intake_number, Proposal.title, Organization.name,
                                Proposal.requested_fen, Competition.mode)
                         .join(Proposal, Award.proposal_id == Proposal.id)
                         .join(Competition, Award.competition_id == Competition.id)
                         .join(Organization, Proposal.organization_id == Organization.id)
                         .where(Award.competition_id == competition_id)
                         .order_by(Award.status == AwardStatus.RESERVE, Award.rank, Award.id)).all()
        return [AwardRow(a.id, a.proposal_id, number or "", title, org, a.rank, a.level, requested, a.amount_fen,
                         paid.get(a.id, 0), a.status, a.agreement_number, a.signed_on, a.adjustment_reason, mode)
                for a, number, title, org, requested, mode in rows]


def rules_of(db: Database, competition_id: int, method: Method, *, percent: int = 100,
             threshold: Decimal | None = None) -> Rules:
    """The competition's pool, caps and award levels, with the chosen method."""
    with db.read() as s:
        competition = _competition(s, competition_id)
        levels = {AwardLevel(k): (int(v["count"]), int(v["amount_fen"]))
                  for k, v in (competition.rules or {}).get("award_levels", {}).items()}
        return Rules(competition.pool_fen, competition.project_cap_fen, competition.budget_share_cap_percent,
                     method, levels, percent, threshold)


def propose(db: Database, competition_id: int, rules: Rules) -> list[Line]:
    """The allocation the rules give from the final ranking; nothing is written."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return propose_in(s, competition_id, rules)


def propose_in(s: Session, competition_id: int, rules: Rules) -> list[Line]:
    _check_rules(rules)
    _refuse_other_modes(_competition(s, competition_id))
    _require_final(s, competition_id)
    report = rankings.final_in(s, competition_id)
    money = {p.id: p for p in s.scalars(select(Proposal).where(Proposal.competition_id == competition_id))}
    candidates = [Candidate(f.proposal_id, f.rank, f.score, money[f.proposal_id].requested_fen,
                            money[f.proposal_id].total_budget_fen) for f in report.finals]
    return allocate(candidates, rules)


def _check_rules(rules: Rules) -> None:
    if not 0 < rules.percent <= 100:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The share of the request must be between 1 and 100 percent,"
                                                          " not {value}."), value=rules.percent)
    if rules.method is Method.LEVELS and not any(count for count, _ in rules.levels.values()):
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The competition names no award levels with a count."))
    for count, amount in rules.levels.values():
        if count < 0 or not 0 <= amount <= MAX_FEN:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "An award level has a negative count or an amount out "
                                                              "of range."))


def _require_final(s: Session, competition_id: int) -> None:
    open_rounds = s.scalars(select(Round.name).where(Round.competition_id == competition_id,
                                                     Round.frozen.is_(False)).order_by(Round.seq)).all()
    if open_rounds:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The results are not final: round {round} is not frozen."),
                              round=open_rounds[0])
    if not s.scalar(select(func.count()).select_from(Round).where(Round.competition_id == competition_id)):
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The competition has no review rounds, so no ranking."))


def _refuse_other_modes(competition: Competition) -> None:
    """A tender is decided by its evaluation (bidding.award_tender) and a commission by its decision: an allocation
    from the ranking would overrule both."""
    if competition.mode is not CompetitionMode.VENTURE:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "{competition} is not a venture competition: its projects are funded by deciding each tender "
                      "or by commissioning, on the Bidding and commission page, not by an allocation."),
            competition=competition.name)


def programme_in(s: Session, competition_id: int, mode: CompetitionMode, refusal: str) -> Competition:
    """The competition, refused with `refusal` (a {competition} message) unless it is of `mode`: tenders belong to
    bidding programmes, commissions to commission programmes."""
    competition = _competition(s, competition_id)
    if competition.mode is not mode:
        raise ValidationError(refusal, competition=competition.name)
    return competition


def _competition(s: Session, competition_id: int) -> Competition:
    competition = s.get(Competition, competition_id)
    if competition is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}."),
                              id=competition_id)
    return competition


# --- writing -----------------------------------------------------------------------------------------------------


def commit(db: Database, competition_id: int, lines: Sequence[Line]) -> list[int]:
    """Write the awards and reserve list (replacing an earlier allocation while nothing is signed), give each award
    the competition's tranche schedule, and mark every ranked proposal awarded, reserve or not awarded."""
    actor = access.require(db, Permission.FUNDING_EDIT)
    with db.write() as s:
        return commit_in(s, competition_id, lines, actor)


def commit_in(s: Session, competition_id: int, lines: Sequence[Line], who: Actor) -> list[int]:
    competition = _competition(s, competition_id)
    _refuse_other_modes(competition)
    _require_final(s, competition_id)
    before = _replace_unsigned(s, competition_id)
    _check_lines(s, competition, lines)
    ids = [add_award_in(s, competition, line) for line in lines if line.status is not None]
    for line in lines:
        proposal = s.get(Proposal, line.proposal_id)
        assert proposal is not None
        proposal.status = PROPOSAL_STATUS.get(line.status, ProposalStatus.NOT_AWARDED)
    if competition.status in (CompetitionStatus.REVIEW, CompetitionStatus.NOTICE):
        competition.status = CompetitionStatus.SIGNING
    s.flush()
    state = pool_in(s, competition_id)
    audit.log(s, who, "awards.commit", "competition", competition_id, before,
              {"awards": _award_facts(s, competition_id), "committed_fen": state.committed_fen})
    return ids


PROPOSAL_STATUS = {AwardStatus.COMMITTED: ProposalStatus.AWARDED, AwardStatus.RESERVE: ProposalStatus.RESERVE}


def _replace_unsigned(s: Session, competition_id: int) -> dict[str, Any] | None:
    existing = s.scalars(select(Award).where(Award.competition_id == competition_id)).all()
    if any(a.status not in (AwardStatus.COMMITTED, AwardStatus.RESERVE, AwardStatus.PROPOSED) for a in existing):
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Agreements have been signed in this competition: change single awards instead of allocating "
                      "again."))
    if not existing:
        return None
    facts = {"awards": _award_facts(s, competition_id)}
    for award in existing:
        s.delete(award)
    s.flush()
    return facts


def _check_lines(s: Session, competition: Competition, lines: Sequence[Line]) -> None:
    ranked = set(s.scalars(select(Proposal.id).where(Proposal.competition_id == competition.id)))
    seen: set[int] = set()
    for line in lines:
        if line.proposal_id not in ranked or line.proposal_id in seen:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Proposal {id} is not in this competition or is listed "
                                                              "twice."), id=line.proposal_id)
        seen.add(line.proposal_id)
        _check_amount(line.amount_fen)
    total = sum(ln.amount_fen for ln in lines if ln.status is AwardStatus.COMMITTED)
    if total > competition.pool_fen:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The awards add up to {total} yuan, more than the pool of {pool} yuan."),
            total=format_yuan(total), pool=format_yuan(competition.pool_fen))


def _check_amount(amount_fen: int) -> None:
    if amount_fen < 0:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "An amount cannot be negative."))
    if amount_fen > MAX_FEN:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The amount {amount} yuan is too large."),
                              amount=format_yuan(amount_fen))


def add_award_in(s: Session, competition: Competition, line: Line) -> int:
    """One award in the caller's transaction, with the competition's tranche schedule when committed: the one way
    awards are made (allocation, a tender's winner, a commission)."""
    proposal = s.get(Proposal, line.proposal_id)
    assert proposal is not None and line.status is not None
    award = Award(proposal_id=proposal.id, competition_id=competition.id, rank=line.rank, level=line.level,
                  amount_fen=line.amount_fen, matching_committed_fen=proposal.matching_fen, status=line.status)
    s.add(award)
    s.flush()
    if line.status is AwardStatus.COMMITTED:
        tranches.apply_template(s, award, tranches.competition_template(competition))
    return award.id


def _award_facts(s: Session, competition_id: int) -> list[dict[str, Any]]:
    rows = s.execute(select(Award.proposal_id, Award.rank, Award.level, Award.amount_fen, Award.status)
                     .where(Award.competition_id == competition_id).order_by(Award.proposal_id)).all()
    return [{"proposal": p, "rank": r, "level": str(lv), "amount_fen": a, "status": str(st)}
            for p, r, lv, a, st in rows]


def adjust(db: Database, award_id: int, amount_fen: int, reason: str, *,
           level: AwardLevel | None = None) -> None:
    """A manual change of an award's amount (or a reserve award funded, or a funded one moved to reserve by
    amount 0 is refused: cancel it instead). The tranches follow the new amount; a reason is required."""
    actor = access.require(db, Permission.FUNDING_EDIT)
    _adjustment(amount_fen, reason)  # bad input is refused before the write starts
    with db.write() as s:
        adjust_in(s, tranches.award_of(s, award_id), amount_fen, reason, actor, level)


def adjust_in(s: Session, award: Award, amount_fen: int, reason: str, who: Actor,
              level: AwardLevel | None = None) -> None:
    reason = _adjustment(amount_fen, reason)
    competition = s.get(Competition, award.competition_id)
    if competition is not None and competition.mode is CompetitionMode.BIDDING:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "A tender's award is its winning bid price and cannot be changed; cancel it with a reason "
                      "if the contract is not kept."))
    if award.status in (AwardStatus.CANCELLED, AwardStatus.COMPLETED):
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "This award is cancelled or completed and cannot be changed."))
    before = _facts(award)
    was_reserve = award.status is AwardStatus.RESERVE
    _check_limits(s, award, amount_fen)
    award.amount_fen, award.adjustment_reason = amount_fen, reason
    if level is not None:
        award.level = level
    if was_reserve:
        award.status = AwardStatus.COMMITTED
        s.get(Proposal, award.proposal_id).status = ProposalStatus.AWARDED  # type: ignore[union-attr]
    s.flush()
    check_pool_in(s, award.competition_id)
    if was_reserve or not award.tranches:
        tranches.apply_template(s, award, tranches.competition_template(s.get(Competition, award.competition_id)))
    else:
        tranches.rescale(s, award)
    audit.log(s, who, "award.adjust", "award", award.id, before, {**_facts(award), "reason": reason})


def _adjustment(amount_fen: int, reason: str) -> str:
    reason = tranches.required_reason(reason)
    _check_amount(amount_fen)
    if amount_fen == 0:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "An award of zero: cancel the award instead."))
    return reason


def _check_limits(s: Session, award: Award, amount_fen: int) -> None:
    paid = s.scalar(select(func.coalesce(func.sum(Payment.amount_fen), 0)).join(Payment.tranche)
                    .where(Tranche.award_id == award.id)) or 0
    if amount_fen < paid:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "{paid} yuan has already been paid on this award; it cannot "
                                                          "be lowered to {amount} yuan."),
                              paid=format_yuan(paid), amount=format_yuan(amount_fen))
    competition = s.get(Competition, award.competition_id)
    assert competition is not None
    if competition.project_cap_fen and amount_fen > competition.project_cap_fen:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "{amount} yuan is above the cap per project of {cap} yuan."),
                              amount=format_yuan(amount_fen), cap=format_yuan(competition.project_cap_fen))


def check_pool_in(s: Session, competition_id: int) -> None:
    state = pool_in(s, competition_id)
    if state.committed_fen > state.pool_fen:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "This would commit {committed} yuan, more than the pool of {pool} yuan ({over} yuan over)."),
            committed=format_yuan(state.committed_fen), pool=format_yuan(state.pool_fen),
            over=format_yuan(state.committed_fen - state.pool_fen))


def cancel(db: Database, award_id: int, reason: str) -> None:
    """Cancel an award: tranches not yet paid are cancelled; money paid stays committed (claw it back separately)."""
    actor = access.require(db, Permission.FUNDING_EDIT)
    tranches.required_reason(reason)  # refused before the write starts
    with db.write() as s:
        cancel_in(s, tranches.award_of(s, award_id), reason, actor)


def cancel_in(s: Session, award: Award, reason: str, who: Actor) -> None:
    reason = tranches.required_reason(reason)
    if award.status is AwardStatus.CANCELLED:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "This award is already cancelled."))
    before = _facts(award)
    award.status, award.adjustment_reason = AwardStatus.CANCELLED, reason
    for tranche in award.tranches:
        if tranche.status not in (TrancheStatus.PAID, TrancheStatus.CLAWED_BACK):
            tranche.status, tranche.status_reason = TrancheStatus.CANCELLED, reason
    s.get(Proposal, award.proposal_id).status = ProposalStatus.NOT_AWARDED  # type: ignore[union-attr]
    audit.log(s, who, "award.cancel", "award", award.id, before, {**_facts(award), "reason": reason})


def _facts(award: Award) -> dict[str, Any]:
    return {"proposal": award.proposal_id, "level": str(award.level), "amount_fen": award.amount_fen,
            "status": str(award.status)}
