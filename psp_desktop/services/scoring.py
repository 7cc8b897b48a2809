"""How a round's score sheets become scores, ranks and diagnostics: plain arithmetic over plain data.

No database here, so every rule can be checked by hand. Points arrive in hundredths (8.5 → 850) and are kept as
exact fractions; only z-score normalization needs square roots, and it sums with `math.fsum`, which is exactly
rounded, so the order of judges or sheets never changes a result. A score is rounded half-up to the round's decimals
once, when published, and everything later (weighted rounds, ranks, advancement) works on published figures so that
anyone can redo it from the public list.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property
from itertools import repeat
from operator import mul
from typing import Any

from ..enums import AdvanceRule, Aggregation

# diagnostics: shares of the round's full marks beyond which a figure is flagged for a second look
LENIENCY_FLAG = Fraction(8, 100)
SPREAD_FLAG = Fraction(20, 100)
OUTLIER_FLAG = Fraction(15, 100)

Number = Fraction | float


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    name: str
    max_x100: int
    weight_percent: int = 100
    is_bonus: bool = False


@dataclass(frozen=True)
class TieBreak:
    """Compare tied proposals on a round's score (criterion empty) or on one criterion's mean points."""

    round_seq: int | None = None
    criterion: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TieBreak:
        return cls(data.get("round"), str(data.get("criterion", "")))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.round_seq is not None:
            data["round"] = self.round_seq
        if self.criterion:
            data["criterion"] = self.criterion
        return data


@dataclass(frozen=True)
class RoundSpec:
    id: int
    seq: int
    name: str
    criteria: tuple[CriterionSpec, ...]
    aggregation: Aggregation = Aggregation.MEAN
    group_weights: Mapping[int | None, int] = field(default_factory=lambda: {None: 100})
    trim_count: int = 1
    trim_min_judges: int = 5
    decimals: int = 2
    weight_percent: int = 100
    advance_rule: AdvanceRule = AdvanceRule.ALL
    advance_value: int | None = None
    tie_breaks: tuple[TieBreak, ...] = ()

    @property
    def full_marks(self) -> Fraction:
        """Full marks without bonus items (bonus may push a total above this)."""
        return sum((_weighted(c, c.max_x100) for c in self.criteria if not c.is_bonus), Fraction(0))


@dataclass(frozen=True)
class Sheet:
    """A submitted sheet: the judge's points per criterion id, in hundredths."""

    judge_id: int
    proposal_id: int
    points: Mapping[int, int]
    group_id: int | None = None


@dataclass(frozen=True)
class JudgeScore:
    judge_id: int
    group_id: int | None
    raw: Fraction
    normalized: Number | None = None  # z-score rounds only
    dropped: bool = False  # trimmed away as a highest or lowest score


@dataclass(frozen=True)
class ProposalScore:
    proposal_id: int
    score: Decimal | None  # published, rounded; None while no sheet is in
    group_scores: Mapping[int | None, Decimal]
    judges: tuple[JudgeScore, ...]
    missing: tuple[int, ...]  # judges assigned whose sheet is not in
    trimmed: bool  # highest and lowest dropped (False: too few judges, plain mean used)
    criterion_means: Mapping[str, Fraction]
    rank: int | None = None
    advanced: bool = False

    @property
    def complete(self) -> bool:
        return not self.missing and self.score is not None


@dataclass(frozen=True)
class JudgeDiagnostic:
    judge_id: int
    sheets: int
    mean: Fraction | None
    leniency: Fraction | None  # mean of (own total − the other judges' mean) on the same proposals
    flagged: bool


@dataclass(frozen=True)
class ProposalDiagnostic:
    proposal_id: int
    sheets: int
    std_dev: float | None
    spread: Fraction | None  # highest − lowest
    flagged: bool


@dataclass(frozen=True)
class Outlier:
    judge_id: int
    proposal_id: int
    raw: Fraction
    others_mean: Fraction


