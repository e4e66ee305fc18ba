"""Shared test fixtures: personas (student, other student, instructor, other instructor, anonymous).

Every view test should also try the outsider: see `tutorial/tests/` for the pattern.
"""

from __future__ import annotations

import os

import pytest

# A real Celery worker subprocess for the `worker` tests (the learner side owns it).
pytest_plugins = ["tests.plugins.worker"]

# Tests never talk to real AWS: fake credentials everywhere, so nothing ambient leaks in.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")
os.environ.pop("AWS_PROFILE", None)


@pytest.fixture(autouse=True)
def _fresh_aws_credentials_cache():
    """Each test starts without assumed-role credentials cached by an earlier one (moto forgets its roles)."""
    yield
    from provisioning.sessions import forget_credentials

    forget_credentials()


@pytest.fixture(autouse=True)
def _fresh_throttle_counters(settings):
    """Each test gets empty throttle counters in its own memory cache (never the shared Redis of the developer)."""
    import uuid

    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
    }


@pytest.fixture
def password() -> str:
    return "correct-horse-battery-9"


def _make_user(django_user_model, username: str, password: str, *, instructor: bool = False):
    user = django_user_model.objects.create_user(username=username, email=f"{username}@example.com", password=password)
    if instructor:
        from django.contrib.auth.models import Permission

        perm = Permission.objects.filter(codename="add_classroom").first()
        if perm is not None:
            user.user_permissions.add(perm)
    return user


@pytest.fixture
def student(django_user_model, password):
    return _make_user(django_user_model, "student", password)


@pytest.fixture
def other_student(django_user_model, password):
    return _make_user(django_user_model, "other_student", password)


@pytest.fixture
def instructor(django_user_model, password):
    return _make_user(django_user_model, "instructor", password, instructor=True)


@pytest.fixture
def other_instructor(django_user_model, password):
    return _make_user(django_user_model, "other_instructor", password, instructor=True)


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def other_student_client(client, other_student):
    client.force_login(other_student)
    return client
