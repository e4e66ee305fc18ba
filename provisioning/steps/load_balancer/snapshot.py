"""Collect the AWS state Step 5 needs into one `Snapshot`, in at most two rounds of parallel calls.

Round 1 (independent): DescribeLoadBalancers(Names), DescribeTargetGroups(Names), DescribeInstances(tag filter),
DescribeSecurityGroups(group-name filter for both tutorial SGs). Round 2 (needs round 1's ARNs/ids):
DescribeListeners, DescribeTargetHealth, and DescribeSecurityGroups(GroupIds) only for SGs attached to the ALB or a
tagged instance that round 1 did not already return. That is at most 7 calls (8 with a role's AssumeRole), whatever the
state. Absent resources (LoadBalancerNotFound, TargetGroupNotFound) are state; other failures are recorded per
source in `Snapshot.errors` so that only the checks needing that source report `error`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3

from provisioning.checks.listeners import forward_targets
from provisioning.checks.sg_rules import ingress_grants
from provisioning.instances import state_of, tutorial_instance
from provisioning.sessions import CallCounter, client_for
from provisioning.snapshot import SnapshotBase, call, run_round
from provisioning.steps.load_balancer.params import Params
from provisioning.types import ConnectionSpec

# The snapshot's sources by name, for the `needs` of the checks that read them (Step 5's catalog and Step 6's).
LB, TG, TH, INST, SG, LS = (
    "load_balancers",
    "target_groups",
    "target_health",
    "instances",
    "security_groups",
    "listeners",
)

# Snapshot source -> the one IAM action that reads it. provisioning.iam builds the read-only policy from this.
SOURCES: dict[str, str] = {
    LB: "elasticloadbalancing:DescribeLoadBalancers",
    TG: "elasticloadbalancing:DescribeTargetGroups",
    INST: "ec2:DescribeInstances",
    SG: "ec2:DescribeSecurityGroups",
    LS: "elasticloadbalancing:DescribeListeners",
    TH: "elasticloadbalancing:DescribeTargetHealth",
}


@dataclass
class Snapshot(SnapshotBase):
    """Plain AWS-shaped dicts, exactly as the APIs return them, so fixtures can be written by hand."""

    params: Params = field(default_factory=Params)
    load_balancer: dict | None = None
    listeners: list[dict] = field(default_factory=list)
    target_group: dict | None = None
    target_health: list[dict] = field(default_factory=list)
    instances: list[dict] = field(default_factory=list)
    security_groups: dict[str, dict] = field(default_factory=dict)  # GroupId -> group

    @property
    def instance(self) -> dict | None:
        """The tutorial's instance (provisioning.instances: the same choice as the recipes make)."""
        return tutorial_instance(self.instances, self.registered_ids)

    @property
    def registered_ids(self) -> list[str]:
        return [(d.get("Target") or {}).get("Id") for d in self.target_health]

    @property
    def alb_sg_ids(self) -> list[str]:
        return list((self.load_balancer or {}).get("SecurityGroups") or [])

    @property
    def instance_sg_ids(self) -> list[str]:
        return sg_ids_of(self.instance)

    @property
    def live_instances(self) -> list[dict]:
        """The tagged instances that are not terminated (or on their way), in the order the chooser ranks them."""
        live = [i for i in self.instances if state_of(i) not in ("terminated", "shutting-down")]
        return sorted(live, key=lambda i: (i is not self.instance, str(i.get("InstanceId", ""))))

    def groups(self, ids: list[str]) -> list[dict]:
        return [self.security_groups[i] for i in ids if i in self.security_groups]

    def groups_named(self, name: str) -> list[dict]:
        return [g for g in self.security_groups.values() if g.get("GroupName") == name]


def sg_ids_of(instance: dict | None) -> list[str]:
    return [g["GroupId"] for g in (instance or {}).get("SecurityGroups") or []]


def _call(snap: Snapshot, source: str, fn: Callable[[], Any]) -> Any:
    return call(snap, SOURCES, source, fn)


def collect_snapshot(
    session: boto3.Session,
    spec: ConnectionSpec,
    params: Params | None = None,
    *,
    max_workers: int = 4,
    counter: CallCounter | None = None,
) -> Snapshot:
    """Read Step 5's state. `max_workers=1` makes the same calls one after another (the benchmark compares)."""
    counter = counter or CallCounter()
    with counter.counting():
        return _collect(session, spec, params or Params(), max_workers, counter)


