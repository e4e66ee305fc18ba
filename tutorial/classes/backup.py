"""A class's progress out and back in: a JSON backup (`manage.py backup_class`) that `manage.py restore_class`
loads again. (The CSV exports are exports.py; `manage.py export_class` writes them.)

The backup uses Django's own serializers with natural keys for users (their username), so it restores into the
same site after a mistake or into a fresh database. It holds the class, its enrollments and, for the class's
tutorial, each learner's section progress, runs and results: enough for the dashboard to look as it did. It holds
no password, no AWS connection and no credential (learners reconnect; a restored user without a password sets one
through "forgot password"). A whole-site backup is `pg_dump` (docs/deploy.md).
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core import serializers
from django.db import transaction
from django.utils import timezone

from tutorial.learning.models import Result, Run, SectionProgress

from .models import Classroom, Enrollment

FORMAT = "handson-class-backup/1"


def class_backup(*, classroom: Classroom) -> dict:
    """Everything of one class's progress, as a JSON-able dict (see the module docstring for what is in it)."""
    user_ids = set(Enrollment.objects.filter(classroom=classroom).values_list("user_id", flat=True))
    users = get_user_model().objects.filter(pk__in=user_ids | {classroom.instructor_id}).order_by("pk")
    runs = Run.objects.filter(user_id__in=user_ids, tutorial=classroom.tutorial).order_by("pk")
    objects = [  # in dependency order: a row only points at rows before it
        *Enrollment.objects.filter(classroom=classroom).order_by("pk"),
        *runs,
        *Result.objects.filter(run__in=runs).order_by("pk"),
        *SectionProgress.objects.filter(user_id__in=user_ids, tutorial=classroom.tutorial).order_by("pk"),
    ]
    return {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "users": [
            {"username": u.get_username(), "email": u.email, "first_name": u.first_name, "last_name": u.last_name}
            for u in users
        ],
        "instructor": classroom.instructor.get_username(),
        "classroom": _rows([classroom])[0],
        "objects": _rows(objects),
    }


def _rows(objects: list) -> list[dict]:
    """Django's serializer output as plain JSON values; times in full ISO 8601 (Django's JSON encoder would cut
    microseconds, and a restored dashboard should order runs exactly as before)."""
    rows = serializers.serialize("python", objects, use_natural_foreign_keys=True)
    return json.loads(json.dumps(rows, default=_json_value))


def _json_value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    raise TypeError(f"cannot back up a {type(value).__name__}")


class BackupError(ValueError):
    pass


@transaction.atomic
def class_restore(*, backup: dict) -> Classroom:
    """Load a `class_backup`: missing users are created without a usable password; the class and its rows get the
    primary keys they had (a restore over a damaged copy replaces those rows). All or nothing."""
    if backup.get("format") != FORMAT:
        raise BackupError(f"not a class backup (format {backup.get('format')!r}, expected {FORMAT!r})")
    User = get_user_model()  # noqa: N806 - Django's idiom
    for entry in backup["users"]:
        user, created = User.objects.get_or_create(
            **{User.USERNAME_FIELD: entry["username"]},
            defaults={k: entry.get(k, "") for k in ("email", "first_name", "last_name")},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
    rows = [backup["classroom"], *backup["objects"]]
    for obj in serializers.deserialize("python", rows):
        obj.save()
    return Classroom.objects.get(pk=backup["classroom"]["pk"])
