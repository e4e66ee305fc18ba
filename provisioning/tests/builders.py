"""Builders of Step 5 state for tests and the benchmark.

`complete_snapshot()` returns a hand-written, AWS-shaped Snapshot in which every check passes; tests change one thing
(`snap.target_health[0]["TargetHealth"] = ...`) to make one check fail. `build_step5_state()` creates the same state
with real boto3 calls (under moto) for the collection path.
"""

from __future__ import annotations

import copy
from typing import Any

import boto3

from provisioning.checks.base import CheckContext
from provisioning.probes import HttpProbeResult, TcpProbeResult
from provisioning.steps.load_balancer.params import Params as Step5Params
from provisioning.steps.load_balancer.snapshot import Snapshot

ACCOUNT = "123456789012"
LB_ARN = f"arn:aws:elasticloadbalancing:ap-northeast-1:{ACCOUNT}:loadbalancer/app/aws-hands-on/50dc6c495c0c9188"
TG_ARN = f"arn:aws:elasticloadbalancing:ap-northeast-1:{ACCOUNT}:targetgroup/aws-hands-on/73e2d6bc24d8a067"
OTHER_TG_ARN = f"arn:aws:elasticloadbalancing:ap-northeast-1:{ACCOUNT}:targetgroup/other/1111111111111111"
DNS = "aws-hands-on-1234567890.ap-northeast-1.elb.amazonaws.com"
ALB_SG, EC2_SG, INSTANCE = "sg-0a1b", "sg-0e2c", "i-0123456789abcdef0"


def rule(proto: str = "tcp", low: int | None = 80, high: int | None = None, **sources: Any) -> dict:
    """An IpPermissions entry: rule("tcp", 80, cidr="0.0.0.0/0"), rule("-1", cidr6="::/0"), rule(..., sg="sg-1")."""
    out: dict[str, Any] = {"IpProtocol": proto, "IpRanges": [], "Ipv6Ranges": [], "UserIdGroupPairs": []}
    if proto != "-1":
        out.update(FromPort=low, ToPort=low if high is None else high)
    if "cidr" in sources:
        out["IpRanges"].append({"CidrIp": sources["cidr"]})
    if "cidr6" in sources:
        out["Ipv6Ranges"].append({"CidrIpv6": sources["cidr6"]})
    if "sg" in sources:
        out["UserIdGroupPairs"].append({"GroupId": sources["sg"], "UserId": ACCOUNT})
    return out


def group(gid: str, name: str, *rules: dict) -> dict:
    return {"GroupId": gid, "GroupName": name, "IpPermissions": list(rules)}


_COMPLETE = Snapshot(
    params=Step5Params(),
    load_balancer={
        "LoadBalancerArn": LB_ARN,
        "LoadBalancerName": "aws-hands-on",
        "DNSName": DNS,
        "Scheme": "internet-facing",
        "Type": "application",
        "State": {"Code": "active"},
        "AvailabilityZones": [{"ZoneName": z} for z in ("ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d")],
        "SecurityGroups": [ALB_SG],
    },
    listeners=[
        {
            "ListenerArn": LB_ARN.replace(":loadbalancer/", ":listener/") + "/0467ef3c8400ae65",
            "Port": 80,
            "Protocol": "HTTP",
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": TG_ARN}],
        }
    ],
    target_group={
        "TargetGroupArn": TG_ARN,
        "TargetGroupName": "aws-hands-on",
        "Protocol": "HTTP",
        "Port": 8000,
        "TargetType": "instance",
        "HealthCheckPath": "/healthcheck",
    },
    target_health=[
        {
            "Target": {"Id": INSTANCE, "Port": 8000},
            "TargetHealth": {"State": "healthy"},
        }
    ],
    instances=[
        {
            "InstanceId": INSTANCE,
            "State": {"Name": "running"},
            "PublicIpAddress": "54.250.1.2",
            "PrivateIpAddress": "172.31.10.20",
            "SecurityGroups": [{"GroupId": EC2_SG, "GroupName": "aws-hands-on-ec2"}],
        }
    ],
    security_groups={
        ALB_SG: group(ALB_SG, "aws-hands-on-alb", rule("tcp", 80, cidr="0.0.0.0/0")),
        EC2_SG: group(EC2_SG, "aws-hands-on-ec2", rule("tcp", 8000, sg=ALB_SG)),
    },
)


def complete_snapshot() -> Snapshot:
    """A fresh copy of a snapshot in which every snapshot check passes."""
    return copy.deepcopy(_COMPLETE)


def context(snap: Snapshot | None = None, **probes: Any) -> CheckContext:
    snap = snap or complete_snapshot()
    return CheckContext(snapshot=snap, params=snap.params, probes=probes)


def http_answer(status: int = 200, body: str = "<h1>Hello Django</h1>", server: str = "WSGIServer/0.2") -> Any:
    return HttpProbeResult("answered", DNS, ips=["54.1.2.3"], ip="54.1.2.3", status=status, server=server, body=body)


def tcp_result(outcome: str = "refused") -> TcpProbeResult:
    return TcpProbeResult(outcome, "54.250.1.2", 8000)


def build_step5_state(session: boto3.Session, *, region: str = "ap-northeast-1", complete: bool = True) -> dict:
    """Create Step 5's state with boto3 (under moto): instance, SGs, and (if complete) ALB, TG, target, listener."""
    ec2 = session.client("ec2", region_name=region)
    elbv2 = session.client("elbv2", region_name=region)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    by_az: dict[str, str] = {}
    for s in subnets:
        by_az.setdefault(s["AvailabilityZone"], s["SubnetId"])
    alb_sg = ec2.create_security_group(GroupName="aws-hands-on-alb", Description="alb", VpcId=vpc)["GroupId"]
    ec2_sg = ec2.create_security_group(GroupName="aws-hands-on-ec2", Description="ec2", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=alb_sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    app_source: dict[str, Any] = (
        {"UserIdGroupPairs": [{"GroupId": alb_sg}]} if complete else {"IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    )
    ec2.authorize_security_group_ingress(
        GroupId=ec2_sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8000, **app_source}]
    )
    images = ec2.describe_images(Owners=["amazon"])["Images"]  # none when moto's default AMIs are off
    image = images[0]["ImageId"] if images else "ami-0123456789abcdef0"
    instance = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t2.micro",
        SecurityGroupIds=[ec2_sg],
        SubnetId=next(iter(by_az.values())),
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "CodeDeploy", "Value": "aws-hands-on"}]}],
    )["Instances"][0]["InstanceId"]
    state = {"vpc": vpc, "alb_sg": alb_sg, "ec2_sg": ec2_sg, "instance": instance}
    if not complete:
        return state
    lb = elbv2.create_load_balancer(
        Name="aws-hands-on", Subnets=list(by_az.values())[:3], SecurityGroups=[alb_sg], Scheme="internet-facing"
    )["LoadBalancers"][0]
    tg = elbv2.create_target_group(
        Name="aws-hands-on", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance", HealthCheckPath="/healthcheck"
    )["TargetGroups"][0]
    elbv2.register_targets(TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": instance, "Port": 8000}])
    elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}],
    )
    state.update(lb_arn=lb["LoadBalancerArn"], dns=lb["DNSName"], tg_arn=tg["TargetGroupArn"])
    return state
