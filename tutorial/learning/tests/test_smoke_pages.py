"""The step page and the learner's pages render for each persona, with a constant number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tutorial.learning import services

from .conftest import STEP, TUTORIAL, report

pytestmark = pytest.mark.django_db

STEP_URL = f"/ja/tutorials/{TUTORIAL}/{STEP}/"


def test_step_page_renders_for_anonymous_with_login_invitation(client):
    response = client.get(STEP_URL)
    assert response.status_code == 200
    assert reverse("login") in response.content.decode()


def test_step_page_renders_check_button_for_connected_learner(client, connected_student, queue):
    client.force_login(connected_student)
    response = client.get(STEP_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("learning:check", args=[TUTORIAL, STEP]) in html
    assert 'id="lc-create-alb"' in html


def test_step_page_shows_results_and_architecture_after_a_run(client, connected_student, queue, engine):
    engine.answers.append(report({"alb.active": "fail"}))
    run = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP, section="create-alb")
    services.run_execute(run_id=run.pk)
    client.force_login(connected_student)
    html = client.get(STEP_URL).content.decode()
    assert "alb.active は fail です" in html
    assert "alb.active のヒント" in html
    assert 'data-link="client-alb"' in html
