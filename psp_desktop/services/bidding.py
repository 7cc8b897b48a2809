"""Bidding mode (公益招投标): tender projects (招标项目) in a bidding competition, bids (a proposal with a price),
the price score of government purchasing, the tender evaluation (评标) and one winner per tender (or none).

Price score (综合评分法, 价格分): among the valid bids (screened in, priced at or under the ceiling) the lowest price
is the benchmark and gets the full price points; every other valid bid gets benchmark ÷ price × price points.
Points are integers in hundredths (x100) and every rounding is half-up to 0.01 point.

The panel's part: the panel scores the non-price part of the tender with the round rubric(s) of the competition
that serve this tender (rounds whose tender is this one, or no tender at all). Its final weighted score, published
by the frozen rounds, is scaled from the rubric's full marks (normally 100) onto the points left after the price:
panel part = panel score ÷ full marks × (100 − price points). Total = panel part + price score. Ranks: higher total
first; equal totals go to the lower price (得分相同的，按投标报价由低到高排序); equal in both share a rank.

With one valid bid there is no price comparison: the panel judges only necessity and feasibility (必要性, 可行性) and
the office accepts or rejects the bid (`decide_single_bid`).

A winner's award is made by the allocation service's own core (`allocation.add_award_in`), at the bid price, so its
agreement, tranches, monitoring and evaluation work exactly as for competition awards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session, selectinload

from ..db import Database
from ..enums import AwardLevel, AwardStatus, CompetitionMode, CompetitionStatus, ProposalStatus, ServiceDomain
from ..errors import QT_TRANSLATE_NOOP, Term, ValidationError
from ..models import Award, CommunityNeed, Competition, Organization, Proposal, Round, TenderProject
from ..money import MAX_FEN, format_yuan
from . import access, allocation, audit, judging
from .access import Actor, Permission
from .organizations import changed, plain
from .proposals import EDITABLE, intake_order
from .scoring import final_ranking, round_half_up
from .validation import Problems

CONTEXT = "Bidding"  # context of the reasons a bid is invalid, translated where they are shown
BID_OVER_CEILING = "bid_over_ceiling"  # the screening rule code of the ceiling check
FULL_POINTS_X100 = 10_000  # 100 points
NOT_BIDS = (ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN)
# statuses a bid reaches only by passing screening
SCREENED_IN = (ProposalStatus.ELIGIBLE, ProposalStatus.IN_REVIEW, ProposalStatus.RANKED, ProposalStatus.AWARDED,
               ProposalStatus.NOT_AWARDED, ProposalStatus.RESERVE, ProposalStatus.IMPLEMENTING,
               ProposalStatus.COMPLETED, ProposalStatus.TERMINATED)
LOSING = (ProposalStatus.ELIGIBLE, ProposalStatus.IN_REVIEW, ProposalStatus.RANKED, ProposalStatus.RESERVE)

NOT_SCREENED_IN = QT_TRANSLATE_NOOP("Bidding", "Not eligible after screening")
OVER_CEILING = QT_TRANSLATE_NOOP("Bidding", "Bid price over the ceiling: invalid bid")
NO_PRICE = QT_TRANSLATE_NOOP("Bidding", "No bid price")


# --- tenders -----------------------------------------------------------------------------------------------------


@dataclass
class TenderInput:
    """A tender project as the office publishes it."""

    code: str
    name: str
    domain: ServiceDomain = ServiceDomain.OTHER
    description: str = ""
    ceiling_fen: int = 0  # 最高限价
    service_from: dt.date | None = None
    service_until: dt.date | None = None
    qualifications: str = ""
    price_points_x100: int = 0  # 0..10000 (0 to 100 points)
    need_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class TenderRow:
    id: int
    competition_id: int
    code: str
    name: str
    domain: ServiceDomain
    description: str
    ceiling_fen: int
    service_from: dt.date | None
    service_until: dt.date | None
    qualifications: str
    price_points_x100: int
    closed: bool
    no_winner_reason: str
    need_ids: tuple[int, ...]
    bids: int  # bids received (drafts and withdrawn ones not counted)
    winner_id: int | None  # the proposal with the tender's live award
    notice_from: dt.date | None = None  # 中标结果公示 (services.tender_notice)
    notice_until: dt.date | None = None
    objection: str = ""
    objection_resolution: str = ""


def tender_problems(data: TenderInput) -> Problems:
    """What a tender may not hold, whatever the database says."""
    problems = Problems()
    for name, label in (("code", QT_TRANSLATE_NOOP("Fields", "Tender code")),
                        ("name", QT_TRANSLATE_NOOP("Fields", "Tender project name"))):
        value, limit = getattr(data, name).strip(), TenderProject.__table__.c[name].type.length
        if not value:
            problems.add(name, QT_TRANSLATE_NOOP("Errors", "{field} is required"), field=label)
        elif len(value) > limit:
            problems.add(name, QT_TRANSLATE_NOOP("Errors", "{field} is longer than {limit} characters"), field=label,
                         limit=limit)
    if data.ceiling_fen <= 0:
        problems.add("ceiling_fen", QT_TRANSLATE_NOOP("Errors", "the ceiling price must be more than zero"))
    elif data.ceiling_fen > MAX_FEN:
        problems.add("ceiling_fen", QT_TRANSLATE_NOOP("Errors", "the ceiling price is too large"))
    if not 0 <= data.price_points_x100 <= FULL_POINTS_X100:
        problems.add("price_points_x100", QT_TRANSLATE_NOOP("Errors", "the price points must be between 0 and 100"))
    if data.service_from and data.service_until and data.service_until < data.service_from:
        problems.add("service_until", QT_TRANSLATE_NOOP("Errors", "the service period ends before it starts"))
    return problems


def add_tender(db: Database, competition_id: int, data: TenderInput) -> int:
    actor = access.require(db, Permission.COMPETITION_SETUP)
    tender_problems(data).raise_if_any()
    with db.write() as s:
        return add_tender_in(s, competition_id, data, actor)


def add_tender_in(s: Session, competition_id: int, data: TenderInput, who: Actor) -> int:
    """The session-level core, for callers that hold their own transaction and actor (the demo builder)."""
    tender_problems(data).raise_if_any()
    _bidding_competition(s, competition_id)
    _refuse_used_code(s, data.code.strip(), None)
    tender = TenderProject(competition_id=competition_id)
    _assign(s, tender, data)
    s.add(tender)
    s.flush()
    audit.log(s, who, "tender.add", "tender", tender.id, after=_facts(tender))
    return tender.id


def edit_tender(db: Database, tender_id: int, data: TenderInput) -> None:
    """Change a tender still open; once bids are in, its ceiling and price points stay as the bidders read them."""
    actor = access.require(db, Permission.COMPETITION_SETUP)
    tender_problems(data).raise_if_any()
    with db.write() as s:
        tender = _open_tender(s, tender_id)
        _refuse_used_code(s, data.code.strip(), tender.id)
        terms = (tender.ceiling_fen, tender.price_points_x100) != (data.ceiling_fen, data.price_points_x100)
        if terms and _bid_count(s, tender.id):
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Bids for {code} have been received: its ceiling and price points can no longer be "
                          "changed."), code=tender.code)
        old = _facts(tender)
        _assign(s, tender, data)
        s.flush()
        before, after = changed(old, _facts(tender))
        audit.log(s, actor, "tender.edit", "tender", tender.id, before=before, after=after)


def close_tender(db: Database, tender_id: int) -> None:
    """Stop taking bids (开标): the evaluation and the award follow."""
    actor = access.require(db, Permission.COMPETITION_SETUP)
    with db.write() as s:
        close_tender_in(s, _tender(s, tender_id), actor)


def close_tender_in(s: Session, tender: TenderProject, who: Actor) -> None:
    _open_tender(s, tender.id)
    tender.closed = True
    audit.log(s, who, "tender.close", "tender", tender.id, {"closed": False},
              {"closed": True, "bids": _bid_count(s, tender.id)})


def tenders(db: Database, competition_id: int) -> list[TenderRow]:
    with db.read() as s:
        rows = s.scalars(select(TenderProject).options(selectinload(TenderProject.needs))
                         .where(TenderProject.competition_id == competition_id).order_by(TenderProject.code)).all()
        counts = dict(s.execute(select(Proposal.tender_id, func.count()).where(
            Proposal.tender_id.in_([t.id for t in rows]), Proposal.status.not_in(NOT_BIDS))
            .group_by(Proposal.tender_id)).all())
        winners = dict(s.execute(select(Proposal.tender_id, Award.proposal_id).join(Award)
                                 .where(Proposal.tender_id.in_([t.id for t in rows]),
                                        Award.status.in_(allocation.FUNDED))).all())
        return [TenderRow(t.id, t.competition_id, t.code, t.name, t.domain, t.description, t.ceiling_fen,
                          t.service_from, t.service_until, t.qualifications, t.price_points_x100, t.closed,
                          t.no_winner_reason, tuple(sorted(n.id for n in t.needs)), counts.get(t.id, 0),
                          winners.get(t.id), t.notice_from, t.notice_until, t.objection or "",
                          t.objection_resolution or "") for t in rows]


def _assign(s: Session, tender: TenderProject, data: TenderInput) -> None:
    needs = s.scalars(select(CommunityNeed).where(CommunityNeed.id.in_(data.need_ids))).all() if data.need_ids else []
    if len(needs) != len(set(data.need_ids)):
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "A linked community need does not exist."))
    tender.code, tender.name, tender.domain = data.code.strip(), data.name.strip(), data.domain
    tender.description, tender.qualifications = data.description.strip(), data.qualifications.strip()
    tender.ceiling_fen, tender.price_points_x100 = data.ceiling_fen, data.price_points_x100
    tender.service_from, tender.service_until = data.service_from, data.service_until
    tender.needs = list(needs)


def _facts(tender: TenderProject) -> dict[str, Any]:
    facts = {n: plain(getattr(tender, n)) for n in ("code", "name", "domain", "ceiling_fen", "price_points_x100",
                                                    "service_from", "service_until", "qualifications")}
    return {**facts, "needs": sorted(n.id for n in tender.needs)}


def _bidding_competition(s: Session, competition_id: int) -> Competition:
    return allocation.programme_in(s, competition_id, CompetitionMode.BIDDING, QT_TRANSLATE_NOOP(
        "Errors", "{competition} is not a bidding competition: tender projects belong to bidding competitions only."))


def _refuse_used_code(s: Session, code: str, own_id: int | None) -> None:
    other = s.scalar(select(TenderProject.id).where(TenderProject.code == code))
    if other is not None and other != own_id:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The tender code {code} is already used."), code=code)


def _tender(s: Session, tender_id: int) -> TenderProject:
    tender = s.get(TenderProject, tender_id)
    if tender is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no tender project with number {id}."),
                              id=tender_id)
    return tender


def _open_tender(s: Session, tender_id: int) -> TenderProject:
    tender = _tender(s, tender_id)
    if tender.closed:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Tender {code} is closed: it takes no more bids or changes."), code=tender.code)
    return tender


def _bid_count(s: Session, tender_id: int) -> int:
    return s.scalar(select(func.count()).select_from(Proposal).where(
        Proposal.tender_id == tender_id, Proposal.status.not_in(NOT_BIDS))) or 0


# --- bids --------------------------------------------------------------------------------------------------------


def bid_problems(s: Session, competition_id: int, tender_id: int | None, price_fen: int | None, *,
                 complete: bool = False) -> Problems:
    """What is wrong with a proposal as a bid (intake can call this when a proposal names a tender). A price over
    the ceiling is not a problem here: the bid is recorded and screening marks it invalid (BID_OVER_CEILING).
    `complete`: a submitted bid needs its tender and price; a draft may lack them."""
    problems = Problems()
    if tender_id is None:
        if complete:
            problems.add("tender_id", QT_TRANSLATE_NOOP("Errors", "choose the tender project this bid is for"))
    else:
        tender = s.get(TenderProject, tender_id)
        if tender is None or tender.competition_id != competition_id:
            problems.add("tender_id", QT_TRANSLATE_NOOP("Errors", "tender project {id} is not in this competition"),
                         id=tender_id)
        elif tender.closed:
            problems.add("tender_id", QT_TRANSLATE_NOOP(
                "Errors", "tender {code} is closed: it takes no more bids"), code=tender.code)
    if price_fen is None:
        if complete:
            problems.required("bid_price_fen", None)
    else:
        problems.money("bid_price_fen", price_fen, positive=True)
    return problems


def submit_bid(db: Database, tender_id: int, proposal_id: int, price_fen: int) -> None:
    """Make an application of the tender's competition a bid for the tender at a price. A price over the ceiling
    is recorded (the bid is then invalid, 无效投标, at screening), a closed tender refused."""
    actor = access.require(db, Permission.INTAKE_EDIT)
    with db.write() as s:
        proposal = s.get(Proposal, proposal_id)
        if proposal is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no proposal with number {id}."),
                                  id=proposal_id)
        submit_bid_in(s, _tender(s, tender_id), proposal, price_fen, actor)


def submit_bid_in(s: Session, tender: TenderProject, proposal: Proposal, price_fen: int, who: Actor) -> None:
    if proposal.competition_id != tender.competition_id:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "“{title}” belongs to another competition: it cannot bid for tender {code}."),
            title=proposal.title, code=tender.code)
    if proposal.status not in EDITABLE:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "This proposal has been screened and can no longer be changed."))
    if proposal.status in NOT_BIDS:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "“{title}” has not been received (it is a draft or withdrawn): only a received application "
                      "can bid."), title=proposal.title)
    bid_problems(s, tender.competition_id, tender.id, price_fen, complete=True).raise_if_any()
    before = {"tender": proposal.tender_id, "bid_price_fen": proposal.bid_price_fen}
    proposal.tender_id, proposal.bid_price_fen = tender.id, price_fen
    audit.log(s, who, "bid.submit", "proposal", proposal.id, before,
              {"tender": tender.id, "bid_price_fen": price_fen, "over_ceiling": price_fen > tender.ceiling_fen})


def over_ceiling_check(proposal: Proposal, tender: TenderProject) -> tuple[bool, str, dict[str, Any]]:
    """The screening verdict on a bid's price (context "Screening"): over the ceiling, the bid is invalid."""
    price = proposal.bid_price_fen
    params: dict[str, Any] = {"ceiling": format_yuan(tender.ceiling_fen), "code": tender.code}
    if price is None:
        return False, QT_TRANSLATE_NOOP("Screening", "The bid for tender {code} names no price"), params
    params["price"] = format_yuan(price)
    if price > tender.ceiling_fen:
        return False, QT_TRANSLATE_NOOP(
            "Screening", "Bid price {price} yuan is over the ceiling of {ceiling} yuan: invalid bid"), params
    return True, QT_TRANSLATE_NOOP("Screening", "Bid price {price} yuan is within the ceiling of {ceiling} yuan"), \
        params


