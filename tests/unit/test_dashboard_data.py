"""The dashboard's figures worked out by hand on a small district: money by service domain and by community,
tranche status, evaluation grades, score bins from frozen rounds, the scope chooser, and refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from psp_desktop.db import Database
from psp_desktop.enums import (
    AwardStatus,
    CompetitionStatus,
    EvaluationGrade,
    EvaluationKind,
    GateKind,
    OrgType,
    ProposalStatus,
    RoundKind,
    ServiceDomain,
    TrancheStatus,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    Award,
    Community,
    Competition,
    Evaluation,
    Organization,
    Payment,
    Proposal,
    Round,
    RoundSnapshot,
    Tranche,
)
from psp_desktop.services import access, dashboard_data, needs
from psp_desktop.services.dashboard_data import GradeLine, MoneyLine, Scope, ScoreBin, StatusLine

W = 1_000_000  # 万 in fen
TODAY = dt.date(2026, 6, 1)
D = Decimal


def _tranche(seq: int, amount: int, status: TrancheStatus, gate: GateKind = GateKind.NONE, *, paid: int = 0,
             clawed: int = 0) -> Tranche:
    tranche = Tranche(seq=seq, amount_fen=amount, gate=gate, status=status, clawed_back_fen=clawed)
    if paid:
        tranche.payments.append(Payment(amount_fen=paid, paid_on=dt.date(2025, 9, 1),
                                        voucher_number=f"记-{seq}-{amount}", paid_by="财务"))
    return tranche


def _funded(s, competition: Competition, organization: Organization, title: str, domain: ServiceDomain,  # type: ignore[no-untyped-def]
            community: Community | None, amount: int, tranches: list[Tranche]) -> Award:
    proposal = Proposal(competition=competition, organization=organization, title=title, domain=domain,
                        community_id=community.id if community else None, status=ProposalStatus.IMPLEMENTING,
                        requested_fen=amount, total_budget_fen=amount)
    s.add(proposal)
    s.flush()
    award = Award(proposal_id=proposal.id, competition_id=competition.id, amount_fen=amount,
                  status=AwardStatus.SIGNED, signed_on=dt.date(2025, 8, 1), tranches=tranches)
    s.add(award)
    s.flush()
    return award


def _round(s, competition: Competition, seq: int, scores: list[str], *, frozen: bool = True,  # type: ignore[no-untyped-def]
           reopened: bool = False) -> int:
    round_ = Round(competition_id=competition.id, seq=seq, name=f"第{seq}轮", kind=RoundKind.WRITTEN, frozen=frozen)
    s.add(round_)
    s.flush()
    s.add(RoundSnapshot(round_id=round_.id, content={"proposals": [{"score": v} for v in scores]}, sha256="0" * 64,
                        frozen_by="测试", reopened_at=dt.datetime(2025, 7, 1) if reopened else None))
    return round_.id


@pytest.fixture
def district(database: Database) -> dict[str, int]:
    """Two competitions, two communities, four funded projects with their tranches, rounds and evaluations."""
    with database.write() as s:
        binhe = Community(district="锦江区", street="望江街道", name="滨河社区")
        shuangnan = Community(district="锦江区", street="望江街道", name="双楠社区")
        org = Organization(name="望江社工服务中心", org_type=OrgType.SERVICE_AGENCY)
        c2025 = Competition(name="2025年大赛", year=2025, status=CompetitionStatus.IMPLEMENTING)
        c2024 = Competition(name="2024年大赛", year=2024, status=CompetitionStatus.CLOSED)
        s.add_all([binhe, shuangnan, org, c2025, c2024])
        s.flush()
        # 2025: elderly in 滨河 (10万: 5万 paid, 5万 waiting for the mid-term), children in 双楠 (6万: 3万 paid,
        # 3万 withheld), elderly without a community (4万, cancelled: committed nothing)
        a1 = _funded(s, c2025, org, "长者食堂", ServiceDomain.ELDERLY, binhe, 10 * W, [
            _tranche(1, 5 * W, TrancheStatus.PAID, paid=5 * W),
            _tranche(2, 5 * W, TrancheStatus.PLANNED, GateKind.MIDTERM_PASSED)])
        a2 = _funded(s, c2025, org, "四点半课堂", ServiceDomain.CHILDREN, shuangnan, 6 * W, [
            _tranche(1, 3 * W, TrancheStatus.PAID, paid=3 * W),
            _tranche(2, 3 * W, TrancheStatus.WITHHELD, GateKind.MIDTERM_PASSED)])
        _funded(s, c2025, org, "助老出行", ServiceDomain.ELDERLY, None, 4 * W, [
            _tranche(1, 4 * W, TrancheStatus.CANCELLED)])
        # 2024: health in 滨河 (8万: 4万 paid; 4万 paid then clawed back), and one tranche due (gate none)
        a4 = _funded(s, c2024, org, "健康小屋", ServiceDomain.HEALTH, binhe, 10 * W, [
            _tranche(1, 4 * W, TrancheStatus.PAID, paid=4 * W),
            _tranche(2, 4 * W, TrancheStatus.CLAWED_BACK, paid=4 * W, clawed=4 * W),
            _tranche(3, 2 * W, TrancheStatus.PLANNED, GateKind.NONE)])
        s.add_all([
            Evaluation(award_id=a1.id, kind=EvaluationKind.MIDTERM, grade=EvaluationGrade.GOOD, final=True),
            Evaluation(award_id=a2.id, kind=EvaluationKind.MIDTERM, grade=EvaluationGrade.FAIL, final=True),
            Evaluation(award_id=a4.id, kind=EvaluationKind.MIDTERM, grade=EvaluationGrade.GOOD, final=True),
            Evaluation(award_id=a4.id, kind=EvaluationKind.FINAL, grade=EvaluationGrade.EXCELLENT, final=True),
            # still in its objection window: not counted
            Evaluation(award_id=a2.id, kind=EvaluationKind.FINAL, grade=EvaluationGrade.PASS, final=False),
        ])
        written = _round(s, c2025, 1, ["59.50", "60.00", "64.99", "71.25", "88.00", "90.00"])
        reopened = _round(s, c2025, 2, ["70.00"], frozen=False, reopened=True)
        older = _round(s, c2024, 1, ["80.00", "85.50"])
        return {"c2025": c2025.id, "c2024": c2024.id, "written": written, "reopened": reopened, "older": older}


def test_money_by_domain_and_community_everything(database: Database, district: dict[str, int]) -> None:
    figures = dashboard_data.figures(database, Scope(), TODAY)
    # committed = every tranche not cancelled (as the Funding page), paid = the payments, clawed-back money included
    assert figures.by_domain == (
        MoneyLine("elderly", 2, 10 * W, 5 * W),
        MoneyLine("health", 1, 10 * W, 8 * W),
        MoneyLine("children", 1, 6 * W, 3 * W),
    )
    assert figures.by_community == (
        MoneyLine("滨河社区", 2, 20 * W, 13 * W),
        MoneyLine("双楠社区", 1, 6 * W, 3 * W),
        MoneyLine("", 1, 0, 0),  # the cancelled project named no community
    )


def test_tranche_status_counts_and_amounts(database: Database, district: dict[str, int]) -> None:
    figures = dashboard_data.figures(database, Scope(), TODAY)
    assert figures.tranches == (
        StatusLine(TrancheStatus.PLANNED, 1, 5 * W),      # the mid-term gate is still open
        StatusLine(TrancheStatus.DUE, 1, 2 * W),          # no gate: due as soon as planned
        StatusLine(TrancheStatus.PAID, 3, 12 * W),
        StatusLine(TrancheStatus.WITHHELD, 1, 3 * W),
        StatusLine(TrancheStatus.CANCELLED, 1, 4 * W),
        StatusLine(TrancheStatus.CLAWED_BACK, 1, 4 * W),
    )


def test_evaluation_grades_count_final_results_only(database: Database, district: dict[str, int]) -> None:
    figures = dashboard_data.figures(database, Scope(), TODAY)
    assert figures.grades == (
        GradeLine(EvaluationGrade.EXCELLENT, 0, 1),
        GradeLine(EvaluationGrade.GOOD, 2, 0),
        GradeLine(EvaluationGrade.FAIL, 1, 0),
    )
    assert [g.total for g in figures.grades] == [1, 2, 1]


def test_a_competition_or_a_year_narrows_every_figure(database: Database, district: dict[str, int]) -> None:
    one = dashboard_data.figures(database, Scope(competition_id=district["c2024"]), TODAY)
    year = dashboard_data.figures(database, Scope(year=2024), TODAY)
    for figures in (one, year):
        assert figures.by_domain == (MoneyLine("health", 1, 10 * W, 8 * W),)
        assert figures.by_community == (MoneyLine("滨河社区", 1, 10 * W, 8 * W),)
        assert [line.status for line in figures.tranches] == [TrancheStatus.DUE, TrancheStatus.PAID,
                                                             TrancheStatus.CLAWED_BACK]
        assert figures.grades == (GradeLine(EvaluationGrade.EXCELLENT, 0, 1), GradeLine(EvaluationGrade.GOOD, 1, 0))
        assert [r.round_id for r in figures.rounds] == [district["older"]]
        assert figures.scores == (D("80.00"), D("85.50"))
        assert figures.coverage_year == 2024
    nothing = dashboard_data.figures(database, Scope(year=2019), TODAY)
    assert (nothing.by_domain, nothing.tranches, nothing.grades, nothing.rounds, nothing.scores) == ((),) * 5
    # the chooser lists every competition whatever the scope, newest first
    assert [c.year for c in one.competitions] == [2025, 2024]


def test_score_bins_from_the_frozen_rounds(database: Database, district: dict[str, int]) -> None:
    figures = dashboard_data.figures(database, Scope(), TODAY)
    # frozen rounds only (the reopened one is not), newest competition first; the first one's totals come along
    assert [r.round_id for r in figures.rounds] == [district["written"], district["older"]]
    assert figures.scores == (D("59.50"), D("60.00"), D("64.99"), D("71.25"), D("88.00"), D("90.00"))
    assert dashboard_data.score_bins(figures.scores, 10) == (
        ScoreBin(50, 60, 1), ScoreBin(60, 70, 2), ScoreBin(70, 80, 1), ScoreBin(80, 90, 1), ScoreBin(90, 100, 1))
    assert dashboard_data.score_bins(figures.scores, 5) == (
        ScoreBin(55, 60, 1), ScoreBin(60, 65, 2), ScoreBin(65, 70, 0), ScoreBin(70, 75, 1), ScoreBin(75, 80, 0),
        ScoreBin(80, 85, 0), ScoreBin(85, 90, 1), ScoreBin(90, 95, 1))
    assert dashboard_data.round_scores(database, district["older"]) == (D("80.00"), D("85.50"))
    assert dashboard_data.score_bins([], 5) == ()
    assert dashboard_data.score_bins([D("100.00"), D("104.50")], 5) == (ScoreBin(100, 105, 2),)  # bonus points


def test_coverage_is_the_needs_report_of_the_scope_year(database: Database, district: dict[str, int]) -> None:
    assert dashboard_data.figures(database, Scope(), TODAY).coverage_year == 2025  # everything: the latest year
    figures = dashboard_data.figures(database, Scope(competition_id=district["c2025"]), TODAY)
    assert figures.coverage_year == 2025
    assert figures.coverage == needs.coverage(database, 2025)


def test_refusals(database: Database, district: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="7"):
        dashboard_data.score_bins([D("60")], 7)
    with pytest.raises(ValidationError, match="999"):
        dashboard_data.figures(database, Scope(competition_id=999), TODAY)
    with pytest.raises(ValidationError, match="no frozen results"):
        dashboard_data.round_scores(database, 999)
    database.actor = None
    with pytest.raises(access.NotAllowed):
        dashboard_data.figures(database)
    with pytest.raises(access.NotAllowed):
        dashboard_data.round_scores(database, district["written"])


def test_an_empty_database_draws_nothing(database: Database) -> None:
    figures = dashboard_data.figures(database, Scope(), TODAY)
    assert figures.competitions == () and figures.coverage is None and figures.coverage_year is None
    assert (figures.by_domain, figures.by_community, figures.tranches, figures.grades, figures.rounds) == ((),) * 5
