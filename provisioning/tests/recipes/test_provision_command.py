"""`manage.py provision`: progress lines, exit codes 0 / 1 / 3."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.sandbox


def test_prerequisites_prints_progress_and_exits_zero(sandbox_server, sandbox_account, capsys):
    call_command("provision", "aws-hands-on", "load-balancer", "prerequisites", "--sandbox", sandbox_account)
    out = capsys.readouterr().out
    assert "[1/7] default_vpc: skipped" in out
    assert "[6/7] instance: done" in out
    assert out.strip().endswith("prerequisites: ok")


def test_teardown_with_nothing_to_remove_is_ok(sandbox_server, sandbox_account, capsys):
    call_command("provision", "aws-hands-on", "load-balancer", "teardown", "--sandbox", sandbox_account)
    assert "still billable" not in capsys.readouterr().out


def test_failed_step_exits_one(sandbox_server, sandbox_account, monkeypatch):
    from botocore.exceptions import ClientError

    from provisioning.steps.load_balancer import recipes

    def refuse(ctx):
        raise ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}, "CreateLoadBalancer")

    steps = recipes.SOLVE_STEPS["create-alb"]  # the spec holds this very list: monkeypatch puts it back
    monkeypatch.setitem(
        recipes.SOLVE_STEPS, "create-alb", [(n, refuse if n == "load_balancer" else f) for n, f in steps]
    )
    with pytest.raises(SystemExit) as exc:
        call_command(
            "provision",
            "aws-hands-on",
            "load-balancer",
            "solve",
            "--section",
            "create-alb",
            "--sandbox",
            sandbox_account,
        )
    assert exc.value.code == 1  # AWS refused creating the load balancer


@pytest.mark.parametrize(
    "args",
    [
        ["aws-hands-on", "load-balancer", "destroy"],
        ["aws-hands-on", "nope", "solve"],
        ["aws-hands-on", "load-balancer", "solve", "--section", "nope", "--sandbox", "482913305716"],
        ["aws-hands-on", "load-balancer", "teardown", "--sandbox", "12345"],
        ["aws-hands-on", "load-balancer", "teardown", "--sandbox", "482913305716", "--endpoint-url", "http://x"],
        ["aws-hands-on", "load-balancer", "prerequisites", "--section", "create-alb", "--sandbox", "482913305716"],
    ],
)
def test_bad_usage_exits_three(sandbox_server, args):
    with pytest.raises(CommandError) as exc:
        call_command("provision", *args)
    assert exc.value.returncode == 3
