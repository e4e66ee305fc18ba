"""Views of classes: creating, joining, the roster, the dashboard pages, "check everyone", CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tutorial.learning.models import Run

from .. import services
from ..models import ClassCheck, Classroom, Enrollment
from .factories import ALL_PASS, make_learners, make_run, statuses

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_broker(monkeypatch):
    """Record fan-outs instead of publishing (the worker tests publish for real)."""
    sent: list[list[int]] = []
    monkeypatch.setattr(services, "_enqueue_verifications", lambda ids: sent.append(list(ids)))
    return sent


def test_instructor_creates_a_class(instructor_client, instructor):
    response = instructor_client.post(
        reverse("classes:create"),
        {"name": "AWS入門", "tutorial": "aws-hands-on", "region": "ap-northeast-1", "allow_real_aws_solve": "on"},
    )
    classroom = Classroom.objects.get()
    assert response.status_code == 302 and response.url == reverse("classes:roster", args=[classroom.pk])
    assert classroom.instructor == instructor and classroom.allow_real_aws_solve
    roster = instructor_client.get(response.url).content.decode()
    assert classroom.join_code in roster and reverse("classes:join", args=[classroom.join_code]) in roster


def test_class_form_rejects_a_bad_region(instructor_client):
    response = instructor_client.post(
        reverse("classes:create"), {"name": "x", "tutorial": "aws-hands-on", "region": "tokyo"}
    )
    assert response.status_code == 200 and not Classroom.objects.exists()


def test_a_student_cannot_create_a_class(student_client):
    assert student_client.get(reverse("classes:create")).status_code == 403
    assert student_client.post(reverse("classes:create"), {"name": "x"}).status_code == 403


def test_edit_moves_the_end_date_and_reopens(instructor_client, classroom):
    classroom.closed_at = timezone.now()
    classroom.ends_at = timezone.now() - timedelta(hours=1)
    classroom.save()
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = instructor_client.post(
        reverse("classes:edit", args=[classroom.pk]),
        {"name": "renamed", "tutorial": "aws-hands-on", "region": "us-east-1", "ends_at": later},
    )
    assert response.status_code == 302
    classroom.refresh_from_db()
    assert classroom.name == "renamed" and classroom.region == "us-east-1" and classroom.closed_at is None


def test_join_link_shows_a_confirmation_page_and_a_get_enrolls_no_one(student_client, classroom, student, instructor):
    url = reverse("classes:join", args=[classroom.join_code])
    response = student_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert classroom.name in page
    assert f"data-instructor>{instructor.get_username()}<" in page
    shares = page.split("data-shares>")[1].split("</ul>")[0]
    assert "アカウント" in shares and "リソース" in shares and "結果" in shares  # account id, resources, results
    assert f'<form method="post" action="{url}"' in page and "csrfmiddlewaretoken" in page
    assert not Enrollment.objects.filter(classroom=classroom, user=student).exists()
    assert student_client.head(url).status_code == 200
    assert not Enrollment.objects.exists()


def test_the_confirmation_page_says_what_the_instructor_sees_in_english(student_client, classroom):
    response = student_client.get("/en" + reverse("classes:join", args=[classroom.join_code])[3:])
    shares = response.content.decode().split("data-shares>")[1].split("</ul>")[0]
    assert "ID of the AWS account" in shares and "resources" in shares and "check results" in shares


def test_pressing_join_on_the_confirmation_page_enrolls(student_client, classroom, student):
    response = student_client.post(reverse("classes:join", args=[classroom.join_code]))
    assert response.status_code == 302
    assert response.url == reverse("tutorial:overview", args=["aws-hands-on"])
    assert Enrollment.objects.filter(classroom=classroom, user=student).exists()
    again = student_client.get(reverse("classes:join", args=[classroom.join_code])).content.decode()
    assert 'role="status"' in again and '<form method="post" action="/ja/classes/join/' not in again


def test_join_needs_the_csrf_token(classroom, student):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(reverse("classes:join", args=[classroom.join_code])).status_code == 403
    assert not Enrollment.objects.exists()


def test_a_refused_join_shows_why_and_no_join_button(student_client, classroom, student):
    Classroom.objects.filter(pk=classroom.pk).update(closed_at=timezone.now())
    url = reverse("classes:join", args=[classroom.join_code])
    response = student_client.get(url)
    assert response.status_code == 403
    assert 'role="alert"' in response.content.decode() and f'action="{url}"' not in response.content.decode()
    assert student_client.post(url).status_code == 403
    assert not Enrollment.objects.exists()


def test_join_link_sends_an_anonymous_visitor_to_login_and_back(client, classroom):
    url = reverse("classes:join", args=[classroom.join_code])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login")) and "next=" in response.url
    assert response.url.endswith(f"next={url}")
    assert client.post(url).status_code == 302 and not Enrollment.objects.exists()


def test_join_link_after_signup_comes_back_to_the_confirmation_page(client, classroom):
    url = reverse("classes:join", args=[classroom.join_code])
    signup = reverse("signup")
    response = client.post(
        f"{signup}?next={url}",
        {
            "username": "newbie",
            "email": "n@example.com",
            "password1": "x-Very-long-pw-91",
            "password2": "x-Very-long-pw-91",
            "next": url,
        },
    )
    if response.status_code != 302:
        pytest.skip("the sign-up form asks for other fields")
    assert response.url == url
    assert client.get(url).status_code == 200
    assert not Enrollment.objects.filter(classroom=classroom, user__username="newbie").exists()
    assert client.post(url).status_code == 302
    assert Enrollment.objects.filter(classroom=classroom, user__username="newbie").exists()


def test_join_with_an_unknown_code(student_client):
    assert student_client.get(reverse("classes:join", args=["ABCDEFGHJK"])).status_code == 404
    assert student_client.post(reverse("classes:join", args=["ABCDEFGHJK"])).status_code == 404


def test_join_form_with_a_typed_code_leads_to_the_confirmation_page(student_client, classroom, student):
    response = student_client.post(reverse("classes:join_form"), {"code": classroom.join_code.lower()})
    assert response.status_code == 302
    assert response.url == reverse("classes:join", args=[classroom.join_code])
    assert not Enrollment.objects.filter(classroom=classroom, user=student).exists()


def test_roster_remove(instructor_client, classroom, enrolled):
    response = instructor_client.post(reverse("classes:remove", args=[classroom.pk, enrolled.pk]))
    assert response.status_code == 302
    assert Enrollment.objects.get(classroom=classroom, user=enrolled).removed_at is not None
    assert (
        'data-student="student"'
        not in instructor_client.get(reverse("classes:roster", args=[classroom.pk])).content.decode()
    )


def test_roster_remove_needs_post(instructor_client, classroom, enrolled):
    assert instructor_client.get(reverse("classes:remove", args=[classroom.pk, enrolled.pk])).status_code == 405


def test_dashboard_renders_the_grid_and_polls(instructor_client, classroom, enrolled):
    make_run(enrolled, statuses(2, fail="alb.internet_facing"))
    html = instructor_client.get(reverse("classes:dashboard", args=[classroom.pk])).content.decode()
    assert 'id="class-grid"' in html and 'hx-trigger="lab:visible-tick from:body' in html  # 2 s while visible
    assert reverse("classes:grid", args=[classroom.pk]) in html
    assert 'data-check="alb.internet_facing" data-status="fail"' in html
    assert 'data-check="alb.exists" data-status="pass"' in html


def test_grid_partial_is_only_the_grid(instructor_client, classroom, enrolled):
    html = instructor_client.get(reverse("classes:grid", args=[classroom.pk]) + "?state=stuck").content.decode()
    assert html.lstrip().startswith('<div id="class-grid"') and "<html" not in html
    assert "?state=stuck" in html  # the poll keeps the filter


def test_dashboard_htmx_request_gets_the_partial(instructor_client, classroom):
    html = instructor_client.get(
        reverse("classes:dashboard", args=[classroom.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert html.lstrip().startswith('<div id="class-grid"')


def test_stuck_flag_names_the_check(instructor_client, classroom, enrolled):
    now = timezone.now()
    for minutes in (3, 2, 1):
        make_run(enrolled, statuses(2, fail="alb.three_azs"), at=now - timedelta(minutes=minutes))
    html = instructor_client.get(reverse("classes:grid", args=[classroom.pk])).content.decode()
    assert 'data-state="stuck"' in html and 'data-stuck-check="alb.three_azs"' in html


def test_student_drill_down(instructor_client, classroom, enrolled):
    make_run(enrolled, statuses(1, fail="alb.exists"), at=timezone.now() - timedelta(minutes=2))
    make_run(enrolled, statuses(2, fail="alb.internet_facing"), trigger="instructor")
    html = instructor_client.get(reverse("classes:student", args=[classroom.pk, enrolled.pk])).content.decode()
    assert 'data-check-id="alb.internet_facing" data-status="fail"' in html
    assert "do x" in html  # the hint
    assert "<svg" in html  # the architecture picture
    assert html.count("data-run=") == 2


def test_drill_down_of_someone_not_in_the_class_is_404(instructor_client, classroom, other_student):
    assert instructor_client.get(reverse("classes:student", args=[classroom.pk, other_student.pk])).status_code == 404


def test_check_everyone_fans_out_one_run_per_connected_student(instructor_client, classroom, no_broker):
    users = make_learners(classroom, 3)
    make_learners(classroom, 2, prefix="offline", connected=False)
    # one learner already has a run going: it is reused, not duplicated
    busy = Run.objects.create(user=users[0], tutorial="aws-hands-on", step="load-balancer", state="running")
    response = instructor_client.post(reverse("classes:check_everyone", args=[classroom.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    check = ClassCheck.objects.get()
    assert len(check.run_ids) == 3 and busy.pk in check.run_ids
    assert len(no_broker) == 1 and len(no_broker[0]) == 2 and busy.pk not in no_broker[0]
    assert set(Run.objects.filter(pk__in=no_broker[0]).values_list("trigger", flat=True)) == {"instructor"}
    assert len(check.no_connection_user_ids) == 2
    html = response.content.decode()
    assert 'data-finished="0" data-total="3"' in html and "offline000" in html
    assert reverse("classes:check_progress", args=[classroom.pk, check.pk]) in html


def test_check_progress_counts_finished_runs_and_stops_polling(instructor_client, classroom, no_broker):
    make_learners(classroom, 2)
    instructor_client.post(reverse("classes:check_everyone", args=[classroom.pk]))
    check = ClassCheck.objects.get()
    url = reverse("classes:check_progress", args=[classroom.pk, check.pk])
    Run.objects.filter(pk=check.run_ids[0]).update(state="done", finished_at=timezone.now())
    response = instructor_client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-finished="1" data-total="2"' in response.content.decode()
    Run.objects.filter(pk=check.run_ids[1]).update(state="error", finished_at=timezone.now())
    response = instructor_client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 286 and 'data-finished="2"' in response.content.decode()


def test_check_everyone_with_the_broker_down_errors_the_runs(instructor_client, classroom, monkeypatch):
    make_learners(classroom, 2)

    def down(ids):
        raise ConnectionError("broker down")

    monkeypatch.setattr(services, "_enqueue_verifications", down)
    response = instructor_client.post(reverse("classes:check_everyone", args=[classroom.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    check = ClassCheck.objects.get()
    assert check.enqueue_error == "queue_unavailable"
    assert set(Run.objects.values_list("state", "error_code")) == {("error", "queue_unavailable")}


def test_csv_export_has_a_bom_japanese_names_and_one_column_per_check(instructor_client, classroom):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="tanaka", first_name="太郎", last_name="田中")
    Enrollment.objects.create(classroom=classroom, user=user)
    evil = get_user_model().objects.create_user(username="=cmd|calc")
    Enrollment.objects.create(classroom=classroom, user=evil)
    make_run(user, ALL_PASS)
    response = instructor_client.get(reverse("classes:export", args=[classroom.pk]))
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=utf-8''" in disposition.lower()
    assert "AWS%E5%85%A5%E9%96%80" in disposition  # 入門, percent-encoded UTF-8
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:6] == ["name", "username", "status", "sections_done", "completed_at", "last_checked_at"]
    assert header[6:] == [
        c
        for ids in __import__("provisioning.steps.load_balancer.catalog").steps.load_balancer.catalog.SECTIONS.values()
        for c in ids
    ]
    by_user = {r[1]: r for r in rows[1:]}
    assert by_user["tanaka"][0] == "太郎 田中"
    assert by_user["tanaka"][4] != "" and set(by_user["tanaka"][6:]) == {"pass"}
    assert by_user["'=cmd|calc"][0].startswith("'=")  # no formula injection


def test_an_unchanged_poll_answers_204_and_a_change_renders(instructor_client, classroom, enrolled):
    import re

    url = reverse("classes:grid", args=[classroom.pk])
    html = instructor_client.get(url + "?sort=-name", HTTP_HX_REQUEST="true").content.decode()
    poll = re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "sort=-name" in poll and "v=" in poll
    assert instructor_client.get(poll, HTTP_HX_REQUEST="true").status_code == 204
    make_run(enrolled, statuses(1, fail="alb.exists"))
    changed = instructor_client.get(poll, HTTP_HX_REQUEST="true")
    assert changed.status_code == 200 and 'data-check="alb.exists" data-status="fail"' in changed.content.decode()


def test_filter_links_do_not_carry_the_poll_fingerprint(instructor_client, classroom, enrolled):
    html = instructor_client.get(reverse("classes:grid", args=[classroom.pk]) + "?v=abc&state=done").content.decode()
    assert 'data-filter="stuck"' in html
    assert "v=abc" not in html
