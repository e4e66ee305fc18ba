"""Step 5 recipes: `prerequisites`, `solve` per section, in boto3, as a list of idempotent "ensure" steps.

prerequisites: the state Step 5 starts from (the end of the earlier steps of the hands-on): security group
`aws-hands-on-ec2` open on 80, 8000 and 8001 to everyone, and a running instance tagged `CodeDeploy=aws-hands-on`
in the default VPC serving the app on 8000 (on real AWS its user data installs a small Django app; in the sandbox
the request-path model plays the app). In the sandbox the default VPC also gets the internet gateway and route
that moto leaves out.

solve: what a learner would do by hand in each section of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from provisioning.recipes import lookups as find
from provisioning.recipes.base import DONE, SKIPPED, RecipeContext, RecipeError, StepFn, StepOutcome

ANYWHERE_V4 = "0.0.0.0/0"
ANYWHERE_V6 = "::/0"
PREREQ_OPEN_PORTS = (80, 8000, 8001)
AL2023_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
USERDATA_PATH = Path(__file__).resolve().parent / "userdata" / "step5_django_app.sh"


def _tags(resource_type: str, name: str, extra: dict[str, str] | None = None) -> list[dict[str, Any]]:
    tags = [{"Key": "Name", "Value": name}] + [{"Key": k, "Value": v} for k, v in (extra or {}).items()]
    return [{"ResourceType": resource_type, "Tags": tags}]


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


# --- network ---------------------------------------------------------------------------------------------------


def ensure_default_vpc(ctx: RecipeContext) -> StepOutcome:
    vpcs = ctx.ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    if vpcs:
        ctx.found["vpc_id"] = vpcs[0]["VpcId"]
        return StepOutcome(SKIPPED, vpcs[0]["VpcId"])
    vpc = ctx.ec2.create_default_vpc()["Vpc"]
    ctx.found["vpc_id"] = vpc["VpcId"]
    return StepOutcome(DONE, vpc["VpcId"])


def ensure_internet_gateway(ctx: RecipeContext) -> StepOutcome:
    igw = find.internet_gateway(ctx)
    if igw is not None:
        ctx.found["igw_id"] = igw["InternetGatewayId"]
        return StepOutcome(SKIPPED, igw["InternetGatewayId"])
    # Real default VPCs have one; moto's does not. Tag it so teardown removes only what a recipe made.
    created = ctx.ec2.create_internet_gateway(
        TagSpecifications=_tags("internet-gateway", "aws-hands-on-default-vpc", {find.CREATED_BY_TAG: "prerequisites"})
    )["InternetGateway"]
    ctx.ec2.attach_internet_gateway(InternetGatewayId=created["InternetGatewayId"], VpcId=find.default_vpc_id(ctx))
    ctx.found["igw_id"] = created["InternetGatewayId"]
    return StepOutcome(DONE, created["InternetGatewayId"])


def ensure_default_route(ctx: RecipeContext) -> StepOutcome:
    table = find.main_route_table(ctx)
    if table is None:
        raise RecipeError("the default VPC has no main route table")
    igw_id = ctx.found.get("igw_id") or (find.internet_gateway(ctx) or {}).get("InternetGatewayId")
    for route in table.get("Routes", []):
        if route.get("DestinationCidrBlock") == ANYWHERE_V4 and route.get("GatewayId", "").startswith("igw-"):
            return StepOutcome(SKIPPED, f"{table['RouteTableId']} -> {route['GatewayId']}")
    if not igw_id:
        raise RecipeError("the default VPC has no internet gateway")
    ctx.ec2.create_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock=ANYWHERE_V4, GatewayId=igw_id)
    return StepOutcome(DONE, f"{table['RouteTableId']} -> {igw_id}")


# --- security groups --------------------------------------------------------------------------------------------


def _ensure_group(ctx: RecipeContext, name: str, description: str, key: str) -> StepOutcome:
    group = find.security_group(ctx, name)
    if group is not None:
        ctx.found[key] = group["GroupId"]
        return StepOutcome(SKIPPED, group["GroupId"])
    try:
        group_id = ctx.ec2.create_security_group(
            GroupName=name, Description=description, VpcId=find.default_vpc_id(ctx)
        )["GroupId"]
    except ClientError as exc:
        if _code(exc) != "InvalidGroup.Duplicate":
            raise
        group_id = find.security_group(ctx, name)["GroupId"]  # a concurrent run made it: same outcome
    ctx.found[key] = group_id
    return StepOutcome(DONE, group_id)


def _found(ctx: RecipeContext, key: str, lookup: Callable[[], dict[str, Any] | None], field: str, missing: str) -> str:
    """`ctx.found[key]`, else `lookup()[field]` remembered there; RecipeError(`missing`) when the lookup finds none."""
    if key not in ctx.found:
        resource = lookup()
        if resource is None:
            raise RecipeError(missing)
        ctx.found[key] = resource[field]
    return ctx.found[key]


def _group_id(ctx: RecipeContext, key: str, name: str) -> str:
    return _found(ctx, key, lambda: find.security_group(ctx, name), "GroupId", f"security group {name} does not exist")


def _perm_key(perm: dict[str, Any]) -> set[tuple]:
    """Flatten IpPermissions into comparable (proto, from, to, source) tuples."""
    base = (str(perm.get("IpProtocol")), perm.get("FromPort"), perm.get("ToPort"))
    keys: set[tuple] = set()
    keys.update(base + ("cidr", r["CidrIp"]) for r in perm.get("IpRanges", []))
    keys.update(base + ("cidr6", r["CidrIpv6"]) for r in perm.get("Ipv6Ranges", []))
    keys.update(base + ("sg", p["GroupId"]) for p in perm.get("UserIdGroupPairs", []))
    return keys


def _from_key(key: tuple) -> dict[str, Any]:
    proto, from_port, to_port, kind, source = key
    perm: dict[str, Any] = {"IpProtocol": proto}
    if proto != "-1":
        perm.update(FromPort=from_port, ToPort=to_port)
    if kind == "cidr":
        perm["IpRanges"] = [{"CidrIp": source}]
    elif kind == "cidr6":
        perm["Ipv6Ranges"] = [{"CidrIpv6": source}]
    else:
        perm["UserIdGroupPairs"] = [{"GroupId": source}]
    return perm


def _current_keys(ctx: RecipeContext, group_id: str) -> set[tuple]:
    group = ctx.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    keys: set[tuple] = set()
    for perm in group.get("IpPermissions", []):
        keys |= _perm_key(perm)
    return keys


def _ensure_ingress(
    ctx: RecipeContext, group_id: str, wanted: set[tuple], unwanted: set[tuple] | None = None
) -> StepOutcome:
    """Make the group's ingress contain `wanted` and none of `unwanted` (None: nothing else at all)."""
    current = _current_keys(ctx, group_id)
    missing = wanted - current
    extra = (current - wanted) if unwanted is None else (current & unwanted)
    if not missing and not extra:
        return StepOutcome(SKIPPED, f"{group_id}: rules already as wanted")
    if missing:
        try:
            ctx.ec2.authorize_security_group_ingress(
                GroupId=group_id, IpPermissions=[_from_key(k) for k in sorted(missing)]
            )
        except ClientError as exc:
            if _code(exc) != "InvalidPermission.Duplicate":
                raise
    if extra:
        ctx.ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=[_from_key(k) for k in sorted(extra)])
    return StepOutcome(DONE, f"{group_id}: +{len(missing)} -{len(extra)} rule(s)")


