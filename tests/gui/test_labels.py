"""Stored values read as words: every enum value that has a label has its own, whatever other enums share it."""

from __future__ import annotations

import enum

from psp_desktop import enums
from psp_desktop.ui.labels import LABELS, label


def test_enum_values_shared_between_enums_keep_their_own_labels() -> None:
    assert LABELS[(enums.Rating, "none")] != LABELS[(enums.InspectionResult, "none")]
    others = {LABELS[(kind, "other")] for kind in (enums.ServiceDomain, enums.NeedSource, enums.OrgType,
                                                    enums.RoundKind, enums.BudgetCategory)}
    assert len(others) == 5


def test_every_enum_shown_in_lists_has_labels_for_all_values() -> None:
    shown = (enums.ServiceDomain, enums.NeedSource, enums.OrgType, enums.InspectionResult, enums.Rating,
             enums.CompetitionMode, enums.CompetitionStatus, enums.RoundKind, enums.ProposalStatus,
             enums.DocumentType, enums.BudgetCategory, enums.ScreeningOutcome, enums.AwardLevel,
             enums.AwardStatus, enums.GateKind, enums.TrancheStatus)
    missing = [f"{kind.__name__}.{m.name}" for kind in shown for m in kind if (kind, m.value) not in LABELS]
    assert not missing
    assert all(isinstance(kind, enum.EnumMeta) for kind in shown)
    assert label(enums.BudgetCategory.MANAGEMENT) != label(enums.ServiceDomain.OTHER)
