"""The vocabulary shared by every layer of `provisioning` and by its callers.

A *connection* (ConnectionSpec) is a learner's way into AWS; a *run* is one verification (RunReport);
a *result* is one check's outcome in a run (CheckResult); a *recipe* provisions (RecipeReport).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ConnectionKind = Literal["ambient", "keys", "role", "sandbox"]
Status = Literal["pass", "fail", "error", "skipped"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "error", "skipped")


@dataclass(frozen=True)
class ConnectionSpec:
    """Everything needed to reach one AWS account. Secrets never appear in repr()."""

    kind: ConnectionKind
    region: str = "ap-northeast-1"
    access_key_id: str | None = field(default=None, repr=False)
    secret_access_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)
    role_arn: str | None = None
    external_id: str | None = field(default=None, repr=False)
    sandbox_account: str | None = None  # 12-digit account id inside the sandbox AWS
    endpoint_url: str | None = None  # an endpoint that is not AWS (e.g. plain moto): probes are skipped
    profile: str | None = None  # for kind="ambient"


@dataclass
class CheckResult:
    id: str
    section: str
    status: Status
    message: dict[str, str]  # {"ja": ..., "en": ...}
    hint: dict[str, str]  # {"ja": ..., "en": ...}; empty strings when nothing to do
    evidence: dict[str, Any] = field(default_factory=dict)
    transient: bool = False  # the state is still settling (ALB provisioning, target initial, DNS not yet)

    def as_json(self, lang: str = "ja") -> dict[str, Any]:
        """The `verify --json` shape for one result, in one language."""
        return {
            "id": self.id,
            "section": self.section,
            "status": self.status,
            "message": self.message.get(lang) or self.message.get("en", ""),
            "hint": self.hint.get(lang) or self.hint.get("en", ""),
            "evidence": self.evidence,
        }

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RunReport:
    tutorial: str
    step: str
    duration_ms: int
    aws_api_calls: int
    results: list[CheckResult]
    # A plain, JSON-able picture of what the snapshot saw (ALB, AZs, listener, target group, instance, SGs),
    # used to draw the learner's architecture. No secrets.
    architecture: dict[str, Any] = field(default_factory=dict)

    def exit_code(self) -> int:
        statuses = {r.status for r in self.results}
        if "fail" in statuses:
            return 1
        if "error" in statuses:
            return 2
        return 0

    def as_json(self, lang: str = "ja") -> dict[str, Any]:
        return {
            "tutorial": self.tutorial,
            "step": self.step,
            "duration_ms": self.duration_ms,
            "aws_api_calls": self.aws_api_calls,
            "results": [r.as_json(lang) for r in self.results],
        }


@dataclass
class RecipeReport:
    recipe: str  # prerequisites | solve | teardown
    section: str | None
    steps: list[dict[str, Any]]  # [{"name": ..., "status": "done"|"skipped"|"failed", "detail": ...}]
    billable_left: list[dict[str, Any]] = field(default_factory=list)  # teardown: what still costs money
    ok: bool = True
    error: str = ""
