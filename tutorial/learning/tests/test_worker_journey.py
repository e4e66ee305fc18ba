"""The learner's whole loop through a REAL Celery worker process on Redis, against the sandbox AWS.

Sign up, connect the sandbox, prepare, check (fails, with hints), do it for me, check (passes), clean up (nothing
billable left). Needs PostgreSQL and Redis (see tests/plugins/worker.py); skipped with the reason otherwise.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from provisioning.sandbox.testing import sandbox_server  # noqa: F401 - fixture
from tests.plugins.worker import wait_until
from tutorial.learning.models import Connection, RecipeJob, Result, Run, SectionProgress

pytestmark = [pytest.mark.worker, pytest.mark.sandbox]

TUTORIAL, STEP = "aws-hands-on", "load-balancer"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _settled_run(user, worker) -> Run:
    """Wait until the learner has no queued/running run (re-checks included) and return the latest one."""

    def settled():
        if Run.objects.filter(user=user, state__in=Run.ACTIVE_STATES).exists():
            return None
        return Run.objects.filter(user=user).order_by("-created_at", "-id").first()

    return wait_until(settled, timeout=300, what="the run (and its re-checks) to finish", worker=worker)


def _recipe(client: Client, user, recipe: str, worker, **data) -> RecipeJob:
    response = client.post(reverse("learning:recipe", args=[TUTORIAL, STEP, recipe]), data, **HTMX)
    assert response.status_code == 200, response.content[:500]
    job = RecipeJob.objects.filter(user=user, recipe=recipe).order_by("-id").first()
    assert job is not None, response.content.decode()[:1000]
    return wait_until(
        lambda: RecipeJob.objects.filter(pk=job.pk).exclude(state__in=RecipeJob.ACTIVE_STATES).first(),
        timeout=300,
        what=f"the {recipe} recipe",
        worker=worker,
    )


def _check(client: Client, user, worker, section: str = "create-alb") -> Run:
    response = client.post(reverse("learning:check", args=[TUTORIAL, STEP]), {"section": section}, **HTMX)
    assert response.status_code == 200
    # The pressed panel waits for its run (or the worker was quicker and it already shows the result).
    assert "lc-wait" in response.content.decode() or "learning:run-finished" in response.get("HX-Trigger", "")
    return _settled_run(user, worker)


def test_learner_journey_through_a_real_worker(sandbox_server, celery_worker, django_user_model):  # noqa: F811
    client = Client()
    # Sign up: nothing more is needed to start.
    response = client.post(
        reverse("signup"),
        {
            "username": "ayumi",
            "email": "ayumi@example.com",
            "password1": "pl4in-Sailing-92",
            "password2": "pl4in-Sailing-92",
        },
    )
    assert response.status_code == 302
    user = django_user_model.objects.get(username="ayumi")

    # Connect the sandbox in one click (validated through the sandbox's STS).
    assert client.post(reverse("learning:connect_sandbox"), {"region": "ap-northeast-1"}).status_code == 302
    assert Connection.objects.get(user=user).is_connected

    # Prepare: the instance and security groups the step starts from.
    prepared = _recipe(client, user, "prerequisites", celery_worker, where="lab")
    assert prepared.state == "done", (prepared.error_code, prepared.error_message, celery_worker.log()[-3000:])
    assert prepared.progress == 100

    # Check: the load balancer is not there yet, so it fails, with hints.
    run = _check(client, user, celery_worker)
    assert run.state == "done", (run.error_code, run.error_message, celery_worker.log()[-3000:])
    statuses = dict(Result.objects.filter(run=run).values_list("check_id", "status"))
    assert statuses["prereq.instance_running"] == "pass"
    assert statuses["alb.exists"] == "fail"
    failed = Result.objects.get(run=run, check_id="alb.exists")
    assert failed.hint_ja and failed.hint_en
    panel = client.get(reverse("learning:panel", args=[TUTORIAL, STEP, "create-alb"]), **HTMX).content.decode()
    # The hint is Markdown: its first sentence reads as stored, and its console link opens the sandbox console.
    assert failed.hint_ja.split("。")[0] in panel
    assert 'href="/ja/sandbox/console/' in panel and "console.aws.amazon.com" not in panel
    assert not SectionProgress.objects.get(user=user, section="create-alb").complete

    # Do it for me: the whole step.
    solved = _recipe(client, user, "solve", celery_worker, where="lab")
    assert solved.state == "done", (solved.error_code, solved.error_message, celery_worker.log()[-3000:])

    # Check again: everything passes (transient states are re-checked by the worker by themselves).
    run = _check(client, user, celery_worker)
    statuses = dict(Result.objects.filter(run=run).values_list("check_id", "status"))
    assert set(statuses.values()) == {"pass"}, statuses
    assert all(p.complete for p in SectionProgress.objects.filter(user=user))
    assert SectionProgress.objects.filter(user=user).count() == 5
    page = client.get(f"/ja/tutorials/{TUTORIAL}/{STEP}/").content.decode()
    assert 'data-link="tg-instance" data-status="pass"' in page

    # Clean up: ends with the list of anything still billable, which is empty.
    cleaned = _recipe(client, user, "teardown", celery_worker, where="lab")
    assert cleaned.state == "done", (cleaned.error_code, cleaned.error_message)
    assert cleaned.billable_left == []
    job_html = client.get(reverse("learning:recipe_job", args=[cleaned.pk]), **HTMX).content.decode()
    assert 'data-billable="none"' in job_html


def test_a_run_whose_worker_died_is_marked_error_and_another_can_start(
    sandbox_server,  # noqa: F811
    celery_worker,
    student,
    settings,
):
    """Kill the worker mid-flight (no consumer for the message): the run expires to error, a new one runs."""
    from datetime import timedelta

    from django.utils import timezone

    from tutorial.learning import services

    from .conftest import make_connection

    make_connection(student, account="120987654321")
    celery_worker.stop()  # the worker dies; the message waits in Redis with nobody to run it
    run = services.run_start(user=student, tutorial=TUTORIAL, step=STEP)
    Run.objects.filter(pk=run.pk).update(
        due_at=timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    )
    fresh = services.run_start(user=student, tutorial=TUTORIAL, step=STEP)
    assert Run.objects.get(pk=run.pk).error_code == "worker_lost"
    assert fresh.pk != run.pk and fresh.state == "queued"
