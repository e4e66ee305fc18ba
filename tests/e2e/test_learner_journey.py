"""The learner's journey in headless Chromium, in Japanese: sign up, connect the sandbox, prepare, check (fails,
with hints), do it for me, check (passes), clean up. A real Celery worker runs the checks and recipes.

Screenshots of the failing and the passing checkpoint panel (and the architecture picture) go to $E2E_ARTIFACTS.
Needs chromium (see conftest.py) and PostgreSQL + Redis for the worker (tests/plugins/worker.py); skipped with the
reason otherwise (failing instead under REQUIRE_E2E=1 / REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import os

import pytest

from provisioning.sandbox.testing import sandbox_server  # noqa: F401 - fixture
from tests.e2e.journey import run_learner_journey

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.sandbox]


def test_learner_journey_in_japanese(
    sandbox_server,  # noqa: F811
    celery_worker,
    live_server,
    page_on_failure,
    artifacts_dir,
):
    run_learner_journey(page_on_failure, live_server.url, artifacts_dir, username="hanako", prefix="learner")
