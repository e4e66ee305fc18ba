"""Every recipe run twice changes nothing the second time; a recipe interrupted halfway completes when re-run."""

from __future__ import annotations

import botocore.client
import pytest

from provisioning.recipes import run_recipe

pytestmark = pytest.mark.sandbox

READ_PREFIXES = ("Describe", "Get", "List")


@pytest.fixture
def api_calls(monkeypatch):
    """Names of every AWS operation the recipes call (counted at botocore's client, whatever the session)."""
    calls: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        calls.append(operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    return calls


def _writes(calls: list[str]) -> list[str]:
    return [c for c in calls if not c.startswith(READ_PREFIXES) and c != "AssumeRole"]


@pytest.mark.parametrize(
    ("recipe", "setup"),
    [("prerequisites", []), ("solve", ["prerequisites"]), ("teardown", ["prerequisites", "solve"])],
)
def test_second_run_skips_every_step_and_writes_nothing(sandbox_spec, api_calls, recipe, setup):
    for earlier in setup:
        assert run_recipe(sandbox_spec, earlier, tutorial="aws-hands-on", step="load-balancer").ok
    first = run_recipe(sandbox_spec, recipe, tutorial="aws-hands-on", step="load-balancer")
    assert first.ok, first.error
    api_calls.clear()

    second = run_recipe(sandbox_spec, recipe, tutorial="aws-hands-on", step="load-balancer")

    assert second.ok, second.error
    assert {s["status"] for s in second.steps} == {"skipped"}
    assert _writes(api_calls) == []


def test_interrupted_prerequisites_complete_when_run_again(sandbox_spec):
    class Interrupted(Exception):
        pass

    def crash_after_step_two(event):
        if event["done"] == 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        run_recipe(
            sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer", progress=crash_after_step_two
        )

    events: list[dict] = []
    resumed = run_recipe(
        sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer", progress=events.append
    )

    assert resumed.ok
    statuses = {s["name"]: s["status"] for s in resumed.steps}
    assert statuses["internet_gateway"] == "skipped"  # done before the interruption
    assert statuses["instance"] == "done"  # not reached before it
    assert [e["done"] for e in events] == list(range(1, len(resumed.steps) + 1))
    assert all(e["total"] == len(resumed.steps) for e in events)


def test_interrupted_solve_completes_when_run_again(sandbox_spec):
    assert run_recipe(sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok

    def crash_midway(event):
        if event["step"] == "create-alb/target_group":
            raise RuntimeError("worker lost")

    with pytest.raises(RuntimeError):
        run_recipe(sandbox_spec, "solve", tutorial="aws-hands-on", step="load-balancer", progress=crash_midway)
    resumed = run_recipe(sandbox_spec, "solve", tutorial="aws-hands-on", step="load-balancer")

    assert resumed.ok, resumed.error
    from provisioning.verify import verify_step

    assert {r.status for r in verify_step(sandbox_spec, tutorial="aws-hands-on", step="load-balancer").results} == {
        "pass"
    }


def test_solving_one_section_on_a_prepared_account_skips_what_is_there_and_builds_that_section(sandbox_spec):
    assert run_recipe(sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
    report = run_recipe(sandbox_spec, "solve", tutorial="aws-hands-on", step="load-balancer", section="create-alb")
    assert report.ok
    assert report.section == "create-alb"
    done = [s["name"] for s in report.steps if s["status"] == "done"]
    assert done and all(name.startswith("create-alb/") for name in done)


def _statuses(spec) -> dict[str, str]:
    from provisioning.verify import verify_step

    return {r.id: r.status for r in verify_step(spec, tutorial="aws-hands-on", step="load-balancer").results}


def test_do_it_for_me_on_the_first_section_of_a_fresh_account_builds_the_whole_starting_state(sandbox_spec):
    report = run_recipe(
        sandbox_spec, "solve", tutorial="aws-hands-on", step="load-balancer", section="before-you-start"
    )
    assert report.ok, report.error
    names = [s["name"] for s in report.steps]
    assert "internet_gateway" in names and "instance_security_group_rules" in names
    assert _statuses(sandbox_spec)["prereq.instance_running"] == "pass"


@pytest.mark.parametrize("after_clean_up", [False, True])
def test_do_it_for_me_on_a_later_section_builds_what_it_stands_on_first(sandbox_spec, after_clean_up):
    if after_clean_up:
        assert run_recipe(sandbox_spec, "solve", tutorial="aws-hands-on", step="load-balancer").ok
        assert run_recipe(sandbox_spec, "teardown", tutorial="aws-hands-on", step="load-balancer").ok
    report = run_recipe(sandbox_spec, "solve", tutorial="aws-hands-on", step="load-balancer", section="target-group")
    assert report.ok, report.error
    statuses = _statuses(sandbox_spec)
    assert statuses["tg.target_healthy"] == "pass" and statuses["alb.exists"] == "pass"
    assert statuses["ec2sg.app_port_from_alb_only"] != "pass"  # later sections are left to the learner


def test_each_step_is_listed_once_even_when_two_sections_share_it(sandbox_spec):
    report = run_recipe(sandbox_spec, "solve", tutorial="aws-hands-on", step="load-balancer")
    assert report.ok, report.error
    bare = [s["name"].rsplit("/", 1)[-1] for s in report.steps]
    assert len(bare) == len(set(bare)), bare


def test_unknown_recipe_or_section_is_a_value_error(sandbox_spec):
    with pytest.raises(ValueError):
        run_recipe(sandbox_spec, "destroy-everything", tutorial="aws-hands-on", step="load-balancer")
    with pytest.raises(ValueError):
        run_recipe(sandbox_spec, "solve", tutorial="aws-hands-on", step="load-balancer", section="nope")


def test_teardown_reports_a_failing_step_and_stops(sandbox_spec, monkeypatch):
    from botocore.exceptions import ClientError

    from provisioning.steps.load_balancer import teardown

    assert run_recipe(sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok

    def refuse(ctx):
        raise ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}, "TerminateInstances")

    original = list(teardown.TEARDOWN_STEPS)  # the spec holds this very list: change it in place, put it back
    teardown.TEARDOWN_STEPS[:] = [(n, refuse if n == "instances" else f) for n, f in original]
    try:
        report = run_recipe(sandbox_spec, "teardown", tutorial="aws-hands-on", step="load-balancer")
    finally:
        teardown.TEARDOWN_STEPS[:] = original

    assert not report.ok
    assert report.error.startswith("instances: UnauthorizedOperation")
    assert report.steps[-1]["status"] == "failed"
    assert any(item["type"] == "instance" for item in report.billable_left)
