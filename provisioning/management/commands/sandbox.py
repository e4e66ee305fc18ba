"""`manage.py sandbox [--port P]`: run the sandbox AWS (moto + the data plane) in the foreground.

It binds settings.SANDBOX_HOST (loopback by default: only the web and worker processes reach it; learners go
through the app's gateway at /sandbox-aws/). The data plane listens on SANDBOX_DATAPLANE_URL's port, else port + 1.
Each learner account's state is kept in SANDBOX_STATE_DIR (saved every SANDBOX_SAVE_INTERVAL seconds and on
shutdown, restored on start; see provisioning/sandbox/persistence.py). Ctrl-C or SIGTERM stops it (and saves).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the sandbox AWS (moto server + request-path model + data plane) in the foreground."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=None, help="moto's port (default SANDBOX_PORT)")
        parser.add_argument("--host", default=None, help="address to bind (default SANDBOX_HOST)")
        parser.add_argument(
            "--state-dir", default=None, help='where learners\' state is kept (default SANDBOX_STATE_DIR; "" disables)'
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from provisioning.sandbox.server import SandboxServer

        host = options["host"] or settings.SANDBOX_HOST
        port = options["port"] if options["port"] is not None else settings.SANDBOX_PORT
        dataplane_port = port + 1 if port else 0
        if settings.SANDBOX_DATAPLANE_URL and options["port"] is None:
            dataplane_port = urlsplit(settings.SANDBOX_DATAPLANE_URL).port or dataplane_port
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        state_dir = options["state_dir"] if options["state_dir"] is not None else settings.SANDBOX_STATE_DIR
        server = SandboxServer(
            host, port, dataplane_port, state_dir=state_dir or None, save_interval=settings.SANDBOX_SAVE_INTERVAL
        )
        try:
            server.start()
        except OSError as exc:
            raise CommandError(f"sandbox: cannot listen on {host}:{port} or {dataplane_port}: {exc.strerror}") from None
        kept = f"; state in {state_dir}" if state_dir else ""
        self.stdout.write(f"sandbox AWS on {server.url} (data plane {server.dataplane_url}{kept}); Ctrl-C stops it")
        sys.stdout.flush()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
            self.stdout.write("sandbox stopped")
