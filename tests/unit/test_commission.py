"""Project commission (psp_desktop.services.commission) on SQLite and PostgreSQL: a commissioned project written end
to end (proposal, stored checks, award with tranches, audit entry), then signed and paid like any award; every
refusal leaves the database as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from psp_desktop.db import Database
from psp_desktop.enums import (
    AwardStatus,
    BudgetCategory,
    CompetitionMode,
    CompetitionStatus,
    InspectionResult,
    OrgType,
    ProposalStatus,
    Rating,
    Role,
    ServiceDomain,
    TrancheStatus,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    AuditEntry,
    Award,
    CommunityNeed,
    Competition,
    EligibilityCheck,
    Organization,
    OrganizationBar,
    Proposal,
    Tranche,
)
from psp_desktop.services import access, allocation, audit, commission, tranches
from psp_desktop.services.access import Actor
from psp_desktop.services.commission import CommissionInput
from psp_desktop.services.proposals import BudgetLineData

W = 1_000_000  # 万 in fen
TODAY = dt.date(2026, 5, 10)


def setup(db: Database, *, mode: CompetitionMode = CompetitionMode.COMMISSION, rules: dict[str, Any] | None = None,
          pool: int = 50 * W, cap: int = 20 * W, **org: Any) -> tuple[int, int]:
    """A commission programme (min. 3 years' registration, rating 3A) and a clean organization; their ids."""
    with db.write() as s:
        comp = Competition(name=f"2026年望江街道服务委托（{mode.value}）", year=2026, mode=mode, pool_fen=pool,
                           project_cap_fen=cap, status=CompetitionStatus.IMPLEMENTING,
                           rules=rules if rules is not None else {"min_registration_years": 3, "min_rating": "3A"})
        values: dict[str, Any] = dict(
            name="望江阳光社会工作服务中心", org_type=OrgType.SERVICE_AGENCY, registered_on=dt.date(2019, 5, 20),
            inspection_result=InspectionResult.PASSED, rating=Rating.A4, has_bank_account=True,
            bank_name="工商银行", bank_account="6222000011112222")
        values.update(org)
        organization = Organization(**values)
        s.add_all([comp, organization])
        s.flush()
        return comp.id, organization.id


def data(comp: int, org: int, **changes: Any) -> CommissionInput:
    base = CommissionInput(
        competition_id=comp, organization_id=org, title="独居老人助餐服务", domain=ServiceDomain.ELDERLY,
        amount_fen=12 * W, justification="该机构承接本街道助餐点三年，服务对象稳定，经主任办公会研究直接委托。",
        approved_by="王主任", start_month=dt.date(2026, 6, 1), end_month=dt.date(2027, 5, 1),
        direct_beneficiaries=240, indirect_beneficiaries=600, target_group="独居老人", location="望江社区",
        budget_lines=(BudgetLineData(BudgetCategory.ACTIVITY, "助餐补贴", 10 * W, 1),
                      BudgetLineData(BudgetCategory.PERSONNEL, "助餐员", 1 * W, 3)),
        on=TODAY)
    return dataclasses.replace(base, **changes)


def counts(db: Database) -> tuple[int, ...]:
    with db.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) or 0
                     for t in (Proposal, EligibilityCheck, Award, Tranche, AuditEntry))


