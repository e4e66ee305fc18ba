"""Reads for the learner's side (HackSoft style: keyword-only, `<entity>_<action>`).

The reading pages (tutorial/views.py) merge these into their context, so the learning side can add the
checkpoint controls, progress and the architecture picture without the reading side knowing about runs.
"""

from __future__ import annotations

from typing import Any


def step_page_context(*, user, tutorial: str, step: str) -> dict[str, Any]:
    """Extra context for a step page: the learner's latest run, results per section, progress, connection."""
    return {}


def overview_page_context(*, user, tutorial: str) -> dict[str, Any]:
    """Extra context for a tutorial overview: each step's and section's state for this learner."""
    return {}
