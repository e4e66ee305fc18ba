"""Writes for the learner's side: starting runs and recipe jobs, storing what the worker returns, progress.

HackSoft style: keyword-only `<entity>_<action>` functions. The Celery tasks (tasks.py) only call `run_execute`
and `recipe_execute`; the views only call the `*_start` functions. Connection services live in connections.py.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from provisioning.recipes import RECIPES as _RECIPES

from .connections import connection_spec
from .models import Connection, LearnerPlace, RecipeJob, Result, Run, SectionProgress, StepCompletion

logger = logging.getLogger(__name__)

# Transient states (ALB provisioning, target `initial`, DNS not yet) are re-checked by themselves with backoff:
# 5+10+20+40+60+60 s, a little over three minutes, then the result stands.
RECHECK_DELAYS: tuple[int, ...] = (5, 10, 20, 40, 60, 60)
# A run still queued/running this long after it was due has lost its worker (on top of the task's hard limit).
STALE_MARGIN = timedelta(seconds=30)
RECIPE_TIME_LIMIT = 600  # seconds; recipes create and delete real resources and wait for them
# The process running a run or recipe job touches its `heartbeat_at` this often (seconds); the periodic expiry
# (every EXPIRE_STALE_EVERY, tutorial/learning/apps.py) calls it lost once the heartbeat is older than
# HEARTBEAT_TIMEOUT. Worst case after a kill: HEARTBEAT_TIMEOUT + EXPIRE_STALE_EVERY = 25 s.
HEARTBEAT_EVERY = 5
HEARTBEAT_TIMEOUT = timedelta(seconds=20)
RECIPES = _RECIPES  # the recipe runner's names (provisioning.recipes), re-exported for the views

# "What changed since the last check", one sentence per state a check reached: (ja ending, en opening).
CHANGE_SENTENCES = {
    "pass": ("が合格になりました。", "Now passing: "),
    "fail": ("が不合格になりました。", "Now failing: "),
    "error": ("は確認できませんでした。", "Could not check: "),
    "skipped": ("はまだ確認していません。", "Not checked yet: "),
}


class CheckingUnavailable(Exception):
    """The broker cannot be reached: checking is unavailable right now (not the learner's failure)."""


class NotConnected(Exception):
    """The learner has not connected AWS (or the sandbox) yet."""


class ProvisioningNotAllowed(Exception):
    """A recipe may not run on this connection (real AWS without the class's permission or the opt-in policy)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- enqueueing ------------------------------------------------------------------------------------------------


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError

    errors: list[type[BaseException]] = [OperationalError, ConnectionError, OSError, TimeoutError]
    try:
        import redis.exceptions

        errors.append(redis.exceptions.ConnectionError)
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return tuple(errors)


def _publish(task_name: str, job_id: int, *, countdown: int | None = None) -> str:
    """Send one message to the broker, failing fast (no publish retries) when it is down.

    The task is looked up by its registered name (tasks.py imports this module, never the other way round).
    """
    from config.celery import app

    if task_name not in app.tasks:
        app.loader.import_default_modules()  # the autodiscovered tasks modules register themselves
    task = app.tasks[task_name]
    result = task.apply_async(args=[job_id], countdown=countdown, retry=False)
    return str(result.id)


def _enqueue(model, task_name: str, pk: int, *, countdown: int | None = None) -> None:
    """Publish the task for a Run or RecipeJob; when the broker is down, mark it `queue_unavailable` and say so."""
    try:
        task_id = _publish(task_name, pk, countdown=countdown)
    except _broker_errors() as exc:
        logger.warning("broker unavailable, %s %s not queued: %s", model.__name__, pk, type(exc).__name__)
        model.objects.filter(pk=pk, state__in=model.ACTIVE_STATES).update(
            state=model.State.ERROR,
            error_code="queue_unavailable",
            error_message="the task queue could not be reached",
            finished_at=timezone.now(),
        )
        raise CheckingUnavailable from None
    model.objects.filter(pk=pk).update(celery_task_id=task_id)


def _enqueue_run(run_id: int, *, countdown: int | None = None) -> None:
    _enqueue(Run, "verify", run_id, countdown=countdown)


def _enqueue_job(job_id: int) -> None:
    _enqueue(RecipeJob, "provision", job_id)


# --- runs ------------------------------------------------------------------------------------------------------


def _stale_cutoff(now, limit_seconds: int):
    return now - timedelta(seconds=limit_seconds) - STALE_MARGIN


def _lost_running(now, cutoff) -> Q:
    """Running, and its process stopped beating (died) or it outlived its hard time limit (hung)."""
    silent = now - HEARTBEAT_TIMEOUT
    return Q(state="running") & (
        Q(heartbeat_at__lt=silent) | Q(heartbeat_at__isnull=True, started_at__lt=silent) | Q(started_at__lt=cutoff)
    )


def run_expire_stale(*, user=None, now=None) -> int:
    """Mark runs and recipe jobs whose process died as error "worker_lost" (by heartbeat: within seconds), and
    queued ones nobody took past the time limit. Returns how many. Beat calls it; pages call it for their user."""
    now = now or timezone.now()
    cutoff = _stale_cutoff(now, settings.CELERY_TASK_TIME_LIMIT)
    stale = _lost_running(now, cutoff) | Q(
        Q(due_at__lt=cutoff) | Q(due_at__isnull=True, created_at__lt=cutoff), state=Run.State.QUEUED
    )
    runs = Run.objects.filter(stale)
    if user is not None:
        runs = runs.filter(user=user)
    count = runs.update(
        state=Run.State.ERROR,
        error_code="worker_lost",
        error_message="the worker did not finish this run in time",
        finished_at=now,
    )
    job_cutoff = _stale_cutoff(now, RECIPE_TIME_LIMIT)
    jobs = RecipeJob.objects.filter(
        _lost_running(now, job_cutoff) | Q(state=RecipeJob.State.QUEUED, created_at__lt=job_cutoff)
    )
    if user is not None:
        jobs = jobs.filter(user=user)
    count += jobs.update(
        state=RecipeJob.State.ERROR,
        error_code="worker_lost",
        error_message="the worker did not finish this job in time",
        finished_at=now,
    )
    return count


def _get_connection(user) -> Connection:
    connection = Connection.objects.filter(user=user).first()
    if connection is None or not connection.is_connected:
        raise NotConnected
    return connection


def run_start(
    *, user, tutorial: str, step: str, section: str = "", trigger: str = "learner", delay_seconds: int = 0
) -> Run:
    """Queue a verification of `step` for `user` (one active run per learner and step; a burst makes one run).

    Returns the active run (the existing one if a run is already queued or running).
    Raises `CheckingUnavailable` when the broker cannot be reached, `NotConnected` without a connection,
    LookupError for a step the engine does not know.
    """
    from provisioning.steps import get_step

    get_step(tutorial, step)
    run_expire_stale(user=user)
    _get_connection(user)
    now = timezone.now()
    try:
        with transaction.atomic():
            run = Run.objects.create(
                user=user,
                tutorial=tutorial,
                step=step,
                section=section,
                trigger=trigger,
                due_at=now + timedelta(seconds=delay_seconds),
            )
    except IntegrityError:
        existing = Run.objects.filter(user=user, tutorial=tutorial, step=step, state__in=Run.ACTIVE_STATES).first()
        if existing is None:  # it finished between our insert and this read: try once more
            return run_start(
                user=user, tutorial=tutorial, step=step, section=section, trigger=trigger, delay_seconds=delay_seconds
            )
        if existing.state == Run.State.RUNNING and trigger == "auto":
            # The account changed while this run was already reading it: look once more when it is done.
            Run.objects.filter(pk=existing.pk).update(check_again=True)
        if (
            existing.state == Run.State.QUEUED
            and existing.trigger in ("recheck", "auto")
            and trigger not in ("recheck", "auto")
        ):
            # The learner pressed "check" while an automatic re-check waits out its backoff: run it now.
            # The delayed message will find it finished and do nothing (run_execute is idempotent).
            Run.objects.filter(pk=existing.pk).update(due_at=now, section=section or existing.section)
            existing.refresh_from_db()
            transaction.on_commit(lambda: _enqueue_run(existing.pk))
        return existing
    transaction.on_commit(lambda: _enqueue_run(run.pk, countdown=delay_seconds or None))
    return run


# --- checking by itself ------------------------------------------------------------------------------------------

# A step page with auto-check on says so every few seconds (views.watch); the sandbox re-checks on a write only then.
# Stored on the connection (the database is what web processes and workers share), refreshed at most every few s.
AUTO_WATCH_SECONDS = 20
AUTO_WATCH_REFRESH_SECONDS = 8
# A burst of writes (a CLI script, several commands in a row) makes one re-check, this long after the first.
AUTO_DEBOUNCE_SECONDS = 1
# Real AWS: at most one automatic check this often per learner, whatever the page asks (they cost API calls).
AUTO_REAL_AWS_MIN_SECONDS = 25


def watch_heartbeat(*, user, tutorial: str, step: str, now=None) -> None:
    """The learner has this step open with auto-check on (for the next AUTO_WATCH_SECONDS). One cheap UPDATE
    that writes nothing while the stored watch is still fresh."""
    now = now or timezone.now()
    Connection.objects.filter(user=user).exclude(
        watching=f"{tutorial}/{step}", watching_until__gt=now + timedelta(seconds=AUTO_WATCH_REFRESH_SECONDS)
    ).update(watching=f"{tutorial}/{step}", watching_until=now + timedelta(seconds=AUTO_WATCH_SECONDS))


def watch_stop(*, user) -> None:
    Connection.objects.filter(user=user, watching_until__isnull=False).update(watching="", watching_until=None)


def auto_check_after_write(*, sandbox_account: str) -> Run | None:
    """The sandbox account changed (the gateway forwarded a successful write): re-check the step its learner has
    open, if they have one open with auto-check on. Never raises: the learner's command has already succeeded."""
    try:
        connection = (
            Connection.objects.filter(
                sandbox_account=sandbox_account,
                kind=Connection.Kind.SANDBOX,
                validated_at__isnull=False,
                watching_until__gt=timezone.now(),
            )
            .select_related("user")
            .first()
        )
        if connection is None or "/" not in connection.watching:
            return None
        tutorial, step = connection.watching.split("/", 1)
        return run_start(
            user=connection.user, tutorial=tutorial, step=step, trigger="auto", delay_seconds=AUTO_DEBOUNCE_SECONDS
        )
    except (CheckingUnavailable, NotConnected, LookupError):
        return None
    except Exception:  # noqa: BLE001 - a re-check is a courtesy; it must never turn a write into an error
        logger.exception("auto-check after a sandbox write failed")
        return None


def auto_check_start(*, user, tutorial: str, step: str) -> Run | None:
    """The page's own periodic re-check (real AWS, on the page's budget). None when the server's own limit says
    not yet (one automatic check per AUTO_REAL_AWS_MIN_SECONDS); raises like run_start otherwise."""
    connection = _get_connection(user)
    if not connection.is_sandbox:
        recent = timezone.now() - timedelta(seconds=AUTO_REAL_AWS_MIN_SECONDS)
        if Run.objects.filter(user=user, tutorial=tutorial, step=step, trigger="auto", created_at__gt=recent).exists():
            return None
    return run_start(user=user, tutorial=tutorial, step=step, trigger="auto")


def _step_params(tutorial: str, step: str, region: str) -> Any:
    """The content pack's parameters for the step (None: the step's defaults), with the connection's region."""
    try:
        from tutorial.content import get_tutorial

        pack = get_tutorial(tutorial)
    except Exception:  # the content is the reading side's; the engine's defaults are the seed's names
        logger.exception("could not load the tutorial pack %s; using default parameters", tutorial)
        return None
    pack_step = pack.step(step) if pack is not None else None
    params = getattr(pack_step, "parameters", None)
    if params is not None and dataclasses.is_dataclass(params) and hasattr(params, "region"):
        params = dataclasses.replace(params, region=region)
    return params


def _verify(spec, *, tutorial: str, step: str, params):
    from provisioning.verify import verify_step

    return verify_step(spec, tutorial=tutorial, step=step, params=params)


def _finish_error(run: Run, code: str, message: str) -> Run:
    run.state = Run.State.ERROR
    run.error_code = code
    run.error_message = message
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "error_code", "error_message", "finished_at"])
    return run


