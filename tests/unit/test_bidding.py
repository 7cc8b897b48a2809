"""Bidding mode: the price score by hand (benchmark, ratios, half-up rounding, an over-ceiling bid, ties, a single
bidder), tender validation, closed tenders, the evaluation, one winner per tender (or none, with a reason), the
award then signed and scheduled like any award, permissions and the change log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from psp_desktop.db import Database
from psp_desktop.enums import (
    AwardStatus,
    CompetitionMode,
    CompetitionStatus,
    NeedSource,
    OrgType,
    ProposalStatus,
    Role,
    RoundKind,
    ServiceDomain,
    SheetStatus,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    AuditEntry,
    Award,
    Community,
    CommunityNeed,
    Competition,
    Criterion,
    Judge,
    Organization,
    Proposal,
    Round,
    Score,
    TenderProject,
)
from psp_desktop.models.judging import Assignment, ScoreSheet
from psp_desktop.services import allocation, audit, bidding, judging, tranches
from psp_desktop.services.access import Actor, NotAllowed
from psp_desktop.services.bidding import TenderInput
from psp_desktop.services.tranches import Step
from psp_desktop.services.validation import InvalidInput

W = 1_000_000  # 万 in fen
TODAY = dt.date(2026, 11, 27)


# --- the price score by hand -------------------------------------------------------------------------------------


def test_lowest_valid_price_is_the_benchmark_and_the_others_get_the_ratio() -> None:
    # ceiling 30万, price points 30: 24万 is the benchmark; 32万 is over the ceiling and invalid
    scores = bidding.price_scores({1: 24 * W, 2: 25 * W, 3: 27 * W, 4: 32 * W, 5: 30 * W}, 30 * W, 3000)
    assert scores == {
        1: 3000,  # 30.00: the benchmark takes the full price points
        2: 2880,  # 24/25 × 30 = 28.80
        3: 2667,  # 24/27 × 30 = 26.666… → 26.67
        4: None,  # over the ceiling: invalid, and not the benchmark although it is not the lowest anyway
        5: 2400,  # exactly the ceiling is valid: 24/30 × 30 = 24.00
    }


def test_an_over_ceiling_bid_never_becomes_the_benchmark() -> None:
    # the only bid under 20万 is over the ceiling of 15万, so 18万 cannot be beaten by it
    assert bidding.price_scores({1: 16 * W, 2: 18 * W, 3: 12 * W}, 15 * W, 3000) == {1: None, 2: None, 3: 3000}
    assert bidding.price_scores({1: 16 * W}, 15 * W, 3000) == {1: None}


def test_price_score_rounds_half_up_to_a_hundredth() -> None:
    # 1 ÷ 8 × 1 point = 0.125 → 0.13; 2 ÷ 3 × 10 = 6.666… → 6.67; 1 ÷ 3 × 10 = 3.333… → 3.33
    assert bidding.price_score_x100(1, 8, 100) == 13
    assert bidding.price_score_x100(2, 3, 1000) == 667
    assert bidding.price_score_x100(1, 3, 1000) == 333


def test_equal_prices_share_the_full_points_and_a_single_bidder_gets_them() -> None:
    assert bidding.price_scores({1: 20 * W, 2: 20 * W, 3: 40 * W}, 40 * W, 1000) == {1: 1000, 2: 1000, 3: 500}
    assert bidding.price_scores({7: 29 * W}, 30 * W, 3000) == {7: 3000}
    assert bidding.price_scores({}, 30 * W, 3000) == {}


def test_panel_score_is_scaled_onto_the_points_left_after_the_price() -> None:
    # 85.55 of 100 with 30 price points: 85.55 × 70/100 = 59.885 → 59.89
    assert bidding.panel_part_x100(Decimal("85.55"), Fraction(100), 3000) == 5989
    # a rubric of 50 full marks: 40/50 × 70 = 56.00
    assert bidding.panel_part_x100(Decimal("40"), Fraction(50), 3000) == 5600


# --- a bidding competition in a database ------------------------------------------------------------------------


def _org(s, name: str) -> int:  # type: ignore[no-untyped-def]
    org = Organization(name=name, org_type=OrgType.SERVICE_AGENCY, bank_name="工商银行", bank_account="6222" + name[:2])
    s.add(org)
    s.flush()
    return org.id


@pytest.fixture
def world(database: Database) -> dict[str, int]:
    """A bidding competition (in review) with a need, four organizations, and a venture competition beside it."""
    with database.write() as s:
        comp = Competition(name="2026年公益招投标", year=2026, mode=CompetitionMode.BIDDING,
                           status=CompetitionStatus.REVIEW, organizer="望江街道办事处")
        venture = Competition(name="2026年公益创投大赛", year=2026)
        community = Community(district="锦江区", street="望江街道", name="滨河社区")
        s.add_all([comp, venture, community])
        s.flush()
        need = CommunityNeed(community_id=community.id, domain=ServiceDomain.ELDERLY, title="独居老人助餐",
                             source=NeedSource.SURVEY, collected_on=dt.date(2025, 10, 1))
        s.add(need)
        s.flush()
        ids = {"comp": comp.id, "venture": venture.id, "need": need.id}
        for key, name in (("a", "阳光为老服务中心"), ("b", "望江社工服务中心"), ("c", "滨河志愿者协会"),
                          ("d", "锦江助老服务社")):
            ids[key] = _org(s, name)
        return ids


def tender_input(code: str = "ZB2026-01", ceiling: int = 30 * W, points: int = 3000,
                 need_ids: list[int] | None = None) -> TenderInput:
    return TenderInput(code=code, name="滨河社区长者助餐服务", domain=ServiceDomain.ELDERLY,
                       description="为独居老人提供午餐配送", ceiling_fen=ceiling, service_from=dt.date(2026, 3, 1),
                       service_until=dt.date(2027, 2, 28), qualifications="登记满一年；年检合格",
                       price_points_x100=points, need_ids=need_ids or [])


def proposal(db: Database, competition_id: int, org_id: int, title: str, number: str) -> int:
    with db.write() as s:
        p = Proposal(competition_id=competition_id, organization_id=org_id, title=title,
                     domain=ServiceDomain.ELDERLY, intake_number=number, status=ProposalStatus.SUBMITTED,
                     start_month=dt.date(2026, 3, 1), end_month=dt.date(2027, 2, 1))
        s.add(p)
        s.flush()
        return p.id


def bid(db: Database, world: dict[str, int], tender_id: int, org: str, price: int, number: str,
        status: ProposalStatus = ProposalStatus.ELIGIBLE) -> int:
    """A bid submitted through the service, then screened (the status set as screening would)."""
    pid = proposal(db, world["comp"], world[org], f"助餐服务方案{number}", number)
    bidding.submit_bid(db, tender_id, pid, price)
    with db.write() as s:
        s.get(Proposal, pid).status = status  # type: ignore[union-attr]
    return pid


def panel(db: Database, competition_id: int, tender_id: int | None, points: dict[int, int], *,
          frozen: bool = True, seq: int = 1, full_x100: int = 10_000) -> int:
    """A round serving the tender with one criterion; one judge gives each bid its points (hundredths)."""
    with db.write() as s:
        round_ = Round(competition_id=competition_id, tender_id=tender_id, seq=seq, name=f"评标{seq}",
                       kind=RoundKind.WRITTEN, frozen=frozen)
        s.add(round_)
        s.flush()
        criterion = Criterion(round_id=round_.id, seq=1, name="服务方案", max_points_x100=full_x100)
        judge = Judge(name=f"评审专家{seq}")
        s.add_all([criterion, judge])
        s.flush()
        for pid, value in points.items():
            assignment = Assignment(round_id=round_.id, judge_id=judge.id, proposal_id=pid)
            s.add(assignment)
            s.flush()
            s.add(ScoreSheet(assignment_id=assignment.id, status=SheetStatus.SUBMITTED,
                             scores=[Score(criterion_id=criterion.id, points_x100=value,
                                           max_points_x100=full_x100)]))
        return round_.id


def count(db: Database, model: type) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def actions(db: Database) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- tenders -----------------------------------------------------------------------------------------------------


def test_a_tender_is_published_listed_and_edited(database: Database, world: dict[str, int]) -> None:
    tid = bidding.add_tender(database, world["comp"], tender_input(need_ids=[world["need"]]))
    [row] = bidding.tenders(database, world["comp"])
    assert (row.code, row.ceiling_fen, row.price_points_x100, row.need_ids, row.bids, row.closed) == (
        "ZB2026-01", 30 * W, 3000, (world["need"],), 0, False)
    changed = tender_input(ceiling=28 * W, points=2000)
    bidding.edit_tender(database, tid, changed)
    [row] = bidding.tenders(database, world["comp"])
    assert (row.ceiling_fen, row.price_points_x100, row.need_ids) == (28 * W, 2000, ())
    with database.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "tender.edit")).one()
        assert entry.before["ceiling_fen"] == 30 * W and entry.after["ceiling_fen"] == 28 * W


def test_bad_tenders_are_refused_with_every_problem_named(database: Database, world: dict[str, int]) -> None:
    bad = TenderInput(code=" ", name="", ceiling_fen=0, price_points_x100=10_001,
                      service_from=dt.date(2026, 5, 1), service_until=dt.date(2026, 4, 30))
    with pytest.raises(InvalidInput) as raised:
        bidding.add_tender(database, world["comp"], bad)
    assert {p.field for p in raised.value.problems} == {"code", "name", "ceiling_fen", "price_points_x100",
                                                        "service_until"}
    assert "Tender code is required" in raised.value.render()
    with pytest.raises(InvalidInput, match="ceiling"):
        bidding.add_tender(database, world["comp"], tender_input(ceiling=-5))
    with pytest.raises(ValidationError, match="not a bidding competition"):
        bidding.add_tender(database, world["venture"], tender_input())
    with pytest.raises(ValidationError, match="need does not exist"):
        bidding.add_tender(database, world["comp"], tender_input(need_ids=[999]))
    bidding.add_tender(database, world["comp"], tender_input())
    with pytest.raises(ValidationError, match="already used"):
        bidding.add_tender(database, world["comp"], tender_input())
    assert count(database, TenderProject) == 1
    assert actions(database) == ["tender.add"]


def test_terms_stay_fixed_once_bids_are_in_and_a_closed_tender_takes_nothing(database: Database,
                                                                               world: dict[str, int]) -> None:
    tid = bidding.add_tender(database, world["comp"], tender_input())
    bid(database, world, tid, "a", 24 * W, "ZB-001")
    with pytest.raises(ValidationError, match="can no longer be changed"):
        bidding.edit_tender(database, tid, tender_input(ceiling=20 * W))
    bidding.edit_tender(database, tid, tender_input())  # the same terms, other texts: allowed
    bidding.close_tender(database, tid)
    late = proposal(database, world["comp"], world["b"], "迟到的投标", "ZB-002")
    before = actions(database)
    with pytest.raises(ValidationError, match="closed"):
        bidding.submit_bid(database, tid, late, 20 * W)
    with pytest.raises(ValidationError, match="closed"):
        bidding.edit_tender(database, tid, tender_input())
    with pytest.raises(ValidationError, match="closed"):
        bidding.close_tender(database, tid)
    with database.read() as s:
        assert s.get(Proposal, late).tender_id is None  # type: ignore[union-attr]
    assert actions(database) == before
    assert bidding.tenders(database, world["comp"])[0].bids == 1


# --- bids --------------------------------------------------------------------------------------------------------


def test_a_bid_over_the_ceiling_is_recorded_but_fails_screening(database: Database, world: dict[str, int]) -> None:
    tid = bidding.add_tender(database, world["comp"], tender_input())
    pid = proposal(database, world["comp"], world["a"], "助餐服务方案", "ZB-001")
    bidding.submit_bid(database, tid, pid, 32 * W)
    with database.read() as s:
        p = s.get(Proposal, pid)
        assert p is not None and (p.tender_id, p.bid_price_fen) == (tid, 32 * W)
        passed, message, params = bidding.ceiling_rule(p)  # type: ignore[misc]
        assert not passed and "over the ceiling" in message
        assert message.format(**params) == ("Bid price 320,000.00 yuan is over the ceiling of 300,000.00 yuan: "
                                            "invalid bid")
    with database.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "bid.submit")).one()
        assert entry.after == {"tender": tid, "bid_price_fen": 32 * W, "over_ceiling": True}
    plain_id = proposal(database, world["comp"], world["b"], "没有投标的申报", "ZB-009")
    with database.read() as s:
        assert bidding.ceiling_rule(s.get(Proposal, plain_id)) is None  # type: ignore[arg-type]  # not a bid
    bidding.submit_bid(database, tid, pid, 30 * W)  # repriced at the ceiling: within it
    with database.read() as s:
        p = s.get(Proposal, pid)
        assert bidding.ceiling_rule(p)[0] is True  # type: ignore[arg-type,index]


def test_bad_bids_are_refused_and_nothing_is_written(database: Database, world: dict[str, int]) -> None:
    tid = bidding.add_tender(database, world["comp"], tender_input())
    pid = proposal(database, world["comp"], world["a"], "助餐服务方案", "ZB-001")
    other = proposal(database, world["venture"], world["b"], "创投项目", "CT-001")
    before = actions(database)
    with pytest.raises(InvalidInput, match="more than zero"):
        bidding.submit_bid(database, tid, pid, 0)
    with pytest.raises(InvalidInput, match="more than zero"):
        bidding.submit_bid(database, tid, pid, -100)
    with pytest.raises(ValidationError, match="another competition"):
        bidding.submit_bid(database, tid, other, 20 * W)
    with pytest.raises(ValidationError, match="no tender project"):
        bidding.submit_bid(database, 999, pid, 20 * W)
    with database.write() as s:
        s.get(Proposal, pid).status = ProposalStatus.ELIGIBLE  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="screened"):
        bidding.submit_bid(database, tid, pid, 20 * W)
    with database.read() as s:
        assert s.get(Proposal, pid).bid_price_fen is None  # type: ignore[union-attr]
    assert actions(database) == before


def test_bid_problems_for_intake(database: Database, world: dict[str, int]) -> None:
    tid = bidding.add_tender(database, world["comp"], tender_input())
    with database.read() as s:
        assert not bidding.bid_problems(s, world["comp"], tid, 40 * W)  # over the ceiling: recorded, not refused
        assert not bidding.bid_problems(s, world["comp"], None, None)  # a draft may lack both
        assert {p.field for p in bidding.bid_problems(s, world["comp"], None, None, complete=True).items} == {
            "tender_id", "bid_price_fen"}
        assert [p.field for p in bidding.bid_problems(s, world["venture"], tid, 10 * W).items] == ["tender_id"]
    bidding.close_tender(database, tid)
    with database.read() as s:
        [problem] = bidding.bid_problems(s, world["comp"], tid, 10 * W).items
        assert "closed" in problem.render()


# --- evaluation and the winner -----------------------------------------------------------------------------------


@pytest.fixture
def tender(database: Database, world: dict[str, int]) -> dict[str, int]:
    """Ceiling 30万, 30 price points. A 24万 with 85.55, B 25万 with 90, C 32万 (over) with 95, D 20万 refused at
    screening; the panel's round is frozen."""
    tid = bidding.add_tender(database, world["comp"], tender_input(need_ids=[world["need"]]))
    ids = {"tender": tid,
           "a": bid(database, world, tid, "a", 24 * W, "ZB-001"),
           "b": bid(database, world, tid, "b", 25 * W, "ZB-002"),
           "c": bid(database, world, tid, "c", 32 * W, "ZB-003", ProposalStatus.INELIGIBLE),
           "d": bid(database, world, tid, "d", 20 * W, "ZB-004", ProposalStatus.INELIGIBLE)}
    with database.write() as s:  # C passed everything but the price: still eligible by status, invalid by price
        s.get(Proposal, ids["c"]).status = ProposalStatus.ELIGIBLE  # type: ignore[union-attr]
    panel(database, world["comp"], tid, {ids["a"]: 8555, ids["b"]: 9000, ids["c"]: 9500, ids["d"]: 9900})
    bidding.close_tender(database, tid)
    return ids


