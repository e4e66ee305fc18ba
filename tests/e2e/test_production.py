"""The deployed product works: docker-compose.yml's own services, commands and environment, over HTTPS.

tests/e2e/production.py starts migrate, the sandbox, gunicorn (DEBUG off, whitenoise, the CSP, HSTS), a Celery
worker and beat against this machine's PostgreSQL (a fresh database) and Redis. Then Chromium: an instructor signs
up, the operator grants them instructor rights (`manage.py grant_instructor`, as `docker-compose run web ...`), they
create a class and keep its dashboard open; a learner signs up, connects the sandbox, joins the class, prepares,
checks (fails with reasons), does it for me, checks (all pass), cleans up; the open dashboard shows that learner's
passing cells without a reload. Throughout: no static URL answers anything but 200, no console error (a CSP
violation is one), cookies are Secure, the 404 page is the product's own, and `manage.py check --deploy` passes
with no warning in the web service's environment. A summary goes to $E2E_ARTIFACTS/production-journey.txt.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest

from tests.e2e.journey import SLOW, run_learner_journey, sign_up
from tests.e2e.production import Loopback, Product, dotenv_for_https, memory_report
from tests.e2e.waits import watch_console
from tests.plugins.worker import _skip_or_fail, database_url, services_problem

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.sandbox]


@pytest.fixture
def fresh_database():
    """A new, empty PostgreSQL database on the test server (the product migrates it), dropped afterwards."""
    problem = services_problem()
    if problem:
        _skip_or_fail(problem)
    import psycopg
    from django.conf import settings

    db = dict(settings.DATABASES["default"])
    name = f"handson_prod_{uuid.uuid4().hex[:10]}"
    admin = database_url({**db, "NAME": "postgres"})
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url({**db, "NAME": name})
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def product(fresh_database, tmp_path):
    from config.celery import app

    broker = str(app.conf.broker_url)
    import redis

    redis.Redis.from_url(broker).delete("celery")  # compose's default queue: nothing left over from an earlier run
    loopback = Loopback(database_url=fresh_database, redis_url=broker)
    running = Product(tmp_path, loopback, dotenv_for_https(loopback.web_port))
    try:
        running.up()
        yield running
    finally:
        running.down()


def test_the_compose_product_over_https_carries_a_learner_through_step5_live_on_the_class_dashboard(
    product, browser, artifacts_dir
):
    base = product.base_url
    summary: list[str] = [f"product: docker-compose.yml services {', '.join(product.processes)} at {base}"]

    # What an operator runs: `docker-compose run web python manage.py check --deploy`.
    deploy = product.run("web", "python manage.py check --deploy --fail-level WARNING")
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    summary.append(f"check --deploy (web's environment): {deploy.stdout.strip()}")
    assert product.env("web")["DEBUG"] == "false"
    # The worker's own compose healthcheck (celery ping + the /healthz checks from the worker's environment).
    healthcheck = product.services["worker"]["healthcheck"]["test"]
    worker_health = product.run("worker", healthcheck[1].replace("$$", "$"), timeout=120)
    assert worker_health.returncode == 0, worker_health.stdout + worker_health.stderr
    summary.append("worker healthcheck (compose's command): ok")

    static: dict[str, int] = {}

    def new_page(width: int):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="ja-JP", ignore_https_errors=True
        )
        context.on(
            "response",
            lambda r: static.__setitem__(urlsplit(r.url).path, r.status) if "/static/" in r.url else None,
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        return context, page, watch_console(page)

    teacher_context, teacher, teacher_errors = new_page(1600)
    learner_context, learner, learner_errors = new_page(1280)
    try:
        # The instructor signs up; the operator makes them an instructor; they create a class.
        sign_up(teacher, base, "sensei")
        grant = product.run("web", "python manage.py grant_instructor sensei")
        assert grant.returncode == 0, grant.stderr
        teacher.goto(base + "/ja/classes/new/")
        teacher.fill("input[name=name]", "本番クラス")
        teacher.locator("form.class-form button[type=submit]").click()
        teacher.wait_for_url(re.compile(r".*/ja/classes/\d+/roster/$"))
        code = teacher.locator("[data-join-code]").inner_text().strip()
        class_id = re.search(r"/classes/(\d+)/", teacher.url).group(1)
        teacher.goto(f"{base}/ja/classes/{class_id}/")
        teacher.evaluate("window.__sameDashboard = true")  # survives only if the page is never reloaded

        def join_class(page) -> None:
            page.goto(base + "/ja/classes/join/")
            page.fill("input[name=code]", code)
            page.locator("main form.lc-form button[type=submit]").click()
            page.wait_for_load_state()
            confirm = page.locator("main form[method=post] button[type=submit]")  # a confirmation page, if any
            if "/classes/join/" in page.url and confirm.count():
                confirm.first.click()
                page.wait_for_load_state()

        dashboard: list[str] = []

        def look_at_the_dashboard(page) -> None:
            # While every check passes (cleaning up re-checks, and then they fail), the instructor's dashboard,
            # never reloaded, shows the learner's passing checks.
            row = teacher.locator('tr[data-student="taro"]')
            row.wait_for(timeout=SLOW)
            row.locator('td[data-check="alb.exists"][data-status="pass"]').wait_for(timeout=SLOW)
            row.locator('td[data-check="ec2sg.no_public_ingress"][data-status="pass"]').wait_for(timeout=SLOW)
            assert teacher.evaluate("window.__sameDashboard") is True
            teacher.screenshot(path=str(artifacts_dir / "production-dashboard.ja.png"), full_page=True)
            passing = row.locator('td[data-status="pass"]').count()
            dashboard.append(f"instructor's dashboard (no reload): taro's row shows {passing} passing checks")

        run_learner_journey(
            learner,
            base,
            artifacts_dir,
            username="taro",
            prefix="production",
            after_connect=join_class,
            before_cleanup=look_at_the_dashboard,
        )
        summary.append(
            "learner: signed up, connected the sandbox, joined the class, prepared, checked (failing with hints), "
            "did it for me, checked (all pass), cleaned up"
        )
        summary.extend(dashboard)

        # HTTPS settings in effect on a page.
        headers = learner.goto(base + "/ja/tutorials/aws-hands-on/").all_headers()
        assert headers["strict-transport-security"].startswith("max-age=31536000")
        assert "script-src 'self'" in headers["content-security-policy"]
        cookies = learner_context.cookies()
        assert cookies and all(cookie["secure"] for cookie in cookies)
        summary.append(f"headers: HSTS {headers['strict-transport-security']!r}; CSP set; cookies Secure")
        # The product's own 404 page, never Django's debug page (last: the browser logs the 404 as an error).
        console_errors = teacher_errors + learner_errors
        response = learner.goto(base + "/ja/no-such-page/")
        assert response.status == 404
        html = learner.content()
        assert "ページが見つかりません" in html and "URLconf" not in html and "Traceback" not in html
        summary.append("404: the product's page (no debug page)")

    finally:
        teacher_context.close()
        learner_context.close()

    # Every page's CSS and scripts loaded: no static URL answered anything but 200.
    assert static, "no static file was requested"
    failed = {path: status for path, status in static.items() if status != 200}
    assert not failed, failed
    assert any("/static/django_htmx/htmx-2.min." in path for path in static)
    assert all(re.search(r"\.[0-9a-f]{12}\.(css|js|svg|png)$", path) for path in static), static  # hashed names
    summary.append(f"static URLs, all 200 ({len(static)}):")
    summary.extend(f"  {status} {path}" for path, status in sorted(static.items()))
    assert not console_errors, console_errors
    summary.append("console errors: none")
    runs = [line for line in product.log("worker").splitlines() if "run finished" in line]
    summary.append(f"worker log lines per run: {len(runs)}")
    summary.extend(f"  {line.strip()}" for line in runs[-3:])

    summary.append(
        "resident memory per process (MB): " + "; ".join(f"{k} {v}" for k, v in memory_report(product).items())
    )

    text = "\n".join(summary)
    (artifacts_dir / "production-journey.txt").write_text(text + "\n", encoding="utf-8")
    print(text)  # noqa: T201 - the closing note quotes it
