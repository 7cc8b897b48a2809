"""Eligibility screening (资格审查): rules configured on the competition, checked automatically with readable
reasons, manual checklist items with a reviewer's note, and an outcome with reasons and who decided.

Reasons are stored as English source text plus parameters and translated where they are shown, so the same
record reads in Chinese on the screening list and in English in an English session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, object_session, selectinload

from ..db import Database
from ..enums import BudgetCategory, InspectionResult, ProposalStatus, Rating, ScreeningOutcome
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import Competition, EligibilityCheck, Organization, Proposal, ScreeningDecision
from ..money import format_yuan
from . import access, audit, bidding, capacity
from .access import Permission
from .proposals import intake_before, intake_order

CONTEXT = "Screening"
SCREENABLE = (ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE, ProposalStatus.INELIGIBLE, ProposalStatus.RETURNED)
OUTCOME_STATUS = {ScreeningOutcome.ELIGIBLE: ProposalStatus.ELIGIBLE,
                  ScreeningOutcome.INELIGIBLE: ProposalStatus.INELIGIBLE,
                  ScreeningOutcome.RETURNED: ProposalStatus.RETURNED}
RATING_ORDER = [Rating.NONE, Rating.A1, Rating.A2, Rating.A3, Rating.A4, Rating.A5]

# manual checklist when the competition names none
DEFAULT_MANUAL = (
    ("charter_scope", QT_TRANSLATE_NOOP("Screening", "The project lies within the organization's charter")),
    ("materials_complete", QT_TRANSLATE_NOOP("Screening", "Application form, budget and certificates are complete")),
)
# failures that can be mended by the applicant: the proposal is returned rather than refused
FIXABLE = {"management_fee", "materials_complete", "matching_ratio", "request_cap"}


@dataclass(frozen=True)
class CheckResult:
    code: str
    manual: bool
    passed: bool | None  # None: a manual item not checked yet
    message: str  # source text (context "Screening"), or the reviewer's note for a manual item
    params: dict[str, Any] = field(default_factory=dict)
    reviewer: str = ""

    def render(self, translate: Callable[[str, str], str] | None = None) -> str:
        if self.manual:
            return self.message
        text = translate(CONTEXT, self.message) if translate else self.message
        return text.format(**self.params)


@dataclass
class _Facts:
    proposal: Proposal
    organization: Organization
    competition: Competition
    rules: dict[str, Any]
    as_of: dt.date
    order_in_org: int  # 1 for the organization's first proposal in this competition
    theme_domains: set[str]


Verdict = tuple[bool, str, dict[str, Any]]
Rule = Callable[[_Facts], Verdict | None]


def _verdict(ok: bool, passed: str, failed: str, **params: Any) -> Verdict:
    return ok, passed if ok else failed, params


def _registration(f: _Facts) -> Verdict | None:
    years = f.rules.get("min_registration_years")
    if not years:
        return None
    registered = f.organization.registered_on
    if registered is None:
        return False, QT_TRANSLATE_NOOP("Screening", "The registration date is not recorded"), {}
    ok = anniversary(registered, years) <= f.as_of
    return _verdict(ok, QT_TRANSLATE_NOOP("Screening", "Registered on {date}: at least {years} year(s) by {as_of}"),
                    QT_TRANSLATE_NOOP("Screening", "Registered on {date}: less than {years} year(s) by {as_of}"),
                    date=registered.isoformat(), years=years, as_of=f.as_of.isoformat())


def anniversary(day: dt.date, years: int) -> dt.date:
    """The same date years later; for 29 February in a common year, the last day of February (民法典 第二百零二条:
    a period without the corresponding day ends on the month's last day)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 2, 28)


def _inspection(f: _Facts) -> Verdict | None:
    if not f.rules.get("require_inspection_passed"):
        return None
    result = f.organization.inspection_result
    failed = {InspectionResult.BASIC: QT_TRANSLATE_NOOP("Screening", "Annual inspection only basically passed"),
              InspectionResult.FAILED: QT_TRANSLATE_NOOP("Screening", "Annual inspection failed"),
              InspectionResult.NONE: QT_TRANSLATE_NOOP("Screening", "No annual inspection result yet")}
    return _verdict(result == InspectionResult.PASSED, QT_TRANSLATE_NOOP("Screening", "Annual inspection passed"),
                    failed.get(result, ""))


def _rating(f: _Facts) -> Verdict | None:
    wanted = f.rules.get("min_rating")
    if not wanted:
        return None
    have = f.organization.rating
    return _verdict(RATING_ORDER.index(have) >= RATING_ORDER.index(Rating(wanted)),
                    QT_TRANSLATE_NOOP("Screening", "Rating {rating} meets the required {wanted}"),
                    QT_TRANSLATE_NOOP("Screening", "Rating {rating} is below the required {wanted}"),
                    rating=have.value, wanted=wanted)


def _credit_lists(f: _Facts) -> Verdict | None:
    if not (f.rules.get("exclude_abnormal_list") or f.rules.get("exclude_violation_list")):
        return None
    org = f.organization
    if f.rules.get("exclude_violation_list") and org.violation_list_until and org.violation_list_until >= f.as_of:
        return False, QT_TRANSLATE_NOOP(
            "Screening", "On the serious-violation list until {until}"), {"until": org.violation_list_until.isoformat()}
    if f.rules.get("exclude_abnormal_list") and org.abnormal_list_until and org.abnormal_list_until >= f.as_of:
        return False, QT_TRANSLATE_NOOP(
            "Screening", "On the abnormal-activity list until {until}"), {"until": org.abnormal_list_until.isoformat()}
    return True, QT_TRANSLATE_NOOP("Screening", "Not on the abnormal-activity or serious-violation lists"), {}


def _bank_account(f: _Facts) -> Verdict | None:
    if not f.rules.get("require_bank_account"):
        return None
    return _verdict(f.organization.has_bank_account, QT_TRANSLATE_NOOP("Screening", "Has its own bank account"),
                    QT_TRANSLATE_NOOP("Screening", "Has no bank account of its own to receive the grant"))


def _request_cap(f: _Facts) -> Verdict | None:
    """Both limits on the grant: the per-project cap and a share of the project's total budget."""
    cap, share = f.competition.project_cap_fen, f.competition.budget_share_cap_percent
    if not cap and not share:
        return None
    requested, total = f.proposal.requested_fen, f.proposal.total_budget_fen
    params: dict[str, Any] = {"requested": format_yuan(requested), "cap": format_yuan(cap), "share": share}
    if cap and requested > cap:
        return False, QT_TRANSLATE_NOOP("Screening", "Requests {requested} yuan, over the cap of {cap} yuan"), params
    if share and requested * 100 > total * share:
        message = QT_TRANSLATE_NOOP("Screening", "Requests {requested} yuan, more than {share}% of the total budget")
        return False, message, params
    if not cap:
        return True, QT_TRANSLATE_NOOP("Screening", "Requests {requested} yuan, within {share}% of the total budget"), \
            params
    return True, QT_TRANSLATE_NOOP("Screening", "Requests {requested} yuan, within the cap of {cap} yuan"), params


def _matching(f: _Facts) -> Verdict | None:
    percent = f.competition.min_matching_percent
    if not percent:
        return None
    total = f.proposal.total_budget_fen
    matching = f.proposal.matching_fen
    return _verdict(total > 0 and matching * 100 >= total * percent,
                    QT_TRANSLATE_NOOP("Screening",
                                      "Matching funds {matching} yuan are {share} of the budget ({percent}% required)"),
                    QT_TRANSLATE_NOOP("Screening",
                                      "Matching funds {matching} yuan are only {share} of the budget ({percent}% "
                                      "required)"),
                    matching=format_yuan(matching), share=_percent(matching, total, up=False), percent=percent)


def _management_fee(f: _Facts) -> Verdict | None:
    cap = f.rules.get("management_fee_cap_percent")
    if not cap:
        return None
    fee = sum(b.amount_fen for b in f.proposal.budget_lines if b.category == BudgetCategory.MANAGEMENT)
    total = f.proposal.total_budget_fen
    return _verdict(fee * 100 <= total * cap,
                    QT_TRANSLATE_NOOP("Screening", "Management fee is {share} of the budget (at most {cap}%)"),
                    QT_TRANSLATE_NOOP("Screening", "Management fee is {share} of the budget, over the {cap}% limit"),
                    share=_percent(fee, total, up=True), cap=cap)


def _per_organization(f: _Facts) -> Verdict | None:
    limit = f.rules.get("max_proposals_per_org")
    if not limit:
        return None
    return _verdict(f.order_in_org <= limit,
                    QT_TRANSLATE_NOOP("Screening", "Proposal {n} of this organization (at most {limit} allowed)"),
                    QT_TRANSLATE_NOOP("Screening", "Proposal {n} of this organization: only {limit} allowed"),
                    n=f.order_in_org, limit=limit)


def _domain(f: _Facts) -> Verdict | None:
    if not f.rules.get("domain_in_themes", True) or not f.theme_domains:
        return None
    return _verdict(f.proposal.domain.value in f.theme_domains,
                    QT_TRANSLATE_NOOP("Screening", "The service domain is among the competition's themes"),
                    QT_TRANSLATE_NOOP("Screening", "The service domain is not among the competition's themes"))


RULES: tuple[tuple[str, Rule], ...] = (
    ("registration_years", _registration),
    ("annual_inspection", _inspection),
    ("rating", _rating),
    ("credit_lists", _credit_lists),
    ("bank_account", _bank_account),
    ("request_cap", _request_cap),
    ("matching_ratio", _matching),
    ("management_fee", _management_fee),
    ("proposals_per_org", _per_organization),
    ("service_domain", _domain),
)


def _evaluation_record(f: _Facts) -> Verdict | None:
    """"No failed evaluation in N years" (off unless the competition sets N); the failure is named, not hidden."""
    years = f.rules.get("no_failed_evaluation_years")
    if not years:
        return None
    evaluations = capacity.evaluations_in(object_session(f.proposal), f.organization.id)
    failed = capacity.failed_within(evaluations, years, f.as_of)
    params: dict[str, Any] = {"years": years, "as_of": f.as_of.isoformat()}
    if not failed:
        return True, QT_TRANSLATE_NOOP("Screening", "No failed evaluation in the {years} year(s) before {as_of}"), \
            params
    last = failed[0]
    params.update(project=last.title, competition=last.competition, date=last.evaluated_on.isoformat(),
                  count=len(failed))
    message = {"midterm": QT_TRANSLATE_NOOP(
        "Screening", "Mid-term evaluation of “{project}” ({competition}) graded Fail on {date}: {count} failed "
                     "evaluation(s) in the {years} year(s) before {as_of}"),
               "final": QT_TRANSLATE_NOOP(
        "Screening", "Final evaluation of “{project}” ({competition}) graded Fail on {date}: {count} failed "
                     "evaluation(s) in the {years} year(s) before {as_of}")}[last.kind.value]
    return False, message, params


def _bar(f: _Facts) -> Verdict | None:
    """A bar on applications in force always makes a proposal ineligible; checked only if the organization has
    ever been barred."""
    bars = capacity.bars_in(object_session(f.proposal), f.organization.id, f.as_of)
    if not bars:
        return None
    active = [b for b in bars if b.active]
    if not active:
        return True, QT_TRANSLATE_NOOP("Screening", "No bar on applications in force on {as_of} ({count} on record)"), \
            {"as_of": f.as_of.isoformat(), "count": len(bars)}
    bar = max(active, key=lambda b: b.until_date)
    return False, QT_TRANSLATE_NOOP("Screening", "Barred from applying from {start} until {until}: {reason}"), \
        {"start": bar.from_date.isoformat(), "until": bar.until_date.isoformat(), "reason": bar.reason}


# Facts from the organization's record in earlier competitions (services.capacity), checked after the rules above.
RECORD_RULES: tuple[tuple[str, Rule], ...] = (  # always checked: a record, or a bid's price, is not a setting
    ("evaluation_record", _evaluation_record),
    ("organization_bar", _bar),
    (bidding.BID_OVER_CEILING, lambda f: bidding.ceiling_rule(f.proposal)),
)
# each rule as the screening dialog, the commission form and the CLI name it (context "Screening")
RULE_NAMES = {
    "registration_years": QT_TRANSLATE_NOOP("Screening", "Years since registration"),
    "annual_inspection": QT_TRANSLATE_NOOP("Screening", "Annual inspection"),
    "rating": QT_TRANSLATE_NOOP("Screening", "Rating"),
    "credit_lists": QT_TRANSLATE_NOOP("Screening", "Abnormal-activity and violation lists"),
    "bank_account": QT_TRANSLATE_NOOP("Screening", "Own bank account"),
    "request_cap": QT_TRANSLATE_NOOP("Screening", "Amount requested within the cap"),
    "matching_ratio": QT_TRANSLATE_NOOP("Screening", "Matching funds"),
    "management_fee": QT_TRANSLATE_NOOP("Screening", "Management fee share"),
    "proposals_per_org": QT_TRANSLATE_NOOP("Screening", "Proposals per organization"),
    "service_domain": QT_TRANSLATE_NOOP("Screening", "Service domain among the themes"),
    "evaluation_record": QT_TRANSLATE_NOOP("Screening", "No failed evaluation in recent years"),
    "organization_bar": QT_TRANSLATE_NOOP("Screening", "Bar on applications"),
    "bid_over_ceiling": QT_TRANSLATE_NOOP("Screening", "Bid price within the ceiling"),
}


def _percent(part: int, whole: int, *, up: bool) -> str:
    """part/whole with two decimals, rounded away from the limit it is checked against, so a failing share
    never reads as the limit itself (10.004% over a 10% cap reads 10.01%)."""
    if not whole:
        return "—"
    hundredths, rest = divmod(part * 10_000, whole)
    if up and rest:
        hundredths += 1
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


# --- evaluating ------------------------------------------------------------------------------------------


def _facts(s: Session, proposal: Proposal) -> _Facts:
    competition = proposal.competition
    earlier = s.scalar(select(func.count()).select_from(Proposal).where(
        Proposal.competition_id == competition.id, Proposal.organization_id == proposal.organization_id,
        Proposal.status != ProposalStatus.WITHDRAWN, Proposal.intake_number.is_not(None),
        intake_before(Proposal.intake_number, proposal.intake_number or ""))) or 0
    return _Facts(proposal, proposal.organization, competition, dict(competition.rules or {}),
                  competition.apply_until or dt.date.today(), earlier + 1,
                  {theme.domain.value for theme in competition.themes})


def evaluate(s: Session, proposal: Proposal) -> list[CheckResult]:
    """The automatic checks of one proposal against its competition's rules (nothing is written)."""
    facts = _facts(s, proposal)
    results = []
    for code, rule in (*RULES, *RECORD_RULES):
        outcome = rule(facts)
        if outcome is not None:
            passed, message, params = outcome
            results.append(CheckResult(code, False, passed, message, params))
    return results


def manual_items(competition: Competition) -> list[tuple[str, str]]:
    """(code, label source text) of the competition's manual checklist."""
    configured = (competition.rules or {}).get("manual_checks")
    return [(item["code"], item["label"]) for item in configured] if configured else list(DEFAULT_MANUAL)


def manual_items_for(db: Database, proposal_id: int) -> list[tuple[str, str]]:
    with db.read() as s:
        proposal = s.get(Proposal, proposal_id, options=[selectinload(Proposal.competition)])
        return manual_items(proposal.competition) if proposal else []


def suggest(checks: list[CheckResult]) -> ScreeningOutcome:
    """Hard failures make a proposal ineligible, mendable ones send it back; all passed is eligible."""
    failed = [c.code for c in checks if c.passed is False]
    if any(code not in FIXABLE for code in failed):
        return ScreeningOutcome.INELIGIBLE
    return ScreeningOutcome.RETURNED if failed else ScreeningOutcome.ELIGIBLE


def _load(s: Session, proposal_id: int) -> Proposal:
    proposal = s.get(Proposal, proposal_id, options=[selectinload(Proposal.budget_lines),
                                                    selectinload(Proposal.organization),
                                                    selectinload(Proposal.competition)])
    if proposal is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no proposal with number {id}."), id=proposal_id)
    if proposal.status not in SCREENABLE:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Only submitted proposals can be screened; {title} is not submitted."), title=proposal.title)
    return proposal


def run_checks(db: Database, proposal_id: int) -> list[CheckResult]:
    """Evaluates the automatic checks and stores them (replacing earlier automatic results). Not in the change log:
    they follow from the data as it stands, and the decision that rests on them is logged."""
    access.require(db, Permission.SCREENING_DECIDE)
    with db.write() as s:
        proposal = _load(s, proposal_id)
        results = evaluate(s, proposal)
        s.execute(delete(EligibilityCheck).where(EligibilityCheck.proposal_id == proposal_id,
                                                 EligibilityCheck.manual.is_(False)))
        s.add_all(EligibilityCheck(proposal_id=proposal_id, rule_code=r.code, manual=False, passed=r.passed,
                                   reason=r.message, params=r.params) for r in results)
    return checks(db, proposal_id)


def record_manual(db: Database, proposal_id: int, code: str, passed: bool, note: str, reviewer: str) -> None:
    """A reviewer's answer to one manual checklist item, with a note (required when it fails)."""
    actor = access.require(db, Permission.SCREENING_DECIDE)
    if not reviewer.strip():
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Say who reviewed this item."))
    if not passed and not note.strip():
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Write why this item is not met."))
    with db.write() as s:
        proposal = _load(s, proposal_id)
        if code not in dict(manual_items(proposal.competition)):
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "{code} is not on this competition's checklist."),
                                  code=code)
        earlier = s.scalar(select(EligibilityCheck.passed).where(EligibilityCheck.proposal_id == proposal_id,
                                                                 EligibilityCheck.rule_code == code))
        s.execute(delete(EligibilityCheck).where(EligibilityCheck.proposal_id == proposal_id,
                                                 EligibilityCheck.rule_code == code))
        s.add(EligibilityCheck(proposal_id=proposal_id, rule_code=code, manual=True, passed=passed,
                               reason=note.strip(), reviewer=reviewer.strip()))
        audit.log(s, actor, "screening.check", "proposal", proposal_id, before={"code": code, "passed": earlier},
                  after={"code": code, "passed": passed, "note": note.strip(), "reviewer": reviewer.strip()})