@dataclass(frozen=True)
class Diagnostics:
    judges: tuple[JudgeDiagnostic, ...]
    proposals: tuple[ProposalDiagnostic, ...]
    outliers: tuple[Outlier, ...]
    missing: tuple[tuple[int, int], ...]  # (judge, proposal) sheets not in


@dataclass(frozen=True)
class RoundResult:
    spec: RoundSpec
    proposals: tuple[ProposalScore, ...]  # in rank order, unscored last

    def by_proposal(self) -> dict[int, ProposalScore]:
        return dict(self._by_proposal)

    @cached_property
    def _by_proposal(self) -> dict[int, ProposalScore]:  # made once: tie-breaks on other rounds look up every row
        return {p.proposal_id: p for p in self.proposals}


# --- sheets ------------------------------------------------------------------------------------------------------


def _weighted(criterion: CriterionSpec, points_x100: int) -> Fraction:
    return Fraction(points_x100 * criterion.weight_percent, 100 * 100)


def sheet_total(spec: RoundSpec, points: Mapping[int, int]) -> Fraction:
    """A judge's total in points: each criterion's points times its weight, bonus items added (the same sum as
    score_round's, in integers with one fraction at the end)."""
    return Fraction(sum(points.get(c.id, 0) * c.weight_percent for c in spec.criteria), 100 * 100)


def round_half_up(value: Number, decimals: int) -> Decimal:
    exact = Fraction(value) if isinstance(value, Fraction) else Fraction(Decimal(repr(round(value, 9))))
    quantum = Decimal(1).scaleb(-decimals)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


# --- aggregation -------------------------------------------------------------------------------------------------


