"""The request-path model: target health with AWS's reason codes, ALB answers, direct access (in-process moto)."""

from __future__ import annotations

import pytest
from moto import mock_aws

from provisioning.recipes import run_recipe
from provisioning.sandbox import model
from provisioning.sandbox.credentials import new_account_id
from provisioning.sessions import client_for, session_for
from provisioning.types import ConnectionSpec

REGION = "ap-northeast-1"


class World:
    """A solved Step 5 in one sandbox account, with clients to break it."""

    def __init__(self, account: str) -> None:
        self.account = account
        self.spec = ConnectionSpec(kind="sandbox", region=REGION, sandbox_account=account)
        session = session_for(self.spec)
        self.ec2 = client_for(session, "ec2", self.spec)
        self.elbv2 = client_for(session, "elbv2", self.spec)

    def solve(self) -> World:
        assert run_recipe(self.spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
        assert run_recipe(self.spec, "solve", tutorial="aws-hands-on", step="load-balancer").ok
        return self

    def group(self, name: str) -> str:
        groups = self.ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [name]}])
        return groups["SecurityGroups"][0]["GroupId"]

    @property
    def tg_arn(self) -> str:
        return self.elbv2.describe_target_groups(Names=["aws-hands-on"])["TargetGroups"][0]["TargetGroupArn"]

    @property
    def lb(self) -> dict:
        return self.elbv2.describe_load_balancers(Names=["aws-hands-on"])["LoadBalancers"][0]

    @property
    def instance(self) -> dict:
        reservations = self.ec2.describe_instances(Filters=[{"Name": "tag:CodeDeploy", "Values": ["aws-hands-on"]}])[
            "Reservations"
        ]
        return reservations[0]["Instances"][0]

    def health(self) -> dict:
        return self.elbv2.describe_target_health(TargetGroupArn=self.tg_arn)["TargetHealthDescriptions"][0][
            "TargetHealth"
        ]

    def http(self, path: str = "/") -> model.HttpOutcome:
        return model.http_request(self.account, self.lb["DNSName"], path)

    def set_instance_rules(self, permissions: list[dict]) -> None:
        group_id = self.group("aws-hands-on-ec2")
        current = self.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissions"]
        if current:
            self.ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=current)
        if permissions:
            self.ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=permissions)


def _tcp(port: int, **source) -> dict:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **source}


@pytest.fixture
def world():
    uninstall = model.install_request_path_model()
    try:
        with mock_aws():
            yield World(new_account_id()).solve()
    finally:
        uninstall()


def test_solved_target_is_healthy_and_the_alb_serves_the_django_page(world):
    assert world.health() == {"State": "healthy"}
    outcome = world.http()
    assert (outcome.kind, outcome.status) == ("response", 200)
    assert "The install worked successfully!" in outcome.body
    assert world.http("/healthcheck").body == "ok\n"


def test_instance_group_without_the_app_port_from_the_alb_times_out(world):
    world.set_instance_rules([_tcp(80, UserIdGroupPairs=[{"GroupId": world.group("aws-hands-on-alb")}])])

    assert world.health() == {"State": "unhealthy", "Reason": "Target.Timeout", "Description": "Request timed out"}
    outcome = world.http()
    assert (outcome.status, outcome.headers["Server"]) == (504, "awselb/2.0")
    assert "<title>504 Gateway Time-out</title>" in outcome.body