def _claim(model, pk: int):
    """Mark a queued Run or RecipeJob running under a row lock. Returns (object, claimed); a finished or missing
    one is not claimed, which makes a redelivered task (acks_late) a no-op."""
    with transaction.atomic():
        obj = model.objects.select_for_update().filter(pk=pk).first()
        if obj is None or obj.state in (model.State.DONE, model.State.ERROR):
            return obj, False
        obj.state = model.State.RUNNING
        obj.started_at = obj.heartbeat_at = timezone.now()
        obj.save(update_fields=["state", "started_at", "heartbeat_at"])
    return obj, True


@contextlib.contextmanager
def heartbeat(model, pk: int, *, every: float = HEARTBEAT_EVERY):
    """While the block runs, a thread of this process touches the Run's or RecipeJob's `heartbeat_at`.

    Used by the Celery tasks around `run_execute`/`recipe_execute`: if the process is killed (kill -9, OOM, hard
    time limit), the heartbeat stops with it and the periodic expiry marks the row `worker_lost` within seconds.
    The thread uses its own database connection and closes it when the block ends.
    """
    from django.db import connection

    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    model.objects.filter(pk=pk, state=model.State.RUNNING).update(heartbeat_at=timezone.now())
                except Exception as exc:  # the database is away for a moment: try again at the next beat
                    logger.warning("heartbeat of %s %s failed: %s", model.__name__, pk, type(exc).__name__)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 10)


