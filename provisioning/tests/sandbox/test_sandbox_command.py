"""`manage.py sandbox`: a clear one-line error when its port is taken (the running case is the server fixture)."""

from __future__ import annotations

import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_port_in_use_is_a_one_line_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError) as exc:
            call_command("sandbox", "--port", str(port))
    assert f"127.0.0.1:{port}" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_sandbox_server_binds_loopback_only_by_default(sandbox_server):
    assert sandbox_server.url.startswith("http://127.0.0.1:")
    assert sandbox_server.dataplane_url.startswith("http://127.0.0.1:")
