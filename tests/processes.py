"""Free loopback ports and processes of the product started, waited for and stopped: for end-to-end tests and
benchmarks (which import it with the repository root on sys.path).

Nothing here knows pytest: a wait that fails raises `NotReady`, which a test turns into `pytest.fail` (with its
logs) and a benchmark into `SystemExit`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterable, Mapping


class NotReady(Exception):
    """A process stopped, or what was waited for did not come within the time."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_pair() -> int:
    """A port P with P+1 free too (the sandbox's data plane listens on P+1)."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports")


def tcp_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def http_answers(url: str, timeout: float = 2) -> bool:
    """Whether `url` (on loopback) answers at all (any status)."""
    try:
        urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 (loopback)
        return True
    except OSError:
        return False


def wait_until(
    ready: Callable[[], bool],
    what: str,
    *,
    processes: Mapping[str, subprocess.Popen] | None = None,
    timeout: float = 60,
    interval: float = 0.5,
) -> None:
    """Poll `ready()` every `interval` s until it is true; NotReady if one of `processes` exits first, or at
    `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, proc in (processes or {}).items():
            if proc.poll() is not None:
                raise NotReady(f"{name} exited ({proc.returncode}) while waiting for {what}")
        if ready():
            return
        time.sleep(interval)
    raise NotReady(f"{what} not up within {timeout} s")


def stop_groups(processes: Iterable[subprocess.Popen], timeout: float = 20) -> None:
    """SIGTERM the process group of each (started with start_new_session=True), in order; SIGKILL what outlasts
    `timeout` seconds."""
    processes = list(processes)
    for proc in processes:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in processes:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