def ensure_instance_sg(ctx: RecipeContext) -> StepOutcome:
    return _ensure_group(ctx, ctx.params.ec2_sg_name, "aws-hands-on EC2 instance", "ec2_sg_id")


def ensure_instance_sg_open(ctx: RecipeContext) -> StepOutcome:
    """The starting state's open ports, unless the group is already restricted to another group (the tutorial's
    last section done): "do it for me" runs the prerequisites first and must not open the instance again."""
    group_id = _group_id(ctx, "ec2_sg_id", ctx.params.ec2_sg_name)
    if any(key[3] == "sg" for key in _current_keys(ctx, group_id)):
        return StepOutcome(SKIPPED, f"{group_id}: already restricted to a security group")
    wanted = {("tcp", port, port, "cidr", ANYWHERE_V4) for port in PREREQ_OPEN_PORTS}
    return _ensure_ingress(ctx, group_id, wanted, unwanted=set())


def ensure_alb_sg(ctx: RecipeContext) -> StepOutcome:
    return _ensure_group(ctx, ctx.params.alb_sg_name, "aws-hands-on load balancer", "alb_sg_id")


def ensure_alb_sg_http(ctx: RecipeContext) -> StepOutcome:
    group_id = _group_id(ctx, "alb_sg_id", ctx.params.alb_sg_name)
    port = ctx.params.listener_port
    return _ensure_ingress(ctx, group_id, {("tcp", port, port, "cidr", ANYWHERE_V4)}, unwanted=set())


