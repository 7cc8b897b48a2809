"""Eligibility screening (psp_desktop.services.screening) on SQLite and PostgreSQL: every automatic rule on hand-made
organizations and proposals with its readable reason, the suggestion, manual items, decisions and the screening
list, and a property test over random applicants."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from psp_desktop.db import Database
from psp_desktop.enums import (
    BudgetCategory,
    CompetitionStatus,
    InspectionResult,
    OrgType,
    ProposalStatus,
    Rating,
    ScreeningOutcome,
    ServiceDomain,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    BudgetLine,
    Competition,
    CompetitionTheme,
    EligibilityCheck,
    Organization,
    Proposal,
    ScreeningDecision,
)
from psp_desktop.services import demo, screening
from psp_desktop.services.screening import FIXABLE, CheckResult

AS_OF = dt.date(2026, 4, 10)  # the application deadline: eligibility is judged as of this day
_names = itertools.count(1)


def clean_org(**changes: Any) -> Organization:
    n = next(_names)
    values: dict[str, Any] = dict(
        name=f"望江阳光社会工作服务中心{n}", registration_number=f"民证字第{n:04d}号", org_type=OrgType.SERVICE_AGENCY,
        registered_on=dt.date(2019, 5, 20), inspection_result=InspectionResult.PASSED, inspection_year=2025,
        rating=Rating.A3, has_bank_account=True)
    values.update(changes)
    return Organization(**values)


def competition(*, rules: dict[str, Any] | None = None, themes: tuple[ServiceDomain, ...] = (),
                **changes: Any) -> Competition:
    values: dict[str, Any] = dict(
        name=f"2026年望江街道公益创投大赛（第{next(_names)}场）", year=2026, status=CompetitionStatus.SCREENING,
        apply_until=AS_OF, project_cap_fen=0, min_matching_percent=0, rules=rules or {})
    values.update(changes)
    comp = Competition(**values)
    comp.themes = [CompetitionTheme(seq=i, name=f"主题{i}", domain=d) for i, d in enumerate(themes, 1)]
    return comp


def proposal(comp: Competition, org: Organization, *, number: str | None = "2026-001", total: int = 10_000_000,
             requested: int | None = None, management: int = 0, domain: ServiceDomain = ServiceDomain.ELDERLY,
             status: ProposalStatus = ProposalStatus.SUBMITTED, title: str = "银龄互助") -> Proposal:
    requested = total * 7 // 10 if requested is None else requested
    lines = [BudgetLine(seq=1, category=BudgetCategory.PERSONNEL, item="社工补贴", unit_price_fen=total - management,
                        quantity=1, amount_fen=total - management)]
    if management:
        lines.append(BudgetLine(seq=2, category=BudgetCategory.MANAGEMENT, item="管理费", unit_price_fen=management,
                                quantity=1, amount_fen=management))
    return Proposal(competition=comp, organization=org, title=title, domain=domain, status=status,
                    intake_number=number, requested_fen=requested, matching_fen=max(total - requested, 0),
                    total_budget_fen=total, budget_lines=lines, submitted_on=AS_OF if number else None)


def scenario(database: Database, *, rules: dict[str, Any] | None = None, org: dict[str, Any] | None = None,
             comp: dict[str, Any] | None = None, **proposal_args: Any) -> int:
    """One submitted proposal of a fresh organization in a fresh competition; returns the proposal id."""
    with database.write() as s:
        p = proposal(competition(rules=rules, **(comp or {})), clean_org(**(org or {})), **proposal_args)
        s.add(p)
        s.flush()
        return p.id


def automatic(database: Database, pid: int) -> dict[str, CheckResult]:
    return {r.code: r for r in screening.run_checks(database, pid) if not r.manual}


def only(database: Database, pid: int, code: str) -> tuple[bool | None, str]:
    """The single automatic check that ran (every other rule is not configured), as (passed, text)."""
    results = automatic(database, pid)
    assert list(results) == [code]
    text = results[code].render()
    assert text and "{" not in text and "}" not in text
    return results[code].passed, text


def answer_manual(database: Database, pid: int, passed: bool = True) -> None:
    for code in ("charter_scope", "materials_complete"):
        screening.record_manual(database, pid, code, passed, "" if passed else "缺少盖章页", "刘晓燕")


# --- the automatic rules -------------------------------------------------------------------------------------


def test_registration_years(database: Database) -> None:
    one = {"min_registration_years": 1}
    two = {"min_registration_years": 2}
    assert only(database, scenario(database, rules=one, org={"registered_on": dt.date(2025, 4, 10)}),
                "registration_years") == (True, "Registered on 2025-04-10: at least 1 year(s) by 2026-04-10")
    assert only(database, scenario(database, rules=one, org={"registered_on": dt.date(2025, 4, 11)}),
                "registration_years") == (False, "Registered on 2025-04-11: less than 1 year(s) by 2026-04-10")
    assert only(database, scenario(database, rules=two, org={"registered_on": dt.date(2024, 4, 10)}),
                "registration_years")[0] is True
    assert only(database, scenario(database, rules=two, org={"registered_on": dt.date(2024, 4, 11)}),
                "registration_years")[0] is False
    assert only(database, scenario(database, rules=one, org={"registered_on": None}),
                "registration_years") == (False, "The registration date is not recorded")

    def leap(registered: dt.date, years: int, as_of: dt.date) -> bool | None:
        pid = scenario(database, rules={"min_registration_years": years}, org={"registered_on": registered},
                       comp={"apply_until": as_of})
        return only(database, pid, "registration_years")[0]

    feb29 = dt.date(2024, 2, 29)
    assert leap(feb29, 2, dt.date(2026, 3, 1)) is True
    assert leap(feb29, 2, dt.date(2026, 2, 27)) is False
    assert leap(feb29, 4, dt.date(2028, 2, 29)) is True  # a real anniversary
    assert leap(feb29, 4, dt.date(2028, 2, 28)) is False
    assert leap(dt.date(2023, 3, 1), 1, dt.date(2024, 2, 29)) is False
    assert leap(dt.date(2023, 2, 28), 1, dt.date(2024, 2, 28)) is True

    no_deadline = scenario(database, rules=one, org={"registered_on": dt.date.today() - dt.timedelta(days=800)},
                           comp={"apply_until": None})  # judged as of today
    assert only(database, no_deadline, "registration_years")[0] is True


def test_a_29_february_registration_has_its_anniversary_on_28_february(database: Database) -> None:
    pid = scenario(database, rules={"min_registration_years": 2}, org={"registered_on": dt.date(2024, 2, 29)},
                   comp={"apply_until": dt.date(2026, 2, 28)})
    assert only(database, pid, "registration_years")[0] is True


def test_inspection_rating_and_bank_account(database: Database) -> None:
    inspection = {"require_inspection_passed": True}
    passed = only(database, scenario(database, rules=inspection), "annual_inspection")
    assert passed == (True, "Annual inspection passed")
    for result in (InspectionResult.BASIC, InspectionResult.FAILED, InspectionResult.NONE):
        ok, text = only(database, scenario(database, rules=inspection, org={"inspection_result": result}),
                        "annual_inspection")
        assert ok is False and text != passed[1] and "inspection" in text.lower(), result
        if result == InspectionResult.BASIC:
            assert "basic" in text

    rating = {"min_rating": "3A"}
    assert only(database, scenario(database, rules=rating, org={"rating": Rating.A4}), "rating") == (
        True, "Rating 4A meets the required 3A")
    assert only(database, scenario(database, rules=rating, org={"rating": Rating.A3}), "rating")[0] is True
    assert only(database, scenario(database, rules=rating, org={"rating": Rating.A2}), "rating") == (
        False, "Rating 2A is below the required 3A")
    assert only(database, scenario(database, rules=rating, org={"rating": Rating.NONE}), "rating")[0] is False

    bank = {"require_bank_account": True}
    assert only(database, scenario(database, rules=bank), "bank_account") == (True, "Has its own bank account")
    assert only(database, scenario(database, rules=bank, org={"has_bank_account": False}), "bank_account") == (
        False, "Has no bank account of its own to receive the grant")


def test_abnormal_and_violation_lists(database: Database) -> None:
    both = {"exclude_abnormal_list": True, "exclude_violation_list": True}
    day = dt.timedelta(days=1)
    clear = "Not on the abnormal-activity or serious-violation lists"
    assert only(database, scenario(database, rules=both), "credit_lists") == (True, clear)
    assert only(database, scenario(database, rules=both, org={"abnormal_list_until": AS_OF - day}),
                "credit_lists") == (True, clear)
    assert only(database, scenario(database, rules=both, org={"abnormal_list_until": AS_OF}), "credit_lists") == (
        False, "On the abnormal-activity list until 2026-04-10")
    assert only(database, scenario(database, rules=both, org={"violation_list_until": dt.date(2028, 6, 30)}),
                "credit_lists") == (False, "On the serious-violation list until 2028-06-30")
    assert only(database, scenario(database, rules=both, org={"violation_list_until": AS_OF - day}),
                "credit_lists") == (True, clear)
    abnormal_only = {"exclude_abnormal_list": True}
    assert only(database, scenario(database, rules=abnormal_only, org={"violation_list_until": dt.date(2028, 1, 1)}),
                "credit_lists")[0] is True  # the violation list is not part of this competition's rules


def test_request_cap_and_share_of_the_budget(database: Database) -> None:
    cap = {"project_cap_fen": 8_000_000}
    assert only(database, scenario(database, comp=cap, requested=8_000_000), "request_cap") == (
        True, "Requests 80,000.00 yuan, within the cap of 80,000.00 yuan")
    assert only(database, scenario(database, comp=cap, requested=8_000_001), "request_cap") == (
        False, "Requests 80,000.01 yuan, over the cap of 80,000.00 yuan")
    share = {"project_cap_fen": 8_000_000, "budget_share_cap_percent": 60}
    assert only(database, scenario(database, comp=share, requested=6_000_000), "request_cap")[0] is True
    assert only(database, scenario(database, comp=share, requested=6_000_001), "request_cap") == (
        False, "Requests 60,000.01 yuan, more than 60% of the total budget")


def test_the_budget_share_is_checked_without_a_per_project_cap(database: Database) -> None:
    pid = scenario(database, comp={"budget_share_cap_percent": 60}, requested=9_000_000)
    assert only(database, pid, "request_cap")[0] is False


def test_matching_funds_and_management_fee(database: Database) -> None:
    matching = {"min_matching_percent": 20}
    assert only(database, scenario(database, comp=matching, requested=8_000_000), "matching_ratio") == (
        True, "Matching funds 20,000.00 yuan are 20.00% of the budget (20% required)")
    assert only(database, scenario(database, comp=matching, requested=8_100_000), "matching_ratio") == (
        False, "Matching funds 19,000.00 yuan are only 19.00% of the budget (20% required)")
    assert only(database, scenario(database, comp=matching, total=0, requested=0), "matching_ratio")[0] is False

    fee = {"management_fee_cap_percent": 10}
    assert only(database, scenario(database, rules=fee, management=1_000_000), "management_fee") == (
        True, "Management fee is 10.00% of the budget (at most 10%)")
    assert only(database, scenario(database, rules=fee, management=1_100_000), "management_fee") == (
        False, "Management fee is 11.00% of the budget, over the 10% limit")
    assert only(database, scenario(database, rules=fee), "management_fee")[0] is True


def test_a_failed_share_never_reads_as_the_limit_itself(database: Database) -> None:
    passed, text = only(database, scenario(database, rules={"management_fee_cap_percent": 10},
                                           total=1_000_000, management=100_040), "management_fee")
    assert passed is False
    shown = float(text.split(" is ")[1].split("%")[0])
    assert shown > 10


def test_proposals_per_organization_count_in_intake_order(database: Database) -> None:
    with database.write() as s:
        comp = competition(rules={"max_proposals_per_org": 2})
        other_comp = competition(rules={"max_proposals_per_org": 2})
        a, b = clean_org(), clean_org()
        made = [proposal(comp, a, number="2026-003", title="甲3"), proposal(comp, b, number="2026-002", title="乙2"),
                proposal(comp, a, number="2026-001", title="甲1"), proposal(comp, a, number="2026-004", title="甲4"),
                proposal(comp, a, number=None, status=ProposalStatus.DRAFT, title="甲草稿"),
                proposal(other_comp, a, number="2026-001", title="甲在别的大赛")]
        s.add_all(made)
        s.flush()
        ids = {p.title: p.id for p in made}
    assert only(database, ids["甲1"], "proposals_per_org") == (
        True, "Proposal 1 of this organization (at most 2 allowed)")
    assert only(database, ids["乙2"], "proposals_per_org")[0] is True
    assert only(database, ids["甲3"], "proposals_per_org") == (
        True, "Proposal 2 of this organization (at most 2 allowed)")
    assert only(database, ids["甲4"], "proposals_per_org") == (
        False, "Proposal 3 of this organization: only 2 allowed")
    assert only(database, ids["甲在别的大赛"], "proposals_per_org")[0] is True


def _numbered_without_padding(database: Database, rules: dict[str, Any]) -> tuple[int, dict[str, int]]:
    """Pattern '{year}-{seq}': the organization's 9th and 10th arrivals are 2026-9 and 2026-10."""
    with database.write() as s:
        comp = competition(rules=rules, intake_pattern="{year}-{seq}")
        a, b = clean_org(), clean_org()
        made = [proposal(comp, b, number=f"2026-{n}", title=f"乙{n}") for n in range(1, 9)]
        made += [proposal(comp, a, number="2026-9", title="甲9"), proposal(comp, a, number="2026-10", title="甲10")]
        s.add_all(made)
        s.flush()
        return comp.id, {p.title: p.id for p in made}


