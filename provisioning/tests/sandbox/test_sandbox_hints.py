"""Hints as a sandbox learner gets them: the sandbox's own way to do each fix, and the cause followed upstream.

The sandbox server runs in threads (moto + the data plane), so target health and the ALB's answer come from the
sandbox's model of the request path, as a learner's check would see them.
"""

from __future__ import annotations

import pytest

from provisioning.recipes import run_recipe
from provisioning.sessions import client_for, session_for
from provisioning.types import ConnectionSpec
from provisioning.verify import verify_step

pytestmark = pytest.mark.sandbox


def _results(spec, step="load-balancer"):
    report = verify_step(spec, tutorial="aws-hands-on", step=step)
    return {r.id: r for r in report.results}


def test_a_fresh_sandbox_account_is_told_that_prepare_builds_the_instance(sandbox_spec):
    r = _results(sandbox_spec)["prereq.instance_running"]
    assert r.status == "fail"
    assert "前のステップで作成したインスタンス" in r.hint["ja"]  # the hint as a real-AWS learner reads it ...
    assert (
        "「準備する」を押すと" in r.hint["ja"] and "インスタンスとセキュリティグループ" in r.hint["ja"]
    )  # ... and more
    assert "press “Prepare” on this page" in r.hint["en"]


def test_every_failing_console_hint_of_a_fresh_sandbox_says_what_to_do_here(sandbox_spec):
    results = _results(sandbox_spec)
    failing = [r for r in results.values() if r.status == "fail" and not r.transient]
    assert failing
    for r in failing:
        assert "サンドボックス" in r.hint["ja"], r.id
        assert "sandbox" in r.hint["en"].lower(), r.id


def test_a_target_registered_on_port_80_points_health_and_dns_at_the_port_in_the_sandbox(sandbox_spec):
    assert run_recipe(sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
    assert run_recipe(sandbox_spec, "solve", tutorial="aws-hands-on", step="load-balancer").ok
    session = session_for(sandbox_spec)
    elbv2, ec2 = client_for(session, "elbv2", sandbox_spec), client_for(session, "ec2", sandbox_spec)
    tg = elbv2.describe_target_groups(Names=["aws-hands-on"])["TargetGroups"][0]["TargetGroupArn"]
    iid = ec2.describe_instances(Filters=[{"Name": "tag:CodeDeploy", "Values": ["aws-hands-on"]}])["Reservations"][0][
        "Instances"
    ][0]["InstanceId"]
    elbv2.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": iid, "Port": 8000}])
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": iid, "Port": 80}])

    results = _results(sandbox_spec)
    assert results["tg.target_port"].status == "fail"
    for cid in ("tg.target_healthy", "alb.dns_reachable"):
        r = results[cid]
        assert r.status == "fail", (cid, r.message["en"])
        assert r.evidence["caused_by"] == "tg.target_port", cid
        assert "ポート 80 で登録されています" in r.hint["ja"] and "8000 で登録し直して" in r.hint["ja"], cid
        assert "runserver" not in r.hint["en"] and "Django app is running" not in r.hint["en"], cid
        # The cause's own sandbox way: the target groups screen of the sandbox console.
        assert "#TargetGroups:" in r.hint["en"], cid


def test_a_real_aws_learner_gets_the_hints_as_before(moto_aws):
    results = _results(ConnectionSpec(kind="ambient"))
    r = results["prereq.instance_running"]
    assert r.status == "fail" and "前のステップで作成したインスタンス" in r.hint["ja"]
    for r in results.values():
        assert "サンドボックス" not in r.hint["ja"] and "sandbox" not in r.hint["en"].lower(), r.id
        assert "console.aws.amazon.com" not in r.hint["en"], r.id


@pytest.fixture
def moto_aws():
    from moto import mock_aws

    with mock_aws():
        yield
