"""Setting up review rounds (psp_desktop.services.round_setup): every bad input named in its message with nothing
written, the competition's rounds checked together, rubric templates, and what a frozen or scored round refuses."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from psp_desktop.db import Database
from psp_desktop.enums import (
    AdvanceRule,
    Aggregation,
    CompetitionStatus,
    OrgType,
    ProposalStatus,
    RoundKind,
    ServiceDomain,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    Assignment,
    AuditEntry,
    Competition,
    Criterion,
    Judge,
    JudgeGroup,
    Organization,
    Panel,
    PanelMember,
    Proposal,
    Round,
    RubricTemplate,
)
from psp_desktop.services import judging
from psp_desktop.services import round_setup as rs
from psp_desktop.services.round_setup import CriterionData, GroupData, RoundData
from psp_desktop.services.scoring import TieBreak
from psp_desktop.services.validation import InvalidInput


def rubric() -> list[CriterionData]:
    return [CriterionData("需求分析", "需求调研充分", 4000), CriterionData("项目设计", "", 6000),
            CriterionData("配套资金加分", "", 500, is_bonus=True)]


def round_data(**changes: Any) -> RoundData:
    values: dict[str, Any] = dict(name="书面评审", kind=RoundKind.WRITTEN, weight_percent=40, criteria=rubric())
    values.update(changes)
    return RoundData(**values)


@pytest.fixture
def competition_id(database: Database) -> int:
    with database.write() as s:
        competition = Competition(name="2026年望江街道社区公益创投大赛", year=2026, status=CompetitionStatus.REVIEW)
        s.add(competition)
        s.flush()
        return competition.id


def counts(db: Database) -> tuple[int, ...]:
    with db.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) or 0
                     for m in (Round, Criterion, JudgeGroup, AuditEntry, RubricTemplate))


def refused(db: Database, action: Callable[[], object]) -> InvalidInput:
    before = counts(db)
    with pytest.raises(InvalidInput) as caught:
        action()
    assert counts(db) == before  # nothing written
    return caught.value


# --- saving and loading ------------------------------------------------------------------------------------------


def test_a_round_round_trips_with_the_next_seq_and_is_logged(database: Database, competition_id: int) -> None:
    first = rs.save_round(database, competition_id, None, round_data())
    data = round_data(name="路演答辩", kind=RoundKind.ROADSHOW, weight_percent=60,
                      aggregation=Aggregation.TRIMMED_MEAN, trim_count=1, trim_min_judges=5, judges_per_proposal=7,
                      groups=[GroupData("专家评审", 70), GroupData("大众评审", 30)],
                      advance_rule=AdvanceRule.THRESHOLD, advance_value=6000,
                      tie_breaks=[TieBreak(None, "项目设计"), TieBreak(1, ""), TieBreak(1, "需求分析")])
    second = rs.save_round(database, competition_id, None, data)
    assert [(r.id, r.seq, r.name) for r in rs.rounds_of(database, competition_id)] == [
        (first, 1, "书面评审"), (second, 2, "路演答辩")]
    loaded, frozen, scored = rs.load_round(database, second)
    assert not frozen and not scored
    assert [(c.name, c.max_points_x100, c.is_bonus) for c in loaded.criteria] == [
        ("需求分析", 4000, False), ("项目设计", 6000, False), ("配套资金加分", 500, True)]
    assert [(g.name, g.weight_percent) for g in loaded.groups] == [("专家评审", 70), ("大众评审", 30)]
    assert loaded.tie_breaks == [TieBreak(2, "项目设计"), TieBreak(1, ""), TieBreak(1, "需求分析")]  # own seq stored
    assert (loaded.aggregation, loaded.advance_rule, loaded.advance_value) == (
        Aggregation.TRIMMED_MEAN, AdvanceRule.THRESHOLD, 6000)
    with database.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["round.create", "round.create"]
    # the stored tie-breaks name this round by its seq, and saving them back unchanged is accepted
    rs.save_round(database, competition_id, second, loaded)


def test_lines_keep_their_ids_when_they_change_places(database: Database, competition_id: int) -> None:
    round_id = rs.save_round(database, competition_id, None, round_data())
    data, _f, _s = rs.load_round(database, round_id)
    ids = [c.id for c in data.criteria]
    data.criteria.reverse()
    data.criteria[0].name = "加分：配套资金"
    rs.save_round(database, competition_id, round_id, data)
    again, _f, _s = rs.load_round(database, round_id)
    assert [c.id for c in again.criteria] == ids[::-1]
    assert again.criteria[0].name == "加分：配套资金"


def test_advancement_all_forgets_a_stale_value(database: Database, competition_id: int) -> None:
    round_id = rs.save_round(database, competition_id, None, round_data(advance_rule=AdvanceRule.ALL,
                                                                        advance_value=30))
    assert rs.load_round(database, round_id)[0].advance_value is None


def test_a_new_round_takes_the_weight_the_others_leave(database: Database, competition_id: int) -> None:
    rs.save_round(database, competition_id, None, round_data(weight_percent=40))
    assert rs.new_round(database, competition_id).weight_percent == 60
    context = rs.setup_context(database, competition_id)
    assert (context.seq, context.other_weight_percent, [r.name for r in context.earlier]) == (2, 40, ["书面评审"])


def test_marks_add_full_marks_and_bonus_with_weights() -> None:
    full, bonus = rs.marks([CriterionData("a", "", 4000, 150), CriterionData("b", "", 6000),
                            CriterionData("c", "", 500, is_bonus=True)])
    assert (full, bonus) == (12000, 500)
    assert rs.points(850) == "8.5" and rs.points(10000) == "100" and rs.points(25) == "0.25"


# --- every bad input named -----------------------------------------------------------------------------------------


def line(n: int, **changes: Any) -> Callable[[RoundData], None]:
    def change(data: RoundData) -> None:
        data.criteria[n - 1] = dataclasses.replace(data.criteria[n - 1], **changes)
    return change


def setting(**changes: Any) -> Callable[[RoundData], None]:
    def change(data: RoundData) -> None:
        for key, value in changes.items():
            setattr(data, key, value)
    return change


BAD = [
    ("no name", setting(name="  "), "name", "give the round a name"),
    ("long name", setting(name="轮" * 61), "name", "the round's name is longer than 60 characters"),
    ("only bonus", setting(criteria=[CriterionData("加分", "", 500, is_bonus=True)]), "criteria",
     "the rubric needs at least one criterion that is not a bonus item"),
    ("no criteria", setting(criteria=[]), "criteria",
     "the rubric needs at least one criterion that is not a bonus item"),
    ("unnamed line", line(2, name=" "), "criteria[2]", "rubric line 2 has no name"),
    ("long line name", line(1, name="指" * 61), "criteria[1]",
     "rubric line 1: the name is longer than 60 characters"),
    ("same name", line(2, name="需求分析"), "criteria[2]", "rubric line 2: “需求分析” is already used by another line"),
    ("zero max", line(1, max_points_x100=0), "criteria[1]", "rubric line 1: the maximum points must be more than zero"),
    ("huge max", line(1, max_points_x100=100_050), "criteria[1]",
     "rubric line 1: the maximum points cannot be more than 1000"),
    ("off step", line(2, max_points_x100=6025), "criteria[2]",
     "rubric line 2: the maximum 60.25 is not a multiple of the score step 0.5"),
    ("zero weight", line(1, weight_percent=0), "criteria[1]", "rubric line 1: the weight must be between 1 and 1000 %"),
    ("huge weight", line(3, weight_percent=1001), "criteria[3]",
     "rubric line 3: the weight must be between 1 and 1000 %"),
    ("zero step", setting(score_step_x100=0), "score_step_x100", "the score step must be more than zero"),
    ("step beyond the smallest max", setting(score_step_x100=600), "score_step_x100",
     "the score step 6 is larger than the smallest maximum on the rubric (5)"),
    ("decimals", setting(decimals=5), "decimals", "scores are rounded to 0 to 4 decimals"),
    ("negative trim", setting(trim_count=-1), "trim_count",
     "the number of highest and lowest scores dropped cannot be negative"),
    ("too few judges to trim", setting(aggregation=Aggregation.TRIMMED_MEAN, trim_count=2, trim_min_judges=4),
     "trim_min_judges", "dropping the 2 highest and 2 lowest scores needs at least 5 judges"),
    ("no judges", setting(judges_per_proposal=0), "judges_per_proposal",
     "each proposal needs between 1 and 100 judges"),
    ("top none", setting(advance_rule=AdvanceRule.TOP_N, advance_value=0), "advance_value",
     "say how many proposals advance (at least 1)"),
    ("top unset", setting(advance_rule=AdvanceRule.TOP_N, advance_value=None), "advance_value",
     "say how many proposals advance (at least 1)"),
    ("threshold above the top", setting(advance_rule=AdvanceRule.THRESHOLD, advance_value=10_501), "advance_value",
     "the threshold must be between 0 and 105 points (full marks plus bonus)"),
    ("negative threshold", setting(advance_rule=AdvanceRule.THRESHOLD, advance_value=-1), "advance_value",
     "the threshold must be between 0 and 105 points (full marks plus bonus)"),
    ("unnamed group", setting(groups=[GroupData("专家评审", 70), GroupData("", 30)]), "groups[2]",
     "judge group 2 has no name"),
    ("same group", setting(groups=[GroupData("专家评审", 70), GroupData("专家评审", 30)]), "groups[2]",
     "judge group 2: “专家评审” is already used by another group"),
    ("group weights", setting(groups=[GroupData("专家评审", 70), GroupData("大众评审", 20)]), "groups",
     "the judge groups' weights add up to 90 %; they must add up to exactly 100 %"),
    ("group weight range", setting(groups=[GroupData("专家评审", 130), GroupData("大众评审", -30)]), "groups[1]",
     "judge group 1: the weight must be between 0 and 100 %"),
    ("round weight", setting(weight_percent=101), "weight_percent",
     "the round's weight in the final result must be between 0 and 100 %"),
    ("later round", setting(tie_breaks=[TieBreak(5, "")]), "tie_breaks[1]",
     "tie-break 1 names round 5, which is not this round or an earlier one"),
    ("unknown criterion", setting(tie_breaks=[TieBreak(None, "创新性")]), "tie_breaks[1]",
     "tie-break 1: round “书面评审” has no criterion “创新性”"),
    ("repeated", setting(tie_breaks=[TieBreak(None, "项目设计"), TieBreak(1, "项目设计")]), "tie_breaks[2]",
     "tie-break 2 repeats an earlier one"),
]


@pytest.mark.parametrize(("change", "field", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_named_and_nothing_is_written(database: Database, competition_id: int,
                                                  change: Callable[[RoundData], None], field: str,
                                                  message: str) -> None:
    data = round_data()
    change(data)
    error = refused(database, lambda: rs.save_round(database, competition_id, None, data))
    assert (field, message) in [(p.field, p.render()) for p in error.problems]


def test_every_problem_is_reported_at_once(database: Database, competition_id: int) -> None:
    data = round_data(name="", decimals=9, groups=[GroupData("专家评审", 50)])
    data.criteria[1].max_points_x100 = -100
    error = refused(database, lambda: rs.save_round(database, competition_id, None, data))
    assert [p.field for p in error.problems] == ["name", "criteria[2]", "decimals", "groups"]
    assert error.render().count("\n") == 3


def test_the_rounds_weights_may_not_exceed_100(database: Database, competition_id: int) -> None:
    rs.save_round(database, competition_id, None, round_data(weight_percent=40))
    error = refused(database, lambda: rs.save_round(database, competition_id, None,
                                                    round_data(name="路演答辩", weight_percent=70)))
    assert error.render() == ("the rounds' weights in the final result add up to 110 % (other rounds 40 % + this "
                              "round 70 %); they may not exceed 100 %")


def test_tie_breaks_name_an_earlier_rounds_criteria(database: Database, competition_id: int) -> None:
    rs.save_round(database, competition_id, None, round_data(weight_percent=40))
    error = refused(database, lambda: rs.save_round(database, competition_id, None, round_data(
        name="路演答辩", weight_percent=60, tie_breaks=[TieBreak(1, "创新性")])))
    assert error.render() == "tie-break 1: round “书面评审” has no criterion “创新性”"
    rs.save_round(database, competition_id, None, round_data(
        name="路演答辩", weight_percent=60, tie_breaks=[TieBreak(1, "需求分析")]))


def test_a_small_custom_step_is_accepted(database: Database, competition_id: int) -> None:
    data = round_data(score_step_x100=20, criteria=[CriterionData("需求分析", "", 400), CriterionData("设计", "", 600)])
    round_id = rs.save_round(database, competition_id, None, data)
    assert rs.load_round(database, round_id)[0].score_step_x100 == 20


def test_missing_competition_or_round(database: Database, competition_id: int) -> None:
    with pytest.raises(ValidationError, match="There is no competition"):
        rs.save_round(database, 999, None, round_data())
    with pytest.raises(ValidationError, match="There is no review round"):
        rs.save_round(database, competition_id, 999, round_data())


# --- other rounds follow ------------------------------------------------------------------------------------------


def test_a_renamed_criterion_stays_a_later_rounds_tie_break(database: Database, competition_id: int) -> None:
    first = rs.save_round(database, competition_id, None, round_data(weight_percent=40))
    second = rs.save_round(database, competition_id, None, round_data(
        name="路演答辩", weight_percent=60, tie_breaks=[TieBreak(1, "需求分析"), TieBreak(None, "需求分析")]))
    data, _f, _s = rs.load_round(database, first)
    data.criteria[0].name = "社区需求"
    rs.save_round(database, competition_id, first, data)
    assert rs.load_round(database, second)[0].tie_breaks == [TieBreak(1, "社区需求"), TieBreak(2, "需求分析")]
    data.criteria = data.criteria[1:]
    error = refused(database, lambda: rs.save_round(database, competition_id, first, data))
    assert error.render() == "“社区需求” breaks ties in round “路演答辩”; it cannot be removed"


def test_delete_round(database: Database, competition_id: int) -> None:
    first = rs.save_round(database, competition_id, None, round_data(weight_percent=40))
    second = rs.save_round(database, competition_id, None, round_data(
        name="路演答辩", weight_percent=60, tie_breaks=[TieBreak(1, "")]))
    with pytest.raises(ValidationError, match="breaks ties on round"):
        rs.delete_round(database, first)
    rs.delete_round(database, second)
    rs.delete_round(database, first)
    assert rs.rounds_of(database, competition_id) == []


# --- frozen and scored rounds -------------------------------------------------------------------------------------


def _judged_round(db: Database, competition_id: int) -> tuple[int, int]:
    """A round with two groups, four judges on a panel and two eligible proposals assigned; returns (round, an
    assignment)."""
    round_id = rs.save_round(db, competition_id, None, round_data(
        judges_per_proposal=2, groups=[GroupData("专家评审", 70), GroupData("大众评审", 30)]))
    with db.write() as s:
        org = Organization(name="望江阳光社会工作服务中心", org_type=OrgType.SERVICE_AGENCY)
        s.add(org)
        s.flush()
        for n in (1, 2):
            s.add(Proposal(competition_id=competition_id, organization_id=org.id, title=f"项目{n}",
                           domain=ServiceDomain.ELDERLY, status=ProposalStatus.ELIGIBLE))
        panel = Panel(round_id=round_id, name="第一组")
        groups = s.scalars(select(JudgeGroup.id).where(JudgeGroup.round_id == round_id).order_by(JudgeGroup.id)).all()
        for n in range(4):
            judge = Judge(name=f"评委{n}")
            s.add(judge)
            s.flush()
            panel.members.append(PanelMember(judge_id=judge.id, group_id=groups[n % 2]))
        s.add(panel)
    judging.auto_assign(db, round_id)
    with db.read() as s:
        assignment = s.scalars(select(Assignment.id).where(Assignment.round_id == round_id)).first()
    assert assignment is not None
    return round_id, assignment


def test_a_scored_round_keeps_its_rubric_items_and_maximums(database: Database, competition_id: int) -> None:
    round_id, assignment = _judged_round(database, competition_id)
    ids = judging.criterion_ids(database, round_id)
    judging.record_sheet(database, assignment, {ids[0]: 3000, ids[1]: 5000, ids[2]: 0}, source="paper", by="王芳")
    data, frozen, scored = rs.load_round(database, round_id)
    assert scored and not frozen

    def attempt(change: Callable[[RoundData], None]) -> str:
        changed = dataclasses.replace(data, criteria=[dataclasses.replace(c) for c in data.criteria])
        change(changed)
        return refused(database, lambda: rs.save_round(database, competition_id, round_id, changed)).render()

    assert attempt(lambda d: d.criteria.append(CriterionData("创新性", "", 1000))) == (
        "score sheets are in for this round: criteria can no longer be added or removed")
    assert attempt(lambda d: d.criteria.pop(0)) == (
        "score sheets are in for this round: criteria can no longer be added or removed")
    assert attempt(line(2, max_points_x100=5000)) == (
        "score sheets are in for this round: the maximum of “项目设计” must stay 60")
    assert attempt(line(3, is_bonus=False)) == (
        "score sheets are in for this round: “配套资金加分” cannot become or stop being a bonus item")
    assert attempt(setting(score_step_x100=100)) == "score sheets are in for this round: the score step must stay 0.5"
    # names, descriptions, weights, aggregation, advancement and tie-breaks may still change
    data.name = "书面评审（复核）"
    data.criteria[0] = dataclasses.replace(data.criteria[0], name="社区需求", description="新说明", weight_percent=150)
    data.criteria.reverse()
    data.aggregation, data.advance_rule, data.advance_value = Aggregation.ZSCORE, AdvanceRule.TOP_N, 1
    data.groups[0].weight_percent, data.groups[1].weight_percent = 60, 40
    data.tie_breaks = [TieBreak(None, "社区需求")]
    rs.save_round(database, competition_id, round_id, data)
    again, _f, _s = rs.load_round(database, round_id)
    assert [c.name for c in again.criteria] == ["配套资金加分", "项目设计", "社区需求"]
    assert again.criteria[2].weight_percent == 150
    assert judging.results(database, round_id).proposals  # the sheet still counts against the renamed rubric


def test_a_group_with_judges_stays(database: Database, competition_id: int) -> None:
    round_id, _assignment = _judged_round(database, competition_id)
    data, _f, _s = rs.load_round(database, round_id)
    data.groups = [dataclasses.replace(data.groups[0], weight_percent=100)]
    error = refused(database, lambda: rs.save_round(database, competition_id, round_id, data))
    assert error.render() == ("judge group “大众评审” still has 2 judges on the round's panels; put them in another "
                              "group before removing it")
    with pytest.raises(ValidationError, match="cannot be deleted"):
        rs.delete_round(database, round_id)


def test_a_frozen_round_refuses_every_change(database: Database, competition_id: int) -> None:
    round_id = rs.save_round(database, competition_id, None, round_data())
    with database.write() as s:
        round_ = s.get(Round, round_id)
        assert round_ is not None
        round_.frozen = True
    data, frozen, _scored = rs.load_round(database, round_id)
    assert frozen
    data.name = "书面评审（改）"
    before = counts(database)
    with pytest.raises(ValidationError, match="are frozen"):
        rs.save_round(database, competition_id, round_id, data)
    assert counts(database) == before
    assert rs.load_round(database, round_id)[0].name == "书面评审"


def test_a_round_without_assignments_is_deleted_with_its_panels(database: Database, competition_id: int) -> None:
    round_id = rs.save_round(database, competition_id, None, round_data(groups=[GroupData("专家评审", 100)]))
    with database.write() as s:
        judge = Judge(name="评委")
        s.add(judge)
        s.flush()
        group = s.scalars(select(JudgeGroup.id).where(JudgeGroup.round_id == round_id)).one()
        s.add(Panel(round_id=round_id, name="第一组", members=[PanelMember(judge_id=judge.id, group_id=group)]))
    rs.delete_round(database, round_id)
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(Panel)) == 0
        assert s.scalar(select(func.count()).select_from(PanelMember)) == 0
        assert s.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == "round.delete"


# --- templates ----------------------------------------------------------------------------------------------------


def test_templates_round_trip(database: Database) -> None:
    template_id = rs.save_template(database, " 社区公益创投通用 ", rubric())
    assert rs.templates(database) == [(template_id, "社区公益创投通用", 3)]
    loaded = rs.load_template(database, template_id)
    assert loaded == [dataclasses.replace(c, id=None) for c in rubric()]
    with pytest.raises(rs.TemplateExists, match="already exists"):
        rs.save_template(database, "社区公益创投通用", rubric()[:1])
    assert rs.save_template(database, "社区公益创投通用", rubric()[:1], replace=True) == template_id
    assert rs.templates(database)[0].criteria == 1
    rs.delete_template(database, template_id)
    assert rs.templates(database) == []
    with pytest.raises(ValidationError, match="no rubric template"):
        rs.load_template(database, template_id)


def test_a_template_is_checked_like_a_rubric(database: Database) -> None:
    error = refused(database, lambda: rs.save_template(database, "", [CriterionData("", "", 0)]))
    assert [p.render() for p in error.problems] == [
        "give the template a name", "rubric line 1 has no name",
        "rubric line 1: the maximum points must be more than zero"]
