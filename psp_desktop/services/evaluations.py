"""Third-party evaluation (第三方评估) of funded projects, whose final result decides the funding gates.

An evaluation of an award (mid-term or final, one of each) is scored by an evaluator on an indicator set, then:
  scored → published (the objection window, 异议期, opens: `objection_until` = publication + the competition's
  objection days) → an objection may be recorded in the window and answered (re-scoring is allowed until final) →
  final, only after the window has ended (with no window configured, at once) and any objection answered.
Finalizing decides the award's tranche gated on that evaluation (tranches.record_gate: passed makes it due, failed
withholds it) and, on a fail, applies the competition's rules: a clawback of a share of the money paid and a bar on
future applications (OrganizationBar) for N years — all in the one transaction that makes the evaluation final.

Writes need EVALUATION_EDIT, reads RESULTS_READ; every write goes into the change log. The session-level cores
(`*_in`, taking the actor and the day) are what the public functions and the demo's story call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..db import Database
from ..enums import AwardStatus, EvaluationGrade, EvaluationKind, GateKind, TrancheStatus
from ..errors import QT_TRANSLATE_NOOP, ValidationError
from ..models import (
    Award,
    Competition,
    Evaluation,
    EvaluationScore,
    Evaluator,
    IndicatorSet,
    Organization,
    OrganizationBar,
    Proposal,
    Tranche,
)
from . import access, audit, tranches
from .access import Actor, Permission
from .evaluation_rules import (
    COMMENT_LENGTH,
    GRADE_ZH,
    KIND_ZH,
    NARRATIVE_LENGTH,
    EvaluationRules,
    Indicator,
    ItemKind,
    add_years,
    gate_reason,
    indicators_of,
    points_problem,
    points_text,
    rules_of,
    set_problem,
    shipped_set,
    total_of,
)

FUNDED = (AwardStatus.COMMITTED, AwardStatus.SIGNED, AwardStatus.COMPLETED)
GATES = {EvaluationKind.MIDTERM: GateKind.MIDTERM_PASSED, EvaluationKind.FINAL: GateKind.FINAL_PASSED}
DECIDABLE = (*tranches.OPEN, TrancheStatus.WITHHELD)
PUBLISHED_SCORES = QT_TRANSLATE_NOOP(
    "Errors", "This evaluation was published: its scores change only while an objection raised in its window is "
              "open (record the objection first).")
OBJECTION_LENGTH = 2000

NOT_FUNDED = QT_TRANSLATE_NOOP(
    "Errors", "Award {id} was never funded (it is proposed, on the reserve list or cancelled): there is no project "
              "to evaluate.")
CONFLICTED = QT_TRANSLATE_NOOP(
    "Errors", "{evaluator} has declared a conflict of interest with {organization} and cannot evaluate its project. "
              "Choose another evaluator.")
ALREADY_FINAL = QT_TRANSLATE_NOOP("Errors", "This evaluation is final: it can no longer change.")


# --- rows handed to the GUI and the CLI ----------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSetRow:
    id: int
    name: str
    kind: EvaluationKind
    indicators: tuple[Indicator, ...]
    used: int  # evaluations made on it (such a set is copied, not edited)

    @property
    def regular_x100(self) -> int:
        return sum(i.max_x100 for i in self.indicators if i.kind is ItemKind.REGULAR)


@dataclass(frozen=True)
class EvaluatorRow:
    id: int
    name: str
    agency: str  # '' for an agency itself
    phone: str
    conflict_org_ids: tuple[int, ...]  # declared by this evaluator
    conflicts: tuple[str, ...]  # the organizations' names
    blocked_org_ids: tuple[int, ...]  # declared by the evaluator or by their agency: never assigned to these


@dataclass(frozen=True)
class EvaluationRow:
    id: int
    award_id: int
    competition_id: int
    competition: str
    organization_id: int
    organization: str
    title: str
    intake_number: str
    kind: EvaluationKind
    evaluator_id: int | None
    evaluator: str
    agency: str
    indicator_set_id: int | None
    indicator_set: str
    evaluated_on: dt.date | None
    total_x100: int | None
    grade: EvaluationGrade | None
    passed: bool | None
    narrative: str
    objection_until: dt.date | None
    objection: str
    objection_resolution: str
    final: bool

    @property
    def state(self) -> str:
        """draft (not scored), scored, published (objection window open or over, not final), final."""
        if self.final:
            return "final"
        if self.objection_until is not None:
            return "published"
        return "scored" if self.total_x100 is not None else "draft"


@dataclass(frozen=True)
class ScoreLine:
    indicator: Indicator
    points_x100: int | None  # None: not scored yet
    comment: str


@dataclass(frozen=True)
class EvaluationDetail:
    row: EvaluationRow
    lines: tuple[ScoreLine, ...]
    rules: EvaluationRules


@dataclass(frozen=True)
class ScoreInput:
    indicator: str
    points_x100: int
    comment: str = ""


@dataclass(frozen=True)
class AwardChoice:
    """A funded award that can be evaluated, with the kinds already made."""

    award_id: int
    competition_id: int
    competition: str
    organization_id: int
    organization: str
    title: str
    done: tuple[EvaluationKind, ...]


@dataclass(frozen=True)
class TrancheEffect:
    tranche_id: int
    seq: int
    amount_fen: int
    before: TrancheStatus
    after: TrancheStatus
    changed: bool  # False: left as it is (already approved, paid or cancelled, or no withholding by the rules)


@dataclass(frozen=True)
class ClawbackEffect:
    tranche_id: int
    seq: int
    amount_fen: int


@dataclass(frozen=True)
class FinalizePlan:
    """What finalizing does to the money and the organization, shown before it is confirmed."""

    evaluation_id: int
    kind: EvaluationKind
    total_x100: int
    grade: EvaluationGrade
    passed: bool
    reason: str  # the gate note
    tranches: tuple[TrancheEffect, ...]
    clawbacks: tuple[ClawbackEffect, ...]
    bar_from: dt.date | None
    bar_until: dt.date | None
    organization: str
    award_live: bool


# --- indicator sets ------------------------------------------------------------------------------------------


def indicator_sets(db: Database, kind: EvaluationKind | None = None) -> list[IndicatorSetRow]:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        used: dict[int | None, int] = {
            set_id: n for set_id, n in s.execute(
                select(Evaluation.indicator_set_id, func.count()).group_by(Evaluation.indicator_set_id))}
        query = select(IndicatorSet).order_by(IndicatorSet.kind, IndicatorSet.id)
        if kind is not None:
            query = query.where(IndicatorSet.kind == kind)
        return [IndicatorSetRow(x.id, x.name, x.kind, indicators_of(x.indicators), used.get(x.id, 0))
                for x in s.scalars(query)]


def create_indicator_set(db: Database, name: str, kind: EvaluationKind, indicators: Sequence[Indicator]) -> int:
    actor = access.require(db, Permission.EVALUATION_EDIT)
    with db.write() as s:
        return create_indicator_set_in(s, name, kind, indicators, actor).id


def create_indicator_set_in(s: Session, name: str, kind: EvaluationKind, indicators: Sequence[Indicator],
                            who: Actor) -> IndicatorSet:
    name, items = _checked_set(s, name, indicators, None)
    row = IndicatorSet(name=name, kind=kind, indicators=[i.as_data() for i in items], grade_thresholds={})
    s.add(row)
    s.flush()
    audit.log(s, who, "indicator_set.create", "indicator_set", row.id, None, _set_facts(row))
    return row


def update_indicator_set(db: Database, set_id: int, name: str, indicators: Sequence[Indicator]) -> None:
    """A set no evaluation uses yet; one in use is copied and the copy edited (old scores keep their meaning)."""
    actor = access.require(db, Permission.EVALUATION_EDIT)
    with db.write() as s:
        row = _indicator_set(s, set_id)
        used = s.scalar(select(func.count()).select_from(Evaluation).where(Evaluation.indicator_set_id == set_id))
        if used:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "The indicator set “{name}” is used by {count} evaluations and cannot change: copy it and "
                          "edit the copy."), name=row.name, count=used)
        before = _set_facts(row)
        row.name, items = _checked_set(s, name, indicators, set_id)
        row.indicators = [i.as_data() for i in items]
        audit.log(s, actor, "indicator_set.update", "indicator_set", row.id, before, _set_facts(row))


def copy_indicator_set(db: Database, set_id: int, name: str) -> int:
    actor = access.require(db, Permission.EVALUATION_EDIT)
    with db.write() as s:
        source = _indicator_set(s, set_id)
        return create_indicator_set_in(s, name, source.kind, indicators_of(source.indicators), actor).id


def shipped_set_in(s: Session, kind: EvaluationKind, who: Actor) -> IndicatorSet:
    """The shipped indicator set of this kind, added to the database the first time it is used."""
    shipped = shipped_set(kind)
    row = s.scalars(select(IndicatorSet).where(IndicatorSet.name == shipped.name)).first()
    return row if row is not None else create_indicator_set_in(s, shipped.name, kind, shipped.indicators, who)


def add_shipped_sets(db: Database) -> list[int]:
    """Both shipped sets (mid-term, final) in the database, added if missing; their ids."""
    actor = access.require(db, Permission.EVALUATION_EDIT)
    with db.write() as s:
        return [shipped_set_in(s, kind, actor).id for kind in EvaluationKind]


def _checked_set(s: Session, name: str, indicators: Sequence[Indicator],
                 set_id: int | None) -> tuple[str, tuple[Indicator, ...]]:
    items = tuple(replace(i, name=i.name.strip(), description=i.description.strip()) for i in indicators)
    problem = set_problem(name, items)
    if problem is not None:
        raise problem
    name = name.strip()
    clash = s.scalar(select(IndicatorSet.id).where(IndicatorSet.name == name, IndicatorSet.id != (set_id or 0)))
    if clash:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is already an indicator set named “{name}”."),
                              name=name)
    return name, items


def _indicator_set(s: Session, set_id: int) -> IndicatorSet:
    row = s.get(IndicatorSet, set_id)
    if row is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no indicator set with number {id}."), id=set_id)
    return row


def _set_facts(row: IndicatorSet) -> dict[str, Any]:
    return {"name": row.name, "kind": str(row.kind), "indicators": list(row.indicators)}


# --- evaluators ----------------------------------------------------------------------------------------------


def evaluators(db: Database) -> list[EvaluatorRow]:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        names = {org_id: name for org_id, name in s.execute(select(Organization.id, Organization.name))}
        rows = s.scalars(select(Evaluator).order_by(Evaluator.agency, Evaluator.id)).all()
        agencies = {e.name: _ids(e) for e in rows if not e.agency}
        return [EvaluatorRow(e.id, e.name, e.agency, e.phone, _ids(e), tuple(names.get(i, str(i)) for i in _ids(e)),
                             tuple(sorted(set(_ids(e)) | set(agencies.get(e.agency, ())))) if e.agency else _ids(e))
                for e in rows]


def _ids(evaluator: Evaluator) -> tuple[int, ...]:
    return tuple(int(i) for i in evaluator.conflict_org_ids or ())


def add_evaluator(db: Database, name: str, agency: str = "", phone: str = "",
                  conflict_org_ids: Sequence[int] = ()) -> int:
    """A third-party agency (agency left blank) or one of its people, with the organizations they declare a conflict
    of interest with (the agency's declarations apply to its people too)."""
    actor = access.require(db, Permission.EVALUATION_EDIT)
    with db.write() as s:
        return add_evaluator_in(s, name, agency, phone, conflict_org_ids, actor).id


def add_evaluator_in(s: Session, name: str, agency: str, phone: str, conflict_org_ids: Sequence[int],
                     who: Actor) -> Evaluator:
    row = Evaluator()
    _fill_evaluator(s, row, name, agency, phone, conflict_org_ids)
    s.add(row)
    s.flush()
    audit.log(s, who, "evaluator.create", "evaluator", row.id, None, _evaluator_facts(row))
    return row


def update_evaluator(db: Database, evaluator_id: int, name: str, agency: str = "", phone: str = "",
                     conflict_org_ids: Sequence[int] = ()) -> None:
    actor = access.require(db, Permission.EVALUATION_EDIT)
    with db.write() as s:
        row = _evaluator(s, evaluator_id)
        before = _evaluator_facts(row)
        _fill_evaluator(s, row, name, agency, phone, conflict_org_ids)
        audit.log(s, actor, "evaluator.update", "evaluator", row.id, before, _evaluator_facts(row))


def _fill_evaluator(s: Session, row: Evaluator, name: str, agency: str, phone: str,
                    conflict_org_ids: Sequence[int]) -> None:
    name, agency, phone = name.strip(), agency.strip(), phone.strip()
    if not name or len(name) > 60:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Give the evaluator's name (at most 60 characters)."))
    if len(agency) > 120:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The agency's name is longer than 120 characters."))
    if len(phone) > 20:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The phone number is longer than 20 characters."))
    ids = sorted({int(i) for i in conflict_org_ids})
    known = set(s.scalars(select(Organization.id).where(Organization.id.in_(ids)))) if ids else set()
    missing = [i for i in ids if i not in known]
    if missing:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no organization with number {id}."),
                              id=missing[0])
    row.name, row.agency, row.phone, row.conflict_org_ids = name, agency, phone, ids


