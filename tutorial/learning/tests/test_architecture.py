"""The architecture picture: links coloured by the checks that cover them, tolerant of a partial snapshot."""

from __future__ import annotations

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
    assert "ap-northeast-1c · stopped · unused" in boxes["instance-2"].lines
    links = {link.key: link for link in diagram.links}
    assert links["tg-instance-2"].status == "fail" and links["client-alb"].status == "pass"
