"""评估报告: the report of one mid-term or final evaluation — the project, the evaluator, every indicator with its
points and comment, the total and grade, the narrative, the objection and its resolution, and what the result does
to the gated tranche. The wording is in the template (resources/templates/evaluation_report.json)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ..enums import EvaluationGrade, EvaluationKind, TrancheStatus
from ..money import format_yuan
from .chain import CHAIN_FIELDS, chain_values
from .formats import amount_values, date_values, form_date
from .points import worded
from .render import render
from .template import DocumentType, Template, load_template

if TYPE_CHECKING:
    from ..services.audit import Head
    from ..services.evaluations import ReportFacts, ScoreLine, TrancheEffect

REPORT = DocumentType(
    "evaluation_report",
    fields=CHAIN_FIELDS | frozenset({
        "kind", "number", "state", "competition", "title", "organization", "intake_number", "agreement_number",
        "amount", "amount_upper", "period", "agency", "evaluator", "evaluated_on", "indicator_set", "total", "grade",
        "conclusion", "gate_effect", "narrative", "objection_heading", "publication", "objection", "resolution",
        "issued_on", "issued_on_chinese"}),
    row_fields=frozenset({"seq", "indicator", "description", "max", "points", "comment"}),
    labels={"kind": frozenset(str(k) for k in EvaluationKind), "grade": frozenset(str(g) for g in EvaluationGrade),
            "conclusion": frozenset({"passed", "failed"}), "state": frozenset({"draft", "published", "final"}),
            "max": frozenset({"regular", "bonus", "penalty"}),
            "total": frozenset({"seq", "max", "comment"}), "period": frozenset({"range"}),
            "publication": frozenset({"none", "window"}), "objection": frozenset({"none", "unresolved"}),
            "gate": frozenset({"due", "withheld", "pending", "settled"})},
)
_KIND_CODES = {EvaluationKind.MIDTERM: "ZQ", EvaluationKind.FINAL: "ZZ"}  # 中期, 终期
_PAID_OR_DUE = (TrancheStatus.DUE, TrancheStatus.APPROVED, TrancheStatus.PAID)


def _points(x100: int) -> str:
    whole, part = divmod(abs(x100), 100)
    text = str(whole) if not part else f"{whole}.{part:02d}".rstrip("0")
    return ("-" if x100 < 0 else "") + text


def _number(facts: ReportFacts) -> str:
    row = facts.detail.row
    base = facts.agreement_number or f"PG{row.id:04d}"
    return f"{base}-{_KIND_CODES[row.kind]}"


def _rows(template: Template, facts: ReportFacts) -> list[dict[str, str]]:
    lines = facts.detail.lines
    rows = [_line(template, n, line) for n, line in enumerate(lines, 1)]
    row = facts.detail.row
    grade = template.label("grade", str(row.grade)) if row.grade else ""
    full = sum(line.indicator.max_x100 for line in lines if line.indicator.kind.value == "regular")
    rows.append({"seq": template.label("total", "seq"), "indicator": "", "description": "",
                 "max": worded(template, "total", "max", {"max": _points(full)}),
                 "points": _points(row.total_x100 or 0),
                 "comment": worded(template, "total", "comment", {"grade": grade})})
    return rows


def _line(template: Template, n: int, line: ScoreLine) -> dict[str, str]:
    kind = line.indicator.kind.value
    return {"seq": str(n), "indicator": line.indicator.name,
            "description": line.indicator.description,
            "max": worded(template, "max", kind, {"max": _points(line.indicator.max_x100)}),
            "points": "" if line.points_x100 is None else _points(line.points_x100), "comment": line.comment}


def _state(template: Template, facts: ReportFacts) -> str:
    row = facts.detail.row
    if row.final:
        return template.label("state", "final")
    if row.objection_until is not None:
        return worded(template, "state", "published", {"date": form_date(row.objection_until)})
    return template.label("state", "draft")


def _gate_effect(template: Template, facts: ReportFacts) -> str:
    return "".join(_one_gate(template, facts, t) for t in facts.tranches)


def _one_gate(template: Template, facts: ReportFacts, tranche: TrancheEffect) -> str:
    row = facts.detail.row
    values = {"seq": tranche.seq, "amount": format_yuan(tranche.amount_fen)}
    if not row.final:
        key = "pending"
    elif row.passed and tranche.after in _PAID_OR_DUE:
        key = "due"
    elif not row.passed and tranche.after is TrancheStatus.WITHHELD:
        key = "withheld"
    else:
        key = "settled"
    return worded(template, "gate", key, values)


def _period(template: Template, facts: ReportFacts) -> str:
    if not (facts.start_month and facts.end_month):
        return ""
    return worded(template, "period", "range", {
        "from": f"{facts.start_month.year}年{facts.start_month.month}月",
        "until": f"{facts.end_month.year}年{facts.end_month.month}月"})


def render_evaluation_report(facts: ReportFacts, issued_on: dt.date, *, templates: Path | None = None,
                             chain: Head | None = None) -> bytes:
    template = load_template(REPORT, templates)
    row = facts.detail.row
    narrative = "　".join(part.strip() for part in row.narrative.splitlines() if part.strip())
    values = {
        "kind": template.label("kind", str(row.kind)), "number": _number(facts), "state": _state(template, facts),
        "competition": row.competition, "title": row.title, "organization": row.organization,
        "intake_number": row.intake_number, "agreement_number": facts.agreement_number,
        **amount_values("amount", facts.amount_fen), "period": _period(template, facts),
        "agency": row.agency, "evaluator": row.evaluator if row.evaluator != row.agency else "",
        "evaluated_on": form_date(row.evaluated_on), "indicator_set": row.indicator_set,
        "total": _points(row.total_x100 or 0), "grade": template.label("grade", str(row.grade)) if row.grade else "",
        "conclusion": template.label("conclusion", "passed" if row.passed else "failed"),
        "gate_effect": _gate_effect(template, facts), "narrative": narrative,
        "objection_heading": "四" if narrative else "三",
        "publication": _publication(template, facts),
        "objection": row.objection,
        "resolution": row.objection_resolution or template.label("objection", "unresolved"),
        **date_values("issued_on", issued_on), **chain_values(chain),
    }
    return render(template, values, _rows(template, facts), author=row.agency or facts.organizer,
                  subject=f"{_number(facts)} {row.organization}")


def _publication(template: Template, facts: ReportFacts) -> str:
    row = facts.detail.row
    if row.objection_until is None:
        return template.label("publication", "none")
    text = worded(template, "publication", "window", {"date": form_date(row.objection_until)})
    return text if row.objection else text + template.label("objection", "none") * row.final
