"""Judges, panels, conflicts, assignments, score sheets, paper double entry, frozen results, judge laptops."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned, created_at, enum_column, pk
from .enums import ConflictSource, SheetStatus


class Judge(Versioned, Base):
    """A judge on the roster (评审专家 or 大众评审)."""

    __tablename__ = "judge"

    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(40))
    affiliation: Mapped[str] = mapped_column(String(120), default="")
    affiliation_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    title: Mapped[str] = mapped_column(String(60), default="")  # 职称
    expertise: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(100), default="")
    is_public_juror: Mapped[bool] = mapped_column(default=False)
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    active: Mapped[bool] = mapped_column(default=True)


class Panel(Base):
    """A panel of judges serving one round (评审组)."""

    __tablename__ = "panel"
    __table_args__ = (UniqueConstraint("round_id", "name"),)

    id: Mapped[int] = pk()
    round_id: Mapped[int] = mapped_column(ForeignKey("review_round.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    venue: Mapped[str] = mapped_column(String(100), default="")

    members: Mapped[list[PanelMember]] = relationship(back_populates="panel", cascade="all, delete-orphan")


class PanelMember(Base):
    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("panel_id", "judge_id"),)

    id: Mapped[int] = pk()
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("judge_group.id"))
    is_chair: Mapped[bool] = mapped_column(default=False)

    panel: Mapped[Panel] = relationship(back_populates="members")
    judge: Mapped[Judge] = relationship()


class ConflictDeclaration(Base):
    """A judge ↔ organization conflict of interest (回避), declared or found automatically."""

    __tablename__ = "conflict_declaration"
    __table_args__ = (UniqueConstraint("judge_id", "organization_id"),)

    id: Mapped[int] = pk()
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    source: Mapped[ConflictSource] = enum_column(ConflictSource, default=ConflictSource.DECLARED)
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[dt.datetime] = created_at()


class Assignment(Base):
    """A proposal given to a judge in a round."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("round_id", "judge_id", "proposal_id"),)

    id: Mapped[int] = pk()
    round_id: Mapped[int] = mapped_column(ForeignKey("review_round.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panel.id"))
    manual: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = created_at()

    sheet: Mapped[ScoreSheet | None] = relationship(back_populates="assignment", uselist=False)


class ScoreSheet(Versioned, Base):
    """One judge's sheet for one proposal in one round; locked once submitted."""

    __tablename__ = "score_sheet"

    id: Mapped[int] = pk()
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), unique=True)
    status: Mapped[SheetStatus] = enum_column(SheetStatus, default=SheetStatus.OPEN)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reopened_reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="screen")  # screen / paper / laptop

    assignment: Mapped[Assignment] = relationship(back_populates="sheet")
    scores: Mapped[list[Score]] = relationship(back_populates="sheet", cascade="all, delete-orphan")


class Score(Base):
    """Points for one criterion in hundredths; the criterion's maximum is copied so the database checks it."""

    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("sheet_id", "criterion_id"),
        CheckConstraint("points_x100 >= 0", name="points_non_negative"),
        CheckConstraint("points_x100 <= max_points_x100", name="points_within_max"),
    )

    id: Mapped[int] = pk()
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    points_x100: Mapped[int]
    max_points_x100: Mapped[int]

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")


class PaperEntry(Base):
    """One keying of a paper ballot; a sheet counts when two different users' entries agree."""

    __tablename__ = "paper_entry"
    __table_args__ = (
        UniqueConstraint("assignment_id", "pass_no"),
        CheckConstraint("pass_no IN (1, 2)", name="pass_no_range"),
    )

    id: Mapped[int] = pk()
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    pass_no: Mapped[int]
    entered_by: Mapped[str] = mapped_column(String(40))
    points: Mapped[dict[str, Any]] = mapped_column(default=dict)  # criterion id → points ×100
    entered_at: Mapped[dt.datetime] = created_at()


class RoundSnapshot(Base):
    """Frozen results of a round (announced), with the SHA-256 of their canonical content."""

    __tablename__ = "round_snapshot"

    id: Mapped[int] = pk()
    round_id: Mapped[int] = mapped_column(ForeignKey("review_round.id"), index=True)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sha256: Mapped[str] = mapped_column(String(64))
    frozen_by: Mapped[str] = mapped_column(String(40))
    frozen_at: Mapped[dt.datetime] = created_at()
    reopened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reopen_reason: Mapped[str] = mapped_column(Text, default="")


class Laptop(Base):
    """A judge laptop registered by the office with its Ed25519 public key."""

    __tablename__ = "laptop"

    id: Mapped[int] = pk()
    name: Mapped[str] = mapped_column(String(60), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    registered_at: Mapped[dt.datetime] = created_at()


class ImportedArtifact(Base):
    """A signed file brought in by USB; its hash refuses replays."""

    __tablename__ = "imported_artifact"
    __table_args__ = (CheckConstraint("length(sha256) = 64", name="sha256_length"),)

    id: Mapped[int] = pk()
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    artifact_type: Mapped[str] = mapped_column(String(40))
    laptop_id: Mapped[int | None] = mapped_column(ForeignKey("laptop.id"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("review_round.id"))
    sequence: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[dt.datetime] = created_at()
