"""Third-party evaluation by hand: scores → total → grade at the thresholds, bad input refused with nothing written
(points over the maximum, an unfunded award, a conflicted evaluator, a set not adding up to 100), the objection
window, and the result driving the money end to end: a fail withholds the tranche, claws money back and bars the
organization; a pass makes the tranche due. The evaluation report is rendered and read back.

Objection-window policy (a choice documented here and in services/evaluations.py): an evaluation can be made final
only after its window has ended — whether or not an objection came — because an objection may still arrive on the
window's last day; an objection must be resolved first. Only a competition configured with no window
(objection_days = 0) can be made final on the day it is published.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from sqlalchemy import func, select

from psp_desktop.db import Database
from psp_desktop.enums import (
    AwardStatus,
    EvaluationGrade,
    EvaluationKind,
    OrgType,
    ProposalStatus,
    Role,
    ServiceDomain,
    TrancheStatus,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    AuditEntry,
    Award,
    Clawback,
    Competition,
    Evaluation,
    Evaluator,
    IndicatorSet,
    Organization,
    OrganizationBar,
    Proposal,
    Tranche,
)
from psp_desktop.services import access, evaluations, tranches
from psp_desktop.services.access import Actor
from psp_desktop.services.evaluation_rules import (
    Grades,
    Indicator,
    ItemKind,
    points_text,
    points_x100,
    rules_of,
    set_problem,
    shipped_sets,
)
from psp_desktop.services.evaluations import ScoreInput

W = 1_000_000  # 万 in fen
MID = EvaluationKind.MIDTERM
SIGNED = dt.date(2026, 1, 10)
SCORED = dt.date(2026, 7, 1)
TODAY = dt.date(2026, 11, 27)
MID_SET = next(s for s in shipped_sets() if s.kind is MID)
REGULAR = [i for i in MID_SET.indicators if i.kind is ItemKind.REGULAR]


# --- by hand: grades and totals -----------------------------------------------------------------------------


@pytest.mark.parametrize(("total", "grade"), [
    (5999, EvaluationGrade.FAIL), (6000, EvaluationGrade.PASS), (7999, EvaluationGrade.PASS),
    (8000, EvaluationGrade.GOOD), (8999, EvaluationGrade.GOOD), (9000, EvaluationGrade.EXCELLENT),
    (0, EvaluationGrade.FAIL), (10500, EvaluationGrade.EXCELLENT)])
def test_default_grades_at_the_thresholds(total: int, grade: EvaluationGrade) -> None:
    assert Grades().grade(total) is grade


def test_grades_and_fail_actions_come_from_the_competition_rules() -> None:
    rules = rules_of({"evaluation": {"grades": {"excellent": 95, "good": 85.5, "pass": 70},
                                     "objection_days": 10,
                                     "on_fail": {"clawback_percent": 12.5, "bar_years": 2}}})
    assert (rules.grades.grade(9499), rules.grades.grade(8550), rules.grades.grade(6999)) == (
        EvaluationGrade.GOOD, EvaluationGrade.GOOD, EvaluationGrade.FAIL)
    assert (rules.objection_days, rules.on_fail.withhold, rules.on_fail.clawback_percent_x100,
            rules.on_fail.bar_years) == (10, True, 1250, 2)
    defaults = rules_of({})
    assert (defaults.grades, defaults.objection_days, defaults.on_fail.clawback_percent_x100,
            defaults.on_fail.bar_years) == (Grades(9000, 8000, 6000), 7, 0, 0)
    with pytest.raises(ValidationError, match=r"evaluation\.grades\.good"):
        rules_of({"evaluation": {"grades": {"pass": 70, "good": 65}}})  # good below pass
    with pytest.raises(ValidationError, match=r"evaluation\.on_fail\.clawback_percent"):
        rules_of({"evaluation": {"on_fail": {"clawback_percent": 120}}})


def test_points_are_read_and_written_as_people_do() -> None:
    assert [points_x100(v) for v in ("85", "85.5", 79.99, "7.005", "x", True)] == [8500, 8550, 7999, None, None, None]
    assert [points_text(x) for x in (8500, 5250, 7999, -300, None)] == ["85", "52.5", "79.99", "-3", ""]


def test_the_shipped_sets_hold_the_six_areas_worth_100_with_bonus_and_penalty() -> None:
    for shipped in shipped_sets():
        names = [i.name for i in shipped.indicators if i.kind is ItemKind.REGULAR]
        assert names == ["项目实施", "投入", "财务管理", "项目成效", "需求回应", "服务对象满意度"]
        assert sum(i.max_x100 for i in shipped.indicators if i.kind is ItemKind.REGULAR) == 10000
        assert {i.kind for i in shipped.indicators} == set(ItemKind)


def test_a_set_not_adding_up_to_100_is_refused() -> None:
    items = [Indicator("项目实施", 6000), Indicator("财务管理", 3000), Indicator("创新", 500, ItemKind.BONUS)]
    problem = set_problem("简化指标", items)
    assert problem is not None and "add up to 90 points, not 100" in str(problem)
    assert set_problem("简化指标", [*items, Indicator("成效", 1000)]) is None


# --- a funded project in a database -------------------------------------------------------------------------


def make_award(db: Database, *, status: AwardStatus = AwardStatus.COMMITTED, rules: dict | None = None,
               amount: int = 10 * W) -> int:
    """A 40/40/20 award (signing, mid-term, final) of 阳光为老服务中心; signed unless only committed is asked."""
    with db.write() as s:
        n = s.scalar(select(func.count()).select_from(Competition)) or 0
        comp = Competition(name=f"测试大赛{n + 1}", year=2026, pool_fen=100 * W, project_cap_fen=20 * W,
                           organizer="某街道办事处", rules=rules or {})
        org = s.scalars(select(Organization)).first() or Organization(name="阳光为老服务中心",
                                                                       org_type=OrgType.SERVICE_AGENCY)
        s.add_all([comp, org])
        s.flush()
        proposal = Proposal(competition_id=comp.id, organization_id=org.id, title="银龄陪伴计划",
                            domain=ServiceDomain.ELDERLY, requested_fen=amount, matching_fen=amount // 2,
                            total_budget_fen=amount + amount // 2, start_month=dt.date(2026, 1, 1),
                            end_month=dt.date(2026, 12, 1), status=ProposalStatus.RANKED,
                            intake_number=f"2026-T-{n + 1:03d}")
        s.add(proposal)
        s.flush()
        award = Award(proposal_id=proposal.id, competition_id=comp.id, rank=1, amount_fen=amount,
                      matching_committed_fen=amount // 2, status=AwardStatus.COMMITTED)
        s.add(award)
        s.flush()
        tranches.apply_template(s, award, tranches.TEMPLATES["40/40/20"][1])
        award.status = status
        return award.id


def organization_id(db: Database) -> int:
    with db.read() as s:
        return s.scalars(select(Organization.id)).one()


def sign_and_pay_first(db: Database, award_id: int) -> list[int]:
    tranches.sign(db, award_id, SIGNED, today=TODAY)
    ids = tranche_ids(db, award_id)
    tranches.approve(db, ids[0], today=TODAY)
    tranches.pay(db, ids[0], dt.date(2026, 1, 20), "PZ-0001", today=TODAY)
    return ids


def tranche_ids(db: Database, award_id: int) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(Tranche.id).where(Tranche.award_id == award_id).order_by(Tranche.seq)))


def tranche(db: Database, tranche_id: int) -> Tranche:
    with db.read() as s:
        row = s.get(Tranche, tranche_id)
        assert row is not None
        return row


def even_scores(total: int) -> list[ScoreInput]:
    """The regular items scored in proportion so they add up to `total` points (×100) exactly."""
    parts = [total * i.max_x100 // 10000 for i in REGULAR]
    parts[0] += total - sum(parts)
    return [ScoreInput(i.name, p, f"{i.name}评语") for i, p in zip(REGULAR, parts, strict=True)]


def evaluation(db: Database, award_id: int, *, evaluator: int | None = None) -> int:
    evaluator = evaluator or evaluations.add_evaluator(db, "张评估", "临江区益众社会组织评估中心", "028-0000")
    return evaluations.create(db, award_id, MID, evaluator)


def counts(db: Database) -> tuple[int, int, int]:
    with db.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) or 0  # type: ignore[return-value]
                     for t in (Evaluation, AuditEntry, IndicatorSet))


# --- scores, total, grade -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("total", "grade"), [
    (5999, EvaluationGrade.FAIL), (6000, EvaluationGrade.PASS), (7999, EvaluationGrade.PASS),
    (8000, EvaluationGrade.GOOD), (8999, EvaluationGrade.GOOD), (9000, EvaluationGrade.EXCELLENT)])
def test_scores_give_the_total_and_the_grade(database: Database, total: int, grade: EvaluationGrade) -> None:
    ev = evaluation(database, make_award(database))
    assert evaluations.score(database, ev, even_scores(total), "叙述", SCORED, today=TODAY) is grade
    row = evaluations.detail(database, ev).row
    assert (row.total_x100, row.grade, row.passed) == (total, grade, grade is not EvaluationGrade.FAIL)


def test_bonus_and_penalty_items_move_the_total(database: Database) -> None:
    ev = evaluation(database, make_award(database))
    bonus, penalty = (i for i in MID_SET.indicators if i.kind is not ItemKind.REGULAR)
    extra = [ScoreInput(bonus.name, 300, "获区级推广"), ScoreInput(penalty.name, -450, "一次安全事故")]
    evaluations.score(database, ev, even_scores(8000) + extra, "", SCORED, today=TODAY)
    detail = evaluations.detail(database, ev)
    assert detail.row.total_x100 == 8000 + 300 - 450 and detail.row.grade is EvaluationGrade.PASS
    assert [(ln.indicator.name, ln.points_x100) for ln in detail.lines][-2:] == [(bonus.name, 300),
                                                                                 (penalty.name, -450)]


def test_points_over_the_maximum_are_refused_and_nothing_is_written(database: Database) -> None:
    ev = evaluation(database, make_award(database))
    first = REGULAR[0]
    over = [ScoreInput(first.name, first.max_x100 + 1), *even_scores(7000)[1:]]
    before = counts(database)
    with pytest.raises(ValidationError, match=r"项目实施.*at most 25 points: 25\.01"):
        evaluations.score(database, ev, over, "", SCORED, today=TODAY)
    penalty = next(i for i in MID_SET.indicators if i.kind is ItemKind.PENALTY)
    with pytest.raises(ValidationError, match=r"penalty item.*down to -10 points, not -10\.5"):
        evaluations.score(database, ev, [*even_scores(7000), ScoreInput(penalty.name, -1050)], "", SCORED,
                          today=TODAY)
    with pytest.raises(ValidationError, match="penalty item"):
        evaluations.score(database, ev, [*even_scores(7000), ScoreInput(penalty.name, 200)], "", SCORED,
                          today=TODAY)
    with pytest.raises(ValidationError, match="“服务对象满意度” has no score"):
        evaluations.score(database, ev, even_scores(7000)[:-1], "", SCORED, today=TODAY)
    with pytest.raises(ValidationError, match="not an indicator"):
        evaluations.score(database, ev, [*even_scores(7000), ScoreInput("创新性", 100)], "", SCORED, today=TODAY)
    assert counts(database) == before
    assert evaluations.detail(database, ev).row.total_x100 is None


def test_an_award_never_funded_cannot_be_evaluated(database: Database) -> None:
    for status in (AwardStatus.PROPOSED, AwardStatus.RESERVE, AwardStatus.CANCELLED):
        award = make_award(database, status=status)
        person = evaluations.add_evaluator(database, f"评估员{status}")
        before = counts(database)
        with pytest.raises(ValidationError, match=f"Award {award} was never funded"):
            evaluations.create(database, award, MID, person)
        assert counts(database) == before
    assert [a.award_id for a in evaluations.evaluable_awards(database)] == []


def test_a_conflicted_evaluator_cannot_be_assigned(database: Database) -> None:
    award = make_award(database)
    org = organization_id(database)
    person = evaluations.add_evaluator(database, "李回避", "某评估所", conflict_org_ids=[org])
    with pytest.raises(ValidationError, match="李回避 has declared a conflict of interest with 阳光为老服务中心"):
        evaluations.create(database, award, MID, person)
    # an agency's declaration covers its people
    evaluations.add_evaluator(database, "临江区益众社会组织评估中心", conflict_org_ids=[org])
    staff = evaluations.add_evaluator(database, "王评估", "临江区益众社会组织评估中心")
    with pytest.raises(ValidationError, match="王评估 has declared a conflict"):
        evaluations.create(database, award, MID, staff)
    free = evaluations.add_evaluator(database, "赵评估", "另一评估机构")
    ev = evaluations.create(database, award, MID, free)
    # a conflict declared later stops the scoring too
    evaluations.update_evaluator(database, free, "赵评估", "另一评估机构", conflict_org_ids=[org])
    with pytest.raises(ValidationError, match="赵评估 has declared a conflict"):
        evaluations.score(database, ev, even_scores(8000), "", SCORED, today=TODAY)
    with pytest.raises(ValidationError, match="already has a 中期 evaluation"):
        evaluations.create(database, award, MID, evaluations.add_evaluator(database, "孙评估"))


def test_staff_may_evaluate_but_a_viewer_may_not(database: Database) -> None:
    award = make_award(database)
    database.actor = Actor("viewer", frozenset({Role.VIEWER}))
    with pytest.raises(access.NotAllowed):
        evaluations.add_evaluator(database, "张评估")
    assert evaluations.evaluations(database) == []  # reading is allowed
    database.actor = Actor("liu", frozenset({Role.STAFF}), display_name="刘晓燕")
    ev = evaluation(database, award)
    evaluations.score(database, ev, even_scores(8000), "", SCORED, today=TODAY)
    with database.read() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.username == "liu")).all()
    assert {"evaluator.create", "indicator_set.create", "evaluation.create", "evaluation.score"} <= set(actions)


# --- publication and the objection window ----------------------------------------------------------------------


def test_the_objection_window(database: Database) -> None:
    award = make_award(database)
    sign_and_pay_first(database, award)
    ev = evaluation(database, award)
    with pytest.raises(ValidationError, match="Score the evaluation before publishing"):
        evaluations.publish(database, ev, dt.date(2026, 7, 2))
    evaluations.score(database, ev, even_scores(5500), "活动开展不足", SCORED, today=TODAY)
    with pytest.raises(ValidationError, match="Publish the evaluation first"):
        evaluations.finalize(database, ev, dt.date(2026, 7, 20))
    assert evaluations.publish(database, ev, dt.date(2026, 7, 2)) == dt.date(2026, 7, 9)
    with pytest.raises(ValidationError, match="published: its scores change only while an objection"):
        evaluations.score(database, ev, even_scores(8400), "改为良好", SCORED, today=TODAY)  # no quiet re-scoring
    with pytest.raises(ValidationError, match="open until 2026-07-09"):
        evaluations.finalize(database, ev, dt.date(2026, 7, 9))  # not even on its last day, objection or not
    evaluations.record_objection(database, ev, "机构认为满意度抽样不足", dt.date(2026, 7, 8))
    with pytest.raises(ValidationError, match="ended on 2026-07-09"):
        evaluations.record_objection(database, ev, "再次异议", dt.date(2026, 7, 10))
    with pytest.raises(ValidationError, match="no resolution yet"):
        evaluations.finalize(database, ev, dt.date(2026, 7, 10))
    # the objection is upheld in part: re-scored while not final, still a fail
    evaluations.score(database, ev, even_scores(5800), "活动开展不足；补充抽样后调整满意度得分", SCORED, today=TODAY)
    evaluations.resolve_objection(database, ev, "补充抽样20户，满意度得分调整，总分58分，维持不合格")
    plan = evaluations.finalize(database, ev, dt.date(2026, 7, 10))
    assert (plan.passed, plan.total_x100, plan.reason) == (False, 5800, "中期评估不合格（得分58分）")
    with pytest.raises(ValidationError, match="final"):
        evaluations.score(database, ev, even_scores(9000), "", SCORED, today=TODAY)
    with pytest.raises(ValidationError, match="final"):
        evaluations.resolve_objection(database, ev, "改判")


def test_with_no_objection_window_it_is_final_on_publication(database: Database) -> None:
    award = make_award(database, rules={"evaluation": {"objection_days": 0}})
    sign_and_pay_first(database, award)
    ev = evaluation(database, award)
    evaluations.score(database, ev, even_scores(8500), "", SCORED, today=TODAY)
    evaluations.publish(database, ev, SCORED)
    with pytest.raises(ValidationError, match="objection window ended"):
        evaluations.record_objection(database, ev, "异议", SCORED)
    assert evaluations.finalize(database, ev, SCORED).passed


# --- the result drives the money, end to end -----------------------------------------------------------------


def test_a_fail_withholds_the_tranche_claws_back_and_bars_the_organization(database: Database) -> None:
    rules = {"evaluation": {"on_fail": {"withhold": True, "clawback_percent": 50, "bar_years": 2}}}
    award = make_award(database, rules=rules, amount=100_001)  # 40% = 400.01 yuan paid: half is 200.00 (floor)
    first, second, third = sign_and_pay_first(database, award)
    ev = evaluation(database, award)
    evaluations.score(database, ev, even_scores(5250), "中期评估不合格：活动开展不足计划的一半", SCORED, today=TODAY)
    evaluations.publish(database, ev, dt.date(2026, 7, 2))
    preview = evaluations.finalize_plan(database, ev, dt.date(2026, 7, 13))
    assert [(t.seq, t.before, t.after, t.changed) for t in preview.tranches] == [
        (2, TrancheStatus.PLANNED, TrancheStatus.WITHHELD, True)]
    assert [(c.seq, c.amount_fen) for c in preview.clawbacks] == [(1, 20_000)]
    assert (preview.bar_from, preview.bar_until) == (dt.date(2026, 7, 13), dt.date(2028, 7, 13))
    assert tranche(database, second).status is TrancheStatus.PLANNED  # a preview writes nothing

    evaluations.finalize(database, ev, dt.date(2026, 7, 13))
    withheld = tranche(database, second)
    assert (withheld.status, withheld.gate_met, withheld.status_reason) == (
        TrancheStatus.WITHHELD, False, "中期评估不合格（得分52.5分）")
    with pytest.raises(ValidationError, match="withheld or cancelled"):
        tranches.approve(database, second, today=TODAY)
    assert tranche(database, third).status is TrancheStatus.PLANNED  # the final tranche waits for the final one
    with database.read() as s:
        (claw,) = s.scalars(select(Clawback)).all()
        assert (claw.tranche_id, claw.amount_fen, claw.decided_on) == (first, 20_000, dt.date(2026, 7, 13))
        assert claw.reason == "中期评估不合格（得分52.5分），按规定追回已拨付资金的50%"
        (bar,) = s.scalars(select(OrganizationBar)).all()
        assert (bar.organization_id, bar.from_date, bar.until_date, bar.evaluation_id) == (
            organization_id(database), dt.date(2026, 7, 13), dt.date(2028, 7, 13), ev)
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-4:] == ["evaluation.finalize", "tranche.gate", "tranche.clawback", "organization.bar"]
    row = evaluations.detail(database, ev).row
    assert (row.final, row.grade, row.passed) == (True, EvaluationGrade.FAIL, False)


def test_a_pass_makes_the_tranche_due(database: Database) -> None:
    award = make_award(database, rules={"evaluation": {"on_fail": {"clawback_percent": 100, "bar_years": 3}}})
    _first, second, _third = sign_and_pay_first(database, award)
    ev = evaluation(database, award)
    evaluations.score(database, ev, even_scores(8600), "按计划推进", SCORED, today=TODAY)
    evaluations.publish(database, ev, dt.date(2026, 7, 2))
    plan = evaluations.finalize(database, ev, dt.date(2026, 7, 10))
    assert plan.passed and plan.clawbacks == () and plan.bar_until is None
    due = tranche(database, second)
    assert (due.status, due.gate_met, due.gate_note, due.due_on) == (
        TrancheStatus.DUE, True, "中期评估良好（得分86分）", dt.date(2026, 7, 25))
    tranches.approve(database, second, today=TODAY)  # finance can now approve it
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(Clawback)) == 0
        assert s.scalar(select(func.count()).select_from(OrganizationBar)) == 0


def test_a_pass_does_not_lift_a_withholding_made_for_a_late_report(database: Database) -> None:
    award = make_award(database)
    _first, second, _third = sign_and_pay_first(database, award)
    tranches.withhold(database, second, "第3期进度报告逾期未交")
    ev = evaluation(database, award)
    evaluations.score(database, ev, even_scores(8600), "按计划推进", SCORED, today=TODAY)
    evaluations.publish(database, ev, dt.date(2026, 7, 2))
    plan = evaluations.finalize(database, ev, dt.date(2026, 7, 10))
    assert plan.passed and [(e.after, e.changed) for e in plan.tranches] == [(TrancheStatus.WITHHELD, False)]
    kept = tranche(database, second)
    assert (kept.status, kept.status_reason) == (TrancheStatus.WITHHELD, "第3期进度报告逾期未交")  # finance releases


def test_a_fail_without_withholding_leaves_the_gate_to_a_person(database: Database) -> None:
    award = make_award(database, rules={"evaluation": {"on_fail": {"withhold": False}}})
    _first, second, _third = sign_and_pay_first(database, award)
    ev = evaluation(database, award)
    evaluations.score(database, ev, even_scores(4000), "", SCORED, today=TODAY)
    evaluations.publish(database, ev, dt.date(2026, 7, 2))
    plan = evaluations.finalize(database, ev, dt.date(2026, 7, 10))
    assert [(t.changed, t.after) for t in plan.tranches] == [(False, TrancheStatus.PLANNED)]
    assert tranche(database, second).gate_met is None


# --- indicator sets and evaluators ---------------------------------------------------------------------------


def test_indicator_sets_are_created_copied_and_protected_once_used(database: Database) -> None:
    before = counts(database)
    with pytest.raises(ValidationError, match="add up to 95 points"):
        evaluations.create_indicator_set(database, "简化", MID, [Indicator("实施", 5000), Indicator("成效", 4500)])
    assert counts(database) == before
    own = evaluations.create_indicator_set(database, "简化", MID, [Indicator("实施", 5000), Indicator("成效", 5000)])
    with pytest.raises(ValidationError, match="already an indicator set named"):
        evaluations.create_indicator_set(database, "简化", MID, [Indicator("实施", 10000)])
    evaluations.update_indicator_set(database, own, "简化指标", [Indicator("实施", 4000), Indicator("成效", 6000)])
    award = make_award(database)
    person = evaluations.add_evaluator(database, "张评估")
    evaluations.create(database, award, MID, person, own)
    with pytest.raises(ValidationError, match="used by 1 evaluations"):
        evaluations.update_indicator_set(database, own, "简化指标", [Indicator("实施", 10000)])
    copy = evaluations.copy_indicator_set(database, own, "简化指标（2027）")
    rows = {r.id: r for r in evaluations.indicator_sets(database)}
    assert rows[copy].indicators == rows[own].indicators and rows[own].used == 1 and rows[copy].used == 0
    with pytest.raises(ValidationError, match="another kind"):
        evaluations.create(database, award, EvaluationKind.FINAL, person, own)


def test_evaluator_input_is_checked(database: Database) -> None:
    with pytest.raises(ValidationError, match="evaluator's name"):
        evaluations.add_evaluator(database, "  ")
    with pytest.raises(ValidationError, match="no organization with number 999"):
        evaluations.add_evaluator(database, "张评估", conflict_org_ids=[999])
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(Evaluator)) == 0


# --- the report ----------------------------------------------------------------------------------------------


def test_the_report_pdf_names_every_indicator_the_grade_and_the_objection(database: Database, tmp_path) -> None:
    award = make_award(database)
    sign_and_pay_first(database, award)
    ev = evaluation(database, award)
    evaluations.score(database, ev, even_scores(8250), "项目按计划推进，服务记录完整。\n满意度较高。", SCORED,
                      today=TODAY)
    evaluations.publish(database, ev, dt.date(2026, 7, 2))
    evaluations.record_objection(database, ev, "机构对财务管理得分有异议", dt.date(2026, 7, 3))
    evaluations.resolve_objection(database, ev, "经复核，维持原评估结论")
    evaluations.finalize(database, ev, dt.date(2026, 7, 10))
    pdf = evaluations.report_pdf(database, ev, dt.date(2026, 7, 11))
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    assert pdf == evaluations.report_pdf(database, ev, dt.date(2026, 7, 11))  # the same bytes every time
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = "".join(text.split())
    for expected in ("公益创投项目中期评估报告", "银龄陪伴计划", "阳光为老服务中心", "临江区益众社会组织评估中心",
                     "张评估", "2026年7月1日", *(i.name for i in MID_SET.indicators), "项目实施评语",
                     "总得分为82.5分", "评估等级为“良好”", "评估合格", "第2期资助资金40,000.00元予以拨付",
                     "满意度较高", "异议期至2026年7月9日", "机构对财务管理得分有异议", "经复核，维持原评估结论",
                     "二〇二六年七月十一日", "变更记录校验"):
        assert expected in flat, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    font_lines = fonts.splitlines()[2:]
    assert font_lines and all(line.split()[-5] == "yes" for line in font_lines), fonts  # every font embedded


def test_an_unscored_evaluation_has_no_report(database: Database) -> None:
    ev = evaluation(database, make_award(database))
    with pytest.raises(ValidationError, match="not been scored"):
        evaluations.report_pdf(database, ev)


# --- the command line --------------------------------------------------------------------------------------------


def test_the_command_line_runs_an_evaluation_through(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from psp_desktop import cli
    from psp_desktop.db import open_database

    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))  # no Qt in this process
    path = tmp_path / "cli.db"
    db = open_database(path)
    try:
        award = make_award(db)
        sign_and_pay_first(db, award)
    finally:
        db.close()

    def run(*argv: object) -> int:
        return cli.main(["--db", str(path), *(str(a) for a in argv)])

    assert run("evaluations", "evaluators", "--add", "周明远", "--agency", "临江区益众社会组织评估中心") == 0
    assert run("evaluations", "new", award, "--kind", "midterm", "--evaluator", 1) == 0
    scores = [f"--score={i.name}={points_text(p.points_x100)}:{p.comment}" for i, p in zip(REGULAR, even_scores(
        5500), strict=True)]
    assert run("evaluations", "score", 1, "--score", "项目实施=26", *scores[1:], "--date", SCORED) == 2
    assert "at most 25 points" in capsys.readouterr().err
    assert run("evaluations", "score", 1, *scores, "--score", "违规扣分=-1:票据不全", "--narrative", "进度滞后",
               "--date", SCORED) == 0
    assert "54 points, Fail" in capsys.readouterr().out
    assert run("evaluations", "publish", 1, "--date", "2026-07-02") == 0
    assert run("evaluations", "finalize", 1, "--date", "2026-07-09") == 2  # the window is still open
    assert run("evaluations", "object", 1, "--text", "对财务管理得分有异议", "--date", "2026-07-05") == 0
    assert run("evaluations", "object", 1, "--resolution", "维持原结论") == 0
    capsys.readouterr()
    assert run("evaluations", "finalize", 1, "--date", "2026-07-10", "--dry-run") == 0
    assert "Tranche 2 (40,000.00 yuan): planned → withheld" in capsys.readouterr().out
    assert evaluations_final(path) is False
    assert run("evaluations", "finalize", 1, "--date", "2026-07-10") == 0
    assert evaluations_final(path) is True
    assert run("evaluations", "report", 1, "--out", tmp_path / "report.pdf") == 0
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert run("evaluations", "list") == 0
    assert "final" in capsys.readouterr().out
    assert run("evaluations", "publish", 1, "--date", (dt.date.today() + dt.timedelta(days=1)).isoformat()) == 2
    assert "in the future" in capsys.readouterr().err


def evaluations_final(path) -> bool:  # type: ignore[no-untyped-def]
    from psp_desktop.db import open_database

    db = open_database(path, create=False)
    try:
        with db.read() as s:
            return s.scalars(select(Evaluation.final)).one()
    finally:
        db.close()