def checks(db: Database, proposal_id: int) -> list[CheckResult]:
    """Stored results: automatic checks in rule order, then the manual checklist (unanswered items as None)."""
    with db.read() as s:
        proposal = s.get(Proposal, proposal_id, options=[selectinload(Proposal.competition)])
        if proposal is None:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no proposal with number {id}."),
                                  id=proposal_id)
        stored = {c.rule_code: c for c in s.scalars(select(EligibilityCheck).where(
            EligibilityCheck.proposal_id == proposal_id))}
        order = [code for code, _rule in (*RULES, *RECORD_RULES)]
        automatic = sorted((c for c in stored.values() if not c.manual),
                           key=lambda c: order.index(c.rule_code) if c.rule_code in order else len(order))
        results = [CheckResult(c.rule_code, False, c.passed, c.reason, dict(c.params or {})) for c in automatic]
        for code, _label in manual_items(proposal.competition):
            c = stored.get(code)
            results.append(CheckResult(code, True, c.passed if c else None, c.reason if c else "",
                                       reviewer=c.reviewer if c else ""))
        return results


def decide(db: Database, proposal_id: int, outcome: ScreeningOutcome, reasons: str, decided_by: str) -> None:
    """Records the outcome. Eligible needs every rule passed as the data stand now (the automatic checks are run
    again, so a stale result cannot slip through) and every checklist item met; refusing or returning needs
    written reasons."""
    actor = access.require(db, Permission.SCREENING_DECIDE)
    if not decided_by.strip():
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Say who decided."))
    if outcome != ScreeningOutcome.ELIGIBLE and not reasons.strip():
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Write the reasons for this outcome."))
    if outcome == ScreeningOutcome.ELIGIBLE:
        results = run_checks(db, proposal_id)
        open_items = [r for r in results if r.passed is not True]
        if open_items:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "It cannot be eligible while {count} check(s) are failed or not done."),
                count=len(open_items))
    with db.write() as s:
        proposal = _load(s, proposal_id)
        before = proposal.status
        proposal.status = OUTCOME_STATUS[outcome]
        s.add(ScreeningDecision(proposal_id=proposal_id, outcome=outcome, reasons=reasons.strip(),
                                decided_by=decided_by.strip()))
        audit.log(s, actor, "screening.decide", "proposal", proposal_id, before={"status": str(before)},
                  after={"status": str(proposal.status), "outcome": str(outcome), "reasons": reasons.strip(),
                         "decided_by": decided_by.strip()})


