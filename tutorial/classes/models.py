"""Classes and enrollments: an instructor's class of learners on one tutorial, and "check everyone" fan-outs."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L: a code read aloud or typed from a projector must not be ambiguous.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# 31 symbols ** 10 ≈ 8e14 (about 49 bits), drawn with `secrets`: neither counting nor random guessing finds a class.
JOIN_CODE_LENGTH = 10


def join_code_generate() -> str:
    """A fresh random join code (from `secrets`, never from a counter or the class id)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class Classroom(models.Model):
    """A class: one instructor, one tutorial, a roster of learners. Its `add` permission marks instructors."""

    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classrooms")
    name = models.CharField(_("name"), max_length=120)
    tutorial = models.CharField(_("tutorial"), max_length=64, default="aws-hands-on")
    region = models.CharField(_("AWS region"), max_length=32, default="ap-northeast-1")
    allow_real_aws_solve = models.BooleanField(
        _('allow "do it for me" on real AWS'),
        default=False,
        help_text=_("Learners with a real AWS connection may let the app create the resources of a section."),
    )
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # set by the beat task once ends_at has passed
    # The instructor closed the class to new learners (the roster keeps working); None: open to joins.
    joins_closed_at = models.DateTimeField(null=True, blank=True)
    join_code = models.CharField(max_length=16, unique=True, default=join_code_generate, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def accepts_joins(self) -> bool:
        return self.joins_closed_at is None and not self.is_closed and not self.has_ended()

    def has_ended(self, now=None) -> bool:
        """Past its end date (the beat task may not have closed it yet)."""
        return self.ends_at is not None and self.ends_at <= (now or timezone.now())


class EnrollmentQuerySet(models.QuerySet):
    def active(self) -> EnrollmentQuerySet:
        return self.filter(removed_at__isnull=True)


class Enrollment(models.Model):
    """A learner in a class. Removal is kept (removed_at) so the join link does not quietly re-admit them."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    joined_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [models.UniqueConstraint(fields=["classroom", "user"], name="one_enrollment_per_class")]

    def __str__(self) -> str:
        return f"{self.user} in {self.classroom}"


class ClassCheck(models.Model):
    """One "check everyone now": the runs it fanned out (for an exact progress bar) and who had no connection."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="checks")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    step = models.CharField(max_length=64)
    run_ids = models.JSONField(default=list)
    no_connection_user_ids = models.JSONField(default=list)
    enqueue_error = models.CharField(max_length=64, blank=True)  # e.g. "queue_unavailable"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


DISPLAY_NAME_MAX = 60
STUDENT_NUMBER_MAX = 32


class LearnerProfile(models.Model):
    """How a learner appears to their instructors: a display name and an optional student number."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile")
    display_name = models.CharField(_("display name"), max_length=DISPLAY_NAME_MAX, blank=True)
    student_number = models.CharField(_("student number"), max_length=STUDENT_NUMBER_MAX, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.display_name or str(self.user)


class StudentNote(models.Model):
    """The instructor's note to one student of a class, shown on the student's step page (one per student)."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="notes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["classroom", "user"], name="one_note_per_student")]


class StuckDismissal(models.Model):
    """The instructor dismissed a student's "stuck" flag on a section; only evidence after `at` flags it again."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="stuck_dismissals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["classroom", "user", "section"], name="one_dismissal_per_section")
        ]


class ClassAction(models.Model):
    """Audit: what an instructor did to a student or the class (who, when, what)."""

    class Kind(models.TextChoices):
        RECHECK = "recheck", _("Re-check")
        SOLVE = "solve", _("Do it for me")
        TEARDOWN = "teardown", _("Clean up")
        NOTE = "note", _("Note")
        DISMISS = "dismiss", _("Dismiss stuck")
        ROTATE_CODE = "rotate_code", _("New join code")
        CLOSE_JOINS = "close_joins", _("Closed to joins")
        OPEN_JOINS = "open_joins", _("Opened to joins")
        REMOVE = "remove", _("Removed from the class")

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    section = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=200, blank=True)  # e.g. the run or job id, "queue_unavailable"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