def run_execute(*, run_id: int) -> Run | None:
    """Do one run (the job the `verify` task calls). Idempotent: a finished run is left as it is."""
    run, claimed = _claim(Run, run_id)
    if not claimed:
        return run
    started = time.monotonic()
    run = _run_execute_claimed(run)
    _log_run_finished(run, wall_ms=int((time.monotonic() - started) * 1000))
    return run


def _log_run_finished(run: Run, *, wall_ms: int) -> None:
    """One line per run for operators to grep (`run finished`): ids, timing, AWS calls, status counts. Never a
    secret, an account id or a message text: only ids, numbers and fixed words."""
    counts = getattr(run, "stored_status_counts", None)  # what run_store_report just wrote (no query)
    if counts is None:
        counts = dict(Result.objects.filter(run_id=run.pk).values_list("status").annotate(n=Count("id")))
    logger.info(
        "run finished run=%s learner=%s tutorial=%s step=%s section=%s trigger=%s state=%s error_code=%s "
        "duration_ms=%s aws_calls=%s pass=%s fail=%s error=%s skipped=%s",
        run.pk,
        run.user_id,
        run.tutorial,
        run.step,
        run.section or "-",
        run.trigger,
        run.state,
        run.error_code or "-",
        run.duration_ms if run.duration_ms is not None else wall_ms,
        run.aws_api_calls if run.aws_api_calls is not None else 0,
        counts.get("pass", 0),
        counts.get("fail", 0),
        counts.get("error", 0),
        counts.get("skipped", 0),
    )


