"""Per-learner limits of the shared sandbox, so one learner cannot degrade it for a whole class.

Enforced inside the sandbox process, where every request passes (the learner's CLI through the gateway, the app's
recipes and checks straight to the sandbox), and answered in AWS's own error codes and shapes:

- resource quotas, checked in moto's backends before it creates anything (moto renders the error as the service
  does: EC2's `<Response><Errors>`, ELBv2's `<ErrorResponse>`). A sandbox account is one learner; its quotas count
  all regions together (a learner cannot multiply them by 34 regions).
- a request rate per account (`settings.SANDBOX_RATE_LIMIT`, the `limits` library's notation, e.g.
  "40/second;600/minute"), a WSGI wrapper around moto's app: EC2 answers `RequestLimitExceeded` (503), ELBv2 and
  STS `Throttling` (400), both of which botocore and the AWS CLI retry with back-off.

Requests of moto's default account are not rate-limited: they are the app's own AssumeRole calls (the worker's base
credentials), made on behalf of every learner in turn.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

QUOTAS = {
    "instances": 10,  # not terminated (pending, running, stopping, stopped)
    "vpcs": 5,  # besides the default VPC (AWS's default quota)
    "security_groups": 20,  # besides each VPC's default group
    "rules_per_group": 60,  # inbound and outbound each: moto enforces AWS's 60 itself
    "load_balancers": 5,
    "target_groups": 10,
}
DEFAULT_RATE = "40/second;600/minute"
ACCOUNT_KEY = "sandbox.account"  # the WSGI environ key RateLimited leaves the request's learner account under

_AUTH_RE = re.compile(r"Credential=(?P<key>[^/,\s]+)/\d{8}/(?P<region>[^/,\s]+)/(?P<service>[^/,\s]+)/")


# --- quotas in moto's backends ----------------------------------------------------------------------------------


def _ec2_error(code: str, message: str) -> Exception:
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError(code, message)


def _elbv2_error(code: str, message: str) -> Exception:
    from moto.elbv2.exceptions import ELBClientError

    return ELBClientError(code, message)


def _ec2_regions(account: str) -> Iterable[Any]:
    from provisioning.sandbox.model import account_regions

    return account_regions("ec2", account).values()


def _elbv2_regions(account: str) -> Iterable[Any]:
    from provisioning.sandbox.model import account_regions

    return account_regions("elbv2", account).values()


def _instances_in_use(account: str) -> int:
    return sum(
        1
        for backend in _ec2_regions(account)
        for reservation in list(backend.reservations.values())
        for instance in reservation.instances
        if instance.state not in ("terminated", "shutting-down")
    )


def _vpcs(account: str) -> int:
    return sum(1 for b in _ec2_regions(account) for v in list(b.vpcs.values()) if not v.is_default)


def _security_groups(account: str) -> int:
    return sum(
        1
        for b in _ec2_regions(account)
        for groups in list(b.groups.values())
        for g in list(groups.values())
        if not getattr(g, "is_default", False) and g.name != "default"
    )


def _wrap(cls: Any, name: str, check: Callable[..., None], undo: list[Callable[[], None]]) -> None:
    original = getattr(cls, name)

    @functools.wraps(original)
    def limited(self: Any, *args: Any, **kwargs: Any) -> Any:
        check(self, *args, **kwargs)
        return original(self, *args, **kwargs)

    setattr(cls, name, limited)
    undo.append(lambda: setattr(cls, name, original))


def _check_run_instances(backend: Any, image_id: str, count: int, *args: Any, **kwargs: Any) -> None:
    quota = QUOTAS["instances"]
    in_use = _instances_in_use(backend.account_id)
    if in_use + int(count) > quota:
        raise _ec2_error(
            "InstanceLimitExceeded",
            f"You have requested more instances ({in_use + int(count)}) than your current instance limit of "
            f"{quota} allows for the sandbox account.",
        )


def _check_create_vpc(backend: Any, *args: Any, **kwargs: Any) -> None:
    if kwargs.get("is_default"):
        return
    if _vpcs(backend.account_id) >= QUOTAS["vpcs"]:
        raise _ec2_error("VpcLimitExceeded", "The maximum number of VPCs has been reached.")


def _check_create_security_group(backend: Any, *args: Any, **kwargs: Any) -> None:
    if kwargs.get("is_default") or (args and args[0] == "default"):
        return
    if _security_groups(backend.account_id) >= QUOTAS["security_groups"]:
        raise _ec2_error("SecurityGroupLimitExceeded", "The maximum number of security groups has been reached.")


def _check_create_load_balancer(backend: Any, *args: Any, **kwargs: Any) -> None:
    count = sum(len(b.load_balancers) for b in _elbv2_regions(backend.account_id))
    if count >= QUOTAS["load_balancers"]:
        raise _elbv2_error("TooManyLoadBalancers", "The quota for the number of load balancers has been reached")


def _check_create_target_group(backend: Any, *args: Any, **kwargs: Any) -> None:
    count = sum(len(b.target_groups) for b in _elbv2_regions(backend.account_id))
    if count >= QUOTAS["target_groups"]:
        raise _elbv2_error("TooManyTargetGroups", "The quota for the number of target groups has been reached")


_installed: list[Callable[[], None]] = []


def install_quotas() -> Callable[[], None]:
    """Check the quotas in moto's backends (server threads and in-process mock_aws alike). Returns the undo."""
    from moto.ec2.models import EC2Backend
    from moto.elbv2.models import ELBv2Backend

    if _installed:
        return _installed[0]
    undo: list[Callable[[], None]] = []
    _wrap(EC2Backend, "run_instances", _check_run_instances, undo)
    _wrap(EC2Backend, "create_vpc", _check_create_vpc, undo)
    _wrap(EC2Backend, "create_security_group", _check_create_security_group, undo)
    _wrap(ELBv2Backend, "create_load_balancer", _check_create_load_balancer, undo)
    _wrap(ELBv2Backend, "create_target_group", _check_create_target_group, undo)

    def uninstall() -> None:
        for restore in reversed(undo):
            restore()
        _installed.clear()

    _installed.append(uninstall)
    return uninstall