def test_proposals_per_organization_with_unpadded_numbers(database: Database) -> None:
    _cid, ids = _numbered_without_padding(database, {"max_proposals_per_org": 1})
    assert only(database, ids["甲9"], "proposals_per_org")[0] is True
    assert only(database, ids["甲10"], "proposals_per_org")[0] is False


def test_screening_list_in_intake_order_with_unpadded_numbers(database: Database) -> None:
    cid, _ids = _numbered_without_padding(database, {})
    assert [r.intake_number for r in screening.screening_list(database, cid)] == [f"2026-{n}" for n in range(1, 11)]


def test_service_domain_among_the_themes(database: Database) -> None:
    themes = {"themes": (ServiceDomain.ELDERLY, ServiceDomain.CHILDREN)}
    assert only(database, scenario(database, comp=themes, domain=ServiceDomain.CHILDREN), "service_domain") == (
        True, "The service domain is among the competition's themes")
    assert only(database, scenario(database, comp=themes, domain=ServiceDomain.CULTURE), "service_domain") == (
        False, "The service domain is not among the competition's themes")
    assert automatic(database, scenario(database, rules={"domain_in_themes": False}, comp=themes,
                                        domain=ServiceDomain.CULTURE)) == {}
    assert automatic(database, scenario(database, domain=ServiceDomain.CULTURE)) == {}  # no themes: nothing to match


