"""Step 6 recipes: prerequisites build Step 5's finished state; solve per section; teardown is Step 5's.

Every step is an idempotent "ensure": it looks up the tutorial's resources (provisioning.recipes.lookups) and writes
only what is missing, so a second run writes nothing and an interrupted run completes when run again. A second
instance is launched "more like this" from the tutorial's instance (same image, type, security groups and tags)
into a subnet of an ALB zone that no tagged instance uses yet.
"""

from __future__ import annotations

from typing import Any

from provisioning.recipes import lookups as find
from provisioning.recipes.base import DONE, SKIPPED, RecipeContext, RecipeError, StepFn, StepOutcome
from provisioning.steps.load_balancer import recipes as step5
from provisioning.steps.load_balancer.labels import STEP_LABELS as STEP5_LABELS


def step5_finished(ctx: RecipeContext) -> list[tuple[str, StepFn]]:
    """Step 5's prerequisites and its whole solve, in page order: the state Step 6 starts from."""
    steps = list(step5.prerequisite_steps(ctx))
    for slug, section_steps in step5.SOLVE_STEPS.items():
        steps.extend((f"step5-{slug}/{name}", fn) for name, fn in section_steps)
    return steps


def _zones_and_subnets(ctx: RecipeContext) -> dict[str, str]:
    lb = find.load_balancer(ctx)
    if lb is None:
        raise RecipeError(f"load balancer {ctx.params.lb_name} does not exist (finish Step 5 first)")
    return {z["ZoneName"]: z.get("SubnetId", "") for z in lb.get("AvailabilityZones", [])}


def _redundant(instances: list[dict[str, Any]], zones: dict[str, str], ctx: RecipeContext) -> bool:
    used = {i.get("Placement", {}).get("AvailabilityZone") for i in instances} & set(zones)
    return len(instances) >= ctx.params.min_instances and len(used) >= ctx.params.min_azs


def ensure_second_instance(ctx: RecipeContext) -> StepOutcome:
    """Enough live tagged instances, in enough of the ALB's zones: launch "more like this" until there are."""
    zones = _zones_and_subnets(ctx)
    instances = find.tutorial_instances(ctx)
    if _redundant(instances, zones, ctx):
        return StepOutcome(SKIPPED, ", ".join(i["InstanceId"] for i in instances))
    template = find.tutorial_instance(ctx)
    if template is None:
        raise RecipeError("the tutorial's instance does not exist (finish Step 5 first)")
    launched = []
    while not _redundant(instances, zones, ctx):
        used = {i.get("Placement", {}).get("AvailabilityZone") for i in instances}
        free = [z for z in sorted(zones) if z not in used and zones[z]] or [z for z in sorted(zones) if zones[z]]
        if not free:
            raise RecipeError("the load balancer has no subnet to launch an instance in")
        tags = [t for t in template.get("Tags", []) if not t["Key"].startswith("aws:") and t["Key"] != "Name"]
        tags.append({"Key": "Name", "Value": f"aws-hands-on-{len(instances) + 1}"})
        kwargs: dict[str, Any] = {
            "ImageId": template["ImageId"],
            "InstanceType": template.get("InstanceType", "t3.micro"),
            "MinCount": 1,
            "MaxCount": 1,
            "SubnetId": zones[free[0]],
            "SecurityGroupIds": [g["GroupId"] for g in template.get("SecurityGroups", [])],
            "TagSpecifications": [{"ResourceType": "instance", "Tags": tags}],
        }
        if not ctx.simulated:
            kwargs["UserData"] = step5.USERDATA_PATH.read_text(encoding="utf-8")
        created = ctx.ec2.run_instances(**kwargs)["Instances"][0]
        launched.append(f"{created['InstanceId']} ({free[0]})")
        instances = find.tutorial_instances(ctx)
        if created["InstanceId"] not in {i["InstanceId"] for i in instances}:  # not visible yet: count it ourselves
            instances.append(created)
    return StepOutcome(DONE, ", ".join(launched))


def ensure_all_running(ctx: RecipeContext) -> StepOutcome:
    """Every live tagged instance runs (stopped ones are started; the failover section stops one on purpose)."""
    instances = find.tutorial_instances(ctx)
    if not instances:
        raise RecipeError("no instance carries the tutorial's tag")
    not_running = [i for i in instances if i["State"]["Name"] != "running"]
    if not not_running:
        return StepOutcome(SKIPPED, f"{len(instances)} running")
    stopping = [i["InstanceId"] for i in not_running if i["State"]["Name"] == "stopping"]
    if stopping:
        ctx.ec2.get_waiter("instance_stopped").wait(InstanceIds=stopping, WaiterConfig=ctx.waiter_config())
    stopped = [i["InstanceId"] for i in not_running if i["State"]["Name"] in ("stopped", "stopping")]
    if stopped:
        ctx.ec2.start_instances(InstanceIds=stopped)
    ids = [i["InstanceId"] for i in not_running]
    ctx.ec2.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig=ctx.waiter_config())
    return StepOutcome(DONE, ", ".join(ids))