def _run_execute_claimed(run: Run) -> Run:
    from celery.exceptions import SoftTimeLimitExceeded

    try:
        connection = _get_connection(run.user)
        spec = connection_spec(connection=connection)
        report = _verify(
            spec, tutorial=run.tutorial, step=run.step, params=_step_params(run.tutorial, run.step, spec.region)
        )
    except NotConnected:
        return _finish_error(run, "not_connected", "no AWS connection")
    except SoftTimeLimitExceeded:
        return _finish_error(run, "time_limit", "the run took longer than its time limit")
    except Exception as exc:
        # Never log the exception message: it could quote a credential. Type and traceback lines suffice.
        logger.error("run %s failed in the engine: %s", run.pk, type(exc).__name__)
        return _finish_error(run, "engine_error", type(exc).__name__)
    return run_store_report(run=run, report=report)


def run_store_report(*, run: Run, report) -> Run:
    """Store a RunReport: results, architecture, counts; update progress; schedule a re-check when settling."""
    now = timezone.now()
    transient = any(r.transient for r in report.results)
    with transaction.atomic():
        locked = Run.objects.select_for_update().get(pk=run.pk)
        if locked.state in (Run.State.DONE, Run.State.ERROR):
            return locked  # expired as worker_lost meanwhile: the learner may already have a newer run
        Result.objects.bulk_create(
            [
                Result(
                    run=locked,
                    check_id=r.id,
                    section=r.section,
                    status=r.status,
                    message_ja=r.message.get("ja", ""),
                    message_en=r.message.get("en", ""),
                    hint_ja=r.hint.get("ja", ""),
                    hint_en=r.hint.get("en", ""),
                    evidence=r.evidence or {},
                    transient=r.transient,
                )
                for r in report.results
            ]
        )
        locked.state = Run.State.DONE
        locked.finished_at = now
        locked.duration_ms = report.duration_ms
        locked.aws_api_calls = report.aws_api_calls
        locked.architecture = report.architecture or {}
        locked.transient = transient
        locked.save(update_fields=["state", "finished_at", "duration_ms", "aws_api_calls", "architecture", "transient"])
        progress_update(run=locked, statuses={r.id: r.status for r in report.results})
        locked.stored_status_counts = dict(collections.Counter(r.status for r in report.results))
        if transient and locked.recheck_count < len(RECHECK_DELAYS):
            delay = RECHECK_DELAYS[locked.recheck_count]
            follow_up = Run.objects.create(
                user_id=locked.user_id,
                tutorial=locked.tutorial,
                step=locked.step,
                section=locked.section,
                trigger="recheck",
                recheck_count=locked.recheck_count + 1,
                due_at=now + timedelta(seconds=delay),
            )

            def _enqueue_follow_up() -> None:
                # If the broker is gone the follow-up is marked error; the learner's next press starts again.
                with contextlib.suppress(CheckingUnavailable):
                    _enqueue_run(follow_up.pk, countdown=delay)

            transaction.on_commit(_enqueue_follow_up)
        if locked.check_again and not (transient and locked.recheck_count < len(RECHECK_DELAYS)):
            # The account changed while this run was reading it (auto-check): one more look, after this commits.
            transaction.on_commit(lambda: _check_again(locked))
    return locked


