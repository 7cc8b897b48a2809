"""The organization capacity record (services.capacity) on SQLite and PostgreSQL, built by hand over two years of
competitions and checked field by field; the screening rules that use it ("no failed evaluation in N years", at its
boundary, and a bar on applications); records() for many organizations equal to record() one by one, in the same
number of queries; the CLI."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest
from sqlalchemy import event

from psp_desktop import cli
from psp_desktop.db import Database, open_database
from psp_desktop.enums import (
    AwardLevel,
    AwardStatus,
    CompetitionStatus,
    EvaluationGrade,
    EvaluationKind,
    InspectionResult,
    OrgType,
    ProposalStatus,
    Role,
    ScreeningOutcome,
    ServiceDomain,
)
from psp_desktop.errors import ValidationError
from psp_desktop.models import (
    Award,
    Clawback,
    Competition,
    Evaluation,
    Organization,
    OrganizationBar,
    Payment,
    ProgressReport,
    Proposal,
    Tranche,
)
from psp_desktop.services import capacity, competitions, screening
from psp_desktop.services.access import Actor, NotAllowed
from psp_desktop.services.capacity import (
    AwardFact,
    BarFact,
    ClawbackFact,
    EvaluationFact,
    LateReport,
    ProposalFact,
)

TODAY = dt.date(2026, 3, 1)
AS_OF = dt.date(2026, 4, 10)  # the 2026 application deadline: screening judges eligibility as of this day
_n = itertools.count(1)


def org(name: str) -> Organization:
    return Organization(name=name, org_type=OrgType.SERVICE_AGENCY, registered_on=dt.date(2018, 1, 1),
                        inspection_result=InspectionResult.PASSED, has_bank_account=True)


def comp(year: int, rules: dict[str, Any] | None = None, **changes: Any) -> Competition:
    return Competition(name=f"{year}年望江街道社区公益创投大赛（第{next(_n)}场）", year=year,
                       status=changes.pop("status", CompetitionStatus.IMPLEMENTING), rules=rules or {}, **changes)


def proposal(c: Competition, o: Organization, title: str, status: ProposalStatus,
             number: str | None = None) -> Proposal:
    return Proposal(competition=c, organization=o, title=title, domain=ServiceDomain.ELDERLY, status=status,
                    intake_number=number, requested_fen=5_000_000, matching_fen=2_000_000,
                    total_budget_fen=7_000_000)


def award(p: Proposal, level: AwardLevel, amount: int, status: AwardStatus) -> Award:
    return Award(proposal_id=p.id, competition_id=p.competition.id, level=level, amount_fen=amount, status=status)


def evaluation(a: Award, kind: EvaluationKind, grade: EvaluationGrade, total: int, on: dt.date, *,
               final: bool = True) -> Evaluation:
    return Evaluation(award_id=a.id, kind=kind, grade=grade, total_x100=total, passed=grade != EvaluationGrade.FAIL,
                      evaluated_on=on, final=final)


def build_history(database: Database) -> dict[str, int]:
    """Two years of 阳光 (sun): 2024 — two proposals, one funded (second prize 6万, 3万 paid), its mid-term passed and
    its final failed, one report late, one missing, one late by less than the grace days, a clawback, a bar after the
    failed final and an old bar long over; 2025 — one funded (first prize 8万, committed) whose mid-term is not final
    yet, and a draft never sent in. 月亮 (moon) has one proposal not funded; 星星 (star) never applied."""
    with database.write() as s:
        sun, moon, star = org("阳光社会工作服务中心"), org("月亮家庭服务中心"), org("星星志愿者协会")
        c24 = comp(2024, {"monitoring": {"grace_days": 7}})
        c25 = comp(2025, {"monitoring": {"grace_days": 0}})
        s.add_all([sun, moon, star, c24, c25])
        s.flush()
        p1 = proposal(c24, sun, "银龄互助食堂", ProposalStatus.IMPLEMENTING, "2024-001")
        p2 = proposal(c24, sun, "楼道议事会", ProposalStatus.NOT_AWARDED, "2024-002")
        p3 = proposal(c25, sun, "四点半课堂", ProposalStatus.AWARDED, "2025-001")
        draft = proposal(c25, sun, "还没写完的申报书", ProposalStatus.DRAFT)
        p_moon = proposal(c24, moon, "家庭教育讲堂", ProposalStatus.NOT_AWARDED, "2024-003")
        s.add_all([p1, p2, p3, draft, p_moon])
        s.flush()
        a1 = award(p1, AwardLevel.SECOND, 6_000_000, AwardStatus.SIGNED)
        a3 = award(p3, AwardLevel.FIRST, 8_000_000, AwardStatus.COMMITTED)
        s.add_all([a1, a3])
        s.flush()
        tranche = Tranche(award_id=a1.id, seq=1, amount_fen=3_000_000)
        s.add(tranche)
        s.flush()
        s.add(Payment(tranche_id=tranche.id, amount_fen=3_000_000, paid_on=dt.date(2024, 7, 1),
                      voucher_number="记-2024-07-001", paid_by="王会计"))
        mid = evaluation(a1, EvaluationKind.MIDTERM, EvaluationGrade.PASS, 7250, dt.date(2024, 12, 20))
        fin = evaluation(a1, EvaluationKind.FINAL, EvaluationGrade.FAIL, 5500, dt.date(2025, 6, 30))
        open_mid = evaluation(a3, EvaluationKind.MIDTERM, EvaluationGrade.FAIL, 4000, dt.date(2026, 1, 15),
                              final=False)  # still open to objection: not on the record
        s.add_all([mid, fin, open_mid])
        s.flush()
        s.add_all([
            ProgressReport(award_id=a1.id, seq=1, due_on=dt.date(2024, 9, 30), submitted_on=dt.date(2024, 9, 28)),
            ProgressReport(award_id=a1.id, seq=2, due_on=dt.date(2024, 12, 31), submitted_on=dt.date(2025, 1, 20)),
            ProgressReport(award_id=a1.id, seq=3, due_on=dt.date(2025, 3, 31), submitted_on=dt.date(2025, 4, 5)),
            ProgressReport(award_id=a1.id, seq=4, due_on=dt.date(2025, 6, 30)),  # never handed in
            ProgressReport(award_id=a3.id, seq=1, due_on=dt.date(2026, 2, 27)),  # missing, 2 days (no grace)
            ProgressReport(award_id=a3.id, seq=2, due_on=dt.date(2026, 6, 30)),  # not due yet
        ])
        s.add(Clawback(award_id=a1.id, tranche_id=tranche.id, amount_fen=1_500_000,
                       reason="终期评估不合格，追回部分资助", decided_on=dt.date(2025, 7, 10)))
        s.add_all([
            OrganizationBar(organization_id=sun.id, reason="终期评估不合格，两年内不得申报",
                            from_date=dt.date(2025, 7, 1), until_date=dt.date(2027, 6, 30), evaluation_id=fin.id),
            OrganizationBar(organization_id=sun.id, reason="2019年未按期结项", from_date=dt.date(2019, 9, 1),
                            until_date=dt.date(2020, 8, 31)),
        ])
        s.flush()
        return {"sun": sun.id, "moon": moon.id, "star": star.id, "c24": c24.id, "c25": c25.id, "p1": p1.id,
                "p2": p2.id, "p3": p3.id, "a1": a1.id, "a3": a3.id, "mid": mid.id, "fin": fin.id}


# --- the record ------------------------------------------------------------------------------------------------


def test_the_record_after_two_years_field_by_field(database: Database) -> None:
    ids = build_history(database)
    record = capacity.record(database, ids["sun"], today=TODAY)
    assert (record.organization_id, record.organization, record.as_of) == (ids["sun"], "阳光社会工作服务中心", TODAY)
    assert [(r.year, r.competition_id) for r in record.rows] == [(2025, ids["c25"]), (2024, ids["c24"])]
    r25, r24 = record.rows

    assert r24.proposals == (ProposalFact(ids["p1"], "2024-001", "银龄互助食堂", ProposalStatus.IMPLEMENTING),
                             ProposalFact(ids["p2"], "2024-002", "楼道议事会", ProposalStatus.NOT_AWARDED))
    assert r24.awards == (AwardFact(ids["a1"], ids["p1"], "银龄互助食堂", AwardLevel.SECOND, 6_000_000,
                                    AwardStatus.SIGNED, 3_000_000),)
    c24 = r24.competition
    assert r24.evaluations == (
        EvaluationFact(ids["mid"], ids["a1"], "银龄互助食堂", c24, 2024, EvaluationKind.MIDTERM, EvaluationGrade.PASS,
                       7250, True, dt.date(2024, 12, 20)),
        EvaluationFact(ids["fin"], ids["a1"], "银龄互助食堂", c24, 2024, EvaluationKind.FINAL, EvaluationGrade.FAIL,
                       5500, False, dt.date(2025, 6, 30)))
    assert [e.failed for e in r24.evaluations] == [False, True]
    # report 2: 20 days late (over the 7 grace days); 3: 5 days, within them; 4: never handed in, 244 days by today
    assert [(x.seq, x.submitted_on, x.days_late) for x in r24.late_reports] == [
        (2, dt.date(2025, 1, 20), 20), (4, None, 244)]
    assert all(isinstance(x, LateReport) and x.award_id == ids["a1"] and x.gate_failed_on is None
               for x in r24.late_reports)
    assert [(c.amount_fen, c.reason, c.decided_on, c.recovered_on) for c in r24.clawbacks] == [
        (1_500_000, "终期评估不合格，追回部分资助", dt.date(2025, 7, 10), None)]
    assert isinstance(r24.clawbacks[0], ClawbackFact) and r24.clawbacks[0].title == "银龄互助食堂"
    assert [(b.reason, b.from_date, b.until_date, b.evaluation_id, b.competition_id, b.active) for b in r24.bars] == [
        ("终期评估不合格，两年内不得申报", dt.date(2025, 7, 1), dt.date(2027, 6, 30), ids["fin"], ids["c24"], True)]

    assert r25.proposals == (ProposalFact(ids["p3"], "2025-001", "四点半课堂", ProposalStatus.AWARDED),)  # no draft
    assert r25.awards == (AwardFact(ids["a3"], ids["p3"], "四点半课堂", AwardLevel.FIRST, 8_000_000,
                                    AwardStatus.COMMITTED, 0),)
    assert r25.evaluations == ()  # the mid-term is not final yet
    assert [(x.seq, x.days_late) for x in r25.late_reports] == [(1, 2)]  # no grace days in 2025
    assert (r25.clawbacks, r25.bars) == ((), ())

    assert [(b.reason, b.active, b.competition_id) for b in record.bars] == [
        ("终期评估不合格，两年内不得申报", True, ids["c24"]), ("2019年未按期结项", False, None)]
    s = record.summary
    assert s.years_active == (2024, 2025) and s.competitions == 2
    assert (s.proposals, s.funded, s.granted_fen, s.paid_fen) == (3, 2, 14_000_000, 3_000_000)
    assert (s.evaluations, s.failed_evaluations, s.recent_years) == (2, 1, 3)
    assert (s.late_reports, s.clawbacks, s.clawed_back_fen) == (3, 1, 1_500_000)
    assert (s.active_bar_until, s.active_bar_reason) == (dt.date(2027, 6, 30), "终期评估不合格，两年内不得申报")
    assert not record.empty


def test_the_summary_moves_with_the_day(database: Database) -> None:
    ids = build_history(database)
    eve = capacity.record(database, ids["sun"], today=dt.date(2028, 6, 29), recent_years=3)
    assert eve.summary.failed_evaluations == 1  # the final failed on 2025-06-30: three years end on 2028-06-30
    assert eve.summary.active_bar_until is None and not any(b.active for b in eve.bars)  # the bar ended 2027-06-30
    day = capacity.record(database, ids["sun"], today=dt.date(2028, 6, 30), recent_years=3)
    assert day.summary.failed_evaluations == 0


def test_a_late_report_the_rule_failed_a_gate_for_stays_late(database: Database) -> None:
    ids = build_history(database)
    with database.write() as s:
        report = s.query(ProgressReport).filter_by(award_id=ids["a1"], seq=3).one()  # 5 days: within the grace
        report.late_failed_on = dt.date(2025, 4, 8)
    late = capacity.record(database, ids["sun"], today=TODAY).rows[1].late_reports
    assert [(x.seq, x.days_late, x.gate_failed_on) for x in late] == [
        (2, 20, None), (3, 5, dt.date(2025, 4, 8)), (4, 244, None)]


def test_an_organization_without_history_and_one_not_funded(database: Database) -> None:
    ids = build_history(database)
    star = capacity.record(database, ids["star"], today=TODAY)
    assert star.empty and star.rows == () and star.summary.years_active == ()
    assert (star.summary.proposals, star.summary.funded, star.summary.active_bar_until) == (0, 0, None)
    moon = capacity.record(database, ids["moon"], today=TODAY)
    assert [(r.year, len(r.proposals), r.awards) for r in moon.rows] == [(2024, 1, ())]
    assert (moon.summary.funded, moon.summary.granted_fen) == (0, 0)


def test_a_cancelled_award_counts_what_was_paid_and_owes_no_more_reports(database: Database) -> None:
    ids = build_history(database)
    with database.write() as s:
        s.get(Award, ids["a1"]).status = AwardStatus.CANCELLED
    record = capacity.record(database, ids["sun"], today=TODAY)
    assert (record.summary.funded, record.summary.granted_fen) == (2, 3_000_000 + 8_000_000)
    assert [x.seq for x in record.rows[1].late_reports] == [2]  # handed in late before; the missing one is not owed


def test_records_batched_equal_record_in_the_same_number_of_queries(database: Database) -> None:
    ids = build_history(database)
    everyone = [ids["sun"], ids["moon"], ids["star"]]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        capacity.records(database, [ids["sun"]], today=TODAY)
        one = len(statements)
        statements.clear()
        batch = capacity.records(database, [*everyone, 99_999], today=TODAY)
        assert len(statements) == one  # no query per organization
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert set(batch) == set(everyone)  # an unknown id is left out
    for org_id in everyone:
        assert batch[org_id] == capacity.record(database, org_id, today=TODAY)


def test_unknown_organization_and_who_may_read(database: Database) -> None:
    ids = build_history(database)
    with pytest.raises(ValidationError, match="no organization with number 99999"):
        capacity.record(database, 99_999)
    with pytest.raises(ValidationError, match="no proposal with number 99999"):
        capacity.for_proposal(database, 99_999)
    assert capacity.for_proposal(database, ids["p3"], today=TODAY) == capacity.record(database, ids["sun"],
                                                                                       today=TODAY)
    database.actor = Actor("viewer", frozenset({Role.VIEWER}))
    assert capacity.record(database, ids["sun"]).summary.proposals == 3
    database.actor = Actor("judge", frozenset({Role.JUDGE}))
    with pytest.raises(NotAllowed):
        capacity.record(database, ids["sun"])
    database.actor = None
    with pytest.raises(NotAllowed):
        capacity.records(database, [ids["sun"]])


# --- screening: "no failed evaluation in N years" and bars ------------------------------------------------------


def applicant(database: Database, *, rules: dict[str, Any] | None = None, failed_on: dt.date | None = None,
              final: bool = True, bar: tuple[dt.date, dt.date] | None = None) -> int:
    """A 2026 proposal (deadline AS_OF) of an organization whose 2023 project's final evaluation failed on
    failed_on, and which may be barred; returns the proposal id."""
    with database.write() as s:
        o = org(f"望江社工服务中心{next(_n)}")
        c23, c26 = comp(2023), comp(2026, rules, status=CompetitionStatus.SCREENING, apply_until=AS_OF)
        s.add_all([o, c23, c26])
        s.flush()
        if failed_on is not None:
            old = proposal(c23, o, "社区老年食堂", ProposalStatus.COMPLETED, f"2023-{next(_n):03d}")
            s.add(old)
            s.flush()
            a = award(old, AwardLevel.THIRD, 4_000_000, AwardStatus.COMPLETED)
            s.add(a)
            s.flush()
            s.add(evaluation(a, EvaluationKind.FINAL, EvaluationGrade.FAIL, 5200, failed_on, final=final))
        if bar is not None:
            s.add(OrganizationBar(organization_id=o.id, reason="终期评估不合格", from_date=bar[0], until_date=bar[1]))
        new = proposal(c26, o, "邻里守望", ProposalStatus.SUBMITTED, f"2026-{next(_n):03d}")
        s.add(new)
        s.flush()
        return new.id


def checks(database: Database, pid: int) -> dict[str, tuple[bool | None, str]]:
    return {r.code: (r.passed, r.render()) for r in screening.run_checks(database, pid) if not r.manual}


def test_no_failed_evaluation_in_n_years_at_the_boundary(database: Database) -> None:
    two = {"no_failed_evaluation_years": 2}
    # failed exactly two years before the deadline: two full years have passed
    assert checks(database, applicant(database, rules=two, failed_on=dt.date(2024, 4, 10))) == {
        "evaluation_record": (True, "No failed evaluation in the 2 year(s) before 2026-04-10")}
    # a day later: still within two years, and the failure is named
    pid = applicant(database, rules=two, failed_on=dt.date(2024, 4, 11))
    passed, text = checks(database, pid)["evaluation_record"]
    assert passed is False
    assert text.startswith("Final evaluation of “社区老年食堂” (2023年望江街道社区公益创投大赛（第")
    assert text.endswith("graded Fail on 2024-04-11: 1 failed evaluation(s) in the 2 year(s) before 2026-04-10")
    assert screening.suggest(screening.run_checks(database, pid)) == ScreeningOutcome.INELIGIBLE
    # three years back from the deadline reaches the first one too
    three = {"no_failed_evaluation_years": 3}
    assert checks(database, applicant(database, rules=three, failed_on=dt.date(2024, 4, 10)))[
        "evaluation_record"][0] is False


def test_the_evaluation_rule_off_or_unfinished_evaluations(database: Database) -> None:
    failed = dt.date(2025, 12, 1)
    assert checks(database, applicant(database, failed_on=failed)) == {}  # absent: off
    assert checks(database, applicant(database, rules={"no_failed_evaluation_years": 0}, failed_on=failed)) == {}
    # an evaluation still open to objection is not a fact yet
    assert checks(database, applicant(database, rules={"no_failed_evaluation_years": 3}, failed_on=failed,
                                      final=False))["evaluation_record"][0] is True


def test_a_bar_in_force_makes_a_proposal_ineligible_whatever_the_rules(database: Database) -> None:
    pid = applicant(database, bar=(dt.date(2025, 7, 1), dt.date(2027, 6, 30)))
    assert checks(database, pid) == {
        "organization_bar": (False, "Barred from applying from 2025-07-01 until 2027-06-30: 终期评估不合格")}
    results = screening.run_checks(database, pid)
    assert screening.suggest(results) == ScreeningOutcome.INELIGIBLE
    for code in ("charter_scope", "materials_complete"):
        screening.record_manual(database, pid, code, True, "", "刘晓燕")
    with pytest.raises(ValidationError, match="cannot be eligible"):
        screening.decide(database, pid, ScreeningOutcome.ELIGIBLE, "", "刘晓燕")
    # the bar's last day still counts; the day after it (or a bar only starting later) does not
    assert checks(database, applicant(database, bar=(dt.date(2024, 4, 11), AS_OF)))["organization_bar"][0] is False
    assert checks(database, applicant(database, bar=(dt.date(2024, 4, 10), AS_OF - dt.timedelta(days=1)))) == {
        "organization_bar": (True, "No bar on applications in force on 2026-04-10 (1 on record)")}
    assert checks(database, applicant(database, bar=(AS_OF + dt.timedelta(days=1), dt.date(2028, 1, 1))))[
        "organization_bar"][0] is True


def test_both_record_rules_together_are_listed_after_the_others(database: Database) -> None:
    rules = {"no_failed_evaluation_years": 2, "require_bank_account": True}
    pid = applicant(database, rules=rules, failed_on=dt.date(2025, 6, 1), bar=(dt.date(2025, 7, 1),
                                                                                 dt.date(2027, 6, 30)))
    assert [(r.code, r.passed) for r in screening.run_checks(database, pid) if not r.manual] == [
        ("bank_account", True), ("evaluation_record", False), ("organization_bar", False)]
    assert [r.code for r in screening.checks(database, pid) if not r.manual] == [
        "bank_account", "evaluation_record", "organization_bar"]


def test_the_rule_is_kept_with_the_competition_settings(database: Database) -> None:
    data = competitions.CompetitionData(name="2027年望江街道社区公益创投大赛", year=2027)
    data.screening.no_failed_evaluation_years = 3
    cid = competitions.create(database, data)
    loaded, version = competitions.load(database, cid)
    assert loaded.screening.no_failed_evaluation_years == 3
    with database.read() as s:
        assert s.get(Competition, cid).rules["no_failed_evaluation_years"] == 3
    loaded.screening.no_failed_evaluation_years = 0
    competitions.update(database, cid, loaded, version)
    with database.read() as s:
        assert "no_failed_evaluation_years" not in s.get(Competition, cid).rules


# --- the command line ------------------------------------------------------------------------------------------


def test_psp_organizations_capacity(tmp_path: Any, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))
    path = tmp_path / "capacity.db"
    db = open_database(path)
    try:
        ids = build_history(db)
    finally:
        db.close()
    assert cli.main(["--db", str(path), "organizations", "capacity", str(ids["sun"]), "--as-of", "2026-03-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"阳光社会工作服务中心 (organization {ids['sun']}), as of 2026-03-01")
    assert "Years 2024, 2025: 3 proposal(s), 2 funded, 140,000.00 yuan granted, 30,000.00 yuan paid" in out
    assert "1 failed evaluation(s) in the last 3 year(s); 3 late report(s); 1 clawback(s) of 15,000.00 yuan" in out
    assert "Barred from applying until 2027-06-30: 终期评估不合格，两年内不得申报" in out
    assert "final fail 2025-06-30" in out and "2019-09-01 – 2020-08-31  2019年未按期结项" in out
    assert cli.main(["--db", str(path), "organizations", "capacity", str(ids["sun"]), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["granted_fen"] == 14_000_000 and len(data["rows"]) == 2
    assert cli.main(["--db", str(path), "organizations", "capacity", "99999"]) == 2
    assert "There is no organization with number 99999." in capsys.readouterr().err
    assert cli.main(["--db", str(path), "organizations", "capacity", str(ids["sun"]), "--as-of", "3月1日"]) == 2
    assert "3月1日 is not a date" in capsys.readouterr().err


def test_fact_types_are_frozen() -> None:
    bar = BarFact(1, "x", dt.date(2025, 1, 1), dt.date(2025, 12, 31), None, None, True)
    with pytest.raises(AttributeError):
        bar.active = False  # type: ignore[misc]
    assert bar.in_force(dt.date(2025, 12, 31)) and not bar.in_force(dt.date(2026, 1, 1))
