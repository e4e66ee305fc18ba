"""Past one machine: N worker processes on one Redis queue share a class's "check everyone" (compose's
`docker-compose up --scale worker=N`). Two real Celery worker processes, the same queue, the same PostgreSQL."""

from __future__ import annotations

import re

import pytest

from tests.plugins.worker import own_queue, start_worker, wait_until

pytestmark = pytest.mark.worker

LEARNERS = 12


@pytest.fixture
def two_workers(transactional_db, tmp_path):
    with own_queue("test-two-") as queue:
        workers = []
        try:
            for name in ("a", "b"):
                workers.append(start_worker(queue=queue, log_path=tmp_path / f"worker-{name}.log"))
            yield workers
        finally:
            for worker in workers:
                worker.stop()


def test_check_everyone_is_spread_over_two_workers_on_the_same_queue(two_workers, instructor, settings):
    from tests.processes import free_pair
    from tutorial.classes.services import class_check_start, classroom_create
    from tutorial.classes.tests.factories import make_learners
    from tutorial.learning.models import Run

    settings.SANDBOX_URL = f"http://127.0.0.1:{free_pair()}"  # nothing listens: each run ends quickly "could not check"
    classroom = classroom_create(
        instructor=instructor, name="二台のワーカー", tutorial="aws-hands-on", region="ap-northeast-1"
    )
    make_learners(classroom, LEARNERS, prefix="spread")
    check = class_check_start(classroom=classroom, step="load-balancer", started_by=instructor)
    assert len(check.run_ids) == LEARNERS

    def all_finished():
        return Run.objects.filter(pk__in=check.run_ids, state__in=["done", "error"]).count() == LEARNERS

    wait_until(all_finished, timeout=240, what="every learner's run", worker=two_workers[0])
    per_worker = [set(map(int, re.findall(r"run finished run=(\d+) ", worker.log()))) for worker in two_workers]
    assert per_worker[0] and per_worker[1], [len(p) for p in per_worker]  # both took a share
    assert per_worker[0].isdisjoint(per_worker[1])  # and no run was done twice
    assert per_worker[0] | per_worker[1] == set(check.run_ids)
    print(f"check everyone, {LEARNERS} learners: worker a ran {len(per_worker[0])}, worker b {len(per_worker[1])}")  # noqa: T201