def restrict_instance_sg(ctx: RecipeContext) -> StepOutcome:
    """The instance group lets in the app port from the ALB's group, and nothing else."""
    group_id = _group_id(ctx, "ec2_sg_id", ctx.params.ec2_sg_name)
    alb_sg = _group_id(ctx, "alb_sg_id", ctx.params.alb_sg_name)
    port = ctx.params.app_port
    return _ensure_ingress(ctx, group_id, {("tcp", port, port, "sg", alb_sg)}, unwanted=None)


# --- the instance -----------------------------------------------------------------------------------------------


def _image_id(ctx: RecipeContext) -> str:
    try:
        return ctx.client("ssm").get_parameter(Name=AL2023_PARAMETER)["Parameter"]["Value"]
    except ClientError:
        if not ctx.simulated:
            raise
    images = ctx.ec2.describe_images(Owners=["amazon"])["Images"]
    if not images:
        raise RecipeError("no Amazon Linux image found")
    return images[0]["ImageId"]


def ensure_instance(ctx: RecipeContext) -> StepOutcome:
    existing = find.tutorial_instance(ctx)
    if existing is not None:
        ctx.found["instance_id"] = existing["InstanceId"]
        return StepOutcome(SKIPPED, f"{existing['InstanceId']} ({existing['State']['Name']})")
    p = ctx.params
    subnets = find.default_subnets(ctx)
    if not subnets:
        raise RecipeError("the default VPC has no subnets")
    kwargs: dict[str, Any] = {
        "ImageId": _image_id(ctx),
        "InstanceType": "t3.micro",
        "MinCount": 1,
        "MaxCount": 1,
        # Default-VPC subnets give instances a public address; the groups go on the instance, as the console does.
        "SubnetId": subnets[0]["SubnetId"],
        "SecurityGroupIds": [_group_id(ctx, "ec2_sg_id", p.ec2_sg_name)],
        "TagSpecifications": _tags("instance", "aws-hands-on", {p.instance_tag_key: p.instance_tag_value}),
    }
    if not ctx.simulated:
        kwargs["UserData"] = USERDATA_PATH.read_text(encoding="utf-8")
    instance = ctx.ec2.run_instances(**kwargs)["Instances"][0]
    ctx.found["instance_id"] = instance["InstanceId"]
    return StepOutcome(DONE, instance["InstanceId"])


def ensure_instance_running(ctx: RecipeContext) -> StepOutcome:
    instance = find.tutorial_instance(ctx)
    if instance is None:
        raise RecipeError("the tutorial's instance does not exist")
    state = instance["State"]["Name"]
    instance_id = instance["InstanceId"]
    ctx.found["instance_id"] = instance_id
    if state == "running":
        return StepOutcome(SKIPPED, f"{instance_id} running")
    if state in ("stopped", "stopping"):
        if state == "stopping":
            ctx.ec2.get_waiter("instance_stopped").wait(InstanceIds=[instance_id], WaiterConfig=ctx.waiter_config())
        ctx.ec2.start_instances(InstanceIds=[instance_id])
    ctx.ec2.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=ctx.waiter_config())
    return StepOutcome(DONE, f"{instance_id} running")


# --- load balancer ----------------------------------------------------------------------------------------------


