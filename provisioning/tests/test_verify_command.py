"""`manage.py verify`: JSON shape, table output and exit codes 0/1/2/3."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from provisioning import verify
from provisioning.steps.load_balancer.catalog import CHECK_IDS as STEP5_CHECK_IDS
from provisioning.types import CheckResult, RunReport


def _run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code)
    return code, out.getvalue()


def test_json_shape_and_exit_code_1_on_an_empty_account(moto_aws):
    code, out = _run("aws-hands-on", "load-balancer", "--json", "--no-probes")
    data = json.loads(out)
    assert code == 1
    assert set(data) == {"tutorial", "step", "duration_ms", "aws_api_calls", "results"}
    assert [r["id"] for r in data["results"]] == list(STEP5_CHECK_IDS)
    assert set(data["results"][0]) == {"id", "section", "status", "message", "hint", "evidence"}
    assert data["aws_api_calls"] <= 8


def test_exit_code_0_when_everything_passes(monkeypatch):
    _fake(monkeypatch, "pass")
    assert _run("aws-hands-on", "load-balancer", "--json")[0] == 0


def test_exit_code_2_when_something_errors_and_nothing_fails(monkeypatch):
    _fake(monkeypatch, "pass", "error")
    assert _run("aws-hands-on", "load-balancer")[0] == 2


def test_table_is_in_japanese_by_default_and_english_on_request(step5_state):
    code, out = _run("aws-hands-on", "load-balancer", "--no-probes")
    assert code == 0 and "[ OK ] alb.exists" in out and "があります" in out
    _, out_en = _run("aws-hands-on", "load-balancer", "--no-probes", "--lang", "en")
    assert "Application Load Balancer aws-hands-on exists" in out_en and "[SKIP]" in out_en


@pytest.mark.parametrize(
    "args",
    [
        ("nope", "load-balancer"),
        ("aws-hands-on", "nope"),
        ("aws-hands-on", "load-balancer", "--region", "Tokyo"),
        ("aws-hands-on", "load-balancer", "--sandbox", "1234"),
        ("aws-hands-on", "load-balancer", "--sandbox", "111122223333", "--endpoint-url", "http://127.0.0.1:1"),
    ],
)
def test_bad_usage_exits_3_with_a_reason(args):
    with pytest.raises(CommandError) as exc:
        call_command("verify", *args)
    assert exc.value.returncode == 3 and str(exc.value)


def test_sandbox_flag_builds_a_sandbox_spec(monkeypatch):
    seen = _fake(monkeypatch, "pass")
    _run("aws-hands-on", "load-balancer", "--sandbox", "111122223333", "--region", "us-east-1")
    assert seen[0].kind == "sandbox" and seen[0].sandbox_account == "111122223333" and seen[0].region == "us-east-1"


def _fake(monkeypatch, *statuses: str) -> list:
    seen: list = []

    def fake_verify(spec, **kw):
        seen.append(spec)
        results = [
            CheckResult(cid, "s", statuses[i % len(statuses)], {"ja": "ja", "en": "en"}, {"ja": "", "en": ""})
            for i, cid in enumerate(STEP5_CHECK_IDS)
        ]
        return RunReport("aws-hands-on", "load-balancer", 1, 0, results)

    monkeypatch.setattr(verify, "verify_step", fake_verify)
    return seen


def test_a_missing_argument_or_unknown_option_exits_3_not_argparse_2():
    import subprocess
    import sys

    for args in (["aws-hands-on"], ["aws-hands-on", "load-balancer", "--frobnicate"]):
        proc = subprocess.run(
            [sys.executable, "manage.py", "verify", *args], capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 3, proc.stderr
        assert proc.stderr.strip().startswith("verify:")


def test_a_hints_link_shows_as_its_text_in_the_terminal(monkeypatch):
    from provisioning.checks.base import sandbox_text

    hint = sandbox_text("LoadBalancers")

    def fake_verify(spec, **kw):
        results = [CheckResult(cid, "s", "fail", {"ja": "ja", "en": "en"}, hint) for cid in STEP5_CHECK_IDS]
        return RunReport("aws-hands-on", "load-balancer", 1, 0, results)

    monkeypatch.setattr(verify, "verify_step", fake_verify)
    _code, out = _run("aws-hands-on", "load-balancer", "--sandbox", "111122223333")
    assert "サンドボックスのコンソールの「ロードバランサー」で操作できます" in out
    assert "console.aws.amazon.com" not in out and "](" not in out