def test_evaluation_combines_the_panel_and_the_price(database: Database, tender: dict[str, int]) -> None:
    ev = bidding.evaluate(database, tender["tender"])
    assert ev.final and not ev.single_bidder and ev.full_marks == 100
    lines = {ln.proposal_id: ln for ln in ev.lines}
    # A: 85.55 × 0.7 = 59.885 → 59.89 + price 30.00 = 89.89; B: 63.00 + 28.80 = 91.80 → B first
    assert (lines[tender["b"]].panel_x100, lines[tender["b"]].price_x100, lines[tender["b"]].total_x100,
            lines[tender["b"]].rank) == (6300, 2880, 9180, 1)
    assert (lines[tender["a"]].panel_x100, lines[tender["a"]].price_x100, lines[tender["a"]].total_x100,
            lines[tender["a"]].rank) == (5989, 3000, 8989, 2)
    assert lines[tender["a"]].panel_score == Decimal("85.55")
    # C's 32万 neither scores nor lowers the benchmark; D did not pass screening
    assert (lines[tender["c"]].valid, lines[tender["c"]].invalid_reason, lines[tender["c"]].total_x100) == (
        False, bidding.OVER_CEILING, None)
    assert (lines[tender["d"]].valid, lines[tender["d"]].invalid_reason) == (False, bidding.NOT_SCREENED_IN)
    assert [ln.proposal_id for ln in ev.lines][:2] == [tender["b"], tender["a"]]
    assert ev.valid_ids == (tender["b"], tender["a"])


