"""'The tutorial's instance' is one choice, made alike by the snapshot and the recipes."""

from __future__ import annotations

import datetime as dt

import boto3

from provisioning.instances import tutorial_instance
from provisioning.recipes import lookups
from provisioning.recipes.base import RecipeContext
from provisioning.steps.load_balancer.params import Params
from provisioning.types import ConnectionSpec
from provisioning.verify import verify_step

AMBIENT = ConnectionSpec(kind="ambient")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _inst(iid: str, state: str, minutes: int) -> dict:
    return {"InstanceId": iid, "State": {"Name": state}, "LaunchTime": T0 + dt.timedelta(minutes=minutes)}


def test_the_most_alive_instance_wins_over_a_registered_stopped_one():
    chosen = tutorial_instance([_inst("i-old", "stopped", 0), _inst("i-new", "running", 5)], registered_ids=["i-old"])
    assert chosen["InstanceId"] == "i-new"


def test_among_equally_alive_instances_the_registered_one_wins_whatever_its_age():
    instances = [_inst("i-old", "running", 0), _inst("i-new", "running", 5)]
    assert tutorial_instance(instances, registered_ids=["i-new"])["InstanceId"] == "i-new"
    assert tutorial_instance(instances, registered_ids=["i-old"])["InstanceId"] == "i-old"


def test_without_a_registration_the_oldest_wins_and_no_instance_is_none():
    instances = [_inst("i-new", "running", 5), _inst("i-old", "running", 0)]
    assert tutorial_instance(instances)["InstanceId"] == "i-old"
    assert tutorial_instance([]) is None


def _second_instance(state: dict) -> str:
    ec2 = boto3.client("ec2", region_name="ap-northeast-1")
    image = ec2.describe_instances(InstanceIds=[state["instance"]])["Reservations"][0]["Instances"][0]["ImageId"]
    return ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        SecurityGroupIds=[state["ec2_sg"]],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "CodeDeploy", "Value": "aws-hands-on"}]}],
    )["Instances"][0]["InstanceId"]


def test_two_running_tagged_instances_the_older_registered_pass_step5_and_recipes_pick_the_same(step5_state):
    newer = _second_instance(step5_state)
    report = verify_step(AMBIENT, tutorial="aws-hands-on", step="load-balancer", probes=False)
    statuses = {r.id: r.status for r in report.results}
    assert {cid for cid, s in statuses.items() if s != "pass"} == {"alb.dns_reachable", "ec2.direct_access_blocked"}
    registered = next(r for r in report.results if r.id == "tg.instance_registered")
    assert registered.evidence["instance_id"] == step5_state["instance"] != newer
    assert report.aws_api_calls <= 8

    ctx = RecipeContext(spec=AMBIENT, params=Params())
    assert lookups.tutorial_instance(ctx)["InstanceId"] == step5_state["instance"]