def ensure_target_group(ctx: RecipeContext) -> StepOutcome:
    p = ctx.params
    tg = find.target_group(ctx)
    if tg is not None:
        ctx.found["tg_arn"] = tg["TargetGroupArn"]
        return StepOutcome(SKIPPED, tg["TargetGroupArn"])
    tg = ctx.elbv2.create_target_group(
        Name=p.tg_name,
        Protocol="HTTP",
        Port=p.app_port,
        VpcId=find.default_vpc_id(ctx),
        TargetType="instance",
        HealthCheckProtocol="HTTP",
        HealthCheckPath=p.health_check_path,
    )["TargetGroups"][0]
    ctx.found["tg_arn"] = tg["TargetGroupArn"]
    return StepOutcome(DONE, tg["TargetGroupArn"])


def _tg_arn(ctx: RecipeContext) -> str:
    missing = f"target group {ctx.params.tg_name} does not exist"
    return _found(ctx, "tg_arn", lambda: find.target_group(ctx), "TargetGroupArn", missing)


def ensure_target_registered(ctx: RecipeContext) -> StepOutcome:
    instance = find.tutorial_instance(ctx)
    if instance is None:
        raise RecipeError("the tutorial's instance does not exist")
    tg_arn = _tg_arn(ctx)
    port = ctx.params.app_port
    health = ctx.elbv2.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]
    registered = {(h["Target"]["Id"], int(h["Target"].get("Port", 0))) for h in health}
    if (instance["InstanceId"], port) in registered:
        return StepOutcome(SKIPPED, f"{instance['InstanceId']}:{port}")
    ctx.elbv2.register_targets(TargetGroupArn=tg_arn, Targets=[{"Id": instance["InstanceId"], "Port": port}])
    return StepOutcome(DONE, f"{instance['InstanceId']}:{port}")


def ensure_load_balancer(ctx: RecipeContext) -> StepOutcome:
    p = ctx.params
    lb = find.load_balancer(ctx)
    if lb is not None:
        ctx.found["lb_arn"] = lb["LoadBalancerArn"]
        return StepOutcome(SKIPPED, lb["DNSName"])
    subnets = find.default_subnets(ctx)
    if len(subnets) < 2:
        raise RecipeError("the default VPC needs subnets in at least two availability zones")
    lb = ctx.elbv2.create_load_balancer(
        Name=p.lb_name,
        Subnets=[s["SubnetId"] for s in subnets[: max(p.min_azs, 3)]],
        SecurityGroups=[_group_id(ctx, "alb_sg_id", p.alb_sg_name)],
        Scheme="internet-facing",
        Type="application",
        IpAddressType="ipv4",
    )["LoadBalancers"][0]
    ctx.found["lb_arn"] = lb["LoadBalancerArn"]
    return StepOutcome(DONE, lb["DNSName"])


def _lb_arn(ctx: RecipeContext) -> str:
    missing = f"load balancer {ctx.params.lb_name} does not exist"
    return _found(ctx, "lb_arn", lambda: find.load_balancer(ctx), "LoadBalancerArn", missing)


def ensure_listener(ctx: RecipeContext) -> StepOutcome:
    lb_arn, tg_arn, port = _lb_arn(ctx), _tg_arn(ctx), ctx.params.listener_port
    forward = [{"Type": "forward", "TargetGroupArn": tg_arn}]
    for listener in ctx.elbv2.describe_listeners(LoadBalancerArn=lb_arn)["Listeners"]:
        if int(listener["Port"]) != port:
            continue
        actions = listener.get("DefaultActions", [])
        if listener.get("Protocol") == "HTTP" and len(actions) == 1 and actions[0].get("TargetGroupArn") == tg_arn:
            return StepOutcome(SKIPPED, listener["ListenerArn"])
        ctx.elbv2.modify_listener(
            ListenerArn=listener["ListenerArn"], Protocol="HTTP", Port=port, DefaultActions=forward
        )
        return StepOutcome(DONE, f"{listener['ListenerArn']} now forwards to {ctx.params.tg_name}")
    listener = ctx.elbv2.create_listener(LoadBalancerArn=lb_arn, Protocol="HTTP", Port=port, DefaultActions=forward)
    return StepOutcome(DONE, listener["Listeners"][0]["ListenerArn"])