def test_equal_totals_go_to_the_lower_price(database: Database, world: dict[str, int]) -> None:
    # 50 price points: X 20万 → 50.00, Y 25万 → 40.00; panel X 80 → 40.00, Y 100 → 50.00: both total 90.00
    tid = bidding.add_tender(database, world["comp"], tender_input(code="ZB2026-02", points=5000))
    x = bid(database, world, tid, "a", 20 * W, "ZB-011")
    y = bid(database, world, tid, "b", 25 * W, "ZB-012")
    z = bid(database, world, tid, "c", 20 * W, "ZB-013")  # the same as X in everything: shares its rank
    panel(database, world["comp"], tid, {x: 8000, y: 10000, z: 8000})
    ev = bidding.evaluate(database, tid)
    assert [(ln.proposal_id, ln.total_x100, ln.rank) for ln in ev.lines] == [(x, 9000, 1), (z, 9000, 1),
                                                                            (y, 9000, 3)]


def test_one_winner_awarded_at_its_price_then_signed_and_scheduled(database: Database, world: dict[str, int],
                                                                     tender: dict[str, int]) -> None:
    tid = tender["tender"]
    with pytest.raises(ValidationError, match="not the first-ranked"):
        bidding.award_tender(database, tid, tender["a"], " ")
    with pytest.raises(ValidationError, match="not a valid bid"):
        bidding.award_tender(database, tid, tender["c"], "价格最低")
    award_id = bidding.award_tender(database, tid, tender["b"], "")
    assert award_id is not None
    with database.read() as s:
        award = s.get(Award, award_id)
        assert award is not None
        assert (award.amount_fen, award.status, award.rank, award.competition_id) == (
            25 * W, AwardStatus.COMMITTED, 1, world["comp"])
        assert sum(t.amount_fen for t in award.tranches) == 25 * W  # the competition's schedule (50/50)
        assert [t.amount_fen for t in award.tranches] == [12_500_000, 12_500_000]
        statuses = {p.id: p.status for p in s.scalars(select(Proposal).where(Proposal.tender_id == tid))}
        assert s.get(TenderProject, tid).closed  # type: ignore[union-attr]
    assert statuses == {tender["b"]: ProposalStatus.AWARDED, tender["a"]: ProposalStatus.NOT_AWARDED,
                        tender["c"]: ProposalStatus.NOT_AWARDED, tender["d"]: ProposalStatus.INELIGIBLE}
    assert bidding.tenders(database, world["comp"])[0].winner_id == tender["b"]
    assert bidding.evaluate(database, tid).winner_id == tender["b"]
    # a second winner, or no winner after one, is refused
    with pytest.raises(ValidationError, match="one winner per tender"):
        bidding.award_tender(database, tid, tender["a"], "第二名也中标")
    with pytest.raises(ValidationError, match="one winner per tender"):
        bidding.award_tender(database, tid, None, "流标")
    assert count(database, Award) == 1
    # the award now lives like any other: a schedule, an agreement, a tranche approved and paid
    tranches.set_schedule(database, award_id, list(tranches.TEMPLATES["40/40/20"][1]))
    from psp_desktop.services import tender_notice  # signing waits for the result notice (中标结果公示)

    tender_notice.publish(database, tid, dt.date(2026, 2, 20), dt.date(2026, 2, 26))
    number = tranches.sign(database, award_id, dt.date(2026, 3, 1), today=TODAY)
    assert number.startswith("XY2026-")
    first = tranches.schedule_of(database, award_id)
    assert [s.percent_x100 for s in first] == [4000, 4000, 2000]
    with database.read() as s:
        tranche_id = s.get(Award, award_id).tranches[0].id  # type: ignore[union-attr]
    tranches.approve(database, tranche_id, today=TODAY)
    tranches.pay(database, tranche_id, dt.date(2026, 3, 10), "PZ-ZB-1", today=TODAY)
    with database.read() as s:
        assert s.get(Proposal, tender["b"]).status is ProposalStatus.IMPLEMENTING  # type: ignore[union-attr]


