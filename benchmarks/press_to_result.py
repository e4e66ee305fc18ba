"""Benchmark: press-to-result of "Check" on the step page, in a real browser, for the two set-ups.

What it measures: the time from the click on a checkpoint's "チェック" button until that panel shows the result of
the new run (its "Details" link names a newer run and the button is enabled again), measured inside the page with
`performance.now()`, over N presses (default 20) on the sandbox, after "Prepare" (so every check runs).

Set-ups (each started from scratch as `make run` would, with its own VAR_DIR and free ports):
- `redis`: PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/handson_bench, created if missing
  and wiped) and Redis (REDIS_URL, default redis://127.0.0.1:6379/0, on a queue of its own).
- `embedded`: the default: a SQLite file and the filesystem broker.
Processes: `manage.py runserver --noreload` (web), `celery worker --concurrency=2` (as Procfile.dev) and
`manage.py sandbox`. Browser: Debian's chromium via Playwright (CHROMIUM_PATH, default /usr/bin/chromium).

    .venv/bin/python benchmarks/press_to_result.py                       # both set-ups
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/handson_x REDIS_URL=redis://127.0.0.1:6379/6 \
        .venv/bin/python benchmarks/press_to_result.py --setup redis --presses 20

It also counts the requests the page sends per press (to see that only the pressed panel waits). It prints
figures; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.e2e.journey import connect_sandbox, prepare, sign_up  # noqa: E402
from tests.processes import NotReady, free_pair, free_port, http_answers, stop_groups, wait_until  # noqa: E402

BIN = Path(sys.executable).parent
STEP_PATH = "/ja/tutorials/aws-hands-on/load-balancer/"
SECTION = "create-alb"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# One press, inside the page: click, then look every 5 ms until the panel shows a newer run's result.
PRESS_JS = """
async (section) => {
  const sel = "#lc-" + section;
  const runLink = (p) => { const a = p && p.querySelector("a[href*='/learn/runs/']"); return a ? a.href : ""; };
  const before = runLink(document.querySelector(sel));
  const t0 = performance.now();
  document.querySelector(sel + " form[action$='/check/'] button").click();
  while (performance.now() - t0 < 60000) {
    await new Promise((r) => setTimeout(r, 5));
    const p = document.querySelector(sel);
    const button = p && p.querySelector("form[action$='/check/'] button");
    if (p && button && !button.disabled && runLink(p) && runLink(p) !== before) return performance.now() - t0;
  }
  return -1;
}
"""


def _reset_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _environment(setup: str, var_dir: Path, web_port: int, sandbox_port: int) -> dict[str, str]:
    drop = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_DEFAULT_QUEUE", "SANDBOX_URL"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("AWS_")}
    env.update(
        VAR_DIR=str(var_dir),
        HOST="127.0.0.1",
        PORT=str(web_port),
        SANDBOX_PORT=str(sandbox_port),
        SITE_URL=f"http://127.0.0.1:{web_port}",
        PATH=f"{BIN}:{env.get('PATH', '')}",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if setup == "redis":
        database = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/handson_bench")
        if not database.startswith(("postgres://", "postgresql://")):
            raise SystemExit("the redis set-up needs DATABASE_URL=postgres://...")
        _reset_postgres(database)
        broker = os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
        env.update(
            DATABASE_URL=database,
            REDIS_URL=broker,
            CELERY_BROKER_URL=broker,
            CELERY_TASK_DEFAULT_QUEUE=f"bench-{uuid.uuid4().hex[:8]}",
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'db.sqlite3'}"
    return env


def _start(env: dict[str, str], log: Path) -> dict[str, subprocess.Popen]:
    py = str(BIN / "python")
    commands = {
        "web": [py, "manage.py", "runserver", f"127.0.0.1:{env['PORT']}", "--noreload"],
        "worker": [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=WARNING", "--concurrency=2"],
        "sandbox": [py, "manage.py", "sandbox"],
    }
    out = log.open("w")
    return {
        name: subprocess.Popen(c, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        for name, c in commands.items()
    }


def _learner_ready(page, base: str) -> None:
    """Sign up, connect the sandbox, Prepare: the state in which a learner starts pressing Check."""
    sign_up(page, base, "bench")
    connect_sandbox(page)
    prepare(page, base, step_path=STEP_PATH, timeout=300_000)
    page.reload()
    page.wait_for_timeout(1500)  # let anything the recipe started settle before the first press


def measure(setup: str, presses: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix=f"bench-{setup}-") as tmp:
        var_dir = Path(tmp) / "var"
        web_port, sandbox_port = free_port(), free_pair()
        env = _environment(setup, var_dir, web_port, sandbox_port)
        for command in (["migrate", "--noinput", "-v", "0"], ["load_content"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True)
        procs = _start(env, Path(tmp) / "product.log")
        base = f"http://127.0.0.1:{web_port}"
        try:
            url = base + STEP_PATH
            try:
                wait_until(lambda: http_answers(url), url, processes=procs, timeout=120, interval=0.3)
            except NotReady as exc:
                raise SystemExit(f"the product did not start: {exc}") from None
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ja-JP")
                page.set_default_timeout(60_000)
                _learner_ready(page, base)
                requests: list[str] = []
                page.on("request", lambda r: requests.append(r.url) if "/learn/" in r.url else None)
                times, counts = [], []
                for _ in range(presses):
                    requests.clear()
                    ms = page.evaluate(PRESS_JS, SECTION)
                    page.wait_for_timeout(1200)  # the other panels' and the picture's refresh, then quiet
                    if ms < 0:
                        raise SystemExit("a press got no result within 60 s")
                    times.append(ms)
                    counts.append(len(requests))
                browser.close()
        finally:
            stop_groups(procs.values())
    times.sort()
    return {
        "setup": setup,
        "presses": presses,
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "min": times[0],
        "max": times[-1],
        "requests": statistics.median(counts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", choices=["redis", "embedded", "both"], default="both")
    parser.add_argument("--presses", type=int, default=20)
    args = parser.parse_args()
    setups = ["redis", "embedded"] if args.setup == "both" else [args.setup]
    rows = [measure(setup, args.presses) for setup in setups]
    print(f"\npress-to-result of Check, {args.presses} presses (ms, measured in the page):")
    print(f"{'set-up':<10} {'p50':>7} {'p95':>7} {'min':>7} {'max':>7}  requests/press")
    for r in rows:
        print(f"{r['setup']:<10} {r['p50']:7.0f} {r['p95']:7.0f} {r['min']:7.0f} {r['max']:7.0f}  {r['requests']:.0f}")


if __name__ == "__main__":
    main()