def test_rules_absent_from_the_competition_are_skipped(database: Database) -> None:
    flawed = {"registered_on": dt.date(2026, 4, 1), "inspection_result": InspectionResult.FAILED,
              "rating": Rating.NONE, "has_bank_account": False, "abnormal_list_until": dt.date(2027, 1, 1),
              "violation_list_until": dt.date(2028, 1, 1)}
    pid = scenario(database, org=flawed, requested=10_000_000, management=5_000_000, domain=ServiceDomain.OTHER)
    results = screening.run_checks(database, pid)
    assert [(r.code, r.manual, r.passed) for r in results] == [
        ("charter_scope", True, None), ("materials_complete", True, None)]
    assert screening.suggest(results) == ScreeningOutcome.ELIGIBLE
    every = {"min_registration_years": 1, "require_inspection_passed": True, "min_rating": "2A",
             "exclude_abnormal_list": True, "exclude_violation_list": True, "require_bank_account": True,
             "management_fee_cap_percent": 10, "max_proposals_per_org": 1}
    pid = scenario(database, rules=every, org=flawed, requested=10_000_000, management=5_000_000,
                   comp={"project_cap_fen": 8_000_000, "min_matching_percent": 20, "themes": (ServiceDomain.ELDERLY,)},
                   domain=ServiceDomain.OTHER)
    results = automatic(database, pid)
    assert list(results) == [code for code, _rule in screening.RULES]  # every rule, in rule order
    assert {code for code, r in results.items() if r.passed} == {"proposals_per_org"}


