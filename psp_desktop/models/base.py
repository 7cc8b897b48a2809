"""Declarative base, naming convention and the small column helpers every table uses."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, DateTime, Enum, Integer, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Names for every constraint, so Alembic batch mode on SQLite can drop and recreate them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, dt.datetime: DateTime(timezone=False)}


def pk() -> Mapped[int]:
    return mapped_column(Integer, primary_key=True)


def fen(*, nullable: bool = False, default: int | None = 0) -> Mapped[Any]:
    """An amount of money in integer fen (分)."""
    return mapped_column(BigInteger, nullable=nullable, default=default)


def non_negative(*columns: str) -> list[CheckConstraint]:
    """CHECK constraints that keep money and counts from going below zero."""
    return [CheckConstraint(f"{c} >= 0", name=f"{c}_non_negative") for c in columns]


def enum_column(enum_cls: type[enum.Enum], **kw: Any) -> Mapped[Any]:
    """Stores the enum's value as text; the values may grow in later versions without a table rebuild."""
    return mapped_column(
        Enum(enum_cls, native_enum=False, create_constraint=False, length=32,
             values_callable=lambda e: [m.value for m in e], validate_strings=True),
        **kw,
    )


def created_at() -> Mapped[dt.datetime]:
    return mapped_column(DateTime, server_default=func.current_timestamp(), nullable=False)


class Versioned:
    """Optimistic locking: a second save of a stale row is refused instead of overwriting the first."""

    row_version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.row_version}  # type: ignore[attr-defined]
