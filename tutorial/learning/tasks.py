"""Celery tasks of the learner's side: thin, named wrappers that load by id and call a service.

acks_late (from settings) means a worker that dies mid-run leaves the message to be redelivered; the services are
idempotent, and `run_expire_stale` marks such runs `error` ("worker_lost") so the learner can start another.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    name="verify",
    acks_late=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    ignore_result=True,
)
def verify(run_id: int) -> None:
    services.run_execute(run_id=run_id)


@shared_task(
    name="provision",
    acks_late=True,
    time_limit=services.RECIPE_TIME_LIMIT,
    soft_time_limit=services.RECIPE_TIME_LIMIT - 30,
    ignore_result=True,
)
def provision(job_id: int) -> None:
    services.recipe_execute(job_id=job_id)


@shared_task(name="learning.expire_stale", ignore_result=True)
def expire_stale() -> int:
    return services.run_expire_stale()
