"""Network probes: an HTTP GET to the ALB's DNS name and a TCP connect to the instance's public address.

Both are bounded in time and take an injectable resolver and connectors (`ProbeConfig`), so tests and the sandbox
route them (the sandbox's data plane answers for its ALBs on loopback). Safety, outside the sandbox: the HTTP probe
only contacts the DNS name the learner's account reported, sends `Host: <that name>` to an address it resolved, follows
no redirects, reads at most a few KB within one total deadline, and refuses every address that is not global (IPv6
forms embedding a private IPv4 included, see is_public); `allow_private` lifts that for the sandbox. A probe never
raises: it returns a result whose `outcome` the checks interpret.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_BODY = 4096


@dataclass
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


Resolver = Callable[[str], list[str]]
HttpConnector = Callable[[str, str, int, str, float], HttpAnswer]  # (host, ip, port, path, timeout)
TcpConnector = Callable[[str, int, float], None]  # (ip, port, timeout); raises ConnectionRefusedError/TimeoutError


def default_resolver(host: str) -> list[str]:
    """The addresses `host` resolves to (IPv4 first). Raises socket.gaierror when it does not resolve."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    ips = list(dict.fromkeys(info[4][0] for info in infos))
    return sorted(ips, key=lambda ip: ":" in ip)


