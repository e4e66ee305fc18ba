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
