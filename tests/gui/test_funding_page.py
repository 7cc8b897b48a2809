"""The Funding page on a small competition whose written review is frozen: awards proposed three ways and committed
(the pool bar follows), the refusal while results are not final, adjusting with and without a reason, funding a
reserve award, signing with a number made, a payment schedule that does not add up (refused) and one that does,
cancelling, printing the agreement, and what a read-only person sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog
from shots import extra_translator, shoot
from sqlalchemy import select

from psp_desktop import i18n
from psp_desktop.db import Database, open_database
from psp_desktop.enums import (
    Aggregation,
    AwardLevel,
    AwardStatus,
    CompetitionStatus,
    OrgType,
    ProposalStatus,
    Role,
    RoundKind,
    ServiceDomain,
)
from psp_desktop.models import Competition, Criterion, Judge, Organization, Panel, PanelMember, Proposal, Round
from psp_desktop.services import allocation, judging, rankings, sheet_states, tranches
from psp_desktop.services.access import Actor
from psp_desktop.services.allocation import AwardRow, Limit, Method
from psp_desktop.ui.labels import money_text
from psp_desktop.ui.pages.funding import FundingPage

translate = QCoreApplication.translate
POOL = 20_000_000  # 200,000 yuan
CAP = 6_000_000
REQUESTS = (5_000_000, 5_000_000, 3_000_000, 5_000_000, 5_000_000, 4_000_000)  # by final rank
LEVELS = {"first": {"count": 1, "amount_fen": 6_000_000}, "second": {"count": 2, "amount_fen": 4_000_000},
          "third": {"count": 2, "amount_fen": 2_000_000}}
JUDGES = ("张明", "李华", "王芳")


# --- a competition with frozen results -----------------------------------------------------------------------------


def build(path: Path) -> tuple[int, int]:
    """Two competitions with six proposals each: 2024's written review scored and frozen (proposal n ranks n-th,
    83.5 down to 53.5 points), 2025's round still open. Returns their ids."""
    db = open_database(path)
    try:
        with db.write() as s:
            orgs = [Organization(name=f"望江第{n}社会工作服务中心", org_type=OrgType.SERVICE_AGENCY)
                    for n in range(1, 7)]
            judges = [Judge(name=name) for name in JUDGES]
            funded = Competition(name="2024年望江街道社区公益创投大赛", year=2024, status=CompetitionStatus.REVIEW,
                                 pool_fen=POOL, project_cap_fen=CAP, rules={"award_levels": LEVELS})
            pending = Competition(name="2025年望江街道社区公益创投大赛", year=2025, status=CompetitionStatus.REVIEW,
                                  pool_fen=POOL, project_cap_fen=CAP)
            s.add_all([*orgs, *judges, funded, pending])
            s.flush()
            for competition in (funded, pending):
                round_ = Round(competition_id=competition.id, seq=1, name="书面评审", kind=RoundKind.WRITTEN,
                               aggregation=Aggregation.MEAN, judges_per_proposal=3, score_step_x100=50,
                               criteria=[Criterion(seq=1, name="需求分析", max_points_x100=6000),
                                         Criterion(seq=2, name="项目设计", max_points_x100=4000)])
                s.add(round_)
                s.flush()
                s.add(Panel(round_id=round_.id, name="第一评审组",
                            members=[PanelMember(judge_id=j.id) for j in judges]))
                for n, (org, requested) in enumerate(zip(orgs, REQUESTS, strict=True), 1):
                    s.add(Proposal(competition_id=competition.id, organization_id=org.id,
                                   title=f"“邻里守望”社区为老服务项目（第{n}期）", domain=ServiceDomain.ELDERLY,
                                   intake_number=f"{competition.year}-WJ-{n:03d}", status=ProposalStatus.ELIGIBLE,
                                   requested_fen=requested, matching_fen=3_000_000,
                                   total_budget_fen=requested + 3_000_000, start_month=dt.date(2024, 3, 1),
                                   end_month=dt.date(2025, 2, 1)))
            funded_id, pending_id = funded.id, pending.id
        _score_and_freeze(db, funded_id)
    finally:
        db.close()
    return funded_id, pending_id


