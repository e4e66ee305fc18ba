"""Reads for the learner's side (HackSoft style: keyword-only, `<entity>_<action>`).

The reading pages (tutorial/views.py) merge these into their context, so the learning side can add the
checkpoint controls, progress and the architecture picture without the reading side knowing about runs.
Every read takes the user and filters by it: there is no way to ask for someone else's run here.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.http import Http404
from django.utils.translation import get_language

from .models import Connection, LearnerPlace, RecipeJob, Result, Run, SectionProgress, StepCompletion

logger = logging.getLogger(__name__)

COMPLETE, FAILING, NOT_STARTED = "complete", "failing", "not_started"
CLEANED = "cleaned"  # not checked since a clean-up (counts as not complete)
BROKER_CHECK_CACHE_SECONDS = 10


def _lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


# --- one result, in the page's language ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultView:
    check_id: str
    section: str
    status: str
    message: str
    hint: str
    evidence: dict
    transient: bool


def result_view(result: Result, lang: str | None = None) -> ResultView:
    """The one place a stored result becomes text in a language (falls back to the other language)."""
    lang = lang or _lang()
    other = "en" if lang == "ja" else "ja"
    return ResultView(
        check_id=result.check_id,
        section=result.section,
        status=result.status,
        message=getattr(result, f"message_{lang}") or getattr(result, f"message_{other}"),
        hint=getattr(result, f"hint_{lang}") or getattr(result, f"hint_{other}"),
        evidence=result.evidence or {},
        transient=result.transient,
    )


# --- waiting for a run ------------------------------------------------------------------------------------------

# When the waiting panel looks again: soon (a sandbox run is often ready in a tenth of a second), then backing off.
WAIT_DELAYS_MS: tuple[int, ...] = (150, 150, 200, 250, 350, 500, 700, 1000, 1500)
WAIT_MAX_DELAY_MS = 2000


@dataclass(frozen=True)
class WaitView:
    """The pressed panel waiting for a run: which run, the how-many-th look, and when to look next."""

    run_id: int | None
    attempt: int
    delay_ms: int
    active: bool
    overdue: bool = False  # started (or due) longer ago than a run may take: time to expire it

    @property
    def next_attempt(self) -> int:
        return self.attempt + 1


def _wait_delay(attempt: int, due_at=None) -> int:
    from django.utils import timezone

    delay = WAIT_DELAYS_MS[attempt] if attempt < len(WAIT_DELAYS_MS) else WAIT_MAX_DELAY_MS
    if due_at is not None:  # an automatic re-check waiting out its backoff: look just after it is due
        until_due = int((due_at - timezone.now()).total_seconds() * 1000)
        if until_due > 0:
            delay = max(delay, min(until_due + WAIT_DELAYS_MS[0], 60_000))
    return delay


def wait_view(*, run: Run | None, attempt: int = 0) -> WaitView | None:
    if run is None or not run.is_active:
        return None
    return WaitView(run_id=run.pk, attempt=attempt, delay_ms=_wait_delay(attempt, run.due_at), active=True)


def wait_lookup(*, user, run_id: Any, attempt: Any) -> WaitView | None:
    """The state of the run a panel waits for (one query; None when the request is not a wait). A run that is not
    the user's, or not a number, reads as over, so the panel simply shows the learner's latest state."""
    from django.conf import settings
    from django.utils import timezone

    if run_id is None:
        return None
    try:
        run_pk, n = int(run_id), max(0, min(int(attempt or 0), 10_000))
    except (TypeError, ValueError):
        return WaitView(run_id=None, attempt=0, delay_ms=0, active=False)
    row = Run.objects.filter(pk=run_pk, user=user).values("state", "due_at", "started_at", "created_at").first()
    if row is None:
        return WaitView(run_id=None, attempt=n, delay_ms=0, active=False)
    active = row["state"] in Run.ACTIVE_STATES
    since = row["started_at"] or row["due_at"] or row["created_at"]
    overdue = active and (timezone.now() - since).total_seconds() > settings.CELERY_TASK_TIME_LIMIT + 30
    return WaitView(run_id=run_pk, attempt=n, delay_ms=_wait_delay(n, row["due_at"]), active=active, overdue=overdue)


def run_latest_ids(*, user, tutorial: str, step: str) -> tuple[int | None, int | None]:
    """(the newest finished run's id, the active run's id) of the learner's step: one query over a few rows."""
    rows = list(
        Run.objects.filter(user=user, tutorial=tutorial, step=step)
        .order_by("-created_at", "-id")
        .values_list("id", "state")[:5]
    )
    active = next((pk for pk, state in rows if state in Run.ACTIVE_STATES), None)
    latest = next((pk for pk, state in rows if state not in Run.ACTIVE_STATES), None)
    return latest, active