def _evaluator(s: Session, evaluator_id: int) -> Evaluator:
    row = s.get(Evaluator, evaluator_id)
    if row is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no evaluator with number {id}."),
                              id=evaluator_id)
    return row


def _evaluator_facts(row: Evaluator) -> dict[str, Any]:
    return {"name": row.name, "agency": row.agency, "phone": row.phone, "conflicts": list(row.conflict_org_ids)}


def conflicted(s: Session, evaluator: Evaluator, organization_id: int) -> bool:
    """Declared by the evaluator, or by the agency they work for."""
    if organization_id in {int(i) for i in evaluator.conflict_org_ids or ()}:
        return True
    if not evaluator.agency:
        return False
    agencies = s.scalars(select(Evaluator).where(Evaluator.name == evaluator.agency, Evaluator.agency == "")).all()
    return any(organization_id in {int(i) for i in a.conflict_org_ids or ()} for a in agencies)


def _check_conflict(s: Session, evaluator: Evaluator, award: Award) -> None:
    proposal = s.get(Proposal, award.proposal_id)
    assert proposal is not None
    if conflicted(s, evaluator, proposal.organization_id):
        organization = s.get(Organization, proposal.organization_id)
        raise ValidationError(CONFLICTED, evaluator=evaluator.name,
                              organization=organization.name if organization else proposal.organization_id)


