"""`manage.py aws_identity [--json]`: who the app is on AWS (sts:GetCallerIdentity with its ambient credentials).

Run it where the worker runs (`docker-compose run worker python manage.py aws_identity`): the printed principal is
what AWS_APP_PRINCIPAL_ARN must be, the principal learners' roles trust. For an assumed role it prints the role's
ARN (`arn:aws:iam::<account>:role/<name>`; add the role's path if it has one). Prints no credential.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def principal_arn(caller_arn: str) -> str:
    """The IAM principal behind a caller ARN (an STS assumed-role session becomes its role)."""
    match = re.fullmatch(r"arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([^/]+)/.+", caller_arn)
    if match:
        partition, account, role = match.groups()
        return f"arn:{partition}:iam::{account}:role/{role}"
    match = re.fullmatch(r"arn:(aws[a-z-]*):sts::(\d{12}):(user/.+)", caller_arn)  # some emulators answer so
    if match:
        partition, account, rest = match.groups()
        return f"arn:{partition}:iam::{account}:{rest}"
    return caller_arn


class Command(BaseCommand):
    help = "Print the app's own AWS identity (sts:GetCallerIdentity), to put in AWS_APP_PRINCIPAL_ARN."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options) -> None:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            identity = boto3.client("sts", region_name=settings.AWS_DEFAULT_REGION).get_caller_identity()
        except (BotoCoreError, ClientError) as exc:
            raise CommandError(
                f"AWS did not answer sts:GetCallerIdentity ({type(exc).__name__}): are AWS "
                "credentials configured for this process (environment, profile or instance role)?"
            ) from None
        principal = principal_arn(identity["Arn"])
        report = {"Account": identity["Account"], "Arn": identity["Arn"], "AWS_APP_PRINCIPAL_ARN": principal}
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        self.stdout.write(f"Account: {identity['Account']}\nCaller:  {identity['Arn']}\n")
        self.stdout.write("Put this in the environment (.env) so learners' roles trust the app:\n")
        self.stdout.write(f"AWS_APP_PRINCIPAL_ARN={principal}\n")
        if settings.AWS_APP_PRINCIPAL_ARN and principal != settings.AWS_APP_PRINCIPAL_ARN:
            self.stdout.write(f"(now configured: {settings.AWS_APP_PRINCIPAL_ARN})\n")
