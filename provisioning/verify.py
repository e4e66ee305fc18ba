"""One verification run: session -> snapshot -> pure checks -> probes -> a `RunReport` in catalog order.

`verify_step` is the one function every interface calls (the `verify` command, the Celery task, the learner side).
It never raises for AWS trouble: access denied on one API marks only the checks needing it `error`; expired or
invalid credentials make every check `error` with one message; probes that cannot run report `skipped`.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from provisioning.checks.base import CheckContext, Outcome, sandbox_text, t
from provisioning.errors import ApiError, CredentialsProblem
from provisioning.probes import ProbeConfig, ProbeSkipped
from provisioning.sessions import CallCounter, forget_credentials_for, in_context, session_for
from provisioning.steps import get_step
from provisioning.steps.spec import CheckSpec, StepSpec
from provisioning.types import CheckResult, ConnectionSpec, RunReport

logger = logging.getLogger(__name__)

SKIP_NO_PROBES = t(
    "ネットワーク確認を行わない設定のため、スキップしました。", "Skipped: network probes are turned off."
)
SKIP_NOT_AWS = t(
    "AWS ではないエンドポイントに接続しているため、ネットワーク確認はスキップしました。",
    "Skipped: the endpoint is not AWS, so network probes do not run.",
)
SKIP_NO_DATAPLANE = t(
    "サンドボックスのデータプレーンが利用できないため、ネットワーク確認はスキップしました。",
    "Skipped: the sandbox data plane is unavailable.",
)


def _result(step: StepSpec, check: CheckSpec, outcome: Outcome) -> CheckResult:
    return CheckResult(
        id=check.id,
        section=step.section_of[check.id],
        status=outcome.status,
        message=outcome.message,
        hint=outcome.hint,
        evidence=outcome.evidence,
        transient=outcome.transient,
    )


def _blocked(step: StepSpec, check: CheckSpec, snap: Any, done: dict[str, CheckResult]) -> Outcome | None:
    """`error` when a source it needs could not be read, `skipped` when a check it depends on did not pass."""
    errors = [snap.errors[s] for s in check.needs if s in snap.errors]
    if errors:
        actions = sorted({e.action for e in errors})
        combined = ApiError(action=", ".join(actions), kind=errors[0].kind, code=errors[0].code)
        return Outcome("error", combined.message(), combined.hint(), {"actions": actions, "code": errors[0].code})
    waiting = [d for d in check.depends if done[d].status != "pass"]
    if waiting:
        ja = "、".join(f"「{step.check(d).title['ja']}」（{d}）" for d in waiting)
        en = ", ".join(f"{d} ({step.check(d).title['en']})" for d in waiting)
        return Outcome(
            "skipped",
            t(f"{ja} が合格してから確認します。", f"Waits for {en} to pass."),
            evidence={"waits_for": waiting},
        )
    return None


def evaluate(
    step: StepSpec,
    snap: Any,
    params: Any,
    run_probes: Callable[[list[str]], dict[str, Any]],
    *,
    sandbox: bool = False,
) -> list[CheckResult]:
    """Every check of a step over one snapshot, in catalog order: pure but for `run_probes` (probe names -> results),
    which is asked once for the probes of the checks that are not blocked."""
    ctx = CheckContext(snapshot=snap, params=params)
    done: dict[str, CheckResult] = {}
    outcomes: dict[str, Outcome] = {}
    blocked: dict[str, Outcome | None] = {}
    # Pass 1: every check that needs no probe (probe checks only depend on these).
    for check in step.checks:
        if check.probe is None:
            blocked[check.id] = _blocked(step, check, snap, done)
            outcomes[check.id] = blocked[check.id] or _run(check, ctx)
            done[check.id] = _result(step, check, outcomes[check.id])
    # Pass 2: run the probes whose checks are not blocked (in parallel), then those checks.
    probe_checks = [c for c in step.checks if c.probe]
    for check in probe_checks:
        blocked[check.id] = _blocked(step, check, snap, done)
    ctx.probes = run_probes([c.probe for c in probe_checks if blocked[c.id] is None and c.probe])
    for check in probe_checks:
        outcomes[check.id] = blocked[check.id] or _run(check, ctx)
    guided = guide(step, outcomes, sandbox=sandbox)
    return [_result(step, step.check(cid), guided[cid]) for cid in step.check_ids]


def guide(step: StepSpec, outcomes: dict[str, Outcome], *, sandbox: bool) -> dict[str, Outcome]:
    """The hints as the learner needs them: for a sandbox learner, what to do there instead of the AWS console
    (CheckSpec.sandbox); then, for a failure downstream of a broken link (CheckSpec.causes), that link's message and
    hint instead of its own. Pure: the outcomes of one run in, new outcomes out."""
    helped = dict(outcomes)
    if sandbox:
        for check in step.checks:
            outcome = outcomes.get(check.id)
            if outcome is None or outcome.status != "fail" or outcome.transient:
                continue
            help_ = outcome.sandbox or check.sandbox
            if help_ is None:
                continue
            extra = sandbox_text(help_.screen, help_.text, help_.solve)
            hint = {lang: _joined(outcome.hint.get(lang, ""), extra[lang], lang) for lang in ("ja", "en")}
            helped[check.id] = dataclasses.replace(outcome, hint=hint)
    guided = dict(helped)
    for check in step.checks:
        outcome = helped.get(check.id)
        if outcome is None or outcome.status != "fail" or not check.causes:
            continue
        root = first_broken_link(step, helped, check.id)
        if root == check.id:
            continue
        cause, title = helped[root], step.check(root).title
        hint = t(
            f"原因は「{title['ja']}」の項目にあります：{_joined(cause.message['ja'], cause.hint['ja'], 'ja')}",
            f"The cause is upstream, at “{title['en']}”: {_joined(cause.message['en'], cause.hint['en'], 'en')}",
        )
        guided[check.id] = dataclasses.replace(outcome, hint=hint, evidence={**outcome.evidence, "caused_by": root})
    return guided


def first_broken_link(step: StepSpec, outcomes: dict[str, Outcome], check_id: str) -> str:
    """The check to fix first for `check_id`: its first upstream cause that failed and breaks the path, followed
    up to that one's own first cause; `check_id` itself when none did."""
    for cause in step.check(check_id).causes:
        outcome = outcomes.get(cause)
        if outcome is not None and outcome.status == "fail" and outcome.blocking:
            return first_broken_link(step, outcomes, cause)
    return check_id