def test_a_first_ranked_bid_can_be_passed_over_only_with_a_reason(database: Database,
                                                                   tender: dict[str, int]) -> None:
    award_id = bidding.award_tender(database, tender["tender"], tender["a"], "第一名放弃中标资格")
    with database.read() as s:
        assert s.get(Award, award_id).amount_fen == 24 * W  # type: ignore[union-attr]
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "tender.award")).one()
    assert entry.after["reason"] == "第一名放弃中标资格" and entry.after["rank"] == 2


def test_a_bid_of_another_tender_cannot_win(database: Database, world: dict[str, int],
                                            tender: dict[str, int]) -> None:
    other = bidding.add_tender(database, world["comp"], tender_input(code="ZB2026-09"))
    with pytest.raises(ValidationError, match="not a bid for tender ZB2026-09"):
        bidding.award_tender(database, other, tender["b"], "")
    assert count(database, Award) == 0


def test_no_winner_needs_a_reason_and_closes_the_tender(database: Database, world: dict[str, int],
                                                        tender: dict[str, int]) -> None:
    tid = tender["tender"]
    with pytest.raises(ValidationError, match="reason why tender ZB2026-01 has no winner"):
        bidding.award_tender(database, tid, None, "  ")
    assert "tender.no_winner" not in actions(database)
    assert bidding.award_tender(database, tid, None, "有效投标均超出预算调整范围") is None
    [row] = bidding.tenders(database, world["comp"])
    assert (row.closed, row.no_winner_reason, row.winner_id) == (True, "有效投标均超出预算调整范围", None)
    with pytest.raises(ValidationError, match="without a winner"):
        bidding.award_tender(database, tid, tender["b"], "")
    assert count(database, Award) == 0
    with database.read() as s:
        assert s.get(Proposal, tender["b"]).status is ProposalStatus.NOT_AWARDED  # type: ignore[union-attr]


