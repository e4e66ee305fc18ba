"""Benchmark: "check everyone" for a class of 300 sandbox learners with two worker processes, and the dashboard.

What it does:
1. Uses PostgreSQL when DATABASE_URL is set (creating the database if it does not exist), else a fresh SQLite file
   under var/bench/ (worker subprocesses cannot share an in-memory database). The broker is Redis: REDIS_URL or
   CELERY_BROKER_URL (default redis://127.0.0.1:6379/0); its queue is purged first.
2. Starts the sandbox AWS in this process (moto + data plane on free loopback ports).
3. Builds a class of N learners (default 300), each with a sandbox connection and their own sandbox account.
   `--prepared K` of them (default 20) also get the tutorial's prerequisites and the create-alb section built in
   their sandbox account, so their runs go the whole way (target health, probes) instead of failing early.
4. Starts W Celery worker processes (default 2, each `celery -A config worker --pool threads -c 8`: a run mostly
   waits on the sandbox's HTTP answers, so threads overlap that waiting), waits until they answer.
5. Runs "check everyone" (the service the dashboard's button calls: one run per learner, one Celery group), polls
   the database until every run of the fan-out has finished, and prints the time to complete, where a run's time
   went (waiting in the queue, the engine, storing) and how many database connections the workers hold after it.
6. Renders the instructor's dashboard (full page and grid partial) with the test client: median time of 5 renders
   and the number of SQL queries; then times a poll when nothing changed (answered 204, nothing rendered).
7. With `--poll`, the instructor's dashboard is open during the fan-out: every 2 s it polls as the page does (the
   URL of the poller each answer carries), and the time and size of each poll are printed (a big class: 1,000).

The load average is printed at the start and the end: the figures are only comparable on a quiet machine, and CPU
per run (worker and sandbox) is the figure to compare when it is not.

Run it (a few minutes; most of it is building the class and preparing the K learners):

    REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python benchmarks/class_check_everyone.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/handson_bench REDIS_URL=redis://127.0.0.1:6379/4 \
        .venv/bin/python benchmarks/class_check_everyone.py --students 300 --workers 2 --prepared 20
    # the dashboard's poll at 1,000 learners while check everyone runs:
    ... benchmarks/class_check_everyone.py --students 1000 --workers 2 --prepared 20 --poll

It is a script that prints figures, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

TUTORIAL, STEP = "aws-hands-on", "load-balancer"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        _ensure_postgres_database(url)
        return url
    path = BASE_DIR / "var" / "bench" / "class_check_everyone.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _ensure_postgres_database(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        return
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="worker processes (default: cores)")
    parser.add_argument("--pool", default="threads", help="each worker's pool: threads (default), prefork, solo")
    parser.add_argument("--concurrency", type=int, default=8, help="each worker's concurrency (default 8)")
    parser.add_argument("--prepared", type=int, default=20, help="learners whose sandbox gets resources built")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="touch every learner's sandbox EC2 before the fan-out (a class in session: accounts already used), so "
        "the sandbox's one-off cost of a never-touched account (moto builds its EC2 backend, ~1,300 default AMIs) "
        "is not in the figure",
    )
    parser.add_argument(
        "--no-persist",
        action="store_true",
        help="run the sandbox without saving learners' state (as deployed it saves, into a temporary dir here)",
    )
    parser.add_argument(
        "--poll",
        action="store_true",
        help="poll the dashboard every 2 s during the fan-out, as the instructor's open page does, and print each "
        "poll's time and size",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="check everyone this many times in a row (from the second on, the workers keep each learner's "
        "credentials and clients: a class in session)",
    )
    parser.add_argument("--timeout", type=int, default=900, help="give up waiting for the runs after this (s)")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = _database_url()
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    os.environ["CELERY_BROKER_URL"] = broker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from django.conf import settings
    from django.core.management import call_command

    from provisioning.sandbox.server import SandboxServer

    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}  broker: {broker.split('@')[-1]}")
    print(f"LOAD AVERAGE at the start: {_load()} (on {os.cpu_count()} CPUs)")
    call_command("migrate", verbosity=0)
    state_dir = None if args.no_persist else tempfile.mkdtemp(prefix="bench-sandbox-state-")
    print(f"sandbox state: {state_dir or 'not saved'}")
    server = SandboxServer("127.0.0.1", 0, 0, state_dir=state_dir, save_interval=5).start()
    settings.SANDBOX_URL, settings.SANDBOX_DATAPLANE_URL = server.url, server.dataplane_url
    workers: list[subprocess.Popen] = []
    try:
        classroom, instructor = _build_class(args.students, args.prepared, warm=args.warm)
        workers = _start_workers(args.workers, server, pool=args.pool, concurrency=args.concurrency)
        for round_ in range(1, args.rounds + 1):
            if args.rounds > 1:
                print(
                    f"ROUND {round_} of {args.rounds}"
                    + (" (the same class again: a class in session)" if round_ > 1 else "")
                )
            cpu_before, main_before = _cpu_seconds(workers), time.thread_time()
            runs = _check_everyone(classroom, instructor, args.timeout, poll=args.poll)
            main_thread = time.thread_time() - main_before  # this thread's polling, not the sandbox's serving
            _print_cpu(cpu_before, _cpu_seconds(workers), runs, main_thread)
        _database_connections()
        _render_dashboard(classroom, instructor)
        _unchanged_poll(classroom, instructor)
        _changed_rows_poll(classroom, instructor)
        print(f"LOAD AVERAGE at the end: {_load()}")
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        server.stop()
    return 0


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _build_class(students: int, prepared: int, *, warm: bool = False):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.utils import timezone

    from provisioning.recipes import run_recipe
    from provisioning.sandbox import new_account_id, spec_for
    from tutorial.classes.models import Classroom, Enrollment
    from tutorial.classes.services import classroom_create
    from tutorial.learning.models import Connection

    user_model = get_user_model()
    started = time.perf_counter()
    user_model.objects.filter(username__startswith="bench-").delete()
    Classroom.objects.filter(name__startswith="bench ").delete()
    instructor = user_model.objects.create_user(username="bench-instructor")
    instructor.user_permissions.add(Permission.objects.get(codename="add_classroom"))
    classroom = classroom_create(instructor=instructor, name="bench クラス", tutorial=TUTORIAL, region="ap-northeast-1")
    # Japanese names, as in a real class (and the CSV export).
    users = user_model.objects.bulk_create(
        [
            user_model(username=f"bench-{i:04d}", first_name=f"太郎{i}", last_name="山田", email=f"b{i}@example.com")
            for i in range(students)
        ]
    )
    users = list(
        user_model.objects.filter(username__startswith="bench-").exclude(pk=instructor.pk).order_by("username")
    )
    Enrollment.objects.bulk_create([Enrollment(classroom=classroom, user=u) for u in users])
    now = timezone.now()
    connections = Connection.objects.bulk_create(
        [Connection(user=u, kind="sandbox", sandbox_account=new_account_id(), validated_at=now) for u in users]
    )
    print(f"class of {len(users)} sandbox learners built in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    for connection in connections[:prepared]:
        spec = spec_for(connection.sandbox_account, "ap-northeast-1")
        run_recipe(spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer")
        run_recipe(spec, "solve", tutorial="aws-hands-on", step="load-balancer", section="create-alb")
    if prepared:
        print(f"{prepared} learners prepared (prerequisites + create-alb) in {time.perf_counter() - started:.1f} s")
    if warm:
        from provisioning.sessions import client_for, session_for

        started = time.perf_counter()
        for connection in connections[prepared:]:
            spec = spec_for(connection.sandbox_account, "ap-northeast-1")
            client_for(session_for(spec), "ec2", spec).describe_vpcs()
        print(f"{len(connections) - prepared} other sandbox accounts warmed in {time.perf_counter() - started:.1f} s")
    else:
        print(f"{len(connections) - prepared} sandbox accounts are cold (first touched by the check; see --warm)")
    return classroom, instructor


def _start_workers(count: int, server, *, pool: str, concurrency: int) -> list[subprocess.Popen]:
    from config.celery import app

    app.control.purge()
    env = dict(
        os.environ,
        SANDBOX_URL=server.url,
        SANDBOX_DATAPLANE_URL=server.dataplane_url,
        PYTHONPATH=str(BASE_DIR),
        LOG_LEVEL="WARNING",
    )
    workers = []
    for i in range(count):
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", str(concurrency), "-P", pool]
        command += ["-n", f"bench{i}-{os.getpid()}@%h", "-l", "warning", "--without-gossip", "--without-mingle"]
        workers.append(subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        mine = [r for r in replies for name in r if f"-{os.getpid()}@" in name]
        if len(mine) >= count:
            print(f"{count} worker processes ready (pool {pool}, concurrency {concurrency} each)")
            return workers
        if any(w.poll() is not None for w in workers):
            raise SystemExit("a worker exited while starting (see its output above)")
    raise SystemExit("the workers did not answer within 90 s")


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and its children (a prefork worker's pool processes), Linux only."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _cpu_seconds(workers: list[subprocess.Popen]) -> dict[str, float]:
    """CPU used so far by this process (the sandbox AWS serves from its threads) and by each worker."""
    if not Path("/proc/self/stat").exists():
        return {}
    times = os.times()
    cpu = {"sandbox (this process)": times.user + times.system}
    cpu.update({f"worker {i}": _process_cpu(w.pid) for i, w in enumerate(workers)})
    return cpu


def _print_cpu(before: dict[str, float], after: dict[str, float], runs: int, main_thread: float) -> None:
    """Where the CPU went during the fan-out (tells a saturated sandbox from saturated workers), and per run.

    The sandbox serves from this process's other threads: its share is this process's CPU less the main thread's
    (which only polls the database for the progress)."""
    if not before:
        return
    used = {name: after[name] - before[name] for name in before}
    used["sandbox (this process)"] = max(0.0, used["sandbox (this process)"] - main_thread)
    shares = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in used.items())
    print(f"  CPU during the fan-out: {shares} (on {os.cpu_count()} CPUs)")
    if runs:
        workers = sum(s for n, s in used.items() if n.startswith("worker"))
        sandbox = used.get("sandbox (this process)", 0.0)
        print(
            f"CPU PER RUN: worker {workers * 1000 / runs:.1f} ms, sandbox {sandbox * 1000 / runs:.1f} ms "
            f"(progress polling, not counted: {main_thread:.1f} s)"
        )


def _check_everyone(classroom, instructor, timeout: int, *, poll: bool = False) -> int:
    from collections import Counter

    from django.utils import timezone

    from tutorial.classes.selectors import class_check_progress
    from tutorial.classes.services import class_check_start
    from tutorial.learning.models import Result, Run

    started = time.perf_counter()
    started_wall = timezone.now()
    check = class_check_start(classroom=classroom, step=STEP, started_by=instructor)
    fanned = time.perf_counter() - started
    total = len(check.run_ids)
    last_print = 0.0
    poller = _DashboardPoller(classroom, instructor) if poll else None
    while True:
        progress = class_check_progress(class_check=check)
        elapsed = time.perf_counter() - started
        if progress.complete:
            break
        if elapsed - last_print >= 5:
            print(f"  {progress.finished}/{total} runs finished after {elapsed:.0f} s")
            last_print = elapsed
        if elapsed > timeout:
            raise SystemExit(f"gave up after {timeout} s: {progress.finished}/{total} runs finished")
        if poller is not None:
            poller.maybe_poll()
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    runs = Run.objects.filter(id__in=check.run_ids)
    states = Counter(runs.values_list("state", flat=True))
    errors = Counter(runs.exclude(error_code="").values_list("error_code", flat=True))
    statuses = Counter(Result.objects.filter(run_id__in=check.run_ids).values_list("status", flat=True))
    durations = sorted(d for d in runs.values_list("duration_ms", flat=True) if d is not None)
    print(f"check everyone: {total} runs fanned out in {fanned * 1000:.0f} ms (one Celery group)")
    print(f"CHECK EVERYONE: {total} runs finished in {elapsed:.1f} s ({total / elapsed:.1f} runs/s)")
    print(f"  run states: {dict(states)}  error codes: {dict(errors) or '-'}")
    print(f"  result statuses: {dict(statuses)}")
    if durations:
        median = statistics.median(durations)
        print(f"  engine time per run: median {median:.0f} ms, max {durations[-1]} ms")
    _time_breakdown(runs, started_wall)
    if poller is not None:
        poller.report()
    return total


class _DashboardPoller:
    """The instructor's open dashboard during the fan-out: a poll every 2 s, each at the URL the last answer gave."""

    EVERY = 2.0

    def __init__(self, classroom, instructor) -> None:
        import re

        from django.test import Client
        from django.urls import reverse

        self.client = Client(HTTP_HOST="127.0.0.1", HTTP_HX_REQUEST="true")
        self.client.force_login(instructor)
        self.students = classroom.enrollments.count()
        html = self.client.get(reverse("classes:grid", args=[classroom.pk])).content.decode()
        self._pattern = re.compile(r'id="grid-poller"[^>]*hx-get="([^"]+)"', re.S)
        self.url = self._pattern.search(html).group(1).replace("&amp;", "&")
        self.full_grid = len(html)
        self.polls: list[tuple[float, int, int, bool]] = []  # (ms, bytes, status, whole grid)
        self.last = 0.0

    def maybe_poll(self) -> None:
        now = time.perf_counter()
        if now - self.last < self.EVERY:
            return
        self.last = now
        response = self.client.get(self.url)
        elapsed = (time.perf_counter() - now) * 1000
        whole = bool(response.get("HX-Retarget"))
        self.polls.append((elapsed, len(response.content), response.status_code, whole))
        if response.status_code == 200:
            found = self._pattern.search(response.content.decode())
            if found:
                self.url = found.group(1).replace("&amp;", "&")

    def report(self) -> None:
        if not self.polls:
            print("DASHBOARD POLL during check everyone: no poll (the fan-out finished within 2 s)")
            return
        times = sorted(p[0] for p in self.polls)
        sizes = sorted(p[1] for p in self.polls)
        whole = sum(1 for p in self.polls if p[3])
        unchanged = sum(1 for p in self.polls if p[2] == 204)
        print(
            f"DASHBOARD POLL during check everyone ({self.students} learners, every {self.EVERY:.0f} s): "
            f"{len(self.polls)} polls, time median {statistics.median(times):.0f} ms / max {times[-1]:.0f} ms, "
            f"size median {statistics.median(sizes) / 1024:.0f} KiB / max {sizes[-1] / 1024:.0f} KiB "
            f"(the whole grid is {self.full_grid / 1024:.0f} KiB; {whole} polls sent it whole, {unchanged} unchanged)"
        )


