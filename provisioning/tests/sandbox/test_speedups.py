"""The sandbox's per-request shortcuts (speedups.py) give moto's own answers, account by account."""

from __future__ import annotations

import pytest

from provisioning.sandbox import speedups
from provisioning.sessions import client_for, session_for


def _moto_scan(access_key: str) -> str:
    """moto's own lookup (the scan over every account), whatever is installed."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import iam_backends
    from moto.utilities.utils import PARTITION_NAMES

    for account_id, account in list(iam_backends.items()):
        for partition in PARTITION_NAMES:
            if access_key in account[partition].access_keys:
                return account_id
    return DEFAULT_ACCOUNT_ID


def _key_of(spec) -> str:
    return session_for(spec, reuse=False).get_credentials().access_key


def test_each_assumed_key_is_looked_up_as_its_own_account(sandbox_server, sandbox_spec, other_sandbox_account):
    from moto.iam.models import get_account_id_from

    from provisioning.sandbox import spec_for

    other = spec_for(other_sandbox_account, "ap-northeast-1")
    mine, theirs = _key_of(sandbox_spec), _key_of(other)
    assert speedups.noted_account(mine) == sandbox_spec.sandbox_account
    assert speedups.noted_account(theirs) == other_sandbox_account
    assert get_account_id_from(mine) == _moto_scan(mine) == sandbox_spec.sandbox_account
    assert get_account_id_from(theirs) == _moto_scan(theirs) == other_sandbox_account


def test_a_key_moto_no_longer_has_is_not_answered_from_the_note(sandbox_server, sandbox_spec):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import get_account_id_from, iam_backends

    key = _key_of(sandbox_spec)
    for backend in dict.values(iam_backends[sandbox_spec.sandbox_account]):
        backend.access_keys.pop(key, None)  # as after a reset of the sandbox
    assert speedups.noted_account(key) is None
    assert get_account_id_from(key) == DEFAULT_ACCOUNT_ID == _moto_scan(key)


def test_calls_through_the_server_stay_in_each_learners_account(sandbox_server, sandbox_spec, other_sandbox_account):
    from provisioning.sandbox import spec_for

    other = spec_for(other_sandbox_account, "ap-northeast-1")
    mine = client_for(session_for(sandbox_spec), "ec2", sandbox_spec)
    mine.create_security_group(GroupName="only-mine", Description="speedups test")
    theirs = client_for(session_for(other), "ec2", other)
    names = lambda c: {g["GroupName"] for g in c.describe_security_groups()["SecurityGroups"]}  # noqa: E731
    assert "only-mine" in names(mine) and "only-mine" not in names(theirs)
    sts = lambda s: client_for(session_for(s), "sts", s).get_caller_identity()["Account"]  # noqa: E731
    assert (sts(sandbox_spec), sts(other)) == (sandbox_spec.sandbox_account, other_sandbox_account)


@pytest.mark.parametrize(
    "host", [None, "moto_api", "ec2.ap-northeast-1.amazonaws.com", "elasticloadbalancing.us-east-1.amazonaws.com"]
)
def test_the_dispatcher_picks_the_backend_moto_would(host):
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    cached = speedups.CachedDispatcher(create_backend_app)
    plain = DomainDispatcherApplication(create_backend_app)
    assert cached.get_backend_for_host(host) == plain.get_backend_for_host(host)
    assert cached.get_backend_for_host(host) == plain.get_backend_for_host(host)  # the remembered answer


def test_uninstalling_restores_moto():
    import moto.core.responses as responses
    import moto.iam.models as iam_models
    from moto.core.errors import ErrorLookupFactory
    from moto.iam.models import IAMBackend
    from moto.sts.models import STSBackend

    def owners() -> set[str]:
        patched = (
            iam_models.get_account_id_from,
            STSBackend.assume_role,
            responses.method_names_from_class,
            ErrorLookupFactory.for_service,
            IAMBackend.create_access_key,
            IAMBackend.create_temp_access_key,
        )
        return {fn.__module__ for fn in patched}

    running = bool(speedups._installed)  # the module's sandbox server installed them
    if running:
        speedups._installed[0]()
    try:
        assert owners() == {"moto.iam.models", "moto.sts.models", "moto.core.utils", "moto.core.errors"}
        uninstall = speedups.install_speedups()
        assert speedups.install_speedups() is uninstall  # twice is harmless
        assert owners() == {"provisioning.sandbox.speedups"}
        uninstall()
        assert owners() == {"moto.iam.models", "moto.sts.models", "moto.core.utils", "moto.core.errors"}
    finally:
        if running:
            speedups.install_speedups()


def test_errors_are_answered_in_the_services_own_shape(sandbox_server, sandbox_spec):
    """The error tables are kept per service: each service's error still comes in its own shape and code."""
    from botocore.exceptions import ClientError

    elbv2 = client_for(session_for(sandbox_spec), "elbv2", sandbox_spec)
    ec2 = client_for(session_for(sandbox_spec), "ec2", sandbox_spec)
    for _ in range(2):  # the second answer comes from the kept table
        with pytest.raises(ClientError) as lb:
            elbv2.describe_load_balancers(Names=["nothing-here"])
        with pytest.raises(ClientError) as group:
            ec2.describe_security_groups(GroupIds=["sg-0123456789abcdef0"])
        assert lb.value.response["Error"]["Code"] == "LoadBalancerNotFound"
        assert group.value.response["Error"]["Code"] == "InvalidGroup.NotFound"


def test_a_key_no_account_has_is_remembered_until_iam_creates_it(sandbox_server, sandbox_account):
    """The base key of every AssumeRole is in no account: not scanned for again, until a key of that id exists."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import get_account_id_from, iam_backends

    key = "ASIAHANDSONTESTKEY01"
    assert get_account_id_from(key) == DEFAULT_ACCOUNT_ID
    assert key in speedups._absent
    backend = iam_backends[sandbox_account]["aws"]
    created = backend.create_temp_access_key()
    assert (
        get_account_id_from(created.physical_resource_id) == sandbox_account == _moto_scan(created.physical_resource_id)
    )
    speedups._absent.add(created.physical_resource_id)  # as if looked up before it existed
    speedups._key_created(created.physical_resource_id)
    assert get_account_id_from(created.physical_resource_id) == sandbox_account
