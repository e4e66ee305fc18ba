"""prereq.instance_running."""

from provisioning.steps.load_balancer.checks import prereq
from provisioning.tests.builders import INSTANCE, complete_snapshot, context


def test_running_instance_passes():
    out = prereq.instance_running(context())
    assert out.status == "pass" and out.evidence["instance_id"] == INSTANCE


def test_no_tagged_instance_fails_naming_the_tag_and_region():
    snap = complete_snapshot()
    snap.instances = []
    out = prereq.instance_running(context(snap))
    assert out.status == "fail"
    assert "CodeDeploy=aws-hands-on" in out.message["en"] and "ap-northeast-1" in out.message["ja"]


def test_stopped_instance_fails_with_start_hint():
    snap = complete_snapshot()
    snap.instances[0]["State"] = {"Name": "stopped"}
    out = prereq.instance_running(context(snap))
    assert out.status == "fail" and "Start" in out.hint["en"] and not out.transient


def test_pending_instance_is_transient():
    snap = complete_snapshot()
    snap.instances[0]["State"] = {"Name": "pending"}
    assert prereq.instance_running(context(snap)).transient


def test_running_instance_is_preferred_over_a_terminated_one_with_the_same_tag():
    snap = complete_snapshot()
    dead = dict(snap.instances[0], InstanceId="i-dead", State={"Name": "terminated"})
    snap.instances.insert(0, dead)
    assert prereq.instance_running(context(snap)).evidence["instance_id"] == INSTANCE