def ceiling_rule(proposal: Proposal) -> tuple[bool, str, dict[str, Any]] | None:
    """BID_OVER_CEILING as a screening rule: checked only for a bid (a proposal naming a tender)."""
    session = object_session(proposal)
    tender = session.get(TenderProject, proposal.tender_id) if session and proposal.tender_id else None
    return None if tender is None else over_ceiling_check(proposal, tender)


# --- price score: pure -------------------------------------------------------------------------------------------


def score_text(x100: int | None) -> str:
    """A bid's points as the evaluation report prints them: always two decimals (84.37, 78.30, 30.00)."""
    return "" if x100 is None else f"{x100 // 100}.{x100 % 100:02d}"


def price_score_x100(benchmark_fen: int, price_fen: int, price_points_x100: int) -> int:
    """benchmark ÷ price × price points, half-up to 0.01 point, in integers."""
    return (2 * benchmark_fen * price_points_x100 + price_fen) // (2 * price_fen)


def price_scores(prices_fen: Mapping[int, int], ceiling_fen: int, price_points_x100: int) -> dict[int, int | None]:
    """Price points x100 for each bid (proposal id → price); None for an invalid price (over the ceiling, or not
    above zero). The caller passes only bids that passed screening."""
    valid = {pid: p for pid, p in prices_fen.items() if 0 < p <= ceiling_fen}
    if not valid:
        return dict.fromkeys(prices_fen)
    benchmark = min(valid.values())
    return {pid: price_score_x100(benchmark, p, price_points_x100) if pid in valid else None
            for pid, p in prices_fen.items()}


