"""A check that finished seconds ago reads "just now", never "0 minutes ago"."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tutorial.learning.templatetags.learning import within_a_minute


def test_a_moment_seconds_ago_is_within_a_minute():
    assert within_a_minute(timezone.now() - timedelta(seconds=5))


def test_a_moment_two_minutes_ago_is_not_within_a_minute():
    assert not within_a_minute(timezone.now() - timedelta(minutes=2))


def test_no_moment_is_not_within_a_minute():
    assert not within_a_minute(None)