def _mean(values: Sequence[Number]) -> Number:
    if all(isinstance(v, Fraction) for v in values):
        # over a common denominator: one fraction instead of one per addition
        common = math.lcm(*[v.denominator for v in values])
        return Fraction(sum([v.numerator * (common // v.denominator) for v in values]), common * len(values))
    return math.fsum(float(v) for v in values) / len(values)


def _normalizers(spec: RoundSpec, totals: dict[tuple[int, int], Fraction],
                 groups: Mapping[int, int | None]) -> dict[tuple[int, int], float]:
    """z-score per judge over all their sheets in the round, put back on the points scale of the judge's group:
    normalized = group mean + z × group standard deviation. A judge with one sheet, or the same total on every
    sheet, says nothing about spread: their totals are only shifted by the difference of means. A normalized total
    is kept within the rubric's scale (0 … full marks + bonus): a published score off the scale explains nothing."""
    top = float(sum((_weighted(c, c.max_x100) for c in spec.criteria), Fraction(0)))
    by_judge: dict[int, list[float]] = defaultdict(list)
    by_group: dict[int | None, list[float]] = defaultdict(list)
    for (judge, _proposal), total in totals.items():
        by_judge[judge].append(float(total))
        by_group[groups[judge]].append(float(total))
    stats = {key: _mean_sd(values) for key, values in by_judge.items()}
    group_stats = {key: _mean_sd(values) for key, values in by_group.items()}
    normalized = {}
    for (judge, proposal), total in totals.items():
        mean, sd = stats[judge]
        g_mean, g_sd = group_stats[groups[judge]]
        z = (float(total) - mean) / sd if sd > 0 else 0.0
        value = g_mean + z * g_sd if sd > 0 else g_mean + float(total) - mean
        normalized[judge, proposal] = min(max(value, 0.0), top)
    return normalized


def _mean_sd(values: list[float]) -> tuple[float, float]:
    mean = math.fsum(values) / len(values)
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))


def _trim(spec: RoundSpec, scores: list[JudgeScore]) -> tuple[list[JudgeScore], bool]:
    """Drop trim_count highest and lowest when at least trim_min_judges scored; otherwise keep all (plain mean)."""
    if spec.aggregation != Aggregation.TRIMMED_MEAN or spec.trim_count <= 0:
        return scores, False
    if len(scores) < max(spec.trim_min_judges, 2 * spec.trim_count + 1):
        return scores, False
    ordered = sorted(scores, key=lambda s: (_value(s), s.judge_id))
    dropped = {s.judge_id for s in ordered[:spec.trim_count] + ordered[-spec.trim_count:]}
    return [JudgeScore(s.judge_id, s.group_id, s.raw, s.normalized, s.judge_id in dropped) for s in scores], True


def _value(score: JudgeScore) -> Number:
    return score.raw if score.normalized is None else score.normalized


def _criterion_means(spec: RoundSpec, vectors: Sequence[Sequence[int]],
                     fraction: Callable[[int, int], Fraction] = Fraction) -> dict[str, Fraction]:
    """Mean weighted points per criterion; `vectors` are the sheets' points in the order of spec.criteria."""
    if not vectors:
        return {}
    sums = map(sum, zip(*vectors, strict=True))
    return {c.name: fraction(total * c.weight_percent, 100 * 100 * len(vectors))
            for c, total in zip(spec.criteria, sums, strict=True)}


def _fraction_maker() -> Callable[[int, int], Fraction]:
    """Fraction(n, d), made once per distinct value: a round repeats the same totals and means thousands of times,
    and making a Fraction costs far more than finding it again."""
    made: dict[tuple[int, int], Fraction] = {}

    def fraction(numerator: int, denominator: int) -> Fraction:
        found = made.get((numerator, denominator))
        if found is None:
            found = made[numerator, denominator] = Fraction(numerator, denominator)
        return found

    return fraction


def score_round(spec: RoundSpec, sheets: Iterable[Sheet], assigned: Iterable[tuple[int, int]],
                other_rounds: Mapping[int, RoundResult] | None = None) -> RoundResult:
    """Scores and ranks one round. `assigned` holds (judge, proposal) pairs: every proposal there is listed, and a
    pair without a sheet is reported missing, never counted as zero. `other_rounds` (by seq) feed tie-breaks."""
    fraction = _fraction_maker()
    entries = _entries(spec, list(sheets), fraction)
    normalized: dict[tuple[int, int], float] = {}
    if spec.aggregation == Aggregation.ZSCORE and entries:
        normalized = _normalizers(spec, {(s.judge_id, s.proposal_id): total for s, _v, total in entries},
                                  {s.judge_id: s.group_id for s, _v, _t in entries})
    by_proposal: dict[int, list[_Entry]] = defaultdict(list)
    for entry in entries:
        by_proposal[entry[0].proposal_id].append(entry)
    waiting: dict[int, set[int]] = defaultdict(set)  # proposal → judges assigned
    for judge, proposal in assigned:
        waiting[proposal].add(judge)
    scored = []
    for proposal in sorted(by_proposal.keys() | waiting.keys()):
        rows = by_proposal.get(proposal, [])
        missing = sorted(waiting.get(proposal, set()) - {s.judge_id for s, _v, _t in rows})
        scored.append(_score_proposal(spec, proposal, rows, normalized, missing, fraction))
    return RoundResult(spec, _ranked(spec, scored, other_rounds or {}))


_Entry = tuple[Sheet, list[int], Fraction]  # a sheet, its points in rubric order, its total


def _entries(spec: RoundSpec, sheets: list[Sheet], fraction: Callable[[int, int], Fraction]) -> list[_Entry]:
    """Each sheet's points in rubric order and its total: integer sums in C, one fraction per distinct total
    (this runs for every sheet of a round)."""
    ids, weights = [c.id for c in spec.criteria], [c.weight_percent for c in spec.criteria]
    vectors = [list(map(s.points.get, ids, repeat(0))) for s in sheets]
    if len(set(weights)) == 1:  # the usual rubric: no weights to multiply criterion by criterion
        totals = [fraction(sum(vector) * weights[0], 100 * 100) for vector in vectors]
    else:
        totals = [fraction(sum(map(mul, vector, weights)), 100 * 100) for vector in vectors]
    return list(zip(sheets, vectors, totals, strict=True))


def _score_proposal(spec: RoundSpec, proposal: int, rows: list[_Entry], normalized: dict[tuple[int, int], float],
                    missing: list[int], fraction: Callable[[int, int], Fraction]) -> ProposalScore:
    judges: list[JudgeScore] = []
    group_scores: dict[int | None, Decimal] = {}
    exact_groups: dict[int | None, Number] = {}
    trimmed_any = False
    ordered = sorted(rows, key=lambda row: row[0].judge_id)
    group_ids = sorted({s.group_id for s, _v, _t in rows}, key=lambda g: (g is not None, g or 0))
    for group in group_ids:
        members = ordered if len(group_ids) == 1 else [row for row in ordered if row[0].group_id == group]
        scores = [JudgeScore(s.judge_id, group, total, normalized.get((s.judge_id, proposal)) if normalized else None)
                  for s, _v, total in members]
        scores, trimmed = _trim(spec, scores)
        trimmed_any |= trimmed
        exact_groups[group] = _mean([s.raw if s.normalized is None else s.normalized for s in scores if not s.dropped])
        group_scores[group] = round_half_up(exact_groups[group], spec.decimals)
        judges += scores
    score = None
    if exact_groups:
        weights = {g: spec.group_weights.get(g, 0) for g in exact_groups}
        weight_sum = sum(weights.values())
        if len(exact_groups) == 1 and weight_sum:
            score = next(iter(group_scores.values()))  # one group takes the whole weight: its own figure
        elif weight_sum:
            combined = _combine(exact_groups, weights, weight_sum)
            score = round_half_up(combined, spec.decimals)
    return ProposalScore(proposal, score, group_scores, tuple(judges), tuple(missing), trimmed_any,
                         _criterion_means(spec, [vector for _s, vector, _t in rows], fraction))


def _combine(values: Mapping[int | None, Number], weights: Mapping[int | None, int], weight_sum: int) -> Number:
    """Weighted groups; a group with no sheet for this proposal leaves the others' weights to share the whole."""
    if all(isinstance(v, Fraction) for v in values.values()):
        return sum((Fraction(weights[g]) * v for g, v in values.items()), Fraction(0)) / weight_sum
    return math.fsum(weights[g] * float(v) for g, v in values.items()) / weight_sum


# --- ranking -----------------------------------------------------------------------------------------------------


def _tie_value(result: ProposalScore, tie: TieBreak, spec: RoundSpec,
               others: Mapping[int, RoundResult]) -> Number | Decimal:
    source = result
    if tie.round_seq is not None and tie.round_seq != spec.seq:
        other = others.get(tie.round_seq)
        found = other._by_proposal.get(result.proposal_id) if other else None
        if found is None:
            return Fraction(-1)
        source = found
    if tie.criterion:
        return source.criterion_means.get(tie.criterion, Fraction(-1))
    return source.score if source.score is not None else Fraction(-1)


def rank_key(result: ProposalScore, spec: RoundSpec,
             others: Mapping[int, RoundResult]) -> tuple[Number | Decimal, ...]:
    """Published figures compare as they are (Decimal, exact); criterion means are fractions."""
    return (result.score if result.score is not None else Fraction(-1),
            *(_tie_value(result, tie, spec, others) for tie in spec.tie_breaks))


def _ranked(spec: RoundSpec, scored: list[ProposalScore],
            others: Mapping[int, RoundResult]) -> tuple[ProposalScore, ...]:
    """Highest first; tie-breaks in their order; proposals equal on every key share a rank (1, 2, 2, 4)."""
    with_score = [p for p in scored if p.score is not None]
    keys = {p.proposal_id: rank_key(p, spec, others) for p in with_score}
    with_score.sort(key=lambda p: p.proposal_id)
    with_score.sort(key=lambda p: keys[p.proposal_id], reverse=True)  # stable: equal keys stay by id
    ranks = shared_ranks([keys[p.proposal_id] for p in with_score])
    advanced = _advancing(spec, with_score, ranks)
    ranked = [_with_rank(p, rank, p.proposal_id in advanced) for p, rank in zip(with_score, ranks, strict=True)]
    unscored = sorted((p for p in scored if p.score is None), key=lambda p: p.proposal_id)
    return tuple(ranked + unscored)


def shared_ranks(keys: Sequence[tuple[Number | Decimal, ...]]) -> list[int]:
    """Competition ranking over keys sorted best first: equal keys share the better rank."""
    ranks: list[int] = []
    for index, key in enumerate(keys):
        ranks.append(ranks[-1] if index and keys[index - 1] == key else index + 1)
    return ranks


def _with_rank(p: ProposalScore, rank: int | None, advanced: bool) -> ProposalScore:
    return ProposalScore(p.proposal_id, p.score, p.group_scores, p.judges, p.missing, p.trimmed,
                         p.criterion_means, rank, advanced)


def _advancing(spec: RoundSpec, ranked: list[ProposalScore], ranks: list[int]) -> set[int]:
    """Top N keeps everyone sharing the Nth rank; a threshold is in published points (value in hundredths)."""
    if spec.advance_rule == AdvanceRule.TOP_N and spec.advance_value is not None:
        return {p.proposal_id for p, r in zip(ranked, ranks, strict=True) if r <= spec.advance_value}
    if spec.advance_rule == AdvanceRule.THRESHOLD and spec.advance_value is not None:
        limit = Decimal(spec.advance_value) / 100
        return {p.proposal_id for p in ranked if p.score is not None and p.score >= limit}
    return {p.proposal_id for p in ranked}


# --- across rounds -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinalScore:
    proposal_id: int
    score: Decimal | None  # None: did not take part in every weighted round
    round_scores: Mapping[int, Decimal]  # round seq → published round score
    rank: int | None
    reached: int  # seq of the last round with a score


def final_ranking(results: Sequence[RoundResult], decimals: int = 2,
                  tie_breaks: Sequence[TieBreak] = ()) -> list[FinalScore]:
    """Weighted rounds over published round scores. Proposals that left after an earlier round follow the finalists,
    unranked, ordered by how far they went and then by their last score."""
    weighted = [r for r in results if r.spec.weight_percent > 0]
    by_round = {r.spec.seq: r.by_proposal() for r in results}
    everyone = sorted({p for r in results for p in by_round[r.spec.seq]})
    finals: list[FinalScore] = []
    for proposal in everyone:
        scores = {seq: rows[proposal].score for seq, rows in by_round.items()
                  if proposal in rows and rows[proposal].score is not None}
        complete = weighted and all(r.spec.seq in scores for r in weighted)
        total = None
        if complete:
            exact = sum((Fraction(scores[r.spec.seq]) * r.spec.weight_percent for r in weighted), Fraction(0)) / 100
            total = round_half_up(exact, decimals)
        finals.append(FinalScore(proposal, total, {k: v for k, v in scores.items() if v is not None},  # type: ignore[misc]
                                 None, max(scores, default=0)))
    return _rank_finals(finals, results, tie_breaks)


def _rank_finals(finals: list[FinalScore], results: Sequence[RoundResult],
                 tie_breaks: Sequence[TieBreak]) -> list[FinalScore]:
    last = results[-1] if results else None
    others = {r.spec.seq: r for r in results}
    spec = RoundSpec(0, 0, "", (), tie_breaks=tuple(tie_breaks)) if last is None else RoundSpec(
        0, 0, "", last.spec.criteria, tie_breaks=tuple(tie_breaks))

    last_rows = last.by_proposal() if last else {}

    def key(f: FinalScore) -> tuple[Number | Decimal, ...]:
        # a tie-break naming no round compares criteria of the last round (the final's tie-breaks are its)
        found = last_rows.get(f.proposal_id)
        stand_in = ProposalScore(f.proposal_id, f.score, {}, (), (), False, found.criterion_means if found else {})
        return rank_key(stand_in, spec, others)

    ranked = sorted((f for f in finals if f.score is not None),
                    key=lambda f: (tuple(-k for k in key(f)), f.proposal_id))
    ranks = shared_ranks([key(f) for f in ranked])
    rest = sorted((f for f in finals if f.score is None),
                  key=lambda f: (-f.reached, -(Fraction(f.round_scores[f.reached]) if f.reached else 0), f.proposal_id))
    return [FinalScore(f.proposal_id, f.score, f.round_scores, r, f.reached)
            for f, r in zip(ranked, ranks, strict=True)] + rest


# --- diagnostics -------------------------------------------------------------------------------------------------


def diagnose(result: RoundResult) -> Diagnostics:
    """Lenient and severe judges, proposals the judges disagree on, outlying scores, sheets still missing.

    Exact, but in integers: each proposal's totals over a common denominator D, so a judge's deviation from the
    others' mean, raw − (S − raw) / (n − 1), is (n·raw − S) / ((n − 1)·D) and costs no fraction arithmetic."""
    full = result.spec.full_marks or Fraction(100)
    outlier, spread_limit, fraction = OUTLIER_FLAG * full, SPREAD_FLAG * full, _fraction_maker()
    deviations: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # judge → denominator → sum
    own: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # judge → [sheets, deviations]
    outliers, proposals = [], []
    for p in sorted((p for p in result.proposals if p.judges), key=lambda p: p.proposal_id):
        raws = {j.judge_id: j.raw for j in p.judges}  # a judge counted once per proposal
        common = math.lcm(*(raw.denominator for raw in raws.values()))
        ints = {judge: raw.numerator * (common // raw.denominator) for judge, raw in raws.items()}
        n, total = len(ints), sum(ints.values())
        for judge, value in ints.items():
            own[judge][common] += value
            counts[judge][0] += 1
            if n < 2:
                continue
            gap = n * value - total  # (raw − others' mean) × (n − 1) × D
            deviations[judge][(n - 1) * common] += gap
            counts[judge][1] += 1
            if n >= 3 and abs(gap) * outlier.denominator > outlier.numerator * (n - 1) * common:
                outliers.append(Outlier(judge, p.proposal_id, raws[judge], Fraction(total - value, (n - 1) * common)))
        proposals.append(_proposal_diagnostic(p.proposal_id, list(ints.values()), common, spread_limit, fraction))
    judges = tuple(_judge_diagnostic(judge, own[judge], deviations.get(judge), counts[judge], full)
                   for judge in sorted(own))
    missing = tuple(sorted((j, p.proposal_id) for p in result.proposals for j in p.missing))
    return Diagnostics(judges, tuple(proposals), tuple(sorted(outliers, key=lambda o: (o.proposal_id, o.judge_id))),
                       missing)


def _sum_over(parts: Mapping[int, int]) -> Fraction:
    """Σ numerator / denominator over {denominator: numerator}."""
    return sum((Fraction(numerator, denominator) for denominator, numerator in parts.items()), Fraction(0))


def _judge_diagnostic(judge: int, own: Mapping[int, int], deviations: Mapping[int, int] | None,
                      counts: list[int], full: Fraction) -> JudgeDiagnostic:
    sheets, compared = counts
    leniency = _sum_over(deviations) / compared if deviations and compared else None
    return JudgeDiagnostic(judge, sheets, _sum_over(own) / sheets, leniency,
                           leniency is not None and abs(leniency) > LENIENCY_FLAG * full)


def _proposal_diagnostic(proposal: int, values: list[int], common: int, spread_limit: Fraction,
                         fraction: Callable[[int, int], Fraction]) -> ProposalDiagnostic:
    """`values` are the judges' totals × common (integers)."""
    _mean_value, sd = _mean_sd([v / common for v in values])
    spread = fraction(max(values) - min(values), common)
    return ProposalDiagnostic(proposal, len(values), sd, spread, spread > spread_limit)


# --- plain data for snapshots and exports ------------------------------------------------------------------------


def points_text(value: Number | Decimal | None, decimals: int = 2) -> str:
    """Points as published: fixed decimals, half-up; empty when there is nothing."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return str(round_half_up(value, decimals))
