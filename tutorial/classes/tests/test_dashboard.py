"""The dashboard selector: cells, summary, stuck rules, filters, sorting, and a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from provisioning.steps.load_balancer.catalog import CHECK_IDS as STEP5_CHECK_IDS
from provisioning.steps.load_balancer.catalog import SECTIONS as STEP5_SECTIONS

from ..selectors import DONE, IN_PROGRESS, NOT_STARTED, STUCK, class_dashboard
from .factories import ALL_PASS, make_learners, make_run, statuses

pytestmark = pytest.mark.django_db


def _title(check_id: str, lang: str) -> str:
    """A check's title as the step's spec words it (the dashboard must not word it again)."""
    from provisioning.steps import get_step

    return get_step("aws-hands-on", "load-balancer").check(check_id).title[lang]


def _row(dashboard, username):
    return next(r for r in dashboard.rows if r.username == username)


def test_columns_follow_the_step_catalog(classroom):
    dashboard = class_dashboard(classroom=classroom)
    assert [s.slug for s in dashboard.columns] == list(STEP5_SECTIONS)
    assert [c.id for s in dashboard.columns for c in s.checks] == list(STEP5_CHECK_IDS)


def test_cells_show_the_latest_finished_run(classroom, enrolled):
    old = timezone.now() - timedelta(minutes=5)
    make_run(enrolled, statuses(1, fail="alb.exists"), at=old)
    latest = make_run(enrolled, statuses(2, fail="alb.internet_facing"))
    row = _row(class_dashboard(classroom=classroom), "student")
    cells = {c.check_id: c for c in row.cells}
    assert cells["alb.exists"].status == "pass"
    assert cells["alb.internet_facing"].status == "fail"
    assert cells["alb.exists"].at == latest.finished_at
    assert row.last_checked_at == latest.finished_at
    assert row.done_count == 1  # before-you-start
    assert row.state == IN_PROGRESS


def test_an_active_run_marks_the_row_as_checking(classroom, enrolled):
    make_run(enrolled, statuses(1), state="queued")
    row = _row(class_dashboard(classroom=classroom), "student")
    assert row.checking and row.state == IN_PROGRESS


def test_not_started_and_done(classroom, enrolled, other_student):
    from ..models import Enrollment

    Enrollment.objects.create(classroom=classroom, user=other_student)
    make_run(enrolled, ALL_PASS)
    dashboard = class_dashboard(classroom=classroom)
    done = _row(dashboard, "student")
    assert done.state == DONE and done.completed_at is not None
    assert _row(dashboard, "other_student").state == NOT_STARTED
    assert dashboard.counts == {STUCK: 0, IN_PROGRESS: 0, DONE: 1, NOT_STARTED: 1}


def _fails(*check_ids, passing: int = 1) -> dict[str, str]:
    out = statuses(passing)
    for cid in check_ids:
        out[cid] = "fail"
    return out


# The case: every run runs all checks, so later sections fail too while the learner works on the first.
UNSTARTED_FAILING = ("tg.target_healthy", "alb.dns_reachable", "ec2sg.no_public_ingress")


def test_three_presses_within_ten_seconds_flag_nobody(classroom, enrolled):
    now = timezone.now()
    for seconds in (10, 5, 0):
        make_run(
            enrolled,
            _fails("alb.exists", *UNSTARTED_FAILING),
            at=now - timedelta(seconds=seconds),
            section="create-alb",
        )
    row = _row(class_dashboard(classroom=classroom, now=now), "student")
    assert row.state == IN_PROGRESS and row.stuck == []


def test_failing_runs_a_minute_apart_flag_only_the_started_section(classroom, enrolled):
    now = timezone.now()
    for minutes in (3, 2, 1):
        make_run(
            enrolled,
            _fails("alb.three_azs", *UNSTARTED_FAILING),
            at=now - timedelta(minutes=minutes),
            section="create-alb",
        )
    row = _row(class_dashboard(classroom=classroom, now=now), "student")
    assert row.state == STUCK
    assert [(r.kind, r.section, r.check_ids) for r in row.stuck] == [("repeated", "create-alb", ["alb.three_azs"])]
    assert row.stuck[0].since == now - timedelta(minutes=3)
    assert row.stuck[0].check_titles == [_title("alb.three_azs", "ja")]


def test_not_stuck_when_the_failing_check_changes(classroom, enrolled):
    now = timezone.now()
    make_run(enrolled, _fails("alb.three_azs"), at=now - timedelta(minutes=3), section="create-alb")
    make_run(enrolled, _fails("alb.three_azs"), at=now - timedelta(minutes=2), section="create-alb")
    make_run(enrolled, _fails("alb.active"), at=now - timedelta(minutes=1), section="create-alb")
    assert _row(class_dashboard(classroom=classroom, now=now), "student").state == IN_PROGRESS


@override_settings(CLASSES_STUCK_AFTER_MINUTES=15)
def test_the_same_failure_for_fifteen_minutes_while_active_is_stuck(classroom, enrolled):
    start = timezone.now() - timedelta(hours=1)
    make_run(enrolled, _fails("alb.exists"), at=start, section="create-alb")
    make_run(enrolled, _fails("alb.exists"), at=start + timedelta(seconds=30), section="create-alb")
    make_run(enrolled, _fails("alb.exists"), at=start + timedelta(minutes=16), section="create-alb")
    row = _row(class_dashboard(classroom=classroom, now=start + timedelta(minutes=17)), "student")
    assert row.state == STUCK
    assert (row.stuck[0].kind, row.stuck[0].since, row.stuck[0].check_ids) == ("same_failure", start, ["alb.exists"])
    # Gone for half an hour: not "stuck" (nobody is working), just in progress.
    away = _row(class_dashboard(classroom=classroom, now=start + timedelta(minutes=50)), "student")
    assert away.state == IN_PROGRESS


@override_settings(CLASSES_STUCK_AFTER_MINUTES=15)
def test_one_failing_run_long_ago_is_not_stuck(classroom, enrolled):
    start = timezone.now() - timedelta(hours=1)
    make_run(enrolled, _fails("alb.exists"), at=start, section="create-alb")
    assert _row(class_dashboard(classroom=classroom, now=start + timedelta(minutes=16)), "student").stuck == []


def test_a_section_whose_do_it_for_me_ran_counts_as_started(classroom, enrolled):
    from tutorial.learning.models import RecipeJob

    now = timezone.now()
    RecipeJob.objects.create(
        user=enrolled, tutorial="aws-hands-on", step="load-balancer", recipe="solve", section="target-group"
    )
    for minutes in (3, 2, 1):
        make_run(enrolled, _fails("tg.target_healthy"), at=now - timedelta(minutes=minutes))
    row = _row(class_dashboard(classroom=classroom, now=now), "student")
    assert [r.section for r in row.stuck] == ["target-group"]


def test_a_later_section_passing_marks_an_earlier_one_started(classroom, enrolled):
    now = timezone.now()
    results = {**ALL_PASS, "tg.target_healthy": "fail"}
    for minutes in (3, 2, 1):
        make_run(enrolled, results, at=now - timedelta(minutes=minutes))
    row = _row(class_dashboard(classroom=classroom, now=now), "student")
    assert [r.section for r in row.stuck] == ["target-group"]


def test_a_dismissed_flag_stays_down_until_new_evidence(classroom, enrolled, instructor):
    from ..services import stuck_dismiss

    now = timezone.now()
    for minutes in (5, 4, 3):
        make_run(enrolled, _fails("alb.exists"), at=now - timedelta(minutes=minutes), section="create-alb")
    dismissal = stuck_dismiss(
        classroom=classroom, actor=instructor, user=enrolled, section_key="load-balancer:create-alb"
    )
    type(dismissal).objects.filter(pk=dismissal.pk).update(at=now - timedelta(seconds=150))
    assert _row(class_dashboard(classroom=classroom, now=now), "student").stuck == []
    for minutes in (2, 1, 0):
        make_run(enrolled, _fails("alb.exists"), at=now - timedelta(minutes=minutes), section="create-alb")
    assert _row(class_dashboard(classroom=classroom, now=now), "student").state == STUCK


def test_summary_counts_done_and_failing_checks(classroom):
    users = make_learners(classroom, 4)
    make_run(users[0], ALL_PASS)
    make_run(users[1], statuses(1, fail="alb.exists"))
    make_run(users[2], statuses(1, fail="alb.exists"))
    make_run(users[3], statuses(2, fail="alb.internet_facing"))
    summary = {s.slug: s for s in class_dashboard(classroom=classroom).summary}
    assert summary["before-you-start"].done == 4
    assert summary["create-alb"].done == 1
    failing = [(f.check_id, f.count) for f in summary["create-alb"].failing]
    assert failing == [("alb.exists", 2), ("alb.internet_facing", 1)]


def test_filter_and_sort(classroom):
    users = make_learners(classroom, 3)
    make_run(users[0], ALL_PASS)
    make_run(users[1], statuses(1, fail="alb.exists"))
    assert [r.username for r in class_dashboard(classroom=classroom, state=DONE).rows] == ["learner000"]
    assert [r.username for r in class_dashboard(classroom=classroom, state=NOT_STARTED).rows] == ["learner002"]
    by_progress = [r.username for r in class_dashboard(classroom=classroom, sort="-progress").rows]
    assert by_progress == ["learner000", "learner001", "learner002"]
    by_name_desc = [r.username for r in class_dashboard(classroom=classroom, sort="-name").rows]
    assert by_name_desc == ["learner002", "learner001", "learner000"]


def test_removed_students_leave_the_dashboard(classroom, enrolled):
    from ..services import enrollment_remove

    make_run(enrolled, ALL_PASS)
    enrollment_remove(classroom=classroom, user_id=enrolled.pk)
    assert class_dashboard(classroom=classroom).rows == []


def test_a_student_without_a_connection_is_shown_as_not_connected(classroom, enrolled):
    row = _row(class_dashboard(classroom=classroom), "student")
    assert row.connection_kind is None


def _class_of(classroom, n):
    users = make_learners(classroom, n)
    now = timezone.now()
    for i, user in enumerate(users):
        # Several runs each, so "latest run" really has to choose.
        make_run(user, statuses(1, fail="alb.exists"), at=now - timedelta(minutes=3))
        make_run(user, statuses(i % 10, fail=None if i % 3 else "alb.active"), at=now - timedelta(minutes=1))
    return users


# enrollments (+users, connections, profiles, active run, note), latest runs (window), results, progress, recipe
# sections, dismissals
DASHBOARD_QUERIES = 6


@pytest.mark.parametrize("size", [5, 300])
def test_dashboard_queries_do_not_grow_with_the_class(classroom, size, django_assert_num_queries):
    _class_of(classroom, size)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        dashboard = class_dashboard(classroom=classroom)
    assert len(dashboard.rows) == size
    assert all(len(r.cells) == len(STEP5_CHECK_IDS) for r in dashboard.rows)


@pytest.mark.parametrize("size", [5, 300])
def test_dashboard_page_queries_do_not_grow_with_the_class(
    classroom, instructor_client, size, django_assert_num_queries
):
    from django.urls import reverse

    _class_of(classroom, size)
    url = reverse("classes:grid", args=[classroom.pk])
    instructor_client.get(url)  # warm the session and content caches
    # session, user, permissions (user + group), classroom, the poll's fingerprint (3) + the dashboard's six
    with django_assert_num_queries(5 + 3 + DASHBOARD_QUERIES):
        response = instructor_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('data-student="learner') == size


def test_full_dashboard_page_queries_are_the_same_for_5_and_300(classroom, instructor, client):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from ..services import classroom_create

    big = classroom_create(instructor=instructor, name="big", tutorial="aws-hands-on", region="ap-northeast-1")
    _class_of(classroom, 5)
    users = make_learners(big, 300, prefix="big")
    for user in users:
        make_run(user, statuses(3, fail="alb.active"))
    assert get_user_model().objects.count() == 306
    client.force_login(instructor)
    counts = []
    for c in (classroom, big):
        url = reverse("classes:dashboard", args=[c.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
