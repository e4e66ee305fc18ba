"""The recipe runner: an ordered list of "ensure X" steps, run one by one with progress after each.

A step looks its resource up and changes something only when it is missing or different, so a recipe run twice
changes nothing the second time (every step reports `skipped`), and a recipe interrupted halfway completes when
run again. A step that AWS refuses stops the recipe with `ok=False`; the error names the step and AWS's error code,
never a secret.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, WaiterError

from provisioning.sessions import client_for, session_for
from provisioning.types import ConnectionSpec, RecipeReport

logger = logging.getLogger(__name__)

DONE, SKIPPED, FAILED = "done", "skipped", "failed"
Progress = Callable[[dict[str, Any]], None]


@dataclass
class StepOutcome:
    status: str  # done (changed something) | skipped (already as wanted)
    detail: str = ""


@dataclass
class RecipeContext:
    """What every step gets: the clients, the parameters, and what earlier steps found (ids)."""

    spec: ConnectionSpec
    params: Any  # the step's parameters (provisioning/steps/<step>/params.py)
    clients: dict[str, Any] = field(default_factory=dict)
    found: dict[str, Any] = field(default_factory=dict)
    session: Any = None
    counter: Any = None  # a sessions.CallCounter that counts every call of the recipe (run_recipe; the self-test)

    @property
    def simulated(self) -> bool:
        """The sandbox or a plain moto endpoint: no real AMIs, short waits, moto's gaps to fill."""
        return self.spec.kind == "sandbox" or bool(self.spec.endpoint_url)

    def client(self, service: str) -> Any:
        if service not in self.clients:
            if self.session is None:
                # Writes to the sandbox assume the role afresh (see sessions.SANDBOX_CREDENTIALS_REUSE).
                self.session = session_for(self.spec, reuse=self.spec.kind != "sandbox", counter=self.counter)
            self.clients[service] = client_for(self.session, service, self.spec)
        return self.clients[service]

    @property
    def ec2(self) -> Any:
        return self.client("ec2")

    @property
    def elbv2(self) -> Any:
        return self.client("elbv2")

    def waiter_config(self) -> dict[str, int]:
        return {"Delay": 1, "MaxAttempts": 30} if self.simulated else {"Delay": 10, "MaxAttempts": 60}

    def retry_delay(self) -> float:
        return 0.2 if self.simulated else 10.0


StepFn = Callable[[RecipeContext], StepOutcome]


def error_text(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        return f"{err.get('Code', 'ClientError')}: {err.get('Message', '')}".strip()
    if isinstance(exc, WaiterError):
        return f"waiting failed: {exc.last_response.get('Error', {}).get('Code', '') if exc.last_response else ''}"
    return type(exc).__name__


def run_steps(
    ctx: RecipeContext,
    recipe: str,
    section: str | None,
    steps: list[tuple[str, StepFn]],
    progress: Progress | None = None,
) -> RecipeReport:
    """Run `steps` in order; stop at the first that fails. Exceptions raised by `progress` propagate (interruption)."""
    report = RecipeReport(recipe=recipe, section=section, steps=[])
    total = len(steps)
    for index, (name, fn) in enumerate(steps, start=1):
        try:
            outcome = fn(ctx)
            entry = {"name": name, "status": outcome.status, "detail": outcome.detail}
        except (ClientError, BotoCoreError, WaiterError, RecipeError) as exc:
            entry = {
                "name": name,
                "status": FAILED,
                "detail": error_text(exc) if not isinstance(exc, RecipeError) else str(exc),
            }
            report.ok = False
            report.error = f"{name}: {entry['detail']}"
        report.steps.append(entry)
        logger.debug("recipe %s step %s: %s", recipe, name, entry["status"])
        if progress is not None:
            progress(
                {"step": name, "status": entry["status"], "detail": entry["detail"], "done": index, "total": total}
            )
        if not report.ok:
            break
    return report


class RecipeError(Exception):
    """A step cannot go on (e.g. no default VPC); its message is shown to the learner."""


def retry_on(codes: set[str], fn: Callable[[], Any], ctx: RecipeContext, attempts: int = 30) -> Any:
    """Call fn, retrying while AWS answers one of `codes` (e.g. DependencyViolation while ENIs detach)."""
    for attempt in range(attempts):
        try:
            return fn()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in codes or attempt == attempts - 1:
                raise
            time.sleep(ctx.retry_delay())
    return None
