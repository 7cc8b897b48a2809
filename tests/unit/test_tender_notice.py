"""The tender result notice (中标结果公示): published only for a decided tender and for long enough, one objection
within the period that must be resolved, and the winner's agreement signed only after both; permissions and the
change log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from test_bidding import W, actions, bid, panel, tender_input, world  # noqa: F401  (world is a fixture)

from psp_desktop.db import Database
from psp_desktop.enums import AwardLevel, AwardStatus, Role
from psp_desktop.errors import ValidationError
from psp_desktop.models import AuditEntry, Award, Competition, TenderProject
from psp_desktop.services import allocation, bidding, tender_notice, tranches
from psp_desktop.services.access import Actor, NotAllowed

FROM, UNTIL = dt.date(2026, 3, 2), dt.date(2026, 3, 6)  # five days, both ends counted


@pytest.fixture
def decided(database: Database, world: dict[str, int]) -> dict[str, int]:  # noqa: F811
    """A tender with two valid bids, B (25万) first, awarded."""
    tid = bidding.add_tender(database, world["comp"], tender_input())
    ids = {"tender": tid, "a": bid(database, world, tid, "a", 24 * W, "ZB-001"),
           "b": bid(database, world, tid, "b", 25 * W, "ZB-002")}
    panel(database, world["comp"], tid, {ids["a"]: 8555, ids["b"]: 9000})
    ids["award"] = bidding.award_tender(database, tid, ids["b"], "")  # type: ignore[assignment]
    return ids


def tender_row(db: Database, tid: int) -> TenderProject:
    with db.read() as s:
        tender = s.get(TenderProject, tid)
        assert tender is not None
        s.expunge(tender)
        return tender


def test_a_decided_tender_is_published_and_listed(database: Database, world: dict[str, int],  # noqa: F811
                                                  decided: dict[str, int]) -> None:
    before = tender_notice.state(database, decided["tender"])
    assert (before.decided, before.published, before.winner_id) == (True, False, decided["b"])
    tender_notice.publish(database, decided["tender"], FROM, UNTIL)
    now = tender_notice.state(database, decided["tender"])
    assert (now.notice_from, now.notice_until, now.published) == (FROM, UNTIL, True)
    assert now.running(FROM) and now.running(UNTIL) and not now.running(UNTIL + dt.timedelta(days=1))
    assert not now.ended(UNTIL) and now.ended(UNTIL + dt.timedelta(days=1))
    [row] = bidding.tenders(database, world["comp"])
    assert (row.notice_from, row.notice_until, row.objection) == (FROM, UNTIL, "")
    with database.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "tender.notice")).one()
    assert entry.after == {"notice_from": "2026-03-02", "notice_until": "2026-03-06", "winner": decided["b"]}


def test_publishing_refuses_an_undecided_tender_a_short_period_and_a_second_notice(
        database: Database, world: dict[str, int], decided: dict[str, int]) -> None:  # noqa: F811
    open_tender = bidding.add_tender(database, world["comp"], tender_input(code="ZB2026-07"))
    before = actions(database)
    with pytest.raises(ValidationError, match="no result yet"):
        tender_notice.publish(database, open_tender, FROM, UNTIL)
    tid = decided["tender"]
    with pytest.raises(ValidationError, match=r"ends \(2026-03-01\) before it starts"):
        tender_notice.publish(database, tid, FROM, dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match=r"period of 4 days is too short.*at least 5 calendar days"):
        tender_notice.publish(database, tid, FROM, dt.date(2026, 3, 5))
    with database.write() as s:  # the competition asks for seven days
        competition = s.get(Competition, world["comp"])
        competition.rules = {**(competition.rules or {}), "tender_notice_days": 7}  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="at least 7 calendar days"):
        tender_notice.publish(database, tid, FROM, UNTIL)
    with pytest.raises(ValidationError, match="no tender project with number 999"):
        tender_notice.publish(database, 999, FROM, UNTIL)
    assert actions(database) == before
    assert not tender_notice.state(database, tid).published
    tender_notice.publish(database, tid, FROM, dt.date(2026, 3, 8))
    with pytest.raises(ValidationError, match="already published, from 2026-03-02 to 2026-03-08"):
        tender_notice.publish(database, tid, dt.date(2026, 4, 1), dt.date(2026, 4, 30))


def test_a_tender_closed_without_a_winner_is_published_too(database: Database, world: dict[str, int]) -> None:  # noqa: F811
    tid = bidding.add_tender(database, world["comp"], tender_input())
    only = bid(database, world, tid, "a", 24 * W, "ZB-001")
    assert bidding.decide_single_bid(database, tid, False, "必要性不足") is None
    tender_notice.publish(database, tid, FROM, UNTIL)
    state = tender_notice.state(database, tid)
    assert state.decided and state.winner_id is None and not state.signable(dt.date(2026, 4, 1))
    assert only


def test_one_objection_inside_the_period_then_its_resolution(database: Database, decided: dict[str, int]) -> None:
    tid = decided["tender"]
    with pytest.raises(ValidationError, match="not been published"):
        tender_notice.object_to(database, tid, "评分不公", FROM)
    tender_notice.publish(database, tid, FROM, UNTIL)
    with pytest.raises(ValidationError, match="nothing to resolve"):
        tender_notice.resolve(database, tid, "维持")
    with pytest.raises(ValidationError, match="Write down the objection"):
        tender_notice.object_to(database, tid, "  ", FROM)
    with pytest.raises(ValidationError, match="2026-03-07 is outside the notice period"):
        tender_notice.object_to(database, tid, "评分不公", dt.date(2026, 3, 7))
    with pytest.raises(ValidationError, match="outside"):
        tender_notice.object_to(database, tid, "评分不公", dt.date(2026, 3, 1))
    tender_notice.object_to(database, tid, " 望江社工服务中心资质存疑 ", UNTIL)  # the last day counts
    with pytest.raises(ValidationError, match="already recorded: one objection per notice"):
        tender_notice.object_to(database, tid, "第二份异议", UNTIL)
    state = tender_notice.state(database, tid)
    assert (state.objection, state.objection_open) == ("望江社工服务中心资质存疑", True)
    with pytest.raises(ValidationError, match="how the objection was resolved"):
        tender_notice.resolve(database, tid, "")
    tender_notice.resolve(database, tid, "经核查，资质符合要求，维持中标结果")
    with pytest.raises(ValidationError, match="already resolved"):
        tender_notice.resolve(database, tid, "再议")
    assert tender_row(database, tid).objection_resolution == "经核查，资质符合要求，维持中标结果"
    with database.read() as s:
        entries = {e.action: e for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "tender"))}
    assert entries["tender.objection"].after == {"objection": "望江社工服务中心资质存疑", "raised_on": "2026-03-06"}
    assert entries["tender.objection_resolved"].after == {"objection_resolution": "经核查，资质符合要求，维持中标结果"}


def test_the_winner_signs_only_after_the_notice_and_a_resolved_objection(database: Database,
                                                                         decided: dict[str, int]) -> None:
    tid, award = decided["tender"], decided["award"]
    today = dt.date(2026, 3, 20)
    with pytest.raises(ValidationError, match="has not been published"):
        tranches.sign(database, award, dt.date(2026, 3, 10), today=today)
    tender_notice.publish(database, tid, FROM, UNTIL)
    with pytest.raises(ValidationError, match=r"runs until 2026-03-06.*from 2026-03-07 on"):
        tranches.sign(database, award, UNTIL, today=today)
    tender_notice.object_to(database, tid, "报价计算有误", dt.date(2026, 3, 4))
    state = tender_notice.state(database, tid)
    assert not state.signable(today)
    assert "has not been resolved" in (state.blocking_reason(today) or "")
    with pytest.raises(ValidationError, match="has not been resolved"):
        tranches.sign(database, award, dt.date(2026, 3, 10), today=today)
    with database.read() as s:
        assert s.get(Award, award).status is AwardStatus.COMMITTED  # type: ignore[union-attr]
    tender_notice.resolve(database, tid, "复核无误")
    state = tender_notice.state(database, tid)
    assert state.signable(today) and state.blocking_reason(today) is None
    assert state.blocking_reason(UNTIL, lambda _c, text: "译:" + text).startswith("译:")  # type: ignore[union-attr]
    tranches.sign(database, award, dt.date(2026, 3, 7), today=today)
    with database.read() as s:
        assert s.get(Award, award).status is AwardStatus.SIGNED  # type: ignore[union-attr]


def test_awards_not_won_in_a_tender_sign_as_before(database: Database, world: dict[str, int]) -> None:  # noqa: F811
    from test_bidding import proposal

    pid = proposal(database, world["comp"], world["a"], "直接资助的项目", "ZB-050")
    with database.write() as s:
        competition = s.get(Competition, world["comp"])
        assert competition is not None
        award = allocation.add_award_in(s, competition, allocation.Line(
            pid, None, None, 10 * W, AwardLevel.NONE, 10 * W, AwardStatus.COMMITTED))
    tranches.sign(database, award, dt.date(2026, 3, 1), today=dt.date(2026, 3, 1))


def test_every_change_needs_funding_edit_and_reading_results_read(database: Database,
                                                                  decided: dict[str, int]) -> None:
    tid = decided["tender"]
    database.actor = Actor("viewer", frozenset({Role.VIEWER}))
    assert not tender_notice.state(database, tid).published
    for change in (lambda: tender_notice.publish(database, tid, FROM, UNTIL),
                   lambda: tender_notice.object_to(database, tid, "异议", FROM),
                   lambda: tender_notice.resolve(database, tid, "处理")):
        with pytest.raises(NotAllowed):
            change()
    database.actor = None
    with pytest.raises(NotAllowed, match="Sign in first"):
        tender_notice.state(database, tid)
    database.actor = Actor("wang", frozenset({Role.FINANCE}))
    tender_notice.publish(database, tid, FROM, UNTIL)
    assert tender_notice.state(database, tid).published
