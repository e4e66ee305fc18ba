"""One model of the request path, over moto's in-memory backends.

    client --:80--> ALB (its SGs, listener) --> target group --registered port--> instance (state, its SGs) --> app

moto answers the control plane only. This module decides, from the same objects moto keeps, what AWS would do on
the data path: a target's health (with AWS's reason codes), what an HTTP request to an ALB's DNS name gets back,
and whether a TCP connect to an instance's public address succeeds. Everything is read per account (and region):
one learner's request never looks at another learner's resources.

Assumptions of the sandbox, documented here because they are the model:
- Every instance runs the tutorial's app on port 8000 (tag `sandbox:app-port` overrides, comma-separated), which
  answers `/` with Django's welcome page and `/healthcheck` with "ok", 404 elsewhere, for any Host header.
- The ALB's nodes live in its subnets, so a CIDR rule reaches the instance when it overlaps one of those subnets.
- The internet (probes, learners' browsers) is reachable only through rules open to everyone (a /0 range).
- Requests are spread round robin over the healthy targets (in the ALB's enabled zones); with none healthy the ALB
  fails open to the unhealthy ones, and with none of either it answers 503.
- A new ALB is `provisioning` in the CreateLoadBalancer response and `active` from the first Describe (moto's own
  behaviour, kept); targets skip AWS's `initial` phase and get their final health at once.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

APP_PORT_TAG = "sandbox:app-port"
DEFAULT_APP_PORTS = (8000,)
APP_PATHS = {"/": 200, "/healthcheck": 200}
LISTENER_PROTOCOLS = {"HTTP"}

DJANGO_PAGE = """<!doctype html>
<html lang="en-us" dir="ltr">
<head><meta charset="utf-8"><title>The install worked successfully! Congratulations!</title></head>
<body>
<header><a href="https://www.djangoproject.com/">django</a></header>
<main><h1>The install worked successfully! Congratulations!</h1>
<p>You are seeing this page because DEBUG=True is in your settings file and you have not configured any URLs.</p>
<p>Served by instance {instance_id} on port {port}.</p></main>
</body>
</html>
"""
DJANGO_404 = """<!doctype html>
<html lang="en"><head><title>Not Found</title></head>
<body><h1>Not Found</h1><p>The requested resource was not found on this server.</p></body></html>
"""
_ALB_TITLES = {
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
    504: "504 Gateway Time-out",
}


def alb_error_body(status: int) -> str:
    title = _ALB_TITLES[status]
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n</body>\r\n</html>\r\n"
    )


@dataclass(frozen=True)
class Health:
    state: str  # healthy | unhealthy | unused | initial | draining | unavailable
    reason: str | None = None
    description: str | None = None


@dataclass
class HttpOutcome:
    """What a client on the internet gets for one HTTP request: a response, or a connection-level failure."""

    kind: str  # response | timeout | refused | nxdomain
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    detail: str = ""


# --- reading moto's backends without creating accounts or regions ---------------------------------------------


def _backends(service: str) -> Any:
    if service == "ec2":
        from moto.ec2.models import ec2_backends

        return ec2_backends
    from moto.elbv2.models import elbv2_backends

    return elbv2_backends


def account_regions(service: str, account: str) -> dict[str, Any]:
    """{region: backend} of `account` for `service`, only those that exist (lookups never create one)."""
    per_account = dict.get(_backends(service), account)
    if per_account is None:
        return {}
    return dict(dict.items(per_account))


def _ec2_for(elbv2_backend: Any) -> Any:
    return account_regions("ec2", elbv2_backend.account_id).get(elbv2_backend.region_name)


# --- security-group rules ---------------------------------------------------------------------------------------


def permissions_of(ec2_backend: Any, group_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Ingress rules of the groups, in DescribeSecurityGroups' IpPermissions shape (one per moto rule)."""
    perms: list[dict[str, Any]] = []
    for group_id in group_ids:
        group = _group(ec2_backend, group_id)
        if group is None:
            continue
        for rule in group.ingress_rules:
            perm: dict[str, Any] = {
                "IpProtocol": rule.ip_protocol,
                "IpRanges": [{"CidrIp": rule.cidr_ipv4}] if rule.cidr_ipv4 else [],
                "Ipv6Ranges": [{"CidrIpv6": rule.cidr_ipv6}] if rule.cidr_ipv6 else [],
                "UserIdGroupPairs": [{"GroupId": rule.source_group["GroupId"]}]
                if rule.source_group.get("GroupId")
                else [],
            }
            if rule.from_port is not None:
                perm["FromPort"], perm["ToPort"] = rule.from_port, rule.to_port
            perms.append(perm)
    return perms


