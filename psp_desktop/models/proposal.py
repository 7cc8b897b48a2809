"""Proposals (申报书, or bids in bidding mode) with budget lines, linked needs, attachments and screening."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned, created_at, enum_column, fen, non_negative, pk
from .enums import BudgetCategory, ProposalStatus, ScreeningOutcome, ServiceDomain

proposal_need = Table(
    "proposal_need",
    Base.metadata,
    Column("proposal_id", ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", ForeignKey("community_need.id", ondelete="CASCADE"), primary_key=True),
)


class Proposal(Versioned, Base):
    """An application (申报书) to a competition, a bid for a tender project, or a commissioned project."""

    __tablename__ = "proposal"
    __table_args__ = (
        UniqueConstraint("competition_id", "intake_number"),
        *non_negative(
            "requested_fen", "matching_fen", "total_budget_fen", "direct_beneficiaries", "indirect_beneficiaries"
        ),
        CheckConstraint("bid_price_fen IS NULL OR bid_price_fen >= 0", name="bid_price_non_negative"),
        CheckConstraint("end_month IS NULL OR start_month IS NULL OR end_month >= start_month", name="period_order"),
    )

    id: Mapped[int] = pk()
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tender_project.id"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("competition_theme.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    intake_number: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    domain: Mapped[ServiceDomain] = enum_column(ServiceDomain)
    target_group: Mapped[str] = mapped_column(String(200), default="")  # 服务对象
    location: Mapped[str] = mapped_column(String(200), default="")  # 服务地点
    direct_beneficiaries: Mapped[int] = mapped_column(default=0)
    indirect_beneficiaries: Mapped[int] = mapped_column(default=0)
    start_month: Mapped[dt.date | None]  # first day of the month
    end_month: Mapped[dt.date | None]
    summary: Mapped[str] = mapped_column(Text, default="")  # 项目简介
    need_analysis: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    activity_plan: Mapped[str] = mapped_column(Text, default="")
    requested_fen: Mapped[int] = fen()  # 申请金额
    matching_fen: Mapped[int] = fen()  # 配套资金
    total_budget_fen: Mapped[int] = fen()  # 总预算
    bid_price_fen: Mapped[int | None] = fen(nullable=True, default=None)  # bidding mode
    commission_justification: Mapped[str] = mapped_column(Text, default="")  # commission mode
    commission_approved_by: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[ProposalStatus] = enum_column(ProposalStatus, default=ProposalStatus.DRAFT, index=True)
    submitted_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = created_at()

    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="BudgetLine.seq"
    )
    needs: Mapped[list[Any]] = relationship("CommunityNeed", secondary=proposal_need)
    attachments: Mapped[list[Attachment]] = relationship(back_populates="proposal", cascade="all, delete-orphan")
    organization: Mapped[Any] = relationship("Organization")
    competition: Mapped[Any] = relationship("Competition")


class BudgetLine(Base):
    """One line of the budget (预算明细) in a category; amount = unit price × quantity unless entered."""

    __tablename__ = "budget_line"
    __table_args__ = (*non_negative("unit_price_fen", "quantity", "amount_fen"),)

    id: Mapped[int] = pk()
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(default=0)
    category: Mapped[BudgetCategory] = enum_column(BudgetCategory)
    item: Mapped[str] = mapped_column(String(100))
    unit_price_fen: Mapped[int] = fen()
    quantity: Mapped[int] = mapped_column(default=1)
    amount_fen: Mapped[int] = fen()
    note: Mapped[str] = mapped_column(String(200), default="")

    proposal: Mapped[Proposal] = relationship(back_populates="budget_lines")


class Attachment(Base):
    """A file copied into app-managed storage, identified by its SHA-256."""

    __tablename__ = "attachment"
    __table_args__ = (*non_negative("size_bytes"),)

    id: Mapped[int] = pk()
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    progress_report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int]
    added_at: Mapped[dt.datetime] = created_at()

    proposal: Mapped[Proposal | None] = relationship(back_populates="attachments")


class EligibilityCheck(Base):
    """One automatic or manual screening check of a proposal, with a readable reason."""

    __tablename__ = "eligibility_check"
    __table_args__ = (UniqueConstraint("proposal_id", "rule_code"),)

    id: Mapped[int] = pk()
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    rule_code: Mapped[str] = mapped_column(String(40))
    manual: Mapped[bool] = mapped_column(default=False)
    passed: Mapped[bool | None]  # None: a manual item not yet checked
    reason: Mapped[str] = mapped_column(Text, default="")  # source text of an automatic check, or a reviewer's note
    params: Mapped[dict[str, Any] | None]  # the automatic check's facts, filled into its text where it is shown
    reviewer: Mapped[str] = mapped_column(String(40), default="")
    checked_at: Mapped[dt.datetime] = created_at()


class ScreeningDecision(Base):
    """The outcome of screening (资格审查): eligible / ineligible / returned, with reasons and who decided."""

    __tablename__ = "screening_decision"

    id: Mapped[int] = pk()
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[ScreeningOutcome] = enum_column(ScreeningOutcome)
    reasons: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(40))
    decided_at: Mapped[dt.datetime] = created_at()


class Milestone(Base):
    """A planned milestone or activity from the proposal, tracked during implementation."""

    __tablename__ = "milestone"

    id: Mapped[int] = pk()
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(120))
    planned_on: Mapped[dt.date | None]
    done_on: Mapped[dt.date | None]
