"""The demo's evaluations: the 2024 projects' mid-term evaluations in December 2025, whose results decide the
second tranche (played on the story's clock by demo_funding._Story)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import tranches

if TYPE_CHECKING:
    from .demo_funding import _Story


def midterm(story: _Story, award_id: int, score: int | None, rectified: bool) -> None:
    """A mid-term evaluation with this total (None: failed); its result decides the award's second tranche."""
    from .demo_funding import FAILED_REASON, FINANCE

    if score is not None:
        reason = f"中期评估合格（第三方评估得分{score}分）"
        if rectified:
            reason += "；实地走访发现的问题已按要求整改"
    else:
        reason = FAILED_REASON
    tranches.record_gate(story.s, story._tranche(award_id, 2), score is not None, reason, FINANCE, story.today)
