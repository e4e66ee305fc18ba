"""Fixtures for classes tests: a class taught by the `instructor` persona, with the `student` enrolled."""

from __future__ import annotations

import pytest

from ..models import Enrollment
from ..services import classroom_create


@pytest.fixture(autouse=True)
def step5_alone(monkeypatch):
    """These tests pin a class on Step 5 alone (issue 10: classes keep working for Step 5 alone): the dashboard,
    CSV and check everyone see only that step of the tutorial. A class over several steps is i13's to pin."""
    import provisioning.steps as steps

    real = steps.step_keys

    def step5_only(tutorial=None):
        return [(t, s) for t, s in real(tutorial) if s == "load-balancer"]

    monkeypatch.setattr(steps, "step_keys", step5_only)


@pytest.fixture
def classroom(instructor):
    return classroom_create(
        instructor=instructor, name="AWS入門 月曜クラス", tutorial="aws-hands-on", region="ap-northeast-1"
    )


@pytest.fixture
def enrolled(classroom, student):
    Enrollment.objects.create(classroom=classroom, user=student)
    return student


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client
