"""Writes for the learner's side: starting runs and recipe jobs, storing what the worker returns."""

from __future__ import annotations

from .models import Run


def run_start(*, user, tutorial: str, step: str, section: str = "", trigger: str = "learner") -> Run:
    """Queue a verification of `step` for `user` (one active run per learner and step; a burst makes one run).

    Returns the active run (the existing one if a run is already queued or running).
    Raises `CheckingUnavailable` when the broker cannot be reached.
    """
    raise NotImplementedError
