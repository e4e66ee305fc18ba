"""Celery tasks of classes (thin: they call services). `close_ended_classes` runs on beat (see apps.py)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="classes.close_ended_classes", ignore_result=True)
def close_ended_classes() -> int:
    return services.classroom_close_ended()
