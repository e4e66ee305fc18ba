"""Issue 4, point 7: the whole Step 5 journey on the sandbox, checked by the real verification engine."""

from __future__ import annotations

import pytest

from provisioning.recipes import run_recipe
from provisioning.sessions import client_for, session_for
from provisioning.steps.load_balancer.catalog import CHECK_IDS as STEP5_CHECK_IDS
from provisioning.steps.load_balancer.catalog import SECTIONS as STEP5_SECTIONS
from provisioning.verify import verify_step

pytestmark = pytest.mark.sandbox


def _statuses(report) -> dict[str, str]:
    return {r.id: r.status for r in report.results}


def test_prerequisites_then_verify_passes_the_instance_and_fails_the_alb_checks(sandbox_spec):
    assert run_recipe(sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok

    statuses = _statuses(verify_step(sandbox_spec, tutorial="aws-hands-on", step="load-balancer"))

    assert statuses["prereq.instance_running"] == "pass"
    for check_id in STEP5_SECTIONS["create-alb"]:
        assert statuses[check_id] in ("fail", "skipped"), check_id
    assert statuses["alb.exists"] == "fail"


def test_solve_passes_all_checks_then_reopening_8000_fails_the_sg_checks_and_teardown_leaves_nothing(sandbox_spec):
    assert run_recipe(sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
    solved = run_recipe(sandbox_spec, "solve", tutorial="aws-hands-on", step="load-balancer")
    assert solved.ok, solved.error

    statuses = _statuses(verify_step(sandbox_spec, tutorial="aws-hands-on", step="load-balancer"))
    assert statuses == dict.fromkeys(STEP5_CHECK_IDS, "pass")

    ec2 = client_for(session_for(sandbox_spec), "ec2", sandbox_spec)
    group_id = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["aws-hands-on-ec2"]}])[
        "SecurityGroups"
    ][0]["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8000, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    reopened = _statuses(verify_step(sandbox_spec, tutorial="aws-hands-on", step="load-balancer"))
    assert reopened["ec2sg.app_port_from_alb_only"] == "fail"
    assert reopened["ec2sg.no_public_ingress"] == "fail"
    assert reopened["ec2.direct_access_blocked"] == "fail"
    assert reopened["alb.dns_reachable"] == "pass"

    torn = run_recipe(sandbox_spec, "teardown", tutorial="aws-hands-on", step="load-balancer")
    assert torn.ok, torn.error
    assert torn.billable_left == []
    after = _statuses(verify_step(sandbox_spec, tutorial="aws-hands-on", step="load-balancer"))
    assert after["prereq.instance_running"] == "fail"
    assert after["alb.exists"] == "fail"
    assert not ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["aws-hands-on-ec2", "aws-hands-on-alb"]}]
    )["SecurityGroups"]
    assert not ec2.describe_internet_gateways(Filters=[{"Name": "tag-key", "Values": ["handson:created-by"]}])[
        "InternetGateways"
    ]


def test_two_learners_are_isolated_one_tearing_down_leaves_the_other_untouched(sandbox_server, sandbox_spec):
    from provisioning.sandbox import new_account_id, spec_for

    other = spec_for(new_account_id(), sandbox_spec.region)
    assert run_recipe(sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
    assert run_recipe(sandbox_spec, "solve", tutorial="aws-hands-on", step="load-balancer").ok
    assert run_recipe(other, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok

    other_view = _statuses(verify_step(other, tutorial="aws-hands-on", step="load-balancer"))
    assert other_view["alb.exists"] == "fail"  # B does not see A's load balancer, though its DNS name is the same
    assert run_recipe(other, "teardown", tutorial="aws-hands-on", step="load-balancer").ok

    assert _statuses(verify_step(sandbox_spec, tutorial="aws-hands-on", step="load-balancer")) == dict.fromkeys(
        STEP5_CHECK_IDS, "pass"
    )
