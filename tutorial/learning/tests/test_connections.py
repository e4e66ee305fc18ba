"""Connection services: validate on save, one clear message per way it fails, secrets encrypted at rest."""

from __future__ import annotations

import logging

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from django.db import connection as db
from moto import mock_aws

from provisioning.errors import CredentialsProblem
from tutorial.learning import connections
from tutorial.learning.connections import ConnectionInvalid
from tutorial.learning.models import Connection

pytestmark = pytest.mark.django_db

ROLE_ARN = "arn:aws:iam::123456789012:role/handson-lab-access"


def client_error(code: str, operation: str = "GetCallerIdentity") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "AKIAEXAMPLE leaked? no"}}, operation)


def failing_session(exc: BaseException):
    def session_for(spec, **kwargs):
        raise exc

    return session_for


class _Sts:
    def __init__(self, exc):
        self.exc = exc

    def get_caller_identity(self):
        raise self.exc


def failing_identity(monkeypatch, exc: BaseException) -> None:
    monkeypatch.setattr("provisioning.sessions.session_for", lambda spec, **kw: object())
    monkeypatch.setattr("provisioning.sessions.client_for", lambda session, service, spec: _Sts(exc))


# --- role --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arn",
    ["", "not-an-arn", "arn:aws:iam::12345:role/x", "arn:aws:iam::123456789012:user/alice", ROLE_ARN + " extra"],
)
def test_malformed_role_arn_is_refused_before_any_aws_call(student, monkeypatch, arn):
    monkeypatch.setattr("provisioning.sessions.session_for", failing_session(AssertionError("no call expected")))
    with pytest.raises(ConnectionInvalid) as info:
        connections.connection_save_role(user=student, role_arn=arn, region="ap-northeast-1")
    assert info.value.code == "malformed_arn"


def test_unknown_region_is_refused_before_any_aws_call(student, monkeypatch):
    monkeypatch.setattr("provisioning.sessions.session_for", failing_session(AssertionError("no call expected")))
    with pytest.raises(ConnectionInvalid) as info:
        connections.connection_save_role(user=student, role_arn=ROLE_ARN, region="ap-northeast-9")
    assert info.value.code == "wrong_region"
    assert "ap-northeast-9" in info.value.message


def test_role_that_cannot_be_assumed_says_so(student, monkeypatch):
    monkeypatch.setattr(
        "provisioning.sessions.session_for", failing_session(CredentialsProblem("AccessDenied", detail_en="x"))
    )
    with pytest.raises(ConnectionInvalid) as info:
        connections.connection_save_role(user=student, role_arn=ROLE_ARN, region="ap-northeast-1")
    assert info.value.code == "cannot_assume"
    assert "ExternalId" in info.value.message


def test_role_assumed_under_moto_stores_the_account_and_the_learners_external_id(student):
    with mock_aws():
        connection = connections.connection_save_role(user=student, role_arn=ROLE_ARN, region="ap-northeast-1")
    assert connection.kind == "role"
    assert connection.account_id == "123456789012"
    assert connection.is_connected
    assert len(connection.external_id) >= 16


def test_role_opted_in_without_the_provisioning_policy_is_refused(student, monkeypatch):
    monkeypatch.setattr(connections, "_may_provision", lambda spec: False)
    with mock_aws(), pytest.raises(ConnectionInvalid) as info:
        connections.connection_save_role(
            user=student, role_arn=ROLE_ARN, region="ap-northeast-1", allows_provisioning=True
        )
    assert info.value.code == "no_provisioning_policy"


def test_role_with_the_provisioning_policy_allows_provisioning(student, monkeypatch):
    monkeypatch.setattr(connections, "_may_provision", lambda spec: True)
    with mock_aws():
        connection = connections.connection_save_role(
            user=student, role_arn=ROLE_ARN, region="ap-northeast-1", allows_provisioning=True
        )
    assert connection.allows_provisioning


def test_external_id_is_stable_per_learner_and_different_between_learners(student, other_student):
    first = connections.connection_get_or_create(user=student).external_id
    assert connections.connection_get_or_create(user=student).external_id == first
    assert connections.connection_get_or_create(user=other_student).external_id != first


# --- keys --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("InvalidClientTokenId", "invalid_keys"),
        ("SignatureDoesNotMatch", "invalid_keys"),
        ("ExpiredToken", "expired"),
        ("AccessDenied", "access_denied"),
    ],
)
def test_each_key_failure_gets_its_own_message(student, monkeypatch, code, expected):
    failing_identity(monkeypatch, client_error(code))
    with pytest.raises(ConnectionInvalid) as info:
        connections.connection_save_keys(
            user=student, access_key_id="AKIAIOSFODNN7EXAMPLE", secret_access_key="x" * 40, region="us-east-1"
        )
    assert info.value.code == expected
    assert not Connection.objects.filter(user=student, validated_at__isnull=False).exists()


