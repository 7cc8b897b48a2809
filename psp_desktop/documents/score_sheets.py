"""Score sheets on paper: each judge's submitted sheets of a round to sign (评委评分表), and blank sheets, one per
assigned proposal, for judges who score on paper (keyed twice afterwards)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..services.scoring import points_text, sheet_total
from .formats import date_values
from .points import criterion_items, points, worded
from .render import Section, render
from .template import DocumentType, load_template

if TYPE_CHECKING:
    from ..services.judging_papers import RoundPapers
    from ..services.rankings import RoundReport

Sheets = Mapping[tuple[int, int], Mapping[int, int]]  # (judge, proposal) → criterion id → points ×100

NO_SHEETS = QT_TRANSLATE_NOOP("Errors", "Round “{round}” has no submitted score sheets yet.")

JUDGE_SHEETS = DocumentType(
    "judge_sheets",
    fields=frozenset({"competition", "organizer", "round", "judge", "group", "count", "organization_shown",
                      "issued_on", "issued_on_chinese"}),
    row_fields=frozenset({"seq", "intake_number", "title", "organization", "points", "total"}),
    labels={"max": frozenset({"points", "bonus"})},
    repeats={"criteria": frozenset({"criterion", "max"})},
)

BLANK_SHEETS = DocumentType(
    "blank_score_sheets",
    fields=frozenset({"competition", "organizer", "round", "judge", "intake_number", "title", "organization",
                      "organization_shown", "step"}),
    row_fields=frozenset({"seq", "criterion", "description", "max"}),
    labels={"max": frozenset({"points", "bonus"}), "total": frozenset({"name", "max", "max_with_bonus"})},
)


def render_judge_sheets(rubric: RoundPapers, report: RoundReport, sheets: Sheets, issued_on: dt.date, *,
                        templates: Path | None = None) -> bytes:
    """One section (from a new page) per judge with submitted sheets; organizations left out in a blind round."""
    if not sheets:
        raise ValidationError(NO_SHEETS, round=report.name)
    template = load_template(JUDGE_SHEETS, templates)
    spec = report.result.spec
    groups = {j.judge_id: j.group_id for p in report.result.proposals for j in p.judges}
    by_judge: dict[int, list[int]] = defaultdict(list)
    for judge_id, proposal_id in sheets:
        by_judge[judge_id].append(proposal_id)
    sections = []
    for judge_id in sorted(by_judge):
        ids = sorted((p for p in by_judge[judge_id] if p in report.proposals),
                     key=lambda p: (report.proposals[p].intake_number, p))
        rows = [_judge_row(report, seq, p, sheets[judge_id, p]) for seq, p in enumerate(ids, start=1)]
        sections.append(Section({"judge": report.judges.get(judge_id, ""), "count": str(len(rows)),
                                 "group": report.groups.get(groups.get(judge_id), "")}, rows))
    values = {"competition": report.competition, "organizer": rubric.organizer, "round": report.name,
              "organization_shown": "" if report.blind else "1", **date_values("issued_on", issued_on)}
    return render(template, values, items={"criteria": criterion_items(template, spec.criteria)}, sections=sections,
                  author=rubric.organizer, subject=f"{report.competition} {report.name}")


def _judge_row(report: RoundReport, seq: int, proposal_id: int, own: Mapping[int, int]) -> dict[str, object]:
    spec, name = report.result.spec, report.proposals[proposal_id]
    return {"seq": seq, "intake_number": name.intake_number, "title": name.title, "organization": name.organization,
            "points": [points(own.get(c.id)) for c in spec.criteria],
            "total": points_text(sheet_total(spec, own), report.decimals)}


def render_blank_sheets(papers: RoundPapers, *, templates: Path | None = None) -> bytes:
    """One sheet per assignment: the proposal, each criterion with its standard and maximum, empty boxes."""
    template = load_template(BLANK_SHEETS, templates)
    rows: list[dict[str, object]] = [
        {"seq": seq, "criterion": c.name, "description": c.description,
         "max": worded(template, "max", "bonus" if c.is_bonus else "points", {"max": points(c.max_x100)})}
        for seq, c in enumerate(papers.criteria, start=1)]
    full = sum(c.max_x100 for c in papers.criteria if not c.is_bonus)
    bonus = sum(c.max_x100 for c in papers.criteria if c.is_bonus)
    total_max = worded(template, "total", "max_with_bonus" if bonus else "max",
                       {"max": points(full), "bonus": points(bonus)})
    rows.append({"seq": "", "criterion": template.label("total", "name"), "description": "", "max": total_max})
    sections = [Section({"judge": p.judge, "intake_number": p.intake_number, "title": p.title,
                         "organization": "" if papers.blind else p.organization}, rows) for p in papers.papers]
    values = {"competition": papers.competition, "organizer": papers.organizer, "round": papers.round_name,
              "organization_shown": "" if papers.blind else "1", "step": points(papers.step_x100)}
    return render(template, values, sections=sections, author=papers.organizer,
                  subject=f"{papers.competition} {papers.round_name}")
