"""The step page shows the content pack's time estimates: per section, the step's total, and what is left."""

from __future__ import annotations

import re

import pytest

from tutorial.learning import services

from .conftest import STEP, TUTORIAL, report

pytestmark = pytest.mark.django_db
STEP_PAGE = f"/ja/tutorials/{TUTORIAL}/{STEP}/"


def _toc(html: str) -> str:
    return html.split('<nav class="section-nav"', 1)[1].split("</nav>", 1)[0]


def _left(html: str) -> str:
    match = re.search(r'id="toc-time-left"[^>]*>([^<]*)<', html)
    return match.group(1) if match else ""


def test_each_section_shows_its_estimate_in_the_contents_and_under_its_heading(client):
    html = client.get(STEP_PAGE).content.decode()
    toc = _toc(html)
    assert 'data-toc-slug="create-alb"' in toc and 'data-minutes="20"' in toc
    assert toc.count('class="toc-minutes"') == 6
    assert "約 20 分" in toc
    assert html.count('class="section-time"') == 6
    head = html.split('id="create-alb"', 1)[1].split('class="prose"', 1)[0]
    assert "約 20 分" in head


def test_the_contents_show_the_steps_total(client):
    assert "全体で約 48 分" in _toc(client.get(STEP_PAGE).content.decode())


def test_estimates_read_in_english_too(client):
    toc = _toc(client.get(f"/en/tutorials/{TUTORIAL}/{STEP}/").content.decode())
    assert "All in all about 48 min" in toc
    assert "about 20 min" in toc


def test_anonymous_readers_see_the_total_but_no_time_left(client):
    html = client.get(STEP_PAGE).content.decode()
    assert 'id="toc-time-left"' not in html


def test_before_any_check_the_whole_step_is_left(client, connected_student):
    client.force_login(connected_student)
    assert _left(client.get(STEP_PAGE).content.decode()) == "残り約 48 分"


def test_time_left_counts_only_sections_not_done(client, connected_student, queue, engine):
    # Everything passes but the DNS name (section load-balancer, 5 min) and the security group (restrict, 10 min):
    # what is left is those two; the explanations before the first done section count as read.
    engine.answers.append(report({"alb.dns_reachable": "fail", "ec2sg.no_public_ingress": "fail"}, default="pass"))
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    client.force_login(connected_student)
    assert _left(client.get(STEP_PAGE).content.decode()) == "残り約 15 分"


def test_when_every_section_is_done_nothing_is_left(client, connected_student, queue, engine):
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    client.force_login(connected_student)
    assert _left(client.get(STEP_PAGE).content.decode()) == "すべて終わりました"


def test_time_left_is_the_learners_own(client, connected_student, connected_other_student, queue, engine):
    services.run_execute(run_id=services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP).pk)
    client.force_login(connected_other_student)
    assert _left(client.get(STEP_PAGE).content.decode()) == "残り約 48 分"
