"""Reads for classes (HackSoft style): access to a class, the live dashboard, a student's drill-down, banners.

The dashboard is built from six queries whatever the class size (enrollments with users, connections and profiles;
the latest runs of every student and step, numbered by a window function; the results of those runs; the progress
rows; the sections whose recipe ran; the dismissed flags), then put together in Python. Tests pin the count for 5
and for 300 students.

Stuck (settings, with defaults): a student is stuck on a section only once they started it (pressed its Check, ran
its "do it for me", or a later section passed), and only on time-separated evidence:
- CLASSES_STUCK_REPEAT_RUNS (3) runs failing there, each at least CLASSES_STUCK_MIN_GAP_SECONDS (60) apart;
- or the same checks failing there for CLASSES_STUCK_AFTER_MINUTES (15) while the learner is active.
Each flag says since when and on what; the instructor can dismiss it (evidence after the dismissal counts again).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from tutorial.learning.models import Connection, RecipeJob, Result, Run, SectionProgress

from .catalog import SectionColumns, StepColumns, step_columns, tutorial_columns, tutorial_steps
from .models import ClassAction, ClassCheck, Classroom, Enrollment, LearnerProfile, StuckDismissal, StudentNote

INSTRUCTOR_PERMISSION = "classes.add_classroom"
FINISHED_STATES = (Run.State.DONE, Run.State.ERROR)

# Row states, also the dashboard's filters.
DONE = "done"
STUCK = "stuck"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
ROW_FILTERS = (STUCK, IN_PROGRESS, DONE, NOT_STARTED)
SORTS = ("name", "number", "progress", "status", "checked")
STUCK_WINDOW_RUNS = 10  # finished runs per learner and step the stuck rules look back on


def stuck_after() -> timedelta:
    return timedelta(minutes=getattr(settings, "CLASSES_STUCK_AFTER_MINUTES", 15))


def stuck_repeat_runs() -> int:
    return max(2, getattr(settings, "CLASSES_STUCK_REPEAT_RUNS", 3))


def stuck_min_gap() -> timedelta:
    return timedelta(seconds=getattr(settings, "CLASSES_STUCK_MIN_GAP_SECONDS", 60))


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


def section_key(step: str, section: str) -> str:
    return f"{step}:{section}"


@dataclass
class Cell:
    check_id: str
    title: str
    status: str  # pass | fail | error | skipped | "" (never checked)
    at: datetime | None
    step: str = ""
    section: str = ""
    group_start: bool = False  # the first check of its section (the grid draws a divider)


@dataclass
class StuckReason:
    """A student is stuck on a section: since when, on which checks, and by which rule."""

    kind: str  # "repeated" (failing runs at least a minute apart) | "same_failure" (the same failure for N minutes)
    step: str
    section: str
    section_title: str
    check_ids: list[str]
    check_titles: list[str]
    since: datetime
    runs: int = 0  # repeated: how many time-separated failing runs

    @property
    def key(self) -> str:
        return section_key(self.step, self.section)


@dataclass
class Row:
    user_id: int
    name: str
    username: str
    student_number: str
    connection_kind: str | None
    cells: list[Cell]
    sections_done: dict[str, bool]  # section_key -> done
    done_count: int
    state: str
    stuck: list[StuckReason] = field(default_factory=list)
    last_checked_at: datetime | None = None
    checking: bool = False  # a run is queued or running
    last_error_code: str = ""  # the latest run could not check (credentials, throttling ...)
    completed_at: datetime | None = None
    changed_at: datetime | None = None  # the latest thing that changed this row (runs, note, dismissal, profile)
    has_note: bool = False
    cells_at: str = ""  # the cells' time (latest run), formatted once per row: 4,500 date filters cost ~0.5 s


@dataclass
class FailingCheck:
    check_id: str
    title: str
    count: int


@dataclass
class SectionSummary:
    step: str
    slug: str
    title: str
    done: int
    failing: list[FailingCheck]
    done_names: list[tuple[int, str]] = field(default_factory=list)  # (user id, name), for the links
    stuck_names: list[tuple[int, str]] = field(default_factory=list)
    working_names: list[tuple[int, str]] = field(default_factory=list)  # started, not done, not stuck

    @property
    def key(self) -> str:
        return section_key(self.step, self.slug)


@dataclass
class Dashboard:
    classroom: Classroom
    step: str  # the step "check everyone" checks
    steps: list[StepColumns]
    rows: list[Row]  # filtered and sorted
    summary: list[SectionSummary]
    counts: dict[str, int]  # per row state, over the whole class
    total: int
    generated_at: datetime

    @property
    def columns(self) -> list[SectionColumns]:
        """Every section of every step, in order (the grid's second header row)."""
        return [section for step in self.steps for section in step.sections]

    @property
    def order(self) -> str:
        """A fingerprint of which rows are shown in which order (a poll may then send only the changed rows)."""
        raw = ",".join(str(r.user_id) for r in self.rows)
        return hashlib.blake2s(raw.encode(), digest_size=6).hexdigest()


def display_name(user) -> str:
    """The learner's display name (their profile), else their full name, else their username."""
    try:
        profile = user.learner_profile
    except LearnerProfile.DoesNotExist:
        profile = None
    if profile is not None and profile.display_name.strip():
        return profile.display_name.strip()
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


_display_name = display_name


def student_number(user) -> str:
    try:
        return user.learner_profile.student_number
    except LearnerProfile.DoesNotExist:
        return ""


def _connection_kind(user) -> str | None:
    """The learner's connection kind, or None until it is validated (the learner side's definition)."""
    try:
        connection = user.aws_connection
    except Connection.DoesNotExist:
        return None
    return connection.kind if connection.validated_at is not None else None


def class_students(
    *, classroom: Classroom, steps: list[str] | None = None, user_id: int | None = None
) -> list[Enrollment]:
    """Active enrollments with user, connection and profile, plus the learner's active run, the times their runs
    last changed and their note's time (one query)."""
    runs = Run.objects.filter(user=OuterRef("user_id"), tutorial=classroom.tutorial)
    if steps is not None:
        runs = runs.filter(step__in=steps)

    def latest(column: str):
        return Subquery(runs.exclude(**{f"{column}__isnull": True}).order_by(f"-{column}").values(column)[:1])

    notes = StudentNote.objects.filter(classroom=classroom, user=OuterRef("user_id"))
    enrollments = Enrollment.objects.active().filter(classroom=classroom)
    if user_id is not None:
        enrollments = enrollments.filter(user_id=user_id)
    return list(
        enrollments.select_related("user", "user__aws_connection", "user__learner_profile")
        .annotate(
            active_run_id=Subquery(runs.filter(state__in=Run.ACTIVE_STATES).order_by("-id").values("id")[:1]),
            run_created_at=latest("created_at"),
            run_started_at=latest("started_at"),
            run_finished_at=latest("finished_at"),
            note_at=Subquery(notes.values("updated_at")[:1]),
        )
        .order_by("joined_at", "id")
    )


def _enrolled(qs, classroom: Classroom, user_id: int | None):
    """`qs` (rows with a `user`) of the class's active students, or of one of them."""
    qs = qs.filter(user__enrollments__classroom=classroom, user__enrollments__removed_at__isnull=True)
    return qs.filter(user_id=user_id) if user_id is not None else qs


def _latest_runs(
    *, classroom: Classroom, steps: list[str], per_step: int, user_id: int | None = None
) -> dict[tuple[int, str], list[dict]]:
    """The last `per_step` finished runs of each enrolled learner and step, newest first (one query, a window)."""
    rows = (
        _enrolled(Run.objects, classroom, user_id)
        .filter(tutorial=classroom.tutorial, step__in=steps, state__in=FINISHED_STATES)
        .annotate(
            rn=Window(
                RowNumber(),
                partition_by=[F("user_id"), F("step")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(rn__lte=per_step)
        .values("id", "user_id", "step", "section", "state", "created_at", "finished_at", "error_code", "rn")
    )
    by_key: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for run in rows:
        by_key[(run["user_id"], run["step"])].append(run)
    for runs in by_key.values():
        runs.sort(key=lambda r: r["rn"])
    return by_key


def _statuses(latest_ids: list[int], older_ids: list[int]) -> dict[int, dict[str, str]]:
    """run id -> {check id: status}: every status of the latest runs, only the failures of older ones (one query;
    the stuck rules only look at failures, and 300 learners x 10 runs x 15 checks would be 45,000 rows)."""
    out: dict[int, dict[str, str]] = defaultdict(dict)
    if latest_ids or older_ids:
        wanted = Q(run_id__in=latest_ids) | Q(run_id__in=older_ids, status="fail")
        for run_id, check_id, status in Result.objects.filter(wanted).values_list("run_id", "check_id", "status"):
            out[run_id][check_id] = status
    return out


def _progress(
    *, classroom: Classroom, steps: list[str], user_id: int | None = None
) -> dict[int, dict[str, tuple[bool, datetime | None]]]:
    """user id -> {section key: (complete, completed_at)} (one query)."""
    out: dict[int, dict[str, tuple[bool, datetime | None]]] = defaultdict(dict)
    rows = _enrolled(SectionProgress.objects, classroom, user_id).filter(tutorial=classroom.tutorial, step__in=steps)
    for uid, step, section, complete, completed_at in rows.values_list(
        "user_id", "step", "section", "complete", "completed_at"
    ):
        out[uid][section_key(step, section)] = (complete, completed_at)
    return out


def _recipe_sections(*, classroom: Classroom, steps: list[str], user_id: int | None = None) -> set[tuple[int, str]]:
    """(user id, section key) of every section whose "do it for me" a learner ran (one query)."""
    return {
        (uid, section_key(step, section))
        for uid, step, section in _enrolled(RecipeJob.objects, classroom, user_id)
        .filter(tutorial=classroom.tutorial, step__in=steps)
        .exclude(section="")
        .values_list("user_id", "step", "section")
        .distinct()
    }


def _dismissals(*, classroom: Classroom, user_id: int | None = None) -> dict[tuple[int, str], datetime]:
    """(user id, section key) -> when the instructor dismissed that stuck flag (one query)."""
    rows = StuckDismissal.objects.filter(classroom=classroom)
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    return {(uid, section): at for uid, section, at in rows.values_list("user_id", "section", "at")}


def _run_time(run: dict) -> datetime:
    return run["finished_at"] or run["created_at"]


def _stuck_on_section(
    *,
    step: str,
    section: SectionColumns,
    done_runs: list[dict],
    statuses: dict[int, dict[str, str]],
    dismissed_at: datetime | None,
    now: datetime,
) -> StuckReason | None:
    """Whether the (started, not done) section is stuck, by time-separated evidence only.

    - repeated: at least CLASSES_STUCK_REPEAT_RUNS runs failing here, each at least CLASSES_STUCK_MIN_GAP_SECONDS
      after the one before (three presses within ten seconds are one attempt, not three);
    - same_failure: the same checks have failed here for CLASSES_STUCK_AFTER_MINUTES, and the learner is still
      active (a run within that time).
    Only runs after a dismissal count.
    """
    ids = [c.id for c in section.checks]
    titles = {c.id: c.title for c in section.checks}
    # The streak: consecutive runs, newest first, in which this section has a failing check.
    streak: list[tuple[dict, frozenset[str]]] = []
    for run in done_runs:
        if dismissed_at is not None and _run_time(run) <= dismissed_at:
            break
        failing = frozenset(cid for cid in ids if statuses.get(run["id"], {}).get(cid) == "fail")
        if not failing:
            break
        streak.append((run, failing))
    if not streak:
        return None
    latest_failing = sorted(streak[0][1], key=ids.index)

    def reason(kind: str, since: datetime, runs: int = 0) -> StuckReason:
        return StuckReason(
            kind, step, section.slug, section.title, latest_failing, [titles[c] for c in latest_failing], since, runs
        )

    # Time-separated runs failing on the same check(s) (newest first, greedy); a change of failing check is progress.
    gap = stuck_min_gap()
    counted = [streak[0][0]]
    common = set(streak[0][1])
    for run, failing in streak[1:]:
        if not common & failing:
            break
        if _run_time(counted[-1]) - _run_time(run) >= gap:
            counted.append(run)
            common &= failing
    if len(counted) >= stuck_repeat_runs():
        found = reason("repeated", _run_time(counted[-1]), len(counted))
        found.check_ids = sorted(common, key=ids.index)
        found.check_titles = [titles[c] for c in found.check_ids]
        return found
    # The same failure, still active: the consecutive runs failing on exactly the same checks.
    same = []
    for run, failing in streak:
        if failing != streak[0][1]:
            break
        same.append(run)
    latest_at = _run_time(same[0])
    since = _run_time(same[-1])
    if len(same) >= 2 and now - latest_at <= stuck_after() and latest_at - since >= stuck_after():
        return reason("same_failure", since)
    return None


def _step_rows(
    *,
    step: StepColumns,
    runs: list[dict],
    statuses: dict[int, dict[str, str]],
    started_sections: set[str],
    dismissals: dict[str, datetime],
    now: datetime,
) -> tuple[list[Cell], dict[str, bool], list[StuckReason], dict | None]:
    """One learner's cells, sections done and stuck flags for one step."""
    done_runs = [r for r in runs if r["state"] == Run.State.DONE]
    latest_done = done_runs[0] if done_runs else None
    latest = statuses.get(latest_done["id"], {}) if latest_done else {}
    at = _run_time(latest_done) if latest_done else None
    cells = [
        Cell(c.id, c.title, latest.get(c.id, ""), at if c.id in latest else None, step.slug, s.slug, i == 0)
        for s in step.sections
        for i, c in enumerate(s.checks)
    ]
    # A section is done when its checkpoint passed in the latest run (what the learner's page shows too).
    done = {
        section_key(step.slug, s.slug): bool(latest) and all(latest.get(c.id) == "pass" for c in s.checks)
        for s in step.sections
    }
    pressed = {section_key(step.slug, r["section"]) for r in runs if r["section"]}
    stuck = []
    for index, section in enumerate(step.sections):
        key = section_key(step.slug, section.slug)
        if done[key]:
            continue
        later_done = any(done[section_key(step.slug, s.slug)] for s in step.sections[index + 1 :])
        if not (key in pressed or key in started_sections or later_done):
            continue  # never started: a failing check here is not the learner being stuck
        found = _stuck_on_section(
            step=step.slug,
            section=section,
            done_runs=done_runs,
            statuses=statuses,
            dismissed_at=dismissals.get(key),
            now=now,
        )
        if found is not None:
            stuck.append(found)
    return cells, done, stuck, latest_done


def class_dashboard(
    *,
    classroom: Classroom,
    step: str | None = None,
    lang: str | None = None,
    state: str = "",
    sort: str = "name",
    now: datetime | None = None,
    user_id: int | None = None,
) -> Dashboard:
    """The live dashboard: one row per student, one cell per check of every step, a summary per section.

    Six queries whatever the class size (students, latest runs, their results, progress, recipe sections,
    dismissals).
    """
    now = now or timezone.now()
    step = step or classroom_default_step(classroom=classroom)
    steps = tutorial_columns(tutorial=classroom.tutorial, lang=lang)
    slugs = [s.slug for s in steps]
    enrollments = class_students(classroom=classroom, steps=slugs, user_id=user_id)
    runs_by_key = _latest_runs(classroom=classroom, steps=slugs, per_step=STUCK_WINDOW_RUNS, user_id=user_id)
    latest_ids, older_ids = [], []
    for runs in runs_by_key.values():
        done_runs = [r["id"] for r in runs if r["state"] == Run.State.DONE]
        latest_ids += done_runs[:1]
        older_ids += done_runs[1:]
    statuses = _statuses(latest_ids, older_ids)
    progress = _progress(classroom=classroom, steps=slugs, user_id=user_id)
    recipe_sections = _recipe_sections(classroom=classroom, steps=slugs, user_id=user_id)
    dismissals = _dismissals(classroom=classroom, user_id=user_id)
    by_user_dismissals: dict[int, dict[str, datetime]] = defaultdict(dict)
    for (uid, key), at in dismissals.items():
        by_user_dismissals[uid][key] = at
    by_user_started: dict[int, set[str]] = defaultdict(set)
    for uid, key in recipe_sections:
        by_user_started[uid].add(key)
    sections_total = sum(len(s.sections) for s in steps)

    rows: list[Row] = []
    for enrollment in enrollments:
        user = enrollment.user
        cells: list[Cell] = []
        sections_done: dict[str, bool] = {}
        stuck: list[StuckReason] = []
        all_runs: list[dict] = []
        latest_at = None
        for step_columns_ in steps:
            runs = runs_by_key.get((user.id, step_columns_.slug), [])
            all_runs += runs
            step_cells, done, step_stuck, latest_done = _step_rows(
                step=step_columns_,
                runs=runs,
                statuses=statuses,
                started_sections=by_user_started.get(user.id, set()),
                dismissals=by_user_dismissals.get(user.id, {}),
                now=now,
            )
            cells += step_cells
            sections_done.update(done)
            stuck += step_stuck
            if latest_done is not None:
                latest_at = max(filter(None, [latest_at, _run_time(latest_done)]))
        completions = [at for complete, at in progress.get(user.id, {}).values() if complete and at]
        done_count = sum(sections_done.values())
        if sections_total and done_count == sections_total:
            row_state = DONE
        elif stuck:
            row_state = STUCK
        elif not all_runs and enrollment.active_run_id is None:
            row_state = NOT_STARTED
        else:
            row_state = IN_PROGRESS
        newest = max(all_runs, key=lambda r: (r["created_at"], r["id"])) if all_runs else None
        profile_at = getattr(getattr(user, "learner_profile", None), "updated_at", None) if _has_profile(user) else None
        changed = [
            enrollment.run_created_at,
            enrollment.run_started_at,
            enrollment.run_finished_at,
            enrollment.note_at,
            enrollment.joined_at,
            profile_at,
            *by_user_dismissals.get(user.id, {}).values(),
        ]
        rows.append(
            Row(
                user_id=user.id,
                name=display_name(user),
                username=user.get_username(),
                student_number=student_number(user),
                connection_kind=_connection_kind(user),
                cells=cells,
                sections_done=sections_done,
                done_count=done_count,
                state=row_state,
                stuck=stuck,
                last_checked_at=_run_time(newest) if newest else None,
                checking=enrollment.active_run_id is not None,
                last_error_code=newest["error_code"] if newest and newest["state"] == Run.State.ERROR else "",
                completed_at=max(completions) if row_state == DONE and completions else None,
                changed_at=max(filter(None, changed), default=None),
                has_note=enrollment.note_at is not None,
                cells_at=timezone.localtime(latest_at).strftime("%H:%M") if latest_at else "",
            )
        )

    counts = {key: sum(1 for r in rows if r.state == key) for key in ROW_FILTERS}
    summary = _summary(steps, rows)
    shown = [r for r in rows if r.state == state] if state in ROW_FILTERS else rows
    shown = _sorted(shown, sort)
    return Dashboard(classroom, step, steps, shown, summary, counts, len(rows), now)


def _has_profile(user) -> bool:
    try:
        user.learner_profile  # noqa: B018 - select_related: no query
    except LearnerProfile.DoesNotExist:
        return False
    return True


def _summary(steps: list[StepColumns], rows: list[Row]) -> list[SectionSummary]:
    """Per section: who is done, who is stuck there, who works on it, and the checks failing most."""
    out = []
    offset = 0
    for step in steps:
        for section in step.sections:
            key = section_key(step.slug, section.slug)
            failing = []
            for i, check in enumerate(section.checks):
                n = sum(1 for r in rows if r.cells[offset + i].status == "fail")
                if n:
                    failing.append(FailingCheck(check.id, check.title, n))
            offset += len(section.checks)
            failing.sort(key=lambda f: -f.count)
            done = [(r.user_id, r.name) for r in rows if r.sections_done.get(key)]
            stuck_here = [(r.user_id, r.name) for r in rows if any(s.key == key for s in r.stuck)]
            stuck_ids = {uid for uid, _ in stuck_here}
            working = [
                (r.user_id, r.name)
                for r in rows
                if not r.sections_done.get(key)
                and r.user_id not in stuck_ids
                and _first_open_section(r, steps) == key
                and r.state != NOT_STARTED
            ]
            out.append(
                SectionSummary(
                    step.slug,
                    section.slug,
                    section.title,
                    len(done),
                    failing,
                    sorted(done, key=lambda x: x[1].casefold()),
                    sorted(stuck_here, key=lambda x: x[1].casefold()),
                    sorted(working, key=lambda x: x[1].casefold()),
                )
            )
    return out


def _first_open_section(row: Row, steps: list[StepColumns]) -> str:
    for step in steps:
        for section in step.sections:
            key = section_key(step.slug, section.slug)
            if not row.sections_done.get(key):
                return key
    return ""


def class_dashboard_version(*, classroom: Classroom, step: str = "", now: datetime | None = None) -> str:
    """A cheap fingerprint of what the grid shows (three queries), so an unchanged poll answers 204, not 1 MB.

    It covers runs started or finished, the roster and profiles, and the instructor's actions (notes, dismissals
    are audited); the current minute is part of it, so relative times ("3 minutes ago") still move.
    """
    runs = Run.objects.filter(
        user__enrollments__classroom=classroom,
        user__enrollments__removed_at__isnull=True,
        tutorial=classroom.tutorial,
    ).aggregate(
        last_id=Max("id"),
        last_started=Max("started_at"),
        last_finished=Max("finished_at"),
        active=Count("id", filter=Q(state__in=Run.ACTIVE_STATES)),
        finished=Count("id", filter=Q(state__in=FINISHED_STATES)),
    )
    roster = (
        Enrollment.objects.active()
        .filter(classroom=classroom)
        .aggregate(n=Count("id"), last=Max("id"), profile=Max("user__learner_profile__updated_at"))
    )
    actions = ClassAction.objects.filter(classroom=classroom).aggregate(last=Max("id"))
    minute = minute_of(now or timezone.now())
    parts = [*runs.values(), *roster.values(), actions["last"], minute]
    raw = "|".join(str(p) for p in parts)
    return hashlib.blake2s(raw.encode(), digest_size=8).hexdigest()


def minute_of(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    order = {STUCK: 0, IN_PROGRESS: 1, NOT_STARTED: 2, DONE: 3}
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    keys = {
        "name": lambda r: (r.name.casefold(), r.user_id),
        "number": lambda r: (r.student_number.casefold() or "\uffff", r.name.casefold(), r.user_id),
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
    note: StudentNote | None = None
    actions: list[ClassAction] = field(default_factory=list)


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
    note = StudentNote.objects.filter(classroom=classroom, user=enrollment.user).first()
    actions = list(
        ClassAction.objects.filter(classroom=classroom, student=enrollment.user).select_related("actor")[:20]
    )
    return StudentDetail(enrollment, step, latest, results, runs, active, note, actions)


def class_student_stuck(*, classroom: Classroom, user_id: int) -> list[StuckReason]:
    """One student's stuck flags (the dashboard's rules, for this student only)."""
    rows = class_dashboard(classroom=classroom, user_id=user_id).rows
    return rows[0].stuck if rows else []


def step_sections(*, classroom: Classroom, step: str) -> list[SectionColumns]:
    return step_columns(tutorial=classroom.tutorial, step=step)


def section_keys(*, classroom: Classroom) -> set[str]:
    """Every `step:section` of the class's tutorial."""
    return {
        section_key(step.slug, section.slug)
        for step in tutorial_columns(tutorial=classroom.tutorial)
        for section in step.sections
    }


def recipes_allowed_for(*, classroom: Classroom, user) -> bool:
    """Whether "do it for me" / "clean up" may run for this student (the learner side's rule)."""
    from tutorial.learning.services import recipe_permission

    connection = Connection.objects.filter(user=user).first()
    allowed, _reason = recipe_permission(user=user, connection=connection)
    return allowed


def learner_profile(*, user) -> LearnerProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return LearnerProfile.objects.filter(user=user).first()


def learner_notes(*, user, tutorial: str) -> list[StudentNote]:
    """The notes instructors left this learner, in their active classes on `tutorial` (the step page shows them)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        StudentNote.objects.filter(
            user=user,
            classroom__tutorial=tutorial,
            classroom__enrollments__user=user,
            classroom__enrollments__removed_at__isnull=True,
        )
        .select_related("classroom")
        .order_by("-updated_at")[:3]
    )


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
    """The step page whose Clean up button the banner links to: the tutorial's first step (every step's teardown
    removes what the tutorial made, and a class starts there)."""
    from provisioning.steps import step_keys

    steps = [step for (_t, step) in step_keys(tutorial)]
    return steps[0] if steps else ""


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
