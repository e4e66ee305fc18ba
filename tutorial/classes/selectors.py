"""Reads for classes (HackSoft style): access to a class, the live dashboard, a student's drill-down, banners.

The dashboard is built from four queries whatever the class size (enrollments with users and connections; the
latest runs of every student, numbered by a window function; the results of those runs; the progress rows), then
put together in Python. Tests pin the count for 5 and for 300 students.

Stuck rules (settings, with defaults):
- CLASSES_STUCK_AFTER_MINUTES (15): the latest run fails, and no section was completed for that long (counted from
  the last completed section, or from the learner's first run if none is complete yet);
- CLASSES_STUCK_REPEAT_RUNS (3): the same check failed in each of the learner's last N finished runs.
The flag names the check(s) and their section.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from tutorial.learning.models import Connection, RecipeJob, Result, Run, SectionProgress

from .catalog import SectionColumns, step_columns, tutorial_steps
from .models import ClassCheck, Classroom, Enrollment

INSTRUCTOR_PERMISSION = "classes.add_classroom"
FINISHED_STATES = (Run.State.DONE, Run.State.ERROR)

# Row states, also the dashboard's filters.
DONE = "done"
STUCK = "stuck"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
ROW_FILTERS = (STUCK, IN_PROGRESS, DONE, NOT_STARTED)
SORTS = ("name", "progress", "status", "checked")


def stuck_after() -> timedelta:
    return timedelta(minutes=getattr(settings, "CLASSES_STUCK_AFTER_MINUTES", 15))


def stuck_repeat_runs() -> int:
    return max(1, getattr(settings, "CLASSES_STUCK_REPEAT_RUNS", 3))


# --- access ---------------------------------------------------------------------------------------------------


def user_is_instructor(user) -> bool:
    return bool(user.is_authenticated and user.has_perm(INSTRUCTOR_PERMISSION))


def classroom_list_for_instructor(*, user) -> QuerySet[Classroom]:
    return Classroom.objects.filter(instructor=user)


def classroom_get_for_instructor(*, user, pk: int) -> Classroom | None:
    """The class `pk` if `user` teaches it, else None (the view answers 404: another's class is not revealed)."""
    return Classroom.objects.filter(instructor=user, pk=pk).first()


def classroom_by_join_code(*, code: str) -> Classroom | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return Classroom.objects.filter(join_code=code).first()


def enrollment_is_active(*, classroom: Classroom, user) -> bool:
    return Enrollment.objects.active().filter(classroom=classroom, user=user).exists()


def classroom_list_for_learner(*, user) -> QuerySet[Classroom]:
    return Classroom.objects.filter(enrollments__user=user, enrollments__removed_at__isnull=True)


def learner_may_provision_real_aws(user) -> bool:
    """True if any of the learner's active (open) classes allows "do it for me" on real AWS."""
    if not getattr(user, "is_authenticated", False):
        return False
    return classroom_list_for_learner(user=user).filter(closed_at__isnull=True, allow_real_aws_solve=True).exists()


def enrollment_get_student(*, classroom: Classroom, user_id: int) -> Enrollment | None:
    return Enrollment.objects.active().filter(classroom=classroom, user_id=user_id).select_related("user").first()


def classroom_default_step(*, classroom: Classroom) -> str:
    steps = tutorial_steps(classroom.tutorial)
    return steps[0] if steps else ""


# --- the dashboard --------------------------------------------------------------------------------------------


@dataclass
class Cell:
    check_id: str
    title: str
    status: str  # pass | fail | error | skipped | "" (never checked)
    at: datetime | None


@dataclass
class StuckReason:
    kind: str  # "no_progress" | "repeated"
    section: str
    section_title: str
    check_ids: list[str]
    since: datetime | None = None  # no_progress: the last progress
    runs: int = 0  # repeated: in how many runs in a row


@dataclass
class Row:
    user_id: int
    name: str
    username: str
    connection_kind: str | None
    cells: list[Cell]
    sections_done: dict[str, bool]
    done_count: int
    state: str
    stuck: list[StuckReason] = field(default_factory=list)
    last_checked_at: datetime | None = None
    checking: bool = False  # a run is queued or running
    last_error_code: str = ""  # the latest run could not check (credentials, throttling ...)
    completed_at: datetime | None = None
    cells_at: str = ""  # the cells' time (one run), formatted once per row: 4,500 date filters cost ~0.5 s


@dataclass
class FailingCheck:
    check_id: str
    title: str
    count: int


@dataclass
class SectionSummary:
    slug: str
    title: str
    done: int
    failing: list[FailingCheck]


@dataclass
class Dashboard:
    classroom: Classroom
    step: str
    columns: list[SectionColumns]
    rows: list[Row]  # filtered and sorted
    summary: list[SectionSummary]
    counts: dict[str, int]  # per row state, over the whole class
    total: int
    generated_at: datetime


def _display_name(user) -> str:
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def _connection_kind(user) -> str | None:
    """The learner's connection kind, or None until it is validated (the learner side's definition)."""
    try:
        connection = user.aws_connection
    except Connection.DoesNotExist:
        return None
    return connection.kind if connection.validated_at is not None else None


def class_students(*, classroom: Classroom, step: str) -> list[Enrollment]:
    """Active enrollments with user and connection, plus the learner's active run and first run (one query)."""
    runs = Run.objects.filter(user=OuterRef("user_id"), tutorial=classroom.tutorial, step=step)
    return list(
        Enrollment.objects.active()
        .filter(classroom=classroom)
        .select_related("user", "user__aws_connection")
        .annotate(
            active_run_id=Subquery(runs.filter(state__in=Run.ACTIVE_STATES).order_by("-id").values("id")[:1]),
            first_run_at=Subquery(runs.order_by().values("user").annotate(first=Min("created_at")).values("first")[:1]),
        )
        .order_by("joined_at", "id")
    )


def _latest_runs(*, classroom: Classroom, step: str, per_user: int) -> dict[int, list[dict]]:
    """The last `per_user` finished runs of each enrolled learner, newest first (one query, a window function)."""
    rows = (
        Run.objects.filter(
            user__enrollments__classroom=classroom,
            user__enrollments__removed_at__isnull=True,
            tutorial=classroom.tutorial,
            step=step,
            state__in=FINISHED_STATES,
        )
        .annotate(
            rn=Window(RowNumber(), partition_by=[F("user_id")], order_by=[F("created_at").desc(), F("id").desc()])
        )
        .filter(rn__lte=per_user)
        .values("id", "user_id", "state", "created_at", "finished_at", "error_code", "rn")
    )
    by_user: dict[int, list[dict]] = defaultdict(list)
    for run in rows:
        by_user[run["user_id"]].append(run)
    for runs in by_user.values():
        runs.sort(key=lambda r: r["rn"])
    return by_user


def _statuses(run_ids: list[int]) -> dict[int, dict[str, str]]:
    """run id -> {check id: status} (one query)."""
    out: dict[int, dict[str, str]] = defaultdict(dict)
    if run_ids:
        for run_id, check_id, status in Result.objects.filter(run_id__in=run_ids).values_list(
            "run_id", "check_id", "status"
        ):
            out[run_id][check_id] = status
    return out


def _progress(*, classroom: Classroom, step: str) -> dict[int, dict[str, tuple[bool, datetime | None]]]:
    """user id -> {section: (complete, completed_at)} (one query)."""
    out: dict[int, dict[str, tuple[bool, datetime | None]]] = defaultdict(dict)
    for user_id, section, complete, completed_at in SectionProgress.objects.filter(
        user__enrollments__classroom=classroom,
        user__enrollments__removed_at__isnull=True,
        tutorial=classroom.tutorial,
        step=step,
    ).values_list("user_id", "section", "complete", "completed_at"):
        out[user_id][section] = (complete, completed_at)
    return out


def _stuck_reasons(
    *,
    columns: list[SectionColumns],
    done_runs: list[dict],
    statuses: dict[int, dict[str, str]],
    sections_done: dict[str, bool],
    last_progress_at: datetime | None,
    now: datetime,
) -> list[StuckReason]:
    if not done_runs:
        return []
    latest = statuses.get(done_runs[0]["id"], {})
    if "fail" not in latest.values():
        return []
    reasons = []
    repeat = stuck_repeat_runs()
    if len(done_runs) >= repeat:
        window = [statuses.get(r["id"], {}) for r in done_runs[:repeat]]
        for section in columns:
            ids = [c.id for c in section.checks if all(s.get(c.id) == "fail" for s in window)]
            if ids:
                reasons.append(StuckReason("repeated", section.slug, section.title, ids, runs=repeat))
    if last_progress_at is not None and now - last_progress_at >= stuck_after():
        # Stuck where they are: the first section not yet done, on the checks failing there.
        for section in columns:
            if sections_done.get(section.slug):
                continue
            ids = [c.id for c in section.checks if latest.get(c.id) == "fail"]
            if ids:
                reasons.append(StuckReason("no_progress", section.slug, section.title, ids, since=last_progress_at))
                break
    return reasons


def class_dashboard(
    *,
    classroom: Classroom,
    step: str | None = None,
    lang: str | None = None,
    state: str = "",
    sort: str = "name",
    now: datetime | None = None,
) -> Dashboard:
    """The live dashboard: one row per student, one cell per check, a summary per section. Constant queries."""
    now = now or timezone.now()
    step = step or classroom_default_step(classroom=classroom)
    columns = step_columns(tutorial=classroom.tutorial, step=step, lang=lang)
    enrollments = class_students(classroom=classroom, step=step)
    runs_by_user = _latest_runs(classroom=classroom, step=step, per_user=stuck_repeat_runs())
    done_ids = [r["id"] for runs in runs_by_user.values() for r in runs if r["state"] == Run.State.DONE]
    statuses = _statuses(done_ids)
    progress = _progress(classroom=classroom, step=step)

    rows: list[Row] = []
    for enrollment in enrollments:
        user = enrollment.user
        runs = runs_by_user.get(user.id, [])
        done_runs = [r for r in runs if r["state"] == Run.State.DONE]
        latest_done = done_runs[0] if done_runs else None
        latest = statuses.get(latest_done["id"], {}) if latest_done else {}
        at = latest_done["finished_at"] or latest_done["created_at"] if latest_done else None
        cells = [
            Cell(c.id, c.title, latest.get(c.id, ""), at if c.id in latest else None) for s in columns for c in s.checks
        ]
        user_progress = progress.get(user.id, {})
        # A section is done when its checkpoint passed in the latest run (what the learner's page shows too).
        sections_done = {s.slug: bool(latest) and all(latest.get(c.id) == "pass" for c in s.checks) for s in columns}
        completions = [at for complete, at in user_progress.values() if complete and at]
        first_run_at = enrollment.first_run_at
        last_progress_at = max([*completions, *([first_run_at] if first_run_at else [])], default=None)
        done_count = sum(sections_done.values())
        stuck = _stuck_reasons(
            columns=columns,
            done_runs=done_runs,
            statuses=statuses,
            sections_done=sections_done,
            last_progress_at=last_progress_at,
            now=now,
        )
        if columns and done_count == len(columns):
            row_state = DONE
        elif stuck:
            row_state = STUCK
        elif not runs and enrollment.active_run_id is None:
            row_state = NOT_STARTED
        else:
            row_state = IN_PROGRESS
        rows.append(
            Row(
                user_id=user.id,
                name=_display_name(user),
                username=user.get_username(),
                connection_kind=_connection_kind(user),
                cells=cells,
                sections_done=sections_done,
                done_count=done_count,
                state=row_state,
                stuck=stuck,
                last_checked_at=(runs[0]["finished_at"] or runs[0]["created_at"]) if runs else None,
                checking=enrollment.active_run_id is not None,
                last_error_code=runs[0]["error_code"] if runs and runs[0]["state"] == Run.State.ERROR else "",
                completed_at=max(completions) if row_state == DONE and completions else None,
                cells_at=timezone.localtime(at).strftime("%H:%M") if at else "",
            )
        )

    counts = {key: sum(1 for r in rows if r.state == key) for key in ROW_FILTERS}
    summary = []
    for index, section in enumerate(columns):
        offset = sum(len(s.checks) for s in columns[:index])
        failing = []
        for i, check in enumerate(section.checks):
            n = sum(1 for r in rows if r.cells[offset + i].status == "fail")
            if n:
                failing.append(FailingCheck(check.id, check.title, n))
        failing.sort(key=lambda f: -f.count)
        summary.append(
            SectionSummary(section.slug, section.title, sum(1 for r in rows if r.sections_done[section.slug]), failing)
        )

    shown = [r for r in rows if r.state == state] if state in ROW_FILTERS else rows
    shown = _sorted(shown, sort)
    return Dashboard(classroom, step, columns, shown, summary, counts, len(rows), now)


def class_dashboard_version(*, classroom: Classroom, step: str, now: datetime | None = None) -> str:
    """A cheap fingerprint of what the grid shows (two queries), so an unchanged poll answers 204, not 1 MB.

    It covers runs started or finished and the roster; the current minute is part of it, so relative times
    ("3 minutes ago") and the no-progress stuck rule still move while nothing else does.
    """
    runs = Run.objects.filter(
        user__enrollments__classroom=classroom,
        user__enrollments__removed_at__isnull=True,
        tutorial=classroom.tutorial,
        step=step,
    ).aggregate(
        last_id=Max("id"),
        last_finished=Max("finished_at"),
        active=Count("id", filter=Q(state__in=Run.ACTIVE_STATES)),
        finished=Count("id", filter=Q(state__in=FINISHED_STATES)),
    )
    roster = Enrollment.objects.active().filter(classroom=classroom).aggregate(n=Count("id"), last=Max("id"))
    minute = int((now or timezone.now()).timestamp() // 60)
    parts = [runs["last_id"], runs["last_finished"], runs["active"], runs["finished"], roster["n"], roster["last"]]
    raw = "|".join(str(p) for p in [*parts, minute])
    return hashlib.blake2s(raw.encode(), digest_size=8).hexdigest()


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    order = {STUCK: 0, IN_PROGRESS: 1, NOT_STARTED: 2, DONE: 3}
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    keys = {
        "name": lambda r: (r.name.casefold(), r.user_id),
        "progress": lambda r: (r.done_count, r.name.casefold()),
        "status": lambda r: (order[r.state], r.name.casefold()),
        "checked": lambda r: (r.last_checked_at or epoch, r.name.casefold()),
    }
    return sorted(rows, key=keys.get(key, keys["name"]), reverse=descending)


# --- a student's drill-down -----------------------------------------------------------------------------------


@dataclass
class StudentDetail:
    enrollment: Enrollment
    step: str
    latest_run: Run | None
    results: list[Result]
    runs: list[Run]
    active_run: Run | None


def class_student_detail(
    *, classroom: Classroom, enrollment: Enrollment, step: str, history: int = 20
) -> StudentDetail:
    """A student's latest results (with hints), run history and the run whose architecture to draw."""
    runs_qs = Run.objects.filter(user=enrollment.user, tutorial=classroom.tutorial, step=step)
    runs = list(
        runs_qs.annotate(
            passed=_count_results("pass"),
            failed=_count_results("fail"),
            errored=_count_results("error"),
        ).order_by("-created_at", "-id")[:history]
    )
    latest = next((r for r in runs if r.state == Run.State.DONE), None)
    if latest is None:
        latest = runs_qs.filter(state=Run.State.DONE).order_by("-created_at", "-id").first()
    results = list(latest.results.all()) if latest else []
    order = {
        cid: i
        for i, cid in enumerate(c.id for s in step_columns(tutorial=classroom.tutorial, step=step) for c in s.checks)
    }
    results.sort(key=lambda r: order.get(r.check_id, len(order)))
    active = next((r for r in runs if r.state in Run.ACTIVE_STATES), None)
    return StudentDetail(enrollment, step, latest, results, runs, active)


def _count_results(status: str):
    return Count("results", filter=Q(results__status=status))


# --- "check everyone" progress --------------------------------------------------------------------------------


@dataclass
class CheckProgress:
    check: ClassCheck
    total: int
    finished: int
    no_connection: list[str]

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.finished / self.total)

    @property
    def complete(self) -> bool:
        return self.finished >= self.total


def class_check_latest(*, classroom: Classroom) -> ClassCheck | None:
    return classroom.checks.order_by("-created_at", "-id").first()


def class_check_progress(*, class_check: ClassCheck) -> CheckProgress:
    """How many of the fanned-out runs finished, counted in the database (no Celery result backend needed)."""
    ids = list(class_check.run_ids)
    finished = Run.objects.filter(id__in=ids, state__in=FINISHED_STATES).count() if ids else 0
    names = []
    if class_check.no_connection_user_ids:
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(id__in=class_check.no_connection_user_ids)
        names = sorted((_display_name(u) for u in users), key=str.casefold)
    return CheckProgress(class_check, len(ids), finished, names)


# --- closing: clean-up banners and who has not cleaned up -----------------------------------------------------


@dataclass
class CleanupBanner:
    classroom: Classroom
    billable: list[dict]
    step: str = ""  # the step page whose lab has the "Clean up" button ("" if the tutorial has none)


def _cleanup_step(tutorial: str) -> str:
    """The step of `tutorial` with recipes (its teardown): the last one the step registry lists."""
    from provisioning.steps import step_keys

    steps = [step for (_t, step) in step_keys(tutorial)]
    return steps[-1] if steps else ""


def _billable_from_run(run: Run | None, statuses: dict[str, str]) -> list[dict]:
    """What the latest run saw that costs money, when no teardown has listed it (the run's step spec says what)."""
    if run is None:
        return []
    from provisioning.steps import get_step

    try:
        spec = get_step(run.tutorial, run.step)
    except LookupError:
        return []
    return spec.billable_from_run(run.architecture or {}, statuses)


def _billable_items(items: list) -> list[dict]:
    """Teardown's `billable_left` entries ({type, id, name?, ...}) with a `label` for display."""
    out = []
    for item in items or []:
        if isinstance(item, dict):
            label = str(item.get("name") or item.get("id") or "")
            out.append({"type": str(item.get("type", "")), "id": str(item.get("id", "")), "label": label})
    return out


def learner_billable_resources(*, user, tutorial: str) -> list[dict]:
    """The tutorial's billable resources still in the learner's account, as last seen.

    A teardown job newer than the latest run knows best (its `billable_left`); otherwise the latest run's results
    tell whether the load balancer and the instance exist.
    """
    job = (
        RecipeJob.objects.filter(user=user, tutorial=tutorial, recipe="teardown", state=RecipeJob.State.DONE)
        .order_by("-created_at", "-id")
        .first()
    )
    run = Run.objects.filter(user=user, tutorial=tutorial, state=Run.State.DONE).order_by("-created_at", "-id").first()
    if job is not None and (run is None or job.created_at >= run.created_at):
        return _billable_items(job.billable_left)
    statuses = dict(run.results.values_list("check_id", "status")) if run else {}
    return _billable_items(_billable_from_run(run, statuses))


def learner_cleanup_banners(*, user) -> list[CleanupBanner]:
    """Closed classes of a learner with a real-AWS connection, each with what still costs money."""
    if not getattr(user, "is_authenticated", False):
        return []
    kind = _connection_kind(user)
    if kind is None or kind == Connection.Kind.SANDBOX:
        return []  # the sandbox costs nothing
    closed = list(classroom_list_for_learner(user=user).filter(closed_at__isnull=False).order_by("-closed_at")[:3])
    banners = []
    for classroom in closed:
        billable = learner_billable_resources(user=user, tutorial=classroom.tutorial)
        if billable:
            banners.append(CleanupBanner(classroom, billable, step=_cleanup_step(classroom.tutorial)))
    return banners


@dataclass
class CleanupRow:
    user_id: int
    name: str
    billable: list[dict]


def class_not_cleaned_up(*, classroom: Classroom) -> list[CleanupRow]:
    """Students with a real-AWS connection whose account still holds the tutorial's billable resources.

    Only asked for closed classes (a handful of queries per real-AWS learner; sandbox learners are skipped).
    """
    rows = []
    enrollments = (
        Enrollment.objects.active()
        .filter(classroom=classroom, user__aws_connection__validated_at__isnull=False)
        .exclude(user__aws_connection__kind=Connection.Kind.SANDBOX)
        .select_related("user")
    )
    for enrollment in enrollments:
        billable = learner_billable_resources(user=enrollment.user, tutorial=classroom.tutorial)
        if billable:
            rows.append(CleanupRow(enrollment.user_id, _display_name(enrollment.user), billable))
    return rows