def _check_again(run: Run) -> None:
    with contextlib.suppress(CheckingUnavailable, NotConnected, LookupError):
        run_start(user=run.user, tutorial=run.tutorial, step=run.step, trigger="auto")


# --- progress --------------------------------------------------------------------------------------------------


MAX_CHANGED_CHECKS = 3  # the overview line stays short: the step page has the full list


def _check_titles(tutorial: str) -> dict[str, dict[str, str]]:
    """Every check title of the tutorial's steps ({check id: {lang: title}}), from the step specs."""
    from provisioning.steps import all_steps

    return {cid: title for spec in all_steps(tutorial) for cid, title in spec.check_titles().items()}


def _change_text(
    *, was_complete: bool | None, now_complete: bool, before: dict, after: dict, titles: dict | None = None
) -> tuple:
    """What changed in a section between two runs, in ja and en ("" when nothing did).

    Rendered once here (not at display time) because the text is stored per language anyway; checks are named by
    their human title, and only the first few are listed ("+N" for the rest).
    """
    titles = titles or {}
    changed = [cid for cid in after if before.get(cid) != after.get(cid) and before]
    parts_ja: list[str] = []
    parts_en: list[str] = []
    if was_complete and not now_complete:
        parts_ja.append("このセクションは未完了に戻りました。")
        parts_en.append("This section is no longer complete.")
    elif now_complete and not was_complete:
        parts_ja.append("このセクションは完了しました。")
        parts_en.append("This section is complete.")
    # One plain sentence per new state, naming the checks that reached it (the first few in all).
    shown = changed[:MAX_CHANGED_CHECKS]
    for status, (ja, en) in CHANGE_SENTENCES.items():
        named = [titles.get(cid) or {"ja": cid, "en": cid} for cid in shown if after.get(cid) == status]
        if named:
            parts_ja.append("、".join(f"「{n['ja']}」" for n in named) + ja)
            parts_en.append(en + "; ".join(n["en"] for n in named) + ".")
    rest = len(changed) - len(shown)
    if rest > 0:
        parts_ja.append(f"ほかに {rest} 件が変わりました。")
        parts_en.append(f"{rest} more changed.")
    return "".join(parts_ja), " ".join(parts_en)