def _time_breakdown(runs, started_wall) -> None:
    """Where a run's time went: queued (fan-out to a worker picking it up), in the worker (engine + storing)."""
    rows = list(runs.values_list("created_at", "started_at", "finished_at", "duration_ms"))
    queued = sorted((s - c).total_seconds() * 1000 for c, s, f, d in rows if s)
    in_worker = sorted((f - s).total_seconds() * 1000 for c, s, f, d in rows if s and f)
    storing = sorted((f - s).total_seconds() * 1000 - d for c, s, f, d in rows if s and f and d is not None)
    first = min(s for c, s, f, d in rows if s)
    last = max(f for c, s, f, d in rows if f)

    def med(values: list[float]) -> str:
        return f"median {statistics.median(values):.0f} ms, p90 {values[int(len(values) * 0.9)]:.0f} ms"

    print(f"  in the queue: {med(queued)}  (first run started {(first - started_wall).total_seconds():.2f} s in)")
    print(f"  in the worker per run (engine + store): {med(in_worker)}")
    print(f"  storing + bookkeeping per run (worker time - engine time): {med(storing)}")
    print(f"  first start to last finish: {(last - first).total_seconds():.1f} s")


def _database_connections() -> None:
    """Connections to this database held by other processes (the workers): bounded by their concurrency, no leak."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT state, count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
            "pg_backend_pid() GROUP BY state ORDER BY state"
        )
        rows = cursor.fetchall()
    total = sum(n for _, n in rows)
    print(f"DB CONNECTIONS held by the workers after the run: {total} {dict(rows)}")


def _render_dashboard(classroom, instructor) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(instructor)
    for name in ("classes:dashboard", "classes:grid"):
        url = reverse(name, args=[classroom.pk])
        client.get(url)  # warm caches (content pack, templates)
        times, queries = [], 0
        for _ in range(5):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
            queries = len(ctx)
        rows = response.content.decode().count('data-student="bench-')
        label = "DASHBOARD page" if name == "classes:dashboard" else "GRID partial (the poll)"
        print(
            f"{label}: {rows} rows rendered in {statistics.median(times) * 1000:.0f} ms (median of 5), "
            f"{queries} SQL queries, {len(response.content) // 1024} KiB"
        )


def _unchanged_poll(classroom, instructor) -> None:
    import re

    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST="127.0.0.1", HTTP_HX_REQUEST="true")
    client.force_login(instructor)
    html = client.get(reverse("classes:grid", args=[classroom.pk])).content.decode()
    poll = re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    times = []
    for _ in range(5):
        started = time.perf_counter()
        status = client.get(poll).status_code
        times.append(time.perf_counter() - started)
    print(f"UNCHANGED POLL: answered {status} in {statistics.median(times) * 1000:.1f} ms (median of 5)")


def _changed_rows_poll(classroom, instructor) -> None:
    """A poll after one learner's run finished: only that row (and the summary) is sent, not the whole grid."""
    import re

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from tutorial.learning.models import Run

    client = Client(HTTP_HOST="127.0.0.1", HTTP_HX_REQUEST="true")
    client.force_login(instructor)
    html = client.get(reverse("classes:grid", args=[classroom.pk])).content.decode()
    poll = re.search(r'id="grid-poller"[^>]*hx-get="([^"]+)"', html, re.S).group(1).replace("&amp;", "&")
    run = Run.objects.filter(user__enrollments__classroom=classroom).order_by("-id").first()
    Run.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    started = time.perf_counter()
    response = client.get(poll)
    elapsed = time.perf_counter() - started
    rows = response.content.decode().count('data-student="bench-')
    whole = " (the whole grid: the minute turned)" if response.get("HX-Retarget") else ""
    print(
        f"CHANGED-ROWS POLL: {rows} row(s) sent{whole}, {len(response.content) // 1024} KiB "
        f"in {elapsed * 1000:.0f} ms (the full grid is {len(html) // 1024} KiB)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
