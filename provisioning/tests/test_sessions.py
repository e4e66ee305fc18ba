"""session_for and client_config: every kind of connection, retries and timeouts."""

from __future__ import annotations

import pytest

from provisioning.sessions import SANDBOX_ROLE_NAME, client_config, client_for, session_for
from provisioning.types import ConnectionSpec


def test_client_config_uses_adaptive_retries_and_short_timeouts():
    cfg = client_config()
    assert cfg.retries["mode"] == "adaptive" and cfg.retries["max_attempts"] >= 2
    assert cfg.connect_timeout <= 5 and cfg.read_timeout <= 15


def test_keys_connection_uses_the_given_keys():
    spec = ConnectionSpec(kind="keys", access_key_id="AKIAEXAMPLE", secret_access_key="s3cr3t")
    creds = session_for(spec).get_credentials()
    assert creds.access_key == "AKIAEXAMPLE"


def test_secrets_never_appear_in_the_spec_repr():
    spec = ConnectionSpec(kind="keys", access_key_id="AKIAEXAMPLE", secret_access_key="s3cr3t", external_id="ext")
    assert "s3cr3t" not in repr(spec) and "AKIAEXAMPLE" not in repr(spec) and "ext" not in repr(spec)


def test_role_connection_assumes_the_role_with_external_id(moto_aws, monkeypatch):
    calls = []
    spec = ConnectionSpec(kind="role", role_arn="arn:aws:iam::210987654321:role/handson-check", external_id="ext-42")

    from provisioning import sessions

    original = sessions.client_for

    def spy(session, service, spec_):
        client = original(session, service, spec_)
        client.meta.events.register(
            "provide-client-params.sts.AssumeRole", lambda params, **_: calls.append(dict(params))
        )
        return client

    monkeypatch.setattr(sessions, "client_for", spy)
    session = session_for(spec)
    assert calls[0]["ExternalId"] == "ext-42" and calls[0]["RoleSessionName"] == "handson-check"
    account = session.client("sts", region_name="ap-northeast-1").get_caller_identity()["Account"]
    assert account == "210987654321"


def test_sandbox_connection_becomes_the_learner_account(moto_aws):
    session = session_for(ConnectionSpec(kind="sandbox", sandbox_account="111122223333"))
    arn = session.client("sts", region_name="ap-northeast-1").get_caller_identity()["Arn"]
    assert arn.startswith("arn:aws:sts::111122223333:assumed-role/" + SANDBOX_ROLE_NAME)


def test_clients_use_the_endpoint_url_when_set():
    spec = ConnectionSpec(kind="ambient", endpoint_url="http://127.0.0.1:5999")
    client = client_for(session_for(spec), "ec2", spec)
    assert client.meta.endpoint_url == "http://127.0.0.1:5999"


@pytest.mark.parametrize(
    "spec",
    [
        ConnectionSpec(kind="keys"),
        ConnectionSpec(kind="role"),
        ConnectionSpec(kind="sandbox", sandbox_account="12345"),
    ],
)
def test_incomplete_specs_are_rejected(spec):
    with pytest.raises(ValueError):
        session_for(spec)