def panel_part_x100(panel_score: Decimal, full_marks: Fraction, price_points_x100: int) -> int | None:
    """The panel score moved from the rubric's full marks onto the points the price leaves, half-up to 0.01."""
    if full_marks <= 0:
        return None
    exact = Fraction(panel_score) * (FULL_POINTS_X100 - price_points_x100) / full_marks
    return int(round_half_up(exact, 0))


# --- evaluation --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BidLine:
    proposal_id: int
    intake_number: str
    title: str
    organization: str
    price_fen: int | None
    valid: bool
    invalid_reason: str  # source text (context "Bidding"); "" when valid
    panel_score: Decimal | None  # the panel's final score on its rubric
    panel_x100: int | None  # the panel score scaled onto 100 − price points
    price_x100: int | None
    total_x100: int | None
    rank: int | None


@dataclass(frozen=True)
class TenderEvaluation:
    tender_id: int
    code: str
    name: str
    ceiling_fen: int
    price_points_x100: int
    closed: bool
    final: bool  # every round serving this tender is frozen (or the price alone decides)
    open_round: str  # the first round not frozen, "" when final
    single_bidder: bool  # one valid bid: no price comparison, accept or reject
    full_marks: Decimal | None  # the panel rubric's full marks
    lines: tuple[BidLine, ...]  # valid bids in rank order, then the invalid ones
    winner_id: int | None
    no_winner_reason: str

    @property
    def valid_ids(self) -> tuple[int, ...]:
        return tuple(line.proposal_id for line in self.lines if line.valid)


