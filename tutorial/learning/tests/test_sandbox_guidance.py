"""Guidance that fits the learner's connection: a sandbox learner is told, before they start, that "Prepare" builds
the state the step starts from (their sandbox has nothing from the earlier steps); a real-AWS learner is not."""

from __future__ import annotations

import pytest

from .conftest import make_connection

pytestmark = pytest.mark.django_db


def _page(client, step="load-balancer", lang="ja") -> str:
    return client.get(f"/{lang}/tutorials/aws-hands-on/{step}/").content.decode()


def _first_section(html: str) -> str:
    start = html.index('<section id="before-you-start"')
    return html[start : html.index("</section>", start)]


def test_before_you_start_tells_a_sandbox_learner_that_prepare_builds_the_instance_and_groups(client, student):
    make_connection(student)
    client.force_login(student)
    first = _first_section(_page(client))
    assert "data-sandbox-start" in first
    assert "「準備する」</a>を押すと、このステップを始める状態（インスタンスとセキュリティグループ）を作ります" in first
    assert 'href="/ja/sandbox/console/"' in first and 'href="#lc-lab-title"' in first


def test_step6_before_you_start_says_prepare_builds_step5s_finished_state(client, student):
    make_connection(student)
    client.force_login(student)
    first = _first_section(_page(client, "redundancy", "en"))
    assert "builds the state this step starts from (Step 5&#x27;s finished state" in first or (
        "builds the state this step starts from (Step 5's finished state" in first
    )


def test_the_prepare_button_names_what_it_builds_for_each_step(client, student):
    make_connection(student)
    client.force_login(student)
    assert ">準備する（インスタンスとセキュリティグループ）</button>" in _page(client)
    assert ">準備する（ステップ5 を終えた状態：ロードバランサー、ターゲットグループ、インスタンス）</button>" in _page(
        client, "redundancy"
    )


def test_a_real_aws_learner_gets_no_sandbox_note(client, student):
    make_connection(student, kind="role", role_arn="arn:aws:iam::123456789012:role/handson-lab-access")
    client.force_login(student)
    assert "data-sandbox-start" not in _page(client)
