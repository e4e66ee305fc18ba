"""Credentials to boto3 sessions: one function, `session_for(spec)`, for every kind of connection.

Kinds: "ambient" (environment or profile), "keys" (an access key pair), "role" (sts:AssumeRole with the learner's
ExternalId) and "sandbox" (assume the learner role of one sandbox account through the sandbox's STS; moto maps the
assumed-role credentials to that account). Clients are made with `client_for`, which applies the endpoint URL and
`client_config()` (adaptive retries, short timeouts). `CallCounter` counts and names every API call a session makes.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.loaders import Loader

from provisioning.errors import ACCESS_DENIED_CODES, CredentialsProblem, classify
from provisioning.types import ConnectionSpec

SANDBOX_ROLE_NAME = "handson-sandbox-learner"
ROLE_SESSION_NAME = "handson-check"
# The sandbox (moto) accepts any signature; these fixed base credentials only carry the AssumeRole call.
SANDBOX_BASE_CREDENTIALS = {"aws_access_key_id": "handson-sandbox", "aws_secret_access_key": "handson-sandbox"}
MAX_ATTEMPTS = 4
CONNECT_TIMEOUT = 3
READ_TIMEOUT = 10
ASSUMED_ROLE_SECONDS = 900  # the minimum STS allows: a run lasts seconds


def client_config(*, max_attempts: int = MAX_ATTEMPTS) -> Config:
    """botocore config for every client: adaptive retries (throttling backs off) and short timeouts."""
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
    )


# One loader for every session of the process: it caches the parsed service models, which otherwise cost
# 100-250 ms per run to load again (measured by benchmarks/verify_step5.py). Reads only, so sharing is safe.
_SHARED_LOADER = Loader()


def new_session(**kwargs: Any) -> boto3.Session:
    """A boto3 session that shares the process-wide model cache (same arguments as boto3.Session)."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _SHARED_LOADER)
    return boto3.Session(botocore_session=core, **kwargs)


def sandbox_role_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:role/{SANDBOX_ROLE_NAME}"


class CallCounter:
    """Thread-safe count of the API calls made through the sessions it is attached to, with their IAM actions.

    It listens on `before-call`, so it counts logical calls (what the budget is about), not botocore's retries.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0
        self.actions: list[str] = []

    def attach(self, session: boto3.Session) -> None:
        # Must happen before clients are created: a client copies the session's event handlers.
        session.events.register("before-call", self._on_before_call, unique_id=f"handson-counter-{id(self)}")

    def _on_before_call(self, model: Any = None, **_: Any) -> None:
        action = f"{model.service_model.signing_name}:{model.name}" if model is not None else "unknown:unknown"
        with self._lock:
            self.count += 1
            self.actions.append(action)


def client_for(session: boto3.Session, service: str, spec: ConnectionSpec) -> Any:
    """A client of `service` in the spec's region, through its endpoint URL when one is set."""
    kwargs: dict[str, Any] = {"region_name": spec.region, "config": client_config()}
    if spec.endpoint_url:
        kwargs["endpoint_url"] = spec.endpoint_url
    return session.client(service, **kwargs)


def _assume(base: boto3.Session, spec: ConnectionSpec, role_arn: str, counter: CallCounter | None) -> boto3.Session:
    if counter is not None:
        counter.attach(base)
    sts = client_for(base, "sts", spec)
    kwargs: dict[str, Any] = {
        "RoleArn": role_arn,
        "RoleSessionName": ROLE_SESSION_NAME,
        "DurationSeconds": ASSUMED_ROLE_SECONDS,
    }
    if spec.external_id:
        kwargs["ExternalId"] = spec.external_id
    try:
        creds = sts.assume_role(**kwargs)["Credentials"]
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ACCESS_DENIED_CODES:
            # Wrong ExternalId, trust policy or role ARN: every check would fail the same way, so say it once.
            raise CredentialsProblem(
                code,
                detail_en=f"Could not assume the role {role_arn} ({code}). "
                "Check the role's trust policy and the ExternalId.",
                detail_ja=f"ロール {role_arn} を引き受けられませんでした（{code}）。"
                "ロールの信頼ポリシーと外部 ID（ExternalId）を確認してください。",
            ) from exc
        classify(exc, "sts:AssumeRole")  # raises CredentialsProblem for expired/invalid base credentials
        raise
    except BotoCoreError as exc:
        classify(exc, "sts:AssumeRole")
        raise
    return new_session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=spec.region,
    )


def session_for(spec: ConnectionSpec, *, counter: CallCounter | None = None) -> boto3.Session:
    """A boto3 session for the connection. With `counter`, the AssumeRole call (role/sandbox) is counted too.

    Raises CredentialsProblem when a role cannot be assumed, ValueError when the spec is incomplete.
    """
    if spec.kind == "ambient":
        return new_session(profile_name=spec.profile, region_name=spec.region)
    if spec.kind == "keys":
        if not (spec.access_key_id and spec.secret_access_key):
            raise ValueError("a 'keys' connection needs an access key id and a secret access key")
        return new_session(
            aws_access_key_id=spec.access_key_id,
            aws_secret_access_key=spec.secret_access_key,
            aws_session_token=spec.session_token,
            region_name=spec.region,
        )
    if spec.kind == "role":
        if not spec.role_arn:
            raise ValueError("a 'role' connection needs a role ARN")
        if spec.access_key_id and spec.secret_access_key:
            base = new_session(
                aws_access_key_id=spec.access_key_id,
                aws_secret_access_key=spec.secret_access_key,
                aws_session_token=spec.session_token,
                region_name=spec.region,
            )
        else:
            base = new_session(profile_name=spec.profile, region_name=spec.region)  # the app's own identity
        return _assume(base, spec, spec.role_arn, counter)
    if spec.kind == "sandbox":
        account = spec.sandbox_account or ""
        if not (account.isdigit() and len(account) == 12):
            raise ValueError("a 'sandbox' connection needs a 12-digit sandbox account id")
        # endpoint_url is the sandbox's URL; without one (moto's in-process mock_aws) the default endpoints are used.
        base = new_session(region_name=spec.region, **SANDBOX_BASE_CREDENTIALS)
        return _assume(base, spec, sandbox_role_arn(account), counter)
    raise ValueError(f"unknown connection kind: {spec.kind!r}")