# --- request rate -----------------------------------------------------------------------------------------------


def _throttled(service: str) -> tuple[str, list[tuple[str, str]], bytes]:
    if service == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code>'
            "<Message>Request limit exceeded.</Message></Error></Errors><RequestID>sandbox-limit</RequestID></Response>"
        )
        status = "503 Service Unavailable"
    else:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>'
            "<Message>Rate exceeded</Message></Error><RequestId>sandbox-limit</RequestId></ErrorResponse>"
        )
        status = "400 Bad Request"
    data = body.encode()
    return status, [("Content-Type", "text/xml"), ("Content-Length", str(len(data)))], data


@functools.cache
def _parsed(rate: str) -> tuple[Any, ...]:
    from limits import parse_many

    return tuple(parse_many(rate))


class RateLimited:
    """WSGI wrapper: at most SANDBOX_RATE_LIMIT requests per sandbox account, in the service's throttling error.

    A moving window in memory (`limits`' MemoryStorage): the sandbox is one process, and a restart forgets nothing
    worth keeping.
    """

    def __init__(self, app: Callable[..., Any]) -> None:
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self.app = app
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        match = _AUTH_RE.search(environ.get("HTTP_AUTHORIZATION", ""))
        if match is not None:
            account = _account_of(environ, match.group("key"))
            environ[ACCOUNT_KEY] = account
            if account is not None and not self._allowed(account):
                status, headers, body = _throttled(match.group("service"))
                start_response(status, headers)
                return [body]
        return self.app(environ, start_response)

    def _allowed(self, account: str) -> bool:
        from django.conf import settings

        rate = str(getattr(settings, "SANDBOX_RATE_LIMIT", "") or DEFAULT_RATE)
        # Every window is charged (no short-circuit), as AWS's token buckets all drain on each request.
        results = [self.limiter.hit(item, "sandbox", account) for item in _parsed(rate)]
        return all(results)


def _account_of(environ: dict[str, Any], access_key: str) -> str | None:
    """The account moto will answer for: the gateway's pin, else the one an assumed role's key belongs to."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import get_account_id_from

    account = environ.get("HTTP_X_MOTO_ACCOUNT_ID") or get_account_id_from(access_key)
    return None if account == DEFAULT_ACCOUNT_ID else account