def evaluate(db: Database, tender_id: int) -> TenderEvaluation:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return evaluate_in(s, _tender(s, tender_id))


def evaluate_in(s: Session, tender: TenderProject) -> TenderEvaluation:
    bids = s.execute(select(Proposal, Organization.name).join(Organization)
                     .where(Proposal.tender_id == tender.id, Proposal.status.not_in(NOT_BIDS))
                     .order_by(*intake_order(Proposal.intake_number), Proposal.id)).all()
    reasons = {p.id: _invalid_reason(p, tender) for p, _org in bids}
    valid = [p for p, _org in bids if not reasons[p.id]]
    single = len(valid) == 1
    open_round, panel, full_marks = _panel(s, tender)
    needs_panel = tender.price_points_x100 < FULL_POINTS_X100
    prices = {} if single else price_scores({p.id: p.bid_price_fen or 0 for p in valid}, tender.ceiling_fen,
                                            tender.price_points_x100)
    lines = []
    for p, org in bids:
        score = panel.get(p.id)
        part = None if score is None or full_marks is None else panel_part_x100(score, full_marks,
                                                                               tender.price_points_x100)
        if not needs_panel:
            part = 0
        price = prices.get(p.id)
        total = None if single or part is None or price is None else part + price
        lines.append(BidLine(p.id, p.intake_number or "", p.title, org, p.bid_price_fen, not reasons[p.id],
                             reasons[p.id], score, part, price, total, None))
    winner = s.scalar(select(Award.proposal_id).join(Proposal).where(Proposal.tender_id == tender.id,
                                                                     Award.status.in_(allocation.FUNDED)))
    return TenderEvaluation(
        tender.id, tender.code, tender.name, tender.ceiling_fen, tender.price_points_x100, tender.closed,
        not needs_panel or (not open_round and bool(panel)), open_round if needs_panel else "", single,
        None if full_marks is None else Decimal(full_marks.numerator) / Decimal(full_marks.denominator),
        tuple(_ranked(lines)), winner, tender.no_winner_reason)


