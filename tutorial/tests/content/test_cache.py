"""Packs are parsed once per process and again only when a file changes, never per request."""

from __future__ import annotations

import os

import pytest

from tutorial import content


def test_library_is_parsed_once(pack):
    before = content.parse_count()
    first = content.get_library(pack.root)
    second = content.get_library(pack.root)
    assert first is second
    assert content.parse_count() == before + 1


@pytest.mark.django_db
def test_pages_do_not_reparse(client, use_pack):
    content.get_library()
    before = content.parse_count()
    for _ in range(3):
        assert client.get("/ja/tutorials/aws-hands-on/load-balancer/").status_code == 200
        assert client.get("/en/tutorials/aws-hands-on/").status_code == 200
    assert content.parse_count() == before


def test_an_edited_file_is_picked_up(pack):
    content.get_library(pack.root)
    before = content.parse_count()
    pack.replace("load-balancer/step.en.md", 'title: "Step 5: Use a load balancer"', 'title: "Step 5: Load balancer"')
    path = pack.path("load-balancer/step.en.md")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    library = content.get_library(pack.root)
    assert content.parse_count() == before + 1
    assert library.tutorial("aws-hands-on").step("load-balancer").version("en").title == "Step 5: Load balancer"


def test_a_broken_edit_keeps_the_last_good_version(pack):
    good = content.get_library(pack.root)
    pack.replace(
        "load-balancer/step.ja.md",
        "    title: ロードバランサーの作成\n",
        "    title: ロードバランサーの作成\n    checks: [alb.nope]\n",
    )
    assert content.get_library(pack.root) is good
    before = content.parse_count()
    assert content.get_library(pack.root) is good
    assert content.parse_count() == before  # the broken version is not retried on every request