# --- the suggestion ------------------------------------------------------------------------------------------


def _result(code: str, passed: bool | None, manual: bool = False) -> CheckResult:
    return CheckResult(code, manual, passed, "")


@pytest.mark.parametrize(("results", "expected"), [
    ([], ScreeningOutcome.ELIGIBLE),
    ([_result("bank_account", True), _result("charter_scope", True, True)], ScreeningOutcome.ELIGIBLE),
    ([_result("bank_account", True), _result("charter_scope", None, True)], ScreeningOutcome.ELIGIBLE),
    ([_result("management_fee", False), _result("request_cap", False)], ScreeningOutcome.RETURNED),
    ([_result("matching_ratio", False), _result("materials_complete", False, True)], ScreeningOutcome.RETURNED),
    ([_result("management_fee", False), _result("registration_years", False)], ScreeningOutcome.INELIGIBLE),
    ([_result("bank_account", False)], ScreeningOutcome.INELIGIBLE),
    ([_result("credit_lists", False), _result("materials_complete", True, True)], ScreeningOutcome.INELIGIBLE),
    ([_result("charter_scope", False, True), _result("request_cap", True)], ScreeningOutcome.INELIGIBLE),
])
def test_suggest(results: list[CheckResult], expected: ScreeningOutcome) -> None:
    assert screening.suggest(results) == expected


