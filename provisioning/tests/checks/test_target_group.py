"""tg.exists, tg.instance_registered, tg.target_port, tg.target_healthy (every reason code)."""

import pytest

from provisioning.steps.load_balancer.checks import target_group
from provisioning.steps.load_balancer.checks.target_group import REASON_HINTS
from provisioning.tests.builders import INSTANCE, complete_snapshot, context


def _health(state, reason=None, description=None):
    snap = complete_snapshot()
    h = {"State": state}
    if reason:
        h["Reason"] = reason
    if description:
        h["Description"] = description
    snap.target_health[0]["TargetHealth"] = h
    return context(snap)


def test_complete_target_group_passes_every_tg_check():
    ctx = context()
    for fn in (target_group.exists, target_group.instance_registered, target_group.target_port):
        assert fn(ctx).status == "pass", fn.__name__
    assert target_group.target_healthy(ctx).status == "pass"


def test_missing_target_group_fails():
    snap = complete_snapshot()
    snap.target_group = None
    assert target_group.exists(context(snap)).status == "fail"


def test_ip_target_type_fails():
    snap = complete_snapshot()
    snap.target_group["TargetType"] = "ip"
    assert target_group.exists(context(snap)).status == "fail"


def test_unregistered_instance_fails_listing_what_is_registered():
    snap = complete_snapshot()
    snap.target_health[0]["Target"]["Id"] = "i-other"
    out = target_group.instance_registered(context(snap))
    assert out.status == "fail" and out.evidence["registered"] == ["i-other"] and INSTANCE in out.hint["en"]


def test_nominal_port_80_but_registered_on_8000_passes_target_port():
    snap = complete_snapshot()
    snap.target_group["Port"] = 80
    out = target_group.target_port(context(snap))
    assert out.status == "pass" and out.evidence == {"registered_ports": [8000], "target_group_port": 80}


def test_registered_on_80_fails_target_port():
    snap = complete_snapshot()
    snap.target_health[0]["Target"]["Port"] = 80
    out = target_group.target_port(context(snap))
    assert out.status == "fail" and "8000" in out.hint["en"]


def test_registered_on_both_80_and_8000_fails_target_port():
    snap = complete_snapshot()
    snap.target_health.append({"Target": {"Id": INSTANCE, "Port": 80}, "TargetHealth": {"State": "unhealthy"}})
    assert target_group.target_port(context(snap)).status == "fail"


def test_every_documented_reason_code_has_its_own_hint():
    documented = {
        "Elb.RegistrationInProgress",
        "Elb.InitialHealthChecking",
        "Target.ResponseCodeMismatch",
        "Target.Timeout",
        "Target.FailedHealthChecks",
        "Target.NotRegistered",
        "Target.NotInUse",
        "Target.DeregistrationInProgress",
        "Target.InvalidState",
        "Target.IpUnusable",
        "Target.HealthCheckDisabled",
        "Elb.InternalError",
    }
    assert documented <= set(REASON_HINTS)
    hints = [v[1]["en"] for v in REASON_HINTS.values()]
    assert len(set(hints)) >= len(documented) - 1  # the two "wait" codes may share wording; the rest differ


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("initial", "Elb.RegistrationInProgress"),
        ("initial", "Elb.InitialHealthChecking"),
        ("unhealthy", "Target.Timeout"),
        ("unhealthy", "Target.FailedHealthChecks"),
        ("unused", "Target.NotRegistered"),
        ("unused", "Target.NotInUse"),
        ("draining", "Target.DeregistrationInProgress"),
        ("unused", "Target.InvalidState"),
        ("unused", "Target.IpUnusable"),
        ("unavailable", "Target.HealthCheckDisabled"),
    ],
)
def test_unhealthy_target_fails_with_the_reason_codes_hint(state, reason):
    out = target_group.target_healthy(_health(state, reason))
    assert out.status == "fail"
    assert reason in out.message["en"]
    assert out.hint["en"] == REASON_HINTS[reason][1]["en"].format(port=8000, tg="aws-hands-on")
    assert out.transient == (state == "initial")


def test_response_code_400_gets_the_django_allowed_hosts_hint():
    ctx = _health("unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [400]")
    out = target_group.target_healthy(ctx)
    assert out.status == "fail" and out.evidence["codes"] == [400]
    assert "ALLOWED_HOSTS" in out.hint["en"] and "172.31.10.20" in out.hint["ja"]


def test_response_code_404_names_the_health_check_path():
    ctx = _health("unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [404]")
    assert "/healthcheck" in target_group.target_healthy(ctx).hint["en"]


def test_elb_internal_error_is_an_error_not_a_failure():
    assert target_group.target_healthy(_health("unavailable", "Elb.InternalError")).status == "error"
