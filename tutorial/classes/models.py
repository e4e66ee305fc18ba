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
