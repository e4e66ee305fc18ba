"""Faults: with the broker down pages render and say checking is unavailable; nothing the learner saved is lost."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from config.celery import app
from tutorial.learning import services
from tutorial.learning.models import Connection, Run

from .conftest import STEP, TUTORIAL, make_connection

STEP_URL = f"/ja/tutorials/{TUTORIAL}/{STEP}/"
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # a closed loopback port: connection refused at once


@pytest.fixture
def broker_down():
    """Point the Celery app at a broker that refuses connections, for real (no mocks), then restore it."""
    saved = app.conf.broker_url, app.conf.broker_write_url, app.conf.broker_transport_options
    saved_transport = app.conf.broker_transport
    # The embedded default pins the filesystem transport by name (config/celery.py), which would win over the URL.
    app.conf.broker_transport = None
    app.conf.broker_url = CLOSED_PORT_BROKER
    # With CELERY_BROKER_URL in the environment (as in CI), Celery resolves the write URL from it: pin that too.
    app.conf.broker_write_url = CLOSED_PORT_BROKER
    app.conf.broker_transport_options = {"socket_connect_timeout": 1, "socket_timeout": 1, "max_retries": 1}
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_url, app.conf.broker_write_url, app.conf.broker_transport_options = saved
    app.conf.broker_transport = saved_transport
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_broker_down_check_says_unavailable_and_marks_the_run_error(broker_down, student, password):
    make_connection(student)
    client = Client(enforce_csrf_checks=False)
    client.force_login(student)
    response = client.post(
        reverse("learning:check", args=[TUTORIAL, STEP]), {"section": "create-alb"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Checking is unavailable right now" in html or "現在チェックできません" in html
    run = Run.objects.get(user=student)
    assert run.state == "error" and run.error_code == "queue_unavailable"
    # The learner's saved connection is intact, and the page still renders, saying checking is unavailable.
    assert Connection.objects.get(user=student).is_connected
    page = client.get(STEP_URL)
    assert page.status_code == 200
    assert 'class="lc-button" disabled' in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_broker_down_run_start_raises_checking_unavailable_and_the_next_press_can_start(broker_down, student):
    make_connection(student)
    with pytest.raises(services.CheckingUnavailable):
        services.run_start(user=student, tutorial=TUTORIAL, step=STEP)
    assert not Run.objects.filter(state__in=Run.ACTIVE_STATES).exists()
    with pytest.raises(services.CheckingUnavailable):
        services.run_start(user=student, tutorial=TUTORIAL, step=STEP)
    assert Run.objects.filter(error_code="queue_unavailable").count() == 2


@pytest.mark.django_db(transaction=True)
def test_broker_down_without_htmx_redirects_back_with_a_message(broker_down, student):
    make_connection(student)
    client = Client()
    client.force_login(student)
    response = client.post(reverse("learning:check", args=[TUTORIAL, STEP]), {"section": "create-alb"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(STEP_URL)


@pytest.mark.django_db(transaction=True)
def test_broker_down_reading_pages_and_connect_page_still_render(broker_down, student):
    make_connection(student)
    client = Client()
    client.force_login(student)
    for url in (STEP_URL, f"/ja/tutorials/{TUTORIAL}/", reverse("learning:connect"), "/en" + STEP_URL[3:]):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db(transaction=True)
def test_broker_down_recipe_says_the_worker_is_unavailable(broker_down, student):
    make_connection(student)
    client = Client()
    client.force_login(student)
    response = client.post(
        reverse("learning:recipe", args=[TUTORIAL, STEP, "prerequisites"]), {"where": "lab"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert student.recipe_jobs.get().error_code == "queue_unavailable"