def test_no_winner_before_the_panel_results_are_final(database: Database, world: dict[str, int]) -> None:
    tid = bidding.add_tender(database, world["comp"], tender_input(code="ZB2026-03"))
    a = bid(database, world, tid, "a", 24 * W, "ZB-021")
    b = bid(database, world, tid, "b", 25 * W, "ZB-022")
    with pytest.raises(ValidationError, match="has not scored tender ZB2026-03"):
        bidding.award_tender(database, tid, b, "")
    panel(database, world["comp"], tid, {a: 8000, b: 9000}, frozen=False)
    ev = bidding.evaluate(database, tid)
    assert not ev.final and ev.open_round == "评标1"
    with pytest.raises(ValidationError, match="not final: round 评标1"):
        bidding.award_tender(database, tid, b, "")
    assert count(database, Award) == 0


def test_price_alone_needs_no_panel(database: Database, world: dict[str, int]) -> None:
    tid = bidding.add_tender(database, world["comp"], tender_input(code="ZB2026-04", points=10_000))
    a = bid(database, world, tid, "a", 24 * W, "ZB-031")
    b = bid(database, world, tid, "b", 20 * W, "ZB-032")
    ev = bidding.evaluate(database, tid)
    assert ev.final
    assert [(ln.proposal_id, ln.total_x100, ln.rank) for ln in ev.lines] == [(b, 10_000, 1), (a, 8333, 2)]
    assert bidding.award_tender(database, tid, b, "") is not None
    assert audit.verify(database).ok  # the tender's entries keep the chain whole (no hand-made score sheets here)


