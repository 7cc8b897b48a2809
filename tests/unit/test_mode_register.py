"""One project register across the modes: a venture award (allocation.commit), a tender won (bidding.award_tender)
and a commissioned project (commission.commission), each signed, given its report schedule and an award
certificate, appear in every list the Funding, Monitoring and Documents pages read, each with its mode."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from psp_desktop.db import Database
from psp_desktop.enums import (
    AwardLevel,
    AwardStatus,
    CompetitionMode,
    CompetitionStatus,
    DocumentType,
    OrgType,
    ProposalStatus,
    RoundKind,
    ServiceDomain,
)
from psp_desktop.models import Competition, Organization, Proposal, Round
from psp_desktop.services import (
    allocation,
    bidding,
    certificates,
    commission,
    finance,
    issuing,
    monitoring,
    tender_notice,
    tranches,
)
from psp_desktop.services.bidding import TenderInput
from psp_desktop.services.commission import CommissionInput

W = 1_000_000  # 万 in fen
TODAY = dt.date(2026, 5, 10)
VENTURE, BIDDING, COMMISSION = CompetitionMode


def _competition(s, mode: CompetitionMode, name: str, status: CompetitionStatus):  # type: ignore[no-untyped-def]
    comp = Competition(name=name, year=2026, mode=mode, status=status, pool_fen=100 * W, project_cap_fen=30 * W,
                       organizer="望江街道办事处")
    s.add(comp)
    s.flush()
    return comp.id


def _org(s, name: str) -> int:  # type: ignore[no-untyped-def]
    org = Organization(name=name, org_type=OrgType.SERVICE_AGENCY, registered_on=dt.date(2018, 1, 1),
                       has_bank_account=True, bank_name="工商银行", bank_account="6222" + str(len(name)))
    s.add(org)
    s.flush()
    return org.id


def _proposal(s, competition_id: int, org_id: int, title: str, number: str,  # type: ignore[no-untyped-def]
              status: ProposalStatus, requested: int = 0) -> int:
    p = Proposal(competition_id=competition_id, organization_id=org_id, title=title, domain=ServiceDomain.ELDERLY,
                 intake_number=number, status=status, requested_fen=requested, total_budget_fen=requested,
                 start_month=dt.date(2026, 6, 1), end_month=dt.date(2027, 5, 1))
    s.add(p)
    s.flush()
    return p.id


def _venture(db: Database) -> int:
    with db.write() as s:
        comp = _competition(s, VENTURE, "2026年公益创投大赛", CompetitionStatus.REVIEW)
        s.add(Round(competition_id=comp, seq=1, name="书面评审", kind=RoundKind.WRITTEN, frozen=True))
        pid = _proposal(s, comp, _org(s, "阳光为老服务中心"), "银龄陪伴计划", "2026-CT-001", ProposalStatus.RANKED,
                        10 * W)
    line = allocation.Line(pid, 1, None, 10 * W, AwardLevel.FIRST, 10 * W, AwardStatus.COMMITTED)
    [award] = allocation.commit(db, comp, [line])
    return award


def _bidding(db: Database) -> int:
    with db.write() as s:
        comp = _competition(s, BIDDING, "2026年公益招投标", CompetitionStatus.REVIEW)
        a = _proposal(s, comp, _org(s, "望江社工服务中心"), "长者助餐方案甲", "ZB-001", ProposalStatus.SUBMITTED)
        b = _proposal(s, comp, _org(s, "滨河志愿者协会"), "长者助餐方案乙", "ZB-002", ProposalStatus.SUBMITTED)
    tender = bidding.add_tender(db, comp, TenderInput(code="ZB2026-01", name="滨河社区长者助餐服务",
                                                      domain=ServiceDomain.ELDERLY, ceiling_fen=30 * W,
                                                      price_points_x100=10_000))  # price alone: no panel
    for pid, price in ((a, 24 * W), (b, 20 * W)):
        bidding.submit_bid(db, tender, pid, price)
    with db.write() as s:  # screened in, as screening would
        for pid in (a, b):
            s.get(Proposal, pid).status = ProposalStatus.ELIGIBLE  # type: ignore[union-attr]
    award = bidding.award_tender(db, tender, b, "")
    assert award is not None
    tender_notice.publish(db, tender, dt.date(2026, 4, 20), dt.date(2026, 4, 26))  # signing waits for the notice
    return award


def _commission(db: Database) -> int:
    with db.write() as s:
        comp = _competition(s, COMMISSION, "2026年服务委托", CompetitionStatus.IMPLEMENTING)
        org = _org(s, "锦江助老服务社")
    return commission.commission(db, CommissionInput(
        competition_id=comp, organization_id=org, title="独居老人助餐服务", domain=ServiceDomain.ELDERLY,
        amount_fen=12 * W, justification="承接本街道助餐点三年，经主任办公会研究直接委托。", approved_by="王主任",
        start_month=dt.date(2026, 6, 1), end_month=dt.date(2027, 5, 1), on=TODAY))


@pytest.fixture
def register(database: Database, tmp_path: Path) -> dict[CompetitionMode, int]:
    """One funded project of each mode, signed, with its report schedule and its award certificate."""
    awards = {VENTURE: _venture(database), BIDDING: _bidding(database), COMMISSION: _commission(database)}
    for award_id in awards.values():
        tranches.sign(database, award_id, dt.date(2026, 5, 1), today=TODAY)
        assert monitoring.make_schedule(database, award_id) > 0
    for mode in CompetitionMode:
        certificates.make_batch(database, _competition_of(database, awards[mode]), DocumentType.AWARD_CERTIFICATE,
                                tmp_path / mode.value, combined=True, issued_on=TODAY)
    return awards


def _competition_of(db: Database, award_id: int) -> int:
    return next(r.competition_id for r in finance.rows(db, today=TODAY) if r.award_id == award_id)


def test_every_funding_list_has_each_mode(database: Database, register: dict[CompetitionMode, int]) -> None:
    for mode, award_id in register.items():
        [row] = allocation.awards(database, _competition_of(database, award_id))
        assert (row.award_id, row.mode, row.status) == (award_id, mode, AwardStatus.SIGNED)
        assert row.agreement_number  # the agreement is signed and numbered like any other
        assert allocation.pool(database, _competition_of(database, award_id)).committed_fen == row.amount_fen
    rows = finance.rows(database, today=TODAY)
    assert {(r.award_id, r.mode) for r in rows} == {(a, m) for m, a in register.items()}
    assert all(r.count == 2 for r in rows)  # each the default 50/50 schedule


def test_monitoring_lists_each_mode_with_its_schedule(database: Database,
                                                      register: dict[CompetitionMode, int]) -> None:
    rows = monitoring.projects(database, TODAY)
    assert {r.award_id: r.mode for r in rows} == {a: m for m, a in register.items()}
    assert all(r.reports > 0 and r.next_due is not None for r in rows)
    only = monitoring.projects(database, TODAY, _competition_of(database, register[BIDDING]))
    assert [(r.award_id, r.mode) for r in only] == [(register[BIDDING], BIDDING)]


def test_documents_register_names_each_mode(database: Database, register: dict[CompetitionMode, int]) -> None:
    entries = issuing.entries(database, doc_type=DocumentType.AWARD_CERTIFICATE)
    assert sorted(e.mode for e in entries) == sorted(CompetitionMode)
    by_mode = {e.mode: e for e in entries}
    assert by_mode[BIDDING].competition == "2026年公益招投标" and by_mode[BIDDING].title == "长者助餐方案乙"
    assert by_mode[COMMISSION].title == "独居老人助餐服务"
    # the certificates of every mode are issued once: a second batch finds them held
    for mode, award_id in register.items():
        [subject] = certificates.subjects(database, _competition_of(database, award_id),
                                          DocumentType.AWARD_CERTIFICATE)
        assert subject.ref_id == award_id and subject.issued == by_mode[mode].serial


def test_a_document_of_an_unknown_competition_has_no_mode(database: Database) -> None:
    facts = issuing.Facts(DocumentType.AWARD_CERTIFICATE, "某社工机构", "旧项目", "", "早已改名的大赛", "街道办",
                          TODAY)
    issuing.issue(database, facts, lambda _serial, _code: b"%PDF-1.4 test")
    [entry] = issuing.entries(database)
    assert entry.mode is None