# --- evaluations: create and score ---------------------------------------------------------------------------


def create(db: Database, award_id: int, kind: EvaluationKind, evaluator_id: int,
           indicator_set_id: int | None = None) -> int:
    """An evaluation of a funded award by an evaluator without a conflict; on the shipped set of its kind unless a
    set is given."""
    actor = access.require(db, Permission.EVALUATION_EDIT)
    with db.write() as s:
        return create_in(s, award_id, kind, evaluator_id, indicator_set_id, actor).id


def create_in(s: Session, award_id: int, kind: EvaluationKind, evaluator_id: int, indicator_set_id: int | None,
              who: Actor) -> Evaluation:
    award = tranches.award_of(s, award_id)
    if award.status not in FUNDED:
        raise ValidationError(NOT_FUNDED, id=award_id)
    evaluator = _evaluator(s, evaluator_id)
    _check_conflict(s, evaluator, award)
    chosen = shipped_set_in(s, kind, who) if indicator_set_id is None else _indicator_set(s, indicator_set_id)
    if chosen.kind is not kind:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The indicator set “{name}” is for another kind of evaluation."), name=chosen.name)
    if s.scalar(select(Evaluation.id).where(Evaluation.award_id == award.id, Evaluation.kind == kind)):
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "This project already has a {kind} evaluation."), kind=KIND_ZH[kind])
    row = Evaluation(award_id=award.id, kind=kind, indicator_set_id=chosen.id, evaluator_id=evaluator.id)
    s.add(row)
    s.flush()
    audit.log(s, who, "evaluation.create", "evaluation", row.id, None,
              {"award": award.id, "kind": str(kind), "evaluator": evaluator.name, "indicator_set": chosen.name})
    return row


