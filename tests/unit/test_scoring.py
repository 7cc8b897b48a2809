"""The arithmetic of judging (psp_desktop.services.scoring), on examples small enough to redo by hand.

Every example writes its arithmetic in a comment. Unless a test says otherwise a round has one criterion worth 100
points, so a judge's total is simply the points on the sheet. Figures are published rounded half-up to the round's
decimals (DOMAIN.md: "rounded to 2 decimals"), and ranks and advancement work on the published figures.
The property tests at the end check what must hold for any sheets: order and judge labels never matter, a judge
who agrees with the mean changes nothing, and a score stays on the rubric's scale.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psp_desktop.enums import AdvanceRule, Aggregation
from psp_desktop.services.scoring import (
    CriterionSpec,
    ProposalScore,
    RoundResult,
    RoundSpec,
    Sheet,
    TieBreak,
    diagnose,
    final_ranking,
    points_text,
    round_half_up,
    score_round,
    sheet_total,
)

ONE = (CriterionSpec(1, "总分", 100_00),)  # a single criterion worth 100 points


def spec(criteria: Sequence[CriterionSpec] = ONE, **changes: object) -> RoundSpec:
    return RoundSpec(id=1, seq=1, name="书面评审", criteria=tuple(criteria), **changes)  # type: ignore[arg-type]


def x100(points: str | int) -> int:
    """Points as written ("85.5") → hundredths (8550)."""
    return int(Decimal(str(points)) * 100)


def sheets(proposal: int, totals: Iterable[str | int], *, group: int | None = None, first_judge: int = 1
           ) -> list[Sheet]:
    """Sheets on the one-criterion rubric, judges numbered from first_judge."""
    return [Sheet(judge, proposal, {1: x100(t)}, group) for judge, t in enumerate(totals, first_judge)]


def pairs(items: Iterable[Sheet]) -> list[tuple[int, int]]:
    return [(s.judge_id, s.proposal_id) for s in items]


def run(round_spec: RoundSpec, items: list[Sheet], assigned: Iterable[tuple[int, int]] = (),
        other_rounds: dict[int, RoundResult] | None = None) -> dict[int, ProposalScore]:
    return score_round(round_spec, items, [*pairs(items), *assigned], other_rounds).by_proposal()


def d(text: str) -> Decimal:
    return Decimal(text)


# --- aggregation -------------------------------------------------------------------------------------------


def test_plain_mean() -> None:
    # (80 + 86 + 92) / 3 = 258 / 3 = 86.00
    p = run(spec(), sheets(1, [80, 86, 92]))[1]
    assert p.score == d("86.00") and str(p.score) == "86.00"
    assert not p.trimmed and not any(j.dropped for j in p.judges)
    assert [j.raw for j in p.judges] == [80, 86, 92]
    assert p.rank == 1 and p.advanced and p.complete


def test_trimmed_mean_drops_one_highest_and_one_lowest_of_five() -> None:
    # 70 80 85 90 99: drop 70 (judge 1) and 99 (judge 5); (80 + 85 + 90) / 3 = 255 / 3 = 85.00
    # (the plain mean would be 424 / 5 = 84.80)
    p = run(spec(aggregation=Aggregation.TRIMMED_MEAN), sheets(1, [70, 80, 85, 90, 99]))[1]
    assert p.score == d("85.00")
    assert p.trimmed
    assert {j.judge_id for j in p.judges if j.dropped} == {1, 5}


def test_trimmed_mean_after_a_recusal_falls_back_to_the_plain_mean() -> None:
    # judge 4 (who gave 90 above) stepped aside: 4 judges < trim_min_judges 5, so nothing is dropped:
    # (70 + 80 + 85 + 99) / 4 = 334 / 4 = 83.50
    items = [s for s in sheets(1, [70, 80, 85, 90, 99]) if s.judge_id != 4]
    p = run(spec(aggregation=Aggregation.TRIMMED_MEAN, trim_min_judges=5), items)[1]
    assert p.score == d("83.50")
    assert p.trimmed is False
    assert not any(j.dropped for j in p.judges)
    assert p.missing == ()  # a recused judge is not assigned, so not missing either


def test_trim_count_two_with_seven_judges() -> None:
    # 60 70 80 82 84 95 98: drop 60, 70 and 95, 98; (80 + 82 + 84) / 3 = 246 / 3 = 82.00
    p = run(spec(aggregation=Aggregation.TRIMMED_MEAN, trim_count=2), sheets(1, [60, 70, 80, 82, 84, 95, 98]))[1]
    assert p.score == d("82.00") and p.trimmed
    assert sorted(j.raw for j in p.judges if j.dropped) == [60, 70, 95, 98]


def test_trim_count_two_needs_five_scores_whatever_trim_min_judges_says() -> None:
    # 4 scores cannot lose 2 + 2: plain mean (60 + 70 + 80 + 90) / 4 = 75.00
    p = run(spec(aggregation=Aggregation.TRIMMED_MEAN, trim_count=2, trim_min_judges=3), sheets(1, [60, 70, 80, 90]))
    assert p[1].score == d("75.00") and not p[1].trimmed


def test_zscore_normalization_by_hand_with_raw_beside() -> None:
    # Judge 1: P1 87, P2 73 → mean 80, sd √((49 + 49) / 2) = 7
    # Judge 2: P1 81, P2 79 → mean 80, sd 1
    # All four totals 87 81 79 73: mean 80, sd √((49 + 1 + 1 + 49) / 4) = √25 = 5
    # normalized = 80 + z × 5: judge 1 P1 z = +1 → 85, P2 z = −1 → 75; judge 2 P1 z = +1 → 85, P2 → 75
    # P1 = (85 + 85) / 2 = 85.00 (raw mean 84.00); P2 = (75 + 75) / 2 = 75.00 (raw mean 76.00)
    items = [Sheet(1, 1, {1: 8700}), Sheet(1, 2, {1: 7300}), Sheet(2, 1, {1: 8100}), Sheet(2, 2, {1: 7900})]
    result = run(spec(aggregation=Aggregation.ZSCORE), items)
    assert result[1].score == d("85.00") and result[2].score == d("75.00")
    by_judge = {j.judge_id: j for j in result[1].judges}
    assert by_judge[1].raw == 87 and by_judge[1].normalized == pytest.approx(85)
    assert by_judge[2].raw == 81 and by_judge[2].normalized == pytest.approx(85)
    assert [result[p].rank for p in (1, 2)] == [1, 2]


def test_zscore_judges_with_one_sheet_or_identical_totals_are_only_shifted() -> None:
    # Judge 1: P1 90, P2 70 → mean 80, sd 10.  Judge 3: P1 60 only.  Judge 4: P1 75, P2 75 (sd 0).
    # All five totals 90 70 60 75 75: mean 370 / 5 = 74; deviations 16 −4 −14 1 1,
    #   squares 256 + 16 + 196 + 1 + 1 = 470, sd = √(470 / 5) = √94 = 9.69536
    # judge 1: 74 ± 1 × 9.69536 → P1 83.69536, P2 64.30464
    # judge 3 (one sheet, says nothing about spread): 74 + (60 − 60) = 74
    # judge 4 (same total everywhere): 74 + (75 − 75) = 74 on both
    # P1 = (83.69536 + 74 + 74) / 3 = 231.69536 / 3 = 77.23179 → 77.23
    # P2 = (64.30464 + 74) / 2 = 138.30464 / 2 = 69.15232 → 69.15
    items = [Sheet(1, 1, {1: 9000}), Sheet(1, 2, {1: 7000}), Sheet(3, 1, {1: 6000}),
             Sheet(4, 1, {1: 7500}), Sheet(4, 2, {1: 7500})]
    result = run(spec(aggregation=Aggregation.ZSCORE), items)
    assert result[1].score == d("77.23") and result[2].score == d("69.15")
    p1 = {j.judge_id: j for j in result[1].judges}
    assert p1[1].normalized == pytest.approx(74 + math.sqrt(94))
    assert p1[3].normalized == pytest.approx(74) and p1[3].raw == 60
    assert p1[4].normalized == pytest.approx(74) and p1[4].raw == 75


def test_judge_groups_weighted_70_30() -> None:
    # experts (group 1): 80, 90 → 85; public (group 2): 70, 74, 78 → 222 / 3 = 74
    # 0.7 × 85 + 0.3 × 74 = 59.5 + 22.2 = 81.70
    items = sheets(1, [80, 90], group=1) + sheets(1, [70, 74, 78], group=2, first_judge=11)
    p = run(spec(group_weights={1: 70, 2: 30}), items)[1]
    assert p.group_scores == {1: d("85.00"), 2: d("74.00")}
    assert p.score == d("81.70")


def test_groups_combine_exact_means_not_rounded_ones() -> None:
    # experts 85.00, 85.01 → 85.005 (published 85.01); public 70, 71, 71 → 212 / 3 = 70.6667 (published 70.67)
    # exact: 0.7 × 85.005 + 0.3 × 70.6667 = 59.5035 + 21.2 = 80.7035 → 80.70
    # (the rounded group figures would give 0.7 × 85.01 + 0.3 × 70.67 = 59.507 + 21.201 = 80.708 → 80.71)
    items = sheets(1, ["85.00", "85.01"], group=1) + sheets(1, [70, 71, 71], group=2, first_judge=11)
    p = run(spec(group_weights={1: 70, 2: 30}), items)[1]
    assert p.group_scores == {1: d("85.01"), 2: d("70.67")}
    assert p.score == d("80.70")


def test_a_group_missing_for_a_proposal_leaves_the_whole_weight_to_the_other() -> None:
    # P2 has no public sheets (none assigned): the experts' 80, 84 → 82 carries the whole weight: 82.00
    # (never 0.7 × 82 + 0.3 × 0 = 57.40)
    items = (sheets(1, [80, 90], group=1) + sheets(1, [70, 74, 78], group=2, first_judge=11)
             + sheets(2, [80, 84], group=1))
    result = run(spec(group_weights={1: 70, 2: 30}), items)
    assert result[2].group_scores == {1: d("82.00")}
    assert result[2].score == d("82.00")
    assert result[1].score == d("81.70")


def test_trimmed_mean_is_taken_inside_each_group() -> None:
    # experts 60 80 85 90 100 → drop 60 and 100 → 255 / 3 = 85; public 70 80 (2 < 5: plain) → 75
    # 0.7 × 85 + 0.3 × 75 = 59.5 + 22.5 = 82.00
    items = sheets(1, [60, 80, 85, 90, 100], group=1) + sheets(1, [70, 80], group=2, first_judge=11)
    p = run(spec(aggregation=Aggregation.TRIMMED_MEAN, group_weights={1: 70, 2: 30}), items)[1]
    assert p.group_scores == {1: d("85.00"), 2: d("75.00")}
    assert p.score == d("82.00") and p.trimmed
    assert {j.judge_id for j in p.judges if j.dropped} == {1, 5}


# --- rubric ------------------------------------------------------------------------------------------------

RUBRIC = (CriterionSpec(1, "项目设计", 60_00), CriterionSpec(2, "可行性", 40_00),
          CriterionSpec(3, "配套资金加分", 5_00, is_bonus=True))


def test_bonus_items_push_a_total_above_100() -> None:
    # judge 1: 58 + 40 + 5 = 103; judge 2: 60 + 38 + 4 = 102; (103 + 102) / 2 = 102.50
    items = [Sheet(1, 1, {1: 5800, 2: 4000, 3: 500}), Sheet(2, 1, {1: 6000, 2: 3800, 3: 400})]
    round_spec = spec(RUBRIC)
    assert round_spec.full_marks == 100  # bonus items are not part of full marks
    assert sheet_total(round_spec, items[0].points) == 103
    assert run(round_spec, items)[1].score == d("102.50")


def test_criterion_weights() -> None:
    # 需求 (max 10) counts double, 预算 (max 10) counts half: full marks 10 × 2 + 10 × 0.5 = 25
    # judge 1: 8 × 2 + 6 × 0.5 = 16 + 3 = 19; judge 2: 7.5 × 2 + 9 × 0.5 = 15 + 4.5 = 19.5
    # score (19 + 19.5) / 2 = 19.25; criterion means (weighted): 需求 (16 + 15) / 2 = 15.5, 预算 (3 + 4.5) / 2 = 3.75
    round_spec = spec((CriterionSpec(1, "需求", 10_00, weight_percent=200),
                       CriterionSpec(2, "预算", 10_00, weight_percent=50)))
    items = [Sheet(1, 1, {1: 800, 2: 600}), Sheet(2, 1, {1: 750, 2: 900})]
    assert round_spec.full_marks == 25
    p = run(round_spec, items)[1]
    assert [j.raw for j in p.judges] == [19, Fraction(39, 2)]
    assert p.score == d("19.25")
    assert p.criterion_means == {"需求": Fraction(31, 2), "预算": Fraction(15, 4)}


# --- rounding ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("totals", "decimals", "expected"), [
    (["85.00", "85.01"], 2, "85.01"),  # 170.01 / 2 = 85.005 exactly → half up 85.01 (half-even would give 85.00)
    ([80, 80, 81], 2, "80.33"),  # 241 / 3 = 80.3333…
    ([80, 81, 81], 2, "80.67"),  # 242 / 3 = 80.6667…
    ([80, 80, "80.5"], 1, "80.2"),  # 240.5 / 3 = 80.1667 → 80.2
    (["80.25", "80.3"], 1, "80.3"),  # 160.55 / 2 = 80.275 → 80.3
    ([80, 81], 0, "81"),  # 80.5 → 81 (half up)
    (["79.5", 80, 80], 0, "80"),  # 239.5 / 3 = 79.8333 → 80
    ([80, 80, 81], 0, "80"),  # 80.3333 → 80
])
def test_rounding_half_up_to_the_rounds_decimals(totals: list[str | int], decimals: int, expected: str) -> None:
    p = run(spec(decimals=decimals), sheets(1, totals))[1]
    assert str(p.score) == expected


def test_round_half_up_on_exact_and_float_values() -> None:
    assert round_half_up(Fraction(85005, 1000), 2) == d("85.01")
    assert round_half_up(Fraction(1, 3), 2) == d("0.33")
    assert round_half_up(Fraction(2, 3), 2) == d("0.67")
    assert round_half_up(2.675, 2) == d("2.68")  # the double just below 2.675 still reads as 2.675
    assert round_half_up(Fraction(5, 2), 0) == d("3")
    assert points_text(Fraction(241, 3)) == "80.33"
    assert points_text(d("85.005"), 2) == "85.01"
    assert points_text(None) == ""


# --- ranks and tie-breaks ----------------------------------------------------------------------------------


def test_ties_share_the_rank_1_2_2_4() -> None:
    # P1 90; P2 85; P3 (85.00 + 85.01 + 85.00) / 3 = 255.01 / 3 = 85.0033 → published 85.00, tied with P2; P4 80
    items = sheets(1, [90]) + sheets(2, [85]) + sheets(3, ["85.00", "85.01", "85.00"]) + sheets(4, [80])
    result = score_round(spec(), items, pairs(items))
    assert [(p.proposal_id, p.rank) for p in result.proposals] == [(1, 1), (2, 2), (3, 2), (4, 4)]


CRITERIA = (CriterionSpec(1, "需求分析", 50_00), CriterionSpec(2, "项目设计", 50_00))


def test_tie_breaks_in_their_order() -> None:
    # all four total 80: P1 = 30 + 50, P2 = 40 + 40, P3 = 35 + 45, P4 = 40 + 40 (P2 and P4 alike)
    # first tie-break 项目设计: P1 50 > P3 45 > P2 40 = P4 40; then 需求分析: P2 40 = P4 40, still tied
    # → P1 1, P3 2, P2 3, P4 3
    items = [Sheet(1, 1, {1: 3000, 2: 5000}), Sheet(1, 2, {1: 4000, 2: 4000}),
             Sheet(1, 3, {1: 3500, 2: 4500}), Sheet(1, 4, {1: 4000, 2: 4000})]
    ties = (TieBreak(criterion="项目设计"), TieBreak(criterion="需求分析"))
    result = score_round(spec(CRITERIA, tie_breaks=ties), items, pairs(items))
    assert [(p.proposal_id, p.rank) for p in result.proposals] == [(1, 1), (3, 2), (2, 3), (4, 3)]


def test_the_round_score_comes_before_any_tie_break() -> None:
    # P1 81 (= 50 + 31) beats P2 80 (= 30 + 50) although P2 is far ahead on 项目设计
    items = [Sheet(1, 1, {1: 5000, 2: 3100}), Sheet(1, 2, {1: 3000, 2: 5000})]
    result = score_round(spec(CRITERIA, tie_breaks=(TieBreak(criterion="项目设计"),)), items, pairs(items))
    assert [(p.proposal_id, p.rank) for p in result.proposals] == [(1, 1), (2, 2)]


def test_tie_break_on_an_earlier_round() -> None:
    # round 1: P1 70, P2 75; round 2: both 88 → the round-1 score decides: P2 first
    r1 = score_round(spec(), sheets(1, [70]) + sheets(2, [75]), [])
    items = sheets(1, [88]) + sheets(2, [88])
    r2_spec = RoundSpec(2, 2, "路演答辩", ONE, tie_breaks=(TieBreak(round_seq=1),))
    r2 = score_round(r2_spec, items, pairs(items), {1: r1})
    assert [(p.proposal_id, p.rank) for p in r2.proposals] == [(2, 1), (1, 2)]
    # without the earlier round the two share the rank
    r2_alone = score_round(r2_spec, items, pairs(items))
    assert [p.rank for p in r2_alone.proposals] == [1, 1]


def test_tie_break_round_json_round_trip() -> None:
    tie = TieBreak.from_json({"round": 1, "criterion": "项目设计"})
    assert tie == TieBreak(1, "项目设计") and tie.to_json() == {"round": 1, "criterion": "项目设计"}
    assert TieBreak.from_json({}).to_json() == {}


# --- advancement -------------------------------------------------------------------------------------------


def test_top_n_keeps_everyone_tied_at_the_boundary() -> None:
    # 90, 85, 85, 80 with top 2: ranks 1, 2, 2, 4 → P1, P2 and P3 advance (3 proposals for 2 places)
    items = sheets(1, [90]) + sheets(2, [85]) + sheets(3, [85]) + sheets(4, [80])
    result = run(spec(advance_rule=AdvanceRule.TOP_N, advance_value=2), items)
    assert {p for p, r in result.items() if r.advanced} == {1, 2, 3}
    result = run(spec(advance_rule=AdvanceRule.TOP_N, advance_value=3), items)
    assert {p for p, r in result.items() if r.advanced} == {1, 2, 3}  # rank 4 stays out
    result = run(spec(advance_rule=AdvanceRule.TOP_N, advance_value=1), items)
    assert {p for p, r in result.items() if r.advanced} == {1}


def test_threshold_on_published_figures() -> None:
    # threshold 85.00 (8500 in hundredths): P1 90 in, P2 85 in (equal counts), P3 80 out,
    # P4 (84.99 + 85.00) / 2 = 84.995 → published 85.00 → in
    items = sheets(1, [90]) + sheets(2, [85]) + sheets(3, [80]) + sheets(4, ["84.99", "85.00"])
    result = run(spec(advance_rule=AdvanceRule.THRESHOLD, advance_value=8500), items)
    assert result[4].score == d("85.00")
    assert {p for p, r in result.items() if r.advanced} == {1, 2, 4}


def test_missing_sheets_are_listed_and_never_counted_as_zero() -> None:
    # P1: judges 1 and 2 in (80, 90), judge 3 assigned but not in → (80 + 90) / 2 = 85.00, not 170 / 3 = 56.67
    # P2: assigned to judge 1 only, nothing in → no score, no rank, listed after the scored ones
    items = sheets(1, [80, 90])
    result = score_round(spec(advance_rule=AdvanceRule.TOP_N, advance_value=5), items, [(3, 1), (1, 2)])
    by_id = result.by_proposal()
    assert by_id[1].score == d("85.00") and by_id[1].missing == (3,) and not by_id[1].complete
    assert by_id[2].score is None and by_id[2].rank is None and not by_id[2].advanced
    assert by_id[2].missing == (1,) and by_id[2].judges == ()
    assert [p.proposal_id for p in result.proposals] == [1, 2]


# --- across rounds -----------------------------------------------------------------------------------------


def two_rounds() -> tuple[RoundResult, RoundResult]:
    # round 1 (40 %, top 2): P1 80, P2 90, P3 70, P4 60 → P2, P1 advance
    # round 2 (60 %): P1 95, P2 85
    r1_spec = RoundSpec(1, 1, "书面评审", ONE, weight_percent=40, advance_rule=AdvanceRule.TOP_N, advance_value=2)
    r1_items = sheets(1, [80]) + sheets(2, [90]) + sheets(3, [70]) + sheets(4, [60])
    r1 = score_round(r1_spec, r1_items, pairs(r1_items))
    r2_items = sheets(1, [95]) + sheets(2, [85])
    r2 = score_round(RoundSpec(2, 2, "路演答辩", ONE, weight_percent=60), r2_items, pairs(r2_items))
    return r1, r2


def test_weighted_rounds_40_60_and_those_who_left_early() -> None:
    # P1: 0.4 × 80 + 0.6 × 95 = 32 + 57 = 89.00; P2: 0.4 × 90 + 0.6 × 85 = 36 + 51 = 87.00
    # P3 and P4 stopped after round 1: listed after the finalists, unranked, by how far they went then their score
    r1, r2 = two_rounds()
    assert {p for p, r in r1.by_proposal().items() if r.advanced} == {1, 2}
    finals = final_ranking([r1, r2])
    assert [(f.proposal_id, f.score, f.rank) for f in finals] == [
        (1, d("89.00"), 1), (2, d("87.00"), 2), (3, None, None), (4, None, None)]
    assert finals[0].round_scores == {1: d("80.00"), 2: d("95.00")}
    assert finals[2].reached == 1 and finals[2].round_scores == {1: d("70.00")}


def test_weighted_rounds_use_published_round_figures() -> None:
    # round 1: (80 + 80 + 81) / 3 = 80.3333 → 80.33; round 2: (85 + 86 + 86) / 3 = 85.6667 → 85.67
    # 0.4 × 80.33 + 0.6 × 85.67 = 32.132 + 51.402 = 83.534 → 83.53
    # (the exact figures would give 0.4 × 80.3333 + 0.6 × 85.6667 = 32.1333 + 51.4 = 83.5333 → 83.53 as well,
    #  but anyone redoing it from the published list must get the same)
    r1 = score_round(RoundSpec(1, 1, "a", ONE, weight_percent=40), sheets(1, [80, 80, 81]), [])
    r2 = score_round(RoundSpec(2, 2, "b", ONE, weight_percent=60), sheets(1, [85, 86, 86]), [])
    assert final_ranking([r1, r2])[0].score == d("83.53")
    # 0.4 × 80.33 + 0.6 × 85.67 at 1 decimal: 83.534 → 83.5
    assert final_ranking([r1, r2], decimals=1)[0].score == d("83.5")


def test_final_ties_broken_by_the_last_round_then_its_criterion() -> None:
    #            round 1 (40 %)        round 2 (60 %)        final
    #   P1   需求 45 + 设计 40 = 85   需求 45 + 设计 40 = 85   0.4 × 85 + 0.6 × 85 = 34 + 51 = 85.00
    #   P2   需求 40 + 设计 40 = 80   需求 45 + 设计 45 = 90   0.4 × 80 + 0.6 × 90 = 32 + 54 = 86.00
    #   P3   需求 40 + 设计 45 = 85   需求 40 + 设计 45 = 85   85.00, tied with P1
    r1_items = [Sheet(1, 1, {1: 4500, 2: 4000}), Sheet(1, 2, {1: 4000, 2: 4000}), Sheet(1, 3, {1: 4000, 2: 4500})]
    r2_items = [Sheet(1, 1, {1: 4500, 2: 4000}), Sheet(1, 2, {1: 4500, 2: 4500}), Sheet(1, 3, {1: 4000, 2: 4500})]
    r1 = score_round(RoundSpec(1, 1, "a", CRITERIA, weight_percent=40), r1_items, pairs(r1_items))
    r2 = score_round(RoundSpec(2, 2, "b", CRITERIA, weight_percent=60), r2_items, pairs(r2_items))
    assert [(f.proposal_id, f.score, f.rank) for f in final_ranking([r1, r2])] == [
        (2, d("86.00"), 1), (1, d("85.00"), 2), (3, d("85.00"), 2)]
    # the last round's tie-break on 项目设计 (P3 45 > P1 40) separates them
    ranked = final_ranking([r1, r2], tie_breaks=(TieBreak(criterion="项目设计"),))
    assert [(f.proposal_id, f.rank) for f in ranked] == [(2, 1), (3, 2), (1, 3)]
    # a tie-break on round 1's 需求分析 (P1 45 > P3 40) turns it round
    ranked = final_ranking([r1, r2], tie_breaks=(TieBreak(round_seq=1, criterion="需求分析"),))
    assert [(f.proposal_id, f.rank) for f in ranked] == [(2, 1), (1, 2), (3, 3)]


# --- diagnostics -------------------------------------------------------------------------------------------


def test_diagnostics_flag_lenient_and_severe_judges_spread_outliers_and_missing() -> None:
    #        J1  J2  J3  J4
    #   P1   70  72  82  71
    #   P2   62  62  75  90
    #   P3   72  78  90  79
    # a judge's deviation on a proposal = own total − mean of the other judges there:
    #   J1: 70 − 225/3 = −5;     62 − 227/3 = −13.667;  72 − 247/3 = −10.333  → mean −29/3 = −9.67 (< −8: severe)
    #   J2: 72 − 223/3 = −2.333; 62 − 227/3 = −13.667;  78 − 241/3 = −2.333   → mean −55/9 = −6.11 (not flagged)
    #   J3: 82 − 213/3 = 11;     75 − 214/3 = 3.667;    90 − 229/3 = 13.667   → mean 85/9 = 9.44 (> 8: lenient)
    #   J4: 71 − 224/3 = −3.667; 90 − 199/3 = 23.667;   79 − 240/3 = −1       → mean 19/3 = 6.33 (not flagged)
    # the flags are 8 % of full marks (100) for leniency, 20 % for spread and 15 % for an outlier:
    #   spread P1 82 − 70 = 12, P2 90 − 62 = 28 (flagged), P3 90 − 72 = 18
    #   outliers: only J4 on P2 (23.667 > 15; the next largest is J1/J2 on P2, 13.667)
    # judge 5 was given P1 and P3 and has sent nothing: both pairs are missing
    table = {1: [70, 72, 82, 71], 2: [62, 62, 75, 90], 3: [72, 78, 90, 79]}
    items = [s for p, totals in table.items() for s in sheets(p, totals)]
    result = score_round(spec(), items, [*pairs(items), (5, 1), (5, 3)])
    diagnostics = diagnose(result)
    judges = {j.judge_id: j for j in diagnostics.judges}
    assert judges[1].leniency == Fraction(-29, 3) and judges[1].flagged
    assert judges[3].leniency == Fraction(85, 9) and judges[3].flagged
    assert judges[2].leniency == Fraction(-55, 9) and not judges[2].flagged
    assert judges[4].leniency == Fraction(19, 3) and not judges[4].flagged
    assert judges[1].sheets == 3 and judges[1].mean == Fraction(204, 3)
    assert 5 not in judges
    spreads = {p.proposal_id: (p.spread, p.flagged) for p in diagnostics.proposals}
    assert spreads == {1: (12, False), 2: (28, True), 3: (18, False)}
    assert [(o.judge_id, o.proposal_id, o.others_mean) for o in diagnostics.outliers] == [(4, 2, Fraction(199, 3))]
    assert diagnostics.missing == ((5, 1), (5, 3))


# --- properties --------------------------------------------------------------------------------------------


@st.composite
def rounds(draw: st.DrawFn, aggregations: Sequence[Aggregation] = tuple(Aggregation)
           ) -> tuple[RoundSpec, list[Sheet], list[tuple[int, int]]]:
    """A random round: 1–3 criteria (perhaps a bonus, perhaps weights), 1–7 judges in up to two groups, 1–5
    proposals; each judge–proposal pair is not assigned, assigned and not in, or scored."""
    n_criteria = draw(st.integers(1, 3))
    criteria = tuple(CriterionSpec(c, f"C{c}", draw(st.integers(1, 40)) * 50, draw(st.sampled_from((50, 100, 150))),
                                   is_bonus=c == 3 and draw(st.booleans())) for c in range(1, n_criteria + 1))
    grouped = draw(st.booleans())
    weight = draw(st.integers(1, 99))
    judges = draw(st.integers(1, 7))
    group_of = {j: (draw(st.sampled_from((1, 2))) if grouped else None) for j in range(1, judges + 1)}
    round_spec = RoundSpec(
        1, 1, "r", criteria, draw(st.sampled_from(aggregations)),
        {1: weight, 2: 100 - weight} if grouped else {None: 100},
        trim_count=draw(st.integers(1, 2)), trim_min_judges=draw(st.integers(3, 5)), decimals=draw(st.integers(0, 2)),
        advance_rule=draw(st.sampled_from(tuple(AdvanceRule))), advance_value=draw(st.integers(1, 4)),
        tie_breaks=(TieBreak(criterion="C1"),) if draw(st.booleans()) else ())
    if round_spec.advance_rule == AdvanceRule.THRESHOLD:
        round_spec = RoundSpec(**{**round_spec.__dict__, "advance_value": draw(st.integers(0, 100)) * 100})
    items, assigned = [], []
    for proposal in range(1, draw(st.integers(1, 5)) + 1):
        for judge in range(1, judges + 1):
            kind = draw(st.sampled_from(("none", "assigned", "scored", "scored")))
            if kind == "assigned":
                assigned.append((judge, proposal))
            elif kind == "scored":
                points = {c.id: draw(st.integers(0, c.max_x100)) for c in criteria}
                items.append(Sheet(judge, proposal, points, group_of[judge]))
    return round_spec, items, assigned


def outcome(result: RoundResult) -> dict[int, tuple[Decimal | None, int | None, bool, tuple[int, ...]]]:
    return {p.proposal_id: (p.score, p.rank, p.advanced, p.missing) for p in result.proposals}


@settings(max_examples=300, deadline=None)
@given(rounds(), st.randoms(use_true_random=False))
def test_the_order_of_sheets_never_matters(data: tuple[RoundSpec, list[Sheet], list[tuple[int, int]]],
                                           rnd: random.Random) -> None:
    round_spec, items, assigned = data
    expected = outcome(score_round(round_spec, items, assigned))
    shuffled, shuffled_pairs = items[:], assigned[:]
    rnd.shuffle(shuffled)
    rnd.shuffle(shuffled_pairs)
    assert outcome(score_round(round_spec, shuffled, shuffled_pairs)) == expected


@settings(max_examples=300, deadline=None)
@given(rounds(), st.randoms(use_true_random=False))
def test_judge_labels_never_matter(data: tuple[RoundSpec, list[Sheet], list[tuple[int, int]]],
                                   rnd: random.Random) -> None:
    round_spec, items, assigned = data
    expected = outcome(score_round(round_spec, items, assigned))
    labels = rnd.sample(range(1, 1000), 7)
    relabel = {j: labels[j - 1] for j in range(1, 8)}
    moved = [Sheet(relabel[s.judge_id], s.proposal_id, s.points, s.group_id) for s in items]
    moved_pairs = [(relabel[j], p) for j, p in assigned]
    rnd.shuffle(moved)
    result = outcome(score_round(round_spec, moved, moved_pairs))
    # missing judges carry their new labels; everything else is the same
    assert {p: v[:3] for p, v in result.items()} == {p: v[:3] for p, v in expected.items()}
    assert {p: sorted(v[3]) for p, v in result.items()} == {p: sorted(relabel[j] for j in v[3])
                                                            for p, v in expected.items()}


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_judge_who_gives_the_mean_changes_no_plain_mean(data: st.DataObject) -> None:
    """A new judge whose sheet on each proposal is, criterion by criterion, the mean of the sheets already in."""
    criteria = tuple(CriterionSpec(c, f"C{c}", data.draw(st.integers(10, 40)) * 50,
                                   data.draw(st.sampled_from((50, 100, 200)))) for c in (1, 2))
    round_spec = spec(criteria, decimals=data.draw(st.integers(0, 2)))
    items: list[Sheet] = []
    mean_sheets: list[Sheet] = []
    for proposal in range(1, data.draw(st.integers(1, 4)) + 1):
        n = data.draw(st.integers(1, 6))
        rows = [{c.id: data.draw(st.integers(0, c.max_x100)) for c in criteria} for _ in range(n - 1)]
        # the last judge makes every criterion's sum divisible by n, so the mean is on the hundredths grid
        last = {}
        for c in criteria:
            residue = -sum(r[c.id] for r in rows) % n
            raw = data.draw(st.integers(0, c.max_x100))
            last[c.id] = residue + max(0, raw - residue) // n * n
        rows.append(last)
        items += [Sheet(j, proposal, r) for j, r in enumerate(rows, 1)]
        mean_sheets.append(Sheet(99, proposal, {c.id: sum(r[c.id] for r in rows) // n for c in criteria}))
    before = score_round(round_spec, items, [])
    after = score_round(round_spec, items + mean_sheets, [])
    assert {p.proposal_id: p.score for p in after.proposals} == {p.proposal_id: p.score for p in before.proposals}


@settings(max_examples=400, deadline=None)
@given(rounds())
def test_scores_stay_between_zero_and_full_marks_plus_bonus(
        data: tuple[RoundSpec, list[Sheet], list[tuple[int, int]]]) -> None:
    round_spec, items, assigned = data
    top = round_half_up(sum((Fraction(c.max_x100 * c.weight_percent, 100_00) for c in round_spec.criteria),
                            Fraction(0)), round_spec.decimals)
    for p in score_round(round_spec, items, assigned).proposals:
        if p.score is not None:
            assert 0 <= p.score <= top
            assert all(0 <= v <= top for v in p.group_scores.values())