def test_suggestions_from_real_checks(database: Database) -> None:
    rules = {"require_bank_account": True, "management_fee_cap_percent": 10}
    fixable = scenario(database, rules=rules, management=2_000_000)
    assert screening.suggest(screening.run_checks(database, fixable)) == ScreeningOutcome.RETURNED
    hard = scenario(database, rules=rules, management=2_000_000, org={"has_bank_account": False})
    assert screening.suggest(screening.run_checks(database, hard)) == ScreeningOutcome.INELIGIBLE
    fine = scenario(database, rules=rules, management=500_000)
    answer_manual(database, fine)
    assert screening.suggest(screening.checks(database, fine)) == ScreeningOutcome.ELIGIBLE
    screening.record_manual(database, fine, "materials_complete", False, "申报书未盖公章", "陈志刚")
    assert screening.suggest(screening.checks(database, fine)) == ScreeningOutcome.RETURNED
    screening.record_manual(database, fine, "charter_scope", False, "项目超出章程业务范围", "陈志刚")
    assert screening.suggest(screening.checks(database, fine)) == ScreeningOutcome.INELIGIBLE


# --- stored checks and manual items --------------------------------------------------------------------------


def test_run_checks_replaces_automatic_rows_and_keeps_manual_answers(database: Database) -> None:
    pid = scenario(database, rules={"require_bank_account": True, "management_fee_cap_percent": 10},
                   org={"has_bank_account": False}, management=2_000_000)
    first = screening.run_checks(database, pid)
    assert [(r.code, r.passed) for r in first] == [
        ("bank_account", False), ("management_fee", False), ("charter_scope", None), ("materials_complete", None)]
    screening.record_manual(database, pid, "charter_scope", True, "  属于章程业务范围 ", " 刘晓燕 ")
    with database.write() as s:
        p = s.get(Proposal, pid)
        assert p is not None
        p.organization.has_bank_account = True
        p.competition.rules = {"require_bank_account": True}  # the fee rule was dropped
    again = screening.run_checks(database, pid)
    assert [(r.code, r.passed) for r in again] == [
        ("bank_account", True), ("charter_scope", True), ("materials_complete", None)]
    charter = next(r for r in again if r.code == "charter_scope")
    assert (charter.reviewer, charter.render()) == ("刘晓燕", "属于章程业务范围")
    assert screening.checks(database, pid) == again
    with database.read() as s:
        stored = s.scalars(select(EligibilityCheck.rule_code).where(EligibilityCheck.proposal_id == pid)).all()
    assert sorted(stored) == ["bank_account", "charter_scope"]


def test_record_manual_needs_a_reviewer_a_note_when_failing_and_a_known_item(database: Database) -> None:
    pid = scenario(database, rules={"require_bank_account": True})
    with pytest.raises(ValidationError, match="Say who reviewed"):
        screening.record_manual(database, pid, "charter_scope", True, "", "  ")
    with pytest.raises(ValidationError, match="Write why"):
        screening.record_manual(database, pid, "materials_complete", False, "  ", "刘晓燕")
    with pytest.raises(ValidationError) as caught:
        screening.record_manual(database, pid, "site_visit", True, "", "刘晓燕")
    assert caught.value.render() == "site_visit is not on this competition's checklist."
    with pytest.raises(ValidationError):  # automatic rules are not answered by hand
        screening.record_manual(database, pid, "bank_account", True, "", "刘晓燕")
    assert [r.passed for r in screening.checks(database, pid) if r.manual] == [None, None]

    screening.record_manual(database, pid, "materials_complete", False, "缺少年检证明", "刘晓燕")
    screening.record_manual(database, pid, "materials_complete", True, "", "陈志刚")  # answered again: replaced
    materials = [r for r in screening.checks(database, pid) if r.code == "materials_complete"]
    assert [(r.passed, r.reviewer) for r in materials] == [(True, "陈志刚")]

    custom = scenario(database, rules={"manual_checks": [{"code": "site_visit", "label": "实地走访核实办公场所"}]})
    screening.record_manual(database, custom, "site_visit", False, "办公场所与登记地址不符", "刘晓燕")
    assert [(r.code, r.passed, r.render()) for r in screening.checks(database, custom)] == [
        ("site_visit", False, "办公场所与登记地址不符")]
    with pytest.raises(ValidationError, match="not on this competition's checklist"):
        screening.record_manual(database, custom, "charter_scope", True, "", "刘晓燕")