def ensure_load_balancer_active(ctx: RecipeContext) -> StepOutcome:
    lb = find.load_balancer(ctx)
    if lb is None:
        raise RecipeError(f"load balancer {ctx.params.lb_name} does not exist")
    if lb["State"]["Code"] == "active":
        return StepOutcome(SKIPPED, "active")
    ctx.elbv2.get_waiter("load_balancer_available").wait(
        LoadBalancerArns=[lb["LoadBalancerArn"]], WaiterConfig=ctx.waiter_config()
    )
    return StepOutcome(DONE, "active")


def ensure_health_check(ctx: RecipeContext) -> StepOutcome:
    """The target group checks the app's health path on the traffic port."""
    p = ctx.params
    tg = find.target_group(ctx)
    if tg is None:
        raise RecipeError(f"target group {p.tg_name} does not exist")
    want = {"HealthCheckPath": p.health_check_path, "HealthCheckPort": "traffic-port", "HealthCheckProtocol": "HTTP"}
    if all(str(tg.get(k)) == v for k, v in want.items()):
        return StepOutcome(SKIPPED, f"{p.health_check_path} on the traffic port")
    ctx.elbv2.modify_target_group(TargetGroupArn=tg["TargetGroupArn"], **want)
    return StepOutcome(DONE, f"{p.health_check_path} on the traffic port")


def wait_target_healthy(ctx: RecipeContext) -> StepOutcome:
    instance = find.tutorial_instance(ctx)
    if instance is None:
        raise RecipeError("the tutorial's instance does not exist")
    tg_arn = _tg_arn(ctx)
    health = ctx.elbv2.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]
    states = {h["Target"]["Id"]: h["TargetHealth"]["State"] for h in health}
    if states.get(instance["InstanceId"]) == "healthy":
        return StepOutcome(SKIPPED, "healthy")
    ctx.elbv2.get_waiter("target_in_service").wait(
        TargetGroupArn=tg_arn,
        Targets=[{"Id": instance["InstanceId"], "Port": ctx.params.app_port}],
        WaiterConfig=ctx.waiter_config(),
    )
    return StepOutcome(DONE, "healthy")


# --- the recipes --------------------------------------------------------------------------------------------------

PREREQUISITE_STEPS: list[tuple[str, StepFn]] = [
    ("default_vpc", ensure_default_vpc),
    ("internet_gateway", ensure_internet_gateway),
    ("default_route", ensure_default_route),
    ("instance_security_group", ensure_instance_sg),
    ("instance_security_group_rules", ensure_instance_sg_open),
    ("instance", ensure_instance),
    ("instance_running", ensure_instance_running),
]

SOLVE_STEPS: dict[str, list[tuple[str, StepFn]]] = {
    "before-you-start": [
        ("default_vpc", ensure_default_vpc),
        ("instance_security_group", ensure_instance_sg),
        ("instance", ensure_instance),
        ("instance_running", ensure_instance_running),
    ],
    "create-alb": [
        ("alb_security_group", ensure_alb_sg),
        ("alb_security_group_http", ensure_alb_sg_http),
        ("target_group", ensure_target_group),
        ("target_registered", ensure_target_registered),
        ("load_balancer", ensure_load_balancer),
        ("listener", ensure_listener),
        ("load_balancer_active", ensure_load_balancer_active),
    ],
    "target-group": [
        ("health_check", ensure_health_check),
        ("target_healthy", wait_target_healthy),
    ],
    "load-balancer": [
        ("listener", ensure_listener),
        ("load_balancer_active", ensure_load_balancer_active),
    ],
    "restrict-ec2-sg": [
        ("instance_security_group_from_alb_only", restrict_instance_sg),
    ],
}


def prerequisite_steps(ctx: RecipeContext) -> list[tuple[str, StepFn]]:
    if ctx.simulated:
        return PREREQUISITE_STEPS
    # Real default VPCs already have their gateway and route; a recipe never touches them there.
    return [s for s in PREREQUISITE_STEPS if s[0] not in ("internet_gateway", "default_route")]
