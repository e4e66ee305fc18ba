"""Results a screen long: a summary "N of M passed", a pass in one line (no message, no details), what did not pass
with its message, its hint (Markdown rendered) and folded details, a check not run yet saying what it waits for
by the title shown on the page."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.urls import reverse

from tutorial.learning import services
from tutorial.learning.models import Result, Run

from .conftest import STEP, TUTORIAL, report

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _panel(client, section="create-alb", lang="ja") -> str:
    url = reverse("learning:panel", args=[TUTORIAL, STEP, section])
    return client.get(f"/{lang}" + url[3:], **HTMX).content.decode()


def _item(html: str, check_id: str) -> str:
    match = re.search(rf'<li class="lc-result[^"]*" data-check-id="{re.escape(check_id)}".*?</li>', html, re.S)
    assert match, check_id
    return match.group(0)


def _run(user, engine, rep) -> Run:
    engine.answers.append(rep)
    run = services.run_start(user=user, tutorial=TUTORIAL, step=STEP)
    services.run_execute(run_id=run.pk)
    return run


def test_the_summary_says_how_many_passed_and_is_announced(client, connected_student, queue, engine):
    client.force_login(connected_student)
    _run(connected_student, engine, report({"alb.active": "fail", "tg.exists": "error"}))
    html = _panel(client)
    summary = re.search(r'<p class="lc-summary"[^>]*>(.*?)</p>', html, re.S)
    assert 'aria-live="polite"' in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert " ".join(summary.group(1).split()) == "9 項目中 7 項目が合格"
    assert "7 of 9 passed" in _panel(client, lang="en")


def test_a_pass_is_one_line_without_message_hint_or_details(client, connected_student, queue, engine):
    client.force_login(connected_student)
    _run(connected_student, engine, report({"alb.active": "fail"}))
    item = _item(_panel(client), "alb.exists")
    assert "lc-message" not in item and "lc-hint" not in item and "lc-evidence" not in item
    assert "アプリケーションロードバランサー aws-hands-on が存在する" in item  # the checkpoint's title


def test_a_failure_has_message_hint_and_folded_details(client, connected_student, queue, engine):
    client.force_login(connected_student)
    _run(connected_student, engine, report({"alb.active": "fail"}))
    item = _item(_panel(client), "alb.active")
    assert "alb.active は fail です" in item and "alb.active のヒント" in item
    assert '<details class="lc-evidence"><summary>技術的な詳細</summary>' in item
    assert "Evidence" not in item


def test_markdown_in_a_hint_renders_and_html_in_it_does_not(client, connected_student, queue, engine):
    client.force_login(connected_student)
    run = _run(connected_student, engine, report({"alb.active": "fail"}))
    Result.objects.filter(run=run, check_id="alb.active").update(
        hint_ja="`aws elbv2 describe-load-balancers` で **State** を見ます <script>alert(1)</script>"
    )
    item = _item(_panel(client), "alb.active")
    assert "<code>aws elbv2 describe-load-balancers</code>" in item and "<strong>State</strong>" in item
    assert "`" not in item and "<script>" not in item


def test_a_check_not_run_yet_says_what_it_waits_for_by_its_title(client, connected_student, queue, engine):
    client.force_login(connected_student)
    rep = report({"alb.exists": "fail", "alb.active": "skipped"})
    results = [
        dataclasses.replace(
            r,
            message={"ja": "「ロードバランサーが存在する」（alb.exists） が合格してから確認します。", "en": "Waits"},
            evidence={"waits_for": ["alb.exists"]},
        )
        if r.id == "alb.active"
        else r
        for r in rep.results
    ]
    _run(connected_student, engine, dataclasses.replace(rep, results=results))
    item = _item(_panel(client), "alb.active")
    assert "「アプリケーションロードバランサー aws-hands-on が存在する」が合格したら確認します。" in item
    assert "alb.exists" not in item.replace('data-check-id="alb.active"', "") and "」（" not in item
    assert "まだ" in item  # "not yet", not "skipped"
    en = _item(_panel(client, lang="en"), "alb.active")
    assert "Checked once this passes: The Application Load Balancer aws-hands-on exists." in en


def test_no_check_id_shows_as_text_on_the_step_page(client, connected_student, queue, engine):
    client.force_login(connected_student)
    _run(connected_student, engine, report({"alb.active": "fail"}))
    html = client.get(f"/ja/tutorials/{TUTORIAL}/{STEP}/").content.decode()
    # (the fake engine's own messages and details name their check; the page around them must not)
    html = re.sub(
        r'<p class="lc-(message|hint)">.*?</p>|<details class="lc-evidence">.*?</details>', "", html, flags=re.S
    )
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))
    assert not re.search(r"\b(alb|tg|ec2sg|prereq|listener)\.[a-z_]+\b", text)


def test_a_sandbox_hints_console_link_opens_the_sandbox_consoles_screen(client, connected_student, queue, engine):
    from provisioning.checks.base import sandbox_text

    client.force_login(connected_student)
    run = _run(connected_student, engine, report({"alb.active": "fail"}))
    extra = sandbox_text("LoadBalancers", None, True)
    Result.objects.filter(run=run, check_id="alb.active").update(hint_ja="直します。" + extra["ja"])
    item = _item(_panel(client), "alb.active")
    assert '<a href="/ja/sandbox/console/load-balancers/" data-sandbox-console="LoadBalancers">' in item
    assert "サンドボックスのコンソールの「ロードバランサー」</a>で操作できます" in item
    assert "console.aws.amazon.com" not in item
    assert "コンソールにない操作は、この節の「AWS CLI でやる場合」のコマンドか「代わりにやる」でできます" in item
