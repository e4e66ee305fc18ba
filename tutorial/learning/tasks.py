"""Celery tasks of the learner's side: thin, named wrappers that load by id and call a service.

acks_late (from settings) means a worker that dies mid-run leaves the message to be redelivered; the services are
idempotent. While a task runs, its process beats (`services.heartbeat`); when it dies, the beat stops and the
periodic `learning.expire_stale` marks the run `error` ("worker_lost") within seconds, so the learner can start
another. Eager calls (tests, CELERY_TASK_ALWAYS_EAGER) run inside the request and need no heartbeat.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import services
from .models import RecipeJob, Run


@shared_task(
    name="verify",
    acks_late=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    ignore_result=True,
    bind=True,
)
def verify(self, run_id: int) -> None:
    if self.request.is_eager:
        services.run_execute(run_id=run_id)
        return
    with services.heartbeat(Run, run_id):
        services.run_execute(run_id=run_id)


@shared_task(
    name="provision",
    acks_late=True,
    time_limit=services.RECIPE_TIME_LIMIT,
    soft_time_limit=services.RECIPE_TIME_LIMIT - 30,
    ignore_result=True,
    bind=True,
)
def provision(self, job_id: int) -> None:
    if self.request.is_eager:
        services.recipe_execute(job_id=job_id)
        return
    with services.heartbeat(RecipeJob, job_id):
        services.recipe_execute(job_id=job_id)


@shared_task(name="learning.expire_stale", ignore_result=True)
def expire_stale() -> int:
    return services.run_expire_stale()
