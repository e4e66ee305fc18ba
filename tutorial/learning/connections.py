"""Services for a learner's AWS connection: validate, then store (sandbox, IAM role, access keys).

Validation asks AWS who we are (sts:GetCallerIdentity through `provisioning.sessions.session_for`) and maps every
way that can fail to its own message (`ConnectionInvalid.code`). Secrets are encrypted before they touch the
database (crypto.py) and never appear in a message, a log line or a repr.
"""

from __future__ import annotations

import logging
import re
import secrets
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from provisioning.types import ConnectionSpec

from . import crypto
from .models import Connection

logger = logging.getLogger(__name__)

# ASCII only and matched whole (`fullmatch`): in a str pattern `\d` and `\w` match any Unicode digit or letter
# (full-width １２３ passed), and `$` matches before a trailing newline.
ROLE_ARN_RE = re.compile(
    r"arn:aws(?:-cn|-us-gov)?:iam::(?P<account>[0-9]{12}):role/[A-Za-z0-9_+=,.@/-]{1,512}", re.ASCII
)
ACCESS_KEY_ID_RE = re.compile(r"[A-Z0-9]{16,128}", re.ASCII)

INVALID_KEY_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
        "AuthFailure",
        "InvalidAccessKeyId",
    }
)
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})

# One message per way a connection can fail (the view shows exactly one).
MESSAGES = {
    "malformed_arn": _(
        "That is not a role ARN. It looks like arn:aws:iam::123456789012:role/handson-lab-access "
        "(copy it from the stack's Outputs tab)."
    ),
    "wrong_region": _("“%(region)s” is not an AWS region we can use. Pick one from the list, e.g. ap-northeast-1."),
    "invalid_keys": _("AWS does not recognise these access keys (wrong key id or secret). Check them and try again."),
    "expired": _("These credentials have expired. Create new ones and try again."),
    "cannot_assume": _(
        "The app could not assume this role. Check that the stack finished, that the ARN is the stack's output, "
        "and that the role trusts the app with your ExternalId (deploy the template again if in doubt)."
    ),
    "access_denied": _(
        "AWS answered AccessDenied: these credentials may not call sts:GetCallerIdentity. "
        "Attach the read-only policy from this page to the user."
    ),
    "no_provisioning_policy": _(
        "The role works, but it lacks the “do it for me” policy. Update the stack with "
        "AllowProvisioning=true, or untick “do it for me”."
    ),
    "app_credentials": _(
        "The app's own AWS identity is not set up, so it cannot assume roles. Tell your instructor "
        "(or use the sandbox or access keys meanwhile)."
    ),
    "unreachable": _("Could not reach AWS in region %(region)s. Check the region and try again in a moment."),
    "sandbox_unavailable": _("The sandbox AWS is not running right now. Try again in a minute."),
    "sandbox_disabled": _("The sandbox AWS is turned off on this site."),
    "missing": _("Fill in both the access key id and the secret access key."),
}


