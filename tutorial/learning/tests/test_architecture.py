"""The architecture picture: links coloured by the checks that cover them, tolerant of a partial snapshot."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from provisioning.steps import all_steps
from provisioning.steps.load_balancer.catalog import CHECK_IDS as STEP5_CHECK_IDS
from provisioning.steps.load_balancer.diagram import LINK_CHECKS
from tutorial.learning.architecture import architecture_diagram, link_status
from tutorial.learning.tests.conftest import report

STEP5 = {"tutorial": "aws-hands-on", "step": "load-balancer"}


def test_link_status_precedence():
    checks = ("a", "b")
    assert link_status({}, checks) == "unknown"
    assert link_status({"a": "pass", "b": "pass"}, checks) == "pass"
    assert link_status({"a": "pass", "b": "fail"}, checks) == "fail"
    assert link_status({"a": "error", "b": "fail"}, checks) == "fail"
    assert link_status({"a": "error", "b": "pass"}, checks) == "error"
    assert link_status({"a": "pass", "b": "skipped"}, checks) == "skipped"


def test_every_check_of_the_request_path_colours_some_link():
    covered = {c for checks in LINK_CHECKS.values() for c in checks}
    assert {"alb.sg_allows_http", "alb.dns_reachable", "tg.target_healthy", "ec2sg.app_port_from_alb_only"} <= covered
    assert {"ec2.direct_access_blocked", "ec2sg.no_public_ingress", "listener.http80_forward"} <= covered


def test_empty_snapshot_draws_every_box_as_missing():
    diagram = architecture_diagram(architecture={}, statuses={}, **STEP5)
    assert not diagram.has_run
    assert {b.key for b in diagram.boxes} == {"client", "alb", "listener", "tg", "instance", "alb-sg", "ec2-sg"}
    assert all(link.status == "unknown" for link in diagram.links)


def test_partial_snapshot_with_odd_values_does_not_break():
    diagram = architecture_diagram(
        architecture={"alb": {"azs": None}, "targets": ["junk"], "instance": "junk", "security_groups": []},
        statuses={"tg.target_healthy": "fail"},
        **STEP5,
    )
    by_key = {link.key: link for link in diagram.links}
    # The snapshot saw no usable instance or target group: the link leads to something not built, grey, not red.
    assert by_key["tg-instance"].status == "not_built"
    assert diagram.broken == []


def test_links_to_what_is_not_built_yet_are_grey_and_a_broken_link_between_built_things_is_red():
    full = report().architecture
    statuses = {cid: "pass" for cid in STEP5_CHECK_IDS}
    statuses.update({"tg.target_healthy": "fail"})
    diagram = architecture_diagram(architecture=full, statuses=statuses, **STEP5)
    by_key = {link.key: link for link in diagram.links}
    assert by_key["tg-instance"].status == "fail" and by_key["tg-instance"].colour == "#d13212"
    bare = {"instance": full["instance"], "security_groups": full["security_groups"]}  # Prepare only: no ALB yet
    diagram = architecture_diagram(
        architecture=bare,
        statuses={**{c: "skipped" for c in STEP5_CHECK_IDS}, "alb.exists": "fail", "tg.exists": "fail"},
        **STEP5,
    )
    by_key = {link.key: link for link in diagram.links}
    assert by_key["client-alb"].status == "not_built" and by_key["client-alb"].colour != "#d13212"
    assert "not_built" in [status for status, *_ in diagram.legend]


def test_az_chips_and_names_come_from_the_snapshot():
    diagram = architecture_diagram(
        architecture={
            "alb": {"name": "aws-hands-on", "azs": ["ap-northeast-1a", "ap-northeast-1c"], "security_groups": ["sg-1"]},
            "security_groups": {"sg-1": {"name": "aws-hands-on-alb"}},
        },
        statuses={},
        **STEP5,
    )
    alb = next(b for b in diagram.boxes if b.key == "alb")
    assert alb.chips == ["1a", "1c"]
    alb_sg = next(b for b in diagram.boxes if b.key == "alb-sg")
    assert alb_sg.lines == ["aws-hands-on-alb"] and alb_sg.present


def test_step6_draws_every_instance_in_its_zone_with_its_health():
    diagram = architecture_diagram(
        architecture={
            "alb": {"name": "aws-hands-on", "azs": ["ap-northeast-1a", "ap-northeast-1c"]},
            "listener": {"port": 80, "protocol": "HTTP"},
            "target_group": {"name": "aws-hands-on"},
            "instances": [
                {"id": "i-1", "az": "ap-northeast-1a", "state": "running"},
                {"id": "i-2", "az": "ap-northeast-1c", "state": "stopped"},
            ],
            "targets": [{"id": "i-1", "health": "healthy"}, {"id": "i-2", "health": "unused"}],
        },
        statuses={"redundancy.all_targets_healthy": "fail", "redundancy.dns_reachable": "pass"},
        tutorial="aws-hands-on",
        step="redundancy",
    )
    boxes = {b.key: b for b in diagram.boxes}
    assert boxes["instance-1"].present and boxes["instance-2"].present
    assert "ap-northeast-1c · stopped" in boxes["instance-2"].lines and "ヘルス: unused" in boxes["instance-2"].lines
    links = {link.key: link for link in diagram.links}
    assert links["tg-instance-2"].status == "fail" and links["client-alb"].status == "pass"


def _text_version(diagram) -> list[str]:
    """The text version's lines as the page renders them (templates/learning/panels.html#architecture)."""
    html = render_to_string(
        "learning/panels.html#architecture", {"diagram": diagram, "tutorial_slug": "t", "step_slug": "s"}
    )
    items = re.findall(r"<li data-arch-(?:link|box)=[^>]*>(.*?)</li>", html, re.S)
    return [html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item))).strip() for item in items]


