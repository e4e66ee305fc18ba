"""`manage.py verify <tutorial> <step>`: one verification run from the command line.

Exit codes (DESIGN.md): 0 every check passed, 1 any failed, 2 any errored and none failed, 3 bad usage or
configuration (one-line reason on stderr). `--json` prints RunReport.as_json(); otherwise a colour-free table.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from provisioning.steps import get_step
from provisioning.types import ConnectionSpec, RunReport

REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
MARKS = {"pass": "[ OK ]", "fail": "[FAIL]", "error": "[ERR ]", "skipped": "[SKIP]"}


class Command(BaseCommand):
    help = "Verify a tutorial step against an AWS account (ambient credentials, --endpoint-url, or --sandbox)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tutorial")
        parser.add_argument("step")
        parser.add_argument("--region", default=None)
        parser.add_argument("--endpoint-url", default=None, help="an endpoint that is not AWS; probes are skipped")
        parser.add_argument("--sandbox", metavar="ACCOUNT", default=None, help="a 12-digit sandbox learner account")
        parser.add_argument("--no-probes", action="store_true", help="skip the HTTP and TCP probes")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--lang", choices=["ja", "en"], default=None, help="message language (default ja)")

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
            try:
                from provisioning.sandbox import spec_for
            except ImportError:
                raise self._usage("sandbox not available") from None
            return spec_for(account, region)
        return ConnectionSpec(kind="ambient", region=region, endpoint_url=options["endpoint_url"] or None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            get_step(options["tutorial"], options["step"])
        except LookupError as exc:
            raise self._usage(str(exc)) from None
        spec = self._spec(options)
        lang = options["lang"] or (settings.LANGUAGE_CODE or "ja")[:2]
        lang = lang if lang in ("ja", "en") else "en"

        from provisioning.verify import verify_step  # boto3 is imported only when a run happens

        try:
            report = verify_step(
                spec, tutorial=options["tutorial"], step=options["step"], probes=not options["no_probes"]
            )
        except ValueError as exc:
            raise self._usage(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(lang), ensure_ascii=False, default=str))
        else:
            self._table(report, lang)
        code = report.exit_code()
        if code:
            sys.exit(code)

    def _table(self, report: RunReport, lang: str) -> None:
        width = max(len(r.id) for r in report.results)
        for r in report.results:
            data = r.as_json(lang)
            self.stdout.write(f"{MARKS[r.status]} {r.id:<{width}}  {data['message']}")
            if data["hint"] and r.status != "pass":
                self.stdout.write(f"       {'':<{width}}  -> {data['hint']}")
        counts = {s: sum(r.status == s for r in report.results) for s in MARKS}
        summary = " ".join(f"{s}={n}" for s, n in counts.items())
        self.stdout.write(f"\n{summary}  aws_api_calls={report.aws_api_calls}  duration_ms={report.duration_ms}")
