"""`manage.py load_content`: validate and load every tutorial pack; on a broken pack print file:line: message."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tutorial.content import ContentError
from tutorial.content.loader import load_library


class Command(BaseCommand):
    help = "Validate and load the tutorial content packs (exit status 1 and file:line: message when one is broken)."

    def add_arguments(self, parser):
        parser.add_argument("--content-dir", default=None, help="content directory (default: settings.CONTENT_DIR)")

    def handle(self, *args, **options):
        content_dir = Path(options["content_dir"] or settings.CONTENT_DIR)
        try:
            library = load_library(content_dir)
        except ContentError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.problems)} problem(s) in {content_dir}", returncode=1) from None
        for tutorial in library.tutorials.values():
            self.stdout.write(f"{tutorial.slug}: {tutorial.title.get('ja', '')} / {tutorial.title.get('en', '')}")
            for step in tutorial.steps:
                first = next(iter(step.versions.values()))
                checks = sum(len(s.checks) for s in first.sections)
                cli = sum(1 for s in first.sections if s.cli)
                self.stdout.write(
                    f"  {step.slug}: {len(first.sections)} sections, {checks} checks, {len(step.figures)} figures, "
                    f"{cli} CLI blocks, about {first.total_minutes} min, languages {', '.join(step.versions)}"
                )
        self.stdout.write(self.style.SUCCESS(f"content OK: {len(library.tutorials)} tutorial(s) in {content_dir}"))
