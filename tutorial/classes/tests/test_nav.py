"""The site navigation (templates/base.html): instructors get a link to their classes, learners a way to join one."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME = "tutorial:home"


def _nav(client) -> str:
    html = client.get(reverse(HOME)).content.decode()
    start = html.index('<nav class="site-nav"')
    return html[start : html.index("</nav>", start)]


def test_an_instructor_sees_the_classes_link(client, instructor):
    client.force_login(instructor)
    nav = _nav(client)
    assert f'href="{reverse("classes:list")}" data-nav="classes"' in nav
    assert 'data-nav="join-class"' not in nav


def test_a_student_sees_join_a_class_but_not_the_classes_link(client, student):
    client.force_login(student)
    nav = _nav(client)
    assert 'data-nav="classes"' not in nav
    assert f'href="{reverse("classes:join_form")}" data-nav="join-class"' in nav


def test_anonymous_visitors_see_neither(client):
    nav = _nav(client)
    assert 'data-nav="classes"' not in nav and 'data-nav="join-class"' not in nav


def test_the_classes_link_is_in_japanese_on_japanese_pages(client, instructor):
    client.force_login(instructor)
    html = client.get("/ja/").content.decode()
    assert ">クラス</a>" in html
