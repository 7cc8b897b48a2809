"""评分汇总表: every proposal of a round against every judge's total, the judge groups' scores, the round score and
rank. Scores dropped by trimming are marked; sheets not in say so. Many judges spread over several pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ..enums import AdvanceRule
from ..services.scoring import ProposalScore, points_text
from .formats import date_values
from .points import worded
from .render import Section, render
from .template import DocumentType, Template, load_template

if TYPE_CHECKING:
    from ..services.judging_papers import RoundPapers
    from ..services.rankings import RoundReport

JUDGES_PER_PAGE = 10  # judge columns beside the proposal columns on a landscape page

ROUND_SUMMARY = DocumentType(
    "round_summary",
    fields=frozenset({"competition", "organizer", "round", "part", "method", "decimals", "sheets", "check_code",
                      "advancing", "issued_on", "issued_on_chinese"}),
    row_fields=frozenset({"rank", "intake_number", "title", "judge_total", "group_score", "score", "advanced"}),
    labels={"method": frozenset({"mean", "trimmed_mean", "zscore"}), "mark": frozenset({"dropped", "missing"}),
            "advanced": frozenset({"yes", "no"}), "part": frozenset({"of"}), "groups": frozenset({"weight"})},
    repeats={"judges": frozenset({"judge", "group"}), "groups": frozenset({"group", "weight"})},
)


def _judge_cells(template: Template, p: ProposalScore, judges: list[int], decimals: int) -> list[str]:
    scored = {j.judge_id: j for j in p.judges}
    cells = []
    for judge_id in judges:
        score = scored.get(judge_id)
        if judge_id in p.missing:
            cells.append(template.label("mark", "missing"))
        elif score is None:
            cells.append("")  # not this judge's proposal
        else:
            total = points_text(score.raw, decimals)
            cells.append(worded(template, "mark", "dropped", {"total": total}) if score.dropped else total)
    return cells


def render_round_summary(rubric: RoundPapers, report: RoundReport, issued_on: dt.date, *,
                         templates: Path | None = None) -> bytes:
    template = load_template(ROUND_SUMMARY, templates)
    spec, decimals = report.result.spec, report.decimals
    weighted = len(spec.group_weights) > 1
    groups = [g for g in spec.group_weights if g is not None] if weighted else []
    order = {g: i for i, g in enumerate(spec.group_weights)}
    member = {j.judge_id: j.group_id for p in report.result.proposals for j in p.judges}
    judges = sorted({*member, *(j for p in report.result.proposals for j in p.missing)},
                    key=lambda j: (order.get(member.get(j), len(order)), j))
    chunks = [judges[i:i + JUDGES_PER_PAGE] for i in range(0, len(judges), JUDGES_PER_PAGE)] or [[]]
    selective = spec.advance_rule != AdvanceRule.ALL
    group_items = [{"group": report.groups.get(g, ""),
                    "weight": worded(template, "groups", "weight", {"weight": spec.group_weights[g]})} for g in groups]
    sections = []
    for number, chunk in enumerate(chunks, start=1):
        rows = [{"rank": p.rank or "", "intake_number": report.proposals[p.proposal_id].intake_number,
                 "title": report.proposals[p.proposal_id].title,
                 "judge_total": _judge_cells(template, p, chunk, decimals),
                 "group_score": [points_text(p.group_scores.get(g), decimals) for g in groups],
                 "score": points_text(p.score, decimals),
                 "advanced": template.label("advanced", "yes" if p.advanced else "no") if p.score is not None else ""}
                for p in report.result.proposals]
        part = worded(template, "part", "of", {"n": number, "of": len(chunks)}) if len(chunks) > 1 else ""
        items = {"judges": [{"judge": report.judges.get(j, ""), "group": report.groups.get(member.get(j), "")}
                            for j in chunk], "groups": group_items}
        sections.append(Section({"part": part}, rows, items))
    method = worded(template, "method", spec.aggregation.value,
                    {"trim": spec.trim_count, "min": spec.trim_min_judges})
    values = {"competition": report.competition, "organizer": rubric.organizer, "round": report.name,
              "method": method, "decimals": str(decimals), "sheets": f"{report.sheets_in}/{report.sheets_total}",
              "check_code": report.snapshot.sha256 if report.snapshot else "", "advancing": "1" if selective else "",
              **date_values("issued_on", issued_on)}
    return render(template, values, sections=sections, author=rubric.organizer,
                  subject=f"{report.competition} {report.name}")