# --- the step page ---------------------------------------------------------------------------------------------


@dataclass
class SectionPanel:
    """Everything one checkpoint panel shows."""

    slug: str
    results: dict[str, ResultView]
    state: str  # complete | failing | not_started
    change: str

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results.values() if r.status == "pass")


@dataclass
class StepLearning:
    """The learner's side of a step page (as `learning` in the template context)."""

    tutorial: str
    step: str
    authenticated: bool = False
    connection: Connection | None = None
    active_run: Run | None = None
    last_run: Run | None = None  # the latest finished run (done or error)
    last_done_run: Run | None = None  # the latest run with results
    results: dict[str, ResultView] = field(default_factory=dict)
    progress: dict[str, SectionProgress] = field(default_factory=dict)
    recipe_job: RecipeJob | None = None
    recipe_allowed: bool = False
    recipe_reason: str = ""
    checking_available: bool = True
    cleaned_up: bool = False  # a clean-up finished after the latest results
    sections: tuple[str, ...] = ()
    lang: str = "ja"

    @property
    def connected(self) -> bool:
        return bool(self.connection and self.connection.is_connected)

    @property
    def step_state(self) -> str:
        return step_state([self.section_state(s) for s in self.sections])

    @property
    def last_section(self) -> str:
        """The step's last section with a checkpoint (its panel links to the completion page once all pass)."""
        return self.sections[-1] if self.sections else ""

    def section_state(self, slug: str) -> str:
        progress = self.progress.get(slug)
        if self.cleaned_up:
            return CLEANED if progress is not None else NOT_STARTED
        if progress is None:
            return NOT_STARTED
        return COMPLETE if progress.complete else FAILING

    @cached_property
    def prepares(self) -> str:
        """What "Prepare" builds for this step, in the page's language (the step's spec says it once)."""
        from provisioning.steps import get_step

        try:
            words = get_step(self.tutorial, self.step).recipes.prepares or {}
        except LookupError:
            return ""
        return words.get(self.lang) or words.get("en", "")

    @cached_property
    def cleanup(self) -> CleanupPreview:
        """What "Clean up" would delete (the dialog that asks first)."""
        return cleanup_preview(learning=self)

    @cached_property
    def diagram(self):
        """The architecture picture of the latest run with results (empty boxes before the first run)."""
        from .architecture import architecture_diagram

        run = self.last_done_run
        statuses = {cid: r.status for cid, r in self.results.items()}
        return architecture_diagram(
            architecture=run.architecture if run else None, statuses=statuses, tutorial=self.tutorial, step=self.step
        )

    def panel(self, slug: str) -> SectionPanel:
        progress = self.progress.get(slug)
        change = ""
        if progress is not None:
            change = progress.change_en if self.lang == "en" else progress.change_ja
        return SectionPanel(
            slug=slug,
            results={cid: r for cid, r in self.results.items() if r.section == slug},
            state=self.section_state(slug),
            change=change,
        )


def step_state(section_states: list[str]) -> str:
    """A step is complete when all its sections are; failing when any was checked; else not started."""
    if section_states and all(s == COMPLETE for s in section_states):
        return COMPLETE
    if any(s != NOT_STARTED for s in section_states):
        return FAILING
    return NOT_STARTED


def checking_available() -> bool:
    """Whether the task queue answers (cached briefly, so a page render costs at most one quick connect)."""
    cached = cache.get("learning:broker-ok")
    if cached is not None:
        return bool(cached)
    from config.celery import app

    ok = True
    started = time.monotonic()
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
    except Exception as exc:
        logger.warning("task queue unavailable: %s", type(exc).__name__)
        ok = False
    logger.debug("broker check took %.0f ms", (time.monotonic() - started) * 1000)
    cache.set("learning:broker-ok", ok, BROKER_CHECK_CACHE_SECONDS)
    return ok


