"""The sandbox process: moto's server and the data plane, in one process so both see the same backends.

`SandboxServer(host, port, dataplane_port, state_dir=...).start()` starts both in daemon threads (port 0 picks a
free port, which tests use); `manage.py sandbox` runs it in the foreground. The request-path model and the
per-learner limits (limits.py) are installed on start. With `state_dir`, each learner account's state is saved
there and restored on the next start (persistence.py).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

logger = logging.getLogger(__name__)


class SandboxServer:
    """moto (control plane) + data plane, bound to `host` only."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        dataplane_port: int | None = 0,
        *,
        state_dir: str | os.PathLike[str] | None = None,
        save_interval: float = 5.0,
    ) -> None:
        self.host = host
        self.state_dir = state_dir
        self.save_interval = save_interval
        self.store: Any = None
        self.port = port
        self.dataplane_port = port + 1 if (dataplane_port is None and port) else (dataplane_port or 0)
        self._moto: Any = None
        self._dataplane: Any = None
        self._threads: list[threading.Thread] = []
        self._uninstall: Any = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._moto.server_address[1]}"

    @property
    def dataplane_url(self) -> str:
        return f"http://{self.host}:{self._dataplane.server_address[1]}"

    def start(self) -> SandboxServer:
        """Bind both servers (OSError when a port is taken), install the model, serve in daemon threads."""
        # moto builds ~1,300 default AMIs into every account's EC2 backend on its first request: that doubled the
        # cost of a learner's first check (benchmarks/class_check_everyone.py). The recipes need none of them.
        os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        from moto.moto_server.werkzeug_app import MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        from provisioning.sandbox.dataplane import make_dataplane_server
        from provisioning.sandbox.limits import RateLimited, install_quotas
        from provisioning.sandbox.model import install_request_path_model
        from provisioning.sandbox.speedups import CachedDispatcher, install_speedups

        if self.port:
            _check_free(self.host, self.port)  # werkzeug would print a paragraph and exit; say it in one line
        app: Any = CachedDispatcher(create_backend_app)
        if self.state_dir:
            from provisioning.sandbox.limits import ACCOUNT_KEY
            from provisioning.sandbox.persistence import StateStore, Tracked

            self.store = StateStore(self.state_dir, self.save_interval)
            app = Tracked(app, self.store, lambda environ: environ.get(ACCOUNT_KEY))
        app = RateLimited(app)
        self._moto = make_server(self.host, self.port, app, threaded=True, request_handler=MotoRequestHandler)
        try:
            self._dataplane = make_dataplane_server(self.host, self.dataplane_port)
        except OSError:
            self._moto.server_close()
            raise
        self._uninstall = [install_request_path_model(), install_quotas(), install_speedups()]
        if self.store is not None:
            self.store.restore_all()  # before the first request is served
            self.store.start()
        for server in (self._moto, self._dataplane):
            thread = threading.Thread(target=server.serve_forever, daemon=True, name=f"sandbox-{id(server)}")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in (self._moto, self._dataplane):
            if server is not None:
                server.shutdown()
                server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        if self.store is not None:
            self.store.stop()  # the last save, once no request can come in any more
            self.store = None
        for uninstall in self._uninstall or ():
            uninstall()
        self._uninstall = None


def _check_free(host: str, port: int) -> None:
    """Raise OSError (EADDRINUSE) when host:port cannot be bound."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the servers themselves do: a restart must not fail on the last run's TIME_WAIT connections (a port
        # another process listens on is still refused).
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