def _score_and_freeze(db: Database, competition_id: int) -> None:
    with db.read() as s:
        round_id = s.scalar(select(Round.id).where(Round.competition_id == competition_id))
        criteria = s.scalars(select(Criterion.id).where(Criterion.round_id == round_id).order_by(Criterion.seq)).all()
        order = {pid: n for n, pid in enumerate(s.scalars(select(Proposal.id).where(
            Proposal.competition_id == competition_id).order_by(Proposal.id)), 1)}
    judging.auto_assign(db, round_id)
    for line in sheet_states.sheet_lines(db, round_id):
        n, j = order[line.proposal_id], JUDGES.index(line.judge)
        points = {criteria[0]: 5500 - 400 * n - 50 * j, criteria[1]: 3500 - 200 * n}
        judging.record_sheet(db, line.assignment_id, points, source="paper", by="录入员")
    rankings.freeze_round(db, round_id)


@pytest.fixture
def funding_db(tmp_path: Path) -> Iterator[tuple[Database, int, int]]:
    path = tmp_path / "funding.db"
    funded, pending = build(path)
    db = open_database(path)
    i18n.install("zh_CN")
    extra = extra_translator()
    yield db, funded, pending
    db.close()
    if extra is not None:
        QCoreApplication.removeTranslator(extra)


def open_page(qtbot: Any, db: Database, competition_id: int) -> FundingPage:
    page = FundingPage()
    qtbot.addWidget(page)
    page.resize(1360, 780)
    page.set_database(db)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.choose(competition_id)
    return page


def rows(page: FundingPage) -> list[AwardRow]:
    model = page.awards.model
    return [model.row_at(i) for i in range(model.rowCount())]


def by_rank(page: FundingPage, rank: int) -> AwardRow:
    return next(r for r in rows(page) if r.rank == rank)


def pool_figures(page: FundingPage) -> list[str]:
    return [value.text() for value in page.pool_bar.values]


def run_dialog(monkeypatch: pytest.MonkeyPatch, cls: type, script: Callable[[Any], None]) -> None:
    """The next cls dialog runs script instead of waiting for a person; exec returns what the dialog ended with."""
    def exec_(dialog: QDialog) -> int:
        dialog.show()
        script(dialog)
        return dialog.result()
    monkeypatch.setattr(cls, "exec", exec_)


def error(source: str, **params: Any) -> str:
    text = translate("Errors", source)
    return text.format(**params) if params else text


def committed(db: Database, competition_id: int) -> None:
    lines = allocation.propose(db, competition_id, allocation.rules_of(db, competition_id, Method.REQUESTED))
    allocation.commit(db, competition_id, lines)


# --- proposing ---------------------------------------------------------------------------------------------------