def _invalid_reason(proposal: Proposal, tender: TenderProject) -> str:
    """The price first: a bid over the ceiling fails screening too, and the ceiling is the reason worth naming."""
    if proposal.bid_price_fen is None or proposal.bid_price_fen <= 0:
        return NO_PRICE
    if proposal.bid_price_fen > tender.ceiling_fen:
        return OVER_CEILING
    return NOT_SCREENED_IN if proposal.status not in SCREENED_IN else ""


def _panel(s: Session, tender: TenderProject) -> tuple[str, dict[int, Decimal], Fraction | None]:
    """(first round not frozen or "", final panel score by proposal, the last round's full marks) over the rounds
    serving this tender: its own and those of the whole competition."""
    rounds = s.scalars(select(Round).where(Round.competition_id == tender.competition_id,
                                           (Round.tender_id.is_(None)) | (Round.tender_id == tender.id))
                       .order_by(Round.seq)).all()
    if not rounds:
        return "", {}, None
    open_round = next((r.name for r in rounds if not r.frozen), "")
    results = [judging._results(s, r) for r in rounds]
    decimals = max(r.spec.decimals for r in results)
    finals = final_ranking(results, decimals)
    return open_round, {f.proposal_id: f.score for f in finals if f.score is not None}, results[-1].spec.full_marks