def _step_sections(tutorial: str, step: str) -> tuple[str, ...]:
    from provisioning.steps import get_step

    try:
        return tuple(get_step(tutorial, step).sections)
    except LookupError:
        return ()


def step_learning(*, user, tutorial: str, step: str) -> StepLearning:
    """The learner's runs, results, progress, connection and recipe job for one step (a constant number of queries)."""
    lang = _lang()
    learning = StepLearning(tutorial=tutorial, step=step, sections=_step_sections(tutorial, step), lang=lang)
    if not getattr(user, "is_authenticated", False):
        return learning
    from .services import recipe_permission

    learning.authenticated = True
    learning.connection = Connection.objects.filter(user=user).first()
    # The newest few runs are enough to find the active one, the latest finished one and the latest done one.
    recent = list(Run.objects.filter(user=user, tutorial=tutorial, step=step).order_by("-created_at", "-id")[:20])
    learning.active_run = next((r for r in recent if r.is_active), None)
    learning.last_run = next((r for r in recent if not r.is_active), None)
    learning.last_done_run = next((r for r in recent if r.state == Run.State.DONE), None)
    if learning.last_done_run is None and recent:
        learning.last_done_run = (
            Run.objects.filter(user=user, tutorial=tutorial, step=step, state=Run.State.DONE)
            .order_by("-created_at", "-id")
            .first()
        )
    if learning.last_done_run is not None:
        learning.results = {r.check_id: result_view(r, lang) for r in Result.objects.filter(run=learning.last_done_run)}
    learning.progress = {p.section: p for p in SectionProgress.objects.filter(user=user, tutorial=tutorial, step=step)}
    learning.recipe_job = RecipeJob.objects.filter(user=user, tutorial=tutorial, step=step).first()
    job = learning.recipe_job
    if (
        job is not None
        and job.recipe == "teardown"
        and job.state == RecipeJob.State.DONE
        and (learning.last_done_run is None or job.finished_at > learning.last_done_run.finished_at)
    ):
        # Cleaned up since the latest results: they describe what is gone; nothing is checked until the next run.
        learning.cleaned_up = True
        learning.results = {}
    learning.recipe_allowed, learning.recipe_reason = recipe_permission(user=user, connection=learning.connection)
    learning.checking_available = checking_available()
    return learning


@dataclass(frozen=True)
class CleanupPreview:
    deletes: list[str]  # the clean-up's steps, in order, in the page's language
    billable: list[str]  # what the latest check saw that costs money while it exists


def cleanup_preview(*, learning: StepLearning) -> CleanupPreview:
    """What "Clean up" deletes, for the dialog that asks first: the clean-up's own steps (the step spec's teardown,
    by their labels), and what the latest check saw that costs money (the spec's `billable_from_run`)."""
    from provisioning.recipes import recipe_steps
    from provisioning.recipes.labels import step_label
    from provisioning.steps import get_step

    try:
        spec = get_step(learning.tutorial, learning.step)
    except LookupError:
        return CleanupPreview(deletes=[], billable=[])
    billable: list[str] = []
    run = learning.last_done_run
    if run is not None and not learning.cleaned_up:
        statuses = {cid: r.status for cid, r in learning.results.items()}
        billable = [
            _billable_label(item, learning.lang) for item in spec.billable_from_run(run.architecture or {}, statuses)
        ]
    names = [name for name, _fn in recipe_steps(spec, None, "teardown", None)]
    deletes = [step_label(name, learning.lang, tutorial=learning.tutorial, step=learning.step) for name in names]
    return CleanupPreview(deletes=deletes, billable=billable)


def _billable_label(item: dict, lang: str) -> str:
    kind = str(item.get("type", ""))
    names = {
        "load-balancer": {"ja": "ロードバランサー", "en": "Load balancer"},
        "instance": {"ja": "EC2 インスタンス", "en": "EC2 instance"},
        "elastic-ip": {"ja": "Elastic IP アドレス", "en": "Elastic IP address"},
        "nat-gateway": {"ja": "NAT ゲートウェイ", "en": "NAT gateway"},
    }.get(kind, {"ja": kind, "en": kind})
    ident = item.get("name") or item.get("id") or ""
    return f"{names['en' if lang == 'en' else 'ja']} {ident}".strip()


