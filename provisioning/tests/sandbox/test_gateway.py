"""The learner gateway (/sandbox-aws/): signed by the learner's own key, pinned to the learner's account."""

from __future__ import annotations

import pytest
import requests
from botocore.exceptions import ClientError

from provisioning.sandbox import gateway_url, learner_credentials
from provisioning.sandbox.testing import gateway_client
from provisioning.sessions import client_for, session_for

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]


def _client(live_server, account: str, service: str, *, secret: str | None = None):
    key_id, real_secret = learner_credentials(account)
    return gateway_client(live_server.url, service, (key_id, secret or real_secret))


@pytest.fixture
def b_group(sandbox_server, other_sandbox_account):
    """Learner B's security group, made directly in B's sandbox account."""
    from provisioning.sandbox import spec_for

    spec = spec_for(other_sandbox_account, "ap-northeast-1")
    ec2 = client_for(session_for(spec), "ec2", spec)
    return ec2.create_security_group(GroupName="b-secret-group", Description="B's")["GroupId"]


def test_learner_reaches_own_account_through_the_gateway(live_server, sandbox_server, sandbox_account):
    sts = _client(live_server, sandbox_account, "sts")
    assert sts.get_caller_identity()["Account"] == sandbox_account
    ec2 = _client(live_server, sandbox_account, "ec2")
    group_id = ec2.create_security_group(GroupName="mine", Description="A's")["GroupId"]
    assert ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["OwnerId"] == sandbox_account


def test_learner_cannot_read_or_change_another_learners_group(live_server, sandbox_account, b_group):
    ec2 = _client(live_server, sandbox_account, "ec2")

    names = [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]]
    assert "b-secret-group" not in names
    with pytest.raises(ClientError):
        ec2.describe_security_groups(GroupIds=[b_group])
    with pytest.raises(ClientError):
        ec2.authorize_security_group_ingress(
            GroupId=b_group,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        )


def test_account_header_from_the_client_is_ignored(live_server, sandbox_account, other_sandbox_account, b_group):
    ec2 = _client(live_server, sandbox_account, "ec2")

    def pin_to_b(request, **_):
        request.headers["x-moto-account-id"] = other_sandbox_account

    ec2.meta.events.register("before-sign.ec2.*", pin_to_b)
    names = [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]]
    assert "b-secret-group" not in names


def test_assume_role_into_another_account_is_refused(live_server, sandbox_account, other_sandbox_account):
    sts = _client(live_server, sandbox_account, "sts")
    with pytest.raises(ClientError) as exc:
        sts.assume_role(
            RoleArn=f"arn:aws:iam::{other_sandbox_account}:role/handson-sandbox-learner", RoleSessionName="hop"
        )
    assert exc.value.response["Error"]["Code"] == "AccessDenied"


def test_other_services_are_refused(live_server, sandbox_account):
    iam = _client(live_server, sandbox_account, "iam")
    with pytest.raises(ClientError) as exc:
        iam.list_roles()
    assert exc.value.response["Error"]["Code"] == "AccessDenied"


def test_wrong_secret_is_refused(live_server, sandbox_account):
    ec2 = _client(live_server, sandbox_account, "ec2", secret="not-the-secret")
    with pytest.raises(ClientError) as exc:
        ec2.describe_vpcs()
    assert exc.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def _with_key(live_server, key_id: str, secret: str):
    return gateway_client(live_server.url, "ec2", (key_id, secret))


def test_a_key_id_never_issued_is_refused(live_server, sandbox_account, other_sandbox_account):
    _, secret = learner_credentials(sandbox_account)
    with pytest.raises(ClientError) as exc:
        _with_key(live_server, "ASBX" + "A" * 16, secret).describe_vpcs()
    assert exc.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_a_revoked_key_stops_working_and_only_that_learners(live_server, sandbox_account, other_sandbox_account):
    from provisioning.sandbox.credentials import revoke_key

    mine, theirs = learner_credentials(sandbox_account), learner_credentials(other_sandbox_account)
    _with_key(live_server, *mine).describe_vpcs()
    revoke_key(sandbox_account)
    with pytest.raises(ClientError) as exc:
        _with_key(live_server, *mine).describe_vpcs()
    assert exc.value.response["Error"]["Code"] == "InvalidClientTokenId"
    _with_key(live_server, *theirs).describe_vpcs()
    _with_key(live_server, *learner_credentials(sandbox_account)).describe_vpcs()  # the learner's new key


def test_unsigned_requests_are_refused(live_server, sandbox_server):
    response = requests.post(
        gateway_url(live_server.url), data={"Action": "DescribeVpcs", "Version": "2016-11-15"}, timeout=10
    )
    assert response.status_code == 403
    assert b"IncompleteSignature" in response.content


@pytest.mark.parametrize("path", ["moto-api/reset", "moto-api/", "x/moto-api/reset", "MOTO-API/reset"])
def test_moto_admin_api_is_refused_and_nothing_is_reset(live_server, other_sandbox_account, b_group, path):
    from provisioning.sandbox import spec_for

    for method in (requests.post, requests.get):
        response = method(gateway_url(live_server.url) + path, timeout=10)
        assert response.status_code == 403

    spec = spec_for(other_sandbox_account, "ap-northeast-1")
    ec2 = client_for(session_for(spec), "ec2", spec)
    assert ec2.describe_security_groups(GroupIds=[b_group])["SecurityGroups"]