# --- a single valid bidder ---------------------------------------------------------------------------------------


def test_a_single_valid_bid_is_accepted_or_rejected_not_compared(database: Database, world: dict[str, int]) -> None:
    tid = bidding.add_tender(database, world["comp"], tender_input(code="ZB2026-05"))
    only = bid(database, world, tid, "a", 26 * W, "ZB-041")
    over = bid(database, world, tid, "b", 31 * W, "ZB-042")  # over the ceiling: invalid, so one valid bid remains
    panel(database, world["comp"], tid, {only: 7800, over: 9000})
    ev = bidding.evaluate(database, tid)
    assert ev.single_bidder and ev.valid_ids == (only,)
    line = next(ln for ln in ev.lines if ln.proposal_id == only)
    assert (line.panel_score, line.price_x100, line.total_x100, line.rank) == (Decimal("78.00"), None, None, None)
    with pytest.raises(ValidationError, match="reason"):
        bidding.decide_single_bid(database, tid, True, " ")
    with pytest.raises(ValidationError, match="not a valid bid"):
        bidding.award_tender(database, tid, over, "")
    award_id = bidding.decide_single_bid(database, tid, True, "项目必要、方案可行")
    with database.read() as s:
        assert s.get(Award, award_id).amount_fen == 26 * W  # type: ignore[union-attr]
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "tender.single_bid")).one()
    assert entry.after["accept"] is True and entry.after["reason"] == "项目必要、方案可行"
    with pytest.raises(ValidationError, match="one winner"):
        bidding.decide_single_bid(database, tid, True, "再次确认")


