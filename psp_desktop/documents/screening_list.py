"""资格审查结果表: the screening outcome of every submitted proposal of a competition, one row each."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..enums import ScreeningOutcome
from .formats import amount_values, date_values, form_date
from .render import render
from .template import DocumentType, Template, load_template

if TYPE_CHECKING:
    from ..services.screening import ScreeningRow

PENDING = "pending"  # label key for a proposal with no decision yet
SCREENING_LIST = DocumentType(
    "screening_list",
    fields=frozenset({"competition", "organizer", "issued_on", "issued_on_chinese", "count", "eligible",
                      "ineligible", "returned", "pending", "total_requested", "total_requested_upper"}),
    row_fields=frozenset({"seq", "intake_number", "organization", "title", "requested", "requested_upper",
                          "outcome", "reasons", "decided_by", "decided_on"}),
    labels={"outcome": frozenset({*(o.value for o in ScreeningOutcome), PENDING})},
)


def _outcome_key(row: ScreeningRow) -> str:
    return row.outcome.value if row.outcome else PENDING


def row_values(template: Template, seq: int, row: ScreeningRow) -> dict[str, str]:
    return {
        "seq": str(seq), "intake_number": row.intake_number, "organization": row.organization, "title": row.title,
        **amount_values("requested", row.requested_fen), "outcome": template.label("outcome", _outcome_key(row)),
        "reasons": row.reasons, "decided_by": row.decided_by, "decided_on": form_date(row.decided_on),
    }


def list_values(competition_name: str, organizer: str, rows: Sequence[ScreeningRow],
                issued_on: dt.date) -> dict[str, str]:
    counts = Counter(_outcome_key(row) for row in rows)
    return {
        "competition": competition_name, "organizer": organizer, "count": str(len(rows)),
        **{key: str(counts[key]) for key in SCREENING_LIST.labels["outcome"]},
        **amount_values("total_requested", sum(row.requested_fen for row in rows)),
        **date_values("issued_on", issued_on),
    }


def render_screening_list(competition_name: str, organizer: str, rows: list[ScreeningRow], issued_on: dt.date,
                          *, templates: Path | None = None) -> bytes:
    template = load_template(SCREENING_LIST, templates)
    values = list_values(competition_name, organizer, rows, issued_on)
    table = [row_values(template, seq, row) for seq, row in enumerate(rows, start=1)]
    return render(template, values, table, author=organizer, subject=competition_name)
