"""verify_step end to end under moto: results order and shape, probes injected, probes skipped when they must be."""

from __future__ import annotations

import socket

from provisioning import sandbox
from provisioning.probes import HttpAnswer, ProbeConfig
from provisioning.steps.load_balancer.catalog import CHECK_IDS as STEP5_CHECK_IDS
from provisioning.steps.load_balancer.catalog import SECTION_OF as SECTION_OF_CHECK
from provisioning.types import ConnectionSpec
from provisioning.verify import verify_step

AMBIENT = ConnectionSpec(kind="ambient")


def _config(answer: HttpAnswer, tcp_error: type[Exception] = ConnectionRefusedError) -> ProbeConfig:
    def http(host, ip, port, path, timeout):
        return answer

    def tcp(ip, port, timeout):
        raise tcp_error

    return ProbeConfig(resolver=lambda host: ["54.1.2.3"], http=http, tcp=tcp)


def test_complete_state_with_app_answering_passes_every_check(step5_state):
    report = verify_step(
        AMBIENT,
        tutorial="aws-hands-on",
        step="load-balancer",
        probe_config=_config(HttpAnswer(200, {}, b"<h1>Hello</h1>")),
    )
    assert [r.id for r in report.results] == list(STEP5_CHECK_IDS)
    assert all(r.section == SECTION_OF_CHECK[r.id] for r in report.results)
    assert {r.status for r in report.results} == {"pass"}, [(r.id, r.message["en"]) for r in report.results]
    assert report.exit_code() == 0


def test_every_result_has_both_languages(step5_state):
    report = verify_step(AMBIENT, tutorial="aws-hands-on", step="load-balancer", probes=False)
    for r in report.results:
        assert r.message["ja"] and r.message["en"], r.id
        assert set(r.hint) == {"ja", "en"}


def test_alb_502_page_fails_dns_reachable(step5_state):
    page = HttpAnswer(502, {"Server": "awselb/2.0"}, b"<center>awselb/2.0</center>")
    report = verify_step(AMBIENT, tutorial="aws-hands-on", step="load-balancer", probe_config=_config(page))
    result = next(r for r in report.results if r.id == "alb.dns_reachable")
    assert result.status == "fail" and report.exit_code() == 1


def test_unresolved_alb_name_is_transient(step5_state):
    def nxdomain(host):
        raise socket.gaierror

    report = verify_step(
        AMBIENT, tutorial="aws-hands-on", step="load-balancer", probe_config=ProbeConfig(resolver=nxdomain, tcp=_refuse)
    )
    result = next(r for r in report.results if r.id == "alb.dns_reachable")
    assert result.status == "fail" and result.transient


def _refuse(ip, port, timeout):
    raise ConnectionRefusedError


def test_non_aws_endpoint_reports_probes_skipped(step5_state, monkeypatch):
    import dataclasses

    from provisioning import verify
    from provisioning.steps.load_balancer import SPEC

    ignoring = dataclasses.replace(SPEC, collect=_collect_ignoring_endpoint(SPEC.collect))
    monkeypatch.setattr(verify, "get_step", lambda tutorial, step: ignoring)
    spec = ConnectionSpec(kind="ambient", endpoint_url="https://moto.example")
    report = verify_step(
        spec, tutorial="aws-hands-on", step="load-balancer", probe_config=_config(HttpAnswer(200, {}, b""))
    )
    skipped = {r.id: r.message["en"] for r in report.results if r.status == "skipped"}
    assert set(skipped) == {"alb.dns_reachable", "ec2.direct_access_blocked"}
    assert "not AWS" in skipped["alb.dns_reachable"]


def _collect_ignoring_endpoint(collect):
    def run(session, spec, params, **kw):
        return collect(session, ConnectionSpec(kind=spec.kind, region=spec.region), params, **kw)

    return run


def test_sandbox_without_data_plane_skips_probes(moto_aws, monkeypatch):
    monkeypatch.delattr(sandbox, "probe_config_for", raising=False)
    from provisioning.sessions import session_for
    from provisioning.tests.builders import build_step5_state

    spec = ConnectionSpec(kind="sandbox", sandbox_account="111122223333")
    build_step5_state(session_for(spec))
    report = verify_step(spec, tutorial="aws-hands-on", step="load-balancer")
    result = next(r for r in report.results if r.id == "alb.dns_reachable")
    assert result.status == "skipped" and "data plane" in result.message["en"]


def test_no_probes_skips_both_probe_checks(step5_state):
    report = verify_step(AMBIENT, tutorial="aws-hands-on", step="load-balancer", probes=False)
    assert [r.status for r in report.results if r.id in ("alb.dns_reachable", "ec2.direct_access_blocked")] == [
        "skipped",
        "skipped",
    ]


def test_unknown_step_is_a_lookup_error():
    import pytest

    with pytest.raises(LookupError):
        verify_step(AMBIENT, tutorial="aws-hands-on", step="nope")
