"""The clean-up banner after a class ends, and the instructor's list of who has not cleaned up."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tutorial.learning.models import Connection, RecipeJob

from ..selectors import class_not_cleaned_up, learner_cleanup_banners
from .factories import ALL_PASS, make_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_aws(enrolled):
    Connection.objects.create(
        user=enrolled, kind="role", role_arn="arn:aws:iam::123456789012:role/x", validated_at=timezone.now()
    )
    return enrolled


def _close(classroom):
    classroom.closed_at = timezone.now()
    classroom.save()


def test_no_banner_while_the_class_is_open(classroom, real_aws):
    make_run(real_aws, ALL_PASS)
    assert learner_cleanup_banners(user=real_aws) == []


def test_banner_lists_billable_resources_seen_by_the_latest_run(classroom, real_aws):
    make_run(real_aws, ALL_PASS)
    _close(classroom)
    [banner] = learner_cleanup_banners(user=real_aws)
    assert {item["type"] for item in banner.billable} == {"load-balancer", "instance"}


def test_a_teardown_after_the_run_knows_best(classroom, real_aws):
    make_run(real_aws, ALL_PASS)
    RecipeJob.objects.create(
        user=real_aws, tutorial="aws-hands-on", step="load-balancer", recipe="teardown", state="done", billable_left=[]
    )
    _close(classroom)
    assert learner_cleanup_banners(user=real_aws) == []
    assert class_not_cleaned_up(classroom=classroom) == []


def test_teardown_leftovers_are_listed(classroom, real_aws):
    make_run(real_aws, ALL_PASS)
    RecipeJob.objects.create(
        user=real_aws,
        tutorial="aws-hands-on",
        step="load-balancer",
        recipe="teardown",
        state="done",
        billable_left=[{"type": "instance", "id": "i-0abc", "state": "running"}],
    )
    _close(classroom)
    [banner] = learner_cleanup_banners(user=real_aws)
    assert banner.billable == [{"type": "instance", "id": "i-0abc", "label": "i-0abc"}]
    [row] = class_not_cleaned_up(classroom=classroom)
    assert row.user_id == real_aws.pk


def test_sandbox_learners_get_no_banner(classroom, enrolled):
    Connection.objects.create(
        user=enrolled, kind="sandbox", sandbox_account="123456789012", validated_at=timezone.now()
    )
    make_run(enrolled, ALL_PASS)
    _close(classroom)
    assert learner_cleanup_banners(user=enrolled) == []


def test_banner_shows_on_every_page_for_the_learner(client, classroom, real_aws):
    make_run(real_aws, ALL_PASS)
    _close(classroom)
    client.force_login(real_aws)
    html = client.get(reverse("classes:list")).content.decode()
    assert f'data-cleanup-banner="{classroom.pk}"' in html and "load-balancer" in html


def test_banner_links_to_the_step_pages_lab_where_clean_up_is(client, classroom, real_aws):
    make_run(real_aws, ALL_PASS)
    _close(classroom)
    client.force_login(real_aws)
    step_url = reverse("tutorial:step", args=[classroom.tutorial, "load-balancer"])
    assert f'href="{step_url}#lc-lab-title"' in client.get(reverse("classes:list")).content.decode()
    assert 'id="lc-lab-title"' in client.get(step_url).content.decode()


def test_roster_of_a_closed_class_shows_who_has_not_cleaned_up(instructor_client, classroom, real_aws):
    make_run(real_aws, ALL_PASS)
    _close(classroom)
    html = instructor_client.get(reverse("classes:roster", args=[classroom.pk])).content.decode()
    assert f'data-not-cleaned-up="{real_aws.pk}"' in html
