"""The capacity record panel (ui.capacity_panel) on a copy of the demo: its tab in the organization dialog, the
compact summary in the intake form and beside the screening checks, the full record opened from it, and a late
answer for an earlier choice dropped. Screenshots go to /tmp/shots8 when that folder exists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from shots import shoot
from sqlalchemy import select

from psp_desktop.db import Database
from psp_desktop.enums import EvaluationGrade, EvaluationKind, GateKind, ProposalStatus
from psp_desktop.models import Award, Evaluation, OrganizationBar, Proposal, Tranche
from psp_desktop.services import capacity, screening
from psp_desktop.ui.capacity_panel import CapacityDialog, CapacityPanel


@pytest.fixture
def db(chinese_demo: Database) -> Database:
    """The session's demo, copied: this test's writes stay there."""
    return chinese_demo


def failed_applicant(db: Database) -> tuple[int, int]:
    """The demo's organization whose 2024 mid-term failed (its mid-term tranche withheld) and which applied again in
    2026; its mid-term is made a final failed evaluation and a two-year bar is added, as the evaluation rules would.
    Returns (organization id, its 2026 proposal id)."""
    with db.write() as s:
        award = s.scalars(select(Award).join(Tranche, Tranche.award_id == Award.id).where(
            Tranche.gate == GateKind.MIDTERM_PASSED, Tranche.gate_met.is_(False))).first()
        assert award is not None
        org_id = s.get(Proposal, award.proposal_id).organization_id
        mid = s.scalars(select(Evaluation).where(Evaluation.award_id == award.id,
                                                 Evaluation.kind == EvaluationKind.MIDTERM)).first()
        if mid is None:
            mid = Evaluation(award_id=award.id, kind=EvaluationKind.MIDTERM)
            s.add(mid)
        mid.grade, mid.passed, mid.total_x100, mid.final = EvaluationGrade.FAIL, False, 5200, True
        mid.evaluated_on = mid.evaluated_on or dt.date(2025, 12, 16)
        s.flush()
        s.add(OrganizationBar(organization_id=org_id, reason="中期评估不合格，两年内不得申报",
                              from_date=mid.evaluated_on, until_date=dt.date(2027, 12, 15), evaluation_id=mid.id))
        proposal_id = s.scalars(select(Proposal.id).where(
            Proposal.organization_id == org_id, Proposal.intake_number.like("2026-%"))).first()
        assert proposal_id is not None
    return org_id, proposal_id


def wait_loaded(qtbot: Any, panel: CapacityPanel) -> None:
    qtbot.waitUntil(lambda: panel.is_loaded, timeout=20_000)


def test_the_record_in_the_organization_dialog(qtbot: Any, db: Database) -> None:
    from psp_desktop.ui.dialogs.organization_dialog import OrganizationDialog

    org_id, _pid = failed_applicant(db)
    dialog = OrganizationDialog(db, org_id)
    qtbot.addWidget(dialog)
    panel = dialog.capacity
    assert dialog.tabs.indexOf(panel) == dialog.tabs.count() - 1
    wait_loaded(qtbot, panel)
    record = capacity.record(db, org_id)
    assert panel.record == record and record.summary.failed_evaluations == 1
    assert panel.model.rowCount() == len(record.rows) == 2  # 2026 and 2024
    assert [panel.model.row_at(i).year for i in range(2)] == [2026, 2024]
    assert "2027-12-15" in panel.summary.text() and "#b71c1c" in panel.summary.styleSheet()
    assert panel.model.row_at(1).warn == frozenset({"evaluations", "bars"})
    assert not panel.view.isHidden() and panel.details.isHidden()
    dialog.tabs.setCurrentWidget(panel)
    dialog.resize(1280, 560)
    dialog.show()
    shoot(dialog, "capacity_organization")


def test_a_new_organization_has_no_record_to_read(qtbot: Any, db: Database) -> None:
    from psp_desktop.ui.dialogs.organization_dialog import OrganizationDialog

    dialog = OrganizationDialog(db)
    qtbot.addWidget(dialog)
    assert not dialog.capacity.is_loaded and dialog.capacity.model.rowCount() == 0
    assert dialog.capacity.summary.text()


def test_the_summary_in_the_intake_form(qtbot: Any, db: Database) -> None:
    from psp_desktop.ui.dialogs.proposal_dialog import ProposalDialog

    org_id, pid = failed_applicant(db)
    dialog = ProposalDialog(db, pid)
    qtbot.addWidget(dialog)
    panel = dialog.capacity
    wait_loaded(qtbot, panel)
    assert panel.compact and panel.view.isHidden() and panel.details.isEnabled()
    assert panel.record is not None and panel.record.organization_id == org_id
    dialog.show()
    shoot(dialog, "capacity_intake")
    blank = ProposalDialog(db)  # choosing the applicant shows its record
    qtbot.addWidget(blank)
    assert blank.capacity.record is None
    blank.organization.setCurrentIndex(blank.organization.findData(org_id))
    wait_loaded(qtbot, blank.capacity)
    assert blank.capacity.record is not None and blank.capacity.record.organization_id == org_id


def test_the_summary_beside_the_screening_checks(qtbot: Any, db: Database) -> None:
    from psp_desktop.ui.dialogs.screening_dialog import ScreeningDialog

    org_id, pid = failed_applicant(db)
    with db.write() as s:
        s.get(Proposal, pid).status = ProposalStatus.SUBMITTED  # screened again with the bar now on record
    dialog = ScreeningDialog(db, pid, "刘晓燕")
    qtbot.addWidget(dialog)
    wait_loaded(qtbot, dialog.capacity)
    assert dialog.capacity.record is not None and dialog.capacity.record.organization_id == org_id
    dialog.run_checks()
    bar = next(c for c in dialog.results if c.code == "organization_bar")
    assert bar.passed is False and "2027-12-15" in bar.render()
    assert screening.suggest(dialog.results).value == "ineligible"
    reasons = [dialog.model.row_at(i).reason for i in range(dialog.model.rowCount())]
    assert any("2027-12-15" in reason for reason in reasons)
    dialog.resize(1100, 760)
    dialog.show()
    shoot(dialog, "capacity_screening")


def test_the_full_record_opened_from_the_compact_panel(qtbot: Any, db: Database) -> None:
    org_id, _pid = failed_applicant(db)
    dialog = CapacityDialog(db, org_id, "测试机构")
    qtbot.addWidget(dialog)
    wait_loaded(qtbot, dialog.panel)
    assert dialog.panel.model.rowCount() == 2 and not dialog.panel.compact
    dialog.show()
    shoot(dialog, "capacity_dialog")


def test_a_late_answer_for_an_earlier_choice_is_dropped(qtbot: Any, db: Database) -> None:
    org_id, _pid = failed_applicant(db)
    with db.read() as s:
        other = s.scalars(select(Proposal.organization_id).where(Proposal.organization_id != org_id)).first()
    panel = CapacityPanel(db, compact=True)
    qtbot.addWidget(panel)
    panel.load(org_id)
    panel.load(other)
    wait_loaded(qtbot, panel)
    qtbot.wait(50)
    assert panel.record is not None and panel.record.organization_id == other
    panel.load(None)
    assert panel.record is None and panel.summary.text()


def test_the_demo_organizations_with_the_longest_records(qtbot: Any, db: Database) -> None:
    """Every demo organization read in one batch, as one by one; the one with most to show is pictured."""
    from psp_desktop.ui.dialogs.organization_dialog import OrganizationDialog

    with db.read() as s:
        ids = list(s.scalars(select(Proposal.organization_id).distinct()))
    everyone = capacity.records(db, ids)
    assert set(everyone) == set(ids)
    richest = max(everyone.values(), key=lambda r: (r.summary.late_reports + r.summary.clawbacks
                                                    + r.summary.failed_evaluations, r.summary.competitions))
    assert richest == capacity.record(db, richest.organization_id, today=richest.as_of)
    assert richest.summary.competitions >= 2  # 2026 applicants took part in 2024 and 2025 too
    dialog = OrganizationDialog(db, richest.organization_id)
    qtbot.addWidget(dialog)
    wait_loaded(qtbot, dialog.capacity)
    dialog.tabs.setCurrentWidget(dialog.capacity)
    dialog.resize(1280, 560)
    dialog.show()
    shoot(dialog, "capacity_organization_demo")
