"""What the `verify` and `provision` commands share: the tutorial/step/connection arguments and exit code 3.

Bad usage or configuration (an unknown step, a malformed region or account, both --endpoint-url and --sandbox,
even argparse's own "missing argument") exits 3 with a one-line reason, as DESIGN.md's command contract says.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from provisioning.steps import get_step
from provisioning.types import ConnectionSpec

# ASCII only: `\d` and `$` would accept full-width digits and a trailing newline.
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]", re.ASCII)


class StepCommand(BaseCommand):
    """A command about one tutorial step, run with ambient credentials, `--endpoint-url` or `--sandbox ACCOUNT`."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message: str) -> None:  # argparse would exit 2, which here means "a check errored"
            self.stderr.write(f"{subcommand}: {message}")
            sys.exit(3)

        parser.error = error  # type: ignore[method-assign]
        return parser

    def add_step_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tutorial")
        parser.add_argument("step")

    def add_connection_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", default=None)
        parser.add_argument("--endpoint-url", default=None, help="an endpoint that is not AWS; probes are skipped")
        parser.add_argument("--sandbox", metavar="ACCOUNT", default=None, help="a 12-digit sandbox learner account")

    def usage_error(self, reason: str) -> CommandError:
        return CommandError(reason, returncode=3)

    def check_step(self, options: dict[str, Any]) -> None:
        try:
            get_step(options["tutorial"], options["step"])
        except LookupError as exc:
            raise self.usage_error(str(exc)) from None

    def connection_spec(self, options: dict[str, Any]) -> ConnectionSpec:
        region = options["region"] or settings.AWS_DEFAULT_REGION
        if not REGION.fullmatch(region):
            raise self.usage_error(f"bad region: {region!r}")
        if options["endpoint_url"] and options["sandbox"]:
            raise self.usage_error("give either --endpoint-url or --sandbox, not both")
        if options["sandbox"] is not None:
            account = options["sandbox"]
            if not (account.isdigit() and len(account) == 12):
                raise self.usage_error(f"a sandbox account is 12 digits, got {account!r}")
            from provisioning.sandbox import spec_for

            return spec_for(account, region)
        return ConnectionSpec(kind="ambient", region=region, endpoint_url=options["endpoint_url"] or None)