class ConnectionInvalid(Exception):
    """Validation failed. `code` says how; `message` is the learner-facing text (never contains a secret)."""

    def __init__(self, code: str, *, region: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.region = region

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % {"region": self.region}


@cache
def available_regions() -> frozenset[str]:
    """Regions boto3 knows for EC2 (every partition), the ones a connection may name."""
    import boto3

    session = boto3.session.Session()
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        regions.update(session.get_available_regions("ec2", partition_name=partition))
    return frozenset(regions)


def _check_region(region: str) -> str:
    region = (region or "").strip()
    if region not in available_regions():
        raise ConnectionInvalid("wrong_region", region=region)
    return region


def _new_external_id() -> str:
    return secrets.token_hex(16)


def connection_get_or_create(*, user) -> Connection:
    """The learner's connection row, created (not yet connected) on first need so it can hold their ExternalId."""
    connection, _created = Connection.objects.get_or_create(
        user=user, defaults={"external_id": _new_external_id(), "region": settings.AWS_DEFAULT_REGION}
    )
    if not connection.external_id:
        connection.external_id = _new_external_id()
        connection.save(update_fields=["external_id", "updated_at"])
    return connection


def _error_code_of(exc: BaseException) -> str:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return str(getattr(exc, "code", "")) or type(exc).__name__


def _classify(exc: BaseException, *, kind: str, region: str) -> ConnectionInvalid:
    """Map a failure of validating a `kind` connection to the message the learner sees."""
    from botocore.exceptions import (
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
        ReadTimeoutError,
    )

    from provisioning.errors import CredentialsProblem

    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        return ConnectionInvalid("sandbox_unavailable" if kind == "sandbox" else "unreachable", region=region)
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return ConnectionInvalid("app_credentials" if kind == "role" else "invalid_keys", region=region)
    code = _error_code_of(exc)
    if kind == "role":
        # sessions.session_for raises CredentialsProblem(AccessDenied) when AssumeRole is refused; an invalid or
        # expired token there is the app's own identity, not the learner's doing.
        if code in DENIED_CODES:
            return ConnectionInvalid("cannot_assume", region=region)
        # NoCredentialsError arrives wrapped in CredentialsProblem from sessions.classify: the app has no identity.
        if code in INVALID_KEY_CODES | EXPIRED_CODES | {"NoCredentialsError", "PartialCredentialsError"}:
            return ConnectionInvalid("app_credentials", region=region)
    if code in EXPIRED_CODES:
        return ConnectionInvalid("expired", region=region)
    if code in INVALID_KEY_CODES:
        return ConnectionInvalid("invalid_keys", region=region)
    if code in DENIED_CODES:
        return ConnectionInvalid("access_denied", region=region)
    if isinstance(exc, CredentialsProblem):
        return ConnectionInvalid("invalid_keys", region=region)
    return ConnectionInvalid("sandbox_unavailable" if kind == "sandbox" else "unreachable", region=region)


def _identify(spec: ConnectionSpec) -> str:
    """The account id the spec reaches (sts:GetCallerIdentity). Raises ConnectionInvalid."""
    from botocore.exceptions import BotoCoreError, ClientError

    from provisioning.errors import CredentialsProblem
    from provisioning.sessions import client_for, session_for

    try:
        session = session_for(spec)
        identity = client_for(session, "sts", spec).get_caller_identity()
    except (ClientError, BotoCoreError, CredentialsProblem) as exc:
        # Log the code only: botocore messages can quote the access key id.
        logger.info("connection validation failed: kind=%s code=%s", spec.kind, _error_code_of(exc))
        raise _classify(exc, kind=spec.kind, region=spec.region) from None
    return str(identity.get("Account", ""))


def _may_provision(spec: ConnectionSpec) -> bool:
    """Whether the role carries the opt-in provisioning policy: a DryRun of a write it needs says so, harmlessly."""
    from botocore.exceptions import BotoCoreError, ClientError

    from provisioning.sessions import client_for, session_for

    try:
        ec2 = client_for(session_for(spec), "ec2", spec)
        ec2.create_security_group(GroupName="handson-permission-probe", Description="dry run", DryRun=True)
    except ClientError as exc:
        return _error_code_of(exc) == "DryRunOperation"
    except BotoCoreError:
        return False
    return True  # an endpoint that ignores DryRun (none in AWS) did create it: it is allowed, anyway


def connection_save_sandbox(*, user, region: str = "") -> Connection:
    """Connect the learner's own sandbox account (created on first use, kept for good)."""
    from provisioning import sandbox

    if not settings.SANDBOX_ENABLED:
        raise ConnectionInvalid("sandbox_disabled")
    region = _check_region(region or settings.AWS_DEFAULT_REGION)
    connection = connection_get_or_create(user=user)
    account = connection.sandbox_account or sandbox.new_account_id()
    _identify(sandbox.spec_for(account, region))
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=connection.pk)
        connection.kind = Connection.Kind.SANDBOX
        connection.region = region
        connection.sandbox_account = connection.sandbox_account or account
        connection.account_id = connection.sandbox_account
        connection.allows_provisioning = True
        # Switching kind drops stored keys: keep no secret we do not use.
        connection.access_key_id_encrypted = connection.secret_access_key_encrypted = ""
        connection.validated_at = timezone.now()
        connection.save()
    return connection


