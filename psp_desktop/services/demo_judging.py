"""Last year's competition in the demo, caught on roadshow day (2025-05-16).

The written review is scored and frozen (its snapshot hash verifies); the twelve finalists are on stage and almost
every roadshow sheet is in. Still open, so a newcomer can finish them: three sheets of one expert, who signs in to
judge mode with JUDGE_MODE_PIN; and two of a public juror's paper ballots, one keyed only once and one whose two keyings
disagree. Scores come from a hidden quality per project, a lean per judge and noise, so the diagnostics have
something to find (one juror marks a project far below the others).

Setting up (prepare_*) and judging (judge_last_year) are separate steps, so demo_funding can play the 2024
competition's story around this one and keep the change log in time order; prepare_contest and score_round serve both.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..models import (
    Assignment,
    Competition,
    CompetitionTheme,
    Judge,
    Panel,
    PanelMember,
    Proposal,
    Round,
    ScreeningDecision,
)
from ..models.enums import CompetitionMode, CompetitionStatus, ProposalStatus, ScreeningOutcome
from . import audit, judging, rankings
from . import demo_content as content

if TYPE_CHECKING:
    from .demo import _DemoBuilder

YEAR = 2025
N_PROPOSALS, FINALISTS = 24, 12
JUDGE_MODE_PIN = "135790"
# its hash, made once with a fixed salt (pins.hash_pin salts at random), so the demo is the same on every build
JUDGE_MODE_PIN_HASH = ("scrypt$16384$8$1$cHNwLWRlbW8tanVkZ2UtMQ==$z2d/dCr3MD1cKttwv5qc86AvQl8xFAvAlWPnSja3E6SlJ3wgh/"
                       "yPtYhgxYpjoaWCroRmNjj3xAzQMN0k9F2xVQ==")
STAFF = ("刘晓燕", "陈志刚")
OPEN_SHEETS = 3  # the expert in judge mode still has the last three finalists to score
WRITTEN_ON, ROADSHOW_ON = dt.date(2025, 5, 8), dt.date(2025, 5, 16)


class _Clock:
    """The story's time: every change the services stamp happens when the demo says it does."""

    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def __call__(self) -> dt.datetime:
        return self.at

    def tick(self, minutes: int) -> None:
        self.at += dt.timedelta(minutes=minutes)


@dataclass(frozen=True)
class Intake:
    """Who applied to a past competition: `count` proposals from clean organizations registered before `year - 1`,
    arriving over `days` days from `first_day`; `project` shapes each one (keywords of _DemoBuilder._proposal)."""

    year: int
    count: int
    first_day: dt.date
    days: int = 30
    project: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Contest:
    """A past competition set up for judging: its rounds' panels are seated and every project's hidden quality and
    every judge's lean are drawn, so the judging itself can be played later on the story's clock."""

    competition: Competition
    quality: dict[int, float]
    lean: dict[int, float]


def prepare_last_year(builder: _DemoBuilder, experts: Sequence[Judge], public: Sequence[Judge]) -> Contest:
    competition = _competition(builder)
    builder.s.add(competition)
    builder.s.flush()
    return prepare_contest(builder, competition, Intake(YEAR, N_PROPOSALS, dt.date(YEAR, 3, 10)), experts, public)


def prepare_contest(builder: _DemoBuilder, competition: Competition, intake: Intake, experts: Sequence[Judge],
                  public: Sequence[Judge]) -> Contest:
    rng = builder.rng
    proposals = _proposals(builder, competition, intake)
    written, roadshow = competition.rounds
    _panels(builder, written, roadshow, experts, public)
    quality = {p.id: rng.uniform(0.55, 0.9) for p in proposals}
    lean = {j.id: rng.uniform(-0.05, 0.05) for j in [*experts, *public]}
    return Contest(competition, quality, lean)


def judge_last_year(builder: _DemoBuilder, contest: Contest, experts: Sequence[Judge], public: Sequence[Judge]) -> None:
    written, roadshow = contest.competition.rounds
    clock = _Clock(dt.datetime.combine(WRITTEN_ON, dt.time(9, 0)))
    with audit.clock(clock):
        score_round(builder.s, builder.rng, written, contest, clock)
        clock.at = dt.datetime.combine(WRITTEN_ON + dt.timedelta(days=1), dt.time(10, 30))
        rankings.freeze(builder.s, written, STAFF[0])
        _roadshow(builder, roadshow, contest.quality, contest.lean, experts[1], public[0], clock)


