"""Learners' sandbox state survives a sandbox restart: moto's backends of each account, saved to disk and restored.

moto keeps everything in memory. The sandbox therefore saves, per learner account, that account's EC2, ELBv2, IAM
and STS backends (every region, in one pickle so the objects they share stay shared) to
`<state dir>/<account>.pickle`:
- every `interval` seconds for the accounts that received a request since the last save, and on shutdown;
- atomically (a temporary file, fsync, rename), mode 0600 in a 0700 directory.
On start every file is loaded back before the first request is served. A file that cannot be loaded (partial,
corrupt, written by an incompatible moto) is moved aside as `<account>.pickle.corrupt-<time>` and logged; the
sandbox starts anyway, and that account starts empty.

Why pickle: moto has no serialiser of its own for backends (its recorder replays requests, and replayed requests
would get new random ids, breaking every id the learner's work and our checks refer to). The files are written by
the sandbox process itself into a directory only it can write, so loading them trusts nothing the code does not.

Consistency: a request to moto runs under `lock`, and so does each save, so a snapshot never sees an account
half-way through a request.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FORMAT = 1
SUFFIX = ".pickle"


def _backend_dicts() -> dict[str, Any]:
    from moto.ec2.models import ec2_backends
    from moto.elbv2.models import elbv2_backends
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    return {"ec2": ec2_backends, "elbv2": elbv2_backends, "iam": iam_backends, "sts": sts_backends}


class StateStore:
    """Saves and restores each account's moto state under `directory`."""

    def __init__(self, directory: str | os.PathLike[str], interval: float = 5.0) -> None:
        self.directory = Path(directory)
        self.interval = interval
        self.lock = threading.RLock()
        self._dirty: set[str] = set()
        self._dirty_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- restore --------------------------------------------------------------------------------------------

    def restore_all(self) -> list[str]:
        """Load every saved account (before serving). Returns the accounts restored."""
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        restored = []
        for path in sorted(self.directory.glob(f"*{SUFFIX}")):
            account = path.name[: -len(SUFFIX)]
            try:
                self._restore(account, path)
            except Exception:  # noqa: BLE001 - any unreadable file is moved aside, the sandbox starts anyway
                aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
                os.replace(path, aside)
                logger.warning("sandbox: could not restore %s; moved aside to %s", path.name, aside.name, exc_info=True)
                continue
            restored.append(account)
        if restored:
            logger.info("sandbox: restored %d account(s) from %s", len(restored), self.directory)
        return restored

    def _restore(self, account: str, path: Path) -> None:
        from provisioning.sandbox.credentials import is_account_id

        if not is_account_id(account):
            raise ValueError(f"not an account file: {path.name}")
        with path.open("rb") as handle:
            saved = pickle.load(handle)  # noqa: S301 - our own file, see the module docstring
        if not isinstance(saved, dict) or saved.get("format") != FORMAT or saved.get("account") != account:
            raise ValueError("unknown state format")
        services = saved["services"]
        backends = _backend_dicts()
        with self.lock:
            for service, regions in services.items():
                per_account = backends[service][account]  # created empty, then filled with the saved regions
                for region, backend in regions.items():
                    dict.__setitem__(per_account, region, backend)

    # --- save -----------------------------------------------------------------------------------------------

    def mark(self, account: str) -> None:
        """`account` received a request: save it at the next round."""
        with self._dirty_lock:
            self._dirty.add(account)

    def save(self, account: str) -> None:
        with self.lock:
            services = {}
            for service, backends in _backend_dicts().items():
                per_account = dict.get(backends, account)
                if per_account is not None:
                    services[service] = dict(dict.items(per_account))
            data = pickle.dumps({"format": FORMAT, "account": account, "services": services}, protocol=5)
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{account}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.directory / f"{account}{SUFFIX}")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def save_dirty(self) -> int:
        """Save every account marked since the last round. Returns how many were saved."""
        with self._dirty_lock:
            accounts, self._dirty = self._dirty, set()
        saved = 0
        for account in sorted(accounts):
            try:
                self.save(account)
                saved += 1
            except Exception:  # noqa: BLE001 - one account's failure must not stop the others being saved
                logger.exception("sandbox: could not save account %s; will retry", account)
                self.mark(account)
        return saved

    # --- schedule -------------------------------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True, name="sandbox-state-saver")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.save_dirty()

    def stop(self) -> None:
        """Stop the schedule and save what is left (called on shutdown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.save_dirty()


class Tracked:
    """WSGI wrapper: run each moto request under the store's lock and mark its account for saving."""

    def __init__(self, app: Callable[..., Any], store: StateStore, account_of: Callable[[dict[str, Any]], str | None]):
        self.app = app
        self.store = store
        self.account_of = account_of

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self.store.lock:
            result = self.app(environ, start_response)
            try:
                body = list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        account = self.account_of(environ)
        if account is not None:
            self.store.mark(account)
        return body
