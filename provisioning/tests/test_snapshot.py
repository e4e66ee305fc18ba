"""Collection under moto: the API-call budget in every state, and what the snapshot sees."""

from __future__ import annotations

import boto3
import pytest

from provisioning.sessions import CallCounter, session_for
from provisioning.steps.load_balancer.params import Params as Step5Params
from provisioning.steps.load_balancer.snapshot import collect_snapshot
from provisioning.tests.builders import build_step5_state
from provisioning.types import ConnectionSpec
from provisioning.verify import verify_step

AMBIENT = ConnectionSpec(kind="ambient")
BUDGET = 8


def _snapshot(spec=AMBIENT, **kw):
    return collect_snapshot(session_for(spec), spec, Step5Params(), **kw)


def test_empty_account_stays_within_budget_and_sees_nothing(moto_aws):
    snap = _snapshot()
    assert snap.api_calls <= BUDGET
    assert snap.load_balancer is None and snap.target_group is None and snap.instances == []
    assert snap.errors == {}


def test_complete_state_stays_within_budget_and_every_snapshot_check_passes(step5_state):
    report = verify_step(AMBIENT, tutorial="aws-hands-on", step="load-balancer", probes=False)
    assert report.aws_api_calls <= BUDGET
    statuses = {r.id: r.status for r in report.results}
    assert {cid for cid, s in statuses.items() if s != "pass"} == {"alb.dns_reachable", "ec2.direct_access_blocked"}
    assert statuses["alb.dns_reachable"] == "skipped"


def test_partial_state_before_the_alb_exists(moto_aws):
    build_step5_state(boto3.Session(region_name="ap-northeast-1"), complete=False)
    report = verify_step(AMBIENT, tutorial="aws-hands-on", step="load-balancer", probes=False)
    statuses = {r.id: r.status for r in report.results}
    assert report.aws_api_calls <= BUDGET
    assert statuses["prereq.instance_running"] == "pass"
    assert statuses["alb.exists"] == "fail" and statuses["alb.active"] == "skipped"
    assert statuses["ec2sg.no_public_ingress"] == "fail"  # 8000 still open to 0.0.0.0/0 before the lock-down


def test_extra_security_groups_are_fetched_in_the_second_round_within_budget(step5_state):
    ec2 = boto3.client("ec2", region_name="ap-northeast-1")
    elbv2 = boto3.client("elbv2", region_name="ap-northeast-1")
    extra = ec2.create_security_group(GroupName="web", Description="w", VpcId=step5_state["vpc"])["GroupId"]
    elbv2.set_security_groups(LoadBalancerArn=step5_state["lb_arn"], SecurityGroups=[step5_state["alb_sg"], extra])
    counter = CallCounter()
    snap = _snapshot(counter=counter)
    assert extra in snap.security_groups
    assert snap.api_calls <= BUDGET - 1  # room left for a role's AssumeRole
    assert counter.actions.count("ec2:DescribeSecurityGroups") == 2


def test_sequential_collection_makes_the_same_calls(step5_state):
    parallel, sequential = _snapshot(), _snapshot(max_workers=1)
    assert sorted(parallel.actions) == sorted(sequential.actions)


def test_architecture_describes_the_request_path(step5_state):
    arch = verify_step(AMBIENT, tutorial="aws-hands-on", step="load-balancer", probes=False).architecture
    assert arch["alb"]["dns"] == step5_state["dns"] and len(arch["alb"]["azs"]) == 3
    assert arch["listener"]["forwards_to"] == [{"target_group": "aws-hands-on", "weight": 1}]
    assert arch["targets"][0] == {"id": step5_state["instance"], "port": 8000, "health": "healthy", "reason": None}
    assert arch["instance"]["security_groups"] == [step5_state["ec2_sg"]]
    assert arch["security_groups"][step5_state["ec2_sg"]]["ingress"][0]["sources"] == [step5_state["alb_sg"]]


def test_role_connection_counts_assume_role_within_budget(step5_state):
    spec = ConnectionSpec(kind="role", role_arn="arn:aws:iam::123456789012:role/handson-check", external_id="x-1")
    report = verify_step(spec, tutorial="aws-hands-on", step="load-balancer", probes=False)
    assert report.aws_api_calls <= BUDGET
    assert {r.status for r in report.results[:11]} == {"pass"}


def test_sandbox_account_in_process_sees_only_its_own_state(moto_aws):
    spec = ConnectionSpec(kind="sandbox", sandbox_account="111122223333")
    build_step5_state(session_for(spec))
    mine = verify_step(spec, tutorial="aws-hands-on", step="load-balancer", probes=False)
    other = verify_step(
        ConnectionSpec(kind="sandbox", sandbox_account="444455556666"),
        tutorial="aws-hands-on",
        step="load-balancer",
        probes=False,
    )
    assert mine.results[1].status == "pass"  # alb.exists
    assert other.results[1].status == "fail"
    assert mine.aws_api_calls <= BUDGET


@pytest.mark.sandbox
def test_sandbox_account_through_a_moto_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        spec = ConnectionSpec(kind="sandbox", sandbox_account="111122223333", endpoint_url=f"http://{host}:{port}")
        session = session_for(spec)
        assert session.client("sts", endpoint_url=spec.endpoint_url).get_caller_identity()["Account"] == "111122223333"
        report = verify_step(spec, tutorial="aws-hands-on", step="load-balancer", probes=False, probe_config=None)
        assert report.results[0].status == "fail" and report.aws_api_calls <= BUDGET
    finally:
        server.stop()


def test_a_round_whose_caller_is_interrupted_returns_at_once_without_waiting_for_the_calls_still_hanging():
    """What the task's soft time limit does (Celery's signal handler raises in the run's thread while it waits on
    the round): the run ends then, not when its hanging calls time out (the hard limit would kill it first)."""
    import signal
    import threading
    import time

    from provisioning.snapshot import run_round

    release, ran = threading.Event(), []

    def interrupt(*_):
        raise TimeoutError("the soft time limit")

    previous = signal.signal(signal.SIGALRM, interrupt)
    began = time.monotonic()
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises(TimeoutError):
            run_round([lambda: release.wait(30), lambda: release.wait(30), lambda: ran.append(1)], max_workers=2)
        assert time.monotonic() - began < 10  # not the 30 s of the hanging calls
        time.sleep(0.2)
        assert ran == []  # a call not started yet is not made for a run that ended
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        release.set()