def _ranked(lines: list[BidLine]) -> list[BidLine]:
    """Totals high to low, equal totals by the lower price; equal in both share a rank. Unscored and invalid bids
    follow, unranked."""
    scored = sorted((ln for ln in lines if ln.total_x100 is not None),
                    key=lambda ln: (-(ln.total_x100 or 0), ln.price_fen or 0, ln.proposal_id))
    ranked, previous, rank = [], None, 0
    for n, line in enumerate(scored, 1):
        key = (line.total_x100, line.price_fen)
        if key != previous:
            rank, previous = n, key
        ranked.append(replace(line, rank=rank))
    rest = [ln for ln in lines if ln.total_x100 is None]
    return ranked + sorted(rest, key=lambda ln: not ln.valid)


# --- the decision: one winner or none ----------------------------------------------------------------------------


def award_tender(db: Database, tender_id: int, proposal_id: int | None, reason: str) -> int | None:
    """The tender's winner (an award at the bid price, returned), or no winner (proposal_id None, a reason
    required). Either way the tender closes. A winner other than the first-ranked bid needs a reason."""
    actor = access.require(db, Permission.FUNDING_EDIT)
    with db.write() as s:
        return award_tender_in(s, _tender(s, tender_id), proposal_id, reason, actor)


def award_tender_in(s: Session, tender: TenderProject, proposal_id: int | None, reason: str, who: Actor) -> int | None:
    return _decide(s, tender, proposal_id, reason, who, single=False)


def decide_single_bid(db: Database, tender_id: int, accept: bool, reason: str) -> int | None:
    """With one valid bid the panel judged its necessity and feasibility: accept it (an award at its price) or
    reject it (no winner). A reason is required either way; it goes into the change log."""
    actor = access.require(db, Permission.FUNDING_EDIT)
    if not reason.strip():
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Give the panel's reason for accepting or rejecting the single bid."))
    with db.write() as s:
        tender = _tender(s, tender_id)
        evaluation = evaluate_in(s, tender)
        if not evaluation.single_bidder:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "Tender {code} has {count} valid bids, not one: award it on the evaluation instead."),
                code=tender.code, count=len(evaluation.valid_ids))
        return _decide(s, tender, evaluation.valid_ids[0] if accept else None, reason, actor, single=True)