def _group(ec2_backend: Any, group_id: str) -> Any:
    for vpc_groups in ec2_backend.groups.values():
        if group_id in vpc_groups:
            return vpc_groups[group_id]
    return None


def allows(
    perms: list[dict[str, Any]],
    port: int,
    *,
    from_groups: Iterable[str] = (),
    from_networks: Iterable[str] = (),
    from_anywhere: bool = False,
) -> bool:
    """Whether TCP `port` is let in from any of the groups, from a range overlapping any of the networks, or
    (from_anywhere) from a range open to everyone. Rule reading is the engine's one helper (checks.sg_rules)."""
    from provisioning.checks.sg_rules import grants_for_port

    groups = set(from_groups)
    networks = [ipaddress.ip_network(n, strict=False) for n in from_networks]
    for grant in grants_for_port([{"GroupId": "-", "IpPermissions": perms}], port):
        if grant.source_kind == "sg" and grant.source in groups:
            return True
        if grant.source_kind not in ("cidr4", "cidr6"):
            continue
        if from_anywhere and grant.is_world:
            return True
        net = ipaddress.ip_network(grant.source, strict=False)
        if any(net.version == n.version and net.overlaps(n) for n in networks):
            return True
    return False


# --- the app on an instance -------------------------------------------------------------------------------------


def app_ports(instance: Any) -> set[int]:
    tags = {t["key"]: t["value"] for t in instance.get_tags()} if hasattr(instance, "get_tags") else {}
    raw = tags.get(APP_PORT_TAG)
    if raw:
        return {int(p) for p in raw.split(",") if p.strip().isdigit()}
    return set(DEFAULT_APP_PORTS)


def app_response(instance: Any, port: int, path: str) -> tuple[int, str]:
    path = path.split("?", 1)[0] or "/"
    status = APP_PATHS.get(path, 404)
    if status != 200:
        return status, DJANGO_404
    if path == "/healthcheck":
        return 200, "ok\n"
    return 200, DJANGO_PAGE.format(instance_id=instance.id, port=port)


def instance_group_ids(instance: Any) -> list[str]:
    groups = list(instance.security_groups)
    if not groups and instance.nics:  # launched with NetworkInterfaces: the groups live on the primary ENI
        groups = list(instance.nics[0].group_set)
    return [g if isinstance(g, str) else g.id for g in groups]


# --- target health ----------------------------------------------------------------------------------------------


def _find_instance(ec2_backend: Any, instance_id: str) -> Any:
    for reservation in ec2_backend.reservations.values():
        for instance in reservation.instances:
            if instance.id == instance_id:
                return instance
    return None


def _load_balancers_using(elbv2_backend: Any, tg: Any) -> list[Any]:
    return [lb for lb in elbv2_backend.load_balancers.values() if tg.arn in _forwarded_tg_arns(lb)]


def _forward_targets(action: Any) -> list[tuple[str, int]]:
    """(target group arn, weight) of one moto listener action: the engine's one reading (checks.listeners)."""
    from provisioning.checks.listeners import forward_targets

    data = action.data if hasattr(action, "data") else action
    return forward_targets(data or {})


def _forwarded_tg_arns(lb: Any) -> set[str]:
    arns: set[str] = set()
    for listener in lb.listeners.values():
        for action in listener.default_actions:
            arns.update(arn for arn, _ in _forward_targets(action))
        for rule in listener.rules.values():
            for action in rule.actions:
                arns.update(arn for arn, _ in _forward_targets(action))
    return arns


def _zones(lb: Any) -> set[str]:
    return {s.availability_zone for s in lb.subnets if getattr(s, "availability_zone", None)}


def _subnet_cidrs(lb: Any) -> list[str]:
    return [s.cidr_block for s in lb.subnets if getattr(s, "cidr_block", None)]


def _reaches(ec2_backend: Any, lbs: list[Any], instance: Any, port: int) -> bool:
    """Whether any of the ALBs' nodes get through the instance's security groups on `port`."""
    perms = permissions_of(ec2_backend, instance_group_ids(instance))
    return any(allows(perms, port, from_groups=lb.security_groups, from_networks=_subnet_cidrs(lb)) for lb in lbs)


def _health_check_port(tg: Any, registered_port: int) -> int:
    raw = str(tg.health_check_port or "traffic-port")
    return registered_port if raw == "traffic-port" else int(raw)


def _matcher_accepts(tg: Any, status: int) -> bool:
    spec = str((getattr(tg, "matcher", None) or {}).get("HttpCode", "200"))
    for part in spec.split(","):
        if "-" in part:
            low, high = part.split("-", 1)
            if int(low) <= status <= int(high):
                return True
        elif part.strip() and int(part) == status:
            return True
    return False


