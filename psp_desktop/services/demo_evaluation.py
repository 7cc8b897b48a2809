"""The demo's evaluations: the 2024 projects' mid-term evaluations in December 2025 by a third-party agency, whose
results decide the second tranche (played on the story's clock by demo_funding._Story).

Each is made through the evaluation services' session-level cores by 刘晓燕 (staff): created on the shipped mid-term
indicator set, scored indicator by indicator to the story's total, published the same day, and made final on the
first working day after the 7-day objection window — still in December, before the January approvals of the second
tranche — so the gate is decided by the evaluation. The failed project raises an objection, answered before the
evaluation becomes final. Draws come from this module's own random.Random per award, never from the story's.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..enums import AwardStatus, EvaluationKind
from ..models import Award, Evaluation, Evaluator, Proposal
from . import evaluations
from .evaluation_rules import GRADE_ZH, Grades, ItemKind, indicators_of

if TYPE_CHECKING:
    from .demo_funding import _Story
    from .evaluation_rules import Indicator

AGENCY = "临江区益众社会组织评估中心"
AGENCY_PHONE = "028-86120300"
PEOPLE = (("周明远", "028-86120301"), ("林晓雯", "028-86120302"))
SEED = "demo-evaluation-2025"
FAIL_TOTALS = (4800, 5950)  # the failed project's total lies between, in half points
OBJECTION = "机构对“项目实施”得分有异议：部分活动因场地改造延期，已于12月补充开展"
RESOLUTION = "经评估机构复核，延期活动在评估时点前未开展，补充开展的活动计入终期评估；维持原评估结论"
COMMENTS = {  # per indicator: (good, fair, weak)
    "项目实施": (
        "活动按计划推进，过程资料齐全",
        "大部分活动按计划开展，个别活动延期",
        "活动开展不足计划的一半，过程记录缺失较多",
    ),
    "投入": (
        "专职社工与志愿者到位，配套资金已落实",
        "人员基本到位，配套资金部分到账",
        "专职人员流失，配套资金未按承诺到位",
    ),
    "财务管理": (
        "专款专用，账目清晰，票据规范",
        "账目基本清楚，个别票据不够规范",
        "预算执行偏离较大，部分支出缺少凭证",
    ),
    "项目成效": (
        "阶段目标基本达成，服务人次超出预期",
        "阶段目标部分达成",
        "服务人次明显低于计划",
    ),
    "需求回应": (
        "服务内容与社区需求契合度高",
        "服务内容与需求基本相符",
        "服务内容与立项时的需求调研有所脱节",
    ),
    "服务对象满意度": (
        "抽样满意度较高",
        "抽样满意度一般",
        "抽样满意度偏低，居民反映活动通知不到位",
    ),
}
NARRATIVES = {
    "excellent": "项目执行规范，阶段目标全面达成，服务对象反响良好，建议作为示范项目总结推广。",
    "good": "项目总体按计划推进，服务记录完整，财务管理规范；建议下一阶段加强成效记录与宣传。",
    "pass": "项目基本按计划推进，但部分活动延期、成效记录不够完整；建议下一阶段加快进度，完善过程资料。",
}
RECTIFIED = "实地走访发现的问题已按要求整改。"


def midterm(story: _Story, award_id: int, score: int | None, rectified: bool) -> None:
    """A mid-term evaluation with this total (None: failed, with a total under 60 drawn here); its result decides
    the award's second tranche when it becomes final after the objection window."""
    from .demo_funding import FAILED_REASON, STAFF

    s, today = story.s, story.today
    rng = random.Random(f"{SEED}-{award_id}")
    chosen = evaluations.shipped_set_in(s, EvaluationKind.MIDTERM, STAFF)
    total = score * 100 if score is not None else rng.randrange(FAIL_TOTALS[0], FAIL_TOTALS[1] + 1, 50)
    ev = evaluations.create_in(s, award_id, EvaluationKind.MIDTERM, _evaluator(story, award_id).id, chosen.id, STAFF)
    items = indicators_of(chosen.indicators)
    scores = _scores(rng, [i for i in items if i.kind is ItemKind.REGULAR], total)
    narrative = FAILED_REASON if score is None else _narrative(total, rectified)
    evaluations.score_in(s, ev, scores, narrative, today, STAFF, today)
    until = evaluations.publish_in(s, ev, today, STAFF)
    final_day = _working_day(until + dt.timedelta(days=1))
    if score is None:
        objected = _working_day(today + dt.timedelta(days=2))
        story.at(dt.datetime.combine(objected, dt.time(10, 15)),
                 partial(_object, story, ev.id))
        story.at(dt.datetime.combine(final_day, dt.time(9, 30)), partial(_resolve, story, ev.id))
    story.at(dt.datetime.combine(final_day, dt.time(10, award_id % 60)), partial(_finalize, story, ev.id))