def test_awards_are_proposed_three_ways_then_committed_and_the_pool_bar_follows(
        qtbot, funding_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.allocation_dialog import AllocationDialog

    db, funded, _pending = funding_db
    page = open_page(qtbot, db, funded)
    assert pool_figures(page) == [money_text(POOL), money_text(0), money_text(0), money_text(POOL)]
    assert page.awards.stack.currentIndex() == 1  # the empty state says how awards come
    assert not page.adjust_button.isEnabled() and page.propose_button.isEnabled()
    shoot(page, "funding_empty")

    def wait(dialog: AllocationDialog, method: Method) -> list[Any]:
        qtbot.waitUntil(lambda: dialog.ready and dialog.preview is not None
                        and dialog.preview.rules.method is method, timeout=20_000)
        return [dialog.model.row_at(i) for i in range(dialog.model.rowCount())]

    def script(dialog: AllocationDialog) -> None:
        shown = wait(dialog, Method.REQUESTED)
        assert [r.decision for r in shown] == [AwardStatus.COMMITTED] * 4 + [AwardStatus.RESERVE] * 2
        assert [r.limit for r in shown[4:]] == [Limit.POOL, Limit.POOL]  # the pool ran out at rank 5
        assert [r.rank for r in shown] == [1, 2, 3, 4, 5, 6] and shown[0].score == "83.50"
        assert shown[0].organization == "望江第1社会工作服务中心"
        assert dialog.pool_bar.values[1].text() == money_text(18_000_000) and not dialog.pool_bar.over
        assert dialog.commit_button.isEnabled()
        shoot(dialog, "allocation_requested")

        dialog.set_method(Method.LEVELS)
        shown = wait(dialog, Method.LEVELS)
        assert [r.amount_fen for r in shown] == [5_000_000, 4_000_000, 3_000_000, 2_000_000, 2_000_000, 0]
        assert [r.limit for r in shown] == [Limit.REQUEST, Limit.NONE, Limit.REQUEST, Limit.NONE, Limit.NONE,
                                            Limit.LEVELS_FULL]
        assert translate("Labels", "First prize") in dialog.levels.text()
        shoot(dialog, "allocation_levels")

        dialog.set_method(Method.PERCENT)
        dialog.threshold.setValue(60)
        shown = wait(dialog, Method.PERCENT)
        assert [r.amount_fen for r in shown] == [4_000_000, 4_000_000, 2_400_000, 4_000_000, 0, 0]
        assert [r.decision for r in shown[4:]] == [None, None]
        assert [r.limit for r in shown[4:]] == [Limit.THRESHOLD, Limit.THRESHOLD]
        assert dialog.model.data(dialog.model.index(4, 9)) == translate("Funding", "Below the score threshold")
        shoot(dialog, "allocation_percent")

        dialog.set_method(Method.REQUESTED)
        wait(dialog, Method.REQUESTED)
        dialog.commit_button.click()

    run_dialog(monkeypatch, AllocationDialog, script)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.propose_button.click()
    assert [(r.rank, r.status) for r in rows(page)] == [(n, AwardStatus.COMMITTED) for n in range(1, 5)] + [
        (5, AwardStatus.RESERVE), (6, AwardStatus.RESERVE)]
    assert pool_figures(page) == [money_text(POOL), money_text(18_000_000), money_text(0), money_text(2_000_000)]
    assert page.pool_bar.bar.value() == 900 and not page.pool_bar.over
    assert page.awards.model.data(page.awards.model.index(0, 6)) == "50,000.00"
    page.select_award(by_rank(page, 1).award_id)
    assert page.adjust_button.isEnabled() and page.sign_button.isEnabled() and page.schedule_button.isEnabled()
    shoot(page, "funding_committed")


def test_proposing_before_the_results_are_final_says_so_and_commits_nothing(
        qtbot, funding_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.allocation_dialog import AllocationDialog

    db, _funded, pending = funding_db
    page = open_page(qtbot, db, pending)

    def script(dialog: AllocationDialog) -> None:
        qtbot.waitUntil(lambda: dialog.ready and dialog.banner.isVisible(), timeout=20_000)
        assert error("The results are not final: round {round} is not frozen.", round="书面评审") \
            in dialog.banner.text()
        assert not dialog.commit_button.isEnabled() and dialog.model.rowCount() == 0
        shoot(dialog, "allocation_not_final")
        dialog.reject()

    run_dialog(monkeypatch, AllocationDialog, script)
    page.propose_button.click()
    assert allocation.awards(db, pending) == []


def test_committing_again_replaces_the_awards_until_one_is_signed(qtbot, funding_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from psp_desktop.ui.dialogs.allocation_dialog import AllocationDialog

    db, funded, _pending = funding_db
    committed(db, funded)
    page = open_page(qtbot, db, funded)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: asked.append(text)
                        or QMessageBox.StandardButton.Yes)

    def percent(dialog: AllocationDialog) -> None:
        assert dialog.replacing.isVisible()
        dialog.set_method(Method.PERCENT)
        qtbot.waitUntil(lambda: dialog.ready and dialog.preview is not None
                        and dialog.preview.rules.method is Method.PERCENT, timeout=20_000)
        dialog.commit_button.click()

    run_dialog(monkeypatch, AllocationDialog, percent)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.propose_button.click()
    assert len(asked) == 1 and "6" in asked[0]
    assert [r.amount_fen for r in rows(page)] == [4_000_000, 4_000_000, 2_400_000, 4_000_000]
    assert pool_figures(page)[1] == money_text(14_400_000)

    tranches.sign(db, by_rank(page, 1).award_id, dt.date.today())
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.funding_changed.emit()  # as a money tab does after a write
    assert by_rank(page, 1).status is AwardStatus.SIGNED

    def signed(dialog: AllocationDialog) -> None:
        qtbot.waitUntil(lambda: dialog.ready and dialog.preview is not None, timeout=20_000)
        assert dialog.replacing.isVisible() and not dialog.commit_button.isEnabled()
        dialog.reject()

    run_dialog(monkeypatch, AllocationDialog, signed)
    page.propose_button.click()


def test_pool_bar_turns_red_when_committed_is_more_than_the_pool(qtbot) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.pages.funding import PoolBar

    bar = PoolBar()
    qtbot.addWidget(bar)
    bar.set_pool(10_000_000, 12_000_000, 1_000_000)
    assert bar.over and bar.bar.value() == 1000 and PoolBar.OVER in bar.bar.styleSheet()
    assert PoolBar.OVER_TEXT in bar.values[3].styleSheet()
    assert bar.values[3].text() == money_text(-2_000_000)
    bar.set_pool(10_000_000, 5_000_000)
    assert not bar.over and bar.bar.value() == 500


# --- single awards -----------------------------------------------------------------------------------------------


def test_adjust_needs_a_reason_and_funds_a_reserve_award(qtbot, funding_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.award_dialogs import AdjustDialog

    db, funded, _pending = funding_db
    committed(db, funded)
    page = open_page(qtbot, db, funded)
    first = by_rank(page, 1)

    def without_reason(dialog: AdjustDialog) -> None:
        dialog.amount.setText("4.5万")
        dialog.ok_button.click()
        assert dialog.banner.isVisible()
        assert dialog.banner.text() == error("Give a reason: it goes into the change log.")
        dialog.amount.setText("四万")
        dialog.reason.setPlainText("预算核减")
        dialog.ok_button.click()
        assert "四万" in dialog.banner.text()
        shoot(dialog, "adjust_refused")
        dialog.reject()

    run_dialog(monkeypatch, AdjustDialog, without_reason)
    page.select_award(first.award_id)
    page.adjust_button.click()
    assert by_rank(page, 1).amount_fen == 5_000_000  # nothing written
    assert next(a for a in allocation.awards(db, funded) if a.rank == 1).amount_fen == 5_000_000

    def with_reason(dialog: AdjustDialog) -> None:
        dialog.amount.setText("4.5万")
        dialog.reason.setPlainText("预算中宣传费偏高，核减五千元")
        dialog.level.setCurrentIndex(dialog.level.findData(AwardLevel.SECOND))
        dialog.ok_button.click()

    run_dialog(monkeypatch, AdjustDialog, with_reason)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.adjust_button.click()
    assert by_rank(page, 1).amount_fen == 4_500_000 and by_rank(page, 1).reason == "预算中宣传费偏高，核减五千元"
    assert by_rank(page, 1).level is AwardLevel.SECOND
    assert page.selected_award().award_id == first.award_id  # the selection survives the reload
    assert pool_figures(page)[1] == money_text(17_500_000)

    def fund_reserve(dialog: AdjustDialog) -> None:
        assert dialog.windowTitle() == translate("Funding", "Fund from the reserve list")
        dialog.amount.setText("25000")
        dialog.reason.setPlainText("候补第一名，按剩余资金资助")
        shoot(dialog, "adjust_reserve")
        dialog.ok_button.click()

    run_dialog(monkeypatch, AdjustDialog, fund_reserve)
    page.select_award(by_rank(page, 5).award_id)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.adjust_button.click()
    assert by_rank(page, 5).status is AwardStatus.COMMITTED and by_rank(page, 5).amount_fen == 2_500_000
    assert pool_figures(page)[1:] == [money_text(POOL), money_text(0), money_text(0)]
    assert page.pool_bar.bar.value() == 1000 and not page.pool_bar.over


def test_sign_then_a_schedule_that_does_not_add_up_is_refused(qtbot, funding_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.award_dialogs import ScheduleDialog, SignDialog

    db, funded, _pending = funding_db
    committed(db, funded)
    page = open_page(qtbot, db, funded)
    first = by_rank(page, 1)
    page.select_award(first.award_id)

    def sign(dialog: SignDialog) -> None:
        later = dt.date.today() + dt.timedelta(days=3)
        dialog.signed_on.set_value(later)
        dialog.ok_button.click()
        assert dialog.banner.text() == error("The signing date {date} is in the future.", date=later.isoformat())
        dialog.signed_on.set_value(dt.date.today())
        shoot(dialog, "sign")
        dialog.ok_button.click()

    run_dialog(monkeypatch, SignDialog, sign)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.sign_button.click()
    signed = by_rank(page, 1)
    assert signed.status is AwardStatus.SIGNED and signed.agreement_number == "XY2024-01-001"
    assert page.notice.isVisible() and "XY2024-01-001" in page.notice.text()
    assert not page.sign_button.isEnabled() and page.schedule_button.isEnabled()
    before = tranches.schedule_of(db, first.award_id)

    def schedule(dialog: ScheduleDialog) -> None:
        assert [r.preview.text() for r in dialog.rows] == ["25,000.00", "25,000.00"]  # the competition's 50/50
        dialog.template.setCurrentIndex(dialog.template.findData("40/40/20"))
        dialog.apply_template("40/40/20")
        assert [r.preview.text() for r in dialog.rows] == ["20,000.00", "20,000.00", "10,000.00"]
        dialog.remove_row(dialog.rows[2])
        dialog.rows[0].percent.setValue(50)
        assert [r.preview.text() for r in dialog.rows] == ["—", "—"]
        assert dialog.total.text() == error("The percentages add up to {total}%, not 100%.", total="90")
        dialog.ok_button.click()
        assert dialog.banner.text() == error("The percentages add up to {total}%, not 100%.", total="90")
        assert tranches.schedule_of(db, first.award_id) == before  # nothing written
        shoot(dialog, "schedule_refused")
        dialog.rows[1].percent.setValue(33.33)
        row = dialog.add_row(tranches.Step(percent_x100=0, gate=tranches.GateKind.FINAL_PASSED))
        row.percent.setValue(16.67)
        assert [r.preview.text() for r in dialog.rows] == ["25,000.00", "16,665.00", "8,335.00"]
        shoot(dialog, "schedule")
        dialog.ok_button.click()

    run_dialog(monkeypatch, ScheduleDialog, schedule)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.schedule_button.click()
    saved = tranches.schedule_of(db, first.award_id)
    assert [s.percent_x100 for s in saved] == [5000, 3333, 1667]
    shoot(page, "funding_signed")


def test_a_fixed_tranche_and_a_dated_gate(qtbot, funding_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.award_dialogs import FIXED, ScheduleDialog

    db, funded, _pending = funding_db
    committed(db, funded)
    page = open_page(qtbot, db, funded)
    third = by_rank(page, 3)  # 30,000 yuan
    page.select_award(third.award_id)

    def schedule(dialog: ScheduleDialog) -> None:
        dialog.apply_template("10+quarterly")
        assert len(dialog.rows) == 5
        assert dialog.rows[1].date.text() == translate("Funding", "{months} months after the start").format(months=3)
        first = dialog.rows[0]
        first.kind.setCurrentIndex(first.kind.findData(FIXED))
        first.amount.setText("2000")
        assert dialog.rows[0].preview.text() == "—"  # the four quarters add up to 90%: not yet a schedule
        for row in dialog.rows[1:]:
            row.percent.setValue(25)
        assert [r.preview.text() for r in dialog.rows] == ["2,000.00"] + ["7,000.00"] * 4
        dialog.rows[4].date.set_value(dt.date(2025, 1, 15))
        shoot(dialog, "schedule_quarterly")
        dialog.ok_button.click()

    run_dialog(monkeypatch, ScheduleDialog, schedule)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.schedule_button.click()
    saved = tranches.schedule_of(db, third.award_id)
    assert saved[0].amount_fen == 200_000 and saved[0].percent_x100 is None
    assert saved[4].gate_date == dt.date(2025, 1, 15) and saved[1].gate_date == dt.date(2024, 6, 1)


def test_cancel_gives_the_money_back_to_the_pool(qtbot, funding_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.dialogs.award_dialogs import CancelDialog

    db, funded, _pending = funding_db
    committed(db, funded)
    page = open_page(qtbot, db, funded)
    page.select_award(by_rank(page, 2).award_id)

    def cancel(dialog: CancelDialog) -> None:
        dialog.ok_button.click()
        assert dialog.banner.text() == error("Give a reason: it goes into the change log.")
        dialog.reason.setPlainText("机构主动放弃资助")
        shoot(dialog, "cancel")
        dialog.ok_button.click()

    run_dialog(monkeypatch, CancelDialog, cancel)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.cancel_button.click()
    assert by_rank(page, 2).status is AwardStatus.CANCELLED
    assert pool_figures(page)[1] == money_text(13_000_000)
    assert not page.adjust_button.isEnabled() and not page.cancel_button.isEnabled()


def test_print_agreement_saves_the_pdf(qtbot, funding_db, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    printouts = pytest.importorskip("psp_desktop.services.funding_printouts")
    if not hasattr(printouts, "agreement_pdf"):
        pytest.skip("agreement_pdf is not written yet")
    pytest.importorskip("psp_desktop.documents.funding")
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QFileDialog

    db, funded, _pending = funding_db
    committed(db, funded)
    page = open_page(qtbot, db, funded)
    page.select_award(by_rank(page, 1).award_id)
    target = tmp_path / "agreement.pdf"
    opened: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), "PDF (*.pdf)"))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    page.print_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=30_000)
    assert opened == [str(target)] and target.read_bytes().startswith(b"%PDF")


def test_a_read_only_person_sees_no_write_actions(qtbot, funding_db) -> None:  # type: ignore[no-untyped-def]
    db, funded, _pending = funding_db
    committed(db, funded)
    db.actor = Actor("viewer", frozenset({Role.VIEWER}), None, "访客")
    page = open_page(qtbot, db, funded)
    assert len(rows(page)) == 6
    hidden = (page.propose_button, page.adjust_button, page.cancel_button, page.sign_button, page.schedule_button)
    assert not any(button.isVisible() for button in hidden)
    assert page.print_button.isVisible()


def test_the_main_window_makes_the_funding_page(qtbot) -> None:  # type: ignore[no-untyped-def]
    from psp_desktop.ui.main_window import make_page

    page = make_page("Funding", None)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    assert isinstance(page, FundingPage)
    assert page.tabs.tabText(0) == translate("Funding", "Awards")
    assert page.tabs.count() == 1 + len(page.money_tabs)
