"""Credentials to boto3 sessions: one function, `session_for(spec)`, for every kind of connection.

Kinds: "ambient" (environment or profile), "keys" (an access key pair), "role" (sts:AssumeRole with the learner's
ExternalId) and "sandbox" (assume the learner role of one sandbox account through the sandbox's STS; moto maps the
assumed-role credentials to that account). Clients are made with `client_for`, which applies the endpoint URL and
`client_config()` (adaptive retries, short timeouts). `CallCounter` counts and names every API call a session makes.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import copy
import functools
import hashlib
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.client
import botocore.handlers
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
# One hour: allowed for every role (MaxSessionDuration is at least 3600 s, and role chaining caps at 3600 s).
ASSUMED_ROLE_SECONDS = 3600
# Assumed-role credentials are reused only while they have this long to live: longer than the longest task that
# uses them (a recipe's 600 s hard limit, a run's 120 s), so no call of a task ever meets expired credentials.
CREDENTIALS_MIN_LIFETIME = 660
# The sandbox forgets every assumed role when it restarts, and would then quietly answer for its default account:
# its credentials are reused for a few minutes only (a learner's bursts of checks and the automatic re-checks).
SANDBOX_CREDENTIALS_REUSE = 300
MAX_CACHED_CREDENTIALS = 4096
# An account's kept session and clients weigh ~0.19 MiB (per-client handlers, endpoint rules, connection pool):
# only the most recently used ones are kept (a class's bursts of checks), the others keep just their credentials.
MAX_KEPT_SESSIONS = 160  # ~30 MiB a process: a class of 300 checked by two processes fits


def client_config(*, max_attempts: int = MAX_ATTEMPTS) -> Config:
    """botocore config for every client: adaptive retries (throttling backs off) and short timeouts."""
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
    )


# --- per-process caches ---------------------------------------------------------------------------------------
#
# Building boto3 sessions and clients was ~40% of a worker's CPU per run (issue 13): every session registers ~130
# built-in event handlers, every client builds its class (a method per API operation: ~700 for EC2), and every
# role/sandbox run called sts:AssumeRole again. What does not depend on the credentials is now built once per
# process, and assumed-role credentials are kept for their lifetime.
#
# Fork safety: nothing here is created at import time. `_process()` builds the caches (and their lock) lazily in
# the process that uses them and rebuilds them when it finds itself in a forked child (another pid), so a prefork
# child never inherits a lock that a thread of its parent held, nor botocore objects (clients hold connection
# pools) made by its parent.


@dataclass
class _Assumed:
    credentials: dict[str, str]
    expires_at: float  # time.time() after which the credentials must not be handed out again
    # The credentials' own session per region, and through it their clients (see `client_for`): built on the first
    # run that needs them and dropped with the credentials (expiry, `forget_credentials*`).
    sessions: dict[str, boto3.Session] = field(default_factory=dict)


@dataclass
class _ProcessCaches:
    pid: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    loader: Loader | None = None
    template: botocore.session.Session | None = None  # its event handlers are copied into every new session
    template_builtins: int = -1  # len(BUILTIN_HANDLERS) when the template was built (moto's mock_aws adds one)
    client_classes: dict[tuple, type] = field(default_factory=dict)
    service_models: dict[tuple, Any] = field(default_factory=dict)
    assumed: dict[tuple, _Assumed] = field(default_factory=dict)
    sandbox_sts: dict[tuple, Any] = field(default_factory=dict)
    # Credentials whose sessions are kept, least recently used first (at most MAX_KEPT_SESSIONS).
    kept: collections.OrderedDict[tuple, None] = field(default_factory=collections.OrderedDict)


_caches: _ProcessCaches | None = None


def _process() -> _ProcessCaches:
    global _caches
    caches = _caches
    if caches is None or caches.pid != os.getpid():
        caches = _caches = _ProcessCaches(pid=os.getpid())
    return caches


def forget_credentials() -> None:
    """Drop every cached assumed-role credential of this process (tests; after the sandbox was reset)."""
    caches = _process()
    with caches.lock:
        caches.assumed.clear()
        caches.sandbox_sts.clear()
        caches.kept.clear()


def _loader(caches: _ProcessCaches) -> Loader:
    """One loader per process: it caches the parsed service models (100-250 ms per run to load again)."""
    if caches.loader is None:
        loader = Loader()
        # boto3's own data (resources); boto3.Session would append it again on every session otherwise.
        loader.search_paths.append(os.path.join(os.path.dirname(boto3.__file__), "data"))
        caches.loader = loader
    return caches.loader


def _template(caches: _ProcessCaches) -> botocore.session.Session:
    """A botocore session with botocore's and boto3's default handlers, built once per process."""
    builtins = len(botocore.handlers.BUILTIN_HANDLERS)
    if caches.template is None or caches.template_builtins != builtins:
        core = botocore.session.Session()
        core.register_component("data_loader", _loader(caches))
        boto3.Session(botocore_session=core)  # registers boto3's handlers (client class injections) on `core`
        core.register("before-call", _count_call, unique_id="handson-call-counter")
        caches.template, caches.template_builtins = core, builtins
    return caches.template


class _Session(boto3.Session):
    """A boto3 session whose botocore session already carries the default handlers (copied from the template)."""

    def _setup_loader(self) -> None:  # the process loader already has boto3's data path
        self._loader = self._session.get_component("data_loader")

    def _register_default_handlers(self) -> None:  # copied from the template with the rest
        pass


def _cached_create_client_class(original):
    """Wrap botocore's ClientCreator._create_client_class with the per-process cache of client classes.

    botocore has no hook for this, hence the wrapper. Only sessions made by `new_session` opt in (their event
    emitter carries the marker attribute): their handlers are the template's, so the class of a service is the
    same for all of them. A class holds no credentials or connection: the state is in each client instance.
    """

    def create_client_class(self, service_name, service_model):
        cache = getattr(self._event_emitter, "_handson_client_classes", None)
        if cache is None:
            return original(self, service_name, service_model)
        key = (service_name, service_model.api_version)
        cls = cache.get(key)
        if cls is None:
            cls = cache[key] = original(self, service_name, service_model)
        return cls

    create_client_class._handson_cached = True
    return create_client_class


def _cached_load_service_model(original):
    """Wrap botocore's ClientCreator._load_service_model: one ServiceModel per service and API version per
    process for our sessions (as for the classes above). botocore builds one per client, and with it the caches
    of its operations and shapes, so every new client paid for them again on its first calls (and kept a copy:
    most of a kept client's memory). A ServiceModel is read-only data built from the loader's (shared) JSON."""

    def load_service_model(self, service_name, api_version=None):
        cache = getattr(self._event_emitter, "_handson_service_models", None)
        if cache is None:
            return original(self, service_name, api_version)
        key = (service_name, api_version)
        model = cache.get(key)
        if model is None:
            model = cache.setdefault(key, original(self, service_name, api_version))
        return model

    load_service_model._handson_cached = True
    return load_service_model


def _install_client_class_cache() -> None:
    current = botocore.client.ClientCreator._create_client_class
    if not getattr(current, "_handson_cached", False):
        botocore.client.ClientCreator._create_client_class = _cached_create_client_class(current)
    current = botocore.client.ClientCreator._load_service_model
    if not getattr(current, "_handson_cached", False):
        botocore.client.ClientCreator._load_service_model = _cached_load_service_model(current)


def new_session(**kwargs: Any) -> boto3.Session:
    """A boto3 session (same arguments as boto3.Session), cheap to make: the default event handlers are copied
    from a per-process template instead of registered again, the service models and client classes are shared."""
    caches = _process()
    with caches.lock:
        template = _template(caches)
        _install_client_class_cache()
    core = botocore.session.Session(event_hooks=copy.copy(template._original_handler), include_builtin_handlers=False)
    core.register_component("data_loader", _loader(caches))
    core.get_component("event_emitter")._handson_client_classes = caches.client_classes
    core.get_component("event_emitter")._handson_service_models = caches.service_models
    return _Session(botocore_session=core, **kwargs)


def sandbox_role_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:role/{SANDBOX_ROLE_NAME}"


# The counters of the code running now (a run, a recipe): a context variable, so that sessions and clients shared by
# several runs (the cached ones) count each call for the run that made it. Threads that make calls for a run start
# in a copy of its context (`in_context`).
_counting: contextvars.ContextVar[tuple[CallCounter, ...]] = contextvars.ContextVar("handson_counting", default=())


def _count_call(model: Any = None, **_: Any) -> None:
    """botocore's before-call, registered on every session `new_session` makes (via the template)."""
    for counter in _counting.get():
        counter._on_before_call(model)


def in_context(fn: Any) -> Any:
    """`fn` to be run in another thread with this thread's context (its counters): for `pool.submit`."""
    return functools.partial(contextvars.copy_context().run, fn)


class CallCounter:
    """Thread-safe count of the API calls made while it counts (`with counter.counting():`), with their IAM actions.

    It listens on `before-call`, so it counts logical calls (what the budget is about), not botocore's retries.
    Only calls made in its context are counted: through any session `new_session` made, in this thread or in
    threads started with `in_context`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0
        self.actions: list[str] = []

    @contextlib.contextmanager
    def counting(self) -> Iterator[CallCounter]:
        active = _counting.get()
        token = None if self in active else _counting.set((*active, self))  # nested: counted once
        try:
            yield self
        finally:
            if token is not None:
                _counting.reset(token)

    def attach(self, session: boto3.Session) -> None:
        """Kept for steps written before counting was by context: calls are counted while `counting()`, by any
        session; `verify_step` counts around a step's `collect`, so a step has nothing to attach."""

    def _on_before_call(self, model: Any = None) -> None:
        action = f"{model.service_model.signing_name}:{model.name}" if model is not None else "unknown:unknown"
        with self._lock:
            self.count += 1
            self.actions.append(action)


def client_for(session: boto3.Session, service: str, spec: ConnectionSpec) -> Any:
    """A client of `service` in the spec's region, through its endpoint URL when one is set.

    For a session of cached credentials (`session_for` of a role or sandbox connection) the client is made once and
    kept with the credentials: clients are thread-safe, and building one (its endpoint, config, handlers) cost
    more than the calls of a run. Other sessions get a new client each time.
    """
    shared = getattr(session, "_handson_clients", None)
    key = (service, spec.region, spec.endpoint_url or "")
    if shared is not None and (client := shared.get(key)) is not None:
        return client
    kwargs: dict[str, Any] = {"region_name": spec.region, "config": client_config()}
    if spec.endpoint_url:
        kwargs["endpoint_url"] = spec.endpoint_url
    if shared is None:
        return session.client(service, **kwargs)
    with session._handson_lock:  # a botocore session must not make clients in two threads at once
        client = shared.get(key)
        if client is None:
            client = shared[key] = session.client(service, **kwargs)
    return client


def _credentials_key(spec: ConnectionSpec, role_arn: str) -> tuple:
    """What identifies an assumed role: the role, the ExternalId, the base identity and the endpoint.

    The base secret enters only as a digest, so the key itself holds no secret.
    """
    secret = hashlib.sha256((spec.secret_access_key or "").encode()).hexdigest() if spec.secret_access_key else ""
    return (
        spec.kind,
        role_arn,
        spec.external_id or "",
        spec.access_key_id or "",
        secret,
        spec.profile or "",
        spec.endpoint_url or "",
    )


def _cached_entry(key: tuple) -> _Assumed | None:
    caches = _process()
    with caches.lock:
        entry = caches.assumed.get(key)
        if entry is None:
            return None
        if entry.expires_at <= time.time():
            del caches.assumed[key]
            return None
        return entry


def _cached_session(key: tuple, region: str) -> boto3.Session | None:
    """The session of cached credentials for `region` (made once, kept with them), or None when none are cached.

    Only the MAX_KEPT_SESSIONS most recently used credentials keep their sessions (and clients)."""
    entry = _cached_entry(key)
    if entry is None:
        return None
    caches = _process()
    session = entry.sessions.get(region)
    if session is None:
        made = new_session(region_name=region, **entry.credentials)
        made._handson_clients = {}  # type: ignore[attr-defined]  # see client_for
        made._handson_lock = threading.Lock()  # type: ignore[attr-defined]
        with caches.lock:
            session = entry.sessions.setdefault(region, made)
    with caches.lock:
        caches.kept[key] = None
        caches.kept.move_to_end(key)
        while len(caches.kept) > MAX_KEPT_SESSIONS:
            oldest, _ = caches.kept.popitem(last=False)
            if (old := caches.assumed.get(oldest)) is not None:
                old.sessions.clear()  # its credentials stay; a run in progress keeps the session it holds
    return session


def _keep_credentials(key: tuple, spec: ConnectionSpec, creds: dict[str, Any]) -> None:
    now = time.time()
    expiration = creds.get("Expiration")
    expires = expiration.timestamp() if hasattr(expiration, "timestamp") else now + ASSUMED_ROLE_SECONDS
    reuse_until = expires - CREDENTIALS_MIN_LIFETIME
    if spec.kind == "sandbox":
        reuse_until = min(reuse_until, now + SANDBOX_CREDENTIALS_REUSE)
    if reuse_until <= now:
        return
    caches = _process()
    with caches.lock:
        if len(caches.assumed) >= MAX_CACHED_CREDENTIALS:
            for stale in [k for k, v in caches.assumed.items() if v.expires_at <= now] or list(caches.assumed)[:256]:
                caches.assumed.pop(stale, None)
        caches.assumed[key] = _Assumed(
            {
                "aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"],
            },
            reuse_until,
        )


