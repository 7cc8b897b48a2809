"""Competitions (and bidding/commission programmes), their themes, tender projects, rounds and rubrics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned, created_at, enum_column, fen, non_negative, pk
from .enums import AdvanceRule, Aggregation, CompetitionMode, CompetitionStatus, RoundKind, ServiceDomain

theme_need = Table(
    "theme_need",
    Base.metadata,
    Column("theme_id", ForeignKey("competition_theme.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", ForeignKey("community_need.id", ondelete="CASCADE"), primary_key=True),
)

tender_need = Table(
    "tender_need",
    Base.metadata,
    Column("tender_id", ForeignKey("tender_project.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", ForeignKey("community_need.id", ondelete="CASCADE"), primary_key=True),
)


class Competition(Versioned, Base):
    """A 公益创投大赛, or a bidding or commission programme, with its money pool and rules."""

    __tablename__ = "competition"
    __table_args__ = (
        *non_negative("pool_fen", "project_cap_fen", "min_matching_percent"),
        CheckConstraint("min_matching_percent <= 100", name="matching_percent_max"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        Index("ix_competition_year", "year", "id"),  # lists read the newest year first straight from this index
    )

    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(120), unique=True)
    year: Mapped[int]
    mode: Mapped[CompetitionMode] = enum_column(CompetitionMode, default=CompetitionMode.VENTURE)
    status: Mapped[CompetitionStatus] = enum_column(CompetitionStatus, default=CompetitionStatus.PLANNING)
    organizer: Mapped[str] = mapped_column(String(120), default="")  # 主办单位
    district: Mapped[str] = mapped_column(String(40), default="")
    pool_fen: Mapped[int] = fen()  # 资金池
    project_cap_fen: Mapped[int] = fen()  # 单个项目资助上限
    budget_share_cap_percent: Mapped[int | None]  # grant ≤ this % of the total budget
    min_matching_percent: Mapped[int] = mapped_column(default=0)  # own funds ≥ this % of the total budget
    intake_pattern: Mapped[str] = mapped_column(String(40), default="{year}-{seq:03d}")
    apply_from: Mapped[dt.date | None]
    apply_until: Mapped[dt.date | None]
    screening_until: Mapped[dt.date | None]
    review_on: Mapped[dt.date | None]
    notice_from: Mapped[dt.date | None]
    notice_until: Mapped[dt.date | None]
    signing_on: Mapped[dt.date | None]
    # eligibility rules, award levels, tranche templates: configuration, kept as data so rules can grow
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = created_at()

    themes: Mapped[list[CompetitionTheme]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="CompetitionTheme.seq"
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="Round.seq"
    )


class CompetitionTheme(Base):
    """A theme or service domain the competition funds, linked to the needs it answers."""

    __tablename__ = "competition_theme"
    __table_args__ = (UniqueConstraint("competition_id", "name"),)

    id: Mapped[int] = pk()
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(60))
    domain: Mapped[ServiceDomain] = enum_column(ServiceDomain)
    description: Mapped[str] = mapped_column(Text, default="")

    competition: Mapped[Competition] = relationship(back_populates="themes")
    needs: Mapped[list[Any]] = relationship("CommunityNeed", secondary=theme_need)


class TenderProject(Versioned, Base):
    """A project the government publishes for bidding (招标项目)."""

    __tablename__ = "tender_project"
    __table_args__ = (*non_negative("ceiling_fen", "price_points_x100"),)

    id: Mapped[int] = pk()
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    domain: Mapped[ServiceDomain] = enum_column(ServiceDomain)
    description: Mapped[str] = mapped_column(Text, default="")
    ceiling_fen: Mapped[int] = fen()  # 最高限价
    service_from: Mapped[dt.date | None]
    service_until: Mapped[dt.date | None]
    qualifications: Mapped[str] = mapped_column(Text, default="")
    price_points_x100: Mapped[int] = mapped_column(default=0)
    closed: Mapped[bool] = mapped_column(default=False)
    no_winner_reason: Mapped[str] = mapped_column(Text, default="")
    notice_from: Mapped[dt.date | None]  # 中标结果公示
    notice_until: Mapped[dt.date | None]
    objection: Mapped[str] = mapped_column(Text, default="", server_default="")  # raised in the notice period
    objection_resolution: Mapped[str] = mapped_column(Text, default="", server_default="")

    needs: Mapped[list[Any]] = relationship("CommunityNeed", secondary=tender_need)


class Round(Base):
    """A review round (书面评审, 路演答辩) with its rubric, aggregation and advancement rule."""

    __tablename__ = "review_round"
    __table_args__ = (
        UniqueConstraint("competition_id", "seq"),
        CheckConstraint("weight_percent BETWEEN 0 AND 100", name="weight_range"),
        CheckConstraint("judges_per_proposal >= 1", name="judges_min"),
        CheckConstraint("score_step_x100 > 0", name="step_positive"),
    )

    id: Mapped[int] = pk()
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tender_project.id"))
    seq: Mapped[int]
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[RoundKind] = enum_column(RoundKind)
    aggregation: Mapped[Aggregation] = enum_column(Aggregation, default=Aggregation.MEAN)
    weight_percent: Mapped[int] = mapped_column(default=100)  # share in the final result
    advance_rule: Mapped[AdvanceRule] = enum_column(AdvanceRule, default=AdvanceRule.ALL)
    advance_value: Mapped[int | None]  # N for top-N; threshold ×100 for threshold
    blind: Mapped[bool] = mapped_column(default=False)
    judges_per_proposal: Mapped[int] = mapped_column(default=3)
    score_step_x100: Mapped[int] = mapped_column(default=50)
    decimals: Mapped[int] = mapped_column(default=2)
    trim_count: Mapped[int] = mapped_column(default=1, server_default="1")  # highest and lowest dropped, each
    trim_min_judges: Mapped[int] = mapped_column(default=5, server_default="5")  # fewer judges: plain mean
    tie_breaks: Mapped[list[Any]] = mapped_column(default=list)
    scheduled_on: Mapped[dt.date | None]
    frozen: Mapped[bool] = mapped_column(default=False)

    competition: Mapped[Competition] = relationship(back_populates="rounds")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Criterion.seq"
    )
    groups: Mapped[list[JudgeGroup]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="JudgeGroup.id"
    )


class Criterion(Base):
    """One rubric item with its maximum points; bonus items may push a total above 100."""

    __tablename__ = "criterion"
    __table_args__ = (
        UniqueConstraint("round_id", "seq"),
        CheckConstraint("max_points_x100 > 0", name="max_positive"),
        CheckConstraint("weight_percent > 0", name="weight_positive"),
    )

    id: Mapped[int] = pk()
    round_id: Mapped[int] = mapped_column(ForeignKey("review_round.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    max_points_x100: Mapped[int]  # points are stored in hundredths: 8.5 → 850
    weight_percent: Mapped[int] = mapped_column(default=100)
    is_bonus: Mapped[bool] = mapped_column(default=False)

    round: Mapped[Round] = relationship(back_populates="criteria")


class JudgeGroup(Base):
    """A group of judges inside a round with its own weight (expert panel 70 / public jury 30)."""

    __tablename__ = "judge_group"
    __table_args__ = (
        UniqueConstraint("round_id", "name"),
        CheckConstraint("weight_percent BETWEEN 0 AND 100", name="weight_range"),
    )

    id: Mapped[int] = pk()
    round_id: Mapped[int] = mapped_column(ForeignKey("review_round.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    weight_percent: Mapped[int] = mapped_column(default=100)

    round: Mapped[Round] = relationship(back_populates="groups")


class RubricTemplate(Base):
    """A reusable rubric: criteria kept as data and copied into a round when used."""

    __tablename__ = "rubric_template"

    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(60), unique=True)
    criteria: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = created_at()
