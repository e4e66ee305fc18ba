"""The worker never silently stops: real Celery worker processes are killed for real (kill -9) here.

- The embedded setup (`make run`): a prefork worker on the filesystem broker in a temp dir (no server needed,
  results through Celery's file backend). Killing an idle pool child used to leave every replacement child blocked
  on a futex for ever (billiard's shared queue lock, see config/pool.py); a corrupt or empty message file used to
  kill the worker with a JSONDecodeError (see config/broker.py).
- The served setup (Redis + PostgreSQL, marker `worker`): a run whose process is killed becomes `worker_lost`
  through beat's periodic task, without anyone opening a page, and "Check" then starts a new run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.plugins.worker import Worker, start_beat, start_worker, wait_until

READY_TIMEOUT = 90
PING_TIMEOUT = 60  # a wait for an answer, generous for a loaded machine; a hung pool never answers


# --- the embedded filesystem broker ------------------------------------------------------------------------------


def _fs_options(var_dir: Path) -> dict:
    return {
        "data_folder_in": str(var_dir / "broker"),
        "data_folder_out": str(var_dir / "broker"),
        "processed_folder": str(var_dir / "broker-processed"),
        "control_folder": str(var_dir / "broker-control"),
        "store_processed": False,
    }


def _start_fs_worker(var_dir: Path, *, concurrency: int = 2) -> Worker:
    """`celery worker` as `make run` starts it (prefork, filesystem broker), with VAR_DIR in a temp dir."""
    (var_dir / "results").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    env.update(
        {
            "VAR_DIR": str(var_dir),
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_RESULT_BACKEND": f"file://{var_dir / 'results'}",
            "CELERY_TASK_DEFAULT_QUEUE": "celery",
            "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",  # the ping task never opens it
            "PYTHONUNBUFFERED": "1",
        }
    )
    log_path = var_dir / "worker.log"
    log = log_path.open("wb")
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", f"--concurrency={concurrency}"]
    command += ["--loglevel=INFO", "-n", f"fs-{uuid.uuid4().hex[:8]}@%h"]
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        command, cwd=str(settings.BASE_DIR), env=env, stdout=log, stderr=subprocess.STDOUT
    )
    log.close()
    worker = Worker(process, log_path, "celery")
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{worker.log()[-4000:]}")
        if " ready." in worker.log() and len(worker.children()) == concurrency:
            return worker
        time.sleep(0.2)
    _stop(worker)
    pytest.fail(f"the worker was not ready within {READY_TIMEOUT}s:\n{worker.log()[-4000:]}")


def _stop(worker: Worker) -> None:
    children = worker.children()
    worker.stop()
    for pid in children:  # a hung pool does not shut down warmly: leave nothing behind
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _fs_app(var_dir: Path):
    """A Celery client of that worker: same broker folder, same transport, results from the file backend."""
    from celery import Celery

    app = Celery("handson-fs-test", broker="filesystem://", backend=f"file://{var_dir / 'results'}")
    app.conf.broker_transport = "config.broker:Transport"
    app.conf.broker_transport_options = _fs_options(var_dir)
    app.conf.task_default_queue = "celery"
    return app


def _ping(app, worker: Worker) -> int:
    from celery.exceptions import TimeoutError as CeleryTimeout

    try:
        return int(app.send_task("worker.ping").get(timeout=PING_TIMEOUT))
    except CeleryTimeout:
        children = {pid: Path(f"/proc/{pid}/wchan").read_text() for pid in worker.children()}
        pytest.fail(f"no pool process took the task within {PING_TIMEOUT}s; children waiting in {children}")


def _kill_and_wait_for_replacement(worker: Worker, pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    wait_until(
        lambda: pid not in worker.children() and len(worker.children()) == 2,
        timeout=60,
        what=f"a replacement for the killed pool child {pid}",
        worker=worker,
    )


@pytest.fixture
def fs_worker(tmp_path):
    worker = _start_fs_worker(tmp_path)
    try:
        yield worker, _fs_app(tmp_path), tmp_path
    finally:
        _stop(worker)


def test_killing_any_idle_pool_child_leaves_a_worker_that_keeps_taking_work(fs_worker):
    """Root cause of the futex hang: the idle child waits for a job while holding the pool's shared queue lock;
    killed, it never released it. Every child is killed once, so the lock holder surely is."""
    worker, app, _ = fs_worker
    first = _ping(app, worker)
    killed = []
    for pid in worker.children():
        _kill_and_wait_for_replacement(worker, pid)
        killed.append(pid)
        answered_by = _ping(app, worker)
        assert answered_by not in killed
    assert first in killed or first in worker.children()
    assert worker.process.poll() is None


def test_a_child_killed_while_running_a_task_is_replaced_and_the_pool_goes_on(fs_worker):
    worker, app, _ = fs_worker
    pids = set(worker.children())
    for _ in range(3):
        assert _ping(app, worker) in pids | set(worker.children())
    for pid in worker.children():
        _kill_and_wait_for_replacement(worker, pid)
    results = {_ping(app, worker) for _ in range(4)}
    assert results <= set(worker.children())


def test_a_corrupt_or_empty_message_file_is_moved_aside_and_logged_and_the_worker_goes_on(fs_worker):
    worker, app, var_dir = fs_worker
    broker = var_dir / "broker"
    bad = {
        "0000000000001_empty.celery.msg": b"",  # the disk filled up before the first byte
        "0000000000002_cut.celery.msg": b'{"body": "eyJ',  # ... or in the middle
        "0000000000003_garbage.celery.msg": b"\xff\xfe not json",
        "0000000000004_shape.celery.msg": b"[1, 2, 3]",  # JSON, but not a message
    }
    for name, payload in bad.items():
        (broker / name).write_bytes(payload)

    _ping(app, worker)  # answered: the worker is alive and went past the bad files

    assert worker.process.poll() is None
    assert sorted(p.name for p in (var_dir / "broker-corrupt").iterdir()) == sorted(bad)
    assert not [p for p in broker.iterdir() if p.name in bad]
    log = worker.log()
    assert all(name in log for name in bad)
    assert "not a valid message" in log
    assert "JSONDecodeError" not in log


def test_a_message_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    """A failed write (disk full) leaves no message file behind, and a reader never sees a half-written one."""
    import errno

    from kombu import Connection

    from config import broker

    options = _fs_options(tmp_path)
    for key in ("data_folder_in", "processed_folder", "control_folder"):
        Path(options[key]).mkdir(parents=True, exist_ok=True)
    with Connection("filesystem://", transport=broker.Transport, transport_options=options) as connection:
        queue = connection.SimpleQueue("faults")
        queue.put({"n": 1})
        assert [p.name.endswith(".faults.msg") for p in Path(options["data_folder_in"]).iterdir()] == [True]

        def disk_full(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(broker.os, "fsync", disk_full)
        with pytest.raises(Exception, match="Cannot add file"):
            queue.put({"n": 2})
        monkeypatch.undo()
        assert len(list(Path(options["data_folder_in"]).iterdir())) == 1  # nothing half-written left
        assert queue.get(timeout=5).payload == {"n": 1}
        queue.close()


def test_the_embedded_broker_uses_the_safe_transport_and_the_pool_its_safe_locks():
    from celery.concurrency import get_implementation

    from config import pool
    from config.celery import app

    assert get_implementation(app.conf.worker_pool) is pool.TaskPool
    assert pool.TaskPool.BlockingPool is pool.DeathSafeBlockingPool
    if str(app.conf.broker_url).startswith("filesystem"):
        assert app.conf.broker_transport == "config.broker:Transport"
    else:
        assert app.conf.broker_transport in (None, "")  # Redis keeps its own transport


def test_the_death_safe_lock_is_released_when_its_holder_is_killed():
    from config.pool import ProcessDeathSafeLock

    lock = ProcessDeathSafeLock()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child takes the lock, says so, and waits to be killed holding it
        try:
            lock.acquire()
            os.write(write, b"1")
            time.sleep(60)
        finally:
            os._exit(0)
    try:
        assert os.read(read, 1) == b"1"
        assert not lock.acquire(timeout=0.2)  # held by the child
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        assert lock.acquire(timeout=5)  # released by the kernel with the child
        lock.release()
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(read)
        os.close(write)


# --- runs whose process died (Redis + PostgreSQL, a prefork worker and beat) ------------------------------------


class Tarpit:
    """A TCP server that accepts and never answers: a run against it blocks, so its process can be killed."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.connections: list[socket.socket] = []
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stopped:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self.stopped = True
        self.socket.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def prefork_worker_and_beat(transactional_db, tmp_path):
    from tests.plugins.worker import own_queue

    with own_queue() as queue:
        tarpit = Tarpit()
        env = {"SANDBOX_URL": tarpit.url}
        worker = start_worker(
            queue=queue, log_path=tmp_path / "worker.log", extra_env=env, pool="prefork", concurrency=2
        )
        beat = None
        try:
            beat = start_beat(queue=queue, log_path=tmp_path / "beat.log", extra_env=env)
            yield worker, beat
        finally:
            if beat is not None:
                beat.stop()
            _stop(worker)
            tarpit.close()


