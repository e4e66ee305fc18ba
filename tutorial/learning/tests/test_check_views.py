"""Check button, panel polling (htmx, 286 when done), history, run detail, query counts on the step page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tutorial.learning import services
from tutorial.learning.models import Run

from .conftest import STEP, TUTORIAL, report

pytestmark = pytest.mark.django_db

STEP_URL = f"/ja/tutorials/{TUTORIAL}/{STEP}/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def check_url() -> str:
    return reverse("learning:check", args=[TUTORIAL, STEP])


def panel_url(section: str = "create-alb", poll: bool = False) -> str:
    return reverse("learning:panel", args=[TUTORIAL, STEP, section]) + ("?poll=1" if poll else "")


def test_check_press_starts_a_run_and_returns_a_polling_panel(client, connected_student, queue):
    client.force_login(connected_student)
    response = client.post(check_url(), {"section": "create-alb"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert Run.objects.filter(user=connected_student, state="queued", section="create-alb").count() == 1
    assert 'hx-trigger="every 2s"' in html and "poll=1" in html
    assert "learning:run-started" in response["HX-Trigger"]


def test_check_without_htmx_redirects_to_the_section(client, connected_student, queue):
    client.force_login(connected_student)
    response = client.post(check_url(), {"section": "target-group"})
    assert response.status_code == 302
    assert response["Location"] == STEP_URL + "#target-group"


def test_a_burst_of_presses_through_the_view_makes_one_run(client, connected_student, queue):
    client.force_login(connected_student)
    for _ in range(10):
        client.post(check_url(), {"section": "create-alb"}, **HTMX)
    assert Run.objects.filter(user=connected_student).count() == 1


def test_poll_while_running_keeps_polling(client, connected_student, queue):
    client.force_login(connected_student)
    client.post(check_url(), {"section": "create-alb"}, **HTMX)
    response = client.get(panel_url(poll=True), **HTMX)
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in response.content.decode()


def test_poll_after_the_run_stops_with_286_and_shows_results_in_japanese(client, connected_student, queue, engine):
    client.force_login(connected_student)
    engine.answers.append(report({"alb.active": "fail"}))
    client.post(check_url(), {"section": "create-alb"}, **HTMX)
    services.run_execute(run_id=Run.objects.get().pk)
    response = client.get(panel_url(poll=True), **HTMX)
    html = response.content.decode()
    assert response.status_code == 286
    assert "learning:run-finished" in response["HX-Trigger"]
    assert "every 2s" not in html
    assert "alb.active は fail です" in html and "alb.active のヒント" in html
    assert 'data-status="fail"' in html and "&quot;check&quot;: &quot;alb.active&quot;" in html  # evidence


def test_panel_in_english_shows_english_messages(client, connected_student, queue, engine):
    client.force_login(connected_student)
    engine.answers.append(report({"alb.active": "fail"}))
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    html = client.get("/en" + panel_url()[3:], **HTMX).content.decode()
    assert "alb.active is fail" in html and "hint for alb.active" in html


def test_panel_without_a_poll_does_not_announce_run_finished(client, connected_student, queue, engine):
    # Otherwise every panel refreshing on run-finished would announce it again, in a loop.
    client.force_login(connected_student)
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    response = client.get(panel_url(), **HTMX)
    assert response.status_code == 200
    assert "HX-Trigger" not in response


def test_panel_shows_what_changed_when_a_section_goes_back(client, connected_student, queue, engine):
    client.force_login(connected_student)
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    engine.answers.append(report({"alb.active": "fail"}))
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    html = client.get(panel_url(), **HTMX).content.decode()
    assert "ロードバランサーの状態が active である: 合格 → 不合格" in html


def test_transient_state_is_said_and_rechecked_by_itself(client, connected_student, queue, engine):
    client.force_login(connected_student)
    engine.answers.append(report({"alb.active": "fail"}, transient={"alb.active"}))
    run = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP)
    services.run_execute(run_id=run.pk)
    html = client.get(panel_url(poll=True), **HTMX).content.decode()
    assert Run.objects.filter(trigger="recheck", state="queued").exists()
    assert "Checking again by itself" in html or "自動で" in html
    assert 'hx-trigger="every 2s"' in html


def test_worker_lost_panel_says_so_and_offers_check_again(client, connected_student, queue, settings):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(connected_student)
    run = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP)
    Run.objects.filter(pk=run.pk).update(
        state="running", started_at=timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    )
    response = client.get(panel_url(poll=True), **HTMX)
    assert response.status_code == 286
    html = response.content.decode()
    assert "lc-primary" in html  # the Check button is enabled again
    assert Run.objects.get(pk=run.pk).error_code == "worker_lost"


def test_history_lists_runs_with_counts(client, connected_student, queue, engine):
    client.force_login(connected_student)
    engine.answers.append(report({"alb.active": "fail", "alb.exists": "error"}))
    run = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP)
    services.run_execute(run_id=run.pk)
    html = client.get(reverse("learning:history", args=[TUTORIAL, STEP])).content.decode()
    assert f'data-run="{run.pk}"' in html
    assert "<td>13</td><td>1</td><td>1</td>" in html


def test_run_detail_shows_every_result(client, connected_student, queue, engine):
    client.force_login(connected_student)
    run = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP)
    services.run_execute(run_id=run.pk)
    html = client.get(reverse("learning:run", args=[run.pk])).content.decode()
    assert html.count('class="lc-result ') == 15


def test_step_page_query_count_does_not_grow_with_runs(
    client, connected_student, queue, engine, django_assert_max_num_queries
):
    client.force_login(connected_student)
    for _ in range(5):
        services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    client.get(STEP_URL)  # warm caches (content pack, session)
    # 10: the page's own 8, plus the site nav asking whether the user teaches (user and group permissions).
    with django_assert_max_num_queries(10):
        response = client.get(STEP_URL)
    assert response.status_code == 200


def test_architecture_partial_colours_links_from_the_latest_run(client, connected_student, queue, engine):
    client.force_login(connected_student)
    engine.answers.append(report({"tg.target_healthy": "fail"}))
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    html = client.get(reverse("learning:architecture", args=[TUTORIAL, STEP]), **HTMX).content.decode()
    assert 'data-link="tg-instance" data-status="fail"' in html
    assert 'data-link="client-alb" data-status="pass"' in html
    assert "AZ 1a" in html and "AZ 1c" in html and "AZ 1d" in html
