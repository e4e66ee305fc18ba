"""Access to every class URL: another instructor (404), a student (403), anonymous (login), CSRF on POSTs."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ..models import ClassCheck
from .factories import ALL_PASS, make_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def class_urls(classroom, enrolled):
    make_run(enrolled, ALL_PASS)
    check = ClassCheck.objects.create(classroom=classroom, step="load-balancer", run_ids=[])
    pk = classroom.pk
    return [
        ("get", reverse("classes:dashboard", args=[pk])),
        ("get", reverse("classes:grid", args=[pk])),
        ("get", reverse("classes:student", args=[pk, enrolled.pk])),
        ("get", reverse("classes:roster", args=[pk])),
        ("post", reverse("classes:remove", args=[pk, enrolled.pk])),
        ("post", reverse("classes:check_everyone", args=[pk])),
        ("get", reverse("classes:check_progress", args=[pk, check.pk])),
        ("get", reverse("classes:export", args=[pk])),
        ("get", reverse("classes:edit", args=[pk])),
        ("post", reverse("classes:edit", args=[pk])),
        ("get", reverse("classes:big", args=[pk])),
        ("get", reverse("classes:show", args=[pk])),
        ("get", reverse("classes:grades", args=[pk, "moodle"])),
        ("get", reverse("classes:grades", args=[pk, "canvas"])),
        ("post", reverse("classes:rotate_code", args=[pk])),
        ("post", reverse("classes:joins", args=[pk])),
        ("post", reverse("classes:student_recheck", args=[pk, enrolled.pk])),
        ("post", reverse("classes:student_recipe", args=[pk, enrolled.pk, "solve"])),
        ("post", reverse("classes:student_recipe", args=[pk, enrolled.pk, "teardown"])),
        ("post", reverse("classes:student_note", args=[pk, enrolled.pk])),
        ("post", reverse("classes:dismiss", args=[pk, enrolled.pk])),
    ]


def _hit(client, method, url):
    return getattr(client, method)(url)


def test_another_instructor_gets_404_everywhere(client, other_instructor, class_urls):
    client.force_login(other_instructor)
    for method, url in class_urls:
        assert _hit(client, method, url).status_code == 404, (method, url)


def test_a_student_of_the_class_gets_403_everywhere(client, enrolled, class_urls):
    client.force_login(enrolled)
    for method, url in class_urls:
        assert _hit(client, method, url).status_code == 403, (method, url)


def test_anonymous_is_sent_to_login_everywhere(client, class_urls):
    login = reverse("login")
    for method, url in class_urls:
        response = _hit(client, method, url)
        assert response.status_code == 302 and response.url.startswith(login), (method, url)


def test_nothing_changed_after_the_outsiders(client, other_instructor, student, classroom, enrolled, class_urls):
    from tutorial.learning.models import RecipeJob, Run

    from ..models import ClassAction, StudentNote

    runs_before = Run.objects.count()
    code_before = classroom.join_code
    for who in (other_instructor, enrolled):
        client.force_login(who)
        for method, url in class_urls:
            _hit(client, method, url)
    classroom.refresh_from_db()
    assert classroom.enrollments.active().count() == 1
    assert Run.objects.count() == runs_before
    assert ClassCheck.objects.count() == 1
    assert classroom.join_code == code_before and classroom.joins_closed_at is None
    assert not RecipeJob.objects.exists() and not StudentNote.objects.exists() and not ClassAction.objects.exists()


def test_the_owner_gets_200_everywhere_it_reads(instructor_client, class_urls):
    for method, url in class_urls:
        if method == "get":
            assert _hit(instructor_client, method, url).status_code == 200, url


def test_posts_need_a_csrf_token(instructor, classroom, enrolled, class_urls):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(instructor)
    for method, url in class_urls:
        if method == "post":
            assert strict.post(url).status_code == 403, url
    assert classroom.enrollments.active().count() == 1


def test_a_student_sees_no_other_student(student_client, classroom, enrolled, other_student):
    from ..models import Enrollment

    Enrollment.objects.create(classroom=classroom, user=other_student)
    html = student_client.get(reverse("classes:list")).content.decode()
    assert classroom.name in html and "other_student" not in html
    assert reverse("classes:dashboard", args=[classroom.pk]) not in html


def test_the_class_list_of_an_instructor_shows_only_their_classes(client, other_instructor, classroom):
    client.force_login(other_instructor)
    assert classroom.name not in client.get(reverse("classes:list")).content.decode()


def test_join_codes_do_not_follow_class_ids(instructor):
    from ..services import classroom_create

    a = classroom_create(instructor=instructor, name="a", tutorial="aws-hands-on", region="ap-northeast-1")
    b = classroom_create(instructor=instructor, name="b", tutorial="aws-hands-on", region="ap-northeast-1")
    # A random 10-character code may contain the id's digits by chance; what must not happen is codes that differ
    # only where the ids do.
    assert a.join_code != b.join_code
    assert sum(x == y for x, y in zip(a.join_code, b.join_code, strict=True)) < 5