def score(db: Database, evaluation_id: int, scores: Sequence[ScoreInput], narrative: str,
          evaluated_on: dt.date, *, today: dt.date | None = None) -> EvaluationGrade:
    """Every indicator's points and comment and the narrative; the total and grade follow. Allowed until final."""
    actor = access.require(db, Permission.EVALUATION_EDIT)
    with db.write() as s:
        return score_in(s, _evaluation(s, evaluation_id), scores, narrative, evaluated_on, actor,
                        today or dt.date.today())


def score_in(s: Session, ev: Evaluation, scores: Sequence[ScoreInput], narrative: str, evaluated_on: dt.date,
             who: Actor, today: dt.date) -> EvaluationGrade:
    _not_final(ev)
    if ev.objection_until is not None and not (ev.objection and not ev.objection_resolution):
        raise ValidationError(PUBLISHED_SCORES)  # the published result is what the objection window was for
    if evaluated_on > today:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The evaluation date {date} is in the future."),
                              date=evaluated_on.isoformat())
    narrative = narrative.strip()
    if len(narrative) > NARRATIVE_LENGTH:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The narrative is longer than 5000 characters."))
    award = tranches.award_of(s, ev.award_id)
    if ev.evaluator_id is not None:
        _check_conflict(s, _evaluator(s, ev.evaluator_id), award)
    lines = _checked_scores(_indicators(s, ev), scores)
    before = _facts(ev)
    ev.scores.clear()
    s.flush()  # the old rows go before the new ones (one row per indicator)
    ev.scores.extend(EvaluationScore(indicator=i.name, points_x100=p, max_points_x100=i.max_x100, comment=c)
                     for i, p, c in lines)
    rules = _rules(s, award)
    ev.total_x100 = total_of(p for _i, p, _c in lines)
    ev.grade = rules.grades.grade(ev.total_x100)
    ev.passed = ev.grade is not EvaluationGrade.FAIL
    ev.narrative, ev.evaluated_on = narrative, evaluated_on
    s.flush()
    audit.log(s, who, "evaluation.score", "evaluation", ev.id, before,
              {**_facts(ev), "scores": {i.name: p for i, p, _c in lines}})
    return ev.grade