def test_rule_from_the_vpc_cidr_or_all_traffic_counts_as_reaching_the_instance(world):
    world.set_instance_rules([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "172.31.0.0/16"}]}])
    assert world.health()["State"] == "healthy"
    world.set_instance_rules(
        [{"IpProtocol": "tcp", "FromPort": 7000, "ToPort": 9000, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    assert world.health()["State"] == "healthy"


def test_stopped_instance_is_unused_invalid_state_and_the_alb_answers_503(world):
    world.ec2.stop_instances(InstanceIds=[world.instance["InstanceId"]])

    health = world.health()
    assert (health["State"], health["Reason"]) == ("unused", "Target.InvalidState")
    assert world.http().status == 503
    assert "503 Service Temporarily Unavailable" in world.http().body


def test_wrong_health_check_port_times_out_when_dropped_and_fails_when_refused(world):
    world.elbv2.modify_target_group(TargetGroupArn=world.tg_arn, HealthCheckPort="8001")
    assert world.health()["Reason"] == "Target.Timeout"  # the instance group lets in 8000 only

    alb_sg = world.group("aws-hands-on-alb")
    world.ec2.authorize_security_group_ingress(
        GroupId=world.group("aws-hands-on-ec2"), IpPermissions=[_tcp(8001, UserIdGroupPairs=[{"GroupId": alb_sg}])]
    )
    health = world.health()
    assert (health["State"], health["Reason"]) == ("unhealthy", "Target.FailedHealthChecks")
    # Fail-open: with no healthy target the ALB still sends traffic to the registered port, where the app answers.
    assert world.http().status == 200


def test_health_check_path_the_app_does_not_answer_is_a_response_code_mismatch(world):
    world.elbv2.modify_target_group(TargetGroupArn=world.tg_arn, HealthCheckPath="/missing")

    health = world.health()
    assert (health["State"], health["Reason"]) == ("unhealthy", "Target.ResponseCodeMismatch")
    assert "[404]" in health["Description"]


def test_target_registered_on_a_port_nothing_listens_on_gives_502(world):
    instance_id = world.instance["InstanceId"]
    world.elbv2.deregister_targets(TargetGroupArn=world.tg_arn, Targets=[{"Id": instance_id, "Port": 8000}])
    world.elbv2.register_targets(TargetGroupArn=world.tg_arn, Targets=[{"Id": instance_id, "Port": 8001}])
    world.set_instance_rules([_tcp(8001, UserIdGroupPairs=[{"GroupId": world.group("aws-hands-on-alb")}])])

    assert world.health()["Reason"] == "Target.FailedHealthChecks"
    outcome = world.http()
    assert outcome.status == 502
    assert "<title>502 Bad Gateway</title>" in outcome.body


def test_target_group_not_used_by_a_listener_is_not_in_use(world):
    listener = world.elbv2.describe_listeners(LoadBalancerArn=world.lb["LoadBalancerArn"])["Listeners"][0]
    world.elbv2.delete_listener(ListenerArn=listener["ListenerArn"])

    assert world.health()["Reason"] == "Target.NotInUse"
    assert world.http().kind == "refused"


def test_alb_group_without_port_80_from_anywhere_times_out(world):
    alb_sg = world.group("aws-hands-on-alb")
    world.ec2.revoke_security_group_ingress(
        GroupId=alb_sg, IpPermissions=[_tcp(80, IpRanges=[{"CidrIp": "0.0.0.0/0"}])]
    )

    assert world.http().kind == "timeout"


def test_weighted_forward_reaches_the_target_group(world):
    listener = world.elbv2.describe_listeners(LoadBalancerArn=world.lb["LoadBalancerArn"])["Listeners"][0]
    world.elbv2.modify_listener(
        ListenerArn=listener["ListenerArn"],
        DefaultActions=[
            {"Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": world.tg_arn, "Weight": 1}]}}
        ],
    )
    assert world.health()["State"] == "healthy"
    assert world.http().status == 200


def test_direct_access_is_open_only_while_the_app_port_is_open_to_everyone(world):
    address = world.instance["PublicIpAddress"]
    assert model.tcp_connect(world.account, address, 8000) == "timeout"  # solved: only the ALB's group

    world.set_instance_rules(
        [_tcp(8000, Ipv6Ranges=[{"CidrIpv6": "::/0"}]), _tcp(22, IpRanges=[{"CidrIp": "0.0.0.0/0"}])]
    )
    assert model.tcp_connect(world.account, address, 8000) == "open"
    assert model.tcp_connect(world.account, address, 22) == "refused"  # open, but nothing listens there


def test_one_account_never_sees_another_accounts_alb_or_instance(world):
    other = new_account_id()
    # moto gives every account the same DNS name for an ALB of the same name and region.
    assert model.http_request(other, world.lb["DNSName"]).kind == "nxdomain"
    assert model.resolve(other, world.lb["DNSName"]) == []
    world.set_instance_rules([_tcp(8000, IpRanges=[{"CidrIp": "0.0.0.0/0"}])])
    assert model.tcp_connect(other, world.instance["PublicIpAddress"], 8000) == "timeout"


def test_uninstalling_restores_motos_own_health():
    uninstall = model.install_request_path_model()
    uninstall()
    with mock_aws():
        w = World(new_account_id())
        assert run_recipe(w.spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
        assert run_recipe(w.spec, "solve", tutorial="aws-hands-on", step="load-balancer", section="create-alb").ok
        w.set_instance_rules([])
        assert w.health()["State"] == "healthy"  # moto alone does not look at security groups
