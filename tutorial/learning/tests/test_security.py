"""Every URL of the learner's side tried as anonymous and as another learner; CSRF on every POST."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tutorial.learning import services
from tutorial.learning.models import RecipeJob, Run

from .conftest import STEP, TUTORIAL

pytestmark = pytest.mark.django_db

ARGS = [TUTORIAL, STEP]
# name -> (method, args builder taking the owner's objects)
GETS = {
    "learning:connect": [],
    "learning:cloudformation_template": [],
    "learning:panel": [*ARGS, "create-alb"],
    "learning:architecture": ARGS,
    "learning:history": ARGS,
}
POSTS = {
    "learning:connect_sandbox": ([], {"region": "ap-northeast-1"}),
    "learning:connect_role": ([], {"role_arn": "arn:aws:iam::123456789012:role/x", "region": "ap-northeast-1"}),
    "learning:connect_keys": ([], {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "x" * 40}),
    "learning:sandbox_credentials": ([], {}),
    "learning:check": (ARGS, {"section": "create-alb"}),
    "learning:recipe": ([*ARGS, "prerequisites"], {"where": "lab"}),
}


@pytest.fixture
def owned(connected_student, queue, engine):
    """A finished run with results and a recipe job belonging to `student`."""
    run = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP)
    services.run_execute(run_id=run.pk)
    job = RecipeJob.objects.create(user=connected_student, tutorial=TUTORIAL, step=STEP, recipe="prerequisites")
    return run, job


@pytest.mark.parametrize("name", sorted(GETS))
def test_anonymous_get_redirects_to_login(client, name):
    response = client.get(reverse(name, args=GETS[name]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(POSTS))
def test_anonymous_post_redirects_to_login_and_changes_nothing(client, name):
    args, data = POSTS[name]
    response = client.post(reverse(name, args=args), data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Run.objects.exists() and not RecipeJob.objects.exists()


def test_anonymous_cannot_see_a_run_or_a_job(client, owned):
    run, job = owned
    for url in (reverse("learning:run", args=[run.pk]), reverse("learning:recipe_job", args=[job.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_another_learner_gets_404_for_someone_elses_run_and_job(client, owned, connected_other_student):
    run, job = owned
    client.force_login(connected_other_student)
    assert client.get(reverse("learning:run", args=[run.pk])).status_code == 404
    assert client.get(reverse("learning:run", args=[run.pk]), HTTP_HX_REQUEST="true").status_code == 404
    assert client.get(reverse("learning:recipe_job", args=[job.pk])).status_code == 404


def test_another_learner_sees_only_their_own_panel_history_and_picture(client, owned, connected_other_student):
    run, _job = owned
    client.force_login(connected_other_student)
    for name in ("learning:panel", "learning:architecture", "learning:history"):
        html = client.get(reverse(name, args=GETS[name]), HTTP_HX_REQUEST="true").content.decode()
        assert "alb.active は pass です" not in html, name
        assert f"/learn/runs/{run.pk}/" not in html, name
    html = client.get(f"/ja/tutorials/{TUTORIAL}/{STEP}/").content.decode()
    assert "210987654321" not in html  # the owner's sandbox account


def test_another_learners_connect_page_shows_their_own_external_id(client, student, other_student):
    from tutorial.learning.connections import connection_get_or_create

    mine = connection_get_or_create(user=student).external_id
    client.force_login(other_student)
    assert mine not in client.get(reverse("learning:connect")).content.decode()
    assert mine not in client.get(reverse("learning:cloudformation_template")).content.decode()


def test_pressing_check_never_touches_another_learners_runs(client, owned, connected_other_student, queue):
    run, _job = owned
    client.force_login(connected_other_student)
    client.post(reverse("learning:check", args=ARGS), {"section": "create-alb"})
    assert Run.objects.filter(user=connected_other_student).count() == 1
    assert Run.objects.get(pk=run.pk).state == "done"


@pytest.mark.parametrize("name", sorted(POSTS))
def test_every_post_needs_a_csrf_token(connected_student, queue, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(connected_student)
    args, data = POSTS[name]
    assert client.post(reverse(name, args=args), data).status_code == 403
    assert not Run.objects.exists() and not RecipeJob.objects.exists()


def test_post_with_the_csrf_token_from_the_page_works(connected_student, queue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(connected_student)
    client.get(f"/ja/tutorials/{TUTORIAL}/{STEP}/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("learning:check", args=ARGS), {"section": "create-alb"}, HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert Run.objects.filter(user=connected_student).count() == 1


@pytest.mark.parametrize("name", ["learning:check", "learning:recipe", "learning:connect_sandbox"])
def test_state_changing_views_refuse_get(client, connected_student, name):
    client.force_login(connected_student)
    args = POSTS[name][0]
    assert client.get(reverse(name, args=args)).status_code == 405


def test_unknown_step_and_section_are_404(client, connected_student, queue):
    client.force_login(connected_student)
    assert client.post(reverse("learning:check", args=[TUTORIAL, "nope"])).status_code == 404
    assert client.get(reverse("learning:panel", args=[*ARGS, "nope"])).status_code == 404
    assert client.get(reverse("learning:history", args=["nope", STEP])).status_code == 404


def test_run_of_a_learner_without_connection_is_refused(client, other_student, queue):
    client.force_login(other_student)
    response = client.post(reverse("learning:check", args=ARGS), {"section": "create-alb"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not Run.objects.exists()