def _checked_scores(indicators: Sequence[Indicator],
                    scores: Sequence[ScoreInput]) -> list[tuple[Indicator, int, str]]:
    """Each indicator of the set once, within its range; bonus and penalty items left out count 0."""
    by_name = {i.name: i for i in indicators}
    given: dict[str, ScoreInput] = {}
    for one in scores:
        name = one.indicator.strip()
        if name not in by_name:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "“{name}” is not an indicator of this evaluation's set."), name=name)
        if name in given:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "“{name}” is scored twice."), name=name)
        problem = points_problem(by_name[name], one.points_x100)
        if problem is not None:
            raise problem
        if len(one.comment.strip()) > COMMENT_LENGTH:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "The comment on “{name}” is longer than 500 characters."), name=name)
        given[name] = one
    missing = [i.name for i in indicators if i.kind is ItemKind.REGULAR and i.name not in given]
    if missing:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Score every indicator: “{name}” has no score."),
                              name=missing[0])
    return [(i, given[i.name].points_x100 if i.name in given else 0,
             given[i.name].comment.strip() if i.name in given else "") for i in indicators]


def _indicators(s: Session, ev: Evaluation) -> tuple[Indicator, ...]:
    if ev.indicator_set_id is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "This evaluation has no indicator set."))
    return indicators_of(_indicator_set(s, ev.indicator_set_id).indicators)


# --- publication, objection, finalizing ----------------------------------------------------------------------


def publish(db: Database, evaluation_id: int, on: dt.date | None = None, *, today: dt.date | None = None) -> dt.date:
    """The result is published and the objection window opens; returns its last day."""
    actor = access.require(db, Permission.EVALUATION_EDIT)
    day = _not_future(on, today)
    with db.write() as s:
        return publish_in(s, _evaluation(s, evaluation_id), day, actor)


def publish_in(s: Session, ev: Evaluation, on: dt.date, who: Actor) -> dt.date:
    _not_final(ev)
    if ev.total_x100 is None or ev.evaluated_on is None:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Score the evaluation before publishing it."))
    if ev.objection_until is not None:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "This evaluation was published already; its objection window ends on {date}."),
            date=ev.objection_until.isoformat())
    if on < ev.evaluated_on:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The publication date {date} is before the evaluation on {evaluated}."),
            date=on.isoformat(), evaluated=ev.evaluated_on.isoformat())
    before = _facts(ev)
    ev.objection_until = on + dt.timedelta(days=_rules(s, tranches.award_of(s, ev.award_id)).objection_days)
    audit.log(s, who, "evaluation.publish", "evaluation", ev.id, before, {**_facts(ev), "on": on.isoformat()})
    return ev.objection_until


def record_objection(db: Database, evaluation_id: int, objection: str, on: dt.date | None = None, *,
                     today: dt.date | None = None) -> None:
    """An objection (异议) raised within the window; it must be answered before the evaluation becomes final."""
    actor = access.require(db, Permission.EVALUATION_EDIT)
    day = _not_future(on, today)
    with db.write() as s:
        record_objection_in(s, _evaluation(s, evaluation_id), objection, day, actor)


def record_objection_in(s: Session, ev: Evaluation, objection: str, on: dt.date, who: Actor) -> None:
    _not_final(ev)
    objection = _text(objection, QT_TRANSLATE_NOOP("Errors", "Write down the objection."))
    if ev.objection_until is None:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The evaluation is not published yet: there is no objection window."))
    if on > ev.objection_until or _rules(s, tranches.award_of(s, ev.award_id)).objection_days == 0:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The objection window ended on {date}: an objection can no longer be recorded."),
            date=ev.objection_until.isoformat())
    before = _facts(ev)
    ev.objection = objection
    audit.log(s, who, "evaluation.objection", "evaluation", ev.id, before, {**_facts(ev), "on": on.isoformat()})