def connection_save_role(*, user, role_arn: str, region: str, allows_provisioning: bool = False) -> Connection:
    """Connect through a cross-account role the learner created from our template (assumed with their ExternalId)."""
    role_arn = (role_arn or "").strip()
    if not ROLE_ARN_RE.fullmatch(role_arn):
        raise ConnectionInvalid("malformed_arn")
    region = _check_region(region)
    connection = connection_get_or_create(user=user)
    spec = ConnectionSpec(kind="role", region=region, role_arn=role_arn, external_id=connection.external_id)
    account = _identify(spec)
    if allows_provisioning and not _may_provision(spec):
        raise ConnectionInvalid("no_provisioning_policy", region=region)
    connection.kind = Connection.Kind.ROLE
    connection.region = region
    connection.role_arn = role_arn
    connection.account_id = account
    connection.allows_provisioning = allows_provisioning
    connection.access_key_id_encrypted = connection.secret_access_key_encrypted = ""
    connection.validated_at = timezone.now()
    connection.save()
    return connection


def connection_save_keys(*, user, access_key_id: str, secret_access_key: str, region: str) -> Connection:
    """Connect with an access key pair, stored encrypted. Keys are never read back to the learner."""
    access_key_id = (access_key_id or "").strip()
    secret_access_key = (secret_access_key or "").strip()
    if not access_key_id or not secret_access_key:
        raise ConnectionInvalid("missing")
    if not ACCESS_KEY_ID_RE.fullmatch(access_key_id):
        raise ConnectionInvalid("invalid_keys")
    region = _check_region(region)
    spec = ConnectionSpec(kind="keys", region=region, access_key_id=access_key_id, secret_access_key=secret_access_key)
    account = _identify(spec)
    connection = connection_get_or_create(user=user)
    connection.kind = Connection.Kind.KEYS
    connection.region = region
    connection.access_key_id_encrypted = crypto.encrypt(access_key_id)
    connection.secret_access_key_encrypted = crypto.encrypt(secret_access_key)
    connection.account_id = account
    # Keys may or may not allow writes; "do it for me" on real AWS is only offered through the opt-in role.
    connection.allows_provisioning = False
    connection.validated_at = timezone.now()
    connection.save()
    return connection


def connection_spec(*, connection: Connection) -> ConnectionSpec:
    """The engine's view of a stored connection (decrypts keys; used only on the worker)."""
    if connection.kind == Connection.Kind.SANDBOX:
        from provisioning import sandbox

        return sandbox.spec_for(connection.sandbox_account or "", connection.region)
    if connection.kind == Connection.Kind.ROLE:
        return ConnectionSpec(
            kind="role", region=connection.region, role_arn=connection.role_arn, external_id=connection.external_id
        )
    return ConnectionSpec(
        kind="keys",
        region=connection.region,
        access_key_id=crypto.decrypt(connection.access_key_id_encrypted),
        secret_access_key=crypto.decrypt(connection.secret_access_key_encrypted),
    )


def connection_sandbox_credentials(*, connection: Connection) -> tuple[str, str]:
    """The learner's own sandbox CLI keys (stored, random; made on first request), shown on request."""
    from provisioning import sandbox

    if connection.kind != Connection.Kind.SANDBOX or not connection.sandbox_account:
        raise ConnectionInvalid("sandbox_unavailable")
    return sandbox.learner_credentials(connection.sandbox_account)


def connection_rotate_keys() -> int:
    """Re-encrypt every stored secret with the newest key (after prepending a key). Returns rows rewritten."""
    count = 0
    for connection in Connection.objects.exclude(access_key_id_encrypted="", secret_access_key_encrypted=""):
        with transaction.atomic():
            locked = Connection.objects.select_for_update().get(pk=connection.pk)
            locked.access_key_id_encrypted = crypto.rotate(locked.access_key_id_encrypted)
            locked.secret_access_key_encrypted = crypto.rotate(locked.secret_access_key_encrypted)
            locked.save(update_fields=["access_key_id_encrypted", "secret_access_key_encrypted", "updated_at"])
        count += 1
    return count


__all__ = [
    "ConnectionInvalid",
    "connection_get_or_create",
    "connection_rotate_keys",
    "connection_sandbox_credentials",
    "connection_save_keys",
    "connection_save_role",
    "connection_save_sandbox",
    "connection_spec",
]
