"""公示名单: the public notice of a competition's final ranking or of one round's results, with the notice period,
where objections go, and the SHA-256 of each frozen round's snapshot (结果校验码) so anyone can check the list
against the record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..enums import AdvanceRule
from ..services.scoring import points_text
from .chain import CHAIN_FIELDS, chain_values
from .formats import date_values, form_date
from .points import worded
from .render import render
from .template import DocumentType, Template, load_template

if TYPE_CHECKING:
    from ..services.audit import Head
    from ..services.judging_papers import NoticeDetails
    from ..services.rankings import FinalReport, RoundReport

NOTICE_LIST = DocumentType(
    "notice_list",
    fields=frozenset({"competition", "organizer", "stage", "rounds_done", "notice_period", "objection_contact",
                      "check_codes", "score_title", "count", "issued_on", "issued_on_chinese"}) | CHAIN_FIELDS,
    row_fields=frozenset({"rank", "intake_number", "title", "organization", "part_score", "score", "remark"}),
    labels={"stage": frozenset({"final"}), "score": frozenset({"final", "round"}),
            "remark": frozenset({"advanced", "left", "unfinished"}), "notice": frozenset({"period", "undated"}),
            "parts": frozenset({"weight"})},
    repeats={"parts": frozenset({"part", "weight"})},
)


def _notice_values(template: Template, details: NoticeDetails, issued_on: dt.date) -> dict[str, str]:
    if details.notice_from and details.notice_until:
        period = worded(template, "notice", "period", {"from": form_date(details.notice_from),
                                                       "until": form_date(details.notice_until)})
    else:
        period = template.label("notice", "undated")
    return {"competition": details.competition, "organizer": details.organizer, "notice_period": period,
            "objection_contact": details.contact or details.organizer, **date_values("issued_on", issued_on)}


def _check_codes(rounds: Sequence[RoundReport]) -> str:
    return "；".join(f"{r.name} {r.snapshot.sha256}" for r in rounds if r.snapshot is not None)


def render_final_notice(details: NoticeDetails, report: FinalReport, issued_on: dt.date, *,
                        templates: Path | None = None, chain: Head | None = None) -> bytes:
    """The competition's final ranking: each round's score and the weighted total."""
    template = load_template(NOTICE_LIST, templates)
    rounds = report.rounds
    decimals = max((r.decimals for r in rounds), default=2)
    names = report.names
    rows = []
    for final in report.finals:
        name = names[final.proposal_id]
        rows.append({
            "rank": final.rank or "", "intake_number": name.intake_number, "title": name.title,
            "organization": name.organization, "score": points_text(final.score, decimals),
            "part_score": [points_text(final.round_scores.get(r.seq), r.decimals) for r in rounds],
            "remark": "" if final.rank else _left(template, rounds, final.reached),
        })
    values = {**_notice_values(template, details, issued_on), "stage": template.label("stage", "final"),
              "rounds_done": "、".join(r.name for r in rounds), "score_title": template.label("score", "final"),
              "check_codes": _check_codes(rounds), "count": str(len(rows)), **chain_values(chain)}
    parts = [{"part": r.name, "weight": worded(template, "parts", "weight", {"weight": r.result.spec.weight_percent})}
             for r in rounds]
    return render(template, values, rows, items={"parts": parts}, author=details.organizer,
                  subject=details.competition)


def _left(template: Template, rounds: Sequence[RoundReport], reached: int) -> str:
    """A proposal without a total: the round it did not reach."""
    following = next((r for r in rounds if r.seq > reached), None)
    if following is None:
        return template.label("remark", "unfinished")
    return worded(template, "remark", "left", {"round": following.name})


def render_round_notice(details: NoticeDetails, report: RoundReport, issued_on: dt.date, *,
                        templates: Path | None = None, chain: Head | None = None) -> bytes:
    """One round's results: group scores when the round weighs judge groups, and who advances."""
    template = load_template(NOTICE_LIST, templates)
    spec = report.result.spec
    groups = [g for g in spec.group_weights if g is not None] if len(spec.group_weights) > 1 else []
    selective = spec.advance_rule != AdvanceRule.ALL
    rows = []
    for p in report.result.proposals:
        name = report.proposals[p.proposal_id]
        rows.append({
            "rank": p.rank or "", "intake_number": name.intake_number, "title": name.title,
            "organization": name.organization, "score": points_text(p.score, report.decimals),
            "part_score": [points_text(p.group_scores.get(g), report.decimals) for g in groups],
            "remark": template.label("remark", "advanced") if selective and p.advanced else "",
        })
    values = {**_notice_values(template, details, issued_on), "stage": report.name, "rounds_done": report.name,
              "score_title": template.label("score", "round"), "check_codes": _check_codes([report]),
              "count": str(len(rows)), **chain_values(chain)}
    parts = [{"part": report.groups.get(g, ""),
              "weight": worded(template, "parts", "weight", {"weight": spec.group_weights[g]})} for g in groups]
    return render(template, values, rows, items={"parts": parts}, author=details.organizer,
                  subject=f"{details.competition} {report.name}")