def progress_update(*, run: Run, statuses: dict[str, str]) -> list[SectionProgress]:
    """Set each section's progress from a finished run: complete iff every one of its checks passed.

    Progress is live: a later failing run takes a section back to not complete, and says what changed.
    """
    from provisioning.steps import get_step

    step_spec = get_step(run.tutorial, run.step)
    sections = step_spec.sections
    existing = {
        p.section: p
        for p in SectionProgress.objects.select_for_update().filter(
            user_id=run.user_id, tutorial=run.tutorial, step=run.step
        )
    }
    previous_run_ids = {p.last_run_id for p in existing.values() if p.last_run_id}
    previous: dict[int, dict[str, str]] = {}
    for r in Result.objects.filter(run_id__in=previous_run_ids).values("run_id", "check_id", "status"):
        previous.setdefault(r["run_id"], {})[r["check_id"]] = r["status"]
    now = timezone.now()
    titles = step_spec.check_titles()
    out: list[SectionProgress] = []
    for slug, check_ids in sections.items():
        after = {cid: statuses.get(cid) for cid in check_ids}
        complete = bool(check_ids) and all(s == "pass" for s in after.values())
        progress = existing.get(slug) or SectionProgress(
            user_id=run.user_id, tutorial=run.tutorial, step=run.step, section=slug
        )
        before_all = previous.get(progress.last_run_id, {}) if progress.last_run_id else {}
        before = {cid: before_all[cid] for cid in check_ids if cid in before_all}
        was = progress.complete if progress.pk else None
        change_ja, change_en = _change_text(
            was_complete=was, now_complete=complete, before=before, after=after, titles=titles
        )
        progress.change_ja, progress.change_en = change_ja, change_en
        if complete and not progress.complete:
            progress.completed_at = now
        if not complete:
            progress.completed_at = None
        progress.complete = complete
        progress.last_run = run
        progress.updated_at = now  # auto_now: bulk_update does not set it
        out.append(progress)
    # One INSERT for the sections seen for the first time and one UPDATE for the others (not one query each).
    existing_rows = [p for p in out if p.pk is not None]
    SectionProgress.objects.bulk_create([p for p in out if p.pk is None])
    SectionProgress.objects.bulk_update(
        existing_rows,
        ["complete", "completed_at", "last_run", "change_ja", "change_en", "updated_at"],
    )
    checked = [p for p in out if sections[p.section]]
    if checked and all(p.complete for p in checked):
        completion_record(run=run, now=now)
    return out


def first_activity_at(*, user_id: int, tutorial: str, step: str):
    """When the learner first did something on the step: their first check or recipe (Prepare, Do it for me)."""
    firsts = [
        model.objects.filter(user_id=user_id, tutorial=tutorial, step=step)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
        for model in (Run, RecipeJob)
    ]
    return min((t for t in firsts if t is not None), default=None)


