"""The sandbox's data plane: an HTTP server that answers for sandbox ALBs and instances, per account.

It runs in the sandbox process (beside moto's server) so it reads the same backends. Every request names the
learner account in `X-Sandbox-Account`, because moto gives every account the same ALB DNS name: the answer comes
from that account's resources only.

- `GET <path>` with `Host: <ALB DNS name>` -> the response the ALB would give (the app's page, or 502/503/504 with
  an ALB body). When a real client would get no response at all, the reply carries `X-Sandbox-Outcome: timeout`,
  `refused` or `nxdomain` instead, which the probe client turns into the matching connection error.
- `GET /` with `X-Sandbox-Probe: dns` and `Host: <name>` -> JSON list of the addresses the name resolves to for
  that account (404 when it resolves to nothing).
- `GET /` with `X-Sandbox-Probe: tcp`, `X-Sandbox-Address` and `X-Sandbox-Port` -> JSON `{"result": "open" |
  "refused" | "timeout"}` for a TCP connect from the internet to an instance's public address.

It binds where the worker reaches it (loopback by default) and is never exposed to learners.
"""

from __future__ import annotations

import json
import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from provisioning.sandbox import model
from provisioning.sandbox.credentials import is_account_id

# The model only reads moto's backends; a request racing a write sees the state before or after it, as with AWS.

logger = logging.getLogger(__name__)

OUTCOME_HEADER = "X-Sandbox-Outcome"
ACCOUNT_HEADER = "X-Sandbox-Account"
PROBE_HEADER = "X-Sandbox-Probe"


class DataPlaneHandler(BaseHTTPRequestHandler):
    server_version = "sandbox-dataplane"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (signature from the base class)
        logger.debug("dataplane: " + format, *args)

    def _send(self, status: int, headers: dict[str, str], body: str) -> None:
        data = body.encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        account = self.headers.get(ACCOUNT_HEADER, "")
        if not is_account_id(account):
            self._send(400, {"Content-Type": "text/plain"}, "X-Sandbox-Account must be a 12-digit account id\n")
            return
        if self.headers.get(PROBE_HEADER, "").lower() == "tcp":
            try:
                port = int(self.headers.get("X-Sandbox-Port", ""))
            except ValueError:
                self._send(400, {"Content-Type": "text/plain"}, "X-Sandbox-Port must be a number\n")
                return
            result = model.tcp_connect(account, self.headers.get("X-Sandbox-Address", ""), port)
            self._send(200, {"Content-Type": "application/json"}, json.dumps({"result": result}))
            return
        host = self.headers.get("Host", "")
        if self.headers.get(PROBE_HEADER, "").lower() == "dns":
            addresses = model.resolve(account, host)
            self._send(200 if addresses else 404, {"Content-Type": "application/json"}, json.dumps(addresses))
            return
        try:
            port = int(self.headers.get("X-Sandbox-Port", "80"))
        except ValueError:
            port = 80
        outcome = model.http_request(account, host, self.path, port=port)
        if outcome.kind != "response":
            self._send(
                599,
                {OUTCOME_HEADER: outcome.kind, "Content-Type": "text/plain"},
                outcome.detail + "\n",
            )
            return
        self._send(outcome.status, {**outcome.headers, OUTCOME_HEADER: "response"}, outcome.body)


def make_dataplane_server(host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), DataPlaneHandler)
    server.daemon_threads = True
    return server
