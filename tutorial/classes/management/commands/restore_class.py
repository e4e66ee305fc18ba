"""`manage.py restore_class FILE`: load a `backup_class` JSON (all or nothing; missing users are created without a
usable password and set one with "forgot password")."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tutorial.classes import backup as exports


class Command(BaseCommand):
    help = "Restore a class's progress from a backup_class JSON file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")

    def handle(self, *args, file: str, **options) -> None:
        try:
            backup = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        try:
            classroom = exports.class_restore(backup=backup)
        except exports.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored class {classroom.pk} ({classroom.name}): {classroom.enrollments.count()} enrollments"
        )
