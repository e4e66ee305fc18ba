"""The one choice of "the tutorial's instance" among the instances carrying the tutorial's tag.

Used alike by every snapshot (what the checks judge) and every recipe (what "do it for me" registers), so the two
can never pick different instances: the most alive one (running, then pending, stopping, stopped, ...); among
equally alive ones the one registered in the target group; then the oldest (the one the earlier steps made).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

STATE_RANK = {"running": 0, "pending": 1, "stopping": 2, "stopped": 3, "shutting-down": 4, "terminated": 5}


def state_of(instance: dict[str, Any]) -> str:
    return str((instance.get("State") or {}).get("Name", ""))


def _launched(instance: dict[str, Any]) -> str:
    value = instance.get("LaunchTime")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value or "")


def tutorial_instance(instances: Iterable[dict[str, Any]], registered_ids: Iterable[str] = ()) -> dict[str, Any] | None:
    """The tutorial's instance among `instances` (None when there is none); see the module docstring."""
    registered = set(registered_ids)
    candidates = list(instances)
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda i: (
            STATE_RANK.get(state_of(i), 9),
            0 if i.get("InstanceId") in registered else 1,
            _launched(i),
            str(i.get("InstanceId", "")),
        ),
    )
