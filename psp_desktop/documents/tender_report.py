"""评标报告 and 中标结果公示 of one tender (公益招投标): the tender's facts, every bid with its validity and scores,
the formula in one sentence, the decision, and for the notice its period and where objections go. The wording is
in the templates (resources/templates/tender_evaluation_report.json and tender_notice.json)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..money import format_yuan
from ..services.bidding import score_text
from .chain import CHAIN_FIELDS, chain_values
from .formats import amount_values, date_values, form_date
from .points import points, worded
from .render import render
from .template import DocumentType, Template, load_template

if TYPE_CHECKING:
    from ..db import Database
    from ..services.audit import Head
    from ..services.bidding import BidLine, TenderEvaluation
    from ..services.tender_notice import TenderFacts

_BID_FIELDS = frozenset({"rank", "intake_number", "organization", "price", "validity", "panel", "price_score",
                         "total"})
_PERIOD = frozenset({"range", "from", "until"})
REPORT = DocumentType(
    "tender_evaluation_report",
    fields=CHAIN_FIELDS | frozenset({
        "competition", "organizer", "code", "name", "domain", "ceiling", "ceiling_upper", "service_period",
        "qualifications", "panel_points", "price_points", "state", "bids_text", "formula", "decision", "issued_on",
        "issued_on_chinese"}),
    row_fields=_BID_FIELDS,
    labels={"domain": frozenset({"elderly", "children", "disability", "poverty", "community", "culture",
                                 "environment", "health", "volunteer", "other"}),
            "period": _PERIOD, "valid": frozenset({"valid", "not_screened_in", "over_ceiling", "no_price"}),
            "state": frozenset({"open", "unscored"}), "bids": frozenset({"count", "single"}),
            "formula": frozenset({"scored", "price_only", "single"}),
            "decision": frozenset({"winner", "winner_single", "none", "pending"})},
)
NOTICE = DocumentType(
    "tender_notice",
    fields=CHAIN_FIELDS | frozenset({
        "competition", "organizer", "code", "name", "result", "winner", "winner_title", "amount", "amount_upper",
        "ceiling", "service_period", "ranked", "valid", "single_note", "notice_period", "objection_contact",
        "issued_on", "issued_on_chinese"}),
    row_fields=_BID_FIELDS,
    labels={"period": _PERIOD, "result": frozenset({"winner", "none"}), "single": frozenset({"note"})},
)
NOT_DECIDED = QT_TRANSLATE_NOOP("Errors", "Tender {code} has no result yet: there is no result notice to print.")
NOT_PUBLISHED = QT_TRANSLATE_NOOP(
    "Errors", "The result notice of tender {code} has no period yet: publish it with its dates first.")


def evaluation_report_pdf(db: Database, tender_id: int, issued_on: dt.date | None = None) -> bytes:
    """评标报告, dated issued_on (default today)."""
    from ..services import audit, bidding, tender_notice

    facts = tender_notice.facts(db, tender_id)
    return render_evaluation_report(facts, bidding.evaluate(db, tender_id), issued_on or dt.date.today(),
                                    chain=audit.head(db))


def notice_pdf(db: Database, tender_id: int) -> bytes:
    """中标结果公示 of a decided tender whose notice has been published, dated its first day."""
    from ..services import audit, bidding, tender_notice

    facts = tender_notice.facts(db, tender_id)
    if not facts.notice.decided:
        raise ValidationError(NOT_DECIDED, code=facts.code)
    if facts.notice.notice_from is None:
        raise ValidationError(NOT_PUBLISHED, code=facts.code)
    return render_notice(facts, bidding.evaluate(db, tender_id), chain=audit.head(db))


# --- rendering ---------------------------------------------------------------------------------------------------


def render_evaluation_report(facts: TenderFacts, evaluation: TenderEvaluation, issued_on: dt.date, *,
                             templates: Path | None = None, chain: Head | None = None) -> bytes:
    template = load_template(REPORT, templates)
    valid = len(evaluation.valid_ids)
    bids_text = worded(template, "bids", "count", {"bids": len(evaluation.lines), "valid": valid})
    if evaluation.single_bidder:
        bids_text += template.label("bids", "single")
    values = {
        **_tender_values(template, facts), "domain": template.label("domain", str(facts.domain)),
        **amount_values("ceiling", facts.ceiling_fen), "qualifications": facts.qualifications,
        "panel_points": points(10_000 - facts.price_points_x100), "price_points": points(facts.price_points_x100),
        "state": _state(template, evaluation), "bids_text": bids_text, "formula": _formula(template, evaluation),
        "decision": _decision(template, facts, evaluation), **date_values("issued_on", issued_on),
        **chain_values(chain)}
    rows = [_bid_row(template, line, evaluation.single_bidder) for line in evaluation.lines]
    return render(template, values, rows, author=facts.organizer, subject=f"{facts.code} {facts.name}")


def render_notice(facts: TenderFacts, evaluation: TenderEvaluation, *, templates: Path | None = None,
                  chain: Head | None = None) -> bytes:
    template = load_template(NOTICE, templates)
    notice = facts.notice
    assert notice.notice_from is not None and notice.notice_until is not None
    winner = _winner_line(evaluation)
    ranked = [line for line in evaluation.lines if line.valid]
    result = {"competition": facts.competition, "name": facts.name, "code": facts.code,
              "organization": winner.organization if winner else "", "reason": facts.no_winner_reason.rstrip("。")}
    values = {
        **_tender_values(template, facts), "ceiling": format_yuan(facts.ceiling_fen),
        "result": worded(template, "result", "winner" if winner else "none", result),
        "winner": winner.organization if winner else "", "winner_title": winner.title if winner else "",
        **amount_values("amount", facts.award_fen or 0), "ranked": "yes" if ranked else "",
        "valid": str(len(ranked)),
        "single_note": template.label("single", "note") if evaluation.single_bidder and ranked else "",
        "notice_period": worded(template, "period", "range", {"from": form_date(notice.notice_from),
                                                              "until": form_date(notice.notice_until)}),
        "objection_contact": facts.contact or facts.organizer, **date_values("issued_on", notice.notice_from),
        **chain_values(chain)}
    rows = [_bid_row(template, line, evaluation.single_bidder, with_validity=False) for line in ranked]
    return render(template, values, rows, author=facts.organizer, subject=f"{facts.code} {facts.name}")


def _tender_values(template: Template, facts: TenderFacts) -> dict[str, str]:
    return {"competition": facts.competition, "organizer": facts.organizer, "code": facts.code, "name": facts.name,
            "service_period": _period(template, facts.service_from, facts.service_until)}


def _period(template: Template, start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return worded(template, "period", "range", {"from": form_date(start), "until": form_date(end)})
    if start or end:
        key = "from" if start else "until"
        return worded(template, "period", key, {key: form_date(start or end)})
    return ""




def _bid_row(template: Template, line: BidLine, single: bool, *, with_validity: bool = True) -> dict[str, str]:
    from ..services import bidding

    reasons = {"": "valid", bidding.NOT_SCREENED_IN: "not_screened_in", bidding.OVER_CEILING: "over_ceiling",
               bidding.NO_PRICE: "no_price"}
    dash = "—" if single and line.valid else ""
    return {"rank": str(line.rank or ""), "intake_number": line.intake_number, "organization": line.organization,
            "price": format_yuan(line.price_fen) if line.price_fen is not None else "",
            "validity": template.label("valid", reasons.get(line.invalid_reason, "valid")) if with_validity else "",
            "panel": score_text(line.panel_x100) if line.valid else "",
            "price_score": score_text(line.price_x100) or dash, "total": score_text(line.total_x100) or dash}


def _state(template: Template, evaluation: TenderEvaluation) -> str:
    if evaluation.single_bidder or evaluation.final:
        return ""
    if evaluation.open_round:
        return worded(template, "state", "open", {"round": evaluation.open_round})
    return template.label("state", "unscored")


def _formula(template: Template, evaluation: TenderEvaluation) -> str:
    if evaluation.single_bidder:
        return template.label("formula", "single")
    if evaluation.price_points_x100 >= 10_000:
        return template.label("formula", "price_only")
    full = evaluation.full_marks if evaluation.full_marks is not None else Decimal(100)
    return worded(template, "formula", "scored", {
        "full_marks": format(full.normalize(), "f"), "panel_points": points(10_000 - evaluation.price_points_x100),
        "price_points": points(evaluation.price_points_x100)})


def _winner_line(evaluation: TenderEvaluation) -> BidLine | None:
    return next((ln for ln in evaluation.lines if ln.proposal_id == evaluation.winner_id), None)


def _decision(template: Template, facts: TenderFacts, evaluation: TenderEvaluation) -> str:
    winner = _winner_line(evaluation)
    if winner is not None:
        key = "winner_single" if evaluation.single_bidder else "winner"
        return worded(template, "decision", key, {
            "organization": winner.organization, "intake_number": winner.intake_number,
            "total": score_text(winner.total_x100), "rank": winner.rank or "",
            **amount_values("amount", facts.award_fen if facts.award_fen is not None else winner.price_fen or 0)})
    if facts.no_winner_reason:
        return worded(template, "decision", "none", {"reason": facts.no_winner_reason.rstrip("。")})
    return template.label("decision", "pending")
