"""The read services over the demo competition, on SQLite and PostgreSQL: the figures are the data's own."""

from __future__ import annotations

from sqlalchemy import func, select

from psp_desktop.db import Database
from psp_desktop.enums import ProposalStatus
from psp_desktop.models import Competition, Organization, Proposal
from psp_desktop.services import demo, issuing, lists, overview


def _demo(database: Database) -> Database:
    demo.create_demo(database)
    return database


def test_dashboard_figures_match_the_rows(database: Database) -> None:
    _demo(database)
    board = overview.dashboard(database)
    with database.read() as s:
        everything = s.scalars(select(Proposal)).all()
        competition = s.scalars(select(Competition).order_by(Competition.year.desc()).limit(1)).one()
    proposals = [p for p in everything if p.competition_id == competition.id]  # the dashboard's is the latest
    submitted = [p for p in proposals if p.status != ProposalStatus.DRAFT]
    screened = [p for p in proposals if p.status in overview.SCREENED]
    assert board.counts["proposals"] == len(everything)
    assert board.current is not None and board.current.name == competition.name
    assert board.current.pool_fen == competition.pool_fen
    assert board.current.proposals == len(submitted)
    assert board.current.eligible == len(screened)
    assert board.current.requested_fen == sum(p.requested_fen for p in submitted)
    assert sum(line.proposals for line in board.domains) == len(submitted)
    assert sum(line.requested_fen for line in board.domains) == board.current.requested_fen


def test_dashboard_of_an_empty_database(database: Database) -> None:
    board = overview.dashboard(database)
    assert board.current is None and board.domains == []
    assert set(board.counts.values()) == {0}


def test_dashboard_read_from_the_file_equals_the_service(database: Database) -> None:
    _demo(database)
    if database.path is None:  # the file path is for SQLite only
        return
    assert overview.dashboard_from_file(database.path) == overview.dashboard(database)


def test_register_lists_cover_every_row(database: Database) -> None:
    _demo(database)
    with database.read() as s:
        organizations = s.scalar(select(func.count()).select_from(Organization))
    rows = lists.organizations(database)
    assert len(rows) == organizations
    assert sum(r.proposals for r in rows) == len(lists.proposal_ids(database))
    assert len(lists.needs(database)) == overview.counts(database)["needs"]
    # this year's, 2025's two and the tender's committee, then 2024's
    assert [r.seq for r in lists.rounds(database)] == [1, 2, 1, 2, 1, 1, 2]
    assert all(r.max_total_x100 == 10_000 for r in lists.rounds(database))
    assert len(lists.judges(database)) == overview.counts(database)["judges"]
    assert len(issuing.entries(database)) == 27  # the 2024 ceremony's certificates and letters
    assert lists.competitions(database)[0].proposals == overview.dashboard(database).current.proposals


def test_proposal_ids_sort_and_search(database: Database) -> None:
    _demo(database)
    ids = lists.proposal_ids(database)
    by_amount = lists.proposal_rows(database, lists.proposal_ids(database, sort="requested_fen", descending=True))
    assert [r.requested_fen for r in by_amount] == sorted((r.requested_fen for r in by_amount), reverse=True)
    numbered = lists.proposal_rows(database, lists.proposal_ids(database, sort="intake_number"))
    numbers = [r.intake_number for r in numbered]
    first_draft = numbers.index("")
    assert numbers[:first_draft] == sorted(numbers[:first_draft]) and set(numbers[first_draft:]) == {""}
    organization = by_amount[0].organization
    found = lists.proposal_rows(database, lists.proposal_ids(database, search=organization))
    assert found and all(r.organization == organization for r in found)
    assert lists.proposal_ids(database, search="不存在的项目名称") == []
    assert sorted(lists.proposal_rows(database, ids[:5]), key=lambda r: r.id) == sorted(
        lists.proposal_rows(database, list(reversed(ids[:5]))), key=lambda r: r.id)
    assert [r.id for r in lists.proposal_rows(database, ids[:5])] == ids[:5]


def test_demo_is_deterministic(database: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.db import open_database

    _demo(database)
    other = open_database(tmp_path / "again.db")
    try:
        demo.create_demo(other)
        rows = lists.proposal_rows(database, lists.proposal_ids(database, sort="intake_number"))
        again = lists.proposal_rows(other, lists.proposal_ids(other, sort="intake_number"))
        assert [(r.intake_number, r.title, r.organization, r.requested_fen) for r in rows] == [
            (r.intake_number, r.title, r.organization, r.requested_fen) for r in again]
    finally:
        other.close()
