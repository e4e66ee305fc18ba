"""What every step's snapshot shares: per-source errors, call accounting, and rounds of parallel calls.

A step's snapshot (provisioning/steps/<step>/snapshot.py) derives from `SnapshotBase` and collects its AWS state in
rounds: independent calls of a round run in parallel (`run_round`), later rounds use what earlier ones returned.
Absent resources (NOT_FOUND_CODES) are state; other failures are recorded per source in `errors`, so that only the
checks needing that source report `error` (the engine names the IAM action from the step's `sources`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from provisioning.errors import NOT_FOUND_CODES, ApiError, classify, error_code
from provisioning.sessions import in_context


@dataclass
class SnapshotBase:
    """Plain AWS-shaped data plus what went wrong reading it and how many calls it took."""

    errors: dict[str, ApiError] = field(default_factory=dict)  # source -> error
    api_calls: int = 0
    actions: list[str] = field(default_factory=list)


def call(snap: SnapshotBase, sources: Mapping[str, str], source: str, fn: Callable[[], Any]) -> Any:
    """Run one AWS call; None when absent or failed (the failure is recorded under `source`).

    CredentialsProblem (expired or invalid credentials) propagates: the whole run says it once.
    """
    try:
        return fn()
    except (ClientError, BotoCoreError) as exc:
        if error_code(exc) in NOT_FOUND_CODES:
            return None
        snap.errors[source] = classify(exc, sources[source])
        return None


def run_round(tasks: list[Callable[[], None]], max_workers: int) -> None:
    """Run independent calls in parallel (one after another when max_workers <= 1; the benchmark compares).

    Each call runs in the caller's context, so the run's CallCounter counts it (sessions.in_context)."""
    if not tasks:
        return
    if max_workers <= 1:
        for task in tasks:
            task()
        return
    pool = ThreadPoolExecutor(max_workers=min(max_workers, len(tasks)))
    try:
        for future in [pool.submit(in_context(t)) for t in tasks]:
            future.result()  # re-raises CredentialsProblem
    except BaseException:
        # The run ends now (CredentialsProblem, or the task's soft time limit raised here while the calls hang):
        # not waiting for the calls still in flight (each ends with its own timeouts), nor starting the others.
        # Waiting for them (the executor's `with`) kept a soft time limit from ending a run against an endpoint
        # that never answers: the hard limit killed the process instead.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
