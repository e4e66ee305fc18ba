"""Read-only lookups the recipes share: find the tutorial's resources by name or tag, or None."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from provisioning.instances import tutorial_instance as choose_instance
from provisioning.recipes.base import RecipeContext, RecipeError

LIVE_INSTANCE_STATES = ["pending", "running", "stopping", "stopped"]
CREATED_BY_TAG = "handson:created-by"  # marks what a recipe created that AWS would otherwise already have


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def default_vpc_id(ctx: RecipeContext) -> str:
    if "vpc_id" not in ctx.found:
        vpcs = ctx.ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
        if not vpcs:
            raise RecipeError("no default VPC in this region")
        ctx.found["vpc_id"] = vpcs[0]["VpcId"]
    return ctx.found["vpc_id"]


def default_subnets(ctx: RecipeContext) -> list[dict[str, Any]]:
    subnets = ctx.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default_vpc_id(ctx)]}])["Subnets"]
    by_az: dict[str, dict[str, Any]] = {}
    for subnet in sorted(subnets, key=lambda s: (not s.get("DefaultForAz", False), s["SubnetId"])):
        by_az.setdefault(subnet["AvailabilityZone"], subnet)
    return [by_az[az] for az in sorted(by_az)]


def security_group(ctx: RecipeContext, name: str) -> dict[str, Any] | None:
    groups = ctx.ec2.describe_security_groups(
        Filters=[
            {"Name": "group-name", "Values": [name]},
            {"Name": "vpc-id", "Values": [default_vpc_id(ctx)]},
        ]
    )["SecurityGroups"]
    return groups[0] if groups else None


def tutorial_instances(ctx: RecipeContext, states: list[str] | None = None) -> list[dict[str, Any]]:
    p = ctx.params
    pages = ctx.ec2.get_paginator("describe_instances").paginate(
        Filters=[
            {"Name": f"tag:{p.instance_tag_key}", "Values": [p.instance_tag_value]},
            {"Name": "instance-state-name", "Values": states or LIVE_INSTANCE_STATES},
        ]
    )
    found = [i for page in pages for r in page["Reservations"] for i in r["Instances"]]
    return sorted(found, key=lambda i: (i.get("LaunchTime") or "", i["InstanceId"]))


def tutorial_instance(ctx: RecipeContext) -> dict[str, Any] | None:
    """The tutorial's instance, chosen as the snapshots choose it (provisioning.instances)."""
    instances = tutorial_instances(ctx)
    registered: list[str] = []
    if len(instances) > 1:
        tg = target_group(ctx)
        if tg is not None:
            health = ctx.elbv2.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]
            registered = [h["Target"]["Id"] for h in health]
    return choose_instance(instances, registered)


def load_balancer(ctx: RecipeContext) -> dict[str, Any] | None:
    try:
        lbs = ctx.elbv2.describe_load_balancers(Names=[ctx.params.lb_name])["LoadBalancers"]
    except ClientError as exc:
        if _code(exc) == "LoadBalancerNotFound":
            return None
        raise
    return lbs[0] if lbs else None


def target_group(ctx: RecipeContext) -> dict[str, Any] | None:
    try:
        tgs = ctx.elbv2.describe_target_groups(Names=[ctx.params.tg_name])["TargetGroups"]
    except ClientError as exc:
        if _code(exc) == "TargetGroupNotFound":
            return None
        raise
    return tgs[0] if tgs else None


def internet_gateway(ctx: RecipeContext) -> dict[str, Any] | None:
    igws = ctx.ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [default_vpc_id(ctx)]}])[
        "InternetGateways"
    ]
    return igws[0] if igws else None


def main_route_table(ctx: RecipeContext) -> dict[str, Any] | None:
    tables = ctx.ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [default_vpc_id(ctx)]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    return tables[0] if tables else None


def has_tag(resource: dict[str, Any], key: str, value: str | None = None) -> bool:
    return any(t["Key"] == key and (value is None or t["Value"] == value) for t in resource.get("Tags", []))