def test_unreachable_endpoint_is_not_blamed_on_the_keys(student, monkeypatch):
    failing_identity(monkeypatch, EndpointConnectionError(endpoint_url="https://sts.example"))
    with pytest.raises(ConnectionInvalid) as info:
        connections.connection_save_keys(
            user=student, access_key_id="AKIAIOSFODNN7EXAMPLE", secret_access_key="x" * 40, region="us-east-1"
        )
    assert info.value.code == "unreachable"


def test_all_failure_messages_are_distinct():
    texts = [str(message) for message in connections.MESSAGES.values()]
    assert len(set(texts)) == len(texts)


def test_valid_keys_are_stored_encrypted_and_never_logged(student, caplog):
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    caplog.set_level(logging.DEBUG)
    with mock_aws():
        connection = connections.connection_save_keys(
            user=student, access_key_id="AKIAIOSFODNN7EXAMPLE", secret_access_key=secret, region="ap-northeast-1"
        )
    assert connection.kind == "keys" and connection.is_connected
    with db.cursor() as cursor:
        cursor.execute("select access_key_id_encrypted, secret_access_key_encrypted from learning_connection")
        raw = " ".join(cursor.fetchone())
    assert secret not in raw and "AKIAIOSFODNN7EXAMPLE" not in raw
    assert secret not in caplog.text
    assert secret not in repr(connection) and secret not in str(connection)
    spec = connections.connection_spec(connection=Connection.objects.get(pk=connection.pk))
    assert spec.secret_access_key == secret
    assert secret not in repr(spec)


def test_failed_key_validation_does_not_log_the_secret(student, monkeypatch, caplog):
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    caplog.set_level(logging.DEBUG)
    failing_identity(monkeypatch, client_error("SignatureDoesNotMatch"))
    with pytest.raises(ConnectionInvalid):
        connections.connection_save_keys(
            user=student, access_key_id="AKIAIOSFODNN7EXAMPLE", secret_access_key=secret, region="ap-northeast-1"
        )
    assert secret not in caplog.text


def test_switching_from_keys_to_the_sandbox_drops_the_stored_keys(student, monkeypatch):
    with mock_aws():
        connections.connection_save_keys(
            user=student, access_key_id="AKIAIOSFODNN7EXAMPLE", secret_access_key="x" * 40, region="ap-northeast-1"
        )
    monkeypatch.setattr(connections, "_identify", lambda spec: spec.sandbox_account)
    connection = connections.connection_save_sandbox(user=student)
    assert connection.kind == "sandbox"
    assert connection.access_key_id_encrypted == connection.secret_access_key_encrypted == ""


# --- sandbox -----------------------------------------------------------------------------------------------------


def test_sandbox_gives_each_learner_their_own_account_kept_across_reconnects(student, other_student, monkeypatch):
    monkeypatch.setattr(connections, "_identify", lambda spec: spec.sandbox_account)
    first = connections.connection_save_sandbox(user=student).sandbox_account
    again = connections.connection_save_sandbox(user=student).sandbox_account
    other = connections.connection_save_sandbox(user=other_student).sandbox_account
    assert first == again
    assert first != other
    assert len(first) == 12


def test_sandbox_down_says_the_sandbox_is_unavailable(student, monkeypatch, settings):
    settings.SANDBOX_URL = "http://127.0.0.1:1"
    with pytest.raises(ConnectionInvalid) as info:
        connections.connection_save_sandbox(user=student)
    assert info.value.code == "sandbox_unavailable"
    assert not Connection.objects.filter(user=student, validated_at__isnull=False).exists()


def test_sandbox_validates_through_sts_under_moto(student, settings):
    settings.SANDBOX_URL = ""  # moto's in-process mock: default endpoints
    with mock_aws():
        connection = connections.connection_save_sandbox(user=student)
    assert connection.account_id == connection.sandbox_account


def test_sandbox_cli_credentials_are_the_learners_own(student, other_student, monkeypatch):
    monkeypatch.setattr(connections, "_identify", lambda spec: spec.sandbox_account)
    mine = connections.connection_sandbox_credentials(connection=connections.connection_save_sandbox(user=student))
    theirs = connections.connection_sandbox_credentials(
        connection=connections.connection_save_sandbox(user=other_student)
    )
    assert mine != theirs


def test_boto3_regions_include_the_tutorials_region():
    assert "ap-northeast-1" in connections.available_regions()
    assert boto3.session.Session().get_available_regions("ec2")
