"""The printed documents of intake and screening, made from the database: the GUI and the CLI call these."""

from __future__ import annotations

import datetime as dt

from ..db import Database
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from . import lists, proposals, screening


def intake_receipt_pdf(db: Database, proposal_id: int, issued_on: dt.date | None = None) -> bytes:
    """受理回执 of one proposal."""
    from ..documents import render_intake_receipt

    return render_intake_receipt(proposals.header(db, proposal_id), issued_on or dt.date.today())


def screening_list_pdf(db: Database, competition_id: int, issued_on: dt.date | None = None) -> bytes:
    """资格审查结果表 of one competition."""
    from ..documents import render_screening_list

    competition = next((c for c in lists.competitions(db) if c.id == competition_id), None)
    if competition is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no competition with number {id}."),
                              id=competition_id)
    rows = screening.screening_list(db, competition_id)
    return render_screening_list(competition.name, competition.organizer, rows, issued_on or dt.date.today())
