"""Issue 4, point 6: the AWS CLI equivalents in the content, run with the real `aws` binary through the gateway.

Each section's file runs as the learner would run it (their sandbox key, the gateway as endpoint); then the
verification engine passes that section's checks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from provisioning.recipes import run_recipe
from provisioning.sandbox import gateway_url, learner_credentials
from provisioning.steps import STEP5_SECTIONS
from provisioning.verify import verify_step

pytestmark = pytest.mark.sandbox

CLI_DIR = Path(settings.CONTENT_DIR) / "aws-hands-on" / "load-balancer" / "cli"
AWS = Path(sys.executable).parent / "aws"


def _learner_env(live_server, account: str, home: Path) -> dict[str, str]:
    key_id, secret = learner_credentials(account)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        PATH=f"{AWS.parent}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(home),
        AWS_ACCESS_KEY_ID=key_id,
        AWS_SECRET_ACCESS_KEY=secret,
        AWS_DEFAULT_REGION="ap-northeast-1",
        AWS_ENDPOINT_URL=gateway_url(live_server.url),
        AWS_CONFIG_FILE=str(home / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"),
        AWS_PAGER="",
    )
    return env


def test_every_section_has_a_cli_file_with_both_languages():
    for section in STEP5_SECTIONS:
        text = (CLI_DIR / f"{section}.sh").read_text(encoding="utf-8")
        assert "# ja: " in text and "# en: " in text, section


@pytest.mark.skipif(not AWS.exists() and shutil.which("aws") is None, reason="the aws CLI is not installed")
def test_cli_files_run_against_the_sandbox_and_each_section_then_passes(
    live_server, sandbox_spec, sandbox_account, tmp_path
):
    assert run_recipe(sandbox_spec, "prerequisites").ok
    env = _learner_env(live_server, sandbox_account, tmp_path)

    for section, check_ids in STEP5_SECTIONS.items():
        script = CLI_DIR / f"{section}.sh"
        done = subprocess.run(["bash", "-e", str(script)], env=env, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, f"{section}: {done.stdout}\n{done.stderr}"

        results = {r.id: r for r in verify_step(sandbox_spec).results}
        for check_id in check_ids:
            assert results[check_id].status == "pass", (section, check_id, results[check_id].message)

    # Run twice: the files are safe to paste again.
    for section in STEP5_SECTIONS:
        again = subprocess.run(
            ["bash", "-e", str(CLI_DIR / f"{section}.sh")], env=env, capture_output=True, text=True, timeout=240
        )
        assert again.returncode == 0, f"{section} (again): {again.stderr}"
    assert {r.status for r in verify_step(sandbox_spec).results} == {"pass"}