def default_http(host: str, ip: str, port: int, path: str, timeout: float) -> HttpAnswer:
    """GET http://host/path sent to `ip`; no redirects (http.client never follows), body capped, one total deadline.

    A socket timeout bounds each read only, so a server dripping one header line a second would hold the probe for
    as long as it likes. A timer therefore shuts the socket down when the deadline passes, whatever phase the
    exchange is in, and the probe reports a timeout. (http.client has no total deadline and urllib3's `total` is
    per-read too, hence this small watchdog.)
    """
    expired = threading.Event()
    conn = http.client.HTTPConnection(ip, port, timeout=timeout)

    def cut() -> None:
        expired.set()
        sock = conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(timeout, cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request("GET", path, headers={"Host": host, "User-Agent": "handson-check/1", "Connection": "close"})
        resp = conn.getresponse()
        body = b""
        while len(body) < MAX_BODY:
            chunk = resp.read(min(1024, MAX_BODY - len(body)))
            if not chunk:
                break
            body += chunk
        if expired.is_set():
            raise TimeoutError("the probe's deadline passed")
        return HttpAnswer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
    except (OSError, http.client.HTTPException):
        if expired.is_set():
            raise TimeoutError("the probe's deadline passed") from None
        raise
    finally:
        watchdog.cancel()
        conn.close()


def default_tcp(ip: str, port: int, timeout: float) -> None:
    with socket.create_connection((ip, port), timeout=timeout):
        pass


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_IETF_PROTOCOL = ipaddress.ip_network("192.0.0.0/24")  # ipaddress calls 192.0.0.9 and .10 global; not for us


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries: IPv4-mapped, 6to4, NAT64 (64:ff9b::/96), IPv4-compatible."""
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr in _NAT64 or addr in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def is_public(ip: str) -> bool:
    """Public only when ipaddress says global, and so is any IPv4 address embedded in it."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if not addr.is_global or addr.is_multicast:
        return False
    if isinstance(addr, ipaddress.IPv4Address):
        return addr not in _IETF_PROTOCOL
    if addr.scope_id:
        return False
    embedded = _embedded_ipv4(addr)
    return embedded is None or is_public(str(embedded))


@dataclass
class ProbeConfig:
    """How probes reach the network. Defaults: the system resolver and real sockets, public addresses only."""

    resolver: Resolver | None = None
    http: HttpConnector | None = None
    tcp: TcpConnector | None = None
    allow_private: bool = False  # only for the sandbox, whose data plane listens on loopback
    http_timeout: float = 5.0
    tcp_timeout: float = 3.0


@dataclass
class ProbeSkipped:
    """The probe did not run (no probes, non-AWS endpoint, no sandbox data plane)."""

    message: dict[str, str]


@dataclass
class HttpProbeResult:
    # answered | dns_unresolved | private_address | timeout | refused | connection_error
    outcome: str
    host: str
    ips: list[str] = field(default_factory=list)
    ip: str | None = None
    status: int | None = None
    server: str = ""
    body: str = ""  # the first few hundred characters, for evidence and page recognition
    location: str = ""
    detail: str = ""

    @property
    def is_alb_error_page(self) -> bool:
        return "awselb" in self.server.lower() or "awselb/" in self.body.lower()

    @property
    def is_django_bad_host(self) -> bool:
        return self.status == 400 and "Bad Request (400)" in self.body

    def evidence(self) -> dict[str, Any]:
        out = {"host": self.host, "resolved": self.ips, "ip": self.ip, "outcome": self.outcome}
        if self.status is not None:
            out.update(status=self.status, server=self.server, body_start=self.body[:200])
        if self.location:
            out["location"] = self.location
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass
class TcpProbeResult:
    outcome: str  # connected | refused | timeout | no_public_ip | private_address | error
    ip: str | None
    port: int
    detail: str = ""

    def evidence(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ip": self.ip, "port": self.port, "outcome": self.outcome}
        if self.detail:
            out["detail"] = self.detail
        return out


def probe_http(host: str, *, config: ProbeConfig | None = None, port: int = 80, path: str = "/") -> HttpProbeResult:
    """GET http://<host>/ once, trying its resolved addresses in turn within `http_timeout` in total."""
    config = config or ProbeConfig()
    resolve = config.resolver or default_resolver
    connect = config.http or default_http
    try:
        ips = list(resolve(host))
    except (OSError, UnicodeError) as exc:
        return HttpProbeResult("dns_unresolved", host, detail=type(exc).__name__)
    if not ips:
        return HttpProbeResult("dns_unresolved", host)
    usable = ips if config.allow_private else [ip for ip in ips if is_public(ip)]
    if not usable:
        return HttpProbeResult("private_address", host, ips=ips)
    deadline = time.monotonic() + config.http_timeout
    result = HttpProbeResult("timeout", host, ips=ips)
    for ip in usable:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            answer = connect(host, ip, port, path, left)
        except ConnectionRefusedError as exc:
            result = HttpProbeResult("refused", host, ips=ips, ip=ip, detail=type(exc).__name__)
            continue
        except TimeoutError as exc:
            result = HttpProbeResult("timeout", host, ips=ips, ip=ip, detail=type(exc).__name__)
            continue
        except (OSError, http.client.HTTPException) as exc:
            result = HttpProbeResult("connection_error", host, ips=ips, ip=ip, detail=type(exc).__name__)
            continue
        headers = {k.lower(): v for k, v in answer.headers.items()}
        return HttpProbeResult(
            "answered",
            host,
            ips=ips,
            ip=ip,
            status=answer.status,
            server=headers.get("server", ""),
            body=answer.body[:MAX_BODY].decode("utf-8", "replace")[:1000],
            location=headers.get("location", ""),
        )
    return result


def probe_tcp(ip: str | None, port: int, *, config: ProbeConfig | None = None) -> TcpProbeResult:
    """Try to open a TCP connection to ip:port within `tcp_timeout`."""
    config = config or ProbeConfig()
    if not ip:
        return TcpProbeResult("no_public_ip", None, port)
    if not config.allow_private and not is_public(ip):
        return TcpProbeResult("private_address", ip, port)
    connect = config.tcp or default_tcp
    try:
        connect(ip, port, config.tcp_timeout)
    except ConnectionRefusedError:
        return TcpProbeResult("refused", ip, port)
    except TimeoutError:
        return TcpProbeResult("timeout", ip, port)
    except OSError as exc:
        return TcpProbeResult("error", ip, port, detail=type(exc).__name__)
    return TcpProbeResult("connected", ip, port)
