"""The quick start works: the product exactly as `make run` starts it (Procfile.dev under honcho: web, Celery
worker, beat and the sandbox AWS) on its embedded defaults (a SQLite file, the filesystem broker, no Redis, no
PostgreSQL) carries a learner through Step 5 in the browser.

The processes run from this checkout's .venv with their own VAR_DIR, database file and free ports, so nothing of the
developer's own `make run` is touched. Marked e2e (needs chromium).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.journey import run_learner_journey

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
pytestmark = [pytest.mark.e2e, pytest.mark.sandbox]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _free_pair() -> int:
    """A port P with P+1 free too (the sandbox's data plane listens on P+1)."""
    for _ in range(50):
        port = _free_port()
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports")


def _wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the product stopped (rc={proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


def _wait_tcp(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    pytest.fail(f"port {port} did not open within {timeout} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def quickstart_product(tmp_path):
    """Start Procfile.dev as `make run` does, on embedded defaults; yield its base URL; stop it all."""
    web_port, sandbox_port = _free_port(), _free_pair()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_DEFAULT_QUEUE", "SANDBOX_URL"}
        and not k.startswith("AWS_")
    }
    env.update(
        VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        HOST="127.0.0.1",
        PORT=str(web_port),
        SANDBOX_PORT=str(sandbox_port),
        SITE_URL=f"http://127.0.0.1:{web_port}",
        PATH=f"{BIN}:{env.get('PATH', '')}",
    )
    for command in (["migrate", "--noinput", "-v", "0"], ["load_content"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    procfile = tmp_path / "Procfile"
    # The same process lines as Procfile.dev, pointed at this interpreter's virtualenv.
    procfile.write_text(
        (ROOT / "Procfile.dev").read_text(encoding="utf-8").replace(".venv/bin/", f"{BIN}/"), encoding="utf-8"
    )
    log = tmp_path / "product.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(BIN / "honcho"), "-f", str(procfile), "-d", str(ROOT), "start"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{web_port}"
        _wait_http(base + "/ja/tutorials/aws-hands-on/", proc, log)
        _wait_tcp(sandbox_port, proc, log)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_the_quick_start_product_carries_a_learner_through_step5(quickstart_product, page_on_failure, artifacts_dir):
    run_learner_journey(page_on_failure, quickstart_product, artifacts_dir, username="taro", prefix="quickstart")
