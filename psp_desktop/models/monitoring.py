"""Implementation monitoring and third-party evaluation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned, created_at, enum_column, fen, non_negative, pk
from .enums import BudgetCategory, EvaluationGrade, EvaluationKind


class ProgressReport(Versioned, Base):
    """A progress report (进度报告) due on a date; late reports can fail a funding gate."""

    __tablename__ = "progress_report"
    __table_args__ = (*non_negative("activities_held", "people_served"),)

    id: Mapped[int] = pk()
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    seq: Mapped[int] = mapped_column(default=1)
    due_on: Mapped[dt.date]
    submitted_on: Mapped[dt.date | None]
    activities_held: Mapped[int] = mapped_column(default=0)
    people_served: Mapped[int] = mapped_column(default=0)
    narrative: Mapped[str] = mapped_column(Text, default="")
    late_failed_on: Mapped[dt.date | None]  # the day the late-report rule failed a gate for it (once)

    spending: Mapped[list[ReportSpending]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )
    files: Mapped[list[ReportFile]] = relationship(back_populates="report", cascade="all, delete-orphan")


class ReportFile(Base):
    """A photo or document handed in with a progress report, kept in the file store by SHA-256."""

    __tablename__ = "report_file"
    __table_args__ = (*non_negative("size_bytes"),)

    id: Mapped[int] = pk()
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(default=0)

    report: Mapped[ProgressReport] = relationship(back_populates="files")


class ReportSpending(Base):
    """Spending by budget category in a progress report, compared with the approved budget."""

    __tablename__ = "report_spending"
    __table_args__ = (UniqueConstraint("report_id", "category"), *non_negative("amount_fen"))

    id: Mapped[int] = pk()
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), index=True)
    category: Mapped[BudgetCategory] = enum_column(BudgetCategory)
    amount_fen: Mapped[int] = fen()

    report: Mapped[ProgressReport] = relationship(back_populates="spending")


class SiteVisit(Base):
    """A site visit (实地走访) with findings and any rectification required."""

    __tablename__ = "site_visit"

    id: Mapped[int] = pk()
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    visited_on: Mapped[dt.date]
    visitor: Mapped[str] = mapped_column(String(60))
    findings: Mapped[str] = mapped_column(Text, default="")
    rectification_required: Mapped[bool] = mapped_column(default=False)
    rectification: Mapped[str] = mapped_column(Text, default="")
    rectified_on: Mapped[dt.date | None]


class Evaluator(Base):
    """A third-party assessment agency (第三方评估机构) or one of its people."""

    __tablename__ = "evaluator"

    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(60))
    agency: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    conflict_org_ids: Mapped[list[Any]] = mapped_column(default=list)


class IndicatorSet(Base):
    """An evaluation indicator template (100 points, bonus/penalty items) and grade thresholds."""

    __tablename__ = "indicator_set"

    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[EvaluationKind] = enum_column(EvaluationKind)
    indicators: Mapped[list[Any]] = mapped_column(default=list)  # [{name, max_points_x100, bonus}]
    grade_thresholds: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = created_at()


class Evaluation(Versioned, Base):
    """A mid-term or final evaluation of a funded project; its result drives the funding gates."""

    __tablename__ = "evaluation"
    __table_args__ = (
        UniqueConstraint("award_id", "kind"),
        CheckConstraint("total_x100 IS NULL OR total_x100 >= 0", name="total_non_negative"),
    )

    id: Mapped[int] = pk()
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    kind: Mapped[EvaluationKind] = enum_column(EvaluationKind)
    indicator_set_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_set.id"))
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("evaluator.id"))
    evaluated_on: Mapped[dt.date | None]
    total_x100: Mapped[int | None]
    grade: Mapped[EvaluationGrade | None] = enum_column(EvaluationGrade, nullable=True)
    passed: Mapped[bool | None]
    narrative: Mapped[str] = mapped_column(Text, default="")
    objection_until: Mapped[dt.date | None]
    objection: Mapped[str] = mapped_column(Text, default="", server_default="")  # raised in the window
    objection_resolution: Mapped[str] = mapped_column(Text, default="", server_default="")
    final: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = created_at()

    scores: Mapped[list[EvaluationScore]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan"
    )


class EvaluationScore(Base):
    __tablename__ = "evaluation_score"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "indicator"),
        CheckConstraint("points_x100 <= max_points_x100", name="points_within_max"),
    )

    id: Mapped[int] = pk()
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(60))
    points_x100: Mapped[int]  # penalty items may be negative
    max_points_x100: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")

    evaluation: Mapped[Evaluation] = relationship(back_populates="scores")


