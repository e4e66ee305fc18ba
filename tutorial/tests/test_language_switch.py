"""The language switch posts to Django's set_language and lands on the same page in the other language."""

from __future__ import annotations

import re

import pytest

from .seed import STEP_EN, STEP_JA

pytestmark = pytest.mark.django_db


def test_switch_form_offers_the_same_page_in_english(client):
    html = client.get(STEP_JA).content.decode()
    form = re.search(r'<form method="post" action="/i18n/setlang/".*?</form>', html, re.S).group(0)
    assert f'name="next" value="{STEP_EN}"' in form
    assert 'name="language" value="en"' in form
    assert "csrfmiddlewaretoken" in form


def test_posting_the_switch_redirects_to_the_english_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": STEP_EN})
    assert response.status_code == 302
    assert response["Location"] == STEP_EN
    assert client.get(response["Location"]).status_code == 200
    assert client.cookies["django_language"].value == "en"


def test_posting_with_the_current_path_also_translates_it(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": STEP_JA})
    assert response["Location"] == STEP_EN


def test_switch_back_to_japanese(client):
    html = client.get(STEP_EN).content.decode()
    assert f'name="next" value="{STEP_JA}"' in html
    response = client.post("/i18n/setlang/", {"language": "ja", "next": STEP_JA})
    assert response["Location"] == STEP_JA


def test_switch_keeps_the_query_string(client):
    html = client.get("/ja/tutorials/aws-hands-on/?from=mail").content.decode()
    assert 'name="next" value="/en/tutorials/aws-hands-on/?from=mail"' in html


def test_alternate_links_for_each_language(client):
    html = client.get(STEP_JA).content.decode()
    assert f'hreflang="en" href="{STEP_EN}"' in html
    assert f'hreflang="ja" href="{STEP_JA}"' in html
