"""listener.http80_forward, including weighted forwards."""

from provisioning.steps.load_balancer.checks import listener
from provisioning.tests.builders import OTHER_TG_ARN, TG_ARN, complete_snapshot, context


def _weighted(*pairs):
    groups = [{"TargetGroupArn": arn, "Weight": weight} for arn, weight in pairs]
    return [{"Type": "forward", "ForwardConfig": {"TargetGroups": groups}}]


def test_http80_forward_to_the_tutorial_group_passes():
    assert listener.http80_forward(context()).status == "pass"


def test_no_listener_on_80_fails_listing_existing_ones():
    snap = complete_snapshot()
    snap.listeners[0]["Port"] = 8080
    out = listener.http80_forward(context(snap))
    assert out.status == "fail" and out.evidence["listeners"] == ["HTTP:8080"]


def test_forward_to_another_group_fails_naming_it():
    snap = complete_snapshot()
    snap.listeners[0]["DefaultActions"] = [{"Type": "forward", "TargetGroupArn": OTHER_TG_ARN}]
    out = listener.http80_forward(context(snap))
    assert out.status == "fail" and "other" in out.message["en"]


def test_weighted_forward_with_positive_weight_for_the_tutorial_group_passes():
    snap = complete_snapshot()
    snap.listeners[0]["DefaultActions"] = _weighted((OTHER_TG_ARN, 9), (TG_ARN, 1))
    out = listener.http80_forward(context(snap))
    assert out.status == "pass" and {"target_group": "aws-hands-on", "weight": 1} in out.evidence["forwards_to"]


def test_weighted_forward_with_zero_weight_for_the_tutorial_group_fails():
    snap = complete_snapshot()
    snap.listeners[0]["DefaultActions"] = _weighted((OTHER_TG_ARN, 1), (TG_ARN, 0))
    out = listener.http80_forward(context(snap))
    assert out.status == "fail" and "weight" in out.message["en"]


def test_redirect_default_action_fails():
    snap = complete_snapshot()
    snap.listeners[0]["DefaultActions"] = [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS"}}]
    assert listener.http80_forward(context(snap)).status == "fail"


def test_https_listener_on_80_fails():
    snap = complete_snapshot()
    snap.listeners[0]["Protocol"] = "HTTPS"
    assert listener.http80_forward(context(snap)).status == "fail"
