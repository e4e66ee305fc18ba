"""`manage.py backup_class CLASS_ID [-o FILE]`: a JSON backup of one class's progress (tutorial/classes/exports.py
says what is in it: no password, no credential). `manage.py restore_class FILE` loads it again."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tutorial.classes import backup as exports
from tutorial.classes.models import Classroom


class Command(BaseCommand):
    help = "Back up a class's progress (enrollments, section progress, runs and results) as JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("class_id", type=int)
        parser.add_argument("-o", "--output", default="", help="file to write (default: stdout)")

    def handle(self, *args, class_id: int, output: str, **options) -> None:
        classroom = Classroom.objects.filter(pk=class_id).first()
        if classroom is None:
            raise CommandError(f"no class with id {class_id}")
        text = json.dumps(exports.class_backup(classroom=classroom), ensure_ascii=False, indent=1)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(text)