def forget_credentials_for(spec: ConnectionSpec) -> None:
    """Drop the cached credentials of one connection (a run found them expired or refused)."""
    role_arn = spec.role_arn if spec.kind == "role" else sandbox_role_arn(spec.sandbox_account or "")
    caches = _process()
    with caches.lock:
        caches.assumed.pop(_credentials_key(spec, role_arn or ""), None)


def _sandbox_sts(spec: ConnectionSpec) -> Any:
    """The sandbox's STS client for the fixed base credentials: one per process and endpoint (clients are
    thread-safe; botocore sessions are not, so the session behind it is used once, here, under the lock)."""
    caches = _process()
    key = (spec.region, spec.endpoint_url or "")
    client = caches.sandbox_sts.get(key)
    if client is None:
        client = client_for(new_session(region_name=spec.region, **SANDBOX_BASE_CREDENTIALS), "sts", spec)
        with caches.lock:
            client = caches.sandbox_sts.setdefault(key, client)
    return client


def _assume(
    base: boto3.Session | None,
    spec: ConnectionSpec,
    role_arn: str,
    *,
    reuse: bool = True,
) -> boto3.Session:
    """A session with the role's credentials: cached ones while they have CREDENTIALS_MIN_LIFETIME to live, else
    a fresh sts:AssumeRole (through `base`, or the shared sandbox STS client when `base` is None)."""
    key = _credentials_key(spec, role_arn)
    cached = _cached_session(key, spec.region) if reuse else None
    if cached is not None:
        return cached
    sts = _sandbox_sts(spec) if base is None else client_for(base, "sts", spec)
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
    _keep_credentials(key, spec, creds)
    kept = _cached_session(key, spec.region)
    if kept is not None and kept.get_credentials().access_key == creds["AccessKeyId"]:
        return kept
    return new_session(  # credentials too short-lived to keep
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=spec.region,
    )


