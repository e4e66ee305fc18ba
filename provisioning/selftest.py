"""The content self-test of one step: a fresh account through prerequisites, solve, solve again and teardown.

Stages (each one line; any gap fails the test):
1. prerequisites: the recipe completes, and the step's checks do NOT all pass (else the step teaches nothing);
2. solve: the recipe completes, and every check passes, the probes' checks included (a skipped one is a gap);
3. solve again: every step is skipped and no write call reaches AWS (the recipe is idempotent);
4. teardown: the recipe completes and nothing billable is left.
`manage.py selftest <tutorial> [<step>]` runs it on a fresh sandbox account; the test suite runs it for every step.
"""

from __future__ import annotations

from dataclasses import dataclass

from provisioning.recipes import run_recipe
from provisioning.sessions import CallCounter
from provisioning.types import ConnectionSpec
from provisioning.verify import verify_step

# The prefixes of the EC2/ELBv2 actions that read; every other action writes. STS calls (AssumeRole for the
# sandbox's credentials) touch no resource of the account.
READ_PREFIXES = ("Describe", "Get", "List")


@dataclass
class Stage:
    step: str
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{self.step} {self.name}: {'ok' if self.ok else 'GAP'} - {self.detail}"


def _writes(counter: CallCounter) -> list[str]:
    service_action = [a.split(":", 1) for a in counter.actions]
    return [f"{s}:{a}" for s, a in service_action if s != "sts" and not a.startswith(READ_PREFIXES)]


def selftest_step(spec: ConnectionSpec, tutorial: str, step: str) -> list[Stage]:
    """Run the four stages in order on `spec`'s account (which should be fresh); stop after a recipe that fails."""
    stages: list[Stage] = []

    def recipe(name: str, counter: CallCounter | None = None):
        return run_recipe(spec, name, tutorial=tutorial, step=step, counter=counter)

    def verify():
        report = verify_step(spec, tutorial=tutorial, step=step)
        passing = [r.id for r in report.results if r.status == "pass"]
        return report, passing

    pre = recipe("prerequisites")
    report, passing = verify()
    total = len(report.results)
    stages.append(
        Stage(
            step,
            "prerequisites",
            pre.ok and len(passing) < total,
            f"{pre.error}"
            if not pre.ok
            else f"{len(passing)}/{total} checks pass (not all, as it must be); "
            f"{report.aws_api_calls} AWS calls per check run",
        )
    )
    if not pre.ok:
        return stages

    solved = recipe("solve")
    report, passing = verify()
    failing = [f"{r.id}={r.status}" for r in report.results if r.status != "pass"]
    stages.append(
        Stage(
            step,
            "solve",
            solved.ok and not failing,
            solved.error
            if not solved.ok
            else (
                f"{total}/{total} checks pass, probes included" if not failing else "not passing: " + ", ".join(failing)
            )
            + f"; {report.aws_api_calls} AWS calls per check run",
        )
    )
    if not solved.ok:
        return stages

    counter = CallCounter()
    again = recipe("solve", counter)
    writes = _writes(counter)
    changed = [s["name"] for s in again.steps if s["status"] != "skipped"]
    stages.append(
        Stage(
            step,
            "solve again",
            again.ok and not writes and not changed,
            f"{len(writes)} write calls ({', '.join(sorted(set(writes))) or 'none'}), {counter.count} calls in all, "
            f"{len(again.steps) - len(changed)}/{len(again.steps)} steps skipped",
        )
    )

    torn = recipe("teardown")
    left = [f"{b.get('type')} {b.get('id')}" for b in torn.billable_left]
    stages.append(
        Stage(
            step,
            "teardown",
            torn.ok and not left,
            torn.error
            if not torn.ok
            else ("nothing billable left" if not left else "still billable: " + ", ".join(left)),
        )
    )
    return stages
