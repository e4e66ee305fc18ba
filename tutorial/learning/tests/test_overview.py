"""The overview shows each step's and section's state for the learner (complete / failing / not started)."""

from __future__ import annotations

import pytest

from tutorial.learning import services
from tutorial.learning.selectors import overview_page_context

from .conftest import STEP, TUTORIAL, report

pytestmark = pytest.mark.django_db
OVERVIEW = f"/ja/tutorials/{TUTORIAL}/"


def test_overview_context_before_any_run_is_not_started(connected_student):
    progress = overview_page_context(user=connected_student, tutorial=TUTORIAL)["learning_progress"][STEP]
    assert progress.state == "not_started"
    assert set(progress.sections.values()) == {"not_started"}


def test_overview_shows_section_states_and_what_changed(client, connected_student, queue, engine):
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    engine.answers.append(report({"alb.dns_reachable": "fail"}))
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    client.force_login(connected_student)
    html = client.get(OVERVIEW).content.decode()
    assert 'data-step-state="failing"' in html
    assert html.count('data-section-state="complete"') == 4
    assert html.count('data-section-state="failing"') == 1
    assert "「ロードバランサーの DNS 名で Django のページが表示される」が不合格になりました。" in html
    assert "alb.dns_reachable:" not in html


def test_overview_for_anonymous_has_no_progress(client):
    html = client.get(OVERVIEW).content.decode()
    assert "data-section-state" not in html


def test_overview_of_another_learner_shows_only_their_progress(client, connected_student, other_student, queue, engine):
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    client.force_login(other_student)
    html = client.get(OVERVIEW).content.decode()
    assert 'data-section-state="complete"' not in html
