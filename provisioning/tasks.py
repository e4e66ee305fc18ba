"""Celery tasks of provisioning: thin wrappers over `verify_step`, which the tests call directly.

Only connections that carry no secret travel through the broker ("ambient", the worker's own identity, and
"sandbox"); the learner side loads a stored connection (keys, role) in its own task and calls `verify_step` there.
A run only reads AWS, so running a task twice is harmless (idempotent); the hard time limit bounds a stuck run.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from provisioning.types import ConnectionSpec
from provisioning.verify import verify_step

SECRET_FREE_KINDS = ("ambient", "sandbox")


def verify_job(*, spec: dict[str, Any], tutorial: str, step: str, probes: bool = True) -> dict[str, Any]:
    """Run one verification for a secret-free connection and return the report as plain data."""
    if spec.get("kind") not in SECRET_FREE_KINDS:
        raise ValueError("only ambient and sandbox connections may be passed to this task")
    allowed = {"kind", "region", "sandbox_account", "endpoint_url", "profile"}
    report = verify_step(
        ConnectionSpec(**{k: v for k, v in spec.items() if k in allowed}), tutorial=tutorial, step=step, probes=probes
    )
    data = report.as_json("ja")
    data["results_full"] = [r.as_dict() for r in report.results]
    data["architecture"] = report.architecture
    return data


@shared_task(name="provisioning.verify", time_limit=60, soft_time_limit=50, acks_late=True)
def verify(spec: dict[str, Any], tutorial: str, step: str, probes: bool = True):
    return verify_job(spec=spec, tutorial=tutorial, step=step, probes=probes)
