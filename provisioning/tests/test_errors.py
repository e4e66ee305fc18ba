"""Errors are not failures: access denied on one API, throttling, and bad credentials."""

from __future__ import annotations

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from provisioning import verify
from provisioning.sessions import MAX_ATTEMPTS, session_for
from provisioning.types import ConnectionSpec
from provisioning.verify import verify_step

AMBIENT = ConnectionSpec(kind="ambient")
NEEDS_TARGET_HEALTH = {"tg.instance_registered", "tg.target_port", "tg.target_healthy"}


def _refusing(monkeypatch, operation: str, code: str):
    """Make every session verify_step builds raise ClientError `code` for one operation (no retries involved)."""

    def raise_for(model, **_):
        if model.name == operation:
            raise ClientError({"Error": {"Code": code, "Message": "refused by test"}}, operation)

    def patched(spec, **kw):
        session = session_for(spec, **kw)
        session.events.register("before-call", raise_for)
        return session

    monkeypatch.setattr(verify, "session_for", patched)


def test_access_denied_on_target_health_errors_only_the_checks_that_need_it(step5_state, monkeypatch):
    _refusing(monkeypatch, "DescribeTargetHealth", "AccessDenied")
    report = verify_step(AMBIENT, tutorial="aws-hands-on", step="load-balancer", probes=False)
    errored = {r.id for r in report.results if r.status == "error"}
    assert errored == NEEDS_TARGET_HEALTH
    result = next(r for r in report.results if r.id == "tg.target_healthy")
    assert "elasticloadbalancing:DescribeTargetHealth" in result.message["en"]
    assert "elasticloadbalancing:DescribeTargetHealth" in result.hint["ja"]
    others = [r for r in report.results if r.id not in NEEDS_TARGET_HEALTH and r.status != "skipped"]
    assert {r.status for r in others} == {"pass"}
    assert report.exit_code() == 2


def test_unauthorized_describe_instances_names_the_ec2_action(step5_state, monkeypatch):
    _refusing(monkeypatch, "DescribeInstances", "UnauthorizedOperation")
    report = verify_step(AMBIENT, tutorial="aws-hands-on", step="load-balancer", probes=False)
    first = report.results[0]
    assert first.status == "error" and "ec2:DescribeInstances" in first.message["en"]
    assert next(r for r in report.results if r.id == "alb.exists").status == "pass"


@pytest.mark.parametrize("code", ["ExpiredToken", "InvalidClientTokenId", "AuthFailure", "SignatureDoesNotMatch"])
def test_bad_credentials_give_one_clear_error_for_every_check(moto_aws, monkeypatch, code):
    _refusing(monkeypatch, "DescribeInstances", code)
    report = verify_step(AMBIENT, tutorial="aws-hands-on", step="load-balancer", probes=False)
    assert {r.status for r in report.results} == {"error"}
    assert len({r.message["en"] for r in report.results}) == 1
    assert code in report.results[0].message["en"]
    assert report.exit_code() == 2


def test_missing_credentials_are_one_clear_error(moto_aws, monkeypatch):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    report = verify_step(AMBIENT, tutorial="aws-hands-on", step="load-balancer", probes=False)
    assert {r.status for r in report.results} == {"error"}
    assert "credentials" in report.results[0].message["en"]


def test_throttling_is_retried_then_reported_as_error(step5_state, monkeypatch):
    attempts = []
    body = (
        b'<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error><Type>Sender</Type>'
        b"<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>"
    )

    def throttle(request, **_):
        payload = request.body or ""
        if "Action=DescribeTargetHealth" in (payload.decode() if isinstance(payload, bytes) else payload):
            attempts.append(1)
            return AWSResponse(request.url, 400, {}, _Raw(body))
        return None

    def patched(spec, **kw):
        session = session_for(spec, **kw)
        session.events.register_first("before-send", throttle)  # ahead of moto's own handler
        return session

    monkeypatch.setattr("botocore.retries.standard.ExponentialBackoff.delay_amount", lambda self, ctx: 0)
    monkeypatch.setattr(verify, "session_for", patched)
    report = verify_step(AMBIENT, tutorial="aws-hands-on", step="load-balancer", probes=False)
    assert len(attempts) == MAX_ATTEMPTS + 1  # botocore's retries "max_attempts" counts retries after the first try
    healthy = next(r for r in report.results if r.id == "tg.target_healthy")
    assert healthy.status == "error" and "throttled" in healthy.message["en"]
    assert next(r for r in report.results if r.id == "alb.exists").status == "pass"


class _Raw:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_):
        yield self.data
