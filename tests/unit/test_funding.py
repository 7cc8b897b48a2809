"""Awards and money: allocation by hand (pool exhaustion, caps, reserve list, ties at the cut), exact tranche splits
(property-tested), gates enforced in the services, withholding and clawback, and bad input refused with nothing
written."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, Integer, delete, func, inspect, select, update

from psp_desktop import models
from psp_desktop.db import Database
from psp_desktop.enums import (
    AwardLevel,
    AwardStatus,
    GateKind,
    OrgType,
    ProposalStatus,
    Role,
    RoundKind,
    ServiceDomain,
    TrancheStatus,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import AuditEntry, Award, Competition, Organization, Payment, Proposal, Round, Tranche
from psp_desktop.money import MAX_FEN
from psp_desktop.services import access, allocation, audit, matching, tranches
from psp_desktop.services.access import Actor
from psp_desktop.services.allocation import Candidate, Limit, Method, Rules
from psp_desktop.services.tranches import Step

W = 1_000_000  # 万 in fen
TODAY = dt.date(2026, 11, 27)


def cand(pid: int, rank: int | None, requested: int, total: int | None = None, score: str = "80") -> Candidate:
    return Candidate(pid, rank, Decimal(score), requested, total if total is not None else requested * 2)


def funded(lines: list[allocation.Line]) -> dict[int, int]:
    return {ln.proposal_id: ln.amount_fen for ln in lines if ln.status is AwardStatus.COMMITTED}


def reserve(lines: list[allocation.Line]) -> list[int]:
    return [ln.proposal_id for ln in lines if ln.status is AwardStatus.RESERVE]


# --- allocation by hand ------------------------------------------------------------------------------------------


def test_pool_runs_out_and_the_rest_go_to_the_reserve_list_in_rank_order() -> None:
    candidates = [cand(1, 1, 5 * W), cand(2, 2, 4 * W), cand(3, 3, 3 * W), cand(4, 4, 1 * W)]
    lines = allocation.allocate(candidates, Rules(pool_fen=10 * W))
    assert funded(lines) == {1: 5 * W, 2: 4 * W}
    # 1万 would still fit for proposal 4, but rank order is never jumped for a cheaper proposal
    assert reserve(lines) == [3, 4]
    assert all(ln.limit is Limit.POOL for ln in lines if ln.status is AwardStatus.RESERVE)


def test_cap_and_budget_share_limit_the_amount() -> None:
    candidates = [cand(1, 1, 9 * W, total=20 * W), cand(2, 2, 6 * W, total=7 * W)]
    lines = allocation.allocate(candidates, Rules(pool_fen=100 * W, cap_fen=8 * W, budget_share_percent=80))
    by_id = {ln.proposal_id: ln for ln in lines}
    assert (by_id[1].amount_fen, by_id[1].limit) == (8 * W, Limit.CAP)
    assert (by_id[2].amount_fen, by_id[2].limit) == (5_600_000, Limit.BUDGET_SHARE)  # 80% of 7万


def test_a_tie_at_the_cut_is_decided_together() -> None:
    # ranks 2 and 2 share the cut: the pool covers one of them but not both, so both go to reserve
    candidates = [cand(1, 1, 4 * W), cand(2, 2, 3 * W), cand(3, 2, 3 * W), cand(4, 4, 1 * W)]
    lines = allocation.allocate(candidates, Rules(pool_fen=8 * W))
    assert funded(lines) == {1: 4 * W}
    assert reserve(lines) == [2, 3, 4]
    assert {ln.proposal_id: ln.limit for ln in lines if ln.proposal_id in (2, 3)} == {2: Limit.TIE, 3: Limit.TIE}
    # with enough for both, both are funded
    assert funded(allocation.allocate(candidates, Rules(pool_fen=10 * W))) == {1: 4 * W, 2: 3 * W, 3: 3 * W}


def test_fixed_amounts_per_award_level() -> None:
    levels = {AwardLevel.FIRST: (1, 8 * W), AwardLevel.SECOND: (2, 5 * W), AwardLevel.THIRD: (1, 3 * W)}
    candidates = [cand(i, i, 10 * W) for i in range(1, 7)]
    lines = allocation.allocate(candidates, Rules(pool_fen=100 * W, method=Method.LEVELS, levels=levels))
    assert [(ln.proposal_id, ln.level, ln.amount_fen) for ln in lines if ln.status] == [
        (1, AwardLevel.FIRST, 8 * W), (2, AwardLevel.SECOND, 5 * W), (3, AwardLevel.SECOND, 5 * W),
        (4, AwardLevel.THIRD, 3 * W)]
    assert [ln.limit for ln in lines if ln.status is None] == [Limit.LEVELS_FULL, Limit.LEVELS_FULL]


def test_a_level_amount_never_exceeds_the_request() -> None:
    levels = {AwardLevel.FIRST: (1, 8 * W)}
    lines = allocation.allocate([cand(1, 1, 6 * W)], Rules(pool_fen=10 * W, method=Method.LEVELS, levels=levels))
    assert (lines[0].amount_fen, lines[0].limit) == (6 * W, Limit.REQUEST)


def test_percentage_of_the_request_over_a_threshold() -> None:
    candidates = [cand(1, 1, 5 * W, score="91.5"), cand(2, 2, 3_333_333, score="85"), cand(3, 3, 4 * W, score="84.99")]
    rules = Rules(pool_fen=100 * W, method=Method.PERCENT, percent=80, threshold=Decimal("85"))
    lines = allocation.allocate(candidates, rules)
    assert funded(lines) == {1: 4 * W, 2: 2_666_666}  # 80% rounded down to the fen
    assert [(ln.proposal_id, ln.limit) for ln in lines if ln.status is None] == [(3, Limit.THRESHOLD)]


def test_unranked_proposals_are_never_funded() -> None:
    lines = allocation.allocate([cand(1, None, W), cand(2, 1, W)], Rules(pool_fen=10 * W))
    assert funded(lines) == {2: W}
    assert lines[-1].limit is Limit.UNRANKED


# --- splits: exact to the fen ------------------------------------------------------------------------------------


@settings(max_examples=10_000, deadline=None)
@given(total=st.integers(0, MAX_FEN),
       weights=st.lists(st.integers(1, 10_000), min_size=1, max_size=12).filter(lambda w: sum(w) <= 10_000))
def test_percentage_splits_sum_to_the_award_and_never_go_negative(total: int, weights: list[int]) -> None:
    weights[-1] += 10_000 - sum(weights)  # the percentages add up to 100
    parts = tranches.split(total, [Step(percent_x100=w) for w in weights])
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    # each part is within one fen of its exact share
    assert all(abs(p * 10_000 - total * w) < 10_000 for p, w in zip(parts, weights, strict=True))


@settings(max_examples=2_000, deadline=None)
@given(total=st.integers(0, 10**10), fixed=st.lists(st.integers(1, 10**8), min_size=1, max_size=3),
       shares=st.lists(st.integers(1, 100), min_size=1, max_size=4))
def test_fixed_amounts_come_first_and_percentages_share_the_rest(total: int, fixed: list[int],
                                                                 shares: list[int]) -> None:
    percents = [s * 10_000 // sum(shares) for s in shares]
    percents[-1] += 10_000 - sum(percents)
    steps = [Step(amount_fen=f) for f in fixed] + [Step(percent_x100=p) for p in percents]
    if sum(fixed) > total:
        with pytest.raises(ValidationError):
            tranches.split(total, steps)
        return
    parts = tranches.split(total, steps)
    assert parts[:len(fixed)] == fixed and sum(parts) == total and min(parts) >= 0


def test_the_usual_templates_split_awkward_amounts_exactly() -> None:
    for _name, (_label, steps) in tranches.TEMPLATES.items():
        for total in (0, 1, 3, 99_999, 3_333_333, 50 * W + 1):
            assert sum(tranches.split(total, steps)) == total
    assert tranches.split(100, tranches.TEMPLATES["40/40/20"][1]) == [40, 40, 20]
    assert tranches.split(1, tranches.TEMPLATES["50/50"][1]) == [1, 0]  # ties go to the earlier tranche


@pytest.mark.parametrize(("steps", "message"), [
    ([Step(percent_x100=5000), Step(percent_x100=4000)], "add up to 90%"),
    ([Step(percent_x100=6000), Step(percent_x100=6000)], "add up to 120%"),
    ([Step(percent_x100=-100), Step(percent_x100=10100)], "more than 0"),
    ([Step(percent_x100=5000, amount_fen=100)], "either a percentage or a fixed amount"),
    ([Step(amount_fen=MAX_FEN + 1)], "absurdly large"),
    ([Step(percent_x100=10000, gate=GateKind.DATE)], "needs its date"),
    ([], "at least one"),
])
def test_bad_schedules_are_named(steps: list[Step], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        tranches.split(10 * W, steps)


# --- a funded project in a database ------------------------------------------------------------------------------


def make_award(db: Database, amount: int = 10 * W, steps: tuple[Step, ...] | None = None,
               pool: int = 100 * W, frozen: bool = False) -> int:
    with db.write() as s:
        comp = Competition(name="测试大赛", year=2026, pool_fen=pool, project_cap_fen=20 * W, organizer="某街道办事处")
        org = Organization(name="阳光为老服务中心", org_type=OrgType.SERVICE_AGENCY, bank_name="工商银行",
                           bank_account="6222000011112222")
        s.add_all([comp, org])
        s.flush()
        s.add(Round(competition_id=comp.id, seq=1, name="书面评审", kind=RoundKind.WRITTEN, frozen=frozen))
        proposal = Proposal(competition_id=comp.id, organization_id=org.id, title="银龄陪伴计划",
                            domain=ServiceDomain.ELDERLY, requested_fen=amount, matching_fen=amount // 2,
                            total_budget_fen=amount + amount // 2, start_month=dt.date(2026, 1, 1),
                            end_month=dt.date(2026, 12, 1), status=ProposalStatus.RANKED)
        s.add(proposal)
        s.flush()
        award = Award(proposal_id=proposal.id, competition_id=comp.id, rank=1, amount_fen=amount,
                      matching_committed_fen=amount // 2, status=AwardStatus.COMMITTED)
        s.add(award)
        s.flush()
        tranches.apply_template(s, award, steps or tranches.TEMPLATES["40/40/20"][1])
        return award.id


def tranche_ids(db: Database, award_id: int) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(Tranche.id).where(Tranche.award_id == award_id).order_by(Tranche.seq)))


def state(db: Database, tranche_id: int, today: dt.date = TODAY) -> TrancheStatus:
    with db.read() as s:
        t = s.get(Tranche, tranche_id)
        return tranches.effective_status(t, t.award, today)


def payments(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Payment)) or 0


def test_nothing_is_paid_before_signing_and_before_approval(database: Database) -> None:
    award = make_award(database)
    first, second, _third = tranche_ids(database, award)
    assert state(database, first) is TrancheStatus.PLANNED
    with pytest.raises(ValidationError, match="not signed"):
        tranches.approve(database, first, today=TODAY)
    number = tranches.sign(database, award, dt.date(2026, 3, 1), today=TODAY)
    assert number.startswith("XY2026-")
    assert state(database, first) is TrancheStatus.DUE
    with pytest.raises(ValidationError, match="must be approved"):
        tranches.pay(database, first, dt.date(2026, 3, 10), "PZ-1", today=TODAY)
    tranches.approve(database, first, today=TODAY)
    with pytest.raises(ValidationError, match="before the agreement was signed"):
        tranches.pay(database, first, dt.date(2026, 2, 28), "PZ-1", today=TODAY)
    tranches.pay(database, first, dt.date(2026, 3, 10), "PZ-1", today=TODAY)
    with pytest.raises(ValidationError, match="already been paid"):
        tranches.pay(database, first, dt.date(2026, 3, 11), "PZ-2", today=TODAY)
    # the mid-term tranche's gate is open: neither approval nor payment
    with pytest.raises(ValidationError, match="gate is not met"):
        tranches.approve(database, second, today=TODAY)
    assert payments(database) == 1


def test_an_evaluation_gate_decided_by_finance_releases_or_withholds(database: Database) -> None:
    award = make_award(database)
    tranches.sign(database, award, dt.date(2026, 3, 1), today=TODAY)
    _first, second, third = tranche_ids(database, award)
    with pytest.raises(ValidationError, match="reason"):
        tranches.decide_gate(database, second, True, "  ")
    tranches.decide_gate(database, second, True, "中期评估良好", on=dt.date(2026, 7, 1))
    assert state(database, second) is TrancheStatus.DUE
    tranches.decide_gate(database, third, False, "终期评估不合格")
    assert state(database, third) is TrancheStatus.WITHHELD
    with pytest.raises(ValidationError, match="withheld or cancelled"):
        tranches.approve(database, third, today=TODAY)
    # staff may not decide an evaluation gate: that is finance's (or an administrator's)
    database.actor = Actor("chen", frozenset({Role.STAFF}), display_name="陈志刚")
    with pytest.raises(access.NotAllowed):
        tranches.decide_gate(database, third, True, "复核后合格")


def test_a_date_gate_opens_on_its_day(database: Database) -> None:
    steps = (Step(percent_x100=5000, gate=GateKind.AGREEMENT_SIGNED),
             Step(percent_x100=5000, gate=GateKind.DATE, gate_date=dt.date(2026, 11, 1)))
    award = make_award(database, steps=steps)
    tranches.sign(database, award, dt.date(2026, 3, 1), today=TODAY)
    _first, second = tranche_ids(database, award)
    assert state(database, second, dt.date(2026, 10, 31)) is TrancheStatus.PLANNED
    assert state(database, second, dt.date(2026, 11, 1)) is TrancheStatus.DUE


def test_withholding_and_clawback(database: Database) -> None:
    award = make_award(database, amount=100_001)
    tranches.sign(database, award, dt.date(2026, 3, 1), today=TODAY)
    first, second, _third = tranche_ids(database, award)
    tranches.approve(database, first, today=TODAY)
    tranches.pay(database, first, dt.date(2026, 3, 5), "PZ-9", today=TODAY)
    tranches.withhold(database, second, "中期报告逾期未交")
    assert state(database, second) is TrancheStatus.WITHHELD
    tranches.release(database, second, "报告已补交")
    assert state(database, second) is TrancheStatus.PLANNED
    with pytest.raises(ValidationError, match=r"at most the 400\.01 yuan paid"):
        tranches.claw_back(database, first, 40_002, "挪用", dt.date(2026, 5, 1), today=TODAY)
    tranches.claw_back(database, first, 10_000, "实地走访发现部分资金用于非项目支出", dt.date(2026, 5, 1),
                                  today=TODAY)
    assert state(database, first) is TrancheStatus.CLAWED_BACK
    with pytest.raises(ValidationError, match="before it was asked for"):
        tranches.recovered(database, first, dt.date(2026, 4, 30), today=TODAY)
    assert tranches.recovered(database, first, dt.date(2026, 5, 20), today=TODAY) == 10_000
    with pytest.raises(ValidationError, match="still to come back"):
        tranches.recovered(database, first, dt.date(2026, 5, 21), today=TODAY)
    with database.read() as s:
        t = s.get(Tranche, first)
        assert (t.clawed_back_fen, t.status_reason) == (10_000, "实地走访发现部分资金用于非项目支出")
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert {"tranche.withhold", "tranche.release", "tranche.clawback", "clawback.recovered"} <= set(actions)


def test_a_payment_never_takes_the_total_over_the_award(database: Database) -> None:
    award = make_award(database)
    tranches.sign(database, award, dt.date(2026, 3, 1), today=TODAY)
    first = tranche_ids(database, award)[0]
    tranches.approve(database, first, today=TODAY)
    with database.write() as s:  # a tranche tampered with outside the app
        s.get(Tranche, first).amount_fen = 11 * W
    with pytest.raises(ValidationError, match="more than the award"):
        tranches.pay(database, first, dt.date(2026, 3, 5), "PZ-1", today=TODAY)
    assert payments(database) == 0


def test_voucher_numbers_and_dates_are_checked(database: Database) -> None:
    award = make_award(database)
    tranches.sign(database, award, dt.date(2026, 3, 1), today=TODAY)
    first = tranche_ids(database, award)[0]
    tranches.approve(database, first, today=TODAY)
    with pytest.raises(ValidationError, match="voucher"):
        tranches.pay(database, first, dt.date(2026, 3, 5), " ", today=TODAY)
    with pytest.raises(ValidationError, match="in the future"):
        tranches.pay(database, first, TODAY + dt.timedelta(days=1), "PZ-1", today=TODAY)
    with pytest.raises(ValidationError, match="in the future"):
        tranches.sign(database, award, TODAY + dt.timedelta(days=1), today=TODAY)
    assert payments(database) == 0


def test_adjusting_an_award_rescales_its_open_tranches_and_is_logged(database: Database) -> None:
    award = make_award(database)
    with pytest.raises(ValidationError, match="reason"):
        allocation.adjust(database, award, 8 * W, "")
    allocation.adjust(database, award, 8 * W + 1, "核减宣传费")
    with database.read() as s:
        amounts = [t.amount_fen for t in s.get(Award, award).tranches]
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "award.adjust")).one()
    assert sum(amounts) == 8 * W + 1 and amounts == [3_200_001, 3_200_000, 1_600_000]
    assert entry.after["reason"] == "核减宣传费" and entry.before["amount_fen"] == 10 * W


def test_over_allocation_is_refused_and_nothing_is_written(database: Database) -> None:
    award = make_award(database, amount=10 * W, pool=12 * W)
    with pytest.raises(ValidationError, match="more than the pool"):
        allocation.adjust(database, award, 13 * W, "追加")  # also over the pool of 12万
    with database.read() as s:
        assert s.get(Award, award).amount_fen == 10 * W
    for bad in (-1, MAX_FEN + 1):
        with pytest.raises(ValidationError):
            allocation.adjust(database, award, bad, "原因")


def test_commit_refuses_lines_over_the_pool(database: Database) -> None:
    award = make_award(database, pool=12 * W, frozen=True)
    with database.read() as s:
        a = s.get(Award, award)
        competition, proposal = a.competition_id, a.proposal_id
    line = allocation.Line(proposal, 1, None, 13 * W, AwardLevel.NONE, 13 * W, AwardStatus.COMMITTED)
    with pytest.raises(ValidationError, match="more than the pool"):
        allocation.commit(database, competition, [line])
    with database.read() as s:  # the earlier award is still there, untouched
        assert s.get(Award, award).amount_fen == 10 * W
    ids = allocation.commit(database, competition, [dataclasses.replace(line, amount_fen=12 * W)])
    assert allocation.pool(database, competition).remaining_fen == 0
    with database.read() as s:
        assert sum(t.amount_fen for t in s.get(Award, ids[0]).tranches) == 12 * W
        assert s.get(Proposal, proposal).status is ProposalStatus.AWARDED


def test_cancelled_tranches_return_to_the_pool(database: Database) -> None:
    award = make_award(database)
    with database.read() as s:
        competition = s.get(Award, award).competition_id
    before = allocation.pool(database, competition)
    last = tranche_ids(database, award)[-1]
    tranches.cancel(database, last, "项目提前结束")
    after = allocation.pool(database, competition)
    assert before.committed_fen - after.committed_fen == 2 * W


def test_matching_funds_behind_when_they_lag_the_grant(database: Database) -> None:
    award = make_award(database)  # 10万 award, 5万 matching committed
    tranches.sign(database, award, dt.date(2026, 3, 1), today=TODAY)
    first = tranche_ids(database, award)[0]
    tranches.approve(database, first, today=TODAY)
    tranches.pay(database, first, dt.date(2026, 3, 5), "PZ-1", today=TODAY)  # 40% of the grant paid
    matching.receive(database, award, W, dt.date(2026, 3, 20), "企业捐赠", today=TODAY)  # 20% of matching
    row = matching.status(database)[0]
    assert row.behind and row.received_share_x100 == 2000
    matching.receive(database, award, W, dt.date(2026, 4, 2), "自筹", today=TODAY)  # now 40%
    row = matching.status(database)[0]
    assert not row.behind and row.achieved_percent_x100 == 2 * W * 10000 // (6 * W)
    with pytest.raises(ValidationError, match="where the money came from"):
        matching.receive(database, award, W, dt.date(2026, 4, 2), "", today=TODAY)


# --- schema ------------------------------------------------------------------------------------------------------


def test_every_money_column_is_an_integer() -> None:
    money = [(table.name, column.name) for table in models.Base.metadata.tables.values()
             for column in table.columns if column.name.endswith("_fen")]
    assert len(money) >= 15
    for table, name in money:
        column = models.Base.metadata.tables[table].columns[name]
        assert isinstance(column.type, (Integer, BigInteger)), f"{table}.{name} is {column.type}"
    assert inspect(Award).columns["amount_fen"] is not None


def test_a_payment_edited_outside_the_app_breaks_the_seal(database: Database) -> None:
    award = make_award(database)
    tranches.sign(database, award, dt.date(2026, 3, 1), today=TODAY)
    first = tranche_ids(database, award)[0]
    tranches.approve(database, first, today=TODAY)
    tranches.pay(database, first, dt.date(2026, 3, 5), "PZ-1", today=TODAY)
    assert audit.verify(database).ok
    with database.write() as s:  # what someone with a database tool could do
        s.execute(update(Payment).values(amount_fen=Payment.amount_fen + 100))
    report = audit.verify(database)
    assert not report.ok and report.problem.table == "payment" and "amount_fen" in report.problem.render()
    with database.write() as s:
        s.execute(delete(Payment))
    assert "missing" in audit.verify(database).problem.render()


def test_no_allocation_before_the_results_are_final(database: Database) -> None:
    award = make_award(database)
    with database.read() as s:
        competition = s.get(Award, award).competition_id
    rules = allocation.rules_of(database, competition, Method.REQUESTED)
    with pytest.raises(ValidationError, match="not final"):
        allocation.propose(database, competition, rules)
    with pytest.raises(ValidationError, match="not final"):
        allocation.commit(database, competition, [])
