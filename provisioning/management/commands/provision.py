"""`manage.py provision <tutorial> <step> {prerequisites,solve,teardown}`: run a recipe, printing its progress.

Exit codes: 0 the recipe completed, 1 a step failed (the line names it and AWS's error code), 3 bad usage or
configuration (one-line reason on stderr). Credentials: ambient (environment/profile), `--endpoint-url` (a plain
moto), or `--sandbox ACCOUNT` (a learner account in the sandbox from settings).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandParser

from provisioning.management.stepcommand import StepCommand
from provisioning.recipes import RECIPES


class Command(StepCommand):
    help = "Run a provisioning recipe (prerequisites, solve, teardown) for a tutorial step."

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_step_arguments(parser)
        parser.add_argument("recipe", help="prerequisites | solve | teardown")
        parser.add_argument("--section", default=None, help="solve one section only (its slug)")
        self.add_connection_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        self.check_step(options)
        if options["recipe"] not in RECIPES:
            raise self.usage_error(f"unknown recipe {options['recipe']!r} (one of {', '.join(RECIPES)})")
        spec = self.connection_spec(options)

        from provisioning.errors import CredentialsProblem
        from provisioning.recipes import run_recipe

        def progress(event: dict[str, Any]) -> None:
            detail = f"  {event['detail']}" if event.get("detail") else ""
            self.stdout.write(f"[{event['done']}/{event['total']}] {event['step']}: {event['status']}{detail}")

        try:
            report = run_recipe(
                spec,
                options["recipe"],
                tutorial=options["tutorial"],
                step=options["step"],
                section=options["section"],
                progress=progress,
            )
        except ValueError as exc:
            raise self.usage_error(str(exc)) from None
        except CredentialsProblem as exc:
            raise self.usage_error(f"credentials: {exc.code}") from None
        for item in report.billable_left:
            self.stdout.write(f"still billable: {item['type']} {item['id']}")
        if not report.ok:
            self.stderr.write(f"{options['recipe']} failed at {report.error}")
            sys.exit(1)
        self.stdout.write(f"{options['recipe']}: ok")
