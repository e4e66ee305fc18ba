"""`manage.py provision <tutorial> <step> {prerequisites,solve,teardown}`: run a recipe, printing its progress.

Exit codes: 0 the recipe completed, 1 a step failed (the line names it and AWS's error code), 3 bad usage or
configuration (one-line reason on stderr). Credentials: ambient (environment/profile), `--endpoint-url` (a plain
moto), or `--sandbox ACCOUNT` (a learner account in the sandbox from settings).
"""

from __future__ import annotations

import re
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from provisioning.steps import get_step
from provisioning.types import ConnectionSpec

REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
RECIPES = ("prerequisites", "solve", "teardown")


class Command(BaseCommand):
    help = "Run a provisioning recipe (prerequisites, solve, teardown) for a tutorial step."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message: str) -> None:  # bad usage is exit 3 here, like `verify`
            self.stderr.write(f"provision: {message}")
            sys.exit(3)

        parser.error = error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tutorial")
        parser.add_argument("step")
        parser.add_argument("recipe", help="prerequisites | solve | teardown")
        parser.add_argument("--section", default=None, help="solve one section only (its slug)")
        parser.add_argument("--region", default=None)
        parser.add_argument("--endpoint-url", default=None, help="an endpoint that is not AWS (e.g. a plain moto)")
        parser.add_argument("--sandbox", metavar="ACCOUNT", default=None, help="a 12-digit sandbox learner account")

    def _usage(self, reason: str) -> CommandError:
        return CommandError(reason, returncode=3)

    def _spec(self, options: dict[str, Any]) -> ConnectionSpec:
        region = options["region"] or settings.AWS_DEFAULT_REGION
        if not REGION.match(region):
            raise self._usage(f"bad region: {region!r}")
        if options["endpoint_url"] and options["sandbox"]:
            raise self._usage("give either --endpoint-url or --sandbox, not both")
        if options["sandbox"] is not None:
            account = options["sandbox"]
            if not (account.isdigit() and len(account) == 12):
                raise self._usage(f"a sandbox account is 12 digits, got {account!r}")
            from provisioning.sandbox import spec_for

            return spec_for(account, region)
        return ConnectionSpec(kind="ambient", region=region, endpoint_url=options["endpoint_url"] or None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            get_step(options["tutorial"], options["step"])
        except LookupError as exc:
            raise self._usage(str(exc)) from None
        if options["recipe"] not in RECIPES:
            raise self._usage(f"unknown recipe {options['recipe']!r} (one of {', '.join(RECIPES)})")
        spec = self._spec(options)

        from provisioning.errors import CredentialsProblem
        from provisioning.recipes import run_recipe

        def progress(event: dict[str, Any]) -> None:
            detail = f"  {event['detail']}" if event.get("detail") else ""
            self.stdout.write(f"[{event['done']}/{event['total']}] {event['step']}: {event['status']}{detail}")

        try:
            report = run_recipe(spec, options["recipe"], section=options["section"], progress=progress)
        except ValueError as exc:
            raise self._usage(str(exc)) from None
        except CredentialsProblem as exc:
            raise self._usage(f"credentials: {exc.code}") from None
        for item in report.billable_left:
            self.stdout.write(f"still billable: {item['type']} {item['id']}")
        if not report.ok:
            self.stderr.write(f"{options['recipe']} failed at {report.error}")
            sys.exit(1)
        self.stdout.write(f"{options['recipe']}: ok")
