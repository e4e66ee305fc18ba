"""The instructor's dashboard at 40 students, as it is read: on a laptop (1366x768) and on a projector (1920x1080).

A class of 40 with names, student numbers and a spread of progress (done, stuck, working, not started) is built in
the database (no worker needed: what is looked at here is the page). The tests pin what a person needs of it: the
header (check titles, grouped by section) and the student column stay in view while the grid scrolls, "just now"
never wraps, every cell carries a symbol besides its colour, and the big-screen view names who is stuck. Screenshots
(ja and en) go to $E2E_ARTIFACTS (var/e2e-artifacts): dashboard-40-laptop-*.png, dashboard-40-bigscreen-*.png.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
GIVEN = ["花子", "太郎", "美咲", "翔", "結衣", "大輝", "陽菜", "蓮"]


def _login(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


@contextmanager
def _signed_in_page(browser, live_server, user, *, width: int, height: int, lang: str):
    """A page of a fresh browser context (width x height, locale `lang`) signed in as `user`; closed afterwards."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=f"{lang}-JP")
    try:
        _login(context, live_server, user)
        yield context.new_page()
    finally:
        context.close()


def _open(page, live_server, lang: str, url_name: str, classroom) -> None:
    """Go to the class page `url_name` in `lang`."""
    from django.utils import translation

    with translation.override(lang):
        page.goto(live_server.url + reverse(url_name, args=[classroom.pk]))


@pytest.fixture
def class_of_40(django_user_model):
    from django.contrib.auth.models import Permission

    from tutorial.classes.services import classroom_create, learner_profile_set
    from tutorial.classes.tests.factories import ALL_PASS, make_learners, make_run, statuses

    instructor = django_user_model.objects.create_user(username="sensei")
    instructor.user_permissions.add(Permission.objects.get(codename="add_classroom"))
    classroom = classroom_create(
        instructor=instructor, name="AWS入門 月曜2限", tutorial="aws-hands-on", region="ap-northeast-1"
    )
    users = make_learners(classroom, 40, prefix="gakusei")
    now = timezone.now()
    for i, user in enumerate(users):
        learner_profile_set(
            user=user, display_name=f"{FAMILY[i % 10]} {GIVEN[i % 8]}", student_number=f"2026{i + 1:04d}"
        )
        kind = i % 8
        if kind == 0:
            make_run(user, ALL_PASS, at=now - timedelta(minutes=i % 7), section="restrict-ec2-sg")
        elif kind in (1, 2):  # stuck on the load balancer: failing runs minutes apart
            for minutes in (6, 4, 2):
                make_run(
                    user, statuses(2, fail="alb.three_azs"), at=now - timedelta(minutes=minutes), section="create-alb"
                )
        elif kind == 3:
            make_run(
                user, statuses(10, fail="tg.target_healthy"), at=now - timedelta(seconds=20), section="target-group"
            )
        elif kind == 4:
            make_run(user, statuses(1 + i % 9), at=now - timedelta(minutes=3), section="create-alb")
        elif kind == 5:
            make_run(user, statuses(13, fail="ec2sg.no_public_ingress"), at=now - timedelta(seconds=5))
        # kinds 6, 7: not started
    return instructor, classroom


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_dashboard_of_40_students_reads_on_a_laptop(class_of_40, live_server, browser, artifacts_dir, lang):
    instructor, classroom = class_of_40
    with _signed_in_page(browser, live_server, instructor, width=1366, height=768, lang=lang) as page:
        _open(page, live_server, lang, "classes:dashboard", classroom)
        page.wait_for_selector("#grid-rows tr[data-student]")
        assert page.locator("#grid-rows tr[data-student]").count() == 40
        grid = page.locator(".grid-scroll")
        box = grid.bounding_box()
        table = page.locator(".progress-grid").bounding_box()
        assert table["width"] <= box["width"] + 1, "15 checks fit the laptop's width without sideways scrolling"
        # Every cell has a symbol, not only a colour.
        symbols = page.eval_on_selector_all("td.cell", "cells => cells.map(c => c.textContent.trim())")
        assert symbols and all(s in {"✓", "✗", "!", "–", "·"} for s in symbols)
        # "just now" / "たった今" on one line.
        heights = page.eval_on_selector_all("td.last-checked time", "ts => ts.map(t => t.getClientRects().length)")
        assert heights and max(heights) == 1
        page.screenshot(path=str(artifacts_dir / f"dashboard-40-laptop-{lang}.png"))
        # Scrolled down: the check titles and the names stay in view.
        grid.evaluate("el => el.scrollTo(0, el.scrollHeight)")
        page.wait_for_timeout(150)
        head = page.locator('th[data-check-head="alb.exists"]').bounding_box()
        assert box["y"] - 1 <= head["y"] <= box["y"] + 120
        page.screenshot(path=str(artifacts_dir / f"dashboard-40-laptop-scrolled-{lang}.png"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_big_screen_names_who_is_stuck_per_section(class_of_40, live_server, browser, artifacts_dir, lang):
    instructor, classroom = class_of_40
    with _signed_in_page(browser, live_server, instructor, width=1920, height=1080, lang=lang) as page:
        _open(page, live_server, lang, "classes:big", classroom)
        from tutorial.classes.catalog import tutorial_columns

        sections = page.locator(".big-section")
        assert sections.count() == sum(len(step.sections) for step in tutorial_columns(tutorial="aws-hands-on"))
        stuck = page.locator('.big-section[data-section="create-alb"] .big-stuck a')
        assert stuck.count() == 10
        assert page.locator("[data-big-stuck]").inner_text() == "10"
        body = page.locator("body").bounding_box()
        assert body["height"] <= 1080 + 1, "the whole board fits the projector without scrolling"
        page.screenshot(path=str(artifacts_dir / f"dashboard-40-bigscreen-{lang}.png"))
        _open(page, live_server, lang, "classes:dashboard", classroom)
        page.wait_for_selector("#grid-rows tr[data-student]")
        page.screenshot(path=str(artifacts_dir / f"dashboard-40-projector-{lang}.png"))
