"""Step 5 teardown: delete what the tutorial created, in dependency order, then list what still costs money.

Order: listeners -> load balancer (wait until deleted) -> target group -> instance rules that reference the ALB's
group -> ALB security group (retrying DependencyViolation while its network interfaces go) -> instances (wait until
terminated) -> instance security group -> the gateway and route a recipe added to a sandbox default VPC.
"""

from __future__ import annotations

from typing import Any

from provisioning.recipes import lookups as find
from provisioning.recipes.base import DONE, SKIPPED, RecipeContext, StepFn, StepOutcome, retry_on


def delete_listeners(ctx: RecipeContext) -> StepOutcome:
    lb = find.load_balancer(ctx)
    if lb is None:
        return StepOutcome(SKIPPED, "no load balancer")
    listeners = ctx.elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    for listener in listeners:
        ctx.elbv2.delete_listener(ListenerArn=listener["ListenerArn"])
    return StepOutcome(DONE if listeners else SKIPPED, f"{len(listeners)} listener(s)")


def delete_load_balancer(ctx: RecipeContext) -> StepOutcome:
    lb = find.load_balancer(ctx)
    if lb is None:
        return StepOutcome(SKIPPED, "no load balancer")
    ctx.elbv2.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
    ctx.elbv2.get_waiter("load_balancers_deleted").wait(
        LoadBalancerArns=[lb["LoadBalancerArn"]], WaiterConfig=ctx.waiter_config()
    )
    return StepOutcome(DONE, lb["LoadBalancerName"])


def delete_target_group(ctx: RecipeContext) -> StepOutcome:
    tg = find.target_group(ctx)
    if tg is None:
        return StepOutcome(SKIPPED, "no target group")
    retry_on({"ResourceInUse"}, lambda: ctx.elbv2.delete_target_group(TargetGroupArn=tg["TargetGroupArn"]), ctx)
    return StepOutcome(DONE, tg["TargetGroupName"])


def revoke_references_to_alb_sg(ctx: RecipeContext) -> StepOutcome:
    """A group referenced by another group's rule cannot be deleted: drop those rules first."""
    alb_sg = find.security_group(ctx, ctx.params.alb_sg_name)
    ec2_sg = find.security_group(ctx, ctx.params.ec2_sg_name)
    if alb_sg is None or ec2_sg is None:
        return StepOutcome(SKIPPED, "nothing references the load balancer's group")
    refs = []
    for perm in ec2_sg.get("IpPermissions", []):
        pairs = [p for p in perm.get("UserIdGroupPairs", []) if p.get("GroupId") == alb_sg["GroupId"]]
        if pairs:
            ref = {k: perm[k] for k in ("IpProtocol", "FromPort", "ToPort") if k in perm}
            ref["UserIdGroupPairs"] = [{"GroupId": alb_sg["GroupId"]}]
            refs.append(ref)
    if not refs:
        return StepOutcome(SKIPPED, "nothing references the load balancer's group")
    ctx.ec2.revoke_security_group_ingress(GroupId=ec2_sg["GroupId"], IpPermissions=refs)
    return StepOutcome(DONE, f"{len(refs)} rule(s) of {ec2_sg['GroupId']}")


def _delete_group(ctx: RecipeContext, name: str) -> StepOutcome:
    group = find.security_group(ctx, name)
    if group is None:
        return StepOutcome(SKIPPED, f"no group {name}")
    retry_on({"DependencyViolation"}, lambda: ctx.ec2.delete_security_group(GroupId=group["GroupId"]), ctx)
    return StepOutcome(DONE, group["GroupId"])


def delete_alb_sg(ctx: RecipeContext) -> StepOutcome:
    return _delete_group(ctx, ctx.params.alb_sg_name)


def terminate_instances(ctx: RecipeContext) -> StepOutcome:
    instances = find.tutorial_instances(ctx, states=["pending", "running", "stopping", "stopped", "shutting-down"])
    if not instances:
        return StepOutcome(SKIPPED, "no instance")
    ids = [i["InstanceId"] for i in instances]
    live = [i["InstanceId"] for i in instances if i["State"]["Name"] != "shutting-down"]
    if live:
        ctx.ec2.terminate_instances(InstanceIds=live)
    ctx.ec2.get_waiter("instance_terminated").wait(InstanceIds=ids, WaiterConfig=ctx.waiter_config())
    return StepOutcome(DONE, ", ".join(ids))


def delete_instance_sg(ctx: RecipeContext) -> StepOutcome:
    return _delete_group(ctx, ctx.params.ec2_sg_name)


def delete_created_gateway(ctx: RecipeContext) -> StepOutcome:
    """Remove the route and internet gateway a recipe added to a sandbox default VPC (tagged when created)."""
    igw = find.internet_gateway(ctx)
    if igw is None or not find.has_tag(igw, find.CREATED_BY_TAG):
        return StepOutcome(SKIPPED, "no gateway made by a recipe")
    table = find.main_route_table(ctx)
    if table is not None:
        for route in table.get("Routes", []):
            if route.get("GatewayId") == igw["InternetGatewayId"] and route.get("DestinationCidrBlock"):
                ctx.ec2.delete_route(
                    RouteTableId=table["RouteTableId"], DestinationCidrBlock=route["DestinationCidrBlock"]
                )
    ctx.ec2.detach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=find.default_vpc_id(ctx))
    ctx.ec2.delete_internet_gateway(InternetGatewayId=igw["InternetGatewayId"])
    return StepOutcome(DONE, igw["InternetGatewayId"])


TEARDOWN_STEPS: list[tuple[str, StepFn]] = [
    ("listeners", delete_listeners),
    ("load_balancer", delete_load_balancer),
    ("target_group", delete_target_group),
    ("instance_rules_referencing_alb_group", revoke_references_to_alb_sg),
    ("alb_security_group", delete_alb_sg),
    ("instances", terminate_instances),
    ("instance_security_group", delete_instance_sg),
    ("sandbox_internet_gateway", delete_created_gateway),
]


def billable_left(ctx: RecipeContext) -> list[dict[str, Any]]:
    """What the tutorial made that still costs money: its ALB, live instances, their EIPs, tagged NAT gateways."""
    left: list[dict[str, Any]] = []
    lb = find.load_balancer(ctx)
    if lb is not None:
        left.append({"type": "load-balancer", "id": lb["LoadBalancerArn"], "name": lb["LoadBalancerName"]})
    instances = find.tutorial_instances(ctx)
    for instance in instances:
        left.append({"type": "instance", "id": instance["InstanceId"], "state": instance["State"]["Name"]})
    instance_ids = {i["InstanceId"] for i in instances}
    tag = ctx.params.instance_tag_key, ctx.params.instance_tag_value
    for address in ctx.ec2.describe_addresses().get("Addresses", []):
        if address.get("InstanceId") in instance_ids or find.has_tag(address, *tag):
            left.append({"type": "elastic-ip", "id": address.get("AllocationId") or address.get("PublicIp")})
    gateways = ctx.ec2.describe_nat_gateways(
        Filter=[
            {"Name": f"tag:{tag[0]}", "Values": [tag[1]]},
            {"Name": "state", "Values": ["pending", "available"]},
        ]
    ).get("NatGateways", [])
    for gateway in gateways:
        left.append({"type": "nat-gateway", "id": gateway["NatGatewayId"]})
    return left
