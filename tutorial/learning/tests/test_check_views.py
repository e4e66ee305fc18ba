"""Check button, the pressed panel waiting for its run (htmx, backing off), history, run detail, query counts."""

from __future__ import annotations

import json

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


def panel_url(section: str = "create-alb", wait: int | None = None, n: int = 1) -> str:
    url = reverse("learning:panel", args=[TUTORIAL, STEP, section])
    return url + (f"?wait={wait}&n={n}" if wait is not None else "")


def test_check_press_answers_with_the_pressed_panel_looking_again_after_150_ms(client, connected_student, queue):
    client.force_login(connected_student)
    response = client.post(check_url(), {"section": "create-alb"}, **HTMX)
    html = response.content.decode()
    run = Run.objects.get(user=connected_student, state="queued", section="create-alb")
    assert response.status_code == 200
    assert f"?wait={run.pk}&amp;n=1" in html and 'hx-trigger="load delay:150ms"' in html
    # Nothing tells the other panels to refetch now (they update once, at the end), nor to poll.
    assert "HX-Trigger" not in response and "every 2s" not in html


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


def test_a_wait_while_the_run_is_active_answers_only_the_small_waiting_element_backing_off(
    client, connected_student, queue
):
    client.force_login(connected_student)
    client.post(check_url(), {"section": "create-alb"}, **HTMX)
    run = Run.objects.get()
    delays = []
    for n in range(1, 12):
        response = client.get(panel_url(wait=run.pk, n=n), **HTMX)
        html = response.content.decode()
        assert response.status_code == 200 and "lc-panel" not in html and "lc-wait" in html
        assert f"n={n + 1}" in html
        delays.append(int(html.split("load delay:")[1].split("ms")[0]))
    assert delays == sorted(delays) and delays[0] < 300 and delays[-1] == 2000


def test_a_wait_after_the_run_brings_the_whole_panel_in_place_and_announces_the_end(
    client, connected_student, queue, engine
):
    client.force_login(connected_student)
    engine.answers.append(report({"alb.active": "fail"}))
    client.post(check_url(), {"section": "create-alb"}, **HTMX)
    run = Run.objects.get()
    services.run_execute(run_id=run.pk)
    response = client.get(panel_url(wait=run.pk), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#lc-create-alb" and response["HX-Reswap"] == "outerHTML"
    finished = json.loads(response["HX-Trigger"])["learning:run-finished"]
    assert finished == {"run": run.pk, "section": "create-alb"}
    assert "lc-wait" not in html and f'data-run="{run.pk}"' in html
    assert "alb.active は fail です" in html and "alb.active のヒント" in html
    assert 'data-status="fail"' in html and "&quot;check&quot;: &quot;alb.active&quot;" in html  # evidence


def test_a_wait_for_someone_elses_run_shows_only_ones_own_panel(
    client, connected_student, connected_other_student, queue, engine
):
    theirs = services.run_start(user=connected_other_student, tutorial=TUTORIAL, step=STEP)
    services.run_execute(run_id=theirs.pk)
    client.force_login(connected_student)
    for wait in (theirs.pk, "x", ""):
        response = client.get(reverse("learning:panel", args=[TUTORIAL, STEP, "create-alb"]) + f"?wait={wait}", **HTMX)
        html = response.content.decode()
        assert response.status_code == 200 and f'data-run="{theirs.pk}"' not in html
        assert "HX-Trigger" not in response


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
    assert "「ロードバランサーの状態が active である」が不合格になりました。" in html


def test_transient_state_is_said_and_rechecked_by_itself(client, connected_student, queue, engine):
    client.force_login(connected_student)
    engine.answers.append(report({"alb.active": "fail"}, transient={"alb.active"}))
    run = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP)
    services.run_execute(run_id=run.pk)
    html = client.get(panel_url(wait=run.pk), **HTMX).content.decode()
    follow_up = Run.objects.get(trigger="recheck", state="queued")
    assert "Checking again by itself" in html or "自動で" in html
    # The panel waits for the re-check, looking just after it is due (5 s), not every 150 ms meanwhile.
    assert f"?wait={follow_up.pk}" in html
    assert int(html.split("load delay:")[1].split("ms")[0]) > 4000


def test_worker_lost_panel_says_so_and_offers_check_again(client, connected_student, queue, settings):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(connected_student)
    run = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP)
    Run.objects.filter(pk=run.pk).update(
        state="running", started_at=timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    )
    response = client.get(panel_url(wait=run.pk, n=30), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "lc-primary" in html and "lc-wait" not in html  # the Check button is enabled again
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
    # 11: the page's own 8, plus the site nav asking whether the user teaches (user and group permissions), plus
    # the notes the learner's instructors left them (one query, classes' include).
    with django_assert_max_num_queries(11):
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


@pytest.mark.parametrize("step", ["load-balancer", "redundancy"])
def test_every_step_page_offers_the_lab_with_prepare_do_it_for_me_and_clean_up(client, connected_student, step):
    # Step 6 has no overview section without a checkpoint: its lab sits in its first section instead of nowhere.
    client.force_login(connected_student)
    html = client.get(f"/ja/tutorials/{TUTORIAL}/{step}/").content.decode()
    assert html.count('id="lc-lab-title"') == 1
    assert reverse("learning:recipe", args=[TUTORIAL, step, "prerequisites"]) in html
