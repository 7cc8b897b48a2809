"""Awards, tranches with gates, payments, clawbacks and matching-fund receipts. All money in fen."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned, created_at, enum_column, fen, non_negative, pk
from .enums import AwardLevel, AwardStatus, GateKind, TrancheStatus


class Award(Versioned, Base):
    """A funding decision for one proposal, and its grant agreement (资助协议)."""

    __tablename__ = "award"
    __table_args__ = (*non_negative("amount_fen", "matching_committed_fen"),)

    id: Mapped[int] = pk()
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), unique=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    rank: Mapped[int | None]
    level: Mapped[AwardLevel] = enum_column(AwardLevel, default=AwardLevel.NONE)
    amount_fen: Mapped[int] = fen()
    matching_committed_fen: Mapped[int] = fen()
    status: Mapped[AwardStatus] = enum_column(AwardStatus, default=AwardStatus.PROPOSED)
    adjustment_reason: Mapped[str] = mapped_column(Text, default="")
    agreement_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    signed_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = created_at()

    tranches: Mapped[list[Tranche]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="Tranche.seq"
    )


class Tranche(Versioned, Base):
    """One instalment of an award, released only when its gate is met."""

    __tablename__ = "tranche"
    __table_args__ = (
        UniqueConstraint("award_id", "seq"),
        *non_negative("amount_fen", "clawed_back_fen"),
        CheckConstraint("percent_x100 IS NULL OR percent_x100 BETWEEN 0 AND 10000", name="percent_range"),
    )

    id: Mapped[int] = pk()
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    percent_x100: Mapped[int | None]  # share of the award in hundredths of a percent, or None for a fixed amount
    amount_fen: Mapped[int] = fen()
    gate: Mapped[GateKind] = enum_column(GateKind, default=GateKind.NONE)
    gate_date: Mapped[dt.date | None]
    gate_met: Mapped[bool | None]  # None: not yet decided
    gate_note: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[dt.date | None]
    status: Mapped[TrancheStatus] = enum_column(TrancheStatus, default=TrancheStatus.PLANNED)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    approved_by: Mapped[str] = mapped_column(String(40), default="")
    clawed_back_fen: Mapped[int] = fen()

    award: Mapped[Award] = relationship(back_populates="tranches")
    payments: Mapped[list[Payment]] = relationship(back_populates="tranche", order_by="Payment.id")


class Payment(Base):
    """Money actually paid against a tranche, with its voucher (凭证)."""

    __tablename__ = "payment"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = pk()
    tranche_id: Mapped[int] = mapped_column(ForeignKey("tranche.id"), index=True)
    amount_fen: Mapped[int] = fen()
    paid_on: Mapped[dt.date]
    voucher_number: Mapped[str] = mapped_column(String(40), unique=True)
    paid_by: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = created_at()

    tranche: Mapped[Tranche] = relationship(back_populates="payments")


class Clawback(Base):
    """Money the organization must return (追回), e.g. after a failed evaluation."""

    __tablename__ = "clawback"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = pk()
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    tranche_id: Mapped[int | None] = mapped_column(ForeignKey("tranche.id"), index=True)
    amount_fen: Mapped[int] = fen()
    reason: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[dt.date]
    recovered_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = created_at()


class MatchingFundReceipt(Base):
    """Matching funds (配套资金) the organization received, and from whom."""

    __tablename__ = "matching_fund_receipt"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = pk()
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    amount_fen: Mapped[int] = fen()
    received_on: Mapped[dt.date]
    source: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")