def minutes_left(*, learning: StepLearning, sections) -> int | None:
    """The estimated time of what is not done yet (the content pack's `minutes` of each section), or None when
    there is no progress to go by (not signed in or not connected). A section with a checkpoint is done when it is
    complete; one without (an explanation) once a section after it is complete. learning.js keeps it up to date."""
    if not (learning.authenticated and learning.connected):
        return None
    left, later_done = 0, False
    for section in reversed(sections):
        if section.checks:
            done = learning.section_state(section.slug) == COMPLETE
            later_done = later_done or done
        else:
            done = later_done
        if not done:
            left += section.minutes or 0
    return left


def step_page_context(*, user, tutorial: str, step: str) -> dict[str, Any]:
    """Extra context for a step page: the learner's latest run, results per section, progress, connection."""
    learning = step_learning(user=user, tutorial=tutorial, step=step)
    return {"learning": learning}


# --- the completion page ---------------------------------------------------------------------------------------


@dataclass
class CompletionView:
    """A learner's completion of a step (as `completion` in the completion page's context)."""

    learning: StepLearning
    record: StepCompletion | None  # the first time every section was complete (None: not yet, or before records)
    started_at: Any = None
    completed_at: Any = None
    left: list[str] = field(default_factory=list)  # sections with a checkpoint not complete now, in page order

    @property
    def done(self) -> bool:
        """Finished the step once (a clean-up or a later change since does not take that away)."""
        return self.completed_at is not None

    @property
    def complete_now(self) -> bool:
        return self.learning.step_state == COMPLETE

    @property
    def seconds(self) -> int | None:
        if self.started_at is None or self.completed_at is None:
            return None
        return max(0, int((self.completed_at - self.started_at).total_seconds()))

    @cached_property
    def diagram(self):
        """What they built: the picture of the run that completed the step (every link passing), else the latest."""
        from .architecture import architecture_diagram

        run = self.record.run if self.record is not None else None
        if run is None or self.complete_now:
            return self.learning.diagram
        statuses = dict(Result.objects.filter(run=run).values_list("check_id", "status"))
        return architecture_diagram(
            architecture=run.architecture, statuses=statuses, tutorial=self.learning.tutorial, step=self.learning.step
        )

    @property
    def cleanup_job(self) -> RecipeJob | None:
        """The clean-up the learner ran since finishing, if it is their latest action on the step (the re-check
        after it, which finds nothing, does not count as "something changed")."""
        job = self.learning.recipe_job
        if job is None or job.recipe != "teardown" or job.state != RecipeJob.State.DONE or not job.finished_at:
            return None
        return job if self.completed_at is None or job.finished_at > self.completed_at else None

    @property
    def billable(self) -> list[str]:
        """What the latest check saw that costs money while it exists (empty after a clean-up)."""
        return [] if self.cleanup_job is not None else self.learning.cleanup.billable


def completion_view(*, user, tutorial: str, step: str) -> CompletionView:
    """The learner's own completion of one step: the stored record, or (for a step complete before records were
    kept) the latest state read the same way."""
    learning = step_learning(user=user, tutorial=tutorial, step=step)
    view = CompletionView(learning=learning, record=None)
    if not learning.authenticated:
        return view
    view.left = [slug for slug in learning.sections if learning.section_state(slug) != COMPLETE]
    view.record = StepCompletion.objects.filter(user=user, tutorial=tutorial, step=step).select_related("run").first()
    if view.record is not None:
        view.started_at, view.completed_at = view.record.started_at, view.record.completed_at
    elif view.complete_now:
        from .services import first_activity_at

        done_at = [p.completed_at for p in learning.progress.values() if p.completed_at]
        view.completed_at = max(done_at) if done_at else None
        view.started_at = first_activity_at(user_id=user.pk, tutorial=tutorial, step=step) or view.completed_at
    return view


def completed_steps(*, user, tutorial: str) -> set[str]:
    """The steps of a tutorial the learner has finished once (for the overview's "see what you built" links)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(StepCompletion.objects.filter(user=user, tutorial=tutorial).values_list("step", flat=True))


# --- where the learner left off ---------------------------------------------------------------------------------


def place_get(*, user, tutorial: str | None = None) -> LearnerPlace | None:
    """The learner's place in `tutorial` (or their latest place in any tutorial), if it is still a step that exists."""
    from provisioning.steps import REGISTRY

    if not getattr(user, "is_authenticated", False):
        return None
    places = LearnerPlace.objects.filter(user=user).order_by("-updated_at")
    if tutorial is not None:
        places = places.filter(tutorial=tutorial)
    return next((p for p in places[:5] if f"{p.tutorial}/{p.step}" in REGISTRY), None)


