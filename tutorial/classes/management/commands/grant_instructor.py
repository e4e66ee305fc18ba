"""`manage.py grant_instructor USERNAME [--revoke]`: make a user an instructor (permission classes.add_classroom)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError

INSTRUCTOR_PERMISSION = ("classes", "add_classroom")


class Command(BaseCommand):
    help = "Grant (or with --revoke, remove) the instructor permission: creating classes and their dashboards."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="remove the permission instead")

    def handle(self, *args, username: str, revoke: bool, **options) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist:
            raise CommandError(f"no such user: {username}") from None
        app_label, codename = INSTRUCTOR_PERMISSION
        perm = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        if revoke:
            user.user_permissions.remove(perm)
            self.stdout.write(f"{username} is no longer an instructor")
        else:
            user.user_permissions.add(perm)
            self.stdout.write(f"{username} is now an instructor")