def test_a_single_bid_rejected_leaves_the_tender_without_a_winner(database: Database,
                                                                   world: dict[str, int]) -> None:
    tid = bidding.add_tender(database, world["comp"], tender_input(code="ZB2026-06"))
    bid(database, world, tid, "a", 26 * W, "ZB-051")
    assert bidding.decide_single_bid(database, tid, False, "方案可行性不足") is None
    [row] = bidding.tenders(database, world["comp"])
    assert (row.closed, row.no_winner_reason) == (True, "方案可行性不足")
    assert count(database, Award) == 0


def test_single_bid_decision_refused_with_several_valid_bids(database: Database, tender: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="2 valid bids, not one"):
        bidding.decide_single_bid(database, tender["tender"], True, "只看一家")
    assert count(database, Award) == 0


# --- permissions and the change log ------------------------------------------------------------------------------


def test_staff_may_run_a_tender_and_a_viewer_only_read(database: Database, world: dict[str, int]) -> None:
    database.actor = Actor("viewer", frozenset({Role.VIEWER}))
    with pytest.raises(NotAllowed, match=r"competition\.setup"):
        bidding.add_tender(database, world["comp"], tender_input())
    database.actor = Actor("liuxiaoyan", frozenset({Role.STAFF}))
    tid = bidding.add_tender(database, world["comp"], tender_input())
    pid = bid(database, world, tid, "a", 24 * W, "ZB-061")
    database.actor = Actor("viewer", frozenset({Role.VIEWER}))
    with pytest.raises(NotAllowed, match=r"intake\.edit"):
        bidding.submit_bid(database, tid, pid, 20 * W)
    with pytest.raises(NotAllowed):
        bidding.close_tender(database, tid)
    with pytest.raises(NotAllowed, match=r"funding\.edit"):
        bidding.award_tender(database, tid, None, "流标")
    with pytest.raises(NotAllowed, match=r"funding\.edit"):
        bidding.decide_single_bid(database, tid, True, "可行")
    assert bidding.evaluate(database, tid).single_bidder  # reading results is allowed
    database.actor = None
    with pytest.raises(NotAllowed, match="Sign in"):
        bidding.evaluate(database, tid)
    database.actor = Actor("liuxiaoyan", frozenset({Role.STAFF}))
    assert bidding.decide_single_bid(database, tid, True, "可行") is not None
    with database.read() as s:
        users = set(s.scalars(select(AuditEntry.username).where(AuditEntry.action.startswith("tender."))))
    assert users == {"liuxiaoyan"}


