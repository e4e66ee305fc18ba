"""The Celery app. Tasks are thin wrappers (see `*/tasks.py`); the policy lives here."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("handson")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
