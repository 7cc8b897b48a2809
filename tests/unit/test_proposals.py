"""Proposal intake (psp_desktop.services.proposals) on SQLite and PostgreSQL: drafts, budgets, submission and intake
numbers, closed competitions, locking, and attachments kept by SHA-256."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from psp_desktop.db import Database
from psp_desktop.enums import (
    BudgetCategory,
    CompetitionStatus,
    InspectionResult,
    NeedSource,
    OrgType,
    ProposalStatus,
    ScreeningOutcome,
    ServiceDomain,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    Attachment,
    BudgetLine,
    Community,
    CommunityNeed,
    Competition,
    Organization,
    Proposal,
)
from psp_desktop.money import MAX_FEN
from psp_desktop.services import proposals, screening
from psp_desktop.services.organizations import ChangedElsewhere
from psp_desktop.services.proposals import BudgetLineData, ProposalData
from psp_desktop.services.validation import InvalidInput

PATTERN = "2026-GL-{seq:03d}"
USCC = "91110000600037341L"


def setup_parties(database: Database, *, pattern: str = PATTERN, status: CompetitionStatus = CompetitionStatus.OPEN,
                  name: str = "2026年望江街道社区公益创投大赛") -> tuple[int, int]:
    """A competition and an applicant organization; returns (competition id, organization id)."""
    with database.write() as s:
        competition = Competition(name=name, year=2026, status=status, organizer="临江区望江街道办事处",
                                  intake_pattern=pattern, project_cap_fen=8_000_000, rules={})
        organization = s.scalars(select(Organization)).first() or Organization(
            name="望江阳光社会工作服务中心", uscc=USCC, org_type=OrgType.SERVICE_AGENCY,
            registered_on=dt.date(2019, 5, 20), inspection_result=InspectionResult.PASSED)
        s.add_all([competition, organization])
        s.flush()
        return competition.id, organization.id


def lines() -> list[BudgetLineData]:
    return [
        BudgetLineData(BudgetCategory.PERSONNEL, "项目社工补贴", unit_price_fen=300_000, quantity=12),  # 36,000.00
        BudgetLineData(BudgetCategory.ACTIVITY, "活动物料", unit_price_fen=15_000, quantity=100),  # 15,000.00
        BudgetLineData(BudgetCategory.PUBLICITY, "宣传折页印制", amount_fen=500_000, note="2000份"),  # 5,000.00
        BudgetLineData(BudgetCategory.MANAGEMENT, "管理费", amount_fen=700_000),  # 7,000.00
        BudgetLineData(BudgetCategory.OTHER, "志愿者保险", unit_price_fen=1_000, quantity=120),  # 1,200.00
    ]


TOTAL = 6_420_000


def complete(cid: int, oid: int, **changes: object) -> ProposalData:
    data = ProposalData(
        competition_id=cid, organization_id=oid, title="银龄互助·智慧助老", domain=ServiceDomain.ELDERLY,
        target_group="望江社区60岁以上独居老人", location="望江街道望江社区", direct_beneficiaries=120,
        indirect_beneficiaries=400, start_month=dt.date(2026, 7, 1), end_month=dt.date(2027, 6, 1),
        summary="为独居老人提供智能手机使用培训和上门探访。",
        need_analysis="2025年居民议事会反映老人不会用健康码和网上挂号。",
        objectives="120名老人掌握5项常用手机功能。", activity_plan="每月4次课堂，每季度一次入户回访。",
        requested_fen=5_000_000, matching_fen=1_420_000, budget_lines=lines())
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def rows(database: Database) -> tuple[int, int, int]:
    with database.read() as s:
        return tuple(int(s.scalar(select(func.count()).select_from(m)) or 0)  # type: ignore[return-value]
                     for m in (Proposal, BudgetLine, Attachment))


def status_and_number(database: Database, pid: int) -> tuple[ProposalStatus, str | None]:
    head = proposals.header(database, pid)
    return head.status, head.intake_number


# --- drafts --------------------------------------------------------------------------------------------------


def test_budget_line_amount_and_totals() -> None:
    data = complete(1, 1)
    assert [line.amount for line in data.budget_lines] == [3_600_000, 1_500_000, 500_000, 700_000, 120_000]
    assert data.total_budget_fen == TOTAL
    assert BudgetLineData(BudgetCategory.OTHER, "x", unit_price_fen=999, quantity=0).amount == 0
    assert BudgetLineData(BudgetCategory.OTHER, "x", unit_price_fen=999, quantity=3, amount_fen=0).amount == 0
    totals = proposals.budget_totals([*data.budget_lines, BudgetLineData(BudgetCategory.ACTIVITY, "场地", 50_000, 2)])
    assert totals == {BudgetCategory.PERSONNEL: 3_600_000, BudgetCategory.ACTIVITY: 1_600_000,
                      BudgetCategory.PUBLICITY: 500_000, BudgetCategory.MANAGEMENT: 700_000,
                      BudgetCategory.OTHER: 120_000}
    assert proposals.budget_totals([]) == dict.fromkeys(BudgetCategory, 0)


def test_a_draft_may_be_incomplete_and_keeps_what_was_entered(database: Database) -> None:
    cid, oid = setup_parties(database)
    pid = proposals.save_draft(database, ProposalData(cid, oid, title="  只写了标题  "))
    data, version = proposals.load(database, pid)
    assert data == ProposalData(cid, oid, title="只写了标题")
    assert version == 1
    assert status_and_number(database, pid) == (ProposalStatus.DRAFT, None)

    with database.write() as s:
        community = Community(district="临江区", street="望江街道", name="望江社区")
        s.add(community)
        s.flush()
        needs = [CommunityNeed(community_id=community.id, domain=ServiceDomain.ELDERLY, title=t,
                               source=NeedSource.MEETING, collected_on=dt.date(2025, 11, 3)) for t in ("助餐", "助医")]
        s.add_all(needs)
        s.flush()
        need_ids = sorted(n.id for n in needs)
    full = complete(cid, oid, need_ids=need_ids, community_id=community.id)
    proposals.save_draft(database, full, pid, version)
    data, version = proposals.load(database, pid)
    assert version == 2
    assert sorted(data.need_ids) == need_ids
    assert [(b.item, b.amount_fen) for b in data.budget_lines] == [(b.item, b.amount) for b in full.budget_lines]
    assert data.total_budget_fen == TOTAL
    head = proposals.header(database, pid)
    assert (head.total_budget_fen, head.requested_fen, head.matching_fen) == (TOTAL, 5_000_000, 1_420_000)
    assert (head.organization, head.uscc, head.competition) == (
        "望江阳光社会工作服务中心", USCC, "2026年望江街道社区公益创投大赛")
    assert head.status == ProposalStatus.DRAFT and head.attachments == 0


def _bad_line(index: int, **changes: object) -> dict[str, object]:
    bad = lines()
    bad[index] = dataclasses.replace(bad[index], **changes)  # type: ignore[arg-type]
    return {"budget_lines": bad}


DRAFT_REFUSALS = [
    pytest.param({"requested_fen": -1}, "requested_fen", "cannot be negative", id="negative-request"),
    pytest.param({"matching_fen": -100}, "matching_fen", "cannot be negative", id="negative-matching"),
    pytest.param({"requested_fen": MAX_FEN + 1}, "requested_fen", "too large", id="absurd-request"),
    pytest.param({"bid_price_fen": -1}, "bid_price_fen", "cannot be negative", id="negative-bid"),
    pytest.param(_bad_line(1, quantity=-2), "budget_lines[2]", "budget line 2: quantity cannot be negative",
                 id="negative-quantity"),
    pytest.param(_bad_line(0, unit_price_fen=-300_000), "budget_lines[1]", "cannot be negative",
                 id="negative-unit-price"),
    pytest.param(_bad_line(2, amount_fen=-500_000), "budget_lines[3]", "cannot be negative", id="negative-amount"),
    pytest.param({"start_month": dt.date(2026, 9, 1), "end_month": dt.date(2026, 8, 1)}, "end_month",
                 "ends before it starts", id="end-before-start"),
    pytest.param({"direct_beneficiaries": -1}, "direct_beneficiaries", "cannot be negative",
                 id="negative-beneficiaries"),
    pytest.param({"title": "题" * 121}, "title", "longer than 120", id="title-121"),
]


@pytest.mark.parametrize(("changes", "field", "fragment"), DRAFT_REFUSALS)
def test_draft_problems_name_the_field(changes: dict[str, object], field: str, fragment: str) -> None:
    problems = proposals.draft_problems(complete(1, 1, **changes))
    assert [p.field for p in problems.items] == [field]
    assert fragment in problems.items[0].render()


def test_save_draft_refuses_impossible_values_and_writes_nothing(database: Database) -> None:
    cid, oid = setup_parties(database)
    pid = proposals.save_draft(database, complete(cid, oid))
    before, version = proposals.load(database, pid)
    counts = rows(database)
    for case in DRAFT_REFUSALS:
        changes, field, _fragment = case.values
        bad = complete(cid, oid, **changes)  # type: ignore[arg-type]
        with pytest.raises(InvalidInput) as caught:
            proposals.save_draft(database, bad)
        assert [p.field for p in caught.value.problems] == [field], case.id
        with pytest.raises(InvalidInput):
            proposals.save_draft(database, bad, pid, version)
    with pytest.raises(ValidationError, match="community need does not exist"):
        proposals.save_draft(database, complete(cid, oid, need_ids=[987_654]))
    with pytest.raises(ValidationError, match="community need does not exist"):
        proposals.save_draft(database, complete(cid, oid, title="改了标题", need_ids=[987_654]), pid, version)
    with pytest.raises(ValidationError, match="no competition with number 999"):
        proposals.save_draft(database, complete(999, oid))
    with pytest.raises(ValidationError, match="no organization with number 999"):
        proposals.save_draft(database, complete(cid, 999))
    with pytest.raises(ValidationError, match="no proposal with number 999"):
        proposals.save_draft(database, complete(cid, oid), 999)
    assert rows(database) == counts
    assert proposals.load(database, pid) == (before, version)


def test_overlong_target_group_is_a_field_problem(database: Database) -> None:
    cid, oid = setup_parties(database)
    with pytest.raises(InvalidInput) as caught:
        proposals.save_draft(database, complete(cid, oid, target_group="独居老人" * 50 + "及家属"))
    assert [p.field for p in caught.value.problems] == ["target_group"]


# --- submission and intake numbers ---------------------------------------------------------------------------


def test_submit_requires_the_whole_form_and_a_budget_that_adds_up(database: Database) -> None:
    cid, oid = setup_parties(database)
    pid = proposals.save_draft(database, ProposalData(cid, oid, title="只写了标题"))
    with pytest.raises(InvalidInput) as caught:
        proposals.submit(database, pid)
    assert {p.field for p in caught.value.problems} == {
        "target_group", "location", "summary", "need_analysis", "objectives", "activity_plan",
        "direct_beneficiaries", "start_month", "end_month", "budget_lines", "requested_fen"}
    assert status_and_number(database, pid) == (ProposalStatus.DRAFT, None)

    _data, version = proposals.load(database, pid)
    proposals.save_draft(database, complete(cid, oid, matching_fen=1_000_000), pid, version)
    with pytest.raises(InvalidInput) as caught:
        proposals.submit(database, pid)
    [problem] = caught.value.problems
    assert problem.field == "requested_fen"
    assert problem.render() == ("the budget does not add up: requested 50,000.00 + matching 10,000.00 yuan should "
                                "equal the budget lines' total 64,200.00 yuan")
    assert status_and_number(database, pid) == (ProposalStatus.DRAFT, None)

    nameless = lines()
    nameless[1] = dataclasses.replace(nameless[1], item="  ")
    _data, version = proposals.load(database, pid)
    proposals.save_draft(database, complete(cid, oid, budget_lines=nameless), pid, version)
    with pytest.raises(InvalidInput) as caught:
        proposals.submit(database, pid)
    assert [(p.field, p.render()) for p in caught.value.problems] == [
        ("budget_lines[2]", "budget line 2 has no item")]
    assert status_and_number(database, pid) == (ProposalStatus.DRAFT, None)


def test_intake_numbers_follow_the_pattern_in_submission_order(database: Database) -> None:
    cid, oid = setup_parties(database)
    ids = [proposals.save_draft(database, complete(cid, oid, title=f"项目{n}")) for n in range(3)]
    day = dt.date(2026, 3, 9)
    assert proposals.submit(database, ids[2], on=day) == "2026-GL-001"
    assert proposals.submit(database, ids[0], on=day) == "2026-GL-002"
    assert proposals.submit(database, ids[1], on=day + dt.timedelta(days=1)) == "2026-GL-003"
    head = proposals.header(database, ids[1])
    assert (head.status, head.intake_number, head.submitted_on) == (
        ProposalStatus.SUBMITTED, "2026-GL-003", dt.date(2026, 3, 10))

    with database.write() as s:  # a paper application numbered by hand
        s.add(Proposal(competition_id=cid, organization_id=oid, title="纸质申报", domain=ServiceDomain.CULTURE,
                       status=ProposalStatus.SUBMITTED, intake_number="2026-GL-005"))
    used = {"2026-GL-001", "2026-GL-002", "2026-GL-003", "2026-GL-005"}
    later = [proposals.submit(database, proposals.save_draft(database, complete(cid, oid, title=f"后来{n}")))
             for n in range(3)]
    assert len(set(later)) == 3 and not used & set(later)
    assert all(re.fullmatch(r"2026-GL-\d{3}", number) for number in later)

    other_cid, _ = setup_parties(database, pattern="{year}-{seq:03d}", name="2026年滨河街道公益创投")
    other = proposals.save_draft(database, complete(other_cid, oid))
    assert proposals.submit(database, other) == "2026-001"  # every competition counts on its own


def test_a_returned_proposal_keeps_its_number_when_resubmitted(database: Database) -> None:
    cid, oid = setup_parties(database)
    first = proposals.save_draft(database, complete(cid, oid))
    assert proposals.submit(database, first, on=dt.date(2026, 3, 9)) == "2026-GL-001"
    screening.decide(database, first, ScreeningOutcome.RETURNED, "管理费超过10%，请调整预算", "刘晓燕")
    assert status_and_number(database, first) == (ProposalStatus.RETURNED, "2026-GL-001")
    second = proposals.save_draft(database, complete(cid, oid, title="另一个项目"))
    assert proposals.submit(database, second) == "2026-GL-002"

    data, version = proposals.load(database, first)
    proposals.save_draft(database, dataclasses.replace(data, objectives="修改后的目标"), first, version)
    assert proposals.submit(database, first, on=dt.date(2026, 4, 15)) == "2026-GL-001"
    head = proposals.header(database, first)
    assert (head.status, head.intake_number, head.submitted_on) == (
        ProposalStatus.SUBMITTED, "2026-GL-001", dt.date(2026, 4, 15))
    third = proposals.save_draft(database, complete(cid, oid, title="第三个项目"))
    assert proposals.submit(database, third) == "2026-GL-003"


def test_submission_is_refused_once_the_competition_is_past_screening(database: Database) -> None:
    cid, oid = setup_parties(database)
    for status in CompetitionStatus:
        with database.write() as s:
            competition = s.get(Competition, cid)
            assert competition is not None
            competition.status = status
        pid = proposals.save_draft(database, complete(cid, oid, title=f"项目（{status.value}）"))
        if status in (CompetitionStatus.PLANNING, CompetitionStatus.OPEN, CompetitionStatus.SCREENING):
            assert proposals.submit(database, pid).startswith("2026-GL-")
            continue
        with pytest.raises(ValidationError) as caught:
            proposals.submit(database, pid)
        assert caught.value.render() == "2026年望江街道社区公益创投大赛 no longer accepts applications."
        assert status_and_number(database, pid) == (ProposalStatus.DRAFT, None)


def test_a_bad_intake_pattern_is_a_clear_error(database: Database) -> None:
    cid, oid = setup_parties(database, pattern="GL-{foo}")
    pid = proposals.save_draft(database, complete(cid, oid))
    with pytest.raises(ValidationError) as caught:
        proposals.submit(database, pid)
    assert caught.value.render() == "The intake number pattern GL-{foo} is not valid; use {year} and {seq:03d}."
    assert status_and_number(database, pid) == (ProposalStatus.DRAFT, None)


@pytest.mark.parametrize("pattern", ["{foo}", "{", "}", "{0}", "{year}-{seq:q}"])
def test_format_intake_number_refuses_bad_patterns(pattern: str) -> None:
    with pytest.raises(ValidationError, match="is not valid"):
        proposals.format_intake_number(pattern, 2026, 1)


@pytest.mark.parametrize(("pattern", "expected"), [
    ("{year}-{seq:03d}", "2026-007"), ("2026-GL-{seq:03d}", "2026-GL-007"), ("{year}{seq:04d}", "20260007"),
    ("望江{year}第{seq}号", "望江2026第7号")])
def test_format_intake_number(pattern: str, expected: str) -> None:
    assert proposals.format_intake_number(pattern, 2026, 7) == expected


@pytest.mark.parametrize("pattern", [
    pytest.param("{seq[0]}"),
    pytest.param("{year.short}"),
])
def test_format_intake_number_refuses_attribute_and_index_patterns(pattern: str) -> None:
    with pytest.raises(ValidationError, match="is not valid"):
        proposals.format_intake_number(pattern, 2026, 1)


class _Runaway(Exception):
    pass


def test_a_pattern_without_seq_cannot_hang_submission(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    cid, oid = setup_parties(database, pattern="2026-GL")
    real, calls = proposals.format_intake_number, [0]

    def counting(pattern: str, year: int, seq: int) -> str:
        calls[0] += 1
        if calls[0] > 20_000:
            raise _Runaway(pattern)
        return real(pattern, year, seq)

    monkeypatch.setattr(proposals, "format_intake_number", counting)
    ids = [proposals.save_draft(database, complete(cid, oid, title=f"项目{n}")) for n in range(2)]
    with pytest.raises(ValidationError):
        for pid in ids:
            proposals.submit(database, pid)


# --- what may still be changed -------------------------------------------------------------------------------


def test_screened_proposals_and_stale_copies_cannot_be_saved(database: Database) -> None:
    cid, oid = setup_parties(database)
    pid = proposals.save_draft(database, complete(cid, oid))
    mine, version = proposals.load(database, pid)
    theirs = dataclasses.replace(mine, title="别人先保存的标题")
    proposals.save_draft(database, theirs, pid, version)
    with pytest.raises(ChangedElsewhere):
        proposals.save_draft(database, dataclasses.replace(mine, title="我的标题"), pid, version)
    assert proposals.load(database, pid) == (theirs, version + 1)

    proposals.submit(database, pid)
    with database.write() as s:  # screened eligible
        proposal = s.get(Proposal, pid)
        assert proposal is not None
        proposal.status = ProposalStatus.ELIGIBLE
    data, version = proposals.load(database, pid)
    counts = rows(database)
    with pytest.raises(ValidationError, match="screened and can no longer be changed"):
        proposals.save_draft(database, dataclasses.replace(data, requested_fen=4_000_000), pid, version)
    with pytest.raises(ValidationError, match="screened and can no longer be changed"):
        proposals.submit(database, pid)
    assert proposals.load(database, pid) == (data, version)
    assert status_and_number(database, pid) == (ProposalStatus.ELIGIBLE, "2026-GL-001")
    assert rows(database) == counts


def test_a_submitted_proposal_cannot_silently_become_incomplete(database: Database) -> None:
    cid, oid = setup_parties(database)
    pid = proposals.save_draft(database, complete(cid, oid))
    proposals.submit(database, pid)
    data, version = proposals.load(database, pid)
    broken = dataclasses.replace(data, summary="", requested_fen=1)
    try:
        proposals.save_draft(database, broken, pid, version)
    except ValidationError:
        return
    assert proposals.header(database, pid).status != ProposalStatus.SUBMITTED


# --- attachments ---------------------------------------------------------------------------------------------


def test_attachments_are_stored_once_by_content_and_checked_on_export(database: Database, tmp_path: Path) -> None:
    cid, oid = setup_parties(database)
    pid = proposals.save_draft(database, complete(cid, oid))
    content = "机构登记证书扫描件".encode() + os.urandom(64)  # unique: the PostgreSQL store is shared by the session
    digest = hashlib.sha256(content).hexdigest()
    scan = tmp_path / "in" / "登记证书.pdf"
    scan.parent.mkdir()
    scan.write_bytes(content)
    copy = tmp_path / "in" / "登记证书(1).pdf"
    copy.write_bytes(content)
    budget = tmp_path / "in" / "预算表.xlsx"
    budget.write_bytes(b"PK\x03\x04" + os.urandom(32))

    first = proposals.add_attachment(database, pid, scan)
    second = proposals.add_attachment(database, pid, copy)
    third = proposals.add_attachment(database, pid, budget)
    stored = proposals.stored_path(database, digest)
    assert stored.read_bytes() == content
    assert stored.parent.parent == proposals.attachment_store(database)
    assert sorted(p.name for p in stored.parent.iterdir() if p.name.startswith(digest)) == [digest]  # kept once
    listed = proposals.attachments(database, pid)
    assert [(a.id, a.filename, a.sha256, a.size_bytes) for a in listed] == [
        (first, "登记证书.pdf", digest, len(content)), (second, "登记证书(1).pdf", digest, len(content)),
        (third, "预算表.xlsx", hashlib.sha256(budget.read_bytes()).hexdigest(), 36)]
    assert proposals.header(database, pid).attachments == 3

    scan.unlink()  # the store holds its own copy
    exported = proposals.export_attachment(database, first, tmp_path / "out")
    assert exported == tmp_path / "out" / "登记证书.pdf"
    assert exported.read_bytes() == content

    stored.write_bytes(content[:-1] + bytes([content[-1] ^ 1]))  # tampered with
    with pytest.raises(ValidationError) as caught:
        proposals.export_attachment(database, second, tmp_path / "again")
    assert caught.value.render() == "The stored copy of 登记证书(1).pdf is missing or damaged."
    stored.unlink()
    with pytest.raises(ValidationError, match="missing or damaged"):
        proposals.export_attachment(database, first, tmp_path / "again")
    assert not (tmp_path / "again" / "登记证书.pdf").exists()

    with pytest.raises(ValidationError, match="Cannot read"):
        proposals.add_attachment(database, pid, tmp_path / "in" / "不存在.pdf")
    with pytest.raises(ValidationError, match="no proposal with number 999"):
        proposals.add_attachment(database, 999, budget)
    with pytest.raises(ValidationError, match="no attachment with number 999"):
        proposals.export_attachment(database, 999, tmp_path)
    assert rows(database)[2] == 3