def completion_record(*, run: Run, now=None) -> None:
    """Remember the first time every section of the step was complete (a later one changes nothing)."""
    now = now or timezone.now()
    if StepCompletion.objects.filter(user_id=run.user_id, tutorial=run.tutorial, step=run.step).exists():
        return
    started = first_activity_at(user_id=run.user_id, tutorial=run.tutorial, step=run.step) or run.created_at
    StepCompletion.objects.bulk_create(
        [
            StepCompletion(
                user_id=run.user_id,
                tutorial=run.tutorial,
                step=run.step,
                started_at=min(started, now),
                completed_at=now,
                run=run,
            )
        ],
        ignore_conflicts=True,
    )


# --- where the learner left off ---------------------------------------------------------------------------------


def place_record(*, user, tutorial: str, step: str, section: str = "") -> None:
    """Remember the learner's place in a tutorial: the step they opened and the section they acted on. Opening a
    step page without a section keeps the section they acted on before in that step."""
    if not getattr(user, "is_authenticated", False):
        return
    place = LearnerPlace.objects.filter(user=user, tutorial=tutorial).first()
    if place is None:
        with contextlib.suppress(IntegrityError), transaction.atomic():
            LearnerPlace.objects.create(user=user, tutorial=tutorial, step=step, section=section)
        return
    if place.step != step:
        place.step, place.section = step, section
    elif section:
        place.section = section
    place.save()


# --- recipes ---------------------------------------------------------------------------------------------------


def learner_may_provision_real_aws(user) -> bool:
    """Whether one of the learner's classes allows "do it for me" on real AWS (classes app; False without it)."""
    from django.apps import apps

    try:  # asked through the app registry: the classes app builds on this one, never the other way round
        classes = apps.get_app_config("classes")
    except LookupError:
        return False
    try:
        return bool(classes.learner_may_provision_real_aws(user))
    except AttributeError:
        return False


def recipe_permission(*, user, connection: Connection | None) -> tuple[bool, str]:
    """(allowed, reason code) for running recipes: sandbox always; real AWS with class permission + opt-in role."""
    if connection is None or not connection.is_connected:
        return False, "not_connected"
    if connection.is_sandbox:
        return True, ""
    if not learner_may_provision_real_aws(user):
        return False, "class_forbids"
    if not connection.allows_provisioning:
        return False, "no_opt_in_policy"
    return True, ""


def recipe_start(*, user, tutorial: str, step: str, recipe: str, section: str = "") -> RecipeJob:
    """Queue a provisioning recipe (one active job per learner and step; a burst makes one job)."""
    from provisioning.steps import get_step

    if recipe not in RECIPES:
        raise LookupError(f"unknown recipe: {recipe}")
    step_spec = get_step(tutorial, step)
    if section and section not in step_spec.sections:
        raise LookupError(f"unknown section: {section}")
    run_expire_stale(user=user)
    connection = _get_connection(user)
    allowed, reason = recipe_permission(user=user, connection=connection)
    if not allowed:
        raise ProvisioningNotAllowed(reason)
    try:
        with transaction.atomic():
            job = RecipeJob.objects.create(user=user, tutorial=tutorial, step=step, recipe=recipe, section=section)
    except IntegrityError:
        existing = RecipeJob.objects.filter(
            user=user, tutorial=tutorial, step=step, state__in=RecipeJob.ACTIVE_STATES
        ).first()
        if existing is None:
            return recipe_start(user=user, tutorial=tutorial, step=step, recipe=recipe, section=section)
        return existing
    transaction.on_commit(lambda: _enqueue_job(job.pk))
    return job