def _collect(session: boto3.Session, spec: ConnectionSpec, params: Params, max_workers: int, counter) -> Snapshot:
    before = counter.count
    elbv2 = client_for(session, "elbv2", spec)  # made here, before the threads
    ec2 = client_for(session, "ec2", spec)
    snap = Snapshot(params=params)

    def load_balancers() -> None:
        resp = _call(snap, "load_balancers", lambda: elbv2.describe_load_balancers(Names=[params.lb_name]))
        lbs = (resp or {}).get("LoadBalancers") or []
        snap.load_balancer = lbs[0] if lbs else None

    def target_groups() -> None:
        resp = _call(snap, "target_groups", lambda: elbv2.describe_target_groups(Names=[params.tg_name]))
        tgs = (resp or {}).get("TargetGroups") or []
        snap.target_group = tgs[0] if tgs else None

    def instances() -> None:
        tag = {"Name": f"tag:{params.instance_tag_key}", "Values": [params.instance_tag_value]}
        resp = _call(snap, "instances", lambda: ec2.describe_instances(Filters=[tag]))
        snap.instances = [i for r in (resp or {}).get("Reservations") or [] for i in r.get("Instances") or []]

    def named_groups() -> None:
        names = {"Name": "group-name", "Values": [params.alb_sg_name, params.ec2_sg_name]}
        resp = _call(snap, "security_groups", lambda: ec2.describe_security_groups(Filters=[names]))
        for g in (resp or {}).get("SecurityGroups") or []:
            snap.security_groups[g["GroupId"]] = g

    def listeners() -> None:
        arn = snap.load_balancer["LoadBalancerArn"]
        resp = _call(snap, "listeners", lambda: elbv2.describe_listeners(LoadBalancerArn=arn))
        snap.listeners = (resp or {}).get("Listeners") or []

    def target_health() -> None:
        arn = snap.target_group["TargetGroupArn"]
        resp = _call(snap, "target_health", lambda: elbv2.describe_target_health(TargetGroupArn=arn))
        snap.target_health = (resp or {}).get("TargetHealthDescriptions") or []

    def attached_groups(ids: list[str]) -> Callable[[], None]:
        def run() -> None:
            resp = _call(snap, "security_groups", lambda: ec2.describe_security_groups(GroupIds=ids))
            for g in (resp or {}).get("SecurityGroups") or []:
                snap.security_groups[g["GroupId"]] = g

        return run

    run_round([load_balancers, target_groups, instances, named_groups], max_workers)

    second: list[Callable[[], None]] = []
    if snap.load_balancer:
        second.append(listeners)
    if snap.target_group:
        second.append(target_health)
    attached = {*snap.alb_sg_ids, *(g for i in snap.live_instances for g in sg_ids_of(i))}
    missing = sorted(attached - set(snap.security_groups))
    if missing and "security_groups" not in snap.errors:
        second.append(attached_groups(missing))
    run_round(second, max_workers)

    snap.api_calls = counter.count - before
    snap.actions = list(counter.actions[before:])
    return snap


def _ingress_summary(group: dict) -> list[dict[str, Any]]:
    """The group's inbound rules, one entry per port range, read by the one SG rule reader (checks.sg_rules)."""
    rules: dict[tuple, list[str]] = {}
    for grant in ingress_grants([group]):
        rules.setdefault((grant.protocol, grant.from_port, grant.to_port), []).append(grant.source)
    return [{"protocol": p, "from_port": lo, "to_port": hi, "sources": src} for (p, lo, hi), src in rules.items()]


def _instance_picture(inst: dict) -> dict[str, Any]:
    return {
        "id": inst.get("InstanceId"),
        "state": (inst.get("State") or {}).get("Name"),
        "public_ip": inst.get("PublicIpAddress"),
        "private_ip": inst.get("PrivateIpAddress"),
        "az": (inst.get("Placement") or {}).get("AvailabilityZone"),
        "security_groups": sg_ids_of(inst),
    }


def snapshot_architecture(snap: Snapshot) -> dict[str, Any]:
    """A JSON-able picture of what the snapshot saw, for the learner's architecture diagram. No secrets."""
    lb = snap.load_balancer
    tg = snap.target_group
    inst = snap.instance
    listener = next((li for li in snap.listeners if li.get("Port") == snap.params.listener_port), None)
    return {
        "alb": lb
        and {
            "name": lb.get("LoadBalancerName"),
            "id": lb.get("LoadBalancerArn", "").split(":loadbalancer/")[-1],
            "dns": lb.get("DNSName"),
            "scheme": lb.get("Scheme"),
            "type": lb.get("Type"),
            "state": (lb.get("State") or {}).get("Code"),
            "azs": sorted(z.get("ZoneName", "") for z in lb.get("AvailabilityZones") or []),
            "security_groups": snap.alb_sg_ids,
        },
        "listener": listener
        and {
            "port": listener.get("Port"),
            "protocol": listener.get("Protocol"),
            "forwards_to": [
                {"target_group": arn.split(":targetgroup/")[-1].split("/")[0], "weight": weight}
                for arn, weight in forward_targets(listener)
            ],
        },
        "target_group": tg
        and {
            "name": tg.get("TargetGroupName"),
            "port": tg.get("Port"),
            "protocol": tg.get("Protocol"),
            "target_type": tg.get("TargetType"),
            "health_check": {
                "protocol": tg.get("HealthCheckProtocol"),
                "port": tg.get("HealthCheckPort"),
                "path": tg.get("HealthCheckPath"),
                "matcher": (tg.get("Matcher") or {}).get("HttpCode"),
            },
        },
        "targets": [
            {
                "id": d.get("Target", {}).get("Id"),
                "port": d.get("Target", {}).get("Port"),
                "health": (d.get("TargetHealth") or {}).get("State"),
                "reason": (d.get("TargetHealth") or {}).get("Reason"),
            }
            for d in snap.target_health
        ],
        "instance": inst and _instance_picture(inst),
        "instances": [_instance_picture(i) for i in snap.live_instances],
        "security_groups": {
            gid: {"name": g.get("GroupName"), "ingress": _ingress_summary(g)} for gid, g in snap.security_groups.items()
        },
        "errors": {source: err.action for source, err in snap.errors.items()},
    }
