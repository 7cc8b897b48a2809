"""The demo's implementation monitoring of the 2024 projects: milestones, progress reports and site visits, planned
into the story (demo_funding._Story) so the change log stays in time order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .demo_funding import _Story


def plan(story: _Story, funded: list[int], *, cancelled: int, failed: int, clawed: int) -> None:
    """Schedules each funded award's monitoring events with story.at(when, action)."""
