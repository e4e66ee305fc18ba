"""session_for and client_config: every kind of connection, retries and timeouts."""

from __future__ import annotations

import time

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


# --- per-process caches (issue 13, point 7) --------------------------------------------------------------------


def _assume_calls(spec, runs: int) -> int:
    from provisioning.sessions import CallCounter

    counter = CallCounter()
    for _ in range(runs):
        session_for(spec, counter=counter)
    return counter.actions.count("sts:AssumeRole")


def test_a_sandbox_account_assumes_its_role_once_while_the_credentials_last(moto_aws):
    spec = ConnectionSpec(kind="sandbox", sandbox_account="111122223333")
    assert _assume_calls(spec, 3) == 1
    arn = session_for(spec).client("sts", region_name="ap-northeast-1").get_caller_identity()["Arn"]
    assert ":111122223333:assumed-role/" in arn


def test_each_account_has_its_own_cached_credentials(moto_aws):
    first = session_for(ConnectionSpec(kind="sandbox", sandbox_account="111122223333"))
    second = session_for(ConnectionSpec(kind="sandbox", sandbox_account="444455556666"))
    accounts = {s.client("sts", region_name="ap-northeast-1").get_caller_identity()["Account"] for s in (first, second)}
    assert accounts == {"111122223333", "444455556666"}


def test_credentials_close_to_expiry_are_not_reused(moto_aws, monkeypatch):
    from provisioning import sessions

    spec = ConnectionSpec(kind="sandbox", sandbox_account="111122223333")
    session_for(spec)
    later = time.time() + sessions.SANDBOX_CREDENTIALS_REUSE + 1
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    assert _assume_calls(spec, 1) == 1


def test_a_role_reuses_credentials_only_for_the_same_external_id(moto_aws):
    arn = "arn:aws:iam::210987654321:role/handson-check"
    one = ConnectionSpec(kind="role", role_arn=arn, external_id="ext-1")
    assert _assume_calls(one, 2) == 1
    assert _assume_calls(ConnectionSpec(kind="role", role_arn=arn, external_id="ext-2"), 1) == 1


def test_reuse_false_assumes_the_role_again(moto_aws):
    from provisioning.sessions import CallCounter

    spec = ConnectionSpec(kind="sandbox", sandbox_account="111122223333")
    session_for(spec)
    counter = CallCounter()
    session_for(spec, counter=counter, reuse=False)
    assert counter.actions == ["sts:AssumeRole"]


def test_a_refused_run_forgets_the_cached_credentials(moto_aws):
    from provisioning import sessions

    spec = ConnectionSpec(kind="sandbox", sandbox_account="111122223333")
    session_for(spec)
    sessions.forget_credentials_for(spec)
    assert _assume_calls(spec, 1) == 1


def test_cached_credentials_are_not_kept_in_the_key():
    from provisioning import sessions

    spec = ConnectionSpec(
        kind="role", role_arn="arn:aws:iam::1:role/r", access_key_id="AKIA", secret_access_key="s3cr3t"
    )
    assert "s3cr3t" not in repr(sessions._credentials_key(spec, spec.role_arn))


def test_client_classes_are_built_once_per_process_for_our_sessions_only():
    import boto3

    from provisioning.sessions import new_session

    spec = ConnectionSpec(kind="ambient", endpoint_url="http://127.0.0.1:5999")
    a = client_for(new_session(region_name="ap-northeast-1"), "ec2", spec)
    b = client_for(new_session(region_name="ap-northeast-1"), "ec2", spec)
    assert type(a) is type(b)
    assert a.meta.events is not b.meta.events  # per-client handlers (counters) stay per client
    plain = boto3.Session(region_name="ap-northeast-1").client("ec2", endpoint_url="http://127.0.0.1:5999")
    assert type(plain) is not type(a)


def test_a_forked_child_builds_its_own_caches():
    from provisioning import sessions

    sessions.new_session(region_name="ap-northeast-1")
    parent = sessions._process()
    parent.pid = -1  # as a prefork child sees the caches it inherited: another process's
    child = sessions._process()
    assert child is not parent and child.lock is not parent.lock and child.template is None
    sessions.new_session(region_name="ap-northeast-1")
    assert child.template is not None and child.template is not parent.template


def test_a_counter_counts_each_runs_calls_separately(moto_aws):
    from provisioning.sessions import CallCounter

    spec = ConnectionSpec(kind="sandbox", sandbox_account="111122223333")
    first, second = CallCounter(), CallCounter()
    s1, s2 = session_for(spec), session_for(spec)
    first.attach(s1)
    second.attach(s2)
    client_for(s1, "ec2", spec).describe_vpcs()
    client_for(s2, "ec2", spec).describe_vpcs()
    client_for(s2, "ec2", spec).describe_subnets()
    assert first.count == 1 and second.count == 2
