"""Step 6's checks on hand-written snapshots: each failure names the broken link and the fix."""

from __future__ import annotations

import copy

from provisioning.checks.base import CheckContext
from provisioning.steps.redundancy import checks
from provisioning.steps.redundancy.params import Params
from provisioning.tests.builders import ALB_SG, EC2_SG, INSTANCE, complete_snapshot, group, rule

SECOND = "i-0fedcba9876543210"


def _two_instances(zone2: str = "ap-northeast-1c"):
    snap = complete_snapshot()
    snap.params = Params()
    first = snap.instances[0]
    first["Placement"] = {"AvailabilityZone": "ap-northeast-1a"}
    second = copy.deepcopy(first)
    second.update(InstanceId=SECOND, PrivateIpAddress="172.31.20.30", Placement={"AvailabilityZone": zone2})
    snap.instances.append(second)
    snap.target_health.append({"Target": {"Id": SECOND, "Port": 8000}, "TargetHealth": {"State": "healthy"}})
    return snap


def _ctx(snap, **probes):
    return CheckContext(snapshot=snap, params=snap.params, probes=probes)


def test_two_healthy_instances_in_two_alb_zones_pass_every_snapshot_check():
    ctx = _ctx(_two_instances())
    for fn in (
        checks.alb_ready,
        checks.two_instances_running,
        checks.instances_in_alb_azs,
        checks.sg_restricted,
        checks.all_registered,
        checks.all_targets_healthy,
    ):
        assert fn(ctx).status == "pass", fn.__name__


def test_without_step5s_load_balancer_the_hint_points_at_step5_or_prepare():
    snap = _two_instances()
    snap.load_balancer = None
    outcome = checks.alb_ready(_ctx(snap))
    assert outcome.status == "fail" and "Prepare" in outcome.hint["en"] and "準備" in outcome.hint["ja"]


def test_one_running_instance_asks_to_launch_more_like_this():
    snap = _two_instances()
    snap.instances[1]["State"] = {"Name": "stopped"}
    outcome = checks.two_instances_running(_ctx(snap))
    assert outcome.status == "fail"
    assert "Launch more like this" in outcome.hint["en"] and "同様のものを起動" in outcome.hint["ja"]
    assert SECOND in outcome.hint["en"]  # start the stopped one


def test_both_instances_in_one_zone_fail_naming_the_free_zones():
    outcome = checks.instances_in_alb_azs(_ctx(_two_instances(zone2="ap-northeast-1a")))
    assert outcome.status == "fail"
    assert "ap-northeast-1c" in outcome.hint["en"] and "ap-northeast-1d" in outcome.hint["en"]


def test_an_instance_in_a_zone_the_alb_does_not_enable_is_named():
    outcome = checks.instances_in_alb_azs(_ctx(_two_instances(zone2="ap-northeast-1b")))
    assert outcome.status == "fail" and SECOND in outcome.message["en"] and "Edit subnets" in outcome.hint["en"]


def test_a_second_instance_with_an_open_group_fails_sg_restricted():
    snap = _two_instances()
    snap.security_groups["sg-open"] = group("sg-open", "launch-wizard-1", rule("tcp", 22, cidr="0.0.0.0/0"))
    snap.instances[1]["SecurityGroups"] = [{"GroupId": EC2_SG}, {"GroupId": "sg-open"}]
    outcome = checks.sg_restricted(_ctx(snap))
    assert outcome.status == "fail" and SECOND in outcome.message["en"] and "0.0.0.0/0" in outcome.message["en"]
    assert INSTANCE not in outcome.message["en"] and "aws-hands-on-ec2" in outcome.hint["en"]


def test_a_second_instance_without_the_alb_rule_cannot_be_reached():
    snap = _two_instances()
    snap.security_groups["sg-bare"] = group("sg-bare", "bare")
    snap.instances[1]["SecurityGroups"] = [{"GroupId": "sg-bare"}]
    outcome = checks.sg_restricted(_ctx(snap))
    assert outcome.status == "fail" and "cannot reach" in outcome.message["en"] and ALB_SG in outcome.hint["en"]


def test_an_unregistered_second_instance_is_named_with_the_register_steps():
    snap = _two_instances()
    snap.target_health.pop()
    outcome = checks.all_registered(_ctx(snap))
    assert outcome.status == "fail" and SECOND in outcome.message["en"] and "Register targets" in outcome.hint["en"]


def test_a_stopped_target_gets_its_reason_codes_hint():
    snap = _two_instances()
    snap.target_health[1]["TargetHealth"] = {"State": "unused", "Reason": "Target.InvalidState"}
    outcome = checks.all_targets_healthy(_ctx(snap))
    assert outcome.status == "fail" and SECOND in outcome.message["en"]
    assert "Start the instance" in outcome.hint["en"]


def test_a_400_health_check_names_that_instances_private_ip():
    snap = _two_instances()
    snap.target_health[1]["TargetHealth"] = {
        "State": "unhealthy",
        "Reason": "Target.ResponseCodeMismatch",
        "Description": "Health checks failed with these codes: [400]",
    }
    outcome = checks.all_targets_healthy(_ctx(snap))
    assert "172.31.20.30" in outcome.hint["en"] and "ALLOWED_HOSTS" in outcome.hint["en"]
