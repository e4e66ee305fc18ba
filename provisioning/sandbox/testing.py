"""pytest fixtures for tests that need the sandbox AWS.

Import them into a conftest (or list this module in the top-level `pytest_plugins`).

- `sandbox_server`: moto + the data plane in threads on 127.0.0.1, free ports, for a test module; the settings
  SANDBOX_URL / SANDBOX_DATAPLANE_URL point at it while it runs, and moto's own behaviour is restored afterwards.
- `sandbox_account` / `other_sandbox_account`: fresh learner accounts (random ids, so tests never share state).
- `sandbox_spec`: the ConnectionSpec of `sandbox_account`.

`gateway_client(site_url, service, credentials)` is a boto3 client as a learner's CLI has it: through the site's
sandbox gateway, signed with the learner's key (from `learner_credentials(account)`, or any other pair).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from provisioning.sandbox.credentials import new_account_id
from provisioning.types import ConnectionSpec


def gateway_client(
    site_url: str, service: str, credentials: tuple[str, str], *, region: str = "ap-northeast-1", **kwargs
):
    """A boto3 client of `service` at `site_url`'s sandbox gateway, signed with (key id, secret) `credentials`;
    `kwargs` go to boto3.client (a botocore config, say)."""
    import boto3

    from provisioning.sandbox import gateway_url

    key_id, secret = credentials
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=gateway_url(site_url),
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        **kwargs,
    )


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator:
    from django.conf import settings

    from provisioning.sandbox.server import SandboxServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = SandboxServer("127.0.0.1", 0, 0).start()
    saved = settings.SANDBOX_URL, settings.SANDBOX_DATAPLANE_URL
    settings.SANDBOX_URL, settings.SANDBOX_DATAPLANE_URL = server.url, server.dataplane_url
    try:
        yield server
    finally:
        settings.SANDBOX_URL, settings.SANDBOX_DATAPLANE_URL = saved
        server.stop()


@pytest.fixture
def sandbox_account() -> str:
    return new_account_id()


@pytest.fixture
def other_sandbox_account() -> str:
    return new_account_id()


@pytest.fixture
def sandbox_spec(sandbox_server, sandbox_account) -> ConnectionSpec:
    from provisioning.sandbox import spec_for

    return spec_for(sandbox_account, "ap-northeast-1")
