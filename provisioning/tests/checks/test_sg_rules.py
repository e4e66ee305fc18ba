"""The one SG-rule helper: port ranges, protocol -1 and numbers, IPv6, source groups."""

from provisioning.checks.sg_rules import grants_for_port, world_grants
from provisioning.tests.builders import group, rule


def test_port_range_covers_a_port_inside_it():
    groups = [group("sg-1", "x", rule("tcp", 7000, 9000, cidr="10.0.0.0/8"))]
    assert [g.source for g in grants_for_port(groups, 8000)] == ["10.0.0.0/8"]
    assert grants_for_port(groups, 9001) == []


def test_all_traffic_rule_covers_every_port():
    groups = [group("sg-1", "x", rule("-1", cidr="0.0.0.0/0"))]
    assert grants_for_port(groups, 8000)[0].ports_text() == "all traffic"


def test_protocol_number_6_is_tcp_and_udp_is_not():
    groups = [group("sg-1", "x", rule("6", 8000, cidr="1.2.3.4/32"), rule("udp", 8000, cidr="5.6.7.8/32"))]
    assert [g.source for g in grants_for_port(groups, 8000)] == ["1.2.3.4/32"]


def test_ipv6_anywhere_is_world():
    groups = [group("sg-1", "x", rule("tcp", 22, cidr6="::/0"), rule("tcp", 22, cidr="10.0.0.0/8"))]
    assert [g.source for g in world_grants(groups)] == ["::/0"]


def test_source_groups_are_grants_of_kind_sg_across_several_groups():
    groups = [group("sg-1", "a", rule("tcp", 8000, sg="sg-alb")), group("sg-2", "b", rule("tcp", 80, cidr="0.0.0.0/0"))]
    grants = grants_for_port(groups, 8000)
    assert [(g.group_id, g.source_kind, g.source) for g in grants] == [("sg-1", "sg", "sg-alb")]
