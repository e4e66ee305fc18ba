"""pytest plugin: a REAL Celery worker subprocess on Redis, sharing the test database (marker `worker`).

Registered in the root conftest (`pytest_plugins = ["tests.plugins.worker"]`). Fixtures:

- `celery_worker`: starts `celery -A config worker --pool=solo -Q <unique queue>` as a subprocess whose
  environment points at the *test* database (pytest-django's `test_...` name), the same broker, the same
  encryption keys and the sandbox from settings (start `sandbox_server` first if the test needs it). The test
  process publishes to that queue for the test's duration, so concurrent test sessions never steal each other's
  messages. Requests `transactional_db`: the worker only sees committed rows.

Needs PostgreSQL (a worker process cannot open pytest-django's in-memory SQLite) and a Redis broker. Without them
the test is skipped with the reason, unless REQUIRE_SERVICES=1, where it fails. CI (.ci/run) sets DATABASE_URL to
PostgreSQL and REDIS_URL, so these tests run there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

READY_TIMEOUT = 90  # seconds for the worker to say "ready" (imports Django, boto3, moto's models)


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "").strip().lower() in ("1", "true", "yes")


def _skip_or_fail(reason: str) -> None:
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES is set but {reason}")
    pytest.skip(reason)


def services_problem() -> str | None:
    """Why a worker cannot run here (None when PostgreSQL and Redis are configured and answer)."""
    from django.conf import settings

    from config.celery import app

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return "a real worker needs the test database in PostgreSQL: set DATABASE_URL=postgres://... (SQLite in use)"
    broker = str(app.conf.broker_url or "")
    if not broker.startswith(("redis://", "rediss://")):
        return "a real worker needs a Redis broker: set REDIS_URL (or CELERY_BROKER_URL) to redis://..."
    try:
        import redis

        redis.Redis.from_url(broker, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no broker here"
        return f"Redis at the broker URL does not answer ({type(exc).__name__})"
    return None


def database_url(db: dict) -> str:
    """A DATABASE_URL for dj-database-url naming the same (test) database as `db` (settings.DATABASES entry)."""
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(db['NAME'], safe='')}"


class Worker:
    """A running worker subprocess and where its log goes."""

    def __init__(self, process: subprocess.Popen, log_path: Path, queue: str) -> None:
        self.process = process
        self.log_path = log_path
        self.queue = queue

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def children(self) -> list[int]:
        """The pids of the pool's child processes (Linux /proc; a child forked by any thread of the parent)."""
        pids: set[int] = set()
        for path in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            try:
                pids.update(int(pid) for pid in path.read_text().split())
            except OSError:  # that thread ended meanwhile
                continue
        return sorted(pids)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown: the solo pool finishes its task
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def worker_env(*, queue: str, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a worker (or beat) subprocess: the test database, the broker, the test's queue."""
    from django.conf import settings

    from config.celery import app

    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url(settings.DATABASES["default"]),
            "CELERY_BROKER_URL": str(app.conf.broker_url),
            "REDIS_URL": str(app.conf.broker_url),
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "SECRET_KEY": settings.SECRET_KEY,
            "SANDBOX_SECRET": str(settings.SANDBOX_SECRET),
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "SANDBOX_URL": settings.SANDBOX_URL,
            "SANDBOX_DATAPLANE_URL": settings.SANDBOX_DATAPLANE_URL,
            "SITE_URL": settings.SITE_URL,
            "CONTENT_DIR": str(settings.CONTENT_DIR),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra_env or {})
    return env


def _start_celery(
    argv: list[str],
    queue: str,
    log_path: Path,
    extra_env: dict[str, str] | None,
    *,
    ready: str,
    name: str,
    not_ready: str,
) -> Worker:
    """`python -m celery -A config <argv>` as a subprocess logging to `log_path`; returns once the log says `ready`.
    Fails the test with the log if it exits first (`<name> exited with N`) or is not ready in time
    (`<name> <not_ready> within Ns`)."""
    from django.conf import settings

    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-m", "celery", "-A", "config", *argv],
        cwd=str(settings.BASE_DIR),
        env=worker_env(queue=queue, extra_env=extra_env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    started = Worker(process, log_path, queue)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode}:\n{started.log()[-4000:]}")
        if ready in started.log():
            return started
        time.sleep(0.2)
    started.stop()
    pytest.fail(f"{name} {not_ready} within {READY_TIMEOUT}s:\n{started.log()[-4000:]}")


def start_worker(
    *, queue: str, log_path: Path, extra_env: dict[str, str] | None = None, pool: str = "solo", concurrency: int = 1
) -> Worker:
    """A worker subprocess on `queue`; `pool="prefork"` with `concurrency` for tests that kill pool children."""
    argv = [
        "worker",
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    return _start_celery(
        argv, queue, log_path, extra_env, ready=" ready.", name="the Celery worker", not_ready="was not ready"
    )


def start_beat(*, queue: str, log_path: Path, extra_env: dict[str, str] | None = None) -> Worker:
    """`celery beat` as a subprocess, publishing the periodic tasks to `queue`; returns once it has started."""
    argv = ["beat", "--loglevel=INFO", f"--schedule={log_path.with_suffix('.schedule')}"]
    return _start_celery(
        argv, queue, log_path, extra_env, ready="Sending due task", name="celery beat", not_ready="sent nothing"
    )


@contextmanager
def own_queue(prefix: str = "test-") -> Iterator[str]:
    """Skip (or fail, see REQUIRE_SERVICES) without PostgreSQL and Redis; else a fresh queue name that the app
    publishes to inside the block. Afterwards the app's default queue is back and the test queue deleted."""
    problem = services_problem()
    if problem:
        _skip_or_fail(problem)
    from config.celery import app

    queue = f"{prefix}{uuid.uuid4().hex[:12]}"
    saved_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_default_queue = saved_queue
        try:
            import redis

            redis.Redis.from_url(str(app.conf.broker_url), socket_connect_timeout=1).delete(queue)
        except Exception:  # noqa: BLE001, S110 - best effort: an unconsumed test queue is harmless
            pass


@pytest.fixture
def celery_worker(transactional_db, tmp_path) -> Iterator[Worker]:
    """A real worker process on its own queue; the app publishes to that queue while the test runs."""
    with own_queue() as queue:
        worker = start_worker(queue=queue, log_path=tmp_path / "celery-worker.log")
        try:
            yield worker
        finally:
            worker.stop()


def wait_until(predicate: Callable[[], object], *, timeout: float = 180, what: str = "condition", worker=None):
    """Poll `predicate` until it returns something truthy (a wait, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    log = worker.log()[-4000:] if worker is not None else ""
    pytest.fail(f"timed out waiting for {what}" + (f"\nworker log:\n{log}" if log else ""))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (`item.rep_call`), so fixtures can save artifacts when a test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