def place_url(place: LearnerPlace | None) -> str | None:
    """The step page of a place, at its section (`#section` only for a section the step has)."""
    if place is None:
        return None
    from django.urls import NoReverseMatch, reverse

    from tutorial.content import get_tutorial

    pack = get_tutorial(place.tutorial)
    page_step = pack.step(place.step) if pack else None
    if page_step is None:
        return None
    try:
        url = reverse("tutorial:step", kwargs={"tutorial": place.tutorial, "step": place.step})
    except NoReverseMatch:
        return None
    if place.section and page_step.version(_lang()).section(place.section) is not None:
        url += f"#{place.section}"
    return url


# --- the overview ----------------------------------------------------------------------------------------------


@dataclass
class StepProgressView:
    step: str
    state: str
    sections: dict[str, str]  # slug -> state
    changes: dict[str, str]  # slug -> what changed in the latest run, in the page's language


def overview_page_context(*, user, tutorial: str) -> dict[str, Any]:
    """Extra context for a tutorial overview: each step's and section's state for this learner.

    `learning_progress` maps step slug -> StepProgressView (use the `step_progress` / `section_state` filters of
    the `learning` template library to read it by slug).
    """
    from provisioning.steps import all_steps

    if not getattr(user, "is_authenticated", False):
        return {"learning_progress": {}, "completed_steps": set(), "resume_url": None}
    lang = _lang()
    rows: dict[str, dict[str, SectionProgress]] = {}
    for p in SectionProgress.objects.filter(user=user, tutorial=tutorial):
        rows.setdefault(p.step, {})[p.section] = p
    out: dict[str, StepProgressView] = {}
    for spec in all_steps(tutorial):
        step_slug = spec.step
        stored = rows.get(step_slug, {})
        sections = {
            slug: (COMPLETE if stored[slug].complete else FAILING) if slug in stored else NOT_STARTED
            for slug in spec.sections
        }
        changes = {slug: (p.change_en if lang == "en" else p.change_ja) for slug, p in stored.items() if p.change_ja}
        out[step_slug] = StepProgressView(
            step=step_slug, state=step_state(list(sections.values())), sections=sections, changes=changes
        )
    place = place_get(user=user, tutorial=tutorial)
    return {
        "learning_progress": out,
        "completed_steps": completed_steps(user=user, tutorial=tutorial),
        "resume_url": place_url(place),
        "resume_place": place,
    }


# --- runs and jobs, for their owner only -------------------------------------------------------------------------


def run_get_for_user(*, user, run_id: int) -> Run:
    """The run if `user` owns it, else Http404 (never reveal that someone else's run exists)."""
    run = Run.objects.filter(pk=run_id, user=user).first()
    if run is None:
        raise Http404("no such run")
    return run


def recipe_job_get_for_user(*, user, job_id: int) -> RecipeJob:
    job = RecipeJob.objects.filter(pk=job_id, user=user).first()
    if job is None:
        raise Http404("no such job")
    return job


@dataclass
class RunSummary:
    run: Run
    counts: dict[str, int]


def run_history(*, user, tutorial: str, step: str, limit: int = 50) -> list[RunSummary]:
    """The learner's runs of one step, newest first, with pass/fail/error/skipped counts (two queries)."""
    from django.db.models import Count

    runs = list(Run.objects.filter(user=user, tutorial=tutorial, step=step).order_by("-created_at", "-id")[:limit])
    counts: dict[int, dict[str, int]] = {r.pk: {} for r in runs}
    for row in Result.objects.filter(run__in=[r.pk for r in runs]).values("run_id", "status").annotate(n=Count("id")):
        counts[row["run_id"]][row["status"]] = row["n"]
    return [RunSummary(run=r, counts=counts[r.pk]) for r in runs]


def run_results(*, run: Run) -> list[ResultView]:
    lang = _lang()
    return [result_view(r, lang) for r in run.results.all().order_by("id")]
