"""The tutorial list and a tutorial's overview: its steps and their sections, linked."""

from __future__ import annotations

import pytest

from .pages import read_page

pytestmark = pytest.mark.django_db


def test_overview_lists_steps_and_sections(client):
    response = client.get("/ja/tutorials/aws-hands-on/")
    assert response.status_code == 200
    page = read_page(response.content.decode())
    assert ("h1", "AWS ハンズオン") in page.headings
    assert ("h2", "Step 5: ロードバランサーを利用してみよう") in page.headings
    assert "/ja/tutorials/aws-hands-on/load-balancer/" in page.links
    for slug in ("before-you-start", "architecture", "create-alb", "target-group", "load-balancer", "restrict-ec2-sg"):
        assert f"/ja/tutorials/aws-hands-on/load-balancer/#{slug}" in page.links
    assert "ロードバランサーの作成" in page.text


def test_overview_in_english(client):
    page = read_page(client.get("/en/tutorials/aws-hands-on/").content.decode())
    assert ("h1", "AWS hands-on") in page.headings
    assert ("h2", "Step 5: Use a load balancer") in page.headings
    assert "/en/tutorials/aws-hands-on/load-balancer/#create-alb" in page.links


def test_home_lists_tutorials(client):
    page = read_page(client.get("/ja/").content.decode())
    assert "/ja/tutorials/aws-hands-on/" in page.links


def test_root_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] in ("/ja/", "/en/")
