"""The database itself refuses bad data: unique codes, negative money, scores above the maximum, dangling
references, and stale writes. Runs on every backend (SQLite, and PostgreSQL when PSP_TEST_PG_URL is set)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import BigInteger, Float, Integer, Numeric, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from psp_desktop.db import Database
from psp_desktop.models import (
    Assignment,
    Award,
    Base,
    BudgetCategory,
    BudgetLine,
    Competition,
    Criterion,
    Judge,
    Organization,
    OrgType,
    Payment,
    Proposal,
    Round,
    RoundKind,
    Score,
    ScoreSheet,
    ServiceDomain,
    Tranche,
)

USCC = "52420106MJ1234567Y"


def add(session: Session, obj: Any) -> Any:
    session.add(obj)
    session.flush()
    return obj


def competition(session: Session, name: str = "2024年公益创投大赛") -> Competition:
    return add(session, Competition(name=name, year=2024, pool_fen=100_000_000, project_cap_fen=5_000_000))


def organization(session: Session, name: str = "阳光为老服务中心", uscc: str | None = USCC) -> Organization:
    return add(session, Organization(name=name, uscc=uscc, org_type=OrgType.SERVICE_AGENCY))


def proposal(session: Session, comp: Competition, org: Organization, **kw: Any) -> Proposal:
    kw.setdefault("title", "银龄陪伴计划")
    return add(session, Proposal(competition_id=comp.id, organization_id=org.id, domain=ServiceDomain.ELDERLY, **kw))


def review_round(session: Session, comp: Competition) -> Round:
    return add(session, Round(competition_id=comp.id, seq=1, name="书面评审", kind=RoundKind.WRITTEN))


def score_sheet(session: Session) -> tuple[ScoreSheet, Criterion]:
    comp = competition(session)
    prop = proposal(session, comp, organization(session))
    rnd = review_round(session, comp)
    crit = add(session, Criterion(round_id=rnd.id, seq=1, name="需求分析", max_points_x100=2000))
    judge = add(session, Judge(name="孙教授"))
    assignment = add(session, Assignment(round_id=rnd.id, judge_id=judge.id, proposal_id=prop.id))
    return add(session, ScoreSheet(assignment_id=assignment.id)), crit


def tranche(session: Session) -> Tranche:
    comp = competition(session)
    prop = proposal(session, comp, organization(session))
    award = add(session, Award(proposal_id=prop.id, competition_id=comp.id, amount_fen=5_000_000))
    return add(session, Tranche(award_id=award.id, seq=1, amount_fen=2_500_000))


def refused(database: Database, build: Any) -> None:
    """build(session) inside one write transaction must be refused by the database, and nothing is kept."""
    with pytest.raises(IntegrityError), database.write() as session:
        build(session)


# --- uniqueness -------------------------------------------------------------------------------------------


def test_duplicate_uscc_is_refused(database: Database) -> None:
    with database.write() as session:
        organization(session)
    refused(database, lambda s: organization(s, name="另一个机构"))
    with database.read() as session:
        assert session.scalars(select(Organization.name)).all() == ["阳光为老服务中心"]


def test_organizations_without_uscc_may_coexist(database: Database) -> None:
    """Older organizations are identified by a 登记证号; a missing USCC is not a duplicate."""
    with database.write() as session:
        organization(session, name="甲", uscc=None)
        organization(session, name="乙", uscc=None)
    with database.read() as session:
        assert len(session.scalars(select(Organization)).all()) == 2


def test_intake_number_is_unique_per_competition(database: Database) -> None:
    with database.write() as session:
        first, second = competition(session, "第一届"), competition(session, "第二届")
        org = organization(session)
        proposal(session, first, org, intake_number="2024-001")
        proposal(session, second, org, intake_number="2024-001")  # another competition: allowed
        proposal(session, first, org, intake_number=None)
        proposal(session, first, org, intake_number=None)  # not yet numbered: allowed
        ids = first.id, org.id
    refused(database, lambda s: add(s, Proposal(competition_id=ids[0], organization_id=ids[1], title="重复",
                                                domain=ServiceDomain.OTHER, intake_number="2024-001")))


def test_blank_organization_name_is_refused(database: Database) -> None:
    refused(database, lambda s: organization(s, name="  "))


# --- money and scores -------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["requested_fen", "matching_fen", "total_budget_fen", "bid_price_fen"])
def test_negative_proposal_money_is_refused(database: Database, field: str) -> None:
    def build(session: Session) -> None:
        proposal(session, competition(session), organization(session), **{field: -1})

    refused(database, build)
    with database.read() as session:
        assert session.scalars(select(Proposal)).all() == []


def test_negative_budget_line_is_refused(database: Database) -> None:
    def build(session: Session) -> None:
        prop = proposal(session, competition(session), organization(session))
        add(session, BudgetLine(proposal_id=prop.id, category=BudgetCategory.ACTIVITY, item="场地", amount_fen=-100))

    refused(database, build)


def test_negative_pool_is_refused(database: Database) -> None:
    refused(database, lambda s: add(s, Competition(name="负数", year=2024, pool_fen=-1)))


@pytest.mark.parametrize("amount", [0, -5])
def test_payment_must_be_positive(database: Database, amount: int) -> None:
    def build(session: Session) -> None:
        add(session, Payment(tranche_id=tranche(session).id, amount_fen=amount, paid_on=dt.date(2024, 6, 1),
                             voucher_number="记-0001", paid_by="财务"))

    refused(database, build)


def test_payment_of_one_fen_is_accepted(database: Database) -> None:
    with database.write() as session:
        add(session, Payment(tranche_id=tranche(session).id, amount_fen=1, paid_on=dt.date(2024, 6, 1),
                             voucher_number="记-0001", paid_by="财务"))
    with database.read() as session:
        assert session.scalars(select(Payment.amount_fen)).all() == [1]


def test_score_above_maximum_is_refused(database: Database) -> None:
    def build(session: Session) -> None:
        sheet, crit = score_sheet(session)
        add(session, Score(sheet_id=sheet.id, criterion_id=crit.id, points_x100=2001, max_points_x100=2000))

    refused(database, build)


def test_score_at_maximum_is_accepted_and_negative_refused(database: Database) -> None:
    with database.write() as session:
        sheet, crit = score_sheet(session)
        add(session, Score(sheet_id=sheet.id, criterion_id=crit.id, points_x100=2000, max_points_x100=2000))
        ids = sheet.id, crit.id
    with database.write() as session:
        session.execute(Score.__table__.delete())
    refused(database, lambda s: add(s, Score(sheet_id=ids[0], criterion_id=ids[1], points_x100=-50,
                                             max_points_x100=2000)))


@pytest.mark.parametrize("max_points", [0, -100])
def test_criterion_maximum_must_be_positive(database: Database, max_points: int) -> None:
    def build(session: Session) -> None:
        rnd = review_round(session, competition(session))
        add(session, Criterion(round_id=rnd.id, seq=1, name="创新性", max_points_x100=max_points))

    refused(database, build)


def test_large_amounts_survive_exactly(database: Database) -> None:
    """Beyond 2**53 a float (or SQLite's REAL for Numeric) would change the last digits."""
    amount = 2**53 + 1
    with database.write() as session:
        comp_id = add(session, Competition(name="大额", year=2024, pool_fen=amount)).id
    with database.read() as session:
        assert session.get(Competition, comp_id).pool_fen == amount


# --- references -------------------------------------------------------------------------------------------


def test_proposal_for_missing_organization_is_refused(database: Database) -> None:
    def build(session: Session) -> None:
        comp = competition(session)
        add(session, Proposal(competition_id=comp.id, organization_id=9999, title="无主", domain=ServiceDomain.OTHER))

    refused(database, build)
    with database.read() as session:
        assert session.scalars(select(Competition)).all() == []  # the whole transaction was rolled back


def test_organization_with_proposals_cannot_be_deleted(database: Database) -> None:
    with database.write() as session:
        org = organization(session)
        proposal(session, competition(session), org)
        org_id = org.id
    refused(database, lambda s: (s.execute(Organization.__table__.delete().where(Organization.id == org_id))))


# --- optimistic locking -----------------------------------------------------------------------------------


def test_second_stale_save_is_refused(database: Database) -> None:
    with database.write() as session:
        org_id = organization(session).id
    first, second = database.sessions(), database.sessions()
    try:
        mine, theirs = first.get(Organization, org_id), second.get(Organization, org_id)
        assert mine is not None and theirs is not None
        mine.contact_phone = "027-11111111"
        theirs.contact_phone = "027-22222222"
        first.commit()
        with pytest.raises(StaleDataError):
            second.commit()
        second.rollback()
    finally:
        first.close()
        second.close()
    with database.read() as session:
        saved = session.get(Organization, org_id)
        assert saved is not None
        assert (saved.contact_phone, saved.row_version) == ("027-11111111", 2)


# --- column types -----------------------------------------------------------------------------------------


def money_columns() -> list[tuple[str, str]]:
    return [
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if column.name.endswith("_fen")
    ]


def test_every_money_column_is_a_big_integer() -> None:
    columns = money_columns()
    assert len(columns) >= 15  # the domain has many amounts; an empty list would prove nothing
    wrong = [f"{t}.{c}" for t, c in columns if not isinstance(Base.metadata.tables[t].c[c].type, BigInteger)]
    assert wrong == []


def test_no_column_is_float_or_decimal() -> None:
    inexact = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, Float | Numeric) and not isinstance(column.type, Integer)
    ]
    assert inexact == []


def test_money_columns_are_integers_in_the_database(database: Database) -> None:
    with database.engine.connect() as conn:
        inspector = inspect(conn)
        types = {
            (table, col["name"]): col["type"]
            for table in {t for t, _c in money_columns()}
            for col in inspector.get_columns(table)
        }
    wrong = {f"{t}.{c}": repr(types[(t, c)]) for t, c in money_columns() if not isinstance(types[(t, c)], Integer)}
    assert wrong == {}
