"""Fixtures for classes tests: a class taught by the `instructor` persona, with the `student` enrolled."""

from __future__ import annotations

import pytest

from ..models import Enrollment
from ..services import classroom_create


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
