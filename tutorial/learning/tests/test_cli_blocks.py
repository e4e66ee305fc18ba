"""CLI blocks that fit the learner's connection: the sandbox profile (never a real account) or the region."""

from __future__ import annotations

import re

import pytest

from .conftest import STEP, TUTORIAL, make_connection

pytestmark = pytest.mark.django_db
STEP_URL = f"/ja/tutorials/{TUTORIAL}/{STEP}/"


def _blocks(html: str) -> list[str]:
    return re.findall(r'<details class="cli-block">.*?<pre><code>(.*?)</code></pre>', html, re.S)


def test_a_sandbox_learners_cli_blocks_all_run_through_the_sandbox_profile(client, connected_student):
    client.force_login(connected_student)
    html = client.get(STEP_URL).content.decode()
    blocks = _blocks(html)
    assert blocks and all("\nexport AWS_PROFILE=handson-sandbox\n" in b for b in blocks)
    assert all(b.index("export AWS_PROFILE") < b.index("aws ") for b in blocks)  # before the first command
    assert "handson-sandbox" in html.split('<details class="cli-block">')[1].split("<pre>")[0]  # the page says so


def test_a_real_aws_learners_cli_blocks_name_the_region(client, student):
    make_connection(student, kind="role", role_arn="arn:aws:iam::123456789012:role/x", region="us-west-2")
    client.force_login(student)
    blocks = _blocks(client.get(STEP_URL).content.decode())
    assert blocks and all("export AWS_REGION=us-west-2" in b for b in blocks)
    assert not any("handson-sandbox" in b for b in blocks)


def test_a_reader_without_a_connection_gets_the_packs_block_as_written(client):
    blocks = _blocks(client.get(STEP_URL).content.decode())
    assert blocks and not any("export AWS_" in b for b in blocks)
