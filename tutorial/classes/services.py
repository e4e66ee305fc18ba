"""Writes for classes (HackSoft style): create and edit a class, join and remove, "check everyone", close."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from tutorial.learning.models import Run

from .models import (
    DISPLAY_NAME_MAX,
    STUDENT_NUMBER_MAX,
    ClassAction,
    ClassCheck,
    Classroom,
    Enrollment,
    LearnerProfile,
    StuckDismissal,
    StudentNote,
    join_code_generate,
)

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
    """Why `user` may not join (JoinRefused's reason: instructor, removed, closed, joins_closed), or None.
    Changes nothing: the confirmation page asks it before the learner presses "Join"."""
    if classroom.instructor_id == user.id:
        return "instructor"
    existing = Enrollment.objects.filter(classroom=classroom, user=user).first()
    if existing is not None:
        return "removed" if existing.removed_at is not None else None
    if classroom.is_closed or classroom.has_ended():
        return "closed"
    if classroom.joins_closed_at is not None:
        return "joins_closed"
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


def enrollment_remove(*, classroom: Classroom, user_id: int, actor=None) -> bool:
    """Take a student off the roster (kept as removed, so the join link does not re-admit them)."""
    removed = bool(
        Enrollment.objects.active().filter(classroom=classroom, user_id=user_id).update(removed_at=timezone.now())
    )
    if removed and actor is not None:
        _audit(classroom=classroom, actor=actor, kind=ClassAction.Kind.REMOVE, student_id=user_id)
    return removed


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


# --- learners' names --------------------------------------------------------------------------------------------


def learner_profile_set(*, user, display_name: str = "", student_number: str = "") -> LearnerProfile:
    """Set how the learner appears to instructors (whitespace trimmed, lengths capped like the forms)."""
    profile, _created = LearnerProfile.objects.get_or_create(user=user)
    profile.display_name = " ".join((display_name or "").split())[:DISPLAY_NAME_MAX]
    profile.student_number = (student_number or "").strip()[:STUDENT_NUMBER_MAX]
    profile.save()
    return profile


# --- joining: code rotation, closing to joins -------------------------------------------------------------------


def _audit(*, classroom: Classroom, actor, kind: str, student_id: int | None = None, section: str = "", detail=""):
    return ClassAction.objects.create(
        classroom=classroom, actor=actor, student_id=student_id, kind=kind, section=section, detail=str(detail)[:200]
    )


def classroom_rotate_join_code(*, classroom: Classroom, actor) -> Classroom:
    """A new join code (and so link and QR code): the old one stops working at once."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                classroom.join_code = join_code_generate()
                classroom.save(update_fields=["join_code"])
                _audit(classroom=classroom, actor=actor, kind=ClassAction.Kind.ROTATE_CODE)
                return classroom
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a unique join code")


def classroom_set_joins_open(*, classroom: Classroom, actor, open_: bool) -> Classroom:
    """Close the class to new learners (those enrolled keep working), or open it again."""
    classroom.joins_closed_at = None if open_ else timezone.now()
    classroom.save(update_fields=["joins_closed_at"])
    kind = ClassAction.Kind.OPEN_JOINS if open_ else ClassAction.Kind.CLOSE_JOINS
    _audit(classroom=classroom, actor=actor, kind=kind)
    return classroom


# --- acting on one student ----------------------------------------------------------------------------------------


class ActionRefused(Exception):
    """The action cannot be done for this student now. `reason` is a short code the view words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def student_recheck(*, classroom: Classroom, actor, user, step: str) -> ClassAction:
    """Check one student now (their own run, as if they pressed Check; a queued one is reused)."""
    from tutorial.learning import services as learning

    try:
        run = learning.run_start(user=user, tutorial=classroom.tutorial, step=step, trigger="instructor")
    except learning.NotConnected:
        raise ActionRefused("not_connected") from None
    except learning.CheckingUnavailable:
        raise ActionRefused("queue_unavailable") from None
    return _audit(classroom=classroom, actor=actor, kind=ClassAction.Kind.RECHECK, student_id=user.pk, detail=run.pk)


def student_recipe(*, classroom: Classroom, actor, user, step: str, recipe: str, section: str = "") -> ClassAction:
    """Run a section's "do it for me" (solve) or "clean up" (teardown) for a student, under the same rules as the
    student's own button (sandbox always; real AWS only when the class allows it and the role has the policy)."""
    from tutorial.learning import services as learning

    if recipe not in ("solve", "teardown"):
        raise ActionRefused("unknown_recipe")
    try:
        job = learning.recipe_start(
            user=user,
            tutorial=classroom.tutorial,
            step=step,
            recipe=recipe,
            section=section if recipe == "solve" else "",
        )
    except learning.NotConnected:
        raise ActionRefused("not_connected") from None
    except learning.ProvisioningNotAllowed as exc:
        raise ActionRefused(exc.reason) from None
    except learning.CheckingUnavailable:
        raise ActionRefused("queue_unavailable") from None
    except LookupError:
        raise ActionRefused("unknown_section") from None
    kind = ClassAction.Kind.SOLVE if recipe == "solve" else ClassAction.Kind.TEARDOWN
    return _audit(classroom=classroom, actor=actor, kind=kind, student_id=user.pk, section=section, detail=job.pk)


NOTE_MAX = 2000


def student_note_set(*, classroom: Classroom, actor, user, text: str) -> StudentNote | None:
    """Leave (or replace) the note the student sees on their step page; empty text removes it."""
    text = (text or "").strip()[:NOTE_MAX]
    if not text:
        StudentNote.objects.filter(classroom=classroom, user=user).delete()
        _audit(classroom=classroom, actor=actor, kind=ClassAction.Kind.NOTE, student_id=user.pk, detail="removed")
        return None
    note, _created = StudentNote.objects.update_or_create(
        classroom=classroom, user=user, defaults={"text": text, "author": actor}
    )
    _audit(classroom=classroom, actor=actor, kind=ClassAction.Kind.NOTE, student_id=user.pk)
    return note


def stuck_dismiss(*, classroom: Classroom, actor, user, section_key: str) -> StuckDismissal:
    """Dismiss a student's stuck flag on a section (`step:section`): only newer evidence flags it again."""
    dismissal, _created = StuckDismissal.objects.update_or_create(
        classroom=classroom, user=user, section=section_key[:64], defaults={"at": timezone.now()}
    )
    _audit(classroom=classroom, actor=actor, kind=ClassAction.Kind.DISMISS, student_id=user.pk, section=section_key)
    return dismissal
