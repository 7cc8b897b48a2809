"""Alembic migrations shipped inside the package. The chain is also listed here so start-up can tell whether
a database is current, older or newer without importing Alembic (a test keeps the two in step)."""

from __future__ import annotations

from pathlib import Path

REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
HEAD = REVISIONS[-1]
SCRIPT_LOCATION = Path(__file__).resolve().parent