@dataclass(frozen=True, slots=True)
class ScreeningRow:
    """A line of the screening list (资格审查结果表)."""

    proposal_id: int
    intake_number: str
    organization: str
    title: str
    requested_fen: int
    outcome: ScreeningOutcome | None
    reasons: str
    decided_by: str
    decided_on: dt.date | None


def screening_list(db: Database, competition_id: int) -> list[ScreeningRow]:
    """Every submitted proposal of the competition in intake order, with its latest decision (if any)."""
    latest = (select(ScreeningDecision.proposal_id, func.max(ScreeningDecision.id).label("id"))
              .group_by(ScreeningDecision.proposal_id).subquery())
    with db.read() as s:
        rows = s.execute(
            select(Proposal.id, Proposal.intake_number, Organization.name, Proposal.title, Proposal.requested_fen,
                   ScreeningDecision.outcome, ScreeningDecision.reasons, ScreeningDecision.decided_by,
                   ScreeningDecision.decided_at, Proposal.status)
            .join(Organization, Organization.id == Proposal.organization_id)
            .outerjoin(latest, latest.c.proposal_id == Proposal.id)
            .outerjoin(ScreeningDecision, ScreeningDecision.id == latest.c.id)
            .where(Proposal.competition_id == competition_id, Proposal.intake_number.is_not(None))
            .order_by(*intake_order(Proposal.intake_number))).all()
    return [_list_row(r) for r in rows]


def _list_row(r: Any) -> ScreeningRow:
    """A proposal resubmitted after being returned waits for a new decision: the old one is not shown."""
    decided = r.status in OUTCOME_STATUS.values()
    return ScreeningRow(r[0], r[1], r[2], r[3], r[4], r[5] if decided else None, (r[6] or "") if decided else "",
                        (r[7] or "") if decided else "", r[8].date() if decided and r[8] else None)
