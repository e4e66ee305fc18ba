"""`manage.py selftest <tutorial> [<step>] [--sandbox ACCOUNT]`: the content self-test of a step, or of every step.

Each step is taken through prerequisites, solve, solve again and teardown on a fresh sandbox account (one line per
stage; see provisioning.selftest). Without `--sandbox` the command starts its own sandbox (moto and the data plane,
on loopback, free ports) for the run. Exit codes: 0 no gap, 1 any gap, 3 bad usage.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from provisioning.management.stepcommand import StepCommand


class Command(StepCommand):
    help = "Self-test a tutorial step (or all of its steps) on a fresh sandbox account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tutorial")
        parser.add_argument("step", nargs="?", default=None, help="one step (default: every step of the tutorial)")
        parser.add_argument("--sandbox", metavar="ACCOUNT", default=None, help="use this sandbox account")
        parser.add_argument("--region", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        from provisioning.steps import step_keys

        steps = [s for _t, s in step_keys(options["tutorial"])]
        if options["step"] is not None:
            self.check_step(options)
            steps = [options["step"]]
        if not steps:
            raise self.usage_error(f"unknown tutorial: {options['tutorial']}")
        region = options["region"] or settings.AWS_DEFAULT_REGION
        server = None
        if options["sandbox"] is None:
            from provisioning.sandbox.server import SandboxServer

            logging.getLogger("werkzeug").setLevel(logging.WARNING)
            server = SandboxServer("127.0.0.1", 0, 0).start()
            saved = settings.SANDBOX_URL, settings.SANDBOX_DATAPLANE_URL
            settings.SANDBOX_URL, settings.SANDBOX_DATAPLANE_URL = server.url, server.dataplane_url
        try:
            gaps = 0
            for step in steps:
                gaps += self._one(options, step, region)
        finally:
            if server is not None:
                settings.SANDBOX_URL, settings.SANDBOX_DATAPLANE_URL = saved
                server.stop()
        self.stdout.write(f"selftest {options['tutorial']}: {'ok' if not gaps else f'{gaps} gap(s)'}")
        if gaps:
            sys.exit(1)

    def _one(self, options: dict[str, Any], step: str, region: str) -> int:
        from provisioning.sandbox import new_account_id, spec_for
        from provisioning.selftest import selftest_step

        account = options["sandbox"] or new_account_id()
        if not (account.isdigit() and len(account) == 12):
            raise self.usage_error(f"a sandbox account is 12 digits, got {account!r}")
        stages = selftest_step(spec_for(account, region), options["tutorial"], step)
        for stage in stages:
            self.stdout.write(stage.line())
        complete = len(stages) == 4
        return sum(not s.ok for s in stages) + (0 if complete else 1)
