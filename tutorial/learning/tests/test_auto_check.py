"""Auto-check: the step re-checks by itself when the learner's sandbox changes (while the page is open with
auto-check on), after a recipe, and on real AWS on the page's budget (with the server's own limit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from provisioning.sandbox import learner_credentials
from provisioning.sandbox.testing import gateway_client, sandbox_account, sandbox_server  # noqa: F401 - fixtures
from tutorial.learning import services
from tutorial.learning.models import Connection, Run

from .conftest import STEP, TUTORIAL, make_connection

WATCH = reverse("learning:watch", args=[TUTORIAL, STEP])


@pytest.fixture
def ec2(queue, live_server, sandbox_server, sandbox_account, student, client):  # noqa: F811
    """The student on the sandbox, signed in (`client`), and their CLI's EC2 client through the gateway."""
    make_connection(student, account=sandbox_account)
    client.force_login(student)
    return gateway_client(live_server.url, "ec2", learner_credentials(sandbox_account))


@pytest.mark.sandbox
def test_a_cli_write_through_the_gateway_rechecks_the_step_the_learner_has_open(ec2, student, client, queue):
    ec2.describe_security_groups()  # with no page open nothing happens, and reads never trigger
    assert not Run.objects.exists()

    assert client.get(WATCH + "?auto=1").json() == {"latest": None, "active": None}
    ec2.describe_security_groups()
    assert not Run.objects.exists()
    for name in ("one", "two", "three"):  # a burst of writes makes one re-check, a moment after the first
        ec2.create_security_group(GroupName=name, Description="x")
    run = Run.objects.get()
    assert run.trigger == "auto" and run.user == student and run.due_at > timezone.now()
    assert queue.sent == [("verify", run.pk, services.AUTO_DEBOUNCE_SECONDS)]
    assert client.get(WATCH).json() == {"latest": None, "active": run.pk}


@pytest.mark.sandbox
def test_no_recheck_once_auto_check_is_off_or_the_page_is_gone(ec2, student, client, queue):
    client.get(WATCH + "?auto=1")
    client.get(WATCH + "?auto=0")  # the learner switched it off
    ec2.create_security_group(GroupName="off", Description="x")
    client.get(WATCH + "?auto=1")
    Connection.objects.filter(user=student).update(watching_until=timezone.now() - timedelta(seconds=1))  # closed
    ec2.create_security_group(GroupName="gone", Description="x")
    assert not Run.objects.exists()


@pytest.mark.django_db
def test_a_write_while_a_run_is_reading_makes_one_more_run_after_it(
    connected_student, queue, engine, django_capture_on_commit_callbacks
):
    connection = Connection.objects.get(user=connected_student)
    services.watch_heartbeat(user=connected_student, tutorial=TUTORIAL, step=STEP)
    first = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP)
    Run.objects.filter(pk=first.pk).update(state="running", started_at=timezone.now())
    assert services.auto_check_after_write(sandbox_account=connection.sandbox_account).pk == first.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.run_execute(run_id=first.pk)
    again = Run.objects.exclude(pk=first.pk).get()
    assert again.trigger == "auto" and again.state == "queued"


@pytest.mark.django_db
def test_watch_says_the_newest_finished_and_the_active_run(client, connected_student, queue, engine):
    client.force_login(connected_student)
    done = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP)
    services.run_execute(run_id=done.pk)
    active = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP)
    assert client.get(WATCH).json() == {"latest": done.pk, "active": active.pk}


@pytest.mark.django_db
def test_someone_elses_runs_are_not_in_ones_watch(client, connected_student, connected_other_student, queue):
    services.run_start(user=connected_other_student, tutorial=TUTORIAL, step=STEP)
    client.force_login(connected_student)
    assert client.get(WATCH).json() == {"latest": None, "active": None}


@pytest.mark.django_db
def test_a_finished_recipe_checks_again_by_itself(
    connected_student, queue, monkeypatch, django_capture_on_commit_callbacks
):
    from provisioning.types import RecipeReport

    monkeypatch.setattr(
        services, "_run_recipe", lambda spec, recipe, **kw: RecipeReport(recipe=recipe, section=None, steps=[])
    )
    job = services.recipe_start(user=connected_student, tutorial=TUTORIAL, step=STEP, recipe="prerequisites")
    with django_capture_on_commit_callbacks(execute=True):
        services.recipe_execute(job_id=job.pk)
    run = Run.objects.get()
    assert run.trigger == "auto" and queue.ids() == [run.pk]


@pytest.mark.django_db
def test_real_aws_auto_checks_are_limited_by_the_server_whatever_the_page_asks(client, student, queue):
    make_connection(student, kind="role", role_arn="arn:aws:iam::123456789012:role/x")
    client.force_login(student)
    url = reverse("learning:auto_check", args=[TUTORIAL, STEP])
    first = client.post(url).json()["run"]
    assert first and Run.objects.get(pk=first).trigger == "auto"
    Run.objects.filter(pk=first).update(state="done", finished_at=timezone.now())
    assert client.post(url).json() == {"run": None}  # 25 s have not passed
    Run.objects.filter(pk=first).update(created_at=timezone.now() - timedelta(seconds=30))
    assert client.post(url).json()["run"] not in (None, first)


@pytest.mark.django_db
def test_auto_check_needs_a_post_and_a_login(client, connected_student):
    url = reverse("learning:auto_check", args=[TUTORIAL, STEP])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(connected_student)
    assert client.get(url).status_code == 405


@pytest.mark.django_db
def test_the_step_page_carries_the_auto_check_switch_and_its_script(client, connected_student, queue):
    client.force_login(connected_student)
    html = client.get(f"/ja/tutorials/{TUTORIAL}/{STEP}/").content.decode()
    assert 'id="lc-watch"' in html and 'data-mode="sandbox"' in html and 'id="lc-auto"' in html
    assert "learning/learning.js" in html
    assert "onclick" not in html and "hx-on" not in html  # behaviour lives in static files (CSP)