def session_for(spec: ConnectionSpec, *, counter: CallCounter | None = None, reuse: bool = True) -> boto3.Session:
    """A boto3 session for the connection. With `counter`, the AssumeRole call (role/sandbox) is counted too.

    Role and sandbox connections reuse the credentials of an earlier AssumeRole while they last (see
    CREDENTIALS_MIN_LIFETIME), and with them one session and its clients (see `client_for`); `reuse=False`
    assumes the role again (what writes to the sandbox do). Raises CredentialsProblem when a role cannot be
    assumed, ValueError when the spec is incomplete.
    """
    with counter.counting() if counter is not None else contextlib.nullcontext():
        return _session_for(spec, reuse=reuse)


def _session_for(spec: ConnectionSpec, *, reuse: bool) -> boto3.Session:
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
        if reuse and (cached := _cached_session(_credentials_key(spec, spec.role_arn), spec.region)) is not None:
            return cached
        if spec.access_key_id and spec.secret_access_key:
            base = new_session(
                aws_access_key_id=spec.access_key_id,
                aws_secret_access_key=spec.secret_access_key,
                aws_session_token=spec.session_token,
                region_name=spec.region,
            )
        else:
            base = new_session(profile_name=spec.profile, region_name=spec.region)  # the app's own identity
        return _assume(base, spec, spec.role_arn, reuse=False)
    if spec.kind == "sandbox":
        account = spec.sandbox_account or ""
        if not (account.isdigit() and len(account) == 12):
            raise ValueError("a 'sandbox' connection needs a 12-digit sandbox account id")
        # endpoint_url is the sandbox's URL; without one (moto's in-process mock_aws) the default endpoints are used.
        return _assume(None, spec, sandbox_role_arn(account), reuse=reuse)
    raise ValueError(f"unknown connection kind: {spec.kind!r}")
