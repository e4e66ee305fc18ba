"""Clean up asks first (what it deletes, what costs money), and afterwards nothing reads as complete."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tutorial.learning import services
from tutorial.learning.models import RecipeJob, SectionProgress

from .conftest import STEP, TUTORIAL
from .test_recipes import recipes  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
STEP_URL = f"/ja/tutorials/{TUTORIAL}/{STEP}/"


def _dialog(html: str) -> str:
    return re.search(r'<dialog class="lc-dialog" id="lc-cleanup-dialog".*?</dialog>', html, re.S).group(0)


def test_the_clean_up_dialog_lists_what_it_deletes_and_marks_what_costs_money(client, connected_student, queue, engine):
    client.force_login(connected_student)
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    dialog = _dialog(client.get(STEP_URL).content.decode())
    billable = re.search(r'<p class="lc-banner lc-banner-warn">(.*?)</p>', dialog, re.S).group(1)
    assert "ロードバランサー aws-hands-on" in billable and "EC2 インスタンス i-0abc" in billable
    items = re.findall(r"<li>(.*?)</li>", re.search(r'<ol class="lc-cleanup-list">(.*?)</ol>', dialog, re.S).group(1))
    assert items[:3] == ["リスナー", "ロードバランサー", "ターゲットグループ"] and len(items) >= 7
    assert 'form="lc-cleanup-form"' in dialog  # "Delete" submits the clean-up form; the toolbar button only asks
    assert 'data-lc-confirm="lc-cleanup-dialog"' in client.get(STEP_URL).content.decode()


def test_nothing_costs_money_before_anything_was_seen(client, connected_student, queue, engine):
    client.force_login(connected_student)
    assert "lc-banner-warn" not in _dialog(client.get(STEP_URL).content.decode())


def test_after_clean_up_the_panels_and_progress_no_longer_say_complete(
    client,
    connected_student,
    queue,
    engine,
    recipes,  # noqa: F811
):
    client.force_login(connected_student)
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    assert all(p.complete for p in SectionProgress.objects.filter(user=connected_student))
    job = services.recipe_start(user=connected_student, tutorial=TUTORIAL, step=STEP, recipe="teardown")
    services.recipe_execute(job_id=job.pk)
    assert RecipeJob.objects.get(pk=job.pk).state == "done"
    assert not any(p.complete for p in SectionProgress.objects.filter(user=connected_student))
    html = client.get(STEP_URL).content.decode()
    assert 'data-state="complete"' not in html and 'data-state="cleaned"' in html
    assert "後片付けのあとは、まだ確認していません" in html and "lc-results" not in html
    overview = client.get(f"/ja/tutorials/{TUTORIAL}/").content.decode()
    assert 'data-section-state="complete"' not in overview
    job_html = client.get(reverse("learning:recipe_job", args=[job.pk])).content.decode()
    assert "削除しました" in job_html
