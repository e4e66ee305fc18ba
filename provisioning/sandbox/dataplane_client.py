"""The engine's side of the sandbox data plane: a ProbeConfig whose resolver and connectors ask the data plane.

Every request names the learner's account (`X-Sandbox-Account`), so a probe sees only that account's ALBs and
instances. When the data plane itself cannot be reached the connectors raise a plain OSError (reported as an error
we could not tell), never ConnectionRefusedError, which would wrongly read as the learner's port being closed.
"""

from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlsplit

from provisioning.probes import MAX_BODY, HttpAnswer, ProbeConfig
from provisioning.sandbox.dataplane import ACCOUNT_HEADER, OUTCOME_HEADER, PROBE_HEADER

_SANDBOX_HEADERS = {OUTCOME_HEADER.lower(), "content-length", "connection", "date"}


class DataplaneUnavailable(OSError):
    """The sandbox data plane did not answer (not the learner's fault)."""


def _request(base: str, path: str, headers: dict[str, str], timeout: float) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        try:
            conn.request("GET", path, headers={**headers, "Connection": "close"})
            resp = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            raise DataplaneUnavailable(f"sandbox data plane unreachable ({type(exc).__name__})") from None
        body = resp.read(MAX_BODY)
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


def make_probe_config(account: str, base_url: str) -> ProbeConfig:
    def resolver(host: str) -> list[str]:
        status, _, body = _request(base_url, "/", {"Host": host, ACCOUNT_HEADER: account, PROBE_HEADER: "dns"}, 5.0)
        if status != 200:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(json.loads(body))

    def http_connector(host: str, ip: str, port: int, path: str, timeout: float) -> HttpAnswer:
        status, headers, body = _request(
            base_url, path or "/", {"Host": host, ACCOUNT_HEADER: account, "X-Sandbox-Port": str(port)}, timeout
        )
        outcome = headers.get(OUTCOME_HEADER.lower(), "")
        if outcome == "timeout":
            raise TimeoutError("timed out")
        if outcome in ("refused", "nxdomain"):
            raise ConnectionRefusedError("connection refused")
        if outcome != "response":
            raise DataplaneUnavailable("unexpected answer from the sandbox data plane")
        return HttpAnswer(status, {k: v for k, v in headers.items() if k not in _SANDBOX_HEADERS}, body)

    def tcp_connector(ip: str, port: int, timeout: float) -> None:
        headers = {ACCOUNT_HEADER: account, PROBE_HEADER: "tcp", "X-Sandbox-Address": ip, "X-Sandbox-Port": str(port)}
        status, _, body = _request(base_url, "/", headers, max(timeout, 1.0))
        if status != 200:
            raise DataplaneUnavailable("unexpected answer from the sandbox data plane")
        result = json.loads(body).get("result")
        if result == "refused":
            raise ConnectionRefusedError("connection refused")
        if result != "open":
            raise TimeoutError("timed out")

    return ProbeConfig(resolver=resolver, http=http_connector, tcp=tcp_connector, allow_private=True)