def test_a_draft_cannot_be_screened(database: Database) -> None:
    pid = scenario(database, rules={"require_bank_account": True}, number=None, status=ProposalStatus.DRAFT)
    with pytest.raises(ValidationError, match="Only submitted proposals can be screened"):
        screening.run_checks(database, pid)
    with pytest.raises(ValidationError, match="Only submitted proposals can be screened"):
        screening.record_manual(database, pid, "charter_scope", True, "", "刘晓燕")
    for outcome in ScreeningOutcome:
        with pytest.raises(ValidationError):
            screening.decide(database, pid, outcome, "材料不全", "刘晓燕")
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(EligibilityCheck)) == 0
        assert s.scalar(select(func.count()).select_from(ScreeningDecision)) == 0
        assert s.get(Proposal, pid).status == ProposalStatus.DRAFT  # type: ignore[union-attr]


# --- decisions and the screening list ------------------------------------------------------------------------


def _status(database: Database, pid: int) -> ProposalStatus:
    with database.read() as s:
        return s.get(Proposal, pid).status  # type: ignore[union-attr]


def test_decide_eligible_only_when_every_check_passed(database: Database) -> None:
    pid = scenario(database, rules={"require_bank_account": True}, org={"has_bank_account": False})
    with pytest.raises(ValidationError, match="cannot be eligible"):  # the checks run again at the decision
        screening.decide(database, pid, ScreeningOutcome.ELIGIBLE, "", "刘晓燕")
    screening.run_checks(database, pid)
    answer_manual(database, pid)
    with pytest.raises(ValidationError) as caught:  # the bank account check failed
        screening.decide(database, pid, ScreeningOutcome.ELIGIBLE, "", "刘晓燕")
    assert caught.value.render() == "It cannot be eligible while 1 check(s) are failed or not done."
    with database.write() as s:
        s.get(Proposal, pid).organization.has_bank_account = True  # type: ignore[union-attr]
    screening.run_checks(database, pid)
    screening.record_manual(database, pid, "charter_scope", False, "项目超出章程业务范围", "刘晓燕")
    with pytest.raises(ValidationError, match="1 check"):  # a failed manual item
        screening.decide(database, pid, ScreeningOutcome.ELIGIBLE, "", "刘晓燕")

    unanswered = scenario(database, rules={"require_bank_account": True})
    screening.run_checks(database, unanswered)
    screening.record_manual(database, unanswered, "materials_complete", True, "", "刘晓燕")
    with pytest.raises(ValidationError, match="1 check"):  # charter_scope not answered yet
        screening.decide(database, unanswered, ScreeningOutcome.ELIGIBLE, "", "刘晓燕")
    with pytest.raises(ValidationError, match="Say who decided"):
        screening.decide(database, unanswered, ScreeningOutcome.ELIGIBLE, "", " ")
    assert _status(database, unanswered) == ProposalStatus.SUBMITTED
    screening.record_manual(database, unanswered, "charter_scope", True, "", "刘晓燕")
    screening.decide(database, unanswered, ScreeningOutcome.ELIGIBLE, "", " 刘晓燕 ")
    assert _status(database, unanswered) == ProposalStatus.ELIGIBLE
    assert _status(database, pid) == ProposalStatus.SUBMITTED
    with database.read() as s:
        decision = s.scalars(select(ScreeningDecision)).one()
        assert (decision.outcome, decision.decided_by, decision.reasons) == (ScreeningOutcome.ELIGIBLE, "刘晓燕", "")


