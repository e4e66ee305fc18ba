"""The sandbox console's AWS side: the boto3 calls behind each console screen, over one boto3 session.

`Console(session, region=..., endpoint_url=...)` knows nothing of pages, users or languages: it reads and changes
EC2 instances, security groups, load balancers and target groups the way the AWS console does, and turns every
refusal of AWS into `ConsoleError(code, message)` carrying AWS's own message, for the page to show as it is.
The views build the session exactly as checks and recipes do (`sessions.session_for`), so a sandbox learner's
console is pinned to their own account.

Shapes are small frozen dataclasses, so templates never dig into AWS's dictionaries.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from provisioning.sessions import client_config

T = TypeVar("T")

ANYWHERE_V4, ANYWHERE_V6 = "0.0.0.0/0", "::/0"
# The console's rule types: (key, protocol, fixed port range or None when the learner types it).
RULE_TYPES: tuple[tuple[str, str, tuple[int, int] | None], ...] = (
    ("custom-tcp", "tcp", None),
    ("custom-udp", "udp", None),
    ("all-tcp", "tcp", (0, 65535)),
    ("all-udp", "udp", (0, 65535)),
    ("all-traffic", "-1", None),
    ("ssh", "tcp", (22, 22)),
    ("http", "tcp", (80, 80)),
    ("https", "tcp", (443, 443)),
)
_RULE_TYPES = {key: (proto, ports) for key, proto, ports in RULE_TYPES}
LAUNCH_COPY_SKIPPED_TAG_PREFIXES = ("aws:",)  # AWS reserves these; the console does not copy them either


class ConsoleError(Exception):
    """AWS (or the sandbox) refused: `code` is AWS's error code, `message` its own words."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _aws(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return call(*args, **kwargs)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise ConsoleError(str(error.get("Code", "")), str(error.get("Message", "")) or str(exc)) from None
    except BotoCoreError as exc:
        raise ConsoleError(type(exc).__name__, str(exc)) from None


def _name_tag(tags: Iterable[dict[str, str]] | None) -> str:
    return next((t["Value"] for t in tags or () if t.get("Key") == "Name"), "")


# --- shapes ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vpc:
    id: str
    cidr: str
    is_default: bool
    name: str = ""


@dataclass(frozen=True)
class Subnet:
    id: str
    vpc_id: str
    zone: str
    cidr: str
    default_for_az: bool
    name: str = ""


@dataclass(frozen=True)
class GroupRef:
    id: str
    name: str


@dataclass(frozen=True)
class Instance:
    id: str
    name: str
    state: str
    instance_type: str
    zone: str
    subnet_id: str
    vpc_id: str
    public_ip: str
    private_ip: str
    image_id: str
    security_groups: tuple[GroupRef, ...]
    tags: tuple[tuple[str, str], ...]
    launch_time: Any = None

    @property
    def can_stop(self) -> bool:
        return self.state in ("pending", "running")

    @property
    def can_start(self) -> bool:
        return self.state == "stopped"


@dataclass(frozen=True)
class Rule:
    """One inbound rule as the console lists it: one source per row."""

    protocol: str  # tcp | udp | icmp | -1
    from_port: int | None
    to_port: int | None
    source_kind: str  # cidr4 | cidr6 | sg
    source: str  # a CIDR or a group id
    description: str = ""
    source_name: str = ""  # the group's name, for an sg source

    @property
    def rule_type(self) -> str:
        """The console's type key of this rule (custom-tcp when no named type fits)."""
        for key, proto, ports in RULE_TYPES:
            if key.startswith("custom-") or proto != self.protocol:
                continue
            if ports is None or ports == (self.from_port, self.to_port):
                return key
        return "custom-udp" if self.protocol == "udp" else "custom-tcp"

    @property
    def port_range(self) -> str:
        if self.protocol == "-1" or self.from_port is None:
            return ""
        if self.from_port == self.to_port:
            return str(self.from_port)
        return f"{self.from_port}-{self.to_port}"

    def key(self) -> tuple:
        return (self.protocol, self.from_port, self.to_port, self.source_kind, self.source)

    def permission(self) -> dict[str, Any]:
        """This rule as one IpPermissions entry."""
        perm: dict[str, Any] = {"IpProtocol": self.protocol}
        if self.protocol != "-1":
            perm["FromPort"], perm["ToPort"] = self.from_port, self.to_port
        extra = {"Description": self.description} if self.description else {}
        if self.source_kind == "cidr4":
            perm["IpRanges"] = [{"CidrIp": self.source, **extra}]
        elif self.source_kind == "cidr6":
            perm["Ipv6Ranges"] = [{"CidrIpv6": self.source, **extra}]
        else:
            perm["UserIdGroupPairs"] = [{"GroupId": self.source, **extra}]
        return perm