def test_every_write_is_in_the_change_log(database: Database, world: dict[str, int],
                                          tender: dict[str, int]) -> None:
    bidding.edit_tender(database, bidding.add_tender(database, world["comp"], tender_input(code="ZB2026-07")),
                        tender_input(code="ZB2026-07"))
    bidding.award_tender(database, tender["tender"], tender["b"], "")
    logged = actions(database)
    for action in ("tender.add", "bid.submit", "tender.close", "tender.edit", "tender.award"):
        assert action in logged
    with database.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "tender.award")).one()
    assert entry.entity == "tender" and entry.entity_id == tender["tender"]
    assert entry.after["amount_fen"] == 25 * W and entry.after["total_x100"] == 9180


def test_a_tender_schedule_can_be_set_with_apply_template(database: Database, tender: dict[str, int]) -> None:
    award_id = bidding.award_tender(database, tender["tender"], tender["b"], "")
    with database.write() as s:
        award = s.get(Award, award_id)
        tranches.apply_template(s, award, [Step(percent_x100=3000), Step(percent_x100=7000)])  # type: ignore[arg-type]
    with database.read() as s:
        assert [t.amount_fen for t in s.get(Award, award_id).tranches] == [7_500_000, 17_500_000]  # type: ignore[union-attr]


def test_screening_finds_a_bid_over_the_ceiling(database: Database, world: dict[str, int]) -> None:
    """Screening always checks a bid's price against its tender's ceiling: over it is a hard failure (无效投标)."""
    from psp_desktop.services import screening

    tid = bidding.add_tender(database, world["comp"], tender_input())
    over = proposal(database, world["comp"], world["a"], "超限价投标", "ZB-071")
    within = proposal(database, world["comp"], world["b"], "限价内投标", "ZB-072")
    bidding.submit_bid(database, tid, over, 30 * W + 1)
    bidding.submit_bid(database, tid, within, 30 * W)
    checks = {c.code: c for c in screening.run_checks(database, over)}
    assert checks[bidding.BID_OVER_CEILING].passed is False
    assert screening.suggest([c for c in checks.values() if not c.manual]) is screening.ScreeningOutcome.INELIGIBLE
    assert {c.code: c.passed for c in screening.run_checks(database, within)}[bidding.BID_OVER_CEILING] is True


def test_a_round_serving_one_tender_takes_only_its_bids(database: Database, world: dict[str, int]) -> None:
    """Two tenders judged by their own committees: each round takes its tender's screened bids, whatever the other
    tender's round has done; a round serving every tender takes them all."""
    first = bidding.add_tender(database, world["comp"], tender_input("ZB2026-11"))
    second = bidding.add_tender(database, world["comp"], tender_input("ZB2026-12"))
    a = bid(database, world, first, "a", 24 * W, "ZB-011")
    b = bid(database, world, second, "b", 25 * W, "ZB-012")
    c = bid(database, world, second, "c", 26 * W, "ZB-013")
    bid(database, world, second, "d", 20 * W, "ZB-014", ProposalStatus.INELIGIBLE)
    round_a = panel(database, world["comp"], first, {}, frozen=False, seq=1)
    round_b = panel(database, world["comp"], second, {}, frozen=False, seq=2)
    with database.read() as s:
        assert judging.participants(s, s.get(Round, round_a)) == [a]
        assert judging.participants(s, s.get(Round, round_b)) == [b, c]  # not held up by the first tender's round
        s.get(Round, round_a).tender_id = None  # one committee for every tender: all the screened bids
        assert judging.participants(s, s.get(Round, round_a)) == [a, b, c]
        s.rollback()


def test_an_allocation_cannot_overrule_the_tender(database: Database, world: dict[str, int],
                                                 tender: dict[str, int]) -> None:
    """The Funding page's allocation ranks by the committee alone and would replace the decided winner: refused for a
    bidding programme, as is changing the winner's price; nothing is written."""
    award_id = bidding.award_tender(database, tender["tender"], tender["b"], "")
    assert award_id is not None
    rules = allocation.Rules(0)
    with pytest.raises(ValidationError, match="not a venture competition"):
        allocation.propose(database, world["comp"], rules)
    with pytest.raises(ValidationError, match="not a venture competition"):
        allocation.commit(database, world["comp"], [])
    with pytest.raises(ValidationError, match="winning bid price"):
        allocation.adjust(database, award_id, 199 * W, "测试")
    with database.read() as s:
        assert s.get(Award, award_id).amount_fen == 25 * W  # type: ignore[union-attr]
        assert s.scalar(select(func.count()).select_from(Award)) == 1