def test_a_competition_with_only_manual_checks_can_find_a_proposal_eligible(database: Database) -> None:
    pid = scenario(database)
    screening.run_checks(database, pid)
    answer_manual(database, pid)
    screening.decide(database, pid, ScreeningOutcome.ELIGIBLE, "", "刘晓燕")
    assert _status(database, pid) == ProposalStatus.ELIGIBLE


def test_refusing_or_returning_needs_reasons_and_sets_the_status(database: Database) -> None:
    with database.write() as s:
        comp = competition(rules={"require_bank_account": True})
        other = competition()
        made = [proposal(comp, clean_org(), number=f"2026-{n:03d}", title=f"项目{n}") for n in (3, 1, 2, 4)]
        made.append(proposal(comp, clean_org(), number=None, status=ProposalStatus.DRAFT, title="草稿"))
        made.append(proposal(other, clean_org(), number="2026-001", title="别的大赛"))
        s.add_all(made)
        s.flush()
        ids = {p.title: p.id for p in made}
        cid = comp.id
    for outcome in (ScreeningOutcome.INELIGIBLE, ScreeningOutcome.RETURNED):
        with pytest.raises(ValidationError, match="Write the reasons"):
            screening.decide(database, ids["项目1"], outcome, "  ", "刘晓燕")
    assert _status(database, ids["项目1"]) == ProposalStatus.SUBMITTED
    screening.decide(database, ids["项目1"], ScreeningOutcome.INELIGIBLE, "机构未开设独立银行账户", "刘晓燕")
    assert _status(database, ids["项目1"]) == ProposalStatus.INELIGIBLE
    screening.decide(database, ids["项目2"], ScreeningOutcome.RETURNED, "管理费超过10%", "陈志刚")
    assert _status(database, ids["项目2"]) == ProposalStatus.RETURNED
    screening.decide(database, ids["项目2"], ScreeningOutcome.INELIGIBLE, "逾期未修改", "刘晓燕")  # reconsidered
    screening.run_checks(database, ids["项目3"])
    answer_manual(database, ids["项目3"])
    screening.decide(database, ids["项目3"], ScreeningOutcome.ELIGIBLE, "", "陈志刚")

    listed = screening.screening_list(database, cid)
    assert [(r.intake_number, r.title) for r in listed] == [
        ("2026-001", "项目1"), ("2026-002", "项目2"), ("2026-003", "项目3"), ("2026-004", "项目4")]
    assert [(r.outcome, r.reasons, r.decided_by) for r in listed] == [
        (ScreeningOutcome.INELIGIBLE, "机构未开设独立银行账户", "刘晓燕"),
        (ScreeningOutcome.INELIGIBLE, "逾期未修改", "刘晓燕"),  # the latest decision
        (ScreeningOutcome.ELIGIBLE, "", "陈志刚"),
        (None, "", "")]
    assert all(isinstance(r.decided_on, dt.date) for r in listed[:3]) and listed[3].decided_on is None
    assert listed[0].requested_fen == 7_000_000 and listed[0].organization.startswith("望江阳光社会工作服务中心")


def test_the_demo_screening_agrees_with_the_rules(database: Database) -> None:
    demo.create_demo(database)
    with database.read() as s:
        cid = s.scalars(select(Competition.id).where(Competition.year == 2026)).one()  # the one in screening
        waiting = s.execute(select(Proposal.id, Organization.inspection_result)
                            .join(Organization, Organization.id == Proposal.organization_id)
                            .where(Proposal.status == ProposalStatus.SUBMITTED)).all()
    listed = screening.screening_list(database, cid)
    assert [r.intake_number for r in listed] == sorted(r.intake_number for r in listed)
    for row in listed:
        if row.outcome is None:
            continue
        results = screening.run_checks(database, row.proposal_id)  # with the reviewers' stored manual answers
        assert screening.suggest(results) == row.outcome, row.intake_number
        assert all("{" not in r.render() for r in results)
    assert waiting
    for pid, inspection in waiting:
        failed = [r.code for r in screening.run_checks(database, pid) if r.passed is False]
        assert failed == ([] if inspection == InspectionResult.PASSED else ["annual_inspection"])


# --- property: random applicants -----------------------------------------------------------------------------

_dates = st.dates(dt.date(2014, 1, 1), dt.date(2027, 12, 31))
_line = st.tuples(st.sampled_from(list(BudgetCategory)), st.integers(0, 5_000_000), st.integers(0, 40),
                  st.one_of(st.none(), st.integers(0, 20_000_000)))
