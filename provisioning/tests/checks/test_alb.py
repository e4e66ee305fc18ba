"""alb.exists, alb.internet_facing, alb.three_azs, alb.active, alb.sg_allows_http."""

from provisioning.steps.load_balancer.checks import alb
from provisioning.tests.builders import ALB_SG, complete_snapshot, context, group, rule


def test_complete_alb_passes_every_alb_check():
    ctx = context()
    for fn in (alb.exists, alb.internet_facing, alb.three_azs, alb.active, alb.sg_allows_http):
        assert fn(ctx).status == "pass", fn.__name__


def test_missing_alb_fails_with_create_hint():
    snap = complete_snapshot()
    snap.load_balancer = None
    out = alb.exists(context(snap))
    assert out.status == "fail" and "aws-hands-on" in out.message["ja"] and "Create load balancer" in out.hint["en"]


def test_network_load_balancer_with_the_name_fails():
    snap = complete_snapshot()
    snap.load_balancer["Type"] = "network"
    assert alb.exists(context(snap)).status == "fail"


def test_internal_scheme_fails():
    snap = complete_snapshot()
    snap.load_balancer["Scheme"] = "internal"
    out = alb.internet_facing(context(snap))
    assert out.status == "fail" and "internal" in out.message["en"]


def test_two_azs_fail_listing_them():
    snap = complete_snapshot()
    snap.load_balancer["AvailabilityZones"] = snap.load_balancer["AvailabilityZones"][:2]
    out = alb.three_azs(context(snap))
    assert out.status == "fail" and out.evidence["zones"] == ["ap-northeast-1a", "ap-northeast-1c"]


def test_provisioning_alb_fails_as_transient():
    snap = complete_snapshot()
    snap.load_balancer["State"] = {"Code": "provisioning"}
    out = alb.active(context(snap))
    assert out.status == "fail" and out.transient


def test_alb_sg_without_port_80_from_anywhere_fails():
    snap = complete_snapshot()
    snap.security_groups[ALB_SG] = group(ALB_SG, "aws-hands-on-alb", rule("tcp", 80, cidr="203.0.113.0/24"))
    out = alb.sg_allows_http(context(snap))
    assert out.status == "fail" and ALB_SG in out.hint["en"]


def test_alb_sg_rule_as_port_range_or_all_traffic_passes():
    for r in (rule("tcp", 0, 65535, cidr="0.0.0.0/0"), rule("-1", cidr="0.0.0.0/0")):
        snap = complete_snapshot()
        snap.security_groups[ALB_SG] = group(ALB_SG, "aws-hands-on-alb", r)
        assert alb.sg_allows_http(context(snap)).status == "pass"


def test_second_sg_on_the_alb_can_supply_port_80():
    snap = complete_snapshot()
    snap.security_groups[ALB_SG] = group(ALB_SG, "aws-hands-on-alb")
    snap.security_groups["sg-web"] = group("sg-web", "web", rule("tcp", 80, cidr="0.0.0.0/0"))
    snap.load_balancer["SecurityGroups"] = [ALB_SG, "sg-web"]
    assert alb.sg_allows_http(context(snap)).status == "pass"


def test_tutorial_alb_sg_not_attached_says_so():
    snap = complete_snapshot()
    snap.security_groups["sg-default"] = group("sg-default", "default")
    snap.load_balancer["SecurityGroups"] = ["sg-default"]
    out = alb.sg_allows_http(context(snap))
    assert out.status == "fail" and "not attached" in out.hint["en"]