def score_round(s, rng: random.Random, round_: Round, contest: Contest, clock: _Clock,  # type: ignore[no-untyped-def]
                minutes: tuple[int, int] = (4, 12)) -> None:
    """Assigns the round and has every judge submit every sheet, one sheet every few minutes."""
    judging.assign_round(s, round_)
    for assignment in _assignments(s, round_):
        clock.tick(rng.randint(*minutes))
        _submit(s, assignment, _points(s, rng, round_, contest.quality, contest.lean, assignment))


def _competition(builder: _DemoBuilder) -> Competition:
    from .demo import CAP_FEN, OFFICE, RULES, _at

    return past_competition(
        builder, YEAR, FINALISTS, WRITTEN_ON, ROADSHOW_ON, status=CompetitionStatus.REVIEW, pool_fen=150_000_000,
        project_cap_fen=CAP_FEN, budget_share_cap_percent=80, min_matching_percent=20,
        apply_from=dt.date(YEAR, 3, 3), apply_until=dt.date(YEAR, 4, 11), screening_until=dt.date(YEAR, 4, 25),
        notice_from=dt.date(YEAR, 5, 26), notice_until=dt.date(YEAR, 6, 4), signing_on=dt.date(YEAR, 6, 16),
        rules=dict(RULES), created_at=_at(dt.date(YEAR, 2, 17), 10, 0),
        description=(f"{OFFICE}设立社区公益创投资金150万元，经资格审查、书面评审和路演答辩产生资助项目。"
                     "书面评审前12名进入路演答辩，最终得分按书面评审40%、路演答辩60%计算。"),
    )


def past_competition(builder: _DemoBuilder, year: int, finalists: int, written_on: dt.date, roadshow_on: dt.date,
                     **fields: Any) -> Competition:
    """A venture competition of an earlier year with this year's themes and rounds: the written review's top
    `finalists` go on to the roadshow. `fields` are the competition's own money, dates, rules and texts."""
    from .demo import DISTRICT, OFFICE, STREET

    competition = Competition(
        name=f"{year}年{STREET.name}社区公益创投大赛", year=year, mode=CompetitionMode.VENTURE, organizer=OFFICE,
        district=DISTRICT.name, intake_pattern=f"{year}-{STREET.abbr}-{{seq:03d}}", review_on=roadshow_on, **fields)
    for seq, (name, domain, description) in enumerate(content.THEMES, 1):
        competition.themes.append(CompetitionTheme(seq=seq, name=name, domain=domain, description=description))
    written, roadshow = builder._rounds()
    written.advance_value, written.scheduled_on = finalists, written_on
    roadshow.scheduled_on = roadshow_on
    roadshow.tie_breaks = [{"round": 2, "criterion": "项目设计"}, {"round": 1}]
    competition.rounds.extend([written, roadshow])
    return competition


def _proposals(builder: _DemoBuilder, competition: Competition, intake: Intake) -> list[Proposal]:
    from .demo import SCREENERS, STREET, _at

    rng = builder.rng
    owners = [p for p in builder.orgs if p.flaw is None and p.slots > 0
              and p.org.registered_on is not None and p.org.registered_on.year < intake.year - 1]
    brands: set[str] = set()
    made = []
    for owner in rng.sample(owners, intake.count):
        domains = [d for d in owner.kind.domains if d in content.THEME_DOMAINS]
        topic = rng.choice([t for t in content.TOPICS if t.domain in domains])
        made.append(builder._proposal(competition, owner, topic, brands, year=intake.year, **intake.project).proposal)
    days = sorted(intake.first_day + dt.timedelta(days=rng.randint(0, intake.days)) for _ in made)
    for seq, (proposal, day) in enumerate(zip(made, days, strict=True), 1):
        proposal.intake_number = f"{intake.year}-{STREET.abbr}-{seq:03d}"
        proposal.submitted_on, proposal.status = day, ProposalStatus.ELIGIBLE
        proposal.created_at = _at(day - dt.timedelta(days=rng.randint(1, 5)), rng.randint(9, 17), rng.randrange(60))
    builder.s.add_all(made)
    builder.s.flush()
    for proposal in made:
        assert proposal.submitted_on is not None
        builder.s.add(ScreeningDecision(
            proposal_id=proposal.id, outcome=ScreeningOutcome.ELIGIBLE, decided_by=rng.choice(SCREENERS),
            reasons="经审查，机构资质和申报材料符合大赛申报条件，进入评审环节。",
            decided_at=_at(proposal.submitted_on + dt.timedelta(days=rng.randint(3, 8)), rng.randint(9, 16), 30)))
    return made


