"""The instructor's dashboard updates live: a student's check turns a cell from fail to pass, with no reload.

Two browser contexts (instructor, student) against the live server; the sandbox AWS (started for the module) holds
the student's account, and a REAL Celery worker process (tests/plugins/worker.py: Redis broker, the PostgreSQL test
database) runs every verification, exactly as in production: the student's "Check" button POSTs through the
learner's view and `run_start`, the broker carries the `verify` task to the worker, the worker runs provisioning's
engine against the sandbox and stores results and progress, and the dashboard's htmx polling of its grid partial
picks the new result up. The student's AWS state is changed with the provisioning recipes (what the learner would
do in the console).

Screenshots of the instructor's dashboard (after the cell turned) and the student's panel go to $E2E_ARTIFACTS.
Needs chromium (tests/e2e/conftest.py) and PostgreSQL + Redis for the worker; skipped with the reason otherwise
(failing instead under REQUIRE_E2E=1 / REQUIRE_SERVICES=1). Locally, for example:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/handson_classes REDIS_URL=redis://127.0.0.1:6379/4 \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/4 REQUIRE_E2E=1 .venv/bin/python -m pytest tests/e2e/test_dashboard.py
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from provisioning.sandbox.testing import sandbox_server  # noqa: F401 - fixture
from tests.e2e.waits import watch_console
from tests.plugins.worker import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.sandbox]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TUTORIAL, STEP, SECTION = "aws-hands-on", "load-balancer", "restrict-ec2-sg"
CHECK = "ec2sg.no_public_ingress"
SLOW = 120_000  # ms: a worker run plus the dashboard's next poll on a busy CI machine


def _login(context, live_server, user) -> None:
    """Sign the browser context in as `user` (a real session cookie, without going through a login form)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def _finished(run_id: int):
    from tutorial.learning.models import Run

    run = Run.objects.get(pk=run_id)
    return run if run.state not in Run.ACTIVE_STATES else None


def test_a_students_check_turns_the_instructors_cell_from_fail_to_pass_without_reload(
    sandbox_server,  # noqa: F811 - before the worker: it gets the sandbox's URLs from settings
    celery_worker,
    live_server,
    browser,
    artifacts_dir,
    django_user_model,
):
    from django.contrib.auth.models import Permission
    from playwright.sync_api import expect

    from provisioning.recipes import run_recipe
    from provisioning.sandbox import new_account_id, spec_for
    from tutorial.classes.services import classroom_create, enrollment_join
    from tutorial.learning.models import Connection, Result, Run
    from tutorial.learning.services import run_start

    instructor = django_user_model.objects.create_user(username="sensei")
    instructor.user_permissions.add(Permission.objects.get(codename="add_classroom"))
    student = django_user_model.objects.create_user(username="hanako", first_name="花子", last_name="佐藤")
    account = new_account_id()
    Connection.objects.create(
        user=student, kind="sandbox", sandbox_account=account, region="ap-northeast-1", validated_at=timezone.now()
    )
    classroom = classroom_create(instructor=instructor, name="AWS入門", tutorial=TUTORIAL, region="ap-northeast-1")
    enrollment_join(classroom=classroom, user=student)

    # The student has built the load balancer but not yet locked the instance's security group down; their
    # first check (through the worker) fails on that.
    spec = spec_for(account, "ap-northeast-1")
    assert run_recipe(spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
    assert run_recipe(spec, "solve", tutorial="aws-hands-on", step="load-balancer", section="create-alb").ok
    first = run_start(user=student, tutorial=TUTORIAL, step=STEP, section=SECTION)
    first = wait_until(lambda: _finished(first.pk), what="the first run on the worker", worker=celery_worker)
    assert first.state == Run.State.DONE, (first.state, first.error_code, celery_worker.log()[-2000:])
    assert Result.objects.get(run=first, check_id=CHECK).status == "fail"

    teacher_context = browser.new_context(viewport={"width": 1600, "height": 900}, locale="ja-JP")
    student_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    teacher = learner = None
    try:
        _login(teacher_context, live_server, instructor)
        _login(student_context, live_server, student)
        teacher = teacher_context.new_page()
        teacher.set_default_timeout(20_000)
        teacher_errors = watch_console(teacher)  # the live grid works under the CSP (no blocked eval or script)
        teacher.goto(live_server.url + reverse("classes:dashboard", args=[classroom.pk]))
        cell = teacher.locator(f'tr[data-student="hanako"] td[data-check="{CHECK}"]')
        expect(cell).to_have_attribute("data-status", "fail")
        # Survives only if the page is never reloaded or navigated away.
        teacher.evaluate("window.__dashboardMarker = 'same page'")
        navigations: list[str] = []
        teacher.on(
            "framenavigated", lambda frame: navigations.append(frame.url) if frame == teacher.main_frame else None
        )

        # The student fixes the security group (as they would in the console), then presses Check.
        assert run_recipe(spec, "solve", tutorial="aws-hands-on", step="load-balancer", section=SECTION).ok
        learner = student_context.new_page()
        learner.set_default_timeout(30_000)
        learner_errors = watch_console(learner)
        learner.goto(live_server.url + reverse("tutorial:step", args=[TUTORIAL, STEP]))
        learner.locator(f"#lc-{SECTION} button.lc-primary").click()
        expect(learner.locator(f'#lc-{SECTION} [data-check-id="{CHECK}"]')).to_have_attribute(
            "data-status", "pass", timeout=SLOW
        )
        # The worker, not this process, ran it: a second run, finished, by the learner's button.
        latest = Run.objects.filter(user=student).exclude(pk=first.pk).latest("pk")
        assert latest.state == Run.State.DONE and latest.trigger == "learner"
        assert celery_worker.log().count("Task verify[") >= 2  # received/succeeded lines of both runs

        expect(cell).to_have_attribute("data-status", "pass", timeout=SLOW)
        assert teacher.evaluate("window.__dashboardMarker") == "same page"
        assert navigations == []
        assert not teacher_errors + learner_errors, teacher_errors + learner_errors
        teacher.screenshot(path=str(artifacts_dir / "classes-dashboard-live.png"), full_page=True)
        learner.screenshot(path=str(artifacts_dir / "classes-dashboard-student-check.png"), full_page=False)
    except Exception:
        for name, page in (("teacher", teacher), ("student", learner)):
            if page is not None:
                page.screenshot(path=str(artifacts_dir / f"classes-dashboard-failure-{name}.png"), full_page=True)
        raise
    finally:
        teacher_context.close()
        student_context.close()