def _step5_failing_direct_and_target():
    statuses = {cid: "pass" for cid in STEP5_CHECK_IDS}
    statuses.update({"tg.target_healthy": "fail", "ec2.direct_access_blocked": "fail"})
    return architecture_diagram(architecture=report().architecture, statuses=statuses, **STEP5)


def test_text_version_names_each_link_by_its_ends_with_its_state_in_words_and_symbol_in_japanese():
    with translation.override("ja"):
        lines = _text_version(_step5_failing_direct_and_target())
    assert lines[:6] == [
        "✓ 正常 クライアント → ロードバランサー: インターネットから HTTP :80",
        "✓ 正常 ロードバランサー → リスナー: HTTP :80 を受ける",
        "✓ 正常 リスナー → ターゲットグループ: HTTP を転送",
        "✗ 壊れている ターゲットグループ → EC2 インスタンス: HTTP :8000",
        "✓ 正常 ALB のセキュリティグループ → EC2 のセキュリティグループ: ポート 8000 は ALB の SG からのみ",
        # The path that must stay closed says what its state means: open is "reachable", not "broken".
        "✗ 届いてしまいます クライアント → EC2 インスタンス: インターネットから EC2 の :8000 への直接アクセス",
    ]
    assert "ロードバランサー: aws-hands-on, internet-facing · active, AZ 1a, 1c, 1d" in lines
    assert "EC2 インスタンス: i-0abc, :8000 · running" in lines


def test_text_version_in_english():
    with translation.override("en"):
        lines = _text_version(_step5_failing_direct_and_target())
    assert lines[0] == "✓ passing Client → Load balancer: HTTP :80 from the internet"
    assert lines[3] == "✗ broken Target group → EC2 instance: HTTP :8000"
    assert lines[5] == "✗ reachable Client → EC2 instance: direct access from the internet to the instance's :8000"
    assert "Load balancer: aws-hands-on, internet-facing · active, AZs 1a, 1c, 1d" in lines