def ensure_instance_groups(ctx: RecipeContext) -> StepOutcome:
    """Every tagged instance carries exactly the tutorial's instance security group (Step 5 restricted it)."""
    group_id = (find.security_group(ctx, ctx.params.ec2_sg_name) or {}).get("GroupId")
    if not group_id:
        raise RecipeError(f"security group {ctx.params.ec2_sg_name} does not exist")
    changed = []
    for instance in find.tutorial_instances(ctx):
        if [g["GroupId"] for g in instance.get("SecurityGroups", [])] != [group_id]:
            ctx.ec2.modify_instance_attribute(InstanceId=instance["InstanceId"], Groups=[group_id])
            changed.append(instance["InstanceId"])
    return StepOutcome(DONE if changed else SKIPPED, ", ".join(changed) or group_id)


def _health(ctx: RecipeContext, tg_arn: str) -> list[dict[str, Any]]:
    return ctx.elbv2.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]


def _tg_arn(ctx: RecipeContext) -> str:
    tg = find.target_group(ctx)
    if tg is None:
        raise RecipeError(f"target group {ctx.params.tg_name} does not exist (finish Step 5 first)")
    return tg["TargetGroupArn"]


def ensure_all_registered(ctx: RecipeContext) -> StepOutcome:
    """Every running tagged instance is a target on the app port; their registrations on other ports go."""
    tg_arn, port = _tg_arn(ctx), ctx.params.app_port
    running = [i["InstanceId"] for i in find.tutorial_instances(ctx, states=["running"])]
    registered = {(h["Target"]["Id"], int(h["Target"].get("Port", 0))) for h in _health(ctx, tg_arn)}
    add = [iid for iid in running if (iid, port) not in registered]
    drop = [(iid, p) for iid, p in registered if iid in running and p != port]
    if add:
        ctx.elbv2.register_targets(TargetGroupArn=tg_arn, Targets=[{"Id": iid, "Port": port} for iid in add])
    if drop:
        ctx.elbv2.deregister_targets(TargetGroupArn=tg_arn, Targets=[{"Id": iid, "Port": p} for iid, p in drop])
    if not add and not drop:
        return StepOutcome(SKIPPED, ", ".join(f"{iid}:{port}" for iid in running))
    return StepOutcome(DONE, f"+{len(add)} -{len(drop)} target(s)")


def wait_all_healthy(ctx: RecipeContext) -> StepOutcome:
    tg_arn = _tg_arn(ctx)
    health = _health(ctx, tg_arn)
    if health and all(h["TargetHealth"]["State"] == "healthy" for h in health):
        return StepOutcome(SKIPPED, f"{len(health)} healthy")
    targets = [{"Id": h["Target"]["Id"], "Port": h["Target"]["Port"]} for h in health]
    if not targets:
        raise RecipeError("the target group has no targets")
    ctx.elbv2.get_waiter("target_in_service").wait(
        TargetGroupArn=tg_arn, Targets=targets, WaiterConfig=ctx.waiter_config()
    )
    return StepOutcome(DONE, f"{len(targets)} healthy")


SOLVE_STEPS: dict[str, list[tuple[str, StepFn]]] = {
    "before-you-start": [
        (f"step5-{slug}/{name}", fn) for slug, steps in step5.SOLVE_STEPS.items() for name, fn in steps
    ],
    "launch-second-instance": [
        ("second_instance", ensure_second_instance),
        ("instances_running", ensure_all_running),
        ("instance_security_groups", ensure_instance_groups),
        ("instance_security_group_from_alb_only", step5.restrict_instance_sg),
    ],
    "register-target": [
        ("targets_registered", ensure_all_registered),
        ("targets_healthy", wait_all_healthy),
    ],
    "failover": [
        ("instances_running", ensure_all_running),
        ("targets_registered", ensure_all_registered),
        ("targets_healthy", wait_all_healthy),
    ],
}

# What "Prepare" (the prerequisites) builds: Step 5's finished state, which Step 6 starts from.
PREPARES: dict[str, str] = {
    "ja": "ステップ5 を終えた状態：ロードバランサー、ターゲットグループ、インスタンス",
    "en": "Step 5's finished state: the load balancer, the target group and the instance",
}

STEP_LABELS: dict[str, dict[str, str]] = {
    **STEP5_LABELS,
    "second_instance": {"ja": "2 台目の EC2 インスタンス（別の AZ）", "en": "Second EC2 instance (another AZ)"},
    "instances_running": {"ja": "すべてのインスタンスの起動", "en": "Every instance running"},
    "instance_security_groups": {
        "ja": "インスタンスのセキュリティグループ",
        "en": "The instances' security group",
    },
    "targets_registered": {"ja": "すべてのインスタンスをターゲットに登録", "en": "Every instance registered"},
    "targets_healthy": {"ja": "すべてのターゲットの正常 (healthy) 確認", "en": "Every target healthy"},
}
