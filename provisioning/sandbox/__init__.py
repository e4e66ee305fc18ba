"""The sandbox AWS: a moto server, the request-path model, the data plane and the learner gateway.

This module is imported by the engine and the learner side, so it stays light: moto and the HTTP servers are
imported lazily, inside the functions that need them.

Public API (other layers rely on these names):
- spec_for(account, region=None) -> ConnectionSpec for a learner's sandbox account
- probe_config_for(spec) -> provisioning.probes.ProbeConfig whose connectors ask the data plane, for that account
- new_account_id(), learner_credentials(account), gateway_url(request_or_site_url), GATEWAY_PATH
- dataplane_url() -> where the data plane listens (settings.SANDBOX_DATAPLANE_URL or SANDBOX_URL's port + 1)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from provisioning.sandbox.credentials import learner_credentials, new_account_id
from provisioning.types import ConnectionSpec

if TYPE_CHECKING:
    from provisioning.probes import ProbeConfig

GATEWAY_PATH = "/sandbox-aws/"

__all__ = [
    "GATEWAY_PATH",
    "dataplane_url",
    "gateway_url",
    "learner_credentials",
    "new_account_id",
    "probe_config_for",
    "spec_for",
]


def spec_for(account: str, region: str | None = None) -> ConnectionSpec:
    """The connection to learner `account` inside the sandbox from settings."""
    return ConnectionSpec(
        kind="sandbox",
        region=region or settings.AWS_DEFAULT_REGION,
        sandbox_account=account,
        endpoint_url=settings.SANDBOX_URL,
    )


def dataplane_url() -> str:
    """The data plane's base URL: the explicit setting, else the sandbox's host with its port + 1."""
    explicit = getattr(settings, "SANDBOX_DATAPLANE_URL", "")
    if explicit:
        return explicit.rstrip("/")
    parts = urlsplit(settings.SANDBOX_URL)
    port = (parts.port or 80) + 1
    return urlunsplit((parts.scheme, f"{parts.hostname}:{port}", "", "", "")).rstrip("/")


def gateway_url(request_or_site_url: Any = None) -> str:
    """The `--endpoint-url` a learner gives the AWS CLI: the site's origin plus GATEWAY_PATH."""
    if request_or_site_url is None:
        base = settings.SITE_URL
    elif isinstance(request_or_site_url, str):
        base = request_or_site_url
    else:
        base = request_or_site_url.build_absolute_uri("/")
    return base.rstrip("/") + GATEWAY_PATH


def probe_config_for(spec: ConnectionSpec) -> ProbeConfig:
    """Probes for a sandbox connection: HTTP and TCP go to the data plane, answered for spec's account only."""
    from provisioning.sandbox.dataplane_client import make_probe_config

    if spec.kind != "sandbox" or not spec.sandbox_account:
        raise ValueError("sandbox probes need a sandbox connection")
    return make_probe_config(spec.sandbox_account, dataplane_url())
