"""Figures for the dashboard and `psp info`.

These are read with plain SQL through a DB-API connection, so the first page can be shown from the database
file before SQLAlchemy and the models are loaded (they take most of a cold start). The SQL is portable between
SQLite and PostgreSQL and takes no parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dbfile import connect_read_only
from ..enums import CompetitionStatus, ProposalStatus, ServiceDomain

if TYPE_CHECKING:
    from ..db import Database

COUNTED = {
    "competitions": "competition",
    "organizations": "organization",
    "proposals": "proposal",
    "needs": "community_need",
    "communities": "community",
    "judges": "judge",
    "documents": "issued_document",
}

SCREENED = (ProposalStatus.ELIGIBLE, ProposalStatus.IN_REVIEW, ProposalStatus.RANKED)
_SCREENED_SQL = ", ".join(f"'{s.value}'" for s in SCREENED)
_DRAFT_SQL = f"'{ProposalStatus.DRAFT.value}'"


@dataclass(frozen=True, slots=True)
class DomainLine:
    domain: ServiceDomain
    proposals: int
    eligible: int
    requested_fen: int
    needs: int


@dataclass(frozen=True, slots=True)
class CompetitionSummary:
    id: int
    name: str
    year: int
    status: CompetitionStatus
    pool_fen: int
    project_cap_fen: int
    proposals: int
    eligible: int
    requested_fen: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    counts: dict[str, int]
    current: CompetitionSummary | None
    domains: list[DomainLine]


def counts(db: Database) -> dict[str, int]:
    with _raw(db) as conn:
        return _counts(conn)


def dashboard(db: Database) -> Dashboard:
    with _raw(db) as conn:
        return read_dashboard(conn)


def dashboard_from_file(path: Path) -> Dashboard:
    """The dashboard read straight from an SQLite file, read-only (used while the app is still starting)."""
    conn = connect_read_only(path)
    try:
        return read_dashboard(conn)
    finally:
        conn.close()


class _raw:
    def __init__(self, db: Database) -> None:
        self.conn = db.engine.raw_connection()

    def __enter__(self) -> Any:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    cursor = conn.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _counts(conn: Any) -> dict[str, int]:
    sql = " UNION ALL ".join(f"SELECT '{name}', COUNT(*) FROM {table}" for name, table in COUNTED.items())
    return {name: int(n) for name, n in _rows(conn, sql)}


def read_dashboard(conn: Any) -> Dashboard:
    """The most recent competition, what it asks of its pool, and proposals and needs by service domain."""
    current = _rows(conn, "SELECT id, name, year, status, pool_fen, project_cap_fen FROM competition "
                          "ORDER BY year DESC, id DESC LIMIT 1")
    summary = _summary(conn, current[0]) if current else None
    domains = _domains(conn, summary.id) if summary else []
    return Dashboard(_counts(conn), summary, domains)


def _proposal_figures() -> str:
    return (f"COUNT(*) FILTER (WHERE status <> {_DRAFT_SQL}), "
            f"COUNT(*) FILTER (WHERE status IN ({_SCREENED_SQL})), "
            f"COALESCE(SUM(requested_fen) FILTER (WHERE status <> {_DRAFT_SQL}), 0)")


def _summary(conn: Any, row: tuple[Any, ...]) -> CompetitionSummary:
    competition_id = int(row[0])
    figures = _rows(conn, f"SELECT {_proposal_figures()} FROM proposal WHERE competition_id = {competition_id}")[0]
    return CompetitionSummary(competition_id, row[1], int(row[2]), CompetitionStatus(row[3]), int(row[4]),
                              int(row[5]), int(figures[0]), int(figures[1]), int(figures[2]))


def _domains(conn: Any, competition_id: int) -> list[DomainLine]:
    by_domain = {r[0]: r for r in _rows(conn, f"SELECT domain, {_proposal_figures()} FROM proposal "
                                              f"WHERE competition_id = {int(competition_id)} GROUP BY domain")}
    needs = dict(_rows(conn, "SELECT domain, COUNT(*) FROM community_need GROUP BY domain"))
    lines = []
    for domain in ServiceDomain:
        r = by_domain.get(domain.value)
        if r is None and not needs.get(domain.value):
            continue
        lines.append(DomainLine(domain, int(r[1]) if r else 0, int(r[2]) if r else 0, int(r[3]) if r else 0,
                                int(needs.get(domain.value, 0))))
    return lines
