"""Probes against a local HTTP server on 127.0.0.1, reached only through the injectable resolver."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from provisioning.probes import ProbeConfig, is_public, probe_http, probe_tcp

ALB_HOST = "aws-hands-on-1.ap-northeast-1.elb.amazonaws.com"


class _Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        self.seen.append((self.path, self.headers.get("Host", "")))
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(1.5)
        body = b"x" * 100_000 if self.path == "/big" else b"<h1>Hello Django</h1>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _loopback(**kw) -> ProbeConfig:
    return ProbeConfig(resolver=lambda host: ["127.0.0.1"], allow_private=True, **kw)


def test_get_reaches_the_resolved_address_with_the_alb_host_header(server):
    result = probe_http(ALB_HOST, config=_loopback(), port=server.server_port)
    assert result.outcome == "answered" and result.status == 200 and "Hello" in result.body
    assert _Handler.seen == [("/", ALB_HOST)]


def test_redirects_are_not_followed(server):
    result = probe_http(ALB_HOST, config=_loopback(), port=server.server_port, path="/redirect")
    assert result.status == 302 and result.location == "/elsewhere"
    assert [p for p, _ in _Handler.seen] == ["/redirect"]


def test_body_is_read_only_up_to_a_few_kilobytes(server):
    result = probe_http(ALB_HOST, config=_loopback(), port=server.server_port, path="/big")
    assert result.status == 200 and len(result.body) <= 4096


def test_private_and_loopback_addresses_are_refused_without_sandbox_resolver(server):
    for ips in (["127.0.0.1"], ["10.0.0.5", "192.168.1.2"], ["169.254.169.254"], ["::1"]):
        config = ProbeConfig(resolver=lambda host, ips=ips: ips)
        assert probe_http(ALB_HOST, config=config, port=server.server_port).outcome == "private_address"
    assert _Handler.seen == []


def test_unresolvable_name_is_reported_not_raised():
    def nxdomain(host):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    assert probe_http(ALB_HOST, config=ProbeConfig(resolver=nxdomain)).outcome == "dns_unresolved"


def test_slow_answer_times_out(server):
    result = probe_http(ALB_HOST, config=_loopback(http_timeout=0.3), port=server.server_port, path="/slow")
    assert result.outcome == "timeout"


def test_closed_port_is_refused():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    assert probe_http(ALB_HOST, config=_loopback(), port=port).outcome == "refused"
    assert probe_tcp("127.0.0.1", port, config=_loopback()).outcome == "refused"


def test_tcp_connect_to_a_listening_port_connects(server):
    assert probe_tcp("127.0.0.1", server.server_port, config=_loopback()).outcome == "connected"


def test_tcp_probe_refuses_private_addresses_and_handles_no_address():
    assert probe_tcp("127.0.0.1", 8000).outcome == "private_address"
    assert probe_tcp(None, 8000).outcome == "no_public_ip"


def test_tcp_timeout_from_the_connector_is_an_outcome():
    def hang(ip, port, timeout):
        raise TimeoutError

    assert probe_tcp("54.1.2.3", 8000, config=ProbeConfig(tcp=hang)).outcome == "timeout"


def test_is_public():
    assert is_public("54.250.1.2") and is_public("2406:da14::1")
    assert not any(map(is_public, ["10.1.1.1", "172.16.0.1", "192.168.0.1", "127.0.0.1", "169.254.1.1", "::1", "x"]))


# --- issue 9, point 6: addresses that embed a private IPv4, and one total deadline ---------------------------


@pytest.mark.parametrize(
    "ip",
    [
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (instance metadata)
        "64:ff9b::a00:5",  # NAT64 of 10.0.0.5
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:c0a8:102::1",  # 6to4 of 192.168.1.2
        "::7f00:1",  # IPv4-compatible 127.0.0.1
        "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.5",
        "192.0.0.9",  # 192.0.0.0/24 (IETF protocol assignments) is refused whole
        "192.0.0.10",
        "192.0.0.170",
        "fe80::1%eth0",
    ],
)
def test_addresses_embedding_a_private_ipv4_are_not_public(ip):
    assert not is_public(ip)


def test_addresses_embedding_a_public_ipv4_follow_that_ipv4():
    assert is_public("64:ff9b::3601:203")  # NAT64 of 54.1.2.3
    assert is_public("8.8.8.8")


def test_a_probe_to_a_nat64_loopback_address_is_refused(server):
    config = ProbeConfig(resolver=lambda host: ["64:ff9b::7f00:1"])
    assert probe_http(ALB_HOST, config=config, port=server.server_port).outcome == "private_address"
    assert probe_tcp("64:ff9b::7f00:1", 80).outcome == "private_address"


@pytest.fixture
def dripping_server():
    """A server that answers its status line, then one header line a second for 30 s (never the blank line)."""
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                try:
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.1 200 OK\r\n")
                    for i in range(30):
                        if stop.wait(1):
                            break
                        conn.sendall(f"X-Drip-{i}: x\r\n".encode())
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()
    thread.join(timeout=5)


def test_a_server_dripping_headers_holds_the_probe_for_the_deadline_only(dripping_server):
    started = time.monotonic()
    result = probe_http(ALB_HOST, config=_loopback(http_timeout=2.0), port=dripping_server)
    elapsed = time.monotonic() - started
    assert result.outcome == "timeout"
    # One header a second would keep a per-read timeout alive for the whole 30 s; the deadline is 2 s.
    assert elapsed < 6, elapsed