def resolve_objection(db: Database, evaluation_id: int, resolution: str) -> None:
    """How the objection was dealt with (re-scored, or the result upheld and why)."""
    actor = access.require(db, Permission.EVALUATION_EDIT)
    with db.write() as s:
        resolve_objection_in(s, _evaluation(s, evaluation_id), resolution, actor)


def resolve_objection_in(s: Session, ev: Evaluation, resolution: str, who: Actor) -> None:
    _not_final(ev)
    resolution = _text(resolution, QT_TRANSLATE_NOOP("Errors", "Write down how the objection was resolved."))
    if not ev.objection:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "No objection has been recorded on this evaluation."))
    before = _facts(ev)
    ev.objection_resolution = resolution
    audit.log(s, who, "evaluation.resolve", "evaluation", ev.id, before, _facts(ev))


def finalize_plan(db: Database, evaluation_id: int, on: dt.date | None = None) -> FinalizePlan:
    """What finalizing on that day would do, refused as finalizing would be (window open, objection unanswered)."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        ev = _evaluation(s, evaluation_id)
        return _plan(s, ev, on or dt.date.today())


def finalize(db: Database, evaluation_id: int, on: dt.date | None = None, *,
             today: dt.date | None = None) -> FinalizePlan:
    actor = access.require(db, Permission.EVALUATION_EDIT)
    day = _not_future(on, today)
    with db.write() as s:
        return finalize_in(s, _evaluation(s, evaluation_id), day, actor)


def finalize_in(s: Session, ev: Evaluation, on: dt.date, who: Actor) -> FinalizePlan:
    """Final, then the result decides the gate; on a fail also the clawback and the bar the rules ask for."""
    plan = _plan(s, ev, on)
    before = _facts(ev)
    ev.final = True
    audit.log(s, who, "evaluation.finalize", "evaluation", ev.id, before, {**_facts(ev), "on": on.isoformat()})
    for effect in plan.tranches:
        if effect.changed:
            tranches.record_gate(s, _tranche(s, effect.tranche_id), plan.passed, plan.reason, who, on)
    for claw in plan.clawbacks:
        tranches.claw_back_in(s, _tranche(s, claw.tranche_id), claw.amount_fen, _clawback_reason(s, ev, plan), on,
                              who, on)
    if plan.bar_from is not None and plan.bar_until is not None:
        proposal = s.get(Proposal, tranches.award_of(s, ev.award_id).proposal_id)
        assert proposal is not None
        bar = OrganizationBar(organization_id=proposal.organization_id, reason=f"{plan.reason}，限制申报",
                              from_date=plan.bar_from, until_date=plan.bar_until, evaluation_id=ev.id)
        s.add(bar)
        s.flush()
        audit.log(s, who, "organization.bar", "organization", proposal.organization_id, None,
                  {"evaluation": ev.id, "from": plan.bar_from.isoformat(), "until": plan.bar_until.isoformat(),
                   "reason": bar.reason})
    return plan


def _plan(s: Session, ev: Evaluation, on: dt.date) -> FinalizePlan:
    _not_final(ev)
    award = tranches.award_of(s, ev.award_id)
    rules = _rules(s, award)
    _check_window(ev, on, rules)
    assert ev.total_x100 is not None and ev.grade is not None
    passed = ev.grade is not EvaluationGrade.FAIL
    live = award.status in FUNDED
    effects = tuple(_effect(t, passed, live, rules, on) for t in award.tranches if t.gate is GATES[ev.kind])
    claws: tuple[ClawbackEffect, ...] = ()
    bar_from = bar_until = None
    if not passed:
        percent = rules.on_fail.clawback_percent_x100
        claws = tuple(ClawbackEffect(t.id, t.seq, _open_paid(t) * percent // 10_000) for t in award.tranches
                      if t.status in tranches.SPENT and _open_paid(t) * percent // 10_000 > 0)
        if rules.on_fail.bar_years:
            bar_from, bar_until = on, add_years(on, rules.on_fail.bar_years)
    proposal = s.get(Proposal, award.proposal_id)
    organization = s.get(Organization, proposal.organization_id) if proposal else None
    return FinalizePlan(ev.id, ev.kind, ev.total_x100, ev.grade, passed, gate_reason(ev.kind, ev.grade, ev.total_x100),
                        effects, claws, bar_from, bar_until, organization.name if organization else "", live)


def _effect(tranche: Tranche, passed: bool, live: bool, rules: EvaluationRules, on: dt.date) -> TrancheEffect:
    before = tranches.effective_status(tranche, tranche.award, on)
    # a pass never lifts a withholding made for another reason (a late report): finance releases it
    releasing = passed and tranche.status is TrancheStatus.WITHHELD
    decide = live and tranche.status in DECIDABLE and not releasing and (passed or rules.on_fail.withhold)
    after = (TrancheStatus.DUE if passed else TrancheStatus.WITHHELD) if decide else before
    return TrancheEffect(tranche.id, tranche.seq, tranche.amount_fen, before, after, decide)


def _open_paid(tranche: Tranche) -> int:
    return tranches.paid_fen(tranche) - tranche.clawed_back_fen


def _check_window(ev: Evaluation, on: dt.date, rules: EvaluationRules) -> None:
    """Final only once published and the objection window is over (with no window configured: at once), and an
    objection answered. Refusing before the window ends keeps a late objection from arriving after the money moved."""
    if ev.total_x100 is None or ev.objection_until is None:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Publish the evaluation first: it becomes final after its objection window."))
    if on <= ev.objection_until and rules.objection_days > 0:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The objection window is open until {date}: the evaluation can be made final from the day "
                      "after."), date=ev.objection_until.isoformat())
    if ev.objection and not ev.objection_resolution:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "An objection was raised and has no resolution yet: record how it was resolved first."))


def _clawback_reason(s: Session, ev: Evaluation, plan: FinalizePlan) -> str:
    percent = _rules(s, tranches.award_of(s, ev.award_id)).on_fail.clawback_percent_x100
    return f"{plan.reason}，按规定追回已拨付资金的{points_text(percent)}%"


# --- reads ---------------------------------------------------------------------------------------------------


def evaluations(db: Database, competition_id: int | None = None) -> list[EvaluationRow]:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        query = select(Evaluation).join(Award, Award.id == Evaluation.award_id).order_by(
            Award.competition_id.desc(), Evaluation.kind.desc(), Award.rank, Evaluation.id)
        if competition_id is not None:
            query = query.where(Award.competition_id == competition_id)
        return [_row(s, ev) for ev in s.scalars(query)]


def detail(db: Database, evaluation_id: int) -> EvaluationDetail:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        ev = s.get(Evaluation, evaluation_id, options=[selectinload(Evaluation.scores)])
        if ev is None:
            raise _no_evaluation(evaluation_id)
        return _detail(s, ev)


def _detail(s: Session, ev: Evaluation) -> EvaluationDetail:
    stored = {x.indicator: x for x in ev.scores}
    items = list(_indicators(s, ev)) if ev.indicator_set_id is not None else []
    known = {i.name for i in items}
    items += [Indicator(x.indicator, x.max_points_x100, ItemKind.PENALTY if x.points_x100 < 0 else ItemKind.REGULAR)
              for x in ev.scores if x.indicator not in known]  # scored on an earlier version of the set
    lines = tuple(ScoreLine(i, stored[i.name].points_x100 if i.name in stored else None,
                            stored[i.name].comment if i.name in stored else "") for i in items)
    return EvaluationDetail(_row(s, ev), lines, _rules(s, tranches.award_of(s, ev.award_id)))


def evaluable_awards(db: Database, competition_id: int | None = None) -> list[AwardChoice]:
    """Funded awards (committed, signed or completed), with the kinds of evaluation they already have."""
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        query = (select(Award, Proposal, Organization.name, Competition.name)
                 .join(Proposal, Proposal.id == Award.proposal_id)
                 .join(Organization, Organization.id == Proposal.organization_id)
                 .join(Competition, Competition.id == Award.competition_id)
                 .where(Award.status.in_(FUNDED)).order_by(Competition.year.desc(), Award.rank, Award.id))
        if competition_id is not None:
            query = query.where(Award.competition_id == competition_id)
        done: dict[int, list[EvaluationKind]] = {}
        for award_id, kind in s.execute(select(Evaluation.award_id, Evaluation.kind)):
            done.setdefault(award_id, []).append(kind)
        return [AwardChoice(a.id, a.competition_id, competition, p.organization_id, org, p.title,
                            tuple(done.get(a.id, ()))) for a, p, org, competition in s.execute(query)]


def _row(s: Session, ev: Evaluation) -> EvaluationRow:
    award = tranches.award_of(s, ev.award_id)
    proposal = s.get(Proposal, award.proposal_id)
    competition = s.get(Competition, award.competition_id)
    assert proposal is not None and competition is not None
    organization = s.get(Organization, proposal.organization_id)
    evaluator = s.get(Evaluator, ev.evaluator_id) if ev.evaluator_id is not None else None
    chosen = s.get(IndicatorSet, ev.indicator_set_id) if ev.indicator_set_id is not None else None
    return EvaluationRow(
        ev.id, award.id, competition.id, competition.name, proposal.organization_id,
        organization.name if organization else "", proposal.title, proposal.intake_number or "", ev.kind,
        ev.evaluator_id, evaluator.name if evaluator else "", (evaluator.agency or evaluator.name) if evaluator else "",
        ev.indicator_set_id, chosen.name if chosen else "", ev.evaluated_on, ev.total_x100, ev.grade, ev.passed,
        ev.narrative, ev.objection_until, ev.objection, ev.objection_resolution, ev.final)


# --- the evaluation report (评估报告) --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFacts:
    detail: EvaluationDetail
    organizer: str
    agreement_number: str
    amount_fen: int
    start_month: dt.date | None
    end_month: dt.date | None
    tranches: tuple[TrancheEffect, ...]  # the gated tranches as they stand (for the conclusion)


def report_facts(db: Database, evaluation_id: int) -> ReportFacts:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        ev = s.get(Evaluation, evaluation_id, options=[selectinload(Evaluation.scores)])
        if ev is None:
            raise _no_evaluation(evaluation_id)
        if ev.total_x100 is None:
            raise ValidationError(QT_TRANSLATE_NOOP(
                "Errors", "The evaluation has not been scored yet: there is no report to print."))
        award = tranches.award_of(s, ev.award_id)
        proposal = s.get(Proposal, award.proposal_id)
        competition = s.get(Competition, award.competition_id)
        assert proposal is not None and competition is not None
        gated = tuple(TrancheEffect(t.id, t.seq, t.amount_fen, t.status, t.status, False)
                      for t in award.tranches if t.gate is GATES[ev.kind])
        return ReportFacts(_detail(s, ev), competition.organizer, award.agreement_number or "", award.amount_fen,
                           proposal.start_month, proposal.end_month, gated)


def report_pdf(db: Database, evaluation_id: int, issued_on: dt.date | None = None) -> bytes:
    """评估报告 of one scored evaluation (marked as not final until it is), dated the day of the evaluation unless
    issued_on says otherwise: a reprint says what the agency signed, not the day it was printed."""
    from ..documents.evaluation_report import render_evaluation_report

    facts = report_facts(db, evaluation_id)
    return render_evaluation_report(facts, issued_on or facts.row.evaluated_on or dt.date.today(),
                                    chain=audit.head(db))


# --- helpers -------------------------------------------------------------------------------------------------


def _evaluation(s: Session, evaluation_id: int) -> Evaluation:
    ev = s.get(Evaluation, evaluation_id)
    if ev is None:
        raise _no_evaluation(evaluation_id)
    return ev


def _no_evaluation(evaluation_id: int) -> ValidationError:
    return ValidationError(QT_TRANSLATE_NOOP("Errors", "There is no evaluation with number {id}."), id=evaluation_id)


def _tranche(s: Session, tranche_id: int) -> Tranche:
    tranche = s.get(Tranche, tranche_id)
    assert tranche is not None
    return tranche


def _not_future(on: dt.date | None, today: dt.date | None) -> dt.date:
    """The day given (default today), refused when it is after today: money moves on real days only."""
    today = today or dt.date.today()
    day = on or today
    if day > today:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The date {date} is in the future."), date=day.isoformat())
    return day


def _not_final(ev: Evaluation) -> None:
    if ev.final:
        raise ValidationError(ALREADY_FINAL)


def _text(value: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(missing)
    if len(value) > OBJECTION_LENGTH:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The text is longer than 2000 characters."))
    return value


def _rules(s: Session, award: Award) -> EvaluationRules:
    competition = s.get(Competition, award.competition_id)
    return rules_of(competition.rules if competition else None)


def rules_for(db: Database, competition_id: int) -> EvaluationRules:
    access.require(db, Permission.RESULTS_READ)
    with db.read() as s:
        competition = s.get(Competition, competition_id)
        return rules_of(competition.rules if competition else None)


def _facts(ev: Evaluation) -> dict[str, Any]:
    return {"award": ev.award_id, "kind": str(ev.kind), "total_x100": ev.total_x100,
            "grade": str(ev.grade) if ev.grade else None, "grade_zh": GRADE_ZH.get(ev.grade) if ev.grade else None,
            "evaluated_on": ev.evaluated_on.isoformat() if ev.evaluated_on else None,
            "objection_until": ev.objection_until.isoformat() if ev.objection_until else None,
            "objection": ev.objection, "resolution": ev.objection_resolution, "final": ev.final}
