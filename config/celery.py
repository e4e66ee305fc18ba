"""The Celery app. Tasks are thin wrappers (see `*/tasks.py`); the policy lives here.

- The pool is Celery's prefork pool with queue locks a killed child cannot leave locked (config/pool.py: why).
- The embedded filesystem broker writes each message atomically and moves a corrupt one aside instead of dying
  on it (config/broker.py).
- `worker.ping` is answered by a pool child (`celery inspect ping` is answered by the parent), so it proves the
  pool still takes work.
"""

from __future__ import annotations

import gc
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("handson")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.worker_pool = "config.pool:TaskPool"


def _broker_url() -> str:
    from django.conf import settings

    return str(getattr(settings, "CELERY_BROKER_URL", "") or "")


if _broker_url().startswith("filesystem"):
    # An explicit transport wins over the URL's scheme; only set for the filesystem URL (never for Redis).
    app.conf.broker_transport = "config.broker:Transport"

app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _database_connections_as_in_a_request(**_kwargs) -> None:
    """What Django does around a request: close a connection that errored or outlived CONN_MAX_AGE, keep the rest.

    Celery's own fix-up closes every connection around every task (a new PostgreSQL connection per run) unless
    CELERY_DB_REUSE_MAX is set; with it set, this keeps a broken connection from being reused.
    """
    from django.db import close_old_connections

    close_old_connections()


@signals.worker_ready.connect
def _freeze_startup_objects(**_kwargs) -> None:
    """Move what the worker built to start (Django, Celery, the task modules, botocore's models) out of the
    garbage collector's sight: CPython's full collections scanned all of it again and again while runs allocate
    (a learner's first check builds a session and clients: ~40% of its AssumeRole step was these scans, issue 13).
    Nothing is freed by this that could have been: what is frozen is alive for the worker's lifetime anyway.
    worker_ready fires in the process that runs the tasks of a threads or solo pool (and in prefork's parent, after
    its children started); each prefork child freezes what it inherited and built when it starts.
    """
    gc.collect()
    gc.freeze()


@signals.worker_process_init.connect
def _freeze_child_startup_objects(**_kwargs) -> None:
    gc.freeze()  # no collection first: it would write to every page the child shares with its parent


@app.task(name="worker.ping", ignore_result=False)
def ping() -> int:
    """The pid of the pool process that ran it."""
    return os.getpid()
