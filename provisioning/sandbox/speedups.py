"""Per-request work of moto's server that does not depend on the request, done once (issue 13: check everyone).

Profiled on "check everyone" (300 learners, five calls each), moto's server spent most of a request's CPU on
answers that never change or that it looked up by scanning every account:

- which backend serves a host: moto lists its package directory on disk (~450 stat calls) for every request;
  `CachedDispatcher` remembers the answer per host (the host names a service and region, the patterns are fixed);
- which account an access key belongs to: `moto.iam.models.get_account_id_from` walks every account and partition
  (twice a request: moto's own lookup and limits.RateLimited's), so its cost grew with the size of the class. Here
  STS's AssumeRole notes the account of each key it issues, and the lookup checks that note against the account's
  own IAM keys (so a deleted key or a reset sandbox falls back to moto's scan: the answer is always moto's). A key
  that no account has (the app's own base key, on every AssumeRole) is remembered as such until IAM creates a key
  of that id;
- which methods a response class has: `inspect.getmembers` on the class, for every request; kept per class;
- the table of a service's error shapes, rebuilt for every error answered (a check's "not found" is one); kept per
  service.

`install_speedups()` patches moto in this process and returns the function that restores it (the sandbox server
installs it on start and uninstalls it on stop, like the request-path model).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

MAX_NOTED_KEYS = 200_000  # assumed-role keys noted (a few dozen bytes each); the note starts again when full

_lock = threading.Lock()
_key_accounts: dict[str, tuple[str, str]] = {}  # access key id -> (account id, partition)
_absent: set[str] = set()  # access key ids no account had when last looked up (moto answered its default account)
_installed: list[Callable[[], None]] = []


class CachedDispatcher(DomainDispatcherApplication):
    """moto's dispatcher with its host -> backend answer remembered (the answer depends on the host only)."""

    def __init__(self, create_app: Callable[..., Any]) -> None:
        super().__init__(create_app)
        self._backend_for_host: dict[str | None, Any] = {}

    def get_backend_for_host(self, host: str | None) -> Any:
        try:
            return self._backend_for_host[host]
        except KeyError:
            backend = self._backend_for_host[host] = super().get_backend_for_host(host)
            return backend


def note_key(access_key_id: str, account_id: str, partition: str) -> None:
    with _lock:
        if len(_key_accounts) >= MAX_NOTED_KEYS:
            _key_accounts.clear()
        _key_accounts[access_key_id] = (account_id, partition)


def _key_created(access_key_id: str) -> None:
    with _lock:
        _absent.discard(access_key_id)


def noted_account(access_key_id: str) -> str | None:
    """The account a noted key belongs to, if moto's IAM still has the key there (else None: ask moto)."""
    from moto.iam.models import iam_backends

    noted = _key_accounts.get(access_key_id)
    if noted is None:
        return None
    account, partition = noted
    per_account = dict.get(iam_backends, account)  # a plain lookup: never creates an account's backends
    backend = dict.get(per_account, partition) if per_account is not None else None
    if backend is None or access_key_id not in backend.access_keys:
        with _lock:
            _key_accounts.pop(access_key_id, None)
        return None
    return account


def install_speedups() -> Callable[[], None]:
    """Patch moto (this process) as the module docstring says; installing twice is harmless."""
    import moto.core.responses as responses
    import moto.iam.models as iam_models
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.core.errors import ErrorLookupFactory
    from moto.core.utils import method_names_from_class
    from moto.iam.models import IAMBackend
    from moto.sts.models import STSBackend

    if _installed:
        return _installed[0]
    original_lookup = iam_models.get_account_id_from
    original_assume = STSBackend.assume_role
    original_names = responses.method_names_from_class
    original_errors = ErrorLookupFactory.for_service
    names_by_class: dict[type, list[str]] = {}
    errors_by_service: dict[str, Any] = {}

    original_create_key = IAMBackend.create_access_key
    original_create_temp_key = IAMBackend.create_temp_access_key

    def get_account_id_from(access_key: str) -> str:
        account = noted_account(access_key)
        if account is not None:
            return account
        if access_key in _absent:
            return DEFAULT_ACCOUNT_ID
        account = original_lookup(access_key)
        if account == DEFAULT_ACCOUNT_ID:
            with _lock:
                if len(_absent) >= MAX_NOTED_KEYS:
                    _absent.clear()
                _absent.add(access_key)
        return account

    def create_access_key(self: Any, *args: Any, **kwargs: Any) -> Any:
        key = original_create_key(self, *args, **kwargs)
        _key_created(key.physical_resource_id)
        return key

    def create_temp_access_key(self: Any, *args: Any, **kwargs: Any) -> Any:
        key = original_create_temp_key(self, *args, **kwargs)
        _key_created(key.physical_resource_id)
        return key

    def assume_role(self: Any, *args: Any, **kwargs: Any) -> Any:
        role = original_assume(self, *args, **kwargs)
        note_key(role.access_key_id, role.account_id, self.partition)  # where STS stored the key (its partition)
        return role

    def cached_method_names(clazz: Any) -> list[str]:
        names = names_by_class.get(clazz)
        if names is None:
            names = names_by_class[clazz] = method_names_from_class(clazz)
        return names

    def error_lookup(self: Any, service_model: Any) -> Any:
        service_id = service_model.metadata.get("serviceId")
        if service_id is None:
            return original_errors(self, service_model)
        lookup = errors_by_service.get(service_id)
        if lookup is None:
            lookup = errors_by_service[service_id] = original_errors(self, service_model)
        return lookup

    iam_models.get_account_id_from = get_account_id_from
    STSBackend.assume_role = assume_role
    responses.method_names_from_class = cached_method_names
    ErrorLookupFactory.for_service = error_lookup
    IAMBackend.create_access_key = create_access_key
    IAMBackend.create_temp_access_key = create_temp_access_key

    def uninstall() -> None:
        iam_models.get_account_id_from = original_lookup
        STSBackend.assume_role = original_assume
        responses.method_names_from_class = original_names
        ErrorLookupFactory.for_service = original_errors
        IAMBackend.create_access_key = original_create_key
        IAMBackend.create_temp_access_key = original_create_temp_key
        with _lock:
            _key_accounts.clear()
            _absent.clear()
        _installed.clear()

    _installed.append(uninstall)
    return uninstall
