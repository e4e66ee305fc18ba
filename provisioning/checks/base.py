"""What every check shares: its input (`CheckContext`), its output (`Outcome`) and small builders for both.

A check is a pure function `(ctx) -> Outcome`. It never calls AWS; the network probes' results are handed to it in
`ctx.probes` by the orchestrator (provisioning.verify).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from provisioning.types import Status


def t(ja: str, en: str) -> dict[str, str]:
    """A text in both languages."""
    return {"ja": ja, "en": en}


NO_HINT = t("", "")


@dataclass
class Outcome:
    status: Status
    message: dict[str, str]
    hint: dict[str, str] = field(default_factory=lambda: dict(NO_HINT))
    evidence: dict[str, Any] = field(default_factory=dict)
    transient: bool = False


def passed(message: dict[str, str], **evidence: Any) -> Outcome:
    return Outcome("pass", message, dict(NO_HINT), evidence)


def failed(message: dict[str, str], hint: dict[str, str], *, transient: bool = False, **evidence: Any) -> Outcome:
    return Outcome("fail", message, hint, evidence, transient)


@dataclass
class CheckContext:
    """A step's snapshot and parameters, and the results of the probes its checks asked for."""

    snapshot: Any
    params: Any
    probes: dict[str, Any] = field(default_factory=dict)  # probe name -> probes.HttpProbeResult / TcpProbeResult

    @property
    def region(self) -> str:
        return self.params.region
