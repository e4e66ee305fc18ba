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
from django.core.management.base import CommandParser

from provisioning.management.stepcommand import StepCommand
from provisioning.types import RunReport

# [text](address) in a hint (the sandbox console's screens): the terminal shows the text.
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
MARKS = {"pass": "[ OK ]", "fail": "[FAIL]", "error": "[ERR ]", "skipped": "[SKIP]"}


class Command(StepCommand):
    help = "Verify a tutorial step against an AWS account (ambient credentials, --endpoint-url, or --sandbox)."

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_step_arguments(parser)
        self.add_connection_arguments(parser)
        parser.add_argument("--no-probes", action="store_true", help="skip the HTTP and TCP probes")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--lang", choices=["ja", "en"], default=None, help="message language (default ja)")

    def handle(self, *args: Any, **options: Any) -> None:
        self.check_step(options)
        spec = self.connection_spec(options)
        lang = options["lang"] or (settings.LANGUAGE_CODE or "ja")[:2]
        lang = lang if lang in ("ja", "en") else "en"

        from provisioning.verify import verify_step  # boto3 is imported only when a run happens

        try:
            report = verify_step(
                spec, tutorial=options["tutorial"], step=options["step"], probes=not options["no_probes"]
            )
        except ValueError as exc:
            raise self.usage_error(str(exc)) from None
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
                hint = MARKDOWN_LINK.sub(r"\1", data["hint"])  # a link's text reads in a terminal; its address not
                self.stdout.write(f"       {'':<{width}}  -> {hint}")
        counts = {s: sum(r.status == s for r in report.results) for s in MARKS}
        summary = " ".join(f"{s}={n}" for s, n in counts.items())
        self.stdout.write(f"\n{summary}  aws_api_calls={report.aws_api_calls}  duration_ms={report.duration_ms}")