def target_health(elbv2_backend: Any, tg: Any, target_id: str, registered_port: int) -> Health:
    """AWS's verdict for one registered target, from the request-path model."""
    ec2_backend = _ec2_for(elbv2_backend)
    instance = _find_instance(ec2_backend, target_id) if ec2_backend is not None else None
    if instance is None or instance.state in ("terminated", "shutting-down"):
        return Health("unused", "Target.InvalidState", "Target is in the terminated state")
    if instance.state in ("stopped", "stopping"):
        return Health("unused", "Target.InvalidState", "Target is in the stopped state")
    if instance.state == "pending":
        return Health("initial", "Elb.RegistrationInProgress", "Target registration is in progress")
    lbs = _load_balancers_using(elbv2_backend, tg)
    if not lbs:
        return Health(
            "unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer"
        )
    zone = getattr(instance, "availability_zone", None)
    if zone and all(zone not in _zones(lb) for lb in lbs):
        return Health(
            "unused",
            "Target.NotInUse",
            "Target is in an Availability Zone that is not enabled for the load balancer",
        )
    if not tg.health_check_enabled:
        return Health("unavailable", "Target.HealthCheckDisabled", "Health checks are disabled")
    hc_port = _health_check_port(tg, int(registered_port))
    if not _reaches(ec2_backend, lbs, instance, hc_port):
        return Health("unhealthy", "Target.Timeout", "Request timed out")
    if hc_port not in app_ports(instance):
        return Health("unhealthy", "Target.FailedHealthChecks", "Health checks failed")
    if str(tg.health_check_protocol or "HTTP").upper() == "HTTPS":
        return Health("unhealthy", "Target.FailedHealthChecks", "Health checks failed")
    status, _ = app_response(instance, hc_port, tg.health_check_path or "/")
    if not _matcher_accepts(tg, status):
        return Health("unhealthy", "Target.ResponseCodeMismatch", f"Health checks failed with these codes: [{status}]")
    return Health("healthy")


# --- data plane: HTTP to an ALB's DNS name, TCP to an instance's public address --------------------------------


def _find_alb(account: str, host: str) -> tuple[Any, Any] | None:
    host = host.split(":", 1)[0].lower().rstrip(".")
    for backend in account_regions("elbv2", account).values():
        for lb in backend.load_balancers.values():
            if lb.dns_name.lower() == host and lb.type == "application":
                return backend, lb
    return None


def resolve(account: str, host: str) -> list[str]:
    """The addresses an ALB DNS name of `account` resolves to: stand-ins, as the data plane answers for them."""
    found = _find_alb(account, host)
    if found is None:
        return []
    _, lb = found
    # One address per enabled AZ, like an ALB; documentation addresses, never routed anywhere.
    return [f"192.0.2.{10 + i}" for i in range(max(1, len(lb.subnets)))]


def _alb_error(status: int, detail: str) -> HttpOutcome:
    return HttpOutcome(
        "response",
        status,
        {"Server": "awselb/2.0", "Content-Type": "text/html"},
        alb_error_body(status),
        detail,
    )


def http_request(account: str, host: str, path: str = "/", port: int = 80) -> HttpOutcome:
    """What an HTTP request from the internet to `host` (an ALB DNS name of `account`) gets back."""
    found = _find_alb(account, host)
    if found is None:
        return HttpOutcome("nxdomain", detail="no load balancer of this account has that DNS name")
    elbv2_backend, lb = found
    ec2_backend = _ec2_for(elbv2_backend)
    if lb.scheme != "internet-facing":
        return HttpOutcome("timeout", detail="internal load balancer: not reachable from the internet")
    perms = permissions_of(ec2_backend, lb.security_groups)
    if not allows(perms, port, from_anywhere=True):
        return HttpOutcome(
            "timeout", detail=f"the load balancer's security groups do not allow TCP {port} from the internet"
        )
    listener = next((li for li in lb.listeners.values() if int(li.port) == port), None)
    if listener is None:
        return HttpOutcome("refused", detail=f"no listener on port {port}")
    if str(listener.protocol).upper() not in LISTENER_PROTOCOLS:
        return HttpOutcome("refused", detail=f"listener on {port} is {listener.protocol}")
    action = listener.default_actions[0] if listener.default_actions else None
    data = (action.data if hasattr(action, "data") else action) or {}
    kind = data.get("Type")
    if kind == "fixed-response":
        cfg = data.get("FixedResponseConfig") or {}
        return HttpOutcome(
            "response",
            int(cfg.get("StatusCode", 200)),
            {"Server": "awselb/2.0", "Content-Type": cfg.get("ContentType", "text/plain")},
            cfg.get("MessageBody", ""),
            "fixed response",
        )
    if kind == "redirect":
        return HttpOutcome("response", 301, {"Server": "awselb/2.0", "Location": "redirect"}, "", "redirect")
    weighted = [(arn, w) for arn, w in _forward_targets(action) if w > 0] if action is not None else []
    for tg_arn, _weight in weighted:
        tg = elbv2_backend.target_groups.get(tg_arn)
        if tg is not None:
            return _forward(elbv2_backend, ec2_backend, lb, tg, path)
    return _alb_error(503, "the listener forwards to no target group")


