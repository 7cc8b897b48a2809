"""资助协议 (the grant agreement of an award) and 拨款通知单 (the disbursement notice of one tranche to the finance
office). The wording of gates and award levels is in the templates' labels, so it is changed with the paper."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ..enums import AwardLevel, CompetitionMode, GateKind
from ..money import format_yuan
from .chain import CHAIN_FIELDS, chain_values
from .formats import amount_values, date_values, form_date
from .points import worded
from .render import render
from .template import DocumentType, Template, load_template

if TYPE_CHECKING:
    from ..services.audit import Head
    from ..services.funding_printouts import AgreementFacts, NoticeFacts, TrancheLine

BLANK_NUMBER = "________________"  # a number or name to write in by hand
BLANK_DATE = "________年____月____日"

_PARTIES = frozenset({"competition", "organizer", "agreement_number", "organization", "uscc", "legal_representative",
                      "address", "contact", "bank_name", "bank_account", "title", "intake_number"})
_GATE_LABELS = frozenset(str(g) for g in GateKind)

AGREEMENT = DocumentType(
    "grant_agreement",
    fields=_PARTIES | frozenset({"level", "period", "tranche_count", "footer_number", "signed_on", "agreement_title",
                                 "party_a", "party_b", "basis",
                                 "amount", "amount_upper", "matching", "matching_upper", "total_budget",
                                 "total_budget_upper"}),
    row_fields=frozenset({"seq", "share", "amount", "gate", "due_on"}),
    labels={"gate": _GATE_LABELS, "level": frozenset(str(lv) for lv in AwardLevel if lv is not AwardLevel.NONE),
            "share": frozenset({"fixed", "total"}), "seq": frozenset({"nth", "total"}),
            "period": frozenset({"range"}), "footer": frozenset({"number"})},
)

NOTICE = DocumentType(
    "disbursement_notice",
    fields=_PARTIES | CHAIN_FIELDS | frozenset({"seq", "tranche_count", "amount", "amount_upper", "gate", "gate_state",
                                                "approved_by", "paid_on", "voucher", "issued_on",
                                                "issued_on_chinese"}),
    labels={"gate": _GATE_LABELS, "met": frozenset({"none", "agreement_signed", "date", "decided"})},
)


def _gate(template: Template, tranche: TrancheLine) -> str:
    return worded(template, "gate", str(tranche.gate), {"date": form_date(tranche.gate_date)})


def _month(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月" if day else ""


def _percent(x100: int) -> str:
    return f"{x100 // 100}%" if x100 % 100 == 0 else f"{x100 / 100:g}%"


def _party_values(facts: AgreementFacts) -> dict[str, str]:
    g = facts.grantee
    contact = "　".join(part for part in (g.contact_name, g.contact_phone) if part)
    return {"competition": facts.competition, "organizer": facts.organizer,
            "agreement_number": facts.agreement_number or BLANK_NUMBER, "organization": g.name, "uscc": g.uscc,
            "legal_representative": g.legal_representative, "address": g.address, "contact": contact,
            "bank_name": g.bank_name, "bank_account": g.bank_account, "title": facts.title,
            "intake_number": facts.intake_number}


# --- 资助协议 ------------------------------------------------------------------------------------------------------


def render_agreement(facts: AgreementFacts, *, templates: Path | None = None) -> bytes:
    """The agreement to sign (number and date lines blank) or as signed; ¥ figures and 大写 side by side."""
    template = load_template(AGREEMENT, templates)
    period = ""
    if facts.start_month and facts.end_month:
        period = worded(template, "period", "range", {"from": _month(facts.start_month),
                                                      "until": _month(facts.end_month)})
    number = facts.agreement_number
    values = {
        **_party_values(facts), **_mode_values(template, facts), "period": period,
        "tranche_count": str(len(facts.tranches)),
        "level": template.label("level", str(facts.level)) if facts.level is not AwardLevel.NONE else "",
        "footer_number": worded(template, "footer", "number", {"number": number}) if number else "",
        "signed_on": form_date(facts.signed_on) or BLANK_DATE,
        **amount_values("amount", facts.amount_fen), **amount_values("matching", facts.matching_committed_fen),
        **amount_values("total_budget", facts.total_budget_fen),
    }
    rows = [{"seq": worded(template, "seq", "nth", {"n": t.seq}),
             "share": _percent(t.percent_x100) if t.percent_x100 is not None else template.label("share", "fixed"),
             "amount": format_yuan(t.amount_fen), "gate": _gate(template, t), "due_on": form_date(t.due_on)}
            for t in facts.tranches]
    if rows:
        rows.append({"seq": template.label("seq", "total"), "share": template.label("share", "total"),
                     "amount": format_yuan(sum(t.amount_fen for t in facts.tranches)), "gate": "", "due_on": ""})
    return render(template, values, rows, author=facts.organizer, subject=f"{number or ''} {facts.grantee.name}")


def _mode_values(template: Template, facts: AgreementFacts) -> dict[str, str]:
    """The agreement's name and why it is made: a venture grant, a won tender or a commission. An office's own
    template without these labels keeps its wording (its text does not use the fields)."""
    out = {}
    for field in ("agreement_title", "party_a", "party_b", "basis"):
        wording = template.labels.get(field, {})
        text = wording.get(str(facts.mode), wording.get(str(CompetitionMode.VENTURE), ""))
        out[field] = text.replace("{competition}", facts.competition)
    return out


# --- 拨款通知单 ----------------------------------------------------------------------------------------------------


def _gate_state(template: Template, facts: NoticeFacts) -> str:
    """How the condition was met: the signing, the date reached, or the decision's note."""
    tranche = facts.tranche
    if tranche.gate is GateKind.NONE:
        return template.label("met", "none")
    if tranche.gate is GateKind.AGREEMENT_SIGNED:
        return worded(template, "met", "agreement_signed", {"date": form_date(facts.agreement.signed_on)})
    if tranche.gate is GateKind.DATE:
        return worded(template, "met", "date", {"date": form_date(tranche.gate_date)})
    return worded(template, "met", "decided", {"note": tranche.gate_note})


def render_disbursement_notice(facts: NoticeFacts, issued_on: dt.date, *, templates: Path | None = None,
                               chain: Head | None = None) -> bytes:
    template = load_template(NOTICE, templates)
    tranche = facts.tranche
    values = {
        **_party_values(facts.agreement), "seq": str(tranche.seq), "tranche_count": str(len(facts.agreement.tranches)),
        **amount_values("amount", tranche.amount_fen), "gate": _gate(template, tranche),
        "gate_state": _gate_state(template, facts), "approved_by": tranche.approved_by,
        "paid_on": "；".join(form_date(p.paid_on) for p in facts.payments),
        "voucher": "；".join(p.voucher_number for p in facts.payments),
        **date_values("issued_on", issued_on), **chain_values(chain),
    }
    return render(template, values, author=facts.agreement.organizer,
                  subject=f"{facts.agreement.agreement_number or ''} {tranche.seq}")