@dataclass(frozen=True)
class SecurityGroup:
    id: str
    name: str
    description: str
    vpc_id: str
    inbound: tuple[Rule, ...]
    outbound_count: int


@dataclass(frozen=True)
class LoadBalancer:
    name: str
    arn: str
    dns_name: str
    state: str
    scheme: str
    ip_address_type: str
    type: str
    vpc_id: str
    zones: tuple[tuple[str, str], ...]  # (zone, subnet id), sorted by zone
    security_groups: tuple[GroupRef, ...]
    created: Any = None


@dataclass(frozen=True)
class Action:
    type: str
    target_groups: tuple[tuple[str, int], ...] = ()  # (target group name, weight) of a forward


@dataclass(frozen=True)
class ListenerRule:
    priority: str
    conditions: tuple[str, ...]
    actions: tuple[Action, ...]
    is_default: bool


@dataclass(frozen=True)
class Listener:
    arn: str
    protocol: str
    port: int
    default_actions: tuple[Action, ...]
    rules: tuple[ListenerRule, ...]


@dataclass(frozen=True)
class TargetGroup:
    name: str
    arn: str
    protocol: str
    port: int
    target_type: str
    vpc_id: str
    health_check_protocol: str
    health_check_path: str
    health_check_port: str
    healthy_threshold: int
    unhealthy_threshold: int
    timeout: int
    interval: int
    success_codes: str
    load_balancers: tuple[str, ...] = ()  # names


@dataclass(frozen=True)
class Target:
    id: str
    port: int
    state: str
    reason: str = ""
    description: str = ""
    name: str = ""
    zone: str = ""


@dataclass(frozen=True)
class LoadBalancerSpec:
    """What the ロードバランサーの作成 form asks for."""

    name: str
    scheme: str = "internet-facing"
    ip_address_type: str = "ipv4"
    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    listener_protocol: str = "HTTP"
    listener_port: int = 80
    target_group_arn: str = ""


@dataclass(frozen=True)
class TargetGroupSpec:
    name: str
    vpc_id: str
    target_type: str = "instance"
    protocol: str = "HTTP"
    port: int = 80
    health_check_protocol: str = "HTTP"
    health_check_path: str = "/"
    tags: dict[str, str] = field(default_factory=dict)


def rule_from_type(
    rule_type: str, *, port_range: str = "", source_kind: str, source: str, description: str = ""
) -> Rule:
    """A Rule from the console's row (type, port range, source). Raises ValueError with what is wrong."""
    if rule_type not in _RULE_TYPES:
        raise ValueError(f"unknown rule type {rule_type!r}")
    protocol, ports = _RULE_TYPES[rule_type]
    if protocol == "-1":
        from_port = to_port = None
    elif ports is not None:
        from_port, to_port = ports
    else:
        from_port, to_port = parse_port_range(port_range)
    if source_kind in ("cidr4", "cidr6", "cidr"):
        try:
            network = ipaddress.ip_network(source.strip(), strict=False)
        except ValueError:
            raise ValueError(f"{source!r} is not a CIDR block") from None
        source_kind, source = ("cidr4" if network.version == 4 else "cidr6"), str(network)
    elif source_kind != "sg" or not source.startswith("sg-"):
        raise ValueError("the source must be a CIDR block or a security group")
    return Rule(protocol, from_port, to_port, source_kind, source, description.strip())


