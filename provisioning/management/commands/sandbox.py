"""`manage.py sandbox [--port P]`: run the sandbox AWS (moto + the data plane) in the foreground.

It binds settings.SANDBOX_HOST (loopback by default: only the web and worker processes reach it; learners go
through the app's gateway at /sandbox-aws/). The data plane listens on SANDBOX_DATAPLANE_URL's port, else port + 1.
Each learner account's state is kept in SANDBOX_STATE_DIR (saved every SANDBOX_SAVE_INTERVAL seconds and on
shutdown, restored on start; see provisioning/sandbox/persistence.py). Ctrl-C or SIGTERM stops it (and saves).
`--revoke-key ACCOUNT|all` and `--reencrypt-keys` manage learners' stored CLI keys instead (credentials.py).
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
            "--revoke-key",
            metavar="ACCOUNT",
            help='revoke the sandbox CLI key of one sandbox account ("all": every key) and exit',
        )
        parser.add_argument(
            "--reencrypt-keys",
            action="store_true",
            help="re-encrypt stored sandbox keys under the current SANDBOX_SECRET (after a rotation) and exit",
        )
        parser.add_argument(
            "--state-dir", default=None, help='where learners\' state is kept (default SANDBOX_STATE_DIR; "" disables)'
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["revoke_key"] or options["reencrypt_keys"]:
            self._keys(options)
            return
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

    def _keys(self, options: dict[str, Any]) -> None:
        from provisioning.sandbox import credentials

        if options["reencrypt_keys"]:
            self.stdout.write(f"re-encrypted {credentials.reencrypt_keys()} sandbox key(s)")
        account = options["revoke_key"]
        if account == "all":
            self.stdout.write(f"revoked {credentials.revoke_all_keys()} sandbox key(s)")
        elif account:
            if not credentials.is_account_id(account):
                raise CommandError("--revoke-key takes a 12-digit sandbox account id (or all)")
            self.stdout.write(f"revoked {credentials.revoke_key(account)} sandbox key(s) of {account}")
