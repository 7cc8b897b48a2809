"""An upgrade keeps the user's data: the previous release's demo database (schema 0006, tests/data) opened with
this build is backed up first, brought to the head revision, keeps every row, its change log still verifies and
the app's main queries work on it.

A database of a newer version is refused and left byte-for-byte unchanged: test_database.py
(test_refused_file_is_left_byte_for_byte_unchanged[newer_revision], test_newer_revision_is_refused_on_every_backend)
and test_shared_database.py for PostgreSQL."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from psp_desktop import migrations
from psp_desktop.db import Database, open_database
from psp_desktop.services import audit, dashboard_data, finance, lists, overview

OLD_DEMO = Path(__file__).resolve().parents[1] / "data" / "previous-release-demo.db.gz"
OLD_REVISION = "0006"


def table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%'")]
        return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        conn.close()


def revision(path: Path) -> str:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, int], Database]]:
    """The old demo unpacked, counted, then opened (so upgraded) by this build once for the module."""
    path = tmp_path_factory.mktemp("office") / "psp.db"
    with gzip.open(OLD_DEMO, "rb") as packed, path.open("wb") as out:
        shutil.copyfileobj(packed, out)
    assert revision(path) == OLD_REVISION != migrations.HEAD
    before = table_counts(path)
    database = open_database(path)
    yield path, before, database
    database.close()


def test_the_old_file_is_backed_up_first_at_its_own_revision(upgraded: tuple[Path, dict[str, int], Database]) -> None:
    path, before, _db = upgraded
    backups = list((path.parent / "backups").glob(f"psp-before-{migrations.HEAD}-*.db"))
    assert len(backups) == 1
    assert revision(backups[0]) == OLD_REVISION
    assert table_counts(backups[0]) == before


def test_it_is_upgraded_to_head_with_every_row_kept(upgraded: tuple[Path, dict[str, int], Database]) -> None:
    path, before, _db = upgraded
    assert revision(path) == migrations.HEAD
    after = table_counts(path)
    assert set(before) <= set(after)  # the release only adds tables
    assert {name: after[name] for name in before} == before
    assert before["proposal"] > 0 and before["audit_entry"] > 0 and before["payment"] > 0


def test_its_change_log_still_verifies(upgraded: tuple[Path, dict[str, int], Database]) -> None:
    report = audit.verify(upgraded[2])
    assert report.problem is None, report.problem
    assert report.checked > 0


def test_the_main_queries_work_on_it(upgraded: tuple[Path, dict[str, int], Database]) -> None:
    db = upgraded[2]
    assert lists.needs(db) and lists.organizations(db) and lists.competitions(db) and lists.judges(db)
    ids = lists.proposal_ids(db, sort="title")
    assert len(lists.proposal_rows(db, ids[:50])) == min(50, len(ids)) > 0
    assert lists.rounds(db)
    assert overview.dashboard(db) is not None
    figures = dashboard_data.figures(db)
    assert figures is not None
    assert finance.rows(db)