def _progress_percent(event: dict[str, Any]) -> int | None:
    """A percentage from a recipe's progress event, whichever of the usual shapes it has."""
    for key in ("percent", "progress"):
        value = event.get(key)
        if isinstance(value, int | float):
            return max(0, min(100, int(value if value > 1 or key == "percent" else value * 100)))
    done, total = event.get("done", event.get("index")), event.get("total")
    if isinstance(done, int) and isinstance(total, int) and total > 0:
        return max(0, min(100, int(100 * done / total)))
    return None


def _progress_callback(job_id: int) -> Callable[[dict], None]:
    def on_progress(event: dict) -> None:
        percent = _progress_percent(event or {})
        fields: dict[str, Any] = {}
        if percent is not None:
            fields["progress"] = percent
        name = (event or {}).get("step") or (event or {}).get("name")
        if name:
            job = RecipeJob.objects.filter(pk=job_id).only("steps").first()
            steps = list(job.steps) if job else []
            if not steps or steps[-1].get("name") != name:
                steps.append({"name": str(name), "status": str(event.get("status", "running"))})
            else:
                steps[-1]["status"] = str(event.get("status", steps[-1].get("status", "running")))
            fields["steps"] = steps
        if fields:
            RecipeJob.objects.filter(pk=job_id, state=RecipeJob.State.RUNNING).update(**fields)

    return on_progress


def _run_recipe(
    spec, recipe: str, *, tutorial: str, step: str, params, section: str | None, progress: Callable[[dict], None]
):
    from provisioning.recipes import run_recipe

    return run_recipe(spec, recipe, tutorial=tutorial, step=step, params=params, section=section, progress=progress)


def recipe_execute(*, job_id: int) -> RecipeJob | None:
    """Run a recipe job (the job the `provision` task calls). Idempotent like run_execute."""
    job, claimed = _claim(RecipeJob, job_id)
    if not claimed:
        return job

    from celery.exceptions import SoftTimeLimitExceeded

    def fail(code: str, message: str) -> RecipeJob:
        job.state, job.error_code, job.error_message = RecipeJob.State.ERROR, code, message
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error_code", "error_message", "finished_at"])
        return job

    try:
        connection = _get_connection(job.user)
        allowed, reason = recipe_permission(user=job.user, connection=connection)
        if not allowed:  # the class or the role changed since the learner pressed the button
            return fail(reason, "provisioning is not allowed on this connection")
        spec = connection_spec(connection=connection)
        report = _run_recipe(
            spec,
            job.recipe,
            tutorial=job.tutorial,
            step=job.step,
            params=_step_params(job.tutorial, job.step, spec.region),
            section=job.section or None,
            progress=_progress_callback(job.pk),
        )
    except NotConnected:
        return fail("not_connected", "no AWS connection")
    except SoftTimeLimitExceeded:
        return fail("time_limit", "the recipe took longer than its time limit")
    except Exception as exc:
        logger.error("recipe job %s failed: %s", job.pk, type(exc).__name__)
        return fail("recipe_error", type(exc).__name__)
    job.refresh_from_db(fields=["steps"])
    job.steps = list(report.steps or job.steps)
    job.billable_left = list(report.billable_left or [])
    job.progress = 100
    job.finished_at = timezone.now()
    job.state = RecipeJob.State.DONE if report.ok else RecipeJob.State.ERROR
    job.error_code = "" if report.ok else "recipe_failed"
    job.error_message = "" if report.ok else (report.error or "")[:2000]
    job.save()
    if job.recipe == "teardown" and report.ok:
        # What was checked is gone: no section is complete any more until the next run says so.
        SectionProgress.objects.filter(user_id=job.user_id, tutorial=job.tutorial, step=job.step).update(
            complete=False,
            completed_at=None,
            change_ja="後片付けのあと、まだ確認していません。",
            change_en="Not checked since the clean-up.",
        )
    # The account has changed: check it again by itself, so the panels show what the recipe did.
    with contextlib.suppress(CheckingUnavailable, NotConnected, LookupError):
        run_start(user=job.user, tutorial=job.tutorial, step=job.step, section=job.section, trigger="auto")
    return job
