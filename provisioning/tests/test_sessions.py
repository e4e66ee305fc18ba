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
    session_for(spec)  # the AssumeRole, counted by neither
    with first.counting():
        client_for(session_for(spec), "ec2", spec).describe_vpcs()
    with second.counting():
        client_for(session_for(spec), "ec2", spec).describe_vpcs()
        client_for(session_for(spec), "ec2", spec).describe_subnets()
    assert first.count == 1 and second.count == 2
    assert second.actions == ["ec2:DescribeVpcs", "ec2:DescribeSubnets"]


def test_concurrent_runs_on_one_account_count_only_their_own_calls(moto_aws):
    """Two runs of one learner share the cached clients; each counter sees its run's calls, threads included."""
    import threading

    from provisioning.sessions import CallCounter
    from provisioning.snapshot import run_round

    spec = ConnectionSpec(kind="sandbox", sandbox_account="111122223333")
    client = client_for(session_for(spec), "ec2", spec)
    both = threading.Barrier(2)
    counters = [CallCounter(), CallCounter()]

    def run(counter: CallCounter, calls: int) -> None:
        with counter.counting():
            both.wait()
            run_round([client.describe_vpcs] * calls, max_workers=4)

    threads = [threading.Thread(target=run, args=(c, n)) for c, n in zip(counters, (2, 3), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [c.count for c in counters] == [2, 3]


def test_an_accounts_session_and_clients_are_kept_with_its_credentials(moto_aws):
    from provisioning import sessions

    spec = ConnectionSpec(kind="sandbox", sandbox_account="111122223333")
    session = session_for(spec)
    ec2 = client_for(session, "ec2", spec)
    assert session_for(spec) is session and client_for(session_for(spec), "ec2", spec) is ec2
    assert client_for(session, "elbv2", spec) is not ec2
    other = ConnectionSpec(kind="sandbox", sandbox_account="444455556666")
    assert session_for(other) is not session and client_for(session_for(other), "ec2", other) is not ec2
    sessions.forget_credentials_for(spec)  # a run found them refused: the clients go with them
    assert session_for(spec) is not session and client_for(session_for(spec), "ec2", spec) is not ec2


def test_new_credentials_bring_new_clients(moto_aws, monkeypatch):
    """Expired (or re-assumed) credentials are never used through a client kept from before."""
    from provisioning import sessions

    spec = ConnectionSpec(kind="sandbox", sandbox_account="111122223333")
    old = client_for(session_for(spec), "ec2", spec)
    old_key = old._request_signer._credentials.access_key
    later = time.time() + sessions.SANDBOX_CREDENTIALS_REUSE + 1
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    new = client_for(session_for(spec), "ec2", spec)
    assert new is not old and new._request_signer._credentials.access_key != old_key
    fresh = client_for(session_for(spec, reuse=False), "ec2", spec)  # a recipe's write: assumed again
    assert fresh is not new and client_for(session_for(spec), "ec2", spec) is fresh


def test_keys_and_ambient_sessions_are_not_shared():
    keys = ConnectionSpec(kind="keys", access_key_id="AKIAEXAMPLE", secret_access_key="s3cr3t")
    assert session_for(keys) is not session_for(keys)
    ambient = ConnectionSpec(kind="ambient", endpoint_url="http://127.0.0.1:5999")
    assert client_for(session_for(ambient), "ec2", ambient) is not client_for(session_for(ambient), "ec2", ambient)


def test_only_the_most_recently_used_accounts_keep_their_clients(moto_aws, monkeypatch):
    """Kept clients weigh ~0.45 MiB an account: beyond MAX_KEPT_SESSIONS the least recent ones let theirs go."""
    from provisioning import sessions

    monkeypatch.setattr(sessions, "MAX_KEPT_SESSIONS", 2)
    specs = [ConnectionSpec(kind="sandbox", sandbox_account=f"11112222333{i}") for i in range(3)]
    first = [client_for(session_for(s), "ec2", s) for s in specs[:2]]
    client_for(session_for(specs[0]), "ec2", specs[0])  # the first used again: the second is now the oldest
    client_for(session_for(specs[2]), "ec2", specs[2])
    assert client_for(session_for(specs[0]), "ec2", specs[0]) is first[0]
    assert client_for(session_for(specs[1]), "ec2", specs[1]) is not first[1]
    assert _assume_calls(specs[1], 1) == 0  # its credentials were kept: no AssumeRole


def test_our_clients_share_one_service_model_per_process():
    import boto3

    from provisioning.sessions import new_session

    spec = ConnectionSpec(kind="ambient", endpoint_url="http://127.0.0.1:5999")
    a = client_for(new_session(region_name="ap-northeast-1"), "ec2", spec)
    b = client_for(new_session(region_name="us-east-1"), "ec2", spec)
    assert a.meta.service_model is b.meta.service_model
    assert client_for(new_session(), "elbv2", spec).meta.service_model is not a.meta.service_model
    plain = boto3.Session(region_name="ap-northeast-1").client("ec2", endpoint_url="http://127.0.0.1:5999")
    assert plain.meta.service_model is not a.meta.service_model