def _evaluator(story: _Story, award_id: int) -> Evaluator:
    """One of the agency's two people (added with the agency at the first evaluation), never a conflicted one."""
    from .demo_funding import STAFF

    s = story.s
    people = s.scalars(select(Evaluator).where(Evaluator.agency == AGENCY).order_by(Evaluator.id)).all()
    if not people:
        evaluations.add_evaluator_in(s, AGENCY, "", AGENCY_PHONE, (), STAFF)
        conflict = _reserve_organization(story)
        people = [evaluations.add_evaluator_in(s, name, AGENCY, phone, conflict if n else (), STAFF)
                  for n, (name, phone) in enumerate(PEOPLE)]
    proposal = s.get(Proposal, s.get(Award, award_id).proposal_id)  # type: ignore[union-attr]
    assert proposal is not None
    order = people[award_id % 2:] + people[:award_id % 2]
    return next(p for p in order if not evaluations.conflicted(s, p, proposal.organization_id))


def _reserve_organization(story: _Story) -> tuple[int, ...]:
    """林晓雯 once supervised the first organization on the reserve list: her declared conflict of interest."""
    s = story.s
    award = s.scalars(select(Award).where(Award.competition_id == story.competition.id,
                                          Award.status == AwardStatus.RESERVE).order_by(Award.rank)).first()
    proposal = s.get(Proposal, award.proposal_id) if award is not None else None
    return (proposal.organization_id,) if proposal is not None else ()


def _scores(rng: random.Random, items: list[Indicator], total: int) -> list[evaluations.ScoreInput]:
    """Points per indicator near the total's share of its maximum, in half points, adding up to the total exactly."""
    parts = [min(i.max_x100, max(0, round(i.max_x100 * total / 10_000 * rng.uniform(0.92, 1.08) / 50) * 50))
             for i in items]
    while (left := total - sum(parts)) != 0:
        step = 50 if left > 0 else -50
        n = rng.choice([k for k, i in enumerate(items) if 0 <= parts[k] + step <= i.max_x100])
        parts[n] += step
    return [evaluations.ScoreInput(i.name, p, _comment(i, p)) for i, p in zip(items, parts, strict=True)]


def _comment(item: Indicator, points: int) -> str:
    good, fair, weak = COMMENTS.get(item.name, ("", "", ""))
    share = points / item.max_x100
    return good if share >= 0.8 else fair if share >= 0.6 else weak


def _narrative(total: int, rectified: bool) -> str:
    grade = Grades().grade(total)
    text = f"中期评估得分{total // 100}分，等级{GRADE_ZH[grade]}。{NARRATIVES[str(grade)]}"
    return text + RECTIFIED if rectified else text


def _working_day(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _evaluation(story: _Story, evaluation_id: int) -> Evaluation:
    ev = story.s.get(Evaluation, evaluation_id)
    assert ev is not None
    return ev


def _object(story: _Story, evaluation_id: int) -> None:
    from .demo_funding import STAFF

    evaluations.record_objection_in(story.s, _evaluation(story, evaluation_id), OBJECTION, story.today, STAFF)


def _resolve(story: _Story, evaluation_id: int) -> None:
    from .demo_funding import STAFF

    evaluations.resolve_objection_in(story.s, _evaluation(story, evaluation_id), RESOLUTION, STAFF)


def _finalize(story: _Story, evaluation_id: int) -> None:
    """Final after the window: the tranche gate is decided here, by the evaluation."""
    from .demo_funding import STAFF

    evaluations.finalize_in(story.s, _evaluation(story, evaluation_id), story.today, STAFF)