def _joined(first: str, second: str, lang: str) -> str:
    if not first or not second:
        return first or second
    return first + second if lang == "ja" else f"{first} {second}"


def _run(check: CheckSpec, ctx: CheckContext) -> Outcome:
    try:
        return check.run(ctx)
    except Exception:  # a bug in one check must not hide the other fourteen
        logger.exception("check %s crashed", check.id)
        return Outcome(
            "error",
            t("この項目の確認中に内部エラーが起きました。", "An internal error occurred while checking this."),
            t(
                "もう一度確認してください。続く場合は講師に知らせてください。",
                "Check again; if it persists, tell your instructor.",
            ),
        )


def _probe_setup(spec: ConnectionSpec, probes: bool, probe_config: ProbeConfig | None) -> ProbeConfig | ProbeSkipped:
    if not probes:
        return ProbeSkipped(SKIP_NO_PROBES)
    if spec.kind == "sandbox":
        if probe_config is not None:
            return probe_config
        try:
            from provisioning import sandbox

            return sandbox.probe_config_for(spec)  # type: ignore[attr-defined]
        except (ImportError, AttributeError):
            return ProbeSkipped(SKIP_NO_DATAPLANE)
        except Exception:
            logger.exception("sandbox probe config failed")
            return ProbeSkipped(SKIP_NO_DATAPLANE)
    if spec.endpoint_url:
        return ProbeSkipped(SKIP_NOT_AWS)
    return probe_config or ProbeConfig()


def _run_probes(
    step: StepSpec, wanted: list[str], snap: Any, params: Any, setup: ProbeConfig | ProbeSkipped
) -> dict[str, Any]:
    wanted = list(dict.fromkeys(wanted))
    if isinstance(setup, ProbeSkipped) or not wanted:
        return dict.fromkeys(wanted, setup)
    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        futures = {name: pool.submit(in_context(step.probes[name]), snap, params, setup) for name in wanted}
        return {name: f.result() for name, f in futures.items()}


def _credentials_report(step: StepSpec, exc: CredentialsProblem, started: float, calls: int) -> RunReport:
    results = [
        CheckResult(
            id=check.id,
            section=step.section_of[check.id],
            status="error",
            message=exc.message(),
            hint=exc.hint(),
            evidence={"code": exc.code},
        )
        for check in step.checks
    ]
    elapsed = int((time.monotonic() - started) * 1000)
    return RunReport(step.tutorial, step.step, elapsed, calls, results, {"error": exc.code})


def verify_step(
    spec: ConnectionSpec,
    *,
    tutorial: str,
    step: str,
    params: Any = None,
    probes: bool = True,
    probe_config: ProbeConfig | None = None,
    max_workers: int = 4,
) -> RunReport:
    """Verify one step for one connection. LookupError for an unknown tutorial/step; ValueError for a bad spec.

    The step's spec (provisioning.steps) says what to read, which checks to run in which order, and which probes.
    """
    started = time.monotonic()
    step_spec = get_step(tutorial, step)
    params = dataclasses.replace(params or step_spec.default_params(), region=spec.region)
    counter = CallCounter()
    try:
        with counter.counting():  # every call of the run: AssumeRole, the step's snapshot (and its threads)
            session = session_for(spec, counter=counter)
            snap = step_spec.collect(session, spec, params, max_workers=max_workers, counter=counter)
    except CredentialsProblem as exc:
        forget_credentials_for(spec)  # cached assumed-role credentials that stopped working are not used again
        return _credentials_report(step_spec, exc, started, counter.count)

    setup = _probe_setup(spec, probes, probe_config)
    results = evaluate(
        step_spec,
        snap,
        params,
        lambda wanted: _run_probes(step_spec, wanted, snap, params, setup),
        sandbox=spec.kind == "sandbox",
    )
    return RunReport(
        tutorial=tutorial,
        step=step,
        duration_ms=int((time.monotonic() - started) * 1000),
        aws_api_calls=counter.count,
        results=results,
        architecture=step_spec.architecture(snap),
    )
