"""`manage.py load_content`: validate and cache every tutorial pack (fails with file:line on a broken pack)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Validate and load the tutorial content packs."

    def handle(self, *args, **options):
        self.stdout.write("content: not yet implemented")