def test_a_commissioned_project_is_funded_checked_and_logged(database: Database) -> None:
    comp, org = setup(database, registered_on=dt.date(2024, 9, 1))  # too young: shown, not blocking
    with database.write() as s:
        s.add(CommunityNeed(community_id=_community(s), domain=ServiceDomain.ELDERLY, title="老人吃饭难",
                            source="survey", collected_on=dt.date(2026, 1, 5)))
    with database.read() as s:
        need = s.scalars(select(CommunityNeed.id)).one()
    done = commission.assign(database, data(comp, org, need_ids=[need]))
    with database.read() as s:
        proposal = s.get(Proposal, done.proposal_id)
        award = s.get(Award, done.award_id)
        assert proposal.status is ProposalStatus.AWARDED
        assert (proposal.requested_fen, proposal.matching_fen, proposal.total_budget_fen) == (12 * W, 1 * W, 13 * W)
        assert proposal.commission_approved_by == "王主任" and "主任办公会" in proposal.commission_justification
        assert proposal.intake_number == done.intake_number == "2026-001"
        assert [n.id for n in proposal.needs] == [need] and len(proposal.budget_lines) == 2
        assert (award.amount_fen, award.status, award.matching_committed_fen) == (12 * W, AwardStatus.COMMITTED, W)
        assert [t.amount_fen for t in award.tranches] == [6 * W, 6 * W]  # the default 50/50 schedule
    # the checks are stored and read back like screening's: registration fails, the credit lists always checked
    shown = {c.code: c.passed for c in commission.checks(database, done.proposal_id) if not c.manual}
    assert shown == {"registration_years": False, "rating": True, "request_cap": True, "credit_lists": True}
    failed = next(c for c in done.checks if c.code == "registration_years")
    assert failed.render() == "Registered on 2024-09-01: less than 3 year(s) by 2026-05-10"
    # the award goes on as any other: agreement, tranches, payment, the pool
    later = dt.date(2026, 6, 1)
    number = tranches.sign(database, done.award_id, dt.date(2026, 5, 20), today=later)
    first, _second = _tranche_ids(database, done.award_id)
    tranches.approve(database, first, today=later)
    tranches.pay(database, first, dt.date(2026, 5, 25), "PZ-WT-1", today=later)
    with database.read() as s:
        assert s.get(Award, done.award_id).agreement_number == number
        assert s.get(Tranche, first).status is TrancheStatus.PAID
    assert allocation.pool(database, comp) == allocation.Pool(50 * W, 12 * W, 6 * W)
    # the change log holds the justification and the approver
    with database.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "commission.assign")).one()
    assert (entry.entity, entry.entity_id, entry.username) == ("award", done.award_id, "tester")
    assert entry.after["approved_by"] == "王主任" and entry.after["justification"].startswith("该机构承接")
    assert entry.after["amount_fen"] == 12 * W
    assert {"code": "registration_years", "passed": False} in entry.after["checks"]
    assert audit.verify(database).ok


def test_without_budget_lines_the_budget_is_the_amount(database: Database) -> None:
    comp, org = setup(database, rules={})
    award_id = commission.commission(database, data(comp, org, budget_lines=()))
    with database.read() as s:
        award = s.get(Award, award_id)
        proposal = s.get(Proposal, award.proposal_id)
        assert (proposal.total_budget_fen, proposal.matching_fen, award.amount_fen) == (12 * W, 0, 12 * W)


@pytest.mark.parametrize(("changes", "message"), [
    ({"justification": "   "}, "needs its justification"),
    ({"justification": "理" * 2001}, "2001 characters long; at most 2000"),
    ({"approved_by": ""}, "person who approved it"),
    ({"amount_fen": 0}, "more than zero"),
    ({"amount_fen": -5}, "more than zero"),
    ({"amount_fen": 21 * W, "budget_lines": ()}, "above the cap per project of 200,000.00"),
    ({"organization_id": 999}, "no organization with number 999"),
    ({"competition_id": 999}, "no competition with number 999"),
    ({"title": " "}, "is required"),
    ({"end_month": None}, "is required"),
    ({"budget_lines": (BudgetLineData(BudgetCategory.ACTIVITY, "活动", 5 * W, 1),)}, "less than the commissioned"),
])
def test_bad_input_is_refused_and_nothing_is_written(database: Database, changes: dict[str, Any],
                                                     message: str) -> None:
    comp, org = setup(database)
    before = counts(database)
    with pytest.raises(ValidationError, match=re.escape(message)):
        commission.commission(database, data(comp, org, **changes))
    assert counts(database) == before


def test_only_a_commission_programme_takes_direct_assignments(database: Database) -> None:
    comp, org = setup(database, mode=CompetitionMode.VENTURE)
    before = counts(database)
    with pytest.raises(ValidationError, match="not a commission programme"):
        commission.commission(database, data(comp, org))
    assert counts(database) == before


def test_the_pool_limits_commissions(database: Database) -> None:
    comp, org = setup(database, pool=20 * W)
    commission.commission(database, data(comp, org))
    before = counts(database)
    with pytest.raises(ValidationError, match=r"more than the pool of 200,000\.00 yuan"):
        commission.commission(database, data(comp, org, title="第二个项目"))
    assert counts(database) == before


