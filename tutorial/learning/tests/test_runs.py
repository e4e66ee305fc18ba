"""Runs: one active run per learner and step, the worker's job, progress that is live, re-checks with backoff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tutorial.learning import services
from tutorial.learning.models import Result, Run, SectionProgress

from .conftest import STEP, TUTORIAL, report

pytestmark = pytest.mark.django_db


def start(user, section="create-alb", trigger="learner") -> Run:
    return services.run_start(user=user, tutorial=TUTORIAL, step=STEP, section=section, trigger=trigger)


def test_a_burst_of_ten_presses_makes_one_run_and_one_message(
    connected_student, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        runs = {start(connected_student).pk for _ in range(10)}
    assert len(runs) == 1
    assert Run.objects.count() == 1
    assert queue.ids() == list(runs)


def test_run_start_without_a_connection_raises_not_connected(student, queue):
    with pytest.raises(services.NotConnected):
        start(student)


def test_run_start_for_an_unknown_step_raises_lookup_error(connected_student, queue):
    with pytest.raises(LookupError):
        services.run_start(user=connected_student, tutorial=TUTORIAL, step="nope")


def test_run_execute_stores_results_architecture_and_counts(connected_student, queue, engine):
    engine.answers.append(report({"alb.active": "fail"}))
    run = start(connected_student)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == "done"
    assert run.aws_api_calls == 7 and run.duration_ms == 42
    assert run.architecture["alb"]["name"] == "aws-hands-on"
    failed = Result.objects.get(run=run, check_id="alb.active")
    assert failed.status == "fail" and failed.hint_en == "hint for alb.active" and failed.hint_ja
    assert Result.objects.filter(run=run).count() == 15
    assert engine.calls[0].kind == "sandbox"


def test_run_execute_is_idempotent(connected_student, queue, engine):
    run = start(connected_student)
    services.run_execute(run_id=run.pk)
    services.run_execute(run_id=run.pk)
    assert len(engine.calls) == 1
    assert Result.objects.filter(run=run).count() == 15


def test_engine_crash_marks_the_run_error_without_the_message(connected_student, queue, monkeypatch, caplog):
    def boom(spec, **kwargs):
        raise RuntimeError("secret-in-message-AKIA")

    monkeypatch.setattr(services, "_verify", boom)
    run = start(connected_student)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == "error" and run.error_code == "engine_error"
    assert "secret-in-message" not in caplog.text


def test_a_new_run_can_start_once_the_previous_is_done(connected_student, queue, engine):
    first = start(connected_student)
    services.run_execute(run_id=first.pk)
    second = start(connected_student)
    assert second.pk != first.pk


def test_section_complete_when_all_its_checks_pass_and_step_when_all_sections(connected_student, queue, engine):
    from tutorial.learning.selectors import step_learning

    engine.answers.append(report({"alb.dns_reachable": "fail"}))
    services.run_execute(run_id=start(connected_student).pk)
    progress = {p.section: p.complete for p in SectionProgress.objects.filter(user=connected_student)}
    assert progress == {
        "before-you-start": True,
        "create-alb": True,
        "target-group": True,
        "load-balancer": False,
        "restrict-ec2-sg": True,
    }
    assert step_learning(user=connected_student, tutorial=TUTORIAL, step=STEP).step_state == "failing"
    services.run_execute(run_id=start(connected_student).pk)
    assert step_learning(user=connected_student, tutorial=TUTORIAL, step=STEP).step_state == "complete"


def test_a_later_failing_run_takes_the_section_back_and_says_what_changed(connected_student, queue, engine):
    services.run_execute(run_id=start(connected_student).pk)
    assert SectionProgress.objects.get(user=connected_student, section="create-alb").complete
    engine.answers.append(report({"alb.active": "fail"}))
    services.run_execute(run_id=start(connected_student).pk)
    progress = SectionProgress.objects.get(user=connected_student, section="create-alb")
    assert not progress.complete
    assert "no longer complete" in progress.change_en
    assert "Now failing: The load balancer's state is active." in progress.change_en
    assert "未完了に戻りました" in progress.change_ja
    assert (
        "このセクションは未完了に戻りました。「ロードバランサーの状態が active である」が不合格になりました。"
        in progress.change_ja
    )
    assert "alb.active" not in progress.change_en + progress.change_ja
    untouched = SectionProgress.objects.get(user=connected_student, section="target-group")
    assert untouched.complete and untouched.change_en == ""


def test_what_changed_names_checks_by_title_and_lists_at_most_three(connected_student, queue, engine):
    services.run_execute(run_id=start(connected_student).pk)
    failing = {"alb.exists": "fail", "alb.internet_facing": "fail", "alb.three_azs": "fail", "alb.active": "fail"}
    engine.answers.append(report(failing))
    services.run_execute(run_id=start(connected_student).pk)
    progress = SectionProgress.objects.get(user=connected_student, section="create-alb")
    assert progress.change_en.startswith("This section is no longer complete. Now failing: ")
    assert progress.change_en.count("; ") == 2 and progress.change_en.endswith(". 1 more changed.")
    assert progress.change_ja.count("」、「") == 2 and progress.change_ja.endswith(
        "が不合格になりました。ほかに 1 件が変わりました。"
    )
    assert not any(cid in progress.change_en for cid in failing)


def test_an_error_result_does_not_complete_a_section(connected_student, queue, engine):
    engine.answers.append(report({"tg.target_healthy": "error"}))
    services.run_execute(run_id=start(connected_student).pk)
    assert not SectionProgress.objects.get(user=connected_student, section="target-group").complete


def test_transient_result_schedules_a_recheck_with_backoff(
    connected_student, queue, engine, django_capture_on_commit_callbacks
):
    engine.answers.append(report({"alb.active": "fail"}, transient={"alb.active"}))
    engine.answers.append(report({"alb.active": "fail"}, transient={"alb.active"}))
    run = start(connected_student)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_execute(run_id=run.pk)
    follow_up = Run.objects.get(trigger="recheck")
    assert follow_up.state == "queued" and follow_up.recheck_count == 1
    assert queue.sent[-1] == ("verify", follow_up.pk, services.RECHECK_DELAYS[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.run_execute(run_id=follow_up.pk)
    second = Run.objects.filter(trigger="recheck").order_by("-id").first()
    assert second.recheck_count == 2 and queue.sent[-1][2] == services.RECHECK_DELAYS[1]


def test_rechecks_stop_after_the_backoff_budget(connected_student, queue, engine, django_capture_on_commit_callbacks):
    run = start(connected_student)
    Run.objects.filter(pk=run.pk).update(recheck_count=len(services.RECHECK_DELAYS), trigger="recheck")
    engine.answers.append(report({"alb.active": "fail"}, transient={"alb.active"}))
    with django_capture_on_commit_callbacks(execute=True):
        services.run_execute(run_id=run.pk)
    assert not Run.objects.filter(state="queued").exists()
    assert sum(services.RECHECK_DELAYS) <= 4 * 60


def test_pressing_check_during_a_recheck_backoff_runs_it_now(
    connected_student, queue, engine, django_capture_on_commit_callbacks
):
    engine.answers.append(report({"alb.active": "fail"}, transient={"alb.active"}))
    with django_capture_on_commit_callbacks(execute=True):
        services.run_execute(run_id=start(connected_student).pk)
    waiting = Run.objects.get(trigger="recheck")
    with django_capture_on_commit_callbacks(execute=True):
        pressed = start(connected_student)
    assert pressed.pk == waiting.pk
    assert queue.sent[-1] == ("verify", waiting.pk, None)


def test_worker_lost_run_expires_to_error_and_a_new_run_can_start(connected_student, queue, settings):
    run = start(connected_student)
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    Run.objects.filter(pk=run.pk).update(state="running", started_at=long_ago)
    fresh = start(connected_student)
    run.refresh_from_db()
    assert run.state == "error" and run.error_code == "worker_lost"
    assert fresh.pk != run.pk and fresh.state == "queued"


def test_a_running_run_within_its_time_limit_is_not_expired(connected_student, queue):
    run = start(connected_student)
    Run.objects.filter(pk=run.pk).update(state="running", started_at=timezone.now())
    assert services.run_expire_stale() == 0
    assert start(connected_student).pk == run.pk


def test_a_late_report_for_an_expired_run_is_dropped(connected_student, queue, engine):
    run = start(connected_student)
    Run.objects.filter(pk=run.pk).update(state="error", error_code="worker_lost")
    assert services.run_store_report(run=run, report=report()).state == "error"
    assert not Result.objects.filter(run=run).exists()


def test_expire_stale_task_calls_the_service(connected_student, queue, settings):
    from tutorial.learning.tasks import expire_stale

    run = start(connected_student)
    Run.objects.filter(pk=run.pk).update(
        due_at=timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    )
    assert expire_stale() == 1


def test_beat_schedule_expires_stale_runs(settings):
    assert settings.CELERY_BEAT_SCHEDULE["learning-expire-stale"]["task"] == "learning.expire_stale"
