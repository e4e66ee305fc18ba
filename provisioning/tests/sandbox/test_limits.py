"""Issue 9, point 2: per-learner limits in the sandbox, answered in AWS's own error codes and shapes.

They are enforced in the sandbox process itself, so they hold for the learner's CLI (through the gateway) and for
the app's own requests (the worker's recipes, which talk to the sandbox directly) alike.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from provisioning.sandbox import learner_credentials, limits, spec_for
from provisioning.sandbox.testing import gateway_client
from provisioning.sessions import client_for, session_for

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]

NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def _direct(account: str, service: str):
    """The app's own path (recipes, checks): straight to the sandbox, no gateway."""
    spec = spec_for(account, "ap-northeast-1")
    return client_for(session_for(spec), service, spec)


def _learner(live_server, account: str, service: str, region: str = "ap-northeast-1"):
    return gateway_client(live_server.url, service, learner_credentials(account), region=region, config=NO_RETRY)


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]


def _instance_count(account: str) -> int:
    ec2 = _direct(account, "ec2")
    return sum(
        len(r["Instances"])
        for r in ec2.describe_instances(
            Filters=[{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}]
        )["Reservations"]
    )


def test_run_instances_500_is_refused_and_makes_none(sandbox_server, sandbox_account):
    ec2 = _direct(sandbox_account, "ec2")
    with pytest.raises(ClientError) as exc:
        ec2.run_instances(ImageId="ami-12345678", MinCount=500, MaxCount=500, InstanceType="t3.micro")
    assert _code(exc) == "InstanceLimitExceeded"
    assert _instance_count(sandbox_account) == 0


def test_instances_stop_at_the_limit_across_calls_and_regions(sandbox_server, sandbox_account):
    ec2 = _direct(sandbox_account, "ec2")
    ec2.run_instances(ImageId="ami-12345678", MinCount=limits.QUOTAS["instances"] - 1, MaxCount=9)
    spec = spec_for(sandbox_account, "us-east-1")
    other_region = client_for(session_for(spec), "ec2", spec)
    other_region.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)
    with pytest.raises(ClientError) as exc:
        ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)
    assert _code(exc) == "InstanceLimitExceeded"


def test_terminated_instances_free_the_quota(sandbox_server, sandbox_account):
    ec2 = _direct(sandbox_account, "ec2")
    ids = [
        i["InstanceId"]
        for i in ec2.run_instances(ImageId="ami-12345678", MinCount=limits.QUOTAS["instances"], MaxCount=10)[
            "Instances"
        ]
    ]
    ec2.terminate_instances(InstanceIds=ids)
    ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)


def test_the_limit_through_the_gateway_is_ec2s_error_shape(live_server, sandbox_server, sandbox_account):
    ec2 = _learner(live_server, sandbox_account, "ec2")
    with pytest.raises(ClientError) as exc:
        ec2.run_instances(ImageId="ami-12345678", MinCount=11, MaxCount=11)
    assert _code(exc) == "InstanceLimitExceeded"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_one_learners_limit_leaves_another_learner_alone(sandbox_server, sandbox_account, other_sandbox_account):
    _direct(sandbox_account, "ec2").run_instances(ImageId="ami-12345678", MinCount=10, MaxCount=10)
    _direct(other_sandbox_account, "ec2").run_instances(ImageId="ami-12345678", MinCount=10, MaxCount=10)


def test_security_groups_are_limited(sandbox_server, sandbox_account):
    ec2 = _direct(sandbox_account, "ec2")
    for i in range(limits.QUOTAS["security_groups"]):
        ec2.create_security_group(GroupName=f"g{i}", Description="x")
    with pytest.raises(ClientError) as exc:
        ec2.create_security_group(GroupName="one-too-many", Description="x")
    assert _code(exc) == "SecurityGroupLimitExceeded"


def test_rules_per_group_are_limited(sandbox_server, sandbox_account):
    ec2 = _direct(sandbox_account, "ec2")
    group = ec2.create_security_group(GroupName="many-rules", Description="x")["GroupId"]
    quota = limits.QUOTAS["rules_per_group"]
    ranges = [{"CidrIp": f"10.{i // 250}.{i % 250}.0/24"} for i in range(quota)]
    ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": ranges}]
    )
    with pytest.raises(ClientError) as exc:
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        )
    assert _code(exc) == "RulesPerSecurityGroupLimitExceeded"


def test_vpcs_are_limited(sandbox_server, sandbox_account):
    ec2 = _direct(sandbox_account, "ec2")
    for i in range(limits.QUOTAS["vpcs"]):
        ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.200.0.0/16")
    assert _code(exc) == "VpcLimitExceeded"


def test_load_balancers_and_target_groups_are_limited(sandbox_server, sandbox_account):
    ec2 = _direct(sandbox_account, "ec2")
    elbv2 = _direct(sandbox_account, "elbv2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    for i in range(limits.QUOTAS["load_balancers"]):
        elbv2.create_load_balancer(Name=f"lb{i}", Subnets=subnets)
    with pytest.raises(ClientError) as exc:
        elbv2.create_load_balancer(Name="one-too-many", Subnets=subnets)
    assert _code(exc) == "TooManyLoadBalancers"
    for i in range(limits.QUOTAS["target_groups"]):
        elbv2.create_target_group(Name=f"tg{i}", Protocol="HTTP", Port=80, VpcId=vpc)
    with pytest.raises(ClientError) as exc:
        elbv2.create_target_group(Name="one-too-many", Protocol="HTTP", Port=80, VpcId=vpc)
    assert _code(exc) == "TooManyTargetGroups"


def test_request_rate_per_learner_is_limited_in_each_services_shape(
    live_server, sandbox_server, sandbox_account, other_sandbox_account, settings
):
    settings.SANDBOX_RATE_LIMIT = "5/minute"
    ec2 = _learner(live_server, sandbox_account, "ec2")
    for _ in range(5):
        ec2.describe_vpcs()
    with pytest.raises(ClientError) as exc:
        ec2.describe_vpcs()
    assert _code(exc) == "RequestLimitExceeded"
    with pytest.raises(ClientError) as exc:
        _learner(live_server, sandbox_account, "elbv2").describe_load_balancers()
    assert _code(exc) == "Throttling"
    with pytest.raises(ClientError) as exc:
        _learner(live_server, sandbox_account, "sts").get_caller_identity()
    assert _code(exc) == "Throttling"
    # The app's own requests for that learner count too; another learner is not slowed.
    with pytest.raises(ClientError) as exc:
        _direct_no_retry(sandbox_account).describe_vpcs()
    assert _code(exc) == "RequestLimitExceeded"
    _learner(live_server, other_sandbox_account, "ec2").describe_vpcs()


def _direct_no_retry(account: str):
    spec = spec_for(account, "ap-northeast-1")
    creds = session_for(spec).get_credentials()
    return boto3.client(
        "ec2",
        region_name="ap-northeast-1",
        endpoint_url=spec.endpoint_url,
        aws_access_key_id=creds.access_key,
        aws_secret_access_key=creds.secret_key,
        aws_session_token=creds.token,
        config=NO_RETRY,
    )
