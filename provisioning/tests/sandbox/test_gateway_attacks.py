"""Issue 9, point 1: the gateway forwards exactly the request it verified, so no signed request can reach moto's
admin API, another path, an action other than the one judged, or a body other than the one signed."""

from __future__ import annotations

import hashlib

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from provisioning.sandbox import learner_credentials, spec_for
from provisioning.sandbox.testing import gateway_client
from provisioning.sessions import client_for, session_for

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]

FORM = "application/x-www-form-urlencoded; charset=utf-8"


def _send(
    live_server,
    account: str,
    *,
    method: str = "POST",
    signed_path: str = "/sandbox-aws/",
    sent_path: str | None = None,
    body: str | bytes = "",
    headers: dict[str, str] | None = None,
    service: str = "ec2",
    region: str = "ap-northeast-1",
) -> requests.Response:
    """Sign (as botocore does) a request for `signed_path`, then send it with the raw path `sent_path`."""
    key_id, secret = learner_credentials(account)
    base = live_server.url
    data = body.encode() if isinstance(body, str) else body
    request = AWSRequest(method=method, url=base + signed_path, data=data, headers=dict(headers or {}))
    SigV4Auth(Credentials(key_id, secret), service, region).add_auth(request)
    prepared = requests.Request(method, base + (sent_path or signed_path), data=data, headers=dict(request.headers))
    prepared = prepared.prepare()
    prepared.url = base + (sent_path or signed_path)  # keep the raw path exactly as given (%25 and all)
    with requests.Session() as session:
        return session.send(prepared, timeout=20)


def _direct_ec2(account: str):
    spec = spec_for(account, "ap-northeast-1")
    return client_for(session_for(spec), "ec2", spec)


@pytest.fixture
def b_state(sandbox_server, other_sandbox_account):
    """Learner B's group and VPC, made directly in B's sandbox account."""
    ec2 = _direct_ec2(other_sandbox_account)
    group = ec2.create_security_group(GroupName="b-secret-group-attacks", Description="B's")["GroupId"]
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    return {"group": group, "vpc": vpc}


def test_double_encoded_admin_path_cannot_download_every_account(live_server, sandbox_account, b_state):
    # Signed over the once-decoded path, sent double-encoded: moto would decode it again into /moto-api/data.json.
    response = _send(
        live_server,
        sandbox_account,
        method="GET",
        signed_path="/sandbox-aws/%6Doto-api/data.json",
        sent_path="/sandbox-aws/%256Doto-api/data.json",
    )
    assert response.status_code == 403
    assert b"b-secret-group-attacks" not in response.content


def test_double_encoded_reset_wipes_nothing(live_server, sandbox_account, other_sandbox_account, b_state):
    response = _send(
        live_server,
        sandbox_account,
        signed_path="/sandbox-aws/%6Doto-api/reset",
        sent_path="/sandbox-aws/%256Doto-api/reset",
    )
    assert response.status_code == 403
    assert _direct_ec2(other_sandbox_account).describe_security_groups(GroupIds=[b_state["group"]])["SecurityGroups"]


@pytest.mark.parametrize(
    "path", ["/sandbox-aws/x", "/sandbox-aws/latest/meta-data/", "/sandbox-aws//", "/sandbox-aws/%2e%2e/"]
)
def test_query_apis_are_served_at_slash_only(live_server, sandbox_account, path):
    response = _send(
        live_server,
        sandbox_account,
        signed_path=path,
        body="Action=DescribeVpcs&Version=2016-11-15",
        headers={"Content-Type": FORM},
    )
    assert response.status_code == 403


def test_a_query_string_is_refused(live_server, sandbox_account):
    response = _send(
        live_server,
        sandbox_account,
        method="GET",
        signed_path="/sandbox-aws/?Action=DescribeVpcs&Version=2016-11-15",
    )
    assert response.status_code == 403


def test_target_header_cannot_hide_a_denied_body_action(live_server, sandbox_account, other_sandbox_account, b_state):
    mine = _direct_ec2(sandbox_account).create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    response = _send(
        live_server,
        sandbox_account,
        body=(
            f"Action=CreateVpcPeeringConnection&Version=2016-11-15&VpcId={mine}"
            f"&PeerVpcId={b_state['vpc']}&PeerOwnerId={other_sandbox_account}"
        ),
        headers={"Content-Type": FORM, "X-Amz-Target": "x.DescribeVpcs"},
    )
    assert response.status_code == 403
    assert b"pcx-" not in response.content
    assert not _direct_ec2(other_sandbox_account).describe_vpc_peering_connections()["VpcPeeringConnections"]


