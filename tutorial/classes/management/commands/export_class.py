"""`manage.py export_class CLASS_ID [--step S] [--lang ja|en] [--grades moodle|canvas] [-o FILE]`: the class's
progress CSV (the dashboard's "Export CSV"), or the grades CSV for an LMS import, for an operator or a script."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from tutorial.classes import exports, selectors
from tutorial.classes.catalog import tutorial_steps
from tutorial.classes.models import Classroom


class Command(BaseCommand):
    help = "Write a class's progress (or grades) as CSV, the same file as the dashboard's export buttons."

    def add_arguments(self, parser) -> None:
        parser.add_argument("class_id", type=int)
        parser.add_argument("--step", default="", help="the tutorial step (default: the class's current step)")
        parser.add_argument("--lang", default="ja", choices=["ja", "en"])
        parser.add_argument("--grades", default="", choices=["", "moodle", "canvas"], help="grades for an LMS instead")
        parser.add_argument("-o", "--output", default="", help="file to write (default: stdout)")

    def handle(self, *args, class_id: int, step: str, lang: str, grades: str, output: str, **options) -> None:
        classroom = Classroom.objects.filter(pk=class_id).first()
        if classroom is None:
            raise CommandError(f"no class with id {class_id}")
        steps = tutorial_steps(classroom.tutorial)
        if step and step not in steps:
            raise CommandError(f"{classroom.tutorial} has no step {step!r}: {', '.join(steps)}")
        with translation.override(lang):
            dashboard = selectors.class_dashboard(
                classroom=classroom, step=step or selectors.classroom_default_step(classroom=classroom), lang=lang
            )
            if grades:
                response = exports.export_grades(classroom=classroom, dashboard=dashboard, lms=grades)
            else:
                response = exports.export_progress(classroom=classroom, dashboard=dashboard, lang=lang)
        if output:
            Path(output).write_bytes(response.content)
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(response.content.decode("utf-8"), ending="")