@pytest.mark.parametrize("sanction", ["violation", "abnormal", "bar"])
def test_sanctions_block_whatever_the_justification(database: Database, sanction: str) -> None:
    org_changes = {"violation": {"violation_list_until": dt.date(2027, 1, 1)},
                   "abnormal": {"abnormal_list_until": dt.date(2026, 12, 31)}}.get(sanction, {})
    comp, org = setup(database, rules={}, **org_changes)  # the programme's rules leave the lists off
    if sanction == "bar":
        with database.write() as s:
            s.add(OrganizationBar(organization_id=org, reason="终期评估不合格", from_date=dt.date(2025, 12, 1),
                                  until_date=dt.date(2027, 11, 30)))
    before = counts(database)
    with pytest.raises(ValidationError, match="cannot be commissioned") as refused:
        commission.commission(database, data(comp, org))
    assert counts(database) == before
    expected = {"violation": "serious-violation list until 2027-01-01", "abnormal": "abnormal-activity list until",
                "bar": "Barred from applying from 2025-12-01 until 2027-11-30: 终期评估不合格"}[sanction]
    assert expected in refused.value.render()
    zh = {"Errors": {"{organization} cannot be commissioned: {reason}.": "{organization}不能受委托：{reason}。"},
          "Screening": {"Barred from applying from {start} until {until}: {reason}":
                        "{start}至{until}禁止申报：{reason}"}}
    if sanction == "bar":
        text = refused.value.render(lambda ctx, src: zh.get(ctx, {}).get(src, src))
        assert text == "望江阳光社会工作服务中心不能受委托：2025-12-01至2027-11-30禁止申报：终期评估不合格。"


def test_an_expired_sanction_does_not_block(database: Database) -> None:
    comp, org = setup(database, rules={}, violation_list_until=dt.date(2026, 1, 1))
    done = commission.assign(database, data(comp, org))
    assert {c.code: c.passed for c in done.checks} == {"request_cap": True, "credit_lists": True}


def test_a_viewer_or_nobody_may_not_commission(database: Database) -> None:
    comp, org = setup(database)
    before = counts(database)
    for actor in (Actor("viewer", frozenset({Role.VIEWER})), None):
        database.actor = actor
        with pytest.raises(access.NotAllowed):
            commission.commission(database, data(comp, org))
    assert counts(database) == before


def _community(s: Any) -> int:
    from psp_desktop.models import Community

    community = Community(district="临江区", street="望江街道", name="望江社区")
    s.add(community)
    s.flush()
    return community.id


def _tranche_ids(db: Database, award_id: int) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(Tranche.id).where(Tranche.award_id == award_id).order_by(Tranche.seq)))


def test_the_preview_shows_the_checks_assign_stores_and_writes_nothing(database: Database) -> None:
    comp, org = setup(database, registered_on=dt.date(2024, 9, 1), violation_list_until=dt.date(2027, 1, 1))
    before = counts(database)
    shown = commission.preview_checks(database, data(comp, org))
    assert counts(database) == before
    assert {c.code: c.passed for c in shown} == {"registration_years": False, "rating": True, "request_cap": True,
                                                 "credit_lists": False}
    # a form not filled in yet (no title, no amount) still gets the organization's checks
    early = commission.preview_checks(database, data(comp, org, title="", amount_fen=0, justification=""))
    assert {c.code for c in early} >= {"registration_years", "credit_lists"}
    assert counts(database) == before
    with pytest.raises(ValidationError, match="no organization"):
        commission.preview_checks(database, data(comp, 99_999))


def test_the_projects_of_a_programme_are_listed_with_their_award(database: Database) -> None:
    comp, org = setup(database)
    assert commission.projects(database, comp) == []
    first = commission.assign(database, data(comp, org))
    second = commission.assign(database, data(comp, org, title="社区助浴", amount_fen=3 * W, approved_by="李副主任"))
    listed = commission.projects(database, comp)
    assert [(p.intake_number, p.title, p.amount_fen, p.approved_by, p.status) for p in listed] == [
        ("2026-001", "独居老人助餐服务", 12 * W, "王主任", AwardStatus.COMMITTED),
        ("2026-002", "社区助浴", 3 * W, "李副主任", AwardStatus.COMMITTED)]
    assert (listed[0].award_id, listed[1].proposal_id) == (first.award_id, second.proposal_id)
    assert listed[0].organization == "望江阳光社会工作服务中心" and listed[0].decided_on == TODAY
    assert "主任办公会" in listed[0].justification