_turns: dict[str, int] = {}
_turns_lock = threading.Lock()


def _next_turn(lb_arn: str, count: int) -> int:
    """Round robin over the load balancer's candidate targets: requests are spread over every healthy target."""
    with _turns_lock:
        turn = _turns.get(lb_arn, -1) + 1
        _turns[lb_arn] = turn
    return turn % count


def _forward(elbv2_backend: Any, ec2_backend: Any, lb: Any, tg: Any, path: str) -> HttpOutcome:
    verdicts = [
        (t, target_health(elbv2_backend, tg, t["Id"], int(t["Port"])))
        for t in tg.targets.values()
        if str(t["Id"]).startswith("i-")
    ]
    healthy = [t for t, h in verdicts if h.state == "healthy"]
    # With no healthy target, an ALB "fails open" and routes to every unhealthy target; unused ones (stopped, in a
    # zone the ALB is not enabled in, not registered) never get traffic, so none at all answers 503.
    candidates = healthy or [t for t, h in verdicts if h.state == "unhealthy"]
    if not candidates:
        return _alb_error(503, "no healthy target in the target group")
    target = candidates[_next_turn(lb.arn, len(candidates))]
    instance = _find_instance(ec2_backend, target["Id"])
    port = int(target["Port"])
    if not _reaches(ec2_backend, [lb], instance, port):
        return _alb_error(504, f"the instance's security groups drop traffic from the load balancer on {port}")
    if port not in app_ports(instance):
        return _alb_error(502, f"nothing listens on port {port} of the instance")
    status, body = app_response(instance, port, path)
    return HttpOutcome(
        "response",
        status,
        {"Content-Type": "text/html; charset=utf-8", "Server": "WSGIServer/0.2 CPython/3.11"},
        body,
        f"answered by {instance.id}:{port}",
    )


def tcp_connect(account: str, address: str, port: int) -> str:
    """'open', 'refused' or 'timeout' for a TCP connect from the internet to `address`:`port` in `account`."""
    for ec2_backend in account_regions("ec2", account).values():
        for reservation in ec2_backend.reservations.values():
            for instance in reservation.instances:
                if address not in {instance.public_ip, getattr(instance, "ipv6_address", None)}:
                    continue
                if instance.state != "running":
                    return "timeout"
                perms = permissions_of(ec2_backend, instance_group_ids(instance))
                if not allows(perms, port, from_anywhere=True):
                    return "timeout"
                return "open" if port in app_ports(instance) else "refused"
    return "timeout"


# --- installing the model into moto -----------------------------------------------------------------------------

_installed: list[Callable[[], None]] = []


def install_request_path_model() -> Callable[[], None]:
    """Make moto's DescribeTargetHealth answer from this model (in-process: server threads and mock_aws alike).

    Returns a function that restores moto's own behaviour; installing twice is harmless.
    """
    from moto.elbv2.exceptions import TargetGroupNotFoundError
    from moto.elbv2.models import ELBv2Backend, FakeHealthStatus

    if _installed:
        return _installed[0]
    original = ELBv2Backend.describe_target_health

    def describe_target_health(self: Any, target_group_arn: str, targets: list[dict[str, Any]]) -> list[Any]:
        tg = self.target_groups.get(target_group_arn)
        if tg is None:
            raise TargetGroupNotFoundError()
        wanted = targets or list(tg.targets.values())
        statuses = []
        for target in wanted:
            registered = tg.targets.get(target["Id"])
            if registered is None or not str(registered["Id"]).startswith("i-"):
                statuses.append(tg.health_for(target, self.ec2_backend))
                continue
            h = target_health(self, tg, registered["Id"], int(registered["Port"]))
            hc_port = str(tg.health_check_port or "traffic-port")
            hc_port = registered["Port"] if hc_port == "traffic-port" else hc_port
            statuses.append(
                FakeHealthStatus(registered["Id"], registered["Port"], str(hc_port), h.state, h.reason, h.description)
            )
        return statuses

    ELBv2Backend.describe_target_health = describe_target_health

    def uninstall() -> None:
        ELBv2Backend.describe_target_health = original
        _installed.clear()

    _installed.append(uninstall)
    return uninstall
