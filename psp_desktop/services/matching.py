"""Matching funds (配套资金): what each organization committed in its application, what it has received and from whom,
and whether it keeps pace with the grant.

An organization is behind when the share of its committed matching funds received is below the share of the grant
already paid (the two should move together), or when what it committed is below the competition's required share
of the total budget.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import Database
from ..enums import AwardStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Award, Competition, MatchingFundReceipt, Organization, Payment, Proposal, Tranche
from ..money import MAX_FEN
from . import access, audit
from .access import Actor, Permission

LIVE = (AwardStatus.COMMITTED, AwardStatus.SIGNED, AwardStatus.COMPLETED)


@dataclass(frozen=True)
class MatchingRow:
    award_id: int
    organization: str
    title: str
    committed_fen: int       # matching funds promised in the application
    received_fen: int
    award_fen: int
    grant_paid_fen: int
    required_percent: int    # own funds ≥ this share of the total budget
    total_budget_fen: int

    @property
    def received_share_x100(self) -> int:
        """Received as hundredths of a percent of what was committed."""
        return self.received_fen * 10000 // self.committed_fen if self.committed_fen else 10000

    @property
    def achieved_percent_x100(self) -> int:
        """Matching received as a share of (matching received + grant paid): the ratio achieved so far."""
        whole = self.received_fen + self.grant_paid_fen
        return self.received_fen * 10000 // whole if whole else 0

    @property
    def committed_short(self) -> bool:
        return self.committed_fen * 100 < self.total_budget_fen * self.required_percent

    @property
    def behind(self) -> bool:
        """Matching funds lag the grant: received / committed < paid / award."""
        lagging = self.received_fen * self.award_fen < self.committed_fen * self.grant_paid_fen
        return lagging or self.committed_short


@dataclass(frozen=True)
class Receipt:
    id: int
    amount_fen: int
    received_on: dt.date
    source: str
    note: str


def status(db: Database, competition_id: int | None = None) -> list[MatchingRow]:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        return status_in(s, competition_id)


def status_in(s: Session, competition_id: int | None = None) -> list[MatchingRow]:
    received = dict(s.execute(select(MatchingFundReceipt.award_id, func.sum(MatchingFundReceipt.amount_fen))
                              .group_by(MatchingFundReceipt.award_id)).all())
    paid = dict(s.execute(select(Tranche.award_id, func.sum(Payment.amount_fen)).join(Payment.tranche)
                          .group_by(Tranche.award_id)).all())
    query = (select(Award, Organization.name, Proposal.title, Proposal.total_budget_fen,
                    Competition.min_matching_percent)
             .join(Proposal, Award.proposal_id == Proposal.id)
             .join(Organization, Proposal.organization_id == Organization.id)
             .join(Competition, Award.competition_id == Competition.id)
             .where(Award.status.in_(LIVE)).order_by(Award.competition_id, Award.rank, Award.id))
    if competition_id is not None:
        query = query.where(Award.competition_id == competition_id)
    return [MatchingRow(a.id, org, title, a.matching_committed_fen, received.get(a.id, 0), a.amount_fen,
                        paid.get(a.id, 0), required, total)
            for a, org, title, total, required in s.execute(query)]


def receipts(db: Database, award_id: int) -> list[Receipt]:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        rows = s.scalars(select(MatchingFundReceipt).where(MatchingFundReceipt.award_id == award_id)
                         .order_by(MatchingFundReceipt.received_on, MatchingFundReceipt.id))
        return [Receipt(r.id, r.amount_fen, r.received_on, r.source, r.note) for r in rows]


def receive(db: Database, award_id: int, amount_fen: int, received_on: dt.date, source: str, note: str = "", *,
            today: dt.date | None = None) -> int:
    """Record matching funds the organization received."""
    actor = access.require(db, Permission.FUNDING_EDIT)
    with db.write() as s:
        award = s.get(Award, award_id)
        if award is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no award with number {id}."), id=award_id)
        return receive_in(s, award, amount_fen, received_on, source, note, actor, today or dt.date.today())


def receive_in(s: Session, award: Award, amount_fen: int, received_on: dt.date, source: str, note: str,
               who: Actor, today: dt.date) -> int:
    source, note = source.strip(), note.strip()
    if not 0 < amount_fen <= MAX_FEN:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The amount received must be more than zero and not "
                                                          "absurdly large."))
    if not source or len(source) > 120:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Say where the money came from (at most 120 characters)."))
    if received_on > today:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The date {date} is in the future."),
                              date=received_on.isoformat())
    if award.status not in LIVE:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "This award is not funded (reserve list or cancelled): no money moves on it."))
    receipt = MatchingFundReceipt(award_id=award.id, amount_fen=amount_fen, received_on=received_on, source=source,
                                  note=note)
    s.add(receipt)
    s.flush()
    audit.log(s, who, "matching.receive", "award", award.id, None,
              {"amount_fen": amount_fen, "received_on": received_on.isoformat(), "source": source})
    return receipt.id
