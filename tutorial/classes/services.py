"""Writes for classes (HackSoft style): create and edit a class, join and remove, "check everyone", close."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from tutorial.learning.models import Run

from .models import ClassCheck, Classroom, Enrollment, join_code_generate

logger = logging.getLogger(__name__)


class JoinRefused(Exception):
    """The learner cannot join this class (closed, or removed by the instructor). `reason` is a short code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def classroom_create(
    *,
    instructor,
    name: str,
    tutorial: str,
    region: str,
    allow_real_aws_solve: bool = False,
    ends_at: datetime | None = None,
) -> Classroom:
    for _attempt in range(5):  # a join-code collision is astronomically rare; retry rather than fail
        try:
            with transaction.atomic():
                return Classroom.objects.create(
                    instructor=instructor,
                    name=name,
                    tutorial=tutorial,
                    region=region,
                    allow_real_aws_solve=allow_real_aws_solve,
                    ends_at=ends_at,
                    join_code=join_code_generate(),
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a unique join code")


def classroom_update(*, classroom: Classroom, **fields) -> Classroom:
    allowed = {"name", "tutorial", "region", "allow_real_aws_solve", "ends_at"}
    for key, value in fields.items():
        if key not in allowed:
            raise TypeError(f"not editable: {key}")
        setattr(classroom, key, value)
    # Moving the end date into the future reopens a class closed by the beat task.
    if classroom.closed_at and not classroom.has_ended():
        classroom.closed_at = None
    classroom.save()
    return classroom


def enrollment_join_refusal(*, classroom: Classroom, user) -> str | None:
    """Why `user` may not join (JoinRefused's reason: instructor, removed, closed), or None. Changes nothing:
    the confirmation page asks it before the learner presses "Join"."""
    if classroom.instructor_id == user.id:
        return "instructor"
    existing = Enrollment.objects.filter(classroom=classroom, user=user).first()
    if existing is not None:
        return "removed" if existing.removed_at is not None else None
    if classroom.is_closed or classroom.has_ended():
        return "closed"
    return None


def enrollment_join(*, classroom: Classroom, user) -> tuple[Enrollment, bool]:
    """Enroll `user` (idempotent). Returns (enrollment, created). Raises JoinRefused."""
    refusal = enrollment_join_refusal(classroom=classroom, user=user)
    if refusal:
        raise JoinRefused(refusal)
    existing = Enrollment.objects.filter(classroom=classroom, user=user).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Enrollment.objects.create(classroom=classroom, user=user), True
    except IntegrityError:  # a double click raced us
        return Enrollment.objects.get(classroom=classroom, user=user), False


def enrollment_remove(*, classroom: Classroom, user_id: int) -> bool:
    """Take a student off the roster (kept as removed, so the join link does not re-admit them)."""
    return bool(
        Enrollment.objects.active().filter(classroom=classroom, user_id=user_id).update(removed_at=timezone.now())
    )


def classroom_close_ended(*, now: datetime | None = None) -> int:
    """Close every open class whose end date has passed (the beat task). Returns how many closed."""
    now = now or timezone.now()
    closed = Classroom.objects.filter(closed_at__isnull=True, ends_at__isnull=False, ends_at__lte=now).update(
        closed_at=now
    )
    if closed:
        logger.info("closed %d ended class(es)", closed)
    return closed


def _enqueue_verifications(run_ids: list[int]) -> None:
    """One Celery group of `verify` signatures: a single publish round for the whole class."""
    from celery import group

    from tutorial.learning.tasks import verify

    # retry=False: fail fast when the broker is down instead of blocking the instructor's request.
    group(verify.s(run_id) for run_id in run_ids).apply_async(retry=False)


def class_check_start(*, classroom: Classroom, step: str, started_by) -> ClassCheck:
    """ "Check everyone now": one run per enrolled student with a connection, fanned out as a Celery group.

    A student whose run is already queued or running keeps it (one active run per learner and step) and it counts
    in the progress. Students without a connection are recorded as such, not as errors. If the broker cannot be
    reached, the new runs are marked errored with `queue_unavailable` (the learner side's code for it) so the
    progress bar still completes.
    """
    # A connection counts once validated (the learner side may create the row earlier to hold an ExternalId).
    enrollments = list(
        Enrollment.objects.active()
        .filter(classroom=classroom)
        .values_list("user_id", "user__aws_connection__validated_at")
    )
    connected = [uid for uid, conn in enrollments if conn is not None]
    no_connection = [uid for uid, conn in enrollments if conn is None]
    new_ids: list[int] = []
    now = timezone.now()
    with transaction.atomic():
        active = dict(
            Run.objects.filter(
                user_id__in=connected, tutorial=classroom.tutorial, step=step, state__in=Run.ACTIVE_STATES
            ).values_list("user_id", "id")
        )
        fresh = [
            Run(user_id=uid, tutorial=classroom.tutorial, step=step, trigger="instructor", due_at=now)
            for uid in connected
            if uid not in active
        ]
        try:
            with transaction.atomic():
                created = Run.objects.bulk_create(fresh)
        except IntegrityError:
            # A learner pressed "check" meanwhile (one active run per step): fall back to one at a time.
            created = []
            for run in fresh:
                try:
                    with transaction.atomic():
                        run.pk = None
                        run.save()
                        created.append(run)
                except IntegrityError:
                    other = Run.objects.filter(
                        user_id=run.user_id, tutorial=run.tutorial, step=step, state__in=Run.ACTIVE_STATES
                    ).first()
                    if other is not None:
                        active[run.user_id] = other.id
        new_ids = [run.pk for run in created]
        class_check = ClassCheck.objects.create(
            classroom=classroom,
            started_by=started_by,
            step=step,
            run_ids=new_ids + list(active.values()),
            no_connection_user_ids=no_connection,
        )
    # Published after the commit, so a worker never looks for a run it cannot see yet.
    if new_ids:
        try:
            _enqueue_verifications(new_ids)
        except Exception as exc:  # kombu/redis connection errors: the broker is down
            logger.warning("check everyone: could not reach the broker (%s)", exc.__class__.__name__)
            Run.objects.filter(id__in=new_ids, state=Run.State.QUEUED).update(
                state=Run.State.ERROR,
                error_code="queue_unavailable",
                error_message="the task queue could not be reached",
                finished_at=timezone.now(),
            )
            class_check.enqueue_error = "queue_unavailable"
            class_check.save(update_fields=["enqueue_error"])
    return class_check