def test_text_version_says_not_built_and_not_found_for_what_is_missing():
    full = report().architecture
    bare = {"instance": full["instance"], "security_groups": full["security_groups"]}  # Prepare only: no ALB yet
    statuses = {**{c: "skipped" for c in STEP5_CHECK_IDS}, "alb.exists": "fail", "tg.exists": "fail"}
    with translation.override("ja"):
        lines = _text_version(architecture_diagram(architecture=bare, statuses=statuses, **STEP5))
    assert lines[0] == "… まだ作っていません クライアント → ロードバランサー: インターネットから HTTP :80"
    assert "ロードバランサー: 見つかりません" in lines


def test_the_direct_link_passing_reads_blocked_in_the_picture_and_the_text():
    statuses = {cid: "pass" for cid in STEP5_CHECK_IDS}
    with translation.override("ja"):
        diagram = architecture_diagram(architecture=report().architecture, statuses=statuses, **STEP5)
        direct = next(link for link in diagram.links if link.key == "direct")
        assert direct.drawn_label == "✓ インターネットから :8000 へ直接: 遮断されています"
        assert direct.status_text == "遮断されています"
        assert diagram.broken_texts == []
    statuses["ec2.direct_access_blocked"] = "fail"
    with translation.override("en"):
        diagram = architecture_diagram(architecture=report().architecture, statuses=statuses, **STEP5)
        assert diagram.broken_texts == ["direct access from the internet to the instance's :8000: reachable"]


def test_broken_links_that_share_a_label_say_where_each_goes():
    arch = {
        "alb": {"name": "aws-hands-on"},
        "listener": {"port": 80},
        "target_group": {"name": "aws-hands-on"},
        "instances": [{"id": "i-1", "az": "ap-northeast-1a"}, {"id": "i-2", "az": "ap-northeast-1c"}],
    }
    with translation.override("ja"):
        diagram = architecture_diagram(
            architecture=arch,
            statuses={"redundancy.all_targets_healthy": "fail"},
            tutorial="aws-hands-on",
            step="redundancy",
        )
        assert diagram.broken_texts == [
            "HTTP :8000（登録・healthy）（EC2 インスタンス 1 へ）",
            "HTTP :8000（登録・healthy）（EC2 インスタンス 2 へ）",
        ]


@pytest.mark.parametrize("step", all_steps(), ids=lambda s: s.key)
def test_every_link_of_every_step_starts_and_ends_on_a_box(step):
    """The text version names a link by the boxes its path joins: a path that ends in the void has no words."""
    with translation.override("en"):
        diagram = architecture_diagram(architecture={}, statuses={}, tutorial=step.tutorial, step=step.step)
    loose = [link.key for link in diagram.links if not (link.source and link.target)]
    assert loose == []


def _overlapping_boxes(diagram, gap: int = 6) -> list[tuple[str, str]]:
    """Pairs of boxes that overlap or come closer than `gap` (touching boxes read as one)."""
    boxes = diagram.boxes
    return [
        (a.key, b.key)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a.x < b.x + b.w + gap and b.x < a.x + a.w + gap and a.y < b.y + b.h + gap and b.y < a.y + a.h + gap
    ]


@pytest.mark.parametrize("count", [0, 2, 3])
def test_step6_boxes_stay_apart_with_up_to_three_instances(count):
    arch = {"instances": [{"id": f"i-{n}", "az": "ap-northeast-1a"} for n in range(count)]}
    diagram = architecture_diagram(architecture=arch, statuses={}, tutorial="aws-hands-on", step="redundancy")
    assert _overlapping_boxes(diagram) == []
    assert all(b.y >= 0 and b.y + b.h <= diagram.height and b.x + b.w <= diagram.width for b in diagram.boxes)


@pytest.mark.parametrize("step", all_steps(), ids=lambda s: s.key)
def test_no_two_boxes_of_a_step_overlap_or_touch(step):
    diagram = architecture_diagram(architecture={}, statuses={}, tutorial=step.tutorial, step=step.step)
    assert _overlapping_boxes(diagram) == []
