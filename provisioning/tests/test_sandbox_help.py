"""What a sandbox learner is told to do (CheckSpec.sandbox, Outcome.sandbox): chosen by the engine from the connection
mode, added to the hint of a real failure only; a real-AWS learner's hints stay exactly as the check wrote them."""

from __future__ import annotations

from provisioning.steps import get_step
from provisioning.tests.builders import complete_snapshot, http_answer
from provisioning.tests.builders import tcp_result as tcp
from provisioning.verify import evaluate

STEP5 = get_step("aws-hands-on", "load-balancer")
STEP6 = get_step("aws-hands-on", "redundancy")
LINK = "(https://console.aws.amazon.com/ec2/home#{}:)"


def _run(snap, *, sandbox: bool, step=STEP5):
    answers = {"http": http_answer(), "tcp": tcp("timeout")}
    results = evaluate(step, snap, snap.params, lambda wanted: {n: answers[n] for n in wanted}, sandbox=sandbox)
    return {r.id: r for r in results}


def test_a_console_hint_gets_the_sandbox_consoles_screen_the_cli_block_and_do_it_for_me():
    snap = complete_snapshot()
    snap.target_health = []
    r = _run(snap, sandbox=True)["tg.instance_registered"]
    real = _run(snap, sandbox=False)["tg.instance_registered"]
    assert r.hint["ja"].startswith(real.hint["ja"])  # the hint as it was, then what to do here
    assert "[サンドボックスのコンソールの「ターゲットグループ」]" + LINK.format("TargetGroups") in r.hint["ja"]
    assert (
        "コンソールにない操作は、この節の「AWS CLI でやる場合」のコマンドか「代わりにやる」でできます" in r.hint["ja"]
    )
    assert "What the sandbox console cannot do, this section's “With the AWS CLI” commands" in r.hint["en"]


def test_a_fix_the_sandbox_console_cannot_make_names_the_cli_block_and_no_screen():
    snap = complete_snapshot()
    snap.load_balancer["Scheme"] = "internal"
    r = _run(snap, sandbox=True)["alb.internet_facing"]
    assert "console.aws.amazon.com" not in r.hint["ja"]
    assert "サンドボックスでは、この節の「AWS CLI でやる場合」のコマンドか「代わりにやる」で直せます。" in r.hint["ja"]
    assert "“With the AWS CLI” commands or “Do it for me” fix it" in r.hint["en"]


def test_a_real_aws_learners_hints_are_exactly_the_checks_own():
    snap = complete_snapshot()
    snap.load_balancer["Scheme"] = "internal"
    snap.instances[0]["State"] = {"Name": "stopped"}
    from provisioning.checks.base import CheckContext

    ctx = CheckContext(snapshot=snap, params=snap.params)
    results = _run(snap, sandbox=False)
    assert results["alb.internet_facing"].hint == STEP5.check("alb.internet_facing").run(ctx).hint
    assert results["prereq.instance_running"].hint == STEP5.check("prereq.instance_running").run(ctx).hint
    assert not any("サンドボックス" in r.hint["ja"] for r in results.values())


def test_no_instance_from_the_earlier_steps_tells_a_sandbox_learner_that_prepare_builds_it():
    snap = complete_snapshot()
    snap.instances = []
    r = _run(snap, sandbox=True)["prereq.instance_running"]
    assert "前のステップで作成したインスタンス" in r.hint["ja"]
    assert "サンドボックスには前のステップで作ったものがありません。このページの「準備する」を押すと" in r.hint["ja"]
    assert "（インスタンスとセキュリティグループ）を作ります。" in r.hint["ja"]
    assert "console.aws.amazon.com" not in r.hint["ja"]  # nothing to do in a console when there is nothing


def test_a_stopped_instance_is_started_in_the_sandbox_consoles_instances_screen():
    snap = complete_snapshot()
    snap.instances[0]["State"] = {"Name": "stopped"}
    r = _run(snap, sandbox=True)["prereq.instance_running"]
    assert LINK.format("Instances") in r.hint["en"] and "Prepare" not in r.hint["en"]


def test_a_missing_instance_group_says_prepare_builds_it():
    snap = complete_snapshot()
    snap.instances = []
    snap.security_groups = {k: v for k, v in snap.security_groups.items() if v["GroupName"] != "aws-hands-on-ec2"}
    r = _run(snap, sandbox=True)["ec2sg.no_public_ingress"]
    assert "from the earlier steps" in r.hint["en"] and "press “Prepare” on this page" in r.hint["en"]


def test_a_transient_failure_gets_no_sandbox_addition():
    snap = complete_snapshot()
    snap.load_balancer["State"] = {"Code": "provisioning"}
    r = _run(snap, sandbox=True)["alb.active"]
    assert r.transient and "サンドボックス" not in r.hint["ja"]


def test_a_hint_that_defers_to_its_cause_carries_the_causes_sandbox_way():
    snap = complete_snapshot()
    snap.target_health[0]["Target"]["Port"] = 80
    snap.target_health[0]["TargetHealth"] = {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"}
    r = _run(snap, sandbox=True)["tg.target_healthy"]
    assert r.evidence["caused_by"] == "tg.target_port"
    assert LINK.format("TargetGroups") in r.hint["en"] and r.hint["en"].count("(https://") == 1


def test_step6_without_step5s_state_says_prepare_once_and_nothing_more():
    snap = complete_snapshot()
    snap.load_balancer = None
    from provisioning.steps.redundancy.params import Params

    snap.params = Params()
    r = _run(snap, sandbox=True, step=STEP6)["redundancy.alb_ready"]
    assert r.hint == _run(snap, sandbox=False, step=STEP6)["redundancy.alb_ready"].hint
    assert "「準備する」ボタンでステップ5 を終えた状態を作ることもできます" in r.hint["ja"]


def test_every_check_of_both_steps_declares_where_a_sandbox_learner_makes_its_fix():
    # Every check declares where a sandbox learner makes its fix (the engine has nothing to guess).
    for step in (STEP5, STEP6):
        missing = [c.id for c in step.checks if c.sandbox is None]
        assert missing == [], step.key