_all_rules = {"min_registration_years": 2, "require_inspection_passed": True, "min_rating": "2A",
              "exclude_abnormal_list": True, "exclude_violation_list": True, "require_bank_account": True,
              "management_fee_cap_percent": 10, "max_proposals_per_org": 2}


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(registered=st.one_of(st.none(), _dates), inspection=st.sampled_from(list(InspectionResult)),
       rating=st.sampled_from(list(Rating)), bank=st.booleans(),
       abnormal=st.one_of(st.none(), _dates), violation=st.one_of(st.none(), _dates),
       lines=st.lists(_line, max_size=6), requested_share=st.integers(0, 120), earlier=st.integers(0, 3),
       domain=st.sampled_from(list(ServiceDomain)), cap=st.sampled_from([0, 3_000_000, 8_000_000]),
       share=st.sampled_from([None, 60, 100]), matching_percent=st.sampled_from([0, 20, 40]),
       rule_keys=st.sets(st.sampled_from(sorted(_all_rules))))
def test_run_checks_never_raises_and_suggest_follows_the_hard_failures(
        database: Database, registered: dt.date | None, inspection: InspectionResult, rating: Rating, bank: bool,
        abnormal: dt.date | None, violation: dt.date | None, lines: list[tuple[BudgetCategory, int, int, int | None]],
        requested_share: int, earlier: int, domain: ServiceDomain, cap: int, share: int | None,
        matching_percent: int, rule_keys: set[str]) -> None:
    amounts = [unit * qty if amount is None else amount for _c, unit, qty, amount in lines]
    total = sum(amounts)
    requested = total * requested_share // 100
    management = sum(a for (c, *_rest), a in zip(lines, amounts, strict=True) if c == BudgetCategory.MANAGEMENT)
    with database.write() as s:
        comp = competition(rules={k: _all_rules[k] for k in rule_keys}, themes=(ServiceDomain.ELDERLY,),
                           project_cap_fen=cap, budget_share_cap_percent=share, min_matching_percent=matching_percent)
        org = clean_org(registered_on=registered, inspection_result=inspection, rating=rating, has_bank_account=bank,
                        abnormal_list_until=abnormal, violation_list_until=violation)
        for n in range(earlier):
            s.add(proposal(comp, org, number=f"2026-{n:03d}", title=f"更早的{n}"))
        p = Proposal(competition=comp, organization=org, title="随机申报", domain=domain,
                     status=ProposalStatus.SUBMITTED, intake_number="2026-999", requested_fen=requested,
                     matching_fen=total - requested if total >= requested else 0, total_budget_fen=total,
                     budget_lines=[BudgetLine(seq=i, category=c, item=f"第{i}项", unit_price_fen=unit, quantity=qty,
                                              amount_fen=a)
                                   for i, ((c, unit, qty, _amount), a) in enumerate(zip(lines, amounts, strict=True))])
        s.add(p)
        s.flush()
        pid = p.id

    results = screening.run_checks(database, pid)
    for r in results:
        assert "{" not in r.render() and "}" not in r.render()
    auto = {r.code: r.passed for r in results if not r.manual}
    hard = any(passed is False and code not in FIXABLE for code, passed in auto.items())
    assert (screening.suggest(results) == ScreeningOutcome.INELIGIBLE) == hard
    if not hard:
        any_failed = any(passed is False for passed in auto.values())
        assert screening.suggest(results) == (ScreeningOutcome.RETURNED if any_failed else ScreeningOutcome.ELIGIBLE)

    # the money rules against a plain restatement of the competition's terms
    matching = total - requested if total >= requested else 0
    assert ("request_cap" in auto) == bool(cap or share)
    if cap or share:
        within_share = not share or requested * 100 <= total * share
        assert auto["request_cap"] == ((not cap or requested <= cap) and within_share)
    assert ("matching_ratio" in auto) == bool(matching_percent)
    if matching_percent:
        assert auto["matching_ratio"] == (total > 0 and matching * 100 >= total * matching_percent)
    if "management_fee_cap_percent" in rule_keys:
        assert auto["management_fee"] == (management * 100 <= total * 10)
    if "require_bank_account" in rule_keys:
        assert auto["bank_account"] == bank
    if "max_proposals_per_org" in rule_keys:
        assert auto["proposals_per_org"] == (earlier + 1 <= 2)
    assert auto.get("service_domain", True) == (domain == ServiceDomain.ELDERLY)
