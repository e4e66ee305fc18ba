"""Step 6 on the sandbox: prerequisites, solve, a stopped instance the ALB routes around, and the self-test."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from provisioning.recipes import run_recipe
from provisioning.sandbox import model
from provisioning.sessions import client_for, session_for
from provisioning.steps import step_keys, tutorials
from provisioning.steps.redundancy.catalog import CHECKS
from provisioning.verify import verify_step

pytestmark = pytest.mark.sandbox
STEP6 = {"tutorial": "aws-hands-on", "step": "redundancy"}


def _statuses(spec) -> dict[str, str]:
    return {r.id: r.status for r in verify_step(spec, **STEP6).results}


def test_prerequisites_build_step5_then_solve_makes_it_redundant_and_a_stop_is_routed_around(sandbox_spec):
    assert run_recipe(sandbox_spec, "prerequisites", **STEP6).ok
    before = _statuses(sandbox_spec)
    assert before["redundancy.alb_ready"] == "pass" and before["redundancy.two_instances_running"] == "fail"

    assert run_recipe(sandbox_spec, "solve", **STEP6).ok
    report = verify_step(sandbox_spec, **STEP6)
    assert {r.id: r.status for r in report.results} == {c.id: "pass" for c in CHECKS}
    assert report.aws_api_calls <= 8

    ec2 = client_for(session_for(sandbox_spec), "ec2", sandbox_spec)
    instances = [
        i
        for r in ec2.describe_instances(Filters=[{"Name": "tag:CodeDeploy", "Values": ["aws-hands-on"]}])[
            "Reservations"
        ]
        for i in r["Instances"]
    ]
    assert len({i["Placement"]["AvailabilityZone"] for i in instances}) == 2
    dns = report.architecture["alb"]["dns"]
    answered = {model.http_request(sandbox_spec.sandbox_account, dns).detail for _ in range(4)}
    assert len(answered) == 2, answered  # requests are spread over both healthy instances

    ec2.stop_instances(InstanceIds=[instances[1]["InstanceId"]])
    stopped = {r.id: r for r in verify_step(sandbox_spec, **STEP6).results}
    assert stopped["redundancy.dns_reachable"].status == "pass"  # the ALB still serves the page
    assert stopped["redundancy.all_targets_healthy"].status == "fail"
    assert instances[1]["InstanceId"] in stopped["redundancy.all_targets_healthy"].message["en"]
    answered = {model.http_request(sandbox_spec.sandbox_account, dns).detail for _ in range(4)}
    assert answered == {f"answered by {instances[0]['InstanceId']}:8000"}

    ec2.stop_instances(InstanceIds=[instances[0]["InstanceId"]])
    assert model.http_request(sandbox_spec.sandbox_account, dns).status == 503  # none healthy: 503, as an ALB does

    assert run_recipe(sandbox_spec, "solve", section="failover", **STEP6).ok
    assert set(_statuses(sandbox_spec).values()) == {"pass"}
    torn = run_recipe(sandbox_spec, "teardown", **STEP6)
    assert torn.ok and torn.billable_left == []


@pytest.mark.parametrize("tutorial", tutorials())
def test_selftest_passes_every_stage_of_every_registered_step(sandbox_server, tutorial):
    out = io.StringIO()
    call_command("selftest", tutorial, stdout=out)
    lines = out.getvalue().splitlines()
    for _t, step in step_keys(tutorial):
        stages = [line for line in lines if line.startswith(f"{step} ")]
        assert [s.split(":")[0] for s in stages] == [
            f"{step} prerequisites",
            f"{step} solve",
            f"{step} solve again",
            f"{step} teardown",
        ]
        assert all(": ok - " in s for s in stages), stages
    assert lines[-1] == f"selftest {tutorial}: ok"


def test_selftest_reports_a_gap_and_exits_1_when_solve_leaves_a_check_failing(sandbox_server, monkeypatch):
    from provisioning import selftest

    real = selftest.run_recipe

    def lazy_solve(spec, recipe, **kwargs):
        if recipe == "solve" and kwargs.get("step") == "redundancy":
            kwargs["section"] = "before-you-start"  # only part of the work
        return real(spec, recipe, **kwargs)

    monkeypatch.setattr(selftest, "run_recipe", lazy_solve)
    out = io.StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("selftest", "aws-hands-on", "redundancy", stdout=out)
    assert info.value.code == 1
    assert "redundancy solve: GAP - not passing: redundancy.two_instances_running=fail" in out.getvalue()