def test_target_header_and_body_action_must_agree(live_server, sandbox_account):
    response = _send(
        live_server,
        sandbox_account,
        service="sts",
        body="Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::111122223333:role/x&RoleSessionName=s",
        headers={"Content-Type": FORM, "X-Amz-Target": "x.GetCallerIdentity"},
    )
    assert response.status_code == 403
    assert b"AssumeRoleResult" not in response.content


@pytest.mark.parametrize("claimed", ["UNSIGNED-PAYLOAD", hashlib.sha256(b"Action=DescribeVpcs").hexdigest()])
def test_signed_content_hash_must_be_the_bodys_hash(live_server, sandbox_account, claimed):
    response = _send(
        live_server,
        sandbox_account,
        body="Action=DescribeVpcs&Version=2016-11-15",
        headers={"Content-Type": FORM, "X-Amz-Content-SHA256": claimed},
    )
    assert response.status_code == 403
    assert b"XAmzContentSHA256Mismatch" in response.content


def test_a_correct_signed_content_hash_is_accepted(live_server, sandbox_account):
    body = "Action=DescribeVpcs&Version=2016-11-15"
    response = _send(
        live_server,
        sandbox_account,
        body=body,
        headers={"Content-Type": FORM, "X-Amz-Content-SHA256": hashlib.sha256(body.encode()).hexdigest()},
    )
    assert response.status_code == 200, response.content
    assert b"DescribeVpcsResponse" in response.content


def test_duplicate_parameters_are_refused(live_server, sandbox_account):
    # moto's form parser keeps the first Action and its fallback parser the last: one of them would differ from ours.
    response = _send(
        live_server,
        sandbox_account,
        body="Action=DescribeVpcs&Action=CreateVpcPeeringConnection&Version=2016-11-15",
        headers={"Content-Type": FORM},
    )
    assert response.status_code in (400, 403)


def test_an_action_with_a_trailing_newline_is_refused(live_server, sandbox_account):
    # `$` in a pattern also matches before a final newline: "CreateVpcPeeringConnection\n" is not on the deny-list.
    response = _send(
        live_server,
        sandbox_account,
        body="Action=CreateVpcPeeringConnection%0A&Version=2016-11-15",
        headers={"Content-Type": FORM},
    )
    assert response.status_code in (400, 403)


def test_a_body_moto_would_read_differently_is_refused(live_server, sandbox_account):
    # A gzip Content-Encoding makes moto decompress the body: the action it reads is not the one we judged.
    response = _send(
        live_server,
        sandbox_account,
        body="Action=DescribeVpcs&Version=2016-11-15",
        headers={"Content-Type": FORM, "Content-Encoding": "gzip"},
    )
    assert response.status_code in (400, 403)


def test_unknown_region_is_a_400_in_the_services_error_shape(live_server, sandbox_account):
    from botocore.exceptions import ClientError

    key_id, secret = learner_credentials(sandbox_account)
    calls = (("ec2", "describe_vpcs"), ("elbv2", "describe_load_balancers"), ("sts", "get_caller_identity"))
    for service, call in calls:
        client = gateway_client(live_server.url, service, (key_id, secret), region="xx-nowhere-1")
        with pytest.raises(ClientError) as exc:
            getattr(client, call)()
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert exc.value.response["Error"]["Code"] == "InvalidRegion"


def test_the_answer_is_streamed_and_capped(client, sandbox_server, sandbox_account, monkeypatch):
    from provisioning.sandbox import gateway

    def signed(**extra):
        key_id, secret = learner_credentials(sandbox_account)
        body = b"Action=DescribeRegions&Version=2016-11-15"
        request = AWSRequest(
            method="POST", url="http://testserver/sandbox-aws/", data=body, headers={"Content-Type": FORM}
        )
        SigV4Auth(Credentials(key_id, secret), "ec2", "ap-northeast-1").add_auth(request)
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items() if k != "Content-Type"}
        return client.post("/sandbox-aws/", data=body, content_type=FORM, HTTP_HOST="testserver", **headers)

    response = signed()
    assert response.status_code == 200, response.content
    assert response.streaming
    assert b"DescribeRegionsResponse" in b"".join(response.streaming_content)

    monkeypatch.setattr(gateway, "MAX_RESPONSE", 200)
    response = signed()
    assert response.status_code == 502
    content = response.content if not response.streaming else b"".join(response.streaming_content)
    assert b"DescribeRegionsResponse" not in content
