"""The quick start works: the product exactly as `make run` starts it (Procfile.dev under honcho: web, Celery
worker, beat and the sandbox AWS) on its embedded defaults (a SQLite file, the filesystem broker, no Redis, no
PostgreSQL) carries a learner through Step 5 in the browser.

The processes run from this checkout's .venv with their own VAR_DIR, database file and free ports, so nothing of the
developer's own `make run` is touched. Marked e2e (needs chromium).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.journey import run_learner_journey
from tests.processes import NotReady, free_pair, free_port, http_answers, stop_groups, tcp_open, wait_until

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
pytestmark = [pytest.mark.e2e, pytest.mark.sandbox]


@pytest.fixture
def quickstart_product(tmp_path):
    """Start Procfile.dev as `make run` does, on embedded defaults; yield its base URL; stop it all."""
    web_port, sandbox_port = free_port(), free_pair()
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
        url = base + "/ja/tutorials/aws-hands-on/"
        try:
            wait_until(lambda: http_answers(url), url, processes={"the product": proc}, timeout=90)
            wait_until(lambda: tcp_open(sandbox_port), f"port {sandbox_port}", timeout=60)
        except NotReady as exc:
            pytest.fail(f"{exc}:\n{log.read_text()[-3000:]}")
        yield base
    finally:
        stop_groups([proc])


def test_the_quick_start_product_carries_a_learner_through_step5(quickstart_product, page_on_failure, artifacts_dir):
    run_learner_journey(page_on_failure, quickstart_product, artifacts_dir, username="taro", prefix="quickstart")