def parse_port_range(text: str) -> tuple[int, int]:
    """'8000' or '8000-8010' to (low, high). Raises ValueError."""
    text = (text or "").strip()
    low_text, dash, high_text = text.partition("-")
    if not low_text.strip().isdigit() or (dash and not high_text.strip().isdigit()):
        raise ValueError(f"{text!r} is not a port or a port range")
    low, high = int(low_text), int(high_text or low_text)
    if not (0 <= low <= high <= 65535):
        raise ValueError(f"{text!r} is not a port range between 0 and 65535")
    return low, high


def _rules_of(group: dict[str, Any], names: dict[str, str]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for perm in group.get("IpPermissions", []):
        proto = str(perm.get("IpProtocol"))
        low, high = perm.get("FromPort"), perm.get("ToPort")
        if proto == "-1":
            low = high = None
        for r in perm.get("IpRanges", []):
            rules.append(Rule(proto, low, high, "cidr4", r["CidrIp"], r.get("Description", "")))
        for r in perm.get("Ipv6Ranges", []):
            rules.append(Rule(proto, low, high, "cidr6", r["CidrIpv6"], r.get("Description", "")))
        for p in perm.get("UserIdGroupPairs", []):
            gid = p.get("GroupId", "")
            rules.append(Rule(proto, low, high, "sg", gid, p.get("Description", ""), names.get(gid, "")))
    return tuple(rules)


def _action(data: dict[str, Any], tg_names: dict[str, str]) -> Action:
    kind = str(data.get("Type", ""))
    groups = (data.get("ForwardConfig") or {}).get("TargetGroups") or []
    if groups:
        forwards = tuple(
            (tg_names.get(g["TargetGroupArn"], g["TargetGroupArn"]), int(g.get("Weight", 1))) for g in groups
        )
    elif data.get("TargetGroupArn"):
        forwards = ((tg_names.get(data["TargetGroupArn"], data["TargetGroupArn"]), 1),)
    else:
        forwards = ()
    return Action(kind, forwards)


# --- the console ---------------------------------------------------------------------------------------------------


class Console:
    """The console's calls for one account and region, through `session`."""

    def __init__(self, session: boto3.Session, *, region: str, endpoint_url: str | None = None) -> None:
        kwargs: dict[str, Any] = {"region_name": region, "config": client_config(max_attempts=2)}
        if endpoint_url:
            kwargs["endpoint_url"] = endpoint_url
        self.region = region
        self.ec2 = session.client("ec2", **kwargs)
        self.elbv2 = session.client("elbv2", **kwargs)

    # --- network ---------------------------------------------------------------------------------------------

    def vpcs(self) -> list[Vpc]:
        vpcs = _aws(self.ec2.describe_vpcs)["Vpcs"]
        out = [
            Vpc(v["VpcId"], v.get("CidrBlock", ""), bool(v.get("IsDefault")), _name_tag(v.get("Tags"))) for v in vpcs
        ]
        return sorted(out, key=lambda v: (not v.is_default, v.id))

    def default_vpc_id(self) -> str:
        vpcs = self.vpcs()
        return vpcs[0].id if vpcs else ""

    def subnets(self, vpc_id: str | None = None) -> list[Subnet]:
        kwargs = {"Filters": [{"Name": "vpc-id", "Values": [vpc_id]}]} if vpc_id else {}
        subnets = _aws(self.ec2.describe_subnets, **kwargs)["Subnets"]
        out = [
            Subnet(
                s["SubnetId"],
                s["VpcId"],
                s["AvailabilityZone"],
                s.get("CidrBlock", ""),
                bool(s.get("DefaultForAz")),
                _name_tag(s.get("Tags")),
            )
            for s in subnets
        ]
        return sorted(out, key=lambda s: (s.zone, not s.default_for_az, s.id))

    # --- instances -------------------------------------------------------------------------------------------

    def _instance(self, raw: dict[str, Any], group_names: dict[str, str] | None = None) -> Instance:
        groups = tuple(GroupRef(g["GroupId"], g.get("GroupName", "")) for g in raw.get("SecurityGroups", []))
        return Instance(
            id=raw["InstanceId"],
            name=_name_tag(raw.get("Tags")),
            state=raw.get("State", {}).get("Name", ""),
            instance_type=raw.get("InstanceType", ""),
            zone=raw.get("Placement", {}).get("AvailabilityZone", ""),
            subnet_id=raw.get("SubnetId", ""),
            vpc_id=raw.get("VpcId", ""),
            public_ip=raw.get("PublicIpAddress", ""),
            private_ip=raw.get("PrivateIpAddress", ""),
            image_id=raw.get("ImageId", ""),
            security_groups=groups,
            tags=tuple(sorted((t["Key"], t["Value"]) for t in raw.get("Tags", []))),
            launch_time=raw.get("LaunchTime"),
        )

    def instances(self) -> list[Instance]:
        pages = _aws(lambda: list(self.ec2.get_paginator("describe_instances").paginate()))
        found = [self._instance(i) for page in pages for r in page["Reservations"] for i in r["Instances"]]
        return sorted((i for i in found if i.state != "terminated"), key=lambda i: (i.name, i.id))

    def instance(self, instance_id: str) -> Instance:
        reservations = _aws(self.ec2.describe_instances, InstanceIds=[instance_id])["Reservations"]
        raws = [i for r in reservations for i in r["Instances"]]
        if not raws:
            raise ConsoleError("InvalidInstanceID.NotFound", f"The instance ID '{instance_id}' does not exist")
        return self._instance(raws[0])

    def stop_instance(self, instance_id: str) -> None:
        _aws(self.ec2.stop_instances, InstanceIds=[instance_id])

    def start_instance(self, instance_id: str) -> None:
        _aws(self.ec2.start_instances, InstanceIds=[instance_id])

    def launch_more_like_this(self, instance_id: str, *, subnet_id: str, name: str | None = None) -> str:
        """A new instance with the same image, type, security groups and tags, in `subnet_id`. Returns its id.

        `name`, when given, replaces the Name tag (the console's 名前 field); every other tag is copied.
        """
        source = self.instance(instance_id)
        copied = dict(source.tags)
        if name is not None:
            copied.pop("Name", None)
            if name.strip():
                copied["Name"] = name.strip()
        tags = [
            {"Key": k, "Value": v}
            for k, v in sorted(copied.items())
            if not k.startswith(LAUNCH_COPY_SKIPPED_TAG_PREFIXES)
        ]
        kwargs: dict[str, Any] = {
            "ImageId": source.image_id,
            "InstanceType": source.instance_type or "t3.micro",
            "MinCount": 1,
            "MaxCount": 1,
            "SubnetId": subnet_id,
            "SecurityGroupIds": [g.id for g in source.security_groups],
        }
        if tags:
            kwargs["TagSpecifications"] = [{"ResourceType": "instance", "Tags": tags}]
        return _aws(self.ec2.run_instances, **kwargs)["Instances"][0]["InstanceId"]

    # --- security groups -------------------------------------------------------------------------------------

    def security_groups(self, vpc_id: str | None = None) -> list[SecurityGroup]:
        kwargs = {"Filters": [{"Name": "vpc-id", "Values": [vpc_id]}]} if vpc_id else {}
        raw = _aws(self.ec2.describe_security_groups, **kwargs)["SecurityGroups"]
        names = {g["GroupId"]: g.get("GroupName", "") for g in raw}
        return sorted((self._group(g, names) for g in raw), key=lambda g: (g.name, g.id))

    def _group(self, raw: dict[str, Any], names: dict[str, str]) -> SecurityGroup:
        return SecurityGroup(
            id=raw["GroupId"],
            name=raw.get("GroupName", ""),
            description=raw.get("Description", ""),
            vpc_id=raw.get("VpcId", ""),
            inbound=_rules_of(raw, names),
            outbound_count=sum(
                len(p.get("IpRanges", [])) + len(p.get("Ipv6Ranges", [])) + len(p.get("UserIdGroupPairs", []))
                for p in raw.get("IpPermissionsEgress", [])
            ),
        )

    def security_group(self, group_id: str) -> SecurityGroup:
        raw = _aws(self.ec2.describe_security_groups, GroupIds=[group_id])["SecurityGroups"]
        if not raw:
            raise ConsoleError("InvalidGroup.NotFound", f"The security group '{group_id}' does not exist")
        names = {g.id: g.name for g in self.security_groups(raw[0].get("VpcId"))}
        return self._group(raw[0], names)

    def create_security_group(self, *, name: str, description: str, vpc_id: str, inbound: Iterable[Rule] = ()) -> str:
        """Create the group and its inbound rules, as the console's one 作成 button does. Returns the group id.

        If a rule is refused the group stays (as in the console, which also creates the group first) and the
        error says why.
        """
        group_id = _aws(self.ec2.create_security_group, GroupName=name, Description=description, VpcId=vpc_id)[
            "GroupId"
        ]
        rules = list(inbound)
        if rules:
            _aws(
                self.ec2.authorize_security_group_ingress,
                GroupId=group_id,
                IpPermissions=[r.permission() for r in rules],
            )
        return group_id

    def set_inbound_rules(self, group_id: str, rules: Iterable[Rule]) -> tuple[int, int]:
        """Make the group's inbound rules exactly `rules` (ルールの保存). Returns (added, removed).

        Only the difference is sent: rules kept as they are stay untouched, so a save never opens a gap.
        """
        wanted = {r.key(): r for r in rules}
        current = {r.key(): r for r in self.security_group(group_id).inbound}
        changed = {k for k in wanted.keys() & current.keys() if wanted[k].description != current[k].description}
        added = [wanted[k] for k in wanted.keys() - current.keys()]
        removed = [current[k] for k in current.keys() - wanted.keys()]
        if added:
            _aws(
                self.ec2.authorize_security_group_ingress,
                GroupId=group_id,
                IpPermissions=[r.permission() for r in added],
            )
        if removed:
            _aws(
                self.ec2.revoke_security_group_ingress,
                GroupId=group_id,
                IpPermissions=[r.permission() for r in removed],
            )
        if changed:
            _aws(
                self.ec2.update_security_group_rule_descriptions_ingress,
                GroupId=group_id,
                IpPermissions=[wanted[k].permission() for k in sorted(changed, key=str)],
            )
        return len(added), len(removed)

    # --- target groups -----------------------------------------------------------------------------------------

    def _target_group(self, raw: dict[str, Any], lb_names: dict[str, str]) -> TargetGroup:
        return TargetGroup(
            name=raw["TargetGroupName"],
            arn=raw["TargetGroupArn"],
            protocol=raw.get("Protocol", ""),
            port=int(raw.get("Port") or 0),
            target_type=raw.get("TargetType", "instance"),
            vpc_id=raw.get("VpcId", ""),
            health_check_protocol=raw.get("HealthCheckProtocol", ""),
            health_check_path=raw.get("HealthCheckPath", ""),
            health_check_port=str(raw.get("HealthCheckPort", "traffic-port")),
            healthy_threshold=int(raw.get("HealthyThresholdCount") or 5),
            unhealthy_threshold=int(raw.get("UnhealthyThresholdCount") or 2),
            timeout=int(raw.get("HealthCheckTimeoutSeconds") or 5),
            interval=int(raw.get("HealthCheckIntervalSeconds") or 30),
            success_codes=str((raw.get("Matcher") or {}).get("HttpCode", "200")),
            load_balancers=tuple(lb_names.get(arn, arn) for arn in raw.get("LoadBalancerArns", [])),
        )

    def _lb_names(self) -> dict[str, str]:
        return {lb["LoadBalancerArn"]: lb["LoadBalancerName"] for lb in self._raw_load_balancers()}

    def target_groups(self) -> list[TargetGroup]:
        raw = _aws(self.elbv2.describe_target_groups)["TargetGroups"]
        names = self._lb_names() if raw else {}
        return sorted((self._target_group(t, names) for t in raw), key=lambda t: t.name)

    def target_group(self, name: str) -> TargetGroup:
        raw = _aws(self.elbv2.describe_target_groups, Names=[name])["TargetGroups"]
        return self._target_group(raw[0], self._lb_names())

    def _refuse_existing(self, call: Callable[..., Any], key: str, name: str, code: str, what: str) -> None:
        """CreateLoadBalancer and CreateTargetGroup return an existing resource of the same name and settings
        (they are idempotent); the console refuses a taken name instead, as the real one does, in AWS's words."""
        try:
            found = call(Names=[name])[key]
        except ClientError:
            return  # not found (or not allowed to look): let the create call decide
        if found:
            raise ConsoleError(code, f"A {what} with the same name '{name}' exists, but with different settings")

    def create_target_group(self, spec: TargetGroupSpec) -> TargetGroup:
        self._refuse_existing(
            self.elbv2.describe_target_groups, "TargetGroups", spec.name, "DuplicateTargetGroupName", "target group"
        )
        kwargs: dict[str, Any] = {
            "Name": spec.name,
            "TargetType": spec.target_type,
            "VpcId": spec.vpc_id,
        }
        if spec.target_type != "lambda":
            kwargs.update(Protocol=spec.protocol, Port=spec.port)
        kwargs.update(HealthCheckProtocol=spec.health_check_protocol, HealthCheckPath=spec.health_check_path)
        if spec.tags:
            kwargs["Tags"] = [{"Key": k, "Value": v} for k, v in spec.tags.items()]
        raw = _aws(self.elbv2.create_target_group, **kwargs)["TargetGroups"][0]
        return self._target_group(raw, {})

    def register_targets(self, target_group_arn: str, instance_ids: Iterable[str], port: int) -> None:
        targets = [{"Id": i, "Port": int(port)} for i in instance_ids]
        if targets:
            _aws(self.elbv2.register_targets, TargetGroupArn=target_group_arn, Targets=targets)

    def deregister_targets(self, target_group_arn: str, targets: Iterable[tuple[str, int]]) -> None:
        wanted = [{"Id": i, "Port": int(p)} for i, p in targets]
        if wanted:
            _aws(self.elbv2.deregister_targets, TargetGroupArn=target_group_arn, Targets=wanted)

    def targets(self, target_group_arn: str) -> list[Target]:
        """The registered targets with their health and reason (the ターゲット tab), named and placed."""
        health = _aws(self.elbv2.describe_target_health, TargetGroupArn=target_group_arn)["TargetHealthDescriptions"]
        ids = [h["Target"]["Id"] for h in health if str(h["Target"]["Id"]).startswith("i-")]
        instances = {}
        if ids:
            reservations = _aws(self.ec2.describe_instances, InstanceIds=sorted(set(ids)))["Reservations"]
            instances = {i["InstanceId"]: self._instance(i) for r in reservations for i in r["Instances"]}
        out = []
        for h in health:
            target, state = h["Target"], h.get("TargetHealth", {})
            instance = instances.get(target["Id"])
            out.append(
                Target(
                    id=target["Id"],
                    port=int(target.get("Port") or 0),
                    state=str(state.get("State", "")),
                    reason=str(state.get("Reason", "") or ""),
                    description=str(state.get("Description", "") or ""),
                    name=instance.name if instance else "",
                    zone=instance.zone if instance else str(target.get("AvailabilityZone", "")),
                )
            )
        return sorted(out, key=lambda t: (t.id, t.port))

    # --- load balancers ----------------------------------------------------------------------------------------

    def _raw_load_balancers(self) -> list[dict[str, Any]]:
        pages = _aws(lambda: list(self.elbv2.get_paginator("describe_load_balancers").paginate()))
        return [lb for page in pages for lb in page["LoadBalancers"]]

    def _load_balancer(self, raw: dict[str, Any], group_names: dict[str, str]) -> LoadBalancer:
        zones = tuple(sorted((z["ZoneName"], z.get("SubnetId", "")) for z in raw.get("AvailabilityZones", [])))
        return LoadBalancer(
            name=raw["LoadBalancerName"],
            arn=raw["LoadBalancerArn"],
            dns_name=raw.get("DNSName", ""),
            state=(raw.get("State") or {}).get("Code", ""),
            scheme=raw.get("Scheme", ""),
            ip_address_type=raw.get("IpAddressType", "ipv4"),
            type=raw.get("Type", "application"),
            vpc_id=raw.get("VpcId", ""),
            zones=zones,
            security_groups=tuple(GroupRef(g, group_names.get(g, "")) for g in raw.get("SecurityGroups", [])),
            created=raw.get("CreatedTime"),
        )

    def _group_names(self) -> dict[str, str]:
        raw = _aws(self.ec2.describe_security_groups)["SecurityGroups"]
        return {g["GroupId"]: g.get("GroupName", "") for g in raw}

    def load_balancers(self) -> list[LoadBalancer]:
        raw = self._raw_load_balancers()
        names = self._group_names() if raw else {}
        return sorted((self._load_balancer(lb, names) for lb in raw), key=lambda lb: lb.name)

    def load_balancer(self, name: str) -> LoadBalancer:
        raw = _aws(self.elbv2.describe_load_balancers, Names=[name])["LoadBalancers"]
        return self._load_balancer(raw[0], self._group_names())

    def listeners(self, load_balancer_arn: str) -> list[Listener]:
        """The リスナー tab: each listener with its default action and rules, target groups by name."""
        raw = _aws(self.elbv2.describe_listeners, LoadBalancerArn=load_balancer_arn)["Listeners"]
        if not raw:
            return []
        tg_names = {t.arn: t.name for t in self.target_groups()}
        out = []
        for listener in raw:
            rules = _aws(self.elbv2.describe_rules, ListenerArn=listener["ListenerArn"])["Rules"]
            out.append(
                Listener(
                    arn=listener["ListenerArn"],
                    protocol=listener.get("Protocol", ""),
                    port=int(listener.get("Port") or 0),
                    default_actions=tuple(_action(a, tg_names) for a in listener.get("DefaultActions", [])),
                    rules=tuple(
                        ListenerRule(
                            priority=str(r.get("Priority", "")),
                            conditions=tuple(
                                f"{c.get('Field', '')}: {', '.join(c.get('Values', []))}"
                                for c in r.get("Conditions", [])
                            ),
                            actions=tuple(_action(a, tg_names) for a in r.get("Actions", [])),
                            is_default=bool(r.get("IsDefault")),
                        )
                        for r in rules
                    ),
                )
            )
        return sorted(out, key=lambda li: li.port)

    def create_load_balancer(self, spec: LoadBalancerSpec) -> LoadBalancer:
        """Create the ALB and its listener (HTTP:80 forwarding to the chosen target group), as the wizard does.

        When the listener is refused the load balancer stays, as in the console, and the error says why.
        """
        self._refuse_existing(
            self.elbv2.describe_load_balancers,
            "LoadBalancers",
            spec.name,
            "DuplicateLoadBalancerName",
            "load balancer",
        )
        raw = _aws(
            self.elbv2.create_load_balancer,
            Name=spec.name,
            Subnets=list(spec.subnet_ids),
            SecurityGroups=list(spec.security_group_ids),
            Scheme=spec.scheme,
            Type="application",
            IpAddressType=spec.ip_address_type,
        )["LoadBalancers"][0]
        if spec.target_group_arn:
            _aws(
                self.elbv2.create_listener,
                LoadBalancerArn=raw["LoadBalancerArn"],
                Protocol=spec.listener_protocol,
                Port=int(spec.listener_port),
                DefaultActions=[{"Type": "forward", "TargetGroupArn": spec.target_group_arn}],
            )
        return self._load_balancer(raw, self._group_names())


__all__ = [
    "RULE_TYPES",
    "Console",
    "ConsoleError",
    "GroupRef",
    "Instance",
    "Listener",
    "LoadBalancer",
    "LoadBalancerSpec",
    "Rule",
    "SecurityGroup",
    "Subnet",
    "Target",
    "TargetGroup",
    "TargetGroupSpec",
    "Vpc",
    "parse_port_range",
    "rule_from_type",
]