def _panels(builder: _DemoBuilder, written: Round, roadshow: Round, experts: Sequence[Judge],
            public: Sequence[Judge]) -> None:
    from .demo import ROADSHOW_EXPERTS, STREET

    for index in range(3):
        members = experts[index * 3:index * 3 + 3]
        builder.s.add(Panel(round_id=written.id, name=f"第{'一二三'[index]}评审组", venue="线上书面评审",
                            members=[PanelMember(judge=j, is_chair=i == 0) for i, j in enumerate(members)]))
    expert_group, public_group = roadshow.groups
    stage = [PanelMember(judge=experts[i], group_id=expert_group.id, is_chair=n == 0)
             for n, i in enumerate(ROADSHOW_EXPERTS)]
    stage += [PanelMember(judge=j, group_id=public_group.id) for j in public]
    builder.s.add(Panel(round_id=roadshow.id, name="路演评审组", venue=f"{STREET.name}党群服务中心三楼多功能厅",
                        members=stage))
    builder.s.flush()


def _assignments(s, round_: Round) -> list[Assignment]:  # type: ignore[no-untyped-def]
    return list(s.scalars(select(Assignment).join(Proposal).where(Assignment.round_id == round_.id)
                          .order_by(Proposal.intake_number, Assignment.judge_id)))


def _points(s, rng: random.Random, round_: Round, quality: dict[int, float],  # type: ignore[no-untyped-def]
            lean: dict[int, float], assignment: Assignment, drop: float = 0.0) -> dict[int, int]:
    """Each criterion near the project's quality, moved by the judge's lean; the bonus follows the matching rule."""
    proposal = s.get(Proposal, assignment.proposal_id)
    level = quality[proposal.id] + lean[assignment.judge_id] - drop + rng.gauss(0, 0.03)
    points = {}
    for criterion in round_.criteria:
        step, top = round_.score_step_x100, criterion.max_points_x100
        if criterion.is_bonus:
            share = proposal.matching_fen * 100 // max(proposal.total_budget_fen, 1)
            points[criterion.id] = min(top, max(0, (share - 20) // 4) * 100)
            continue
        value = round(top * min(1.0, max(0.2, level + rng.gauss(0, 0.05))) / step) * step
        points[criterion.id] = min(top, value)
    return points


def _submit(s, assignment: Assignment, points: dict[int, int]) -> None:  # type: ignore[no-untyped-def]
    judge = s.get(Judge, assignment.judge_id)
    judging._write_sheet(s, assignment, points, "", submit=True, source="screen", by=judge.name, role="judge")


def _roadshow(builder: _DemoBuilder, roadshow: Round, quality: dict[int, float], lean: dict[int, float],
              expert: Judge, juror: Judge, clock: _Clock) -> None:
    s, rng = builder.s, builder.rng
    clock.at = dt.datetime.combine(ROADSHOW_ON, dt.time(8, 40))
    judging.assign_round(s, roadshow)
    expert.pin_hash = JUDGE_MODE_PIN_HASH
    assignments = _assignments(s, roadshow)
    numbers = dict(s.execute(select(Proposal.id, Proposal.intake_number)).all())
    order = sorted({numbers[a.proposal_id] for a in assignments})
    waiting = set(order[-OPEN_SHEETS:])
    outlier = order[4]
    paper_once, paper_mismatch = order[-2], order[-1]
    for number in order:
        clock.tick(15)  # an 8-minute pitch and 7 minutes of questions
        for assignment in (a for a in assignments if numbers[a.proposal_id] == number):
            drop = 0.35 if assignment.judge_id == juror.id and number == outlier else 0.0
            points = _points(s, rng, roadshow, quality, lean, assignment, drop)
            if assignment.judge_id == expert.id and number in waiting:
                if number == min(waiting):  # started, not finished
                    first = roadshow.criteria[:3]
                    judging._write_sheet(s, assignment, {c.id: points[c.id] for c in first}, "",
                                         submit=False, source="screen", by=expert.name, role="judge")
                continue
            if assignment.judge_id == juror.id:
                _paper(s, roadshow, assignment, points, once=number == paper_once,
                       mismatch=number == paper_mismatch)
                continue
            _submit(s, assignment, points)


def _paper(s, round_: Round, assignment: Assignment, points: dict[int, int], *,  # type: ignore[no-untyped-def]
           once: bool, mismatch: bool) -> None:
    """The public juror scored on paper; staff key each sheet twice, and one keying slipped a digit."""
    judging._key_paper(s, assignment, 1, points, STAFF[0])
    if once:
        return
    second = dict(points)
    if mismatch:
        first = round_.criteria[1]
        second[first.id] = max(0, points[first.id] - 500)
    judging._key_paper(s, assignment, 2, second, STAFF[1])
