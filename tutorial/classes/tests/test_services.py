"""Services of classes: join codes, joining and removal, closing ended classes, the instructor command."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ..models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, Classroom, Enrollment
from ..selectors import learner_may_provision_real_aws
from ..services import JoinRefused, classroom_close_ended, classroom_create, enrollment_join, enrollment_remove

pytestmark = pytest.mark.django_db


def test_join_codes_are_random_unambiguous_and_unique(instructor):
    codes = [
        classroom_create(
            instructor=instructor, name=f"c{i}", tutorial="aws-hands-on", region="ap-northeast-1"
        ).join_code
        for i in range(30)
    ]
    assert len(set(codes)) == 30
    for code in codes:
        assert len(code) == JOIN_CODE_LENGTH
        assert set(code) <= set(JOIN_CODE_ALPHABET)
        assert not set(code) & set("01OIL")
    # Not a counter: consecutive classes do not share a long prefix.
    assert len({c[:4] for c in codes}) > 25


def test_join_is_idempotent(classroom, student):
    first, created = enrollment_join(classroom=classroom, user=student)
    again, created_again = enrollment_join(classroom=classroom, user=student)
    assert created and not created_again and first.pk == again.pk


def test_removed_student_cannot_rejoin_with_the_link(classroom, enrolled):
    assert enrollment_remove(classroom=classroom, user_id=enrolled.pk)
    with pytest.raises(JoinRefused) as exc:
        enrollment_join(classroom=classroom, user=enrolled)
    assert exc.value.reason == "removed"
    assert not Enrollment.objects.active().filter(classroom=classroom).exists()


def test_joining_an_ended_class_is_refused(classroom, student):
    classroom.ends_at = timezone.now() - timedelta(minutes=1)
    classroom.save()
    with pytest.raises(JoinRefused) as exc:
        enrollment_join(classroom=classroom, user=student)
    assert exc.value.reason == "closed"


def test_instructor_cannot_join_own_class(classroom, instructor):
    with pytest.raises(JoinRefused):
        enrollment_join(classroom=classroom, user=instructor)


def test_close_ended_closes_only_past_end_dates(instructor):
    now = timezone.now()
    past = classroom_create(
        instructor=instructor,
        name="past",
        tutorial="aws-hands-on",
        region="ap-northeast-1",
        ends_at=now - timedelta(hours=1),
    )
    future = classroom_create(
        instructor=instructor,
        name="future",
        tutorial="aws-hands-on",
        region="ap-northeast-1",
        ends_at=now + timedelta(hours=1),
    )
    open_ended = classroom_create(instructor=instructor, name="open", tutorial="aws-hands-on", region="ap-northeast-1")
    assert classroom_close_ended(now=now) == 1
    assert classroom_close_ended(now=now) == 0  # already closed: not closed again
    past.refresh_from_db(), future.refresh_from_db(), open_ended.refresh_from_db()
    assert past.closed_at == now and future.closed_at is None and open_ended.closed_at is None


def test_close_task_is_on_the_beat_schedule():
    from config.celery import app

    entry = app.conf.beat_schedule["classes-close-ended"]
    assert entry["task"] == "classes.close_ended_classes"
    from ..tasks import close_ended_classes

    assert close_ended_classes.name == "classes.close_ended_classes"


def test_close_task_calls_the_service(instructor):
    from ..tasks import close_ended_classes

    classroom_create(
        instructor=instructor,
        name="p",
        tutorial="aws-hands-on",
        region="ap-northeast-1",
        ends_at=timezone.now() - timedelta(seconds=1),
    )
    assert close_ended_classes() == 1
    assert Classroom.objects.filter(closed_at__isnull=False).count() == 1


def test_learner_may_provision_real_aws_only_in_open_classes_that_allow_it(classroom, enrolled, other_student):
    assert not learner_may_provision_real_aws(enrolled)
    classroom.allow_real_aws_solve = True
    classroom.save()
    assert learner_may_provision_real_aws(enrolled)
    assert not learner_may_provision_real_aws(other_student)  # not in the class
    classroom.closed_at = timezone.now()
    classroom.save()
    assert not learner_may_provision_real_aws(enrolled)


def test_learner_may_provision_is_false_after_removal(classroom, enrolled):
    classroom.allow_real_aws_solve = True
    classroom.save()
    enrollment_remove(classroom=classroom, user_id=enrolled.pk)
    assert not learner_may_provision_real_aws(enrolled)


def test_learner_side_sees_the_class_permission(classroom, enrolled):
    from tutorial.learning.services import learner_may_provision_real_aws as learner_side

    classroom.allow_real_aws_solve = True
    classroom.save()
    assert learner_side(enrolled) is True


def test_grant_instructor_command(student):
    assert not student.has_perm("classes.add_classroom")
    call_command("grant_instructor", student.username)
    student = type(student).objects.get(pk=student.pk)
    assert student.has_perm("classes.add_classroom")
    call_command("grant_instructor", student.username, "--revoke")
    student = type(student).objects.get(pk=student.pk)
    assert not student.has_perm("classes.add_classroom")


def test_grant_instructor_unknown_user():
    with pytest.raises(CommandError):
        call_command("grant_instructor", "nobody")
