"""A failing check's hint names the first broken link upstream of it (CheckSpec.causes), not its own symptom.

Each case breaks one link of the request path in a hand-written snapshot (builders.complete_snapshot) and runs every
check of the step through `verify.evaluate`, probes answered as the data plane would answer for that state.
"""

from __future__ import annotations

import copy

import pytest

from provisioning.checks.base import CheckContext
from provisioning.probes import HttpProbeResult
from provisioning.steps import get_step
from provisioning.steps.redundancy.params import Params as Step6Params
from provisioning.tests.builders import ALB_SG, DNS, EC2_SG, INSTANCE, complete_snapshot, group, http_answer, rule
from provisioning.tests.builders import tcp_result as tcp
from provisioning.verify import evaluate, first_broken_link, guide

STEP5 = get_step("aws-hands-on", "load-balancer")
STEP6 = get_step("aws-hands-on", "redundancy")


def _run(step, snap, *, http=None, sandbox=False):
    answers = {"http": http or http_answer(), "tcp": tcp("timeout")}
    results = evaluate(step, snap, snap.params, lambda wanted: {n: answers[n] for n in wanted}, sandbox=sandbox)
    return {r.id: r for r in results}


def _alb_page(status: int) -> HttpProbeResult:
    return HttpProbeResult(
        "answered", DNS, ips=["54.1.2.3"], ip="54.1.2.3", status=status, server="awselb/2.0", body="<html></html>"
    )


# --- Step 5 -----------------------------------------------------------------------------------------------------


