"""The sandbox console's AWS side (provisioning.console), against moto in-process.

Most tests use `mock_aws` with a sandbox learner's session (the same `session_for` path as checks and recipes);
the journey test runs the whole of Step 5 through Console calls only and lets the real engine check it (sandbox
server in threads, so the probes reach its data plane).
"""

from __future__ import annotations

import pytest
from moto import mock_aws

from provisioning.console import (
    Console,
    ConsoleError,
    LoadBalancerSpec,
    Rule,
    TargetGroupSpec,
    parse_port_range,
    rule_from_type,
)
from provisioning.recipes import run_recipe
from provisioning.sandbox import model
from provisioning.sandbox.credentials import new_account_id
from provisioning.sandbox.testing import sandbox_account, sandbox_server, sandbox_spec  # noqa: F401
from provisioning.sessions import session_for
from provisioning.types import ConnectionSpec

REGION = "ap-northeast-1"


def _console(spec: ConnectionSpec) -> Console:
    return Console(session_for(spec), region=spec.region, endpoint_url=spec.endpoint_url)


@pytest.fixture
def prepared():
    """A sandbox account in Step 5's starting state (Prepare), and its console."""
    uninstall = model.install_request_path_model()
    try:
        with mock_aws():
            spec = ConnectionSpec(kind="sandbox", region=REGION, sandbox_account=new_account_id())
            assert run_recipe(spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
            yield spec, _console(spec)
    finally:
        uninstall()


def _group(console: Console, name: str):
    return next(g for g in console.security_groups() if g.name == name)


def _subnet_per_zone(console: Console) -> dict[str, str]:
    out: dict[str, str] = {}
    for subnet in console.subnets(console.default_vpc_id()):
        out.setdefault(subnet.zone, subnet.id)
    return out


# --- rows of the inbound rules editor ------------------------------------------------------------------------------


def test_rule_rows_read_like_the_console_types_and_ranges():
    assert rule_from_type("http", source_kind="cidr", source="0.0.0.0/0").key() == ("tcp", 80, 80, "cidr4", "0.0.0.0/0")
    assert rule_from_type("custom-tcp", port_range="8000", source_kind="sg", source="sg-1").key() == (
        "tcp",
        8000,
        8000,
        "sg",
        "sg-1",
    )
    everything = rule_from_type("all-traffic", port_range="ignored", source_kind="cidr", source="::/0")
    assert (everything.protocol, everything.from_port, everything.source_kind) == ("-1", None, "cidr6")
    assert Rule("tcp", 80, 80, "cidr4", "0.0.0.0/0").rule_type == "http"
    assert Rule("tcp", 8000, 8010, "cidr4", "0.0.0.0/0").rule_type == "custom-tcp"
    assert Rule("tcp", 8000, 8010, "cidr4", "0.0.0.0/0").port_range == "8000-8010"
    assert Rule("-1", None, None, "cidr4", "0.0.0.0/0").rule_type == "all-traffic"
    assert Rule("tcp", 0, 65535, "sg", "sg-1").rule_type == "all-tcp"


@pytest.mark.parametrize("text", ["", "80-", "abc", "90-80", "70000", "-1"])
def test_bad_port_ranges_are_refused_with_a_reason(text):
    with pytest.raises(ValueError):
        parse_port_range(text)


def test_a_source_that_is_neither_a_cidr_nor_a_group_is_refused():
    with pytest.raises(ValueError):
        rule_from_type("http", source_kind="cidr", source="10.0.0.300/8")
    with pytest.raises(ValueError):
        rule_from_type("http", source_kind="sg", source="aws-hands-on-alb")


# --- instances -----------------------------------------------------------------------------------------------------


def test_instances_list_the_prepared_instance_with_its_zone_ip_and_group(prepared):
    _, console = prepared
    [instance] = console.instances()
    assert (instance.name, instance.state) == ("aws-hands-on", "running")
    assert instance.zone.startswith(REGION) and instance.public_ip
    assert [g.name for g in instance.security_groups] == ["aws-hands-on-ec2"]
    assert ("CodeDeploy", "aws-hands-on") in instance.tags


def test_stop_then_start_changes_the_instance_state(prepared):
    _, console = prepared
    [instance] = console.instances()
    console.stop_instance(instance.id)
    assert console.instance(instance.id).state == "stopped"
    assert console.instance(instance.id).can_start
    console.start_instance(instance.id)
    assert console.instance(instance.id).state == "running"


def test_launch_more_like_this_copies_image_type_groups_and_tags_into_the_chosen_subnet(prepared):
    _, console = prepared
    [first] = console.instances()
    other_subnet = next(s for s in console.subnets(first.vpc_id) if s.zone != first.zone)

    new_id = console.launch_more_like_this(first.id, subnet_id=other_subnet.id)

    second = console.instance(new_id)
    assert (second.zone, second.subnet_id) == (other_subnet.zone, other_subnet.id)
    assert (second.image_id, second.instance_type) == (first.image_id, first.instance_type)
    assert [g.id for g in second.security_groups] == [g.id for g in first.security_groups]
    assert dict(second.tags)["CodeDeploy"] == "aws-hands-on"
    assert len(console.instances()) == 2


def test_an_unknown_instance_is_aws_own_not_found_error(prepared):
    _, console = prepared
    with pytest.raises(ConsoleError) as caught:
        console.stop_instance("i-0000000000000dead")
    assert caught.value.code.startswith("InvalidInstanceID")
    assert caught.value.message


# --- security groups -------------------------------------------------------------------------------------------------


def test_create_security_group_with_inbound_rules(prepared):
    _, console = prepared
    vpc = console.default_vpc_id()
    group_id = console.create_security_group(
        name="aws-hands-on-alb",
        description="for the ALB",
        vpc_id=vpc,
        inbound=[rule_from_type("http", source_kind="cidr", source="0.0.0.0/0")],
    )
    group = console.security_group(group_id)
    assert (group.name, group.description, group.vpc_id) == ("aws-hands-on-alb", "for the ALB", vpc)
    assert [r.key() for r in group.inbound] == [("tcp", 80, 80, "cidr4", "0.0.0.0/0")]


def test_a_duplicate_group_name_is_refused_with_aws_own_message(prepared):
    _, console = prepared
    with pytest.raises(ConsoleError) as caught:
        console.create_security_group(name="aws-hands-on-ec2", description="again", vpc_id=console.default_vpc_id())
    assert caught.value.code == "InvalidGroup.Duplicate"
    assert "aws-hands-on-ec2" in caught.value.message


def test_saving_inbound_rules_sends_only_the_difference_and_names_group_sources(prepared):
    _, console = prepared
    ec2_group = _group(console, "aws-hands-on-ec2")
    alb_id = console.create_security_group(name="alb", description="alb", vpc_id=console.default_vpc_id())
    assert sorted(r.from_port for r in ec2_group.inbound) == [80, 8000, 8001]

    added, removed = console.set_inbound_rules(
        ec2_group.id, [rule_from_type("custom-tcp", port_range="8000", source_kind="sg", source=alb_id)]
    )

    assert (added, removed) == (1, 3)
    [rule] = console.security_group(ec2_group.id).inbound
    assert (rule.key(), rule.source_name) == (("tcp", 8000, 8000, "sg", alb_id), "alb")
    assert console.set_inbound_rules(ec2_group.id, [rule]) == (0, 0)


def test_a_rule_from_a_group_that_does_not_exist_is_refused_and_nothing_is_removed(prepared):
    _, console = prepared
    ec2_group = _group(console, "aws-hands-on-ec2")
    with pytest.raises(ConsoleError) as caught:
        console.set_inbound_rules(
            ec2_group.id, [rule_from_type("custom-tcp", port_range="8000", source_kind="sg", source="sg-0nothere")]
        )
    assert caught.value.code.startswith("InvalidGroup")
    assert len(console.security_group(ec2_group.id).inbound) == 3


# --- target groups and load balancers ------------------------------------------------------------------------------


def test_target_group_with_registered_instance_reports_the_models_health_and_reason(prepared):
    _, console = prepared
    [instance] = console.instances()
    tg = console.create_target_group(
        TargetGroupSpec(
            name="aws-hands-on", vpc_id=console.default_vpc_id(), port=8000, health_check_path="/healthcheck"
        )
    )
    console.register_targets(tg.arn, [instance.id], 8000)

    [target] = console.targets(tg.arn)
    # No load balancer forwards to it yet: AWS says "unused", with its reason code.
    assert (target.id, target.port, target.name, target.zone) == (instance.id, 8000, "aws-hands-on", instance.zone)
    assert (target.state, target.reason) == ("unused", "Target.NotInUse")
    assert console.target_group("aws-hands-on").health_check_path == "/healthcheck"


def test_create_load_balancer_makes_the_listener_forward_to_the_target_group(prepared):
    _, console = prepared
    zones = _subnet_per_zone(console)
    alb_sg = console.create_security_group(
        name="alb",
        description="alb",
        vpc_id=console.default_vpc_id(),
        inbound=[rule_from_type("http", source_kind="cidr", source="0.0.0.0/0")],
    )
    tg = console.create_target_group(TargetGroupSpec(name="tg", vpc_id=console.default_vpc_id(), port=8000))

    lb = console.create_load_balancer(
        LoadBalancerSpec(
            name="aws-hands-on",
            subnet_ids=tuple(zones.values())[:3],
            security_group_ids=(alb_sg,),
            target_group_arn=tg.arn,
        )
    )

    assert lb.dns_name and lb.scheme == "internet-facing"
    assert [z for z, _ in console.load_balancer("aws-hands-on").zones] == sorted(zones)[:3]
    assert [g.name for g in lb.security_groups] == ["alb"]
    [listener] = console.listeners(lb.arn)
    assert (listener.protocol, listener.port) == ("HTTP", 80)
    assert listener.default_actions[0].type == "forward"
    assert listener.default_actions[0].target_groups == (("tg", 1),)
    assert console.target_group("tg").load_balancers == ("aws-hands-on",)


def test_a_taken_load_balancer_or_target_group_name_is_refused_in_aws_words(prepared):
    _, console = prepared
    subnets = tuple(_subnet_per_zone(console).values())[:2]
    console.create_load_balancer(LoadBalancerSpec(name="dup", subnet_ids=subnets))
    with pytest.raises(ConsoleError) as caught:
        console.create_load_balancer(LoadBalancerSpec(name="dup", subnet_ids=subnets))
    assert caught.value.code == "DuplicateLoadBalancerName"
    assert "'dup'" in caught.value.message
    tg = TargetGroupSpec(name="tg", vpc_id=console.default_vpc_id())
    console.create_target_group(tg)
    with pytest.raises(ConsoleError) as caught:
        console.create_target_group(tg)
    assert caught.value.code == "DuplicateTargetGroupName"


def test_one_learners_console_never_sees_another_learners_resources(prepared):
    _, console = prepared
    other = _console(ConnectionSpec(kind="sandbox", region=REGION, sandbox_account=new_account_id()))
    assert console.instances() and other.instances() == []
    assert all(g.name != "aws-hands-on-ec2" for g in other.security_groups())


# --- the whole step, clicked through -------------------------------------------------------------------------------


@pytest.mark.sandbox
def test_step5_done_only_through_the_console_passes_every_check(sandbox_spec):  # noqa: F811
    from provisioning.steps.load_balancer.catalog import CHECK_IDS as STEP5_CHECK_IDS
    from provisioning.verify import verify_step

    assert run_recipe(sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
    console = _console(sandbox_spec)
    vpc = console.default_vpc_id()
    [instance] = console.instances()

    alb_sg = console.create_security_group(
        name="aws-hands-on-alb",
        description="aws-hands-on-alb",
        vpc_id=vpc,
        inbound=[rule_from_type("http", source_kind="cidr", source="0.0.0.0/0")],
    )
    tg = console.create_target_group(
        TargetGroupSpec(name="aws-hands-on", vpc_id=vpc, port=8000, health_check_path="/healthcheck")
    )
    console.register_targets(tg.arn, [instance.id], 8000)
    console.create_load_balancer(
        LoadBalancerSpec(
            name="aws-hands-on",
            subnet_ids=tuple(_subnet_per_zone(console).values())[:3],
            security_group_ids=(alb_sg,),
            target_group_arn=tg.arn,
        )
    )
    assert [t.state for t in console.targets(tg.arn)] == ["healthy"]
    ec2_sg = _group(console, "aws-hands-on-ec2")
    console.set_inbound_rules(
        ec2_sg.id, [rule_from_type("custom-tcp", port_range="8000", source_kind="sg", source=alb_sg)]
    )

    statuses = {
        r.id: r.status for r in verify_step(sandbox_spec, tutorial="aws-hands-on", step="load-balancer").results
    }
    assert statuses == dict.fromkeys(STEP5_CHECK_IDS, "pass")