def _decide(s: Session, tender: TenderProject, proposal_id: int | None, reason: str, who: Actor, *,
            single: bool) -> int | None:
    reason = reason.strip()
    evaluation = evaluate_in(s, tender)
    _refuse_decided(tender, evaluation)
    if proposal_id is None:
        return _no_winner(s, tender, evaluation, reason, who, single)
    line = _winning_line(tender, evaluation, proposal_id, reason)
    proposal = s.get(Proposal, proposal_id)
    competition = s.get(Competition, tender.competition_id)
    assert proposal is not None and competition is not None and line.price_fen is not None
    if s.scalar(select(Award.id).where(Award.proposal_id == proposal_id)) is not None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "“{title}” already has an award."), title=proposal.title)
    award_id = allocation.add_award_in(s, competition, allocation.Line(
        proposal_id, line.rank, None, proposal.requested_fen, AwardLevel.NONE, line.price_fen,
        AwardStatus.COMMITTED))
    _settle(s, tender, evaluation, proposal_id)
    if competition.status in allocation.BEFORE_SIGNING:
        competition.status = CompetitionStatus.SIGNING
    s.flush()
    if competition.pool_fen:  # a bidding programme with a pool keeps within it; without one the ceilings bound it
        allocation.check_pool_in(s, competition.id)
    audit.log(s, who, "tender.single_bid" if single else "tender.award", "tender", tender.id,
              {"closed": evaluation.closed},
              {"closed": True, "proposal": proposal_id, "award": award_id, "amount_fen": line.price_fen,
               "rank": line.rank, "total_x100": line.total_x100, "reason": reason, **({"accept": True} if single
                                                                                      else {})})
    return award_id


def _refuse_decided(tender: TenderProject, evaluation: TenderEvaluation) -> None:
    if evaluation.winner_id is not None:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Tender {code} already has its winner: one winner per tender."), code=tender.code)
    if tender.no_winner_reason:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Tender {code} was already closed without a winner: {reason}"),
            code=tender.code, reason=tender.no_winner_reason)


def _winning_line(tender: TenderProject, evaluation: TenderEvaluation, proposal_id: int, reason: str) -> BidLine:
    line = next((ln for ln in evaluation.lines if ln.proposal_id == proposal_id), None)
    if line is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Proposal {id} is not a bid for tender {code}."),
                              id=proposal_id, code=tender.code)
    if not line.valid:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "“{title}” is not a valid bid ({why}): it cannot win."),
                              title=line.title, why=Term(CONTEXT, line.invalid_reason))
    if evaluation.single_bidder:
        return line
    if not evaluation.final and not evaluation.open_round:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The panel has not scored tender {code}: there are no results to award it on."),
            code=tender.code)
    if not evaluation.final:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The panel's results for tender {code} are not final: round {round} is not frozen."),
            code=tender.code, round=evaluation.open_round)
    if line.rank != 1 and not reason:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "“{title}” is not the first-ranked bid: give the reason for choosing it."), title=line.title)
    return line


def _no_winner(s: Session, tender: TenderProject, evaluation: TenderEvaluation, reason: str, who: Actor,
               single: bool) -> None:
    if not reason:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Give the reason why tender {code} has no winner."),
                              code=tender.code)
    tender.no_winner_reason, tender.closed = reason, True
    _settle(s, tender, evaluation, None)
    audit.log(s, who, "tender.single_bid" if single else "tender.no_winner", "tender", tender.id,
              {"closed": evaluation.closed}, {"closed": True, "no_winner_reason": reason,
                                              **({"accept": False} if single else {})})


def _settle(s: Session, tender: TenderProject, evaluation: TenderEvaluation, winner: int | None) -> None:
    """Close the tender; the winner is awarded, every other bid still waiting is not."""
    tender.closed = True
    for line in evaluation.lines:
        proposal = s.get(Proposal, line.proposal_id)
        assert proposal is not None
        if line.proposal_id == winner:
            proposal.status = ProposalStatus.AWARDED
        elif proposal.status in LOSING:
            proposal.status = ProposalStatus.NOT_AWARDED