def test_target_on_port_80_makes_the_health_and_dns_hints_point_at_the_port_not_at_the_app():
    snap = complete_snapshot()
    snap.target_health[0]["Target"]["Port"] = 80
    snap.target_health[0]["TargetHealth"] = {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"}
    results = _run(STEP5, snap, http=_alb_page(502))

    assert results["tg.target_port"].status == "fail"
    for cid in ("tg.target_healthy", "alb.dns_reachable"):
        r = results[cid]
        assert r.status == "fail", cid
        assert "port 80" in r.hint["en"] and "register the instance again on port 8000" in r.hint["en"], cid
        assert "ポート 80 で登録されています" in r.hint["ja"], cid
        assert "runserver" not in r.hint["en"] and "Django app is running" not in r.hint["en"], cid
        assert r.evidence["caused_by"] == "tg.target_port"
    # The symptom is still told as it is: the message stays the check's own.
    assert "502" in results["alb.dns_reachable"].message["en"]


def test_instance_sg_cut_off_from_the_alb_makes_the_timeout_hints_point_at_the_sg():
    snap = complete_snapshot()
    snap.security_groups[EC2_SG] = group(EC2_SG, "aws-hands-on-ec2", rule("tcp", 8000, sg=EC2_SG))  # its own group
    snap.target_health[0]["TargetHealth"] = {"State": "unhealthy", "Reason": "Target.Timeout"}
    results = _run(STEP5, snap, http=_alb_page(504))

    for cid in ("tg.target_healthy", "alb.dns_reachable"):
        assert results[cid].evidence["caused_by"] == "ec2sg.app_port_from_alb_only", cid
        assert "does not allow port 8000 from the ALB's security group" in results[cid].hint["en"], cid
        assert "aws-hands-on-alb (sg-0a1b)" in results[cid].hint["en"], cid


def test_port_8000_open_to_the_world_is_not_blamed_for_an_app_that_does_not_answer():
    # The tutorial's state before its last section: 8000 open to 0.0.0.0/0 (the ALB gets through). A failing
    # health check is then the app's own problem and keeps its own hint.
    snap = complete_snapshot()
    snap.security_groups[EC2_SG] = group(EC2_SG, "aws-hands-on-ec2", rule("tcp", 8000, cidr="0.0.0.0/0"))
    snap.target_health[0]["TargetHealth"] = {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"}
    results = _run(STEP5, snap, http=_alb_page(502))

    assert results["ec2sg.app_port_from_alb_only"].status == "fail"
    assert "caused_by" not in results["tg.target_healthy"].evidence
    assert "runserver 0.0.0.0:8000" in results["tg.target_healthy"].hint["en"]
    # ... and the DNS check defers to the target's health, whose hint is about the app.
    assert results["alb.dns_reachable"].evidence["caused_by"] == "tg.target_healthy"
    assert "runserver 0.0.0.0:8000" in results["alb.dns_reachable"].hint["en"]


def test_listener_forwarding_elsewhere_is_the_cause_of_an_unused_target_and_a_503():
    from provisioning.tests.builders import OTHER_TG_ARN

    snap = complete_snapshot()
    snap.listeners[0]["DefaultActions"] = [{"Type": "forward", "TargetGroupArn": OTHER_TG_ARN}]
    snap.target_health[0]["TargetHealth"] = {"State": "unused", "Reason": "Target.NotInUse"}
    results = _run(STEP5, snap, http=_alb_page(503))

    for cid in ("tg.target_healthy", "alb.dns_reachable"):
        assert results[cid].evidence["caused_by"] == "listener.http80_forward", cid
        assert "Forward to target group aws-hands-on" in results[cid].hint["en"], cid


def test_an_alb_that_leaves_out_the_instances_zone_is_the_cause_of_an_unused_target():
    snap = complete_snapshot()
    snap.instances[0]["Placement"] = {"AvailabilityZone": "ap-northeast-1a"}
    snap.load_balancer["AvailabilityZones"] = [{"ZoneName": "ap-northeast-1c"}, {"ZoneName": "ap-northeast-1d"}]
    snap.target_health[0]["TargetHealth"] = {"State": "unused", "Reason": "Target.NotInUse"}
    results = _run(STEP5, snap, http=_alb_page(503))

    for cid in ("tg.target_healthy", "alb.dns_reachable"):
        assert results[cid].evidence["caused_by"] == "alb.three_azs", cid
        assert "Edit subnets" in results[cid].hint["en"], cid


def test_two_zones_that_include_the_instances_are_not_blamed_for_its_health():
    snap = complete_snapshot()
    snap.instances[0]["Placement"] = {"AvailabilityZone": "ap-northeast-1a"}
    snap.load_balancer["AvailabilityZones"] = [{"ZoneName": "ap-northeast-1a"}, {"ZoneName": "ap-northeast-1c"}]
    snap.target_health[0]["TargetHealth"] = {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"}
    results = _run(STEP5, snap, http=_alb_page(502))

    assert results["alb.three_azs"].status == "fail"
    assert "caused_by" not in results["tg.target_healthy"].evidence


def test_alb_sg_closed_to_the_internet_is_the_cause_of_a_dns_timeout():
    snap = complete_snapshot()
    snap.security_groups[ALB_SG] = group(ALB_SG, "aws-hands-on-alb")
    timeout = HttpProbeResult("timeout", DNS, ips=["54.1.2.3"], ip="54.1.2.3")
    results = _run(STEP5, snap, http=timeout)

    assert results["alb.dns_reachable"].evidence["caused_by"] == "alb.sg_allows_http"
    assert "Add an inbound rule HTTP (TCP 80) from 0.0.0.0/0" in results["alb.dns_reachable"].hint["en"]


def test_missing_target_group_is_the_cause_of_a_listener_that_forwards_nowhere():
    snap = complete_snapshot()
    snap.target_group = None
    snap.target_health = []
    snap.listeners[0]["DefaultActions"] = [{"Type": "fixed-response"}]
    results = _run(STEP5, snap, http=_alb_page(503))

    assert results["listener.http80_forward"].evidence["caused_by"] == "tg.exists"
    assert "Create target group" in results["listener.http80_forward"].hint["en"]
    # The DNS check follows the chain to the same first broken link.
    assert results["alb.dns_reachable"].evidence["caused_by"] == "tg.exists"


def test_a_stopped_instance_is_the_cause_of_the_dns_failure():
    snap = complete_snapshot()
    snap.instances[0]["State"] = {"Name": "stopped"}
    results = _run(STEP5, snap, http=_alb_page(503))

    assert results["tg.target_healthy"].status == "skipped"  # waits for the instance, as before
    assert results["alb.dns_reachable"].evidence["caused_by"] == "prereq.instance_running"
    assert "Start instance" in results["alb.dns_reachable"].hint["en"]


def test_a_check_with_no_broken_link_upstream_keeps_its_own_hint():
    snap = complete_snapshot()
    snap.target_health[0]["TargetHealth"] = {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"}
    results = _run(STEP5, snap, http=_alb_page(502))

    assert "caused_by" not in results["tg.target_healthy"].evidence
    assert results["alb.dns_reachable"].evidence["caused_by"] == "tg.target_healthy"
    assert (
        results["alb.dns_reachable"]
        .hint["ja"]
        .startswith("原因は「ターゲットのヘルスステータスが healthy である」の項目にあります")
    )


def test_first_broken_link_is_the_first_failing_cause_in_path_order():
    snap = complete_snapshot()
    snap.security_groups[ALB_SG] = group(ALB_SG, "aws-hands-on-alb")
    snap.target_health[0]["Target"]["Port"] = 80
    snap.target_health[0]["TargetHealth"] = {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"}
    ctx = CheckContext(snapshot=snap, params=snap.params, probes={"http": _alb_page(502), "tcp": tcp("timeout")})
    outcomes = {check.id: check.run(ctx) for check in STEP5.checks}

    # The client meets the ALB's security group before the target's port; the health check meets only the port.
    assert first_broken_link(STEP5, outcomes, "alb.dns_reachable") == "alb.sg_allows_http"
    assert first_broken_link(STEP5, outcomes, "tg.target_healthy") == "tg.target_port"
    assert guide(STEP5, outcomes, sandbox=False)["tg.target_healthy"].evidence["caused_by"] == "tg.target_port"


def test_causes_that_form_a_cycle_are_refused_by_the_spec():
    import dataclasses

    a, b = STEP5.check("tg.exists"), STEP5.check("tg.instance_registered")
    checks = tuple(
        dataclasses.replace(c, causes=("tg.instance_registered",))
        if c.id == a.id
        else dataclasses.replace(c, causes=("tg.exists",))
        if c.id == b.id
        else c
        for c in STEP5.checks
    )
    with pytest.raises(ValueError, match="cycle"):
        dataclasses.replace(STEP5, checks=checks)


def test_an_unknown_cause_is_refused_by_the_spec():
    import dataclasses

    checks = tuple(dataclasses.replace(c, causes=("no.such",)) if c.id == "tg.exists" else c for c in STEP5.checks)
    with pytest.raises(ValueError, match="unknown cause no.such"):
        dataclasses.replace(STEP5, checks=checks)


# --- Step 6 -----------------------------------------------------------------------------------------------------

SECOND = "i-0fedcba9876543210"


def _two_instances():
    snap = complete_snapshot()
    snap.params = Step6Params()
    first = snap.instances[0]
    first["Placement"] = {"AvailabilityZone": "ap-northeast-1a"}
    second = copy.deepcopy(first)
    second.update(InstanceId=SECOND, PrivateIpAddress="172.31.20.30", Placement={"AvailabilityZone": "ap-northeast-1c"})
    snap.instances.append(second)
    snap.target_health.append({"Target": {"Id": SECOND, "Port": 8000}, "TargetHealth": {"State": "healthy"}})
    return snap


def test_step6_second_target_on_port_80_makes_the_health_hint_point_at_the_port():
    snap = _two_instances()
    snap.target_health[1]["Target"]["Port"] = 80
    snap.target_health[1]["TargetHealth"] = {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"}
    results = _run(STEP6, snap)

    r = results["redundancy.all_targets_healthy"]
    assert r.evidence["caused_by"] == "redundancy.all_registered"
    assert "register the instance again on port 8000" in r.hint["en"] and "runserver" not in r.hint["en"]


def test_step6_second_instance_in_its_own_group_makes_the_health_hint_point_at_the_sg():
    snap = _two_instances()
    other = "sg-0bad"
    snap.security_groups[other] = group(other, "launch-wizard-1", rule("tcp", 22, cidr="203.0.113.0/24"))
    snap.instances[1]["SecurityGroups"] = [{"GroupId": other, "GroupName": "launch-wizard-1"}]
    snap.target_health[1]["TargetHealth"] = {"State": "unhealthy", "Reason": "Target.Timeout"}
    results = _run(STEP6, snap)

    r = results["redundancy.all_targets_healthy"]
    assert r.evidence["caused_by"] == "redundancy.sg_restricted"
    assert "aws-hands-on-ec2" in r.hint["en"]


def test_step6_instance_outside_the_albs_zones_is_the_cause_of_its_unused_target():
    snap = _two_instances()
    snap.instances[1]["Placement"] = {"AvailabilityZone": "ap-northeast-1b"}  # not one of the ALB's zones
    snap.target_health[1]["TargetHealth"] = {"State": "unused", "Reason": "Target.NotInUse"}
    results = _run(STEP6, snap)

    r = results["redundancy.all_targets_healthy"]
    assert r.evidence["caused_by"] == "redundancy.instances_in_alb_azs"
    assert "ap-northeast-1b" in r.hint["en"]


def test_step6_both_instances_in_one_zone_are_not_blamed_for_a_targets_health():
    snap = _two_instances()
    snap.instances[1]["Placement"] = {"AvailabilityZone": "ap-northeast-1a"}
    snap.target_health[1]["TargetHealth"] = {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"}
    results = _run(STEP6, snap)

    assert results["redundancy.instances_in_alb_azs"].status == "fail"
    assert "caused_by" not in results["redundancy.all_targets_healthy"].evidence


def test_step6_both_instances_stopped_make_the_503_point_at_starting_them():
    snap = _two_instances()
    for inst, desc in zip(snap.instances, snap.target_health, strict=True):
        inst["State"] = {"Name": "stopped"}
        desc["TargetHealth"] = {"State": "unused", "Reason": "Target.InvalidState"}
    results = _run(STEP6, snap, http=_alb_page(503))

    r = results["redundancy.dns_reachable"]
    assert r.evidence["caused_by"] == "redundancy.two_instances_running"
    assert "Start the stopped instances " in r.hint["en"]


def test_step6_second_instance_not_registered_is_not_blamed_for_the_first_ones_health():
    snap = _two_instances()
    snap.target_health.pop()  # the second one is not registered yet
    snap.target_health[0]["TargetHealth"] = {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"}
    results = _run(STEP6, snap)

    assert results["redundancy.all_registered"].status == "fail"
    r = results["redundancy.all_targets_healthy"]
    assert "caused_by" not in r.evidence and "runserver" in r.hint["en"]


def test_the_engine_names_a_cause_only_when_a_check_fails():
    results = _run(STEP5, complete_snapshot())
    assert {r.status for r in results.values()} == {"pass"}
    assert not any("caused_by" in r.evidence for r in results.values())
    assert INSTANCE  # the complete snapshot's instance is the tutorial's
