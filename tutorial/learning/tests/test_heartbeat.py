"""A run (or recipe job) whose process died is marked `worker_lost` within seconds, by its stopped heartbeat.

The real thing (kill -9 of real worker processes, beat's periodic task) is tests/test_worker_faults.py; these pin
the rule and the numbers.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tutorial.learning import services
from tutorial.learning.apps import EXPIRE_STALE_EVERY
from tutorial.learning.models import RecipeJob, Run

TUTORIAL, STEP = "aws-hands-on", "load-balancer"


def _running(user, *, started_ago: float, beat_ago: float | None, model=Run, **extra):
    now = timezone.now()
    fields = {"user": user, "tutorial": TUTORIAL, "step": STEP, "state": "running", **extra}
    fields["started_at"] = now - timedelta(seconds=started_ago)
    fields["heartbeat_at"] = None if beat_ago is None else now - timedelta(seconds=beat_ago)
    return model.objects.create(**fields)


def test_a_dead_run_is_found_by_beat_within_thirty_seconds():
    """Worst case from the kill: the heartbeat timeout plus one period of the beat task."""
    assert services.HEARTBEAT_TIMEOUT.total_seconds() + EXPIRE_STALE_EVERY <= 30
    assert services.HEARTBEAT_TIMEOUT.total_seconds() >= 3 * services.HEARTBEAT_EVERY  # a late beat is not death
    entry = settings.CELERY_BEAT_SCHEDULE["learning-expire-stale"]
    assert entry["task"] == "learning.expire_stale" and entry["schedule"] <= EXPIRE_STALE_EVERY


@pytest.mark.django_db
def test_a_running_run_whose_heartbeat_stopped_is_worker_lost(connected_student):
    run = _running(connected_student, started_ago=30, beat_ago=services.HEARTBEAT_TIMEOUT.total_seconds() + 1)
    assert services.run_expire_stale() == 1
    run.refresh_from_db()
    assert (run.state, run.error_code) == ("error", "worker_lost")


@pytest.mark.django_db
def test_a_long_run_that_still_beats_is_left_running(connected_student):
    run = _running(connected_student, started_ago=settings.CELERY_TASK_TIME_LIMIT - 10, beat_ago=2)
    assert services.run_expire_stale() == 0
    assert Run.objects.get(pk=run.pk).state == "running"


@pytest.mark.django_db
def test_a_run_that_beats_past_its_hard_time_limit_is_lost_too(connected_student):
    """The solo pool enforces no time limit: a hung run whose thread still beats is not kept for ever."""
    run = _running(connected_student, started_ago=settings.CELERY_TASK_TIME_LIMIT + 60, beat_ago=1)
    assert services.run_expire_stale() == 1
    assert Run.objects.get(pk=run.pk).error_code == "worker_lost"


@pytest.mark.django_db
def test_a_recipe_job_whose_heartbeat_stopped_is_worker_lost_long_before_its_time_limit(connected_student):
    job = _running(connected_student, started_ago=60, beat_ago=60, model=RecipeJob, recipe="solve")
    assert services.run_expire_stale() == 1
    job.refresh_from_db()
    assert (job.state, job.error_code) == ("error", "worker_lost")


@pytest.mark.django_db
def test_claiming_a_run_starts_its_heartbeat(connected_student, queue):
    run = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP)
    claimed, ok = services._claim(Run, run.pk)
    assert ok and claimed.heartbeat_at is not None and claimed.heartbeat_at == claimed.started_at


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_touches_the_row_while_the_block_runs(connected_student):
    import time

    run = _running(connected_student, started_ago=60, beat_ago=60)
    with services.heartbeat(Run, run.pk, every=0.05):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.heartbeat_at > timezone.now() - timedelta(seconds=5):
                break
            time.sleep(0.05)
    assert run.heartbeat_at > timezone.now() - timedelta(seconds=5)
    assert services.run_expire_stale() == 0
    beaten = Run.objects.get(pk=run.pk).heartbeat_at
    time.sleep(0.3)
    assert Run.objects.get(pk=run.pk).heartbeat_at == beaten  # the thread stopped with the block
