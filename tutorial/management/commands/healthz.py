"""`manage.py healthz`: the same report as GET /healthz, from inside any container (compose's worker healthcheck).

Prints `{"status": "ok", "database": "ok", "broker": "ok", "sandbox": "ok"}`; exit code 0 when healthy, 1 otherwise.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from config.health import report


class Command(BaseCommand):
    help = "Check that the database, the broker and the sandbox AWS answer (the report of /healthz)."

    def handle(self, *args, **options):
        body = report()
        self.stdout.write(json.dumps(body))
        if body["status"] != "ok":
            raise CommandError("unhealthy: " + ", ".join(k for k, v in body.items() if v == "down"))
