"""alb.dns_reachable and ec2.direct_access_blocked: what each probe outcome means."""

import pytest

from provisioning.probes import HttpProbeResult, ProbeSkipped
from provisioning.steps.load_balancer.checks import reachability
from provisioning.tests.builders import DNS, context, http_answer, tcp_result

ALB_502 = "<html><head><title>502 Bad Gateway</title></head><body><center>awselb/2.0</center></body></html>"


def test_app_answer_passes():
    out = reachability.dns_reachable(context(http=http_answer(200)))
    assert out.status == "pass" and out.evidence["status"] == 200


def test_redirect_below_500_from_the_app_passes_without_following():
    out = reachability.dns_reachable(context(http=http_answer(302)))
    assert out.status == "pass"


@pytest.mark.parametrize(("status", "word"), [(502, "Bad Gateway"), (503, "healthy"), (504, "Gateway Timeout")])
def test_alb_error_pages_fail_with_their_own_hint(status, word):
    out = reachability.dns_reachable(context(http=http_answer(status, ALB_502, server="awselb/2.0")))
    assert out.status == "fail" and word in out.message["en"]


def test_django_400_fails_with_allowed_hosts_hint_naming_the_dns_name():
    body = "<h1>Bad Request (400)</h1>"
    out = reachability.dns_reachable(context(http=http_answer(400, body)))
    assert out.status == "fail" and "ALLOWED_HOSTS" in out.hint["en"] and DNS in out.hint["ja"]


def test_app_500_fails():
    assert reachability.dns_reachable(context(http=http_answer(500, "Server Error"))).status == "fail"


def test_unresolved_dns_is_a_transient_failure():
    out = reachability.dns_reachable(context(http=HttpProbeResult("dns_unresolved", DNS)))
    assert out.status == "fail" and out.transient


def test_private_addresses_are_an_error():
    probe = HttpProbeResult("private_address", DNS, ips=["10.0.0.5"])
    assert reachability.dns_reachable(context(http=probe)).status == "error"


def test_timeout_fails_pointing_at_the_alb_security_group():
    out = reachability.dns_reachable(context(http=HttpProbeResult("timeout", DNS, ips=["54.1.2.3"])))
    assert out.status == "fail" and "security group" in out.hint["en"]


def test_skipped_probe_skips_the_check():
    skip = ProbeSkipped({"ja": "スキップ", "en": "skipped"})
    assert reachability.dns_reachable(context(http=skip)).status == "skipped"
    assert reachability.direct_access_blocked(context(tcp=skip)).status == "skipped"


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("refused", "pass"), ("timeout", "pass"), ("no_public_ip", "pass"), ("connected", "fail"), ("error", "error")],
)
def test_direct_access_outcomes(outcome, status):
    assert reachability.direct_access_blocked(context(tcp=tcp_result(outcome))).status == status