@pytest.mark.worker
def test_a_run_whose_process_is_killed_becomes_worker_lost_by_beat_and_check_starts_a_new_run(
    prefork_worker_and_beat, student, password
):
    from django.test import Client
    from django.urls import reverse

    from tutorial.learning import services
    from tutorial.learning.models import Run
    from tutorial.learning.tests.conftest import make_connection

    worker, beat = prefork_worker_and_beat
    make_connection(student)
    run = services.run_start(user=student, tutorial="aws-hands-on", step="load-balancer")
    wait_until(
        lambda: Run.objects.filter(pk=run.pk, state="running", heartbeat_at__isnull=False).exists(),
        timeout=60,
        what="the worker to start the run (it then blocks on a server that never answers)",
        worker=worker,
    )
    children = worker.children()
    for pid in children:  # the process running it is one of them
        os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()

    # Nobody opens a page: beat's periodic task, run by the pool's replacement children, marks it lost.
    lost = wait_until(
        lambda: Run.objects.filter(pk=run.pk, state="error", error_code="worker_lost").first(),
        timeout=40,  # the 30 s (design: 20 s heartbeat timeout + 5 s period), with slack for a busy CI box
        what="the run of the killed process to be marked worker_lost",
        worker=worker,
    )
    print(f"worker_lost {time.monotonic() - killed_at:.1f} s after kill -9 of the pool children")
    assert lost.finished_at is not None
    assert worker.process.poll() is None and not set(worker.children()) & set(children)
    assert "learning.expire_stale" in beat.log()

    client = Client()
    client.force_login(student)
    response = client.post(
        reverse("learning:check", args=["aws-hands-on", "load-balancer"]),
        {"section": "create-alb"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    fresh = Run.objects.filter(user=student).exclude(pk=run.pk).get()
    assert fresh.state in ("queued", "running")
    # ... and the replacement children take it.
    wait_until(
        lambda: Run.objects.filter(pk=fresh.pk, state="running").exists(), timeout=60, what="the new run", worker=worker
    )


# --- a real-AWS run whose endpoint never answers (Redis + PostgreSQL, a prefork worker) --------------------------

HUNG_SOFT_LIMIT, HUNG_HARD_LIMIT = 4, 8  # the verify task's limits here (production: 100 s and 120 s)


@pytest.fixture
def worker_whose_aws_never_answers(transactional_db, tmp_path):
    """A prefork worker (Celery enforces time limits in prefork children only) whose AWS endpoint (boto3 reads
    AWS_ENDPOINT_URL when a client is given none, as for an access-key connection) is the tarpit."""
    from tests.plugins.worker import own_queue

    with own_queue() as queue:
        tarpit = Tarpit()
        env = {"AWS_ENDPOINT_URL": tarpit.url}  # the limits come with the message (see the test)
        worker = start_worker(
            queue=queue, log_path=tmp_path / "worker.log", extra_env=env, pool="prefork", concurrency=1
        )
        try:
            yield worker, tarpit
        finally:
            _stop(worker)
            tarpit.close()


@pytest.mark.worker
def test_a_real_aws_run_whose_endpoint_never_answers_ends_as_could_not_check_within_the_task_time_limits(
    worker_whose_aws_never_answers, student, monkeypatch
):
    from tutorial.learning import crypto, services, tasks
    from tutorial.learning.models import Run
    from tutorial.learning.tests.conftest import make_connection

    worker, tarpit = worker_whose_aws_never_answers
    # The message carries the sending task's limits (Celery's exec options), which the worker applies: lowered
    # here. Limits removed from the task stay removed (the worker's are then the settings' 100/120 s: the test fails).
    for name, lowered in (("soft_time_limit", HUNG_SOFT_LIMIT), ("time_limit", HUNG_HARD_LIMIT)):
        if getattr(tasks.verify, name):
            monkeypatch.setattr(tasks.verify, name, lowered)
    monkeypatch.setattr(tasks.verify, "_exec_options", None)  # rebuilt from the attributes on the next send
    make_connection(
        student,
        kind="keys",
        access_key_id_encrypted=crypto.encrypt("AKIAHANGINGENDPOINT1"),
        secret_access_key_encrypted=crypto.encrypt("never-answered-secret"),
    )
    run = services.run_start(user=student, tutorial="aws-hands-on", step="load-balancer")
    started = wait_until(
        lambda: Run.objects.filter(pk=run.pk, started_at__isnull=False).first(),
        timeout=60,
        what="the worker to start the run",
        worker=worker,
    )
    # The soft limit stops the run; without it (or the hard limit) the reads' own timeouts and retries take ~40 s.
    finished = wait_until(
        lambda: Run.objects.filter(pk=run.pk, state__in=["done", "error"]).first(),
        timeout=HUNG_HARD_LIMIT + 12,
        what="the run against an endpoint that never answers to end",
        worker=worker,
    )
    took = (finished.finished_at - started.started_at).total_seconds()
    print(f"the run ended as {finished.state}/{finished.error_code} after {took:.1f} s")
    assert tarpit.connections  # the run did call (real HTTP) the endpoint that never answers
    assert finished.state == "error" and finished.error_code == "time_limit"
    assert took <= HUNG_HARD_LIMIT + 2
    # A could-not-check, never the learner's failure: no check passed or failed.
    assert not finished.results.exclude(status__in=["error", "skipped"]).exists()
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(student)
    page = client.get(reverse("learning:run", args=[run.pk])).content.decode()
    assert "時間がかかりすぎたため止めました。" in page
