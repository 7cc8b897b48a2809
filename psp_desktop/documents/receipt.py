"""受理回执: the intake receipt an organization keeps after submitting a proposal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import QT_TRANSLATE_NOOP, ValidationError
from .formats import amount_values, date_values
from .render import render
from .template import DocumentType, load_template

if TYPE_CHECKING:  # services may one day issue documents themselves: no import cycle at run time
    from ..services.proposals import ProposalHeader

RECEIPT = DocumentType("intake_receipt", frozenset({
    "competition", "organizer", "intake_number", "organization", "uscc", "title", "attachments",
    "requested", "requested_upper", "matching", "matching_upper", "total_budget", "total_budget_upper",
    "submitted_on", "submitted_on_chinese", "issued_on", "issued_on_chinese",
}))


def receipt_values(header: ProposalHeader, issued_on: dt.date) -> dict[str, str]:
    return {
        "competition": header.competition, "organizer": header.organizer,
        "intake_number": header.intake_number or "", "organization": header.organization, "uscc": header.uscc,
        "title": header.title, "attachments": str(header.attachments),
        **amount_values("requested", header.requested_fen), **amount_values("matching", header.matching_fen),
        **amount_values("total_budget", header.total_budget_fen),
        **date_values("submitted_on", header.submitted_on), **date_values("issued_on", issued_on),
    }


def render_intake_receipt(header: ProposalHeader, issued_on: dt.date, *, templates: Path | None = None) -> bytes:
    """The receipt as PDF bytes. A draft has no intake number yet, so it gets no receipt."""
    if not header.intake_number or header.submitted_on is None:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Proposal {id} has not been submitted, so it has no intake number or receipt yet."),
            id=header.id)
    template = load_template(RECEIPT, templates)
    return render(template, receipt_values(header, issued_on), author=header.organizer,
                  subject=f"{header.intake_number} {header.organization}")
