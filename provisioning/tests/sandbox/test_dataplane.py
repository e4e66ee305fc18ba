"""The data plane over HTTP and the engine's probes through probe_config_for (sandbox server in a thread)."""

from __future__ import annotations

import pytest

from provisioning.probes import probe_http, probe_tcp
from provisioning.recipes import run_recipe
from provisioning.sandbox import dataplane_url, probe_config_for, spec_for
from provisioning.sandbox.dataplane_client import make_probe_config
from provisioning.sessions import client_for, session_for

pytestmark = pytest.mark.sandbox


@pytest.fixture
def solved(sandbox_spec):
    assert run_recipe(sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
    assert run_recipe(sandbox_spec, "solve", tutorial="aws-hands-on", step="load-balancer").ok
    session = session_for(sandbox_spec)
    elbv2 = client_for(session, "elbv2", sandbox_spec)
    ec2 = client_for(session, "ec2", sandbox_spec)
    dns = elbv2.describe_load_balancers(Names=["aws-hands-on"])["LoadBalancers"][0]["DNSName"]
    instance = ec2.describe_instances(Filters=[{"Name": "tag:CodeDeploy", "Values": ["aws-hands-on"]}])["Reservations"][
        0
    ]["Instances"][0]
    return {"dns": dns, "ip": instance["PublicIpAddress"], "ec2": ec2, "spec": sandbox_spec}


def test_http_probe_gets_the_apps_page_for_the_learners_own_alb(solved):
    result = probe_http(solved["dns"], config=probe_config_for(solved["spec"]))
    assert (result.outcome, result.status) == ("answered", 200)
    assert "The install worked successfully!" in result.body
    assert not result.is_alb_error_page


def test_http_probe_sees_the_alb_error_page_when_the_target_is_cut_off(solved):
    ec2 = solved["ec2"]
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["aws-hands-on-ec2"]}])[
        "SecurityGroups"
    ][0]
    ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])

    result = probe_http(solved["dns"], config=probe_config_for(solved["spec"]))
    assert (result.outcome, result.status) == ("answered", 504)
    assert result.is_alb_error_page


def test_another_account_does_not_resolve_the_same_dns_name(solved, other_sandbox_account):
    result = probe_http(solved["dns"], config=probe_config_for(spec_for(other_sandbox_account)))
    assert result.outcome == "dns_unresolved"


def test_tcp_probe_is_blocked_once_solved_and_connects_when_8000_is_open_to_the_world(solved):
    config = probe_config_for(solved["spec"])
    assert probe_tcp(solved["ip"], 8000, config=config).outcome == "timeout"

    group_id = solved["ec2"].describe_security_groups(Filters=[{"Name": "group-name", "Values": ["aws-hands-on-ec2"]}])[
        "SecurityGroups"
    ][0]["GroupId"]
    solved["ec2"].authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8000, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    assert probe_tcp(solved["ip"], 8000, config=config).outcome == "connected"


def test_a_data_plane_that_is_down_is_an_error_not_a_closed_port(sandbox_account):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    config = make_probe_config(sandbox_account, f"http://127.0.0.1:{port}")

    assert probe_tcp("54.0.0.1", 8000, config=config).outcome == "error"
    assert probe_http("aws-hands-on-1.ap-northeast-1.elb.amazonaws.com", config=config).outcome == "dns_unresolved"


def test_dataplane_url_defaults_to_the_sandbox_port_plus_one(settings):
    settings.SANDBOX_URL = "http://127.0.0.1:5055"
    settings.SANDBOX_DATAPLANE_URL = ""
    assert dataplane_url() == "http://127.0.0.1:5056"
    settings.SANDBOX_DATAPLANE_URL = "http://sandbox:6000/"
    assert dataplane_url() == "http://sandbox:6000"
