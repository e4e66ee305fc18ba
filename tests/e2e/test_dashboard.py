"""The instructor's dashboard updates live: a student's check turns a cell from fail to pass, with no reload.

Two browser contexts (instructor, student) against the live server, the sandbox AWS started for the module.

What is real here: the student's "Check" button on the step page (POST through the learner's view and
`run_start`), the `verify` task's body (`run_execute`: provisioning's engine against the sandbox AWS, results and
progress stored), the dashboard's htmx polling of its grid partial, and the student's AWS state, changed with the
provisioning recipes (what the learner would do in the console). What is not: the broker hop to a separate worker
process. The test database is an in-memory SQLite a worker process cannot open, so Celery runs the task eagerly in
the web process (`task_always_eager`); the worker path itself is covered by benchmarks/class_check_everyone.py.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from provisioning.sandbox.testing import sandbox_server  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TUTORIAL, STEP, SECTION = "aws-hands-on", "load-balancer", "restrict-ec2-sg"
CHECK = "ec2sg.no_public_ingress"


@pytest.fixture
def eager_celery():
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def _login(context, live_server, user) -> None:
    """Sign the browser context in as `user` (a real session cookie, without going through a login form)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def test_a_students_check_turns_the_instructors_cell_from_fail_to_pass_without_reload(
    browser,
    live_server,
    sandbox_server,  # noqa: F811
    eager_celery,
    artifacts_dir,
    django_user_model,  # noqa: F811
):
    from django.contrib.auth.models import Permission
    from playwright.sync_api import expect

    from provisioning.recipes import run_recipe
    from provisioning.sandbox import new_account_id, spec_for
    from tutorial.classes.services import classroom_create, enrollment_join
    from tutorial.learning.models import Connection, Result
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

    # The student has built the load balancer but not yet locked the instance's security group down.
    spec = spec_for(account, "ap-northeast-1")
    assert run_recipe(spec, "prerequisites").ok
    assert run_recipe(spec, "solve", section="create-alb").ok
    first = run_start(user=student, tutorial=TUTORIAL, step=STEP, section=SECTION)
    first.refresh_from_db()
    assert first.state == "done", (first.state, first.error_code)
    assert Result.objects.get(run=first, check_id=CHECK).status == "fail"

    teacher_context = browser.new_context(viewport={"width": 1600, "height": 900}, locale="ja-JP")
    student_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    try:
        _login(teacher_context, live_server, instructor)
        _login(student_context, live_server, student)
        teacher = teacher_context.new_page()
        teacher.set_default_timeout(20_000)
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
        assert run_recipe(spec, "solve", section=SECTION).ok
        learner = student_context.new_page()
        learner.set_default_timeout(30_000)
        learner.goto(live_server.url + reverse("tutorial:step", args=[TUTORIAL, STEP]))
        learner.locator(f"#lc-{SECTION} button.lc-primary").click()
        expect(learner.locator(f'#lc-{SECTION} [data-check-id="{CHECK}"]')).to_have_attribute("data-status", "pass")

        expect(cell).to_have_attribute("data-status", "pass")
        assert teacher.evaluate("window.__dashboardMarker") == "same page"
        assert navigations == []
        teacher.screenshot(path=str(artifacts_dir / "classes-dashboard-live.png"), full_page=True)
        learner.screenshot(path=str(artifacts_dir / "classes-dashboard-student-check.png"), full_page=False)
    finally:
        teacher_context.close()
        student_context.close()
