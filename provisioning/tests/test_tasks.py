"""The thin Celery task: same function, secret-free connections only."""

from __future__ import annotations

import pytest

from provisioning.tasks import verify_job


def test_verify_job_returns_the_run_as_plain_data(step5_state):
    data = verify_job(
        spec={"kind": "ambient", "region": "ap-northeast-1"},
        tutorial="aws-hands-on",
        step="load-balancer",
        probes=False,
    )
    assert data["results"][1]["id"] == "alb.exists" and data["results"][1]["status"] == "pass"
    assert data["architecture"]["alb"]["name"] == "aws-hands-on"


def test_verify_job_refuses_connections_carrying_secrets():
    with pytest.raises(ValueError):
        verify_job(
            spec={"kind": "keys", "access_key_id": "A", "secret_access_key": "B"},
            tutorial="aws-hands-on",
            step="load-balancer",
        )
