"""When every section of a step is complete the learner gets a completion page of their own: what they built (their
diagram, every link passing), how long it took, the next step (or the end of the tutorial) and the reminder to clean
up what costs money. Before that, the same URL says what is left; it is never someone else's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from provisioning.steps import get_step
from tutorial.learning import services
from tutorial.learning.models import RecipeJob, Result, Run, SectionProgress, StepCompletion
from tutorial.learning.views import _duration_text

from .conftest import STEP, TUTORIAL, report
from .test_recipes import recipes  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
COMPLETE = f"/ja/learn/{TUTORIAL}/{STEP}/complete/"
STEP_URL = f"/ja/tutorials/{TUTORIAL}/{STEP}/"
LAST_STEP = "redundancy"


def _check(user) -> Run:
    """A check of Step 5, answered by the `engine` fixture (everything passes unless a report was queued)."""
    return services.run_execute(run_id=services.run_start(user=user, tutorial=TUTORIAL, step=STEP).pk)


def _finish_step(user, step: str, *, when=None) -> Run:
    """A finished run of any step where every check passed (stored as the worker would), and its progress."""
    spec = get_step(TUTORIAL, step)
    run = Run.objects.create(user=user, tutorial=TUTORIAL, step=step, state=Run.State.DONE, finished_at=when)
    statuses = {cid: "pass" for cid in spec.check_ids}
    Result.objects.bulk_create(
        Result(run=run, check_id=cid, section=spec.section_of[cid], status="pass") for cid in spec.check_ids
    )
    services.progress_update(run=run, statuses=statuses)
    return run


# --- the record ---------------------------------------------------------------------------------------------------


def test_finishing_every_section_records_the_completion_from_the_first_activity(connected_student, queue, engine):
    engine.answers.append(report({"alb.dns_reachable": "fail"}))
    first = _check(connected_student)
    Run.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=42))
    assert not StepCompletion.objects.exists()
    _check(connected_student)
    record = StepCompletion.objects.get(user=connected_student, tutorial=TUTORIAL, step=STEP)
    assert 41 * 60 <= (record.completed_at - record.started_at).total_seconds() <= 43 * 60
    assert record.run.results.filter(status="pass").count() == len(get_step(TUTORIAL, STEP).check_ids)


def test_a_prepare_before_the_first_check_starts_the_clock(connected_student, queue, engine):
    job = RecipeJob.objects.create(user=connected_student, tutorial=TUTORIAL, step=STEP, recipe="prerequisites")
    RecipeJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=2), state="done")
    _check(connected_student)
    record = StepCompletion.objects.get(user=connected_student)
    assert (record.completed_at - record.started_at) >= timedelta(hours=2)


def test_a_later_run_does_not_move_the_completion(connected_student, queue, engine):
    _check(connected_student)
    first = StepCompletion.objects.get(user=connected_student)
    engine.answers.append(report({"alb.active": "fail"}))
    _check(connected_student)
    _check(connected_student)
    assert list(StepCompletion.objects.values_list("pk", "completed_at")) == [(first.pk, first.completed_at)]


def test_a_step_with_a_failing_section_is_not_recorded(connected_student, queue, engine):
    engine.answers.append(report({"ec2.direct_access_blocked": "fail"}))
    _check(connected_student)
    assert not StepCompletion.objects.exists()


# --- the page -----------------------------------------------------------------------------------------------------


def test_the_completion_page_shows_what_they_built_with_every_link_passing(client, connected_student, queue, engine):
    _check(connected_student)
    client.force_login(connected_student)
    response = client.get(COMPLETE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-complete="done"' in html
    assert "「Step 5: ロードバランサーを利用してみよう」を完了しました" in html
    assert "おつかれさまでした" in html
    links = re.findall(r'<g class="lc-link" data-link="([^"]+)" data-status="([^"]+)"', html)
    spec_links = [link.key for link in get_step(TUTORIAL, STEP).diagram({}).links]
    assert [key for key, _status in links] == spec_links  # the step's own diagram, not a drawing of this page
    assert {status for _key, status in links} == {"pass"}


def test_the_completion_page_says_how_long_it_took(client, connected_student, queue, engine):
    _check(connected_student)
    record = StepCompletion.objects.get(user=connected_student)
    StepCompletion.objects.filter(pk=record.pk).update(started_at=record.completed_at - timedelta(minutes=65))
    client.force_login(connected_student)
    html = client.get(COMPLETE).content.decode()
    assert re.search(r"<dd data-duration>1 時間 5 分</dd>", html), html


def test_the_completion_page_links_to_the_next_step_in_the_tutorials_order(client, connected_student, queue, engine):
    _check(connected_student)
    client.force_login(connected_student)
    html = client.get(COMPLETE).content.decode()
    assert f'href="/ja/tutorials/{TUTORIAL}/{LAST_STEP}/" data-next-step="{LAST_STEP}"' in html
    assert "次のステップ: Step 6: 冗長化してみよう" in html
    assert "data-tutorial-complete" not in html


def test_the_last_steps_completion_page_says_the_tutorial_is_complete(client, connected_student):
    _finish_step(connected_student, LAST_STEP)
    client.force_login(connected_student)
    html = client.get(f"/ja/learn/{TUTORIAL}/{LAST_STEP}/complete/").content.decode()
    assert 'data-complete="done"' in html
    assert "data-tutorial-complete" in html and "チュートリアルをすべて終えました" in html
    assert "data-next-step" not in html


def test_the_completion_page_reminds_to_clean_up_what_costs_money(client, connected_student, queue, engine):
    _check(connected_student)
    client.force_login(connected_student)
    html = client.get(COMPLETE).content.decode()
    reminder = html.split('id="lc-complete-cleanup"', 1)[1]
    items = re.findall(r"<li>(.*?)</li>", re.search(r"<ul class=\"lc-billable\"[^>]*>(.*?)</ul>", reminder, re.S)[1])
    assert "ロードバランサー aws-hands-on" in items and "EC2 インスタンス i-0abc" in items
    assert f'action="/ja/learn/{TUTORIAL}/{STEP}/recipes/teardown/"' in reminder
    assert 'hx-target="#recipe-area-complete"' in reminder and 'id="recipe-area-complete"' in reminder
    assert 'data-lc-confirm="lc-cleanup-dialog"' in reminder  # it asks first, as on the step page


def test_after_clean_up_the_completion_stays_and_says_nothing_is_left(
    client,
    connected_student,
    queue,
    engine,
    recipes,  # noqa: F811
):
    _check(connected_student)
    job = services.recipe_start(user=connected_student, tutorial=TUTORIAL, step=STEP, recipe="teardown")
    services.recipe_execute(job_id=job.pk)
    client.force_login(connected_student)
    html = client.get(COMPLETE).content.decode()
    assert 'data-complete="done"' in html and 'data-since="cleaned"' in html
    # The check that runs by itself after the clean-up finds nothing: still "cleaned up", not "something changed".
    engine.answers.append(report(default="fail"))
    services.run_execute(run_id=Run.objects.get(user=connected_student, state=Run.State.QUEUED).pk)
    assert Run.objects.filter(user=connected_student).first().results.filter(status="fail").exists()
    html = client.get(COMPLETE).content.decode()
    assert 'data-complete="done"' in html and 'data-since="cleaned"' in html
    assert 'data-billable="none"' in html and "lc-cleanup-form" not in html
    # The picture is what they had built when they finished, not the emptied account.
    assert set(re.findall(r'<g class="lc-link" data-link="[^"]+" data-status="([^"]+)"', html)) == {"pass"}


def test_a_clean_up_that_left_something_billable_lists_it(client, connected_student, queue, engine):
    _check(connected_student)
    RecipeJob.objects.create(
        user=connected_student,
        tutorial=TUTORIAL,
        step=STEP,
        recipe="teardown",
        state="done",
        finished_at=timezone.now(),
        billable_left=[{"type": "load-balancer", "name": "aws-hands-on"}],
    )
    client.force_login(connected_student)
    reminder = client.get(COMPLETE).content.decode().split('id="lc-complete-cleanup"', 1)[1]
    assert "lc-banner-warn" in reminder and "aws-hands-on" in reminder and 'data-billable="none"' not in reminder


def test_a_change_after_finishing_is_said_but_the_completion_stays(client, connected_student, queue, engine):
    _check(connected_student)
    engine.answers.append(report({"alb.active": "fail"}))
    _check(connected_student)
    client.force_login(connected_student)
    html = client.get(COMPLETE).content.decode()
    assert 'data-complete="done"' in html and 'data-since="changed"' in html


def test_a_learner_not_done_sees_not_yet_with_what_is_left(client, connected_student, queue, engine):
    engine.answers.append(report({"alb.dns_reachable": "fail", "ec2sg.no_public_ingress": "fail"}))
    _check(connected_student)
    client.force_login(connected_student)
    response = client.get(COMPLETE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-complete="not-yet"' in html
    assert "「Step 5: ロードバランサーを利用してみよう」はまだ完了していません" in html
    left = re.findall(r'<li data-section="([^"]+)"><a href="([^"]+)">', html)
    assert left == [("load-balancer", f"{STEP_URL}#load-balancer"), ("restrict-ec2-sg", f"{STEP_URL}#restrict-ec2-sg")]
    assert "lc-arch-svg" not in html and "lc-cleanup-form" not in html


def test_a_learner_who_never_checked_sees_every_section_left(client, connected_student):
    client.force_login(connected_student)
    html = client.get(COMPLETE).content.decode()
    assert 'data-complete="not-yet"' in html
    assert len(re.findall(r"<li data-section=", html)) == len(get_step(TUTORIAL, STEP).sections)


def test_a_learner_without_a_connection_is_told_to_connect(client, student):
    client.force_login(student)
    response = client.get(COMPLETE)
    assert response.status_code == 200
    assert 'href="/ja/learn/connect/"' in response.content.decode()


def test_the_completion_page_is_the_learners_own(client, connected_student, connected_other_student, queue, engine):
    _check(connected_student)
    client.force_login(connected_other_student)
    html = client.get(COMPLETE).content.decode()
    assert 'data-complete="not-yet"' in html and "i-0abc" not in html


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(COMPLETE)
    assert response.status_code == 302
    assert response["Location"].startswith("/ja/accounts/login/?next=")


@pytest.mark.parametrize("url", [f"/ja/learn/{TUTORIAL}/nope/complete/", f"/ja/learn/nope/{STEP}/complete/"])
def test_an_unknown_step_is_not_found(client, student, url):
    client.force_login(student)
    assert client.get(url).status_code == 404


def test_the_completion_page_takes_no_post(client, connected_student):
    client.force_login(connected_student)
    assert client.post(COMPLETE).status_code == 405


def test_the_completion_page_reads_in_english(client, connected_student, queue, engine):
    _check(connected_student)
    client.force_login(connected_student)
    html = client.get(f"/en/learn/{TUTORIAL}/{STEP}/complete/").content.decode()
    assert "You finished “Step 5: Use a load balancer”" in html
    assert "Next step: Step 6: Make it redundant" in html
    assert "Clean up what costs money" in html and "Load balancer aws-hands-on" in html


# --- reaching it from the step page and the overview ----------------------------------------------------------------


def test_once_done_the_last_sections_panel_and_the_contents_link_to_the_completion_page(
    client, connected_student, queue, engine
):
    client.force_login(connected_student)
    engine.answers.append(report({"alb.dns_reachable": "fail"}))
    _check(connected_student)
    html = client.get(STEP_URL).content.decode()
    assert "data-lc-complete-link" not in html
    assert re.search(r'id="lc-toc-complete" hidden', html)
    _check(connected_student)
    html = client.get(STEP_URL).content.decode()
    last = html.split('id="lc-restrict-ec2-sg"', 1)[1].split("</aside>", 1)[0]
    assert f'data-lc-complete-link><a href="{COMPLETE}">' in last
    assert html.count("data-lc-complete-link") == 1
    assert re.search(r'id="lc-toc-complete"><a href="' + re.escape(COMPLETE), html)


def test_the_overview_links_a_finished_step_to_its_completion_page(client, connected_student, queue, engine):
    client.force_login(connected_student)
    overview = f"/ja/tutorials/{TUTORIAL}/"
    assert "data-complete-link" not in client.get(overview).content.decode()
    _check(connected_student)
    html = client.get(overview).content.decode()
    assert f'href="{COMPLETE}" data-complete-link' in html


# --- how long, in words ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "ja", "en"),
    [
        (20, "1 分未満", "less than a minute"),
        (60, "1 分", "1 minute"),
        (25 * 60 + 59, "25 分", "25 minutes"),
        (3600, "1 時間", "1 hour"),
        (2 * 3600 + 5 * 60, "2 時間 5 分", "2 hours 5 minutes"),
        (3 * 86400 + 4 * 3600 + 10 * 60, "3 日 4 時間", "3 days 4 hours"),
    ],
)
def test_the_time_it_took_reads_naturally_in_both_languages(seconds, ja, en):
    from django.utils import translation

    with translation.override("ja"):
        assert _duration_text(seconds) == ja
    with translation.override("en"):
        assert _duration_text(seconds) == en


def test_a_runs_section_progress_is_written_in_one_insert_then_one_update(connected_student, engine):
    """Storing a run writes every section's progress at once (not one query per section), the first time and after."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sections = len(get_step(TUTORIAL, STEP).sections)
    for kind in ("INSERT", "UPDATE"):
        with CaptureQueriesContext(connection) as ctx:
            _check(connected_student)
        writes = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(kind) and "sectionprogress" in q["sql"]]
        assert len(writes) == 1, writes
    rows = SectionProgress.objects.filter(user=connected_student, tutorial=TUTORIAL, step=STEP)
    assert rows.count() == sections and all(p.complete and p.last_run_id for p in rows)
