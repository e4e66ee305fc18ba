"""ec2sg.app_port_from_alb_only and ec2sg.no_public_ingress."""

import pytest

from provisioning.steps.load_balancer.checks import ec2_sg
from provisioning.tests.builders import ALB_SG, EC2_SG, complete_snapshot, context, group, rule


def _with_ec2_rules(*rules):
    snap = complete_snapshot()
    snap.security_groups[EC2_SG] = group(EC2_SG, "aws-hands-on-ec2", *rules)
    return snap


def test_app_port_only_from_alb_sg_passes_both_checks():
    ctx = context()
    assert ec2_sg.app_port_from_alb_only(ctx).status == "pass"
    assert ec2_sg.no_public_ingress(ctx).status == "pass"


def test_app_port_range_from_alb_sg_passes():
    assert ec2_sg.app_port_from_alb_only(context(_with_ec2_rules(rule("tcp", 8000, 8080, sg=ALB_SG)))).status == "pass"


@pytest.mark.parametrize(
    "extra",
    [
        rule("tcp", 8000, cidr="0.0.0.0/0"),
        rule("tcp", 8000, cidr6="::/0"),
        rule("tcp", 8000, cidr="203.0.113.5/32"),
        rule("-1", cidr="0.0.0.0/0"),
        rule("6", 7000, 9000, cidr="10.0.0.0/8"),
    ],
    ids=["ipv4-anywhere", "ipv6-anywhere", "my-ip", "all-traffic", "range-as-number"],
)
def test_app_port_also_open_to_a_cidr_fails(extra):
    out = ec2_sg.app_port_from_alb_only(context(_with_ec2_rules(rule("tcp", 8000, sg=ALB_SG), extra)))
    assert out.status == "fail" and out.evidence["other_sources"]


def test_app_port_not_open_to_alb_fails_with_add_rule_hint():
    out = ec2_sg.app_port_from_alb_only(context(_with_ec2_rules(rule("tcp", 22, cidr="203.0.113.5/32"))))
    assert out.status == "fail" and "Custom TCP 8000" in out.hint["en"] and ALB_SG in out.hint["en"]


def test_app_port_from_a_group_not_on_the_alb_fails():
    out = ec2_sg.app_port_from_alb_only(context(_with_ec2_rules(rule("tcp", 8000, sg="sg-someone-else"))))
    assert out.status == "fail"


def test_rule_in_a_second_instance_sg_counts():
    snap = complete_snapshot()
    snap.security_groups["sg-ssh"] = group("sg-ssh", "ssh", rule("tcp", 22, cidr="0.0.0.0/0"))
    snap.instances[0]["SecurityGroups"].append({"GroupId": "sg-ssh", "GroupName": "ssh"})
    out = ec2_sg.no_public_ingress(context(snap))
    assert out.status == "fail" and out.evidence["public_rules"] == ["sg-ssh: tcp 22 from 0.0.0.0/0"]


@pytest.mark.parametrize(
    "open_rule", [rule("tcp", 22, cidr="0.0.0.0/0"), rule("tcp", 8000, cidr6="::/0"), rule("-1", cidr="0.0.0.0/0")]
)
def test_anything_from_anywhere_fails_no_public_ingress(open_rule):
    assert ec2_sg.no_public_ingress(context(_with_ec2_rules(rule("tcp", 8000, sg=ALB_SG), open_rule))).status == "fail"


def test_without_instance_the_named_group_is_used():
    snap = _with_ec2_rules(rule("tcp", 22, cidr="0.0.0.0/0"))
    snap.instances = []
    assert ec2_sg.no_public_ingress(context(snap)).status == "fail"


def test_no_instance_sg_at_all_fails_naming_it():
    snap = complete_snapshot()
    snap.instances = []
    del snap.security_groups[EC2_SG]
    out = ec2_sg.no_public_ingress(context(snap))
    assert out.status == "fail" and "aws-hands-on-ec2" in out.message["en"]


def test_app_port_open_only_to_the_instances_own_group_says_it_is_not_open_to_the_albs_group():
    out = ec2_sg.app_port_from_alb_only(context(_with_ec2_rules(rule("tcp", 8000, sg=EC2_SG))))
    assert out.status == "fail"
    assert "does not allow port 8000 from the ALB's security group" in out.message["en"]
    assert "more than the ALB" not in out.message["en"]
    # Groups by name and id, as the console shows them.
    assert f"aws-hands-on-alb ({ALB_SG})" in out.message["en"] and f"aws-hands-on-ec2 ({EC2_SG})" in out.message["en"]
    assert f"いまのソースは aws-hands-on-ec2 ({EC2_SG}) です。" in out.message["ja"]
