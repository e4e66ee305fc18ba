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
from provisioning.sessions import client_for, session_for
from provisioning.steps import get_step
from provisioning.steps.load_balancer.catalog import SECTIONS as STEP5_SECTIONS
from provisioning.verify import verify_step

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]

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
    assert run_recipe(sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
    env = _learner_env(live_server, sandbox_account, tmp_path)

    for section, check_ids in STEP5_SECTIONS.items():
        script = CLI_DIR / f"{section}.sh"
        done = subprocess.run(["bash", "-e", str(script)], env=env, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, f"{section}: {done.stdout}\n{done.stderr}"

        results = {r.id: r for r in verify_step(sandbox_spec, tutorial="aws-hands-on", step="load-balancer").results}
        for check_id in check_ids:
            assert results[check_id].status == "pass", (section, check_id, results[check_id].message)

    # Run twice: the files are safe to paste again.
    for section in STEP5_SECTIONS:
        again = subprocess.run(
            ["bash", "-e", str(CLI_DIR / f"{section}.sh")], env=env, capture_output=True, text=True, timeout=240
        )
        assert again.returncode == 0, f"{section} (again): {again.stderr}"
    assert {r.status for r in verify_step(sandbox_spec, tutorial="aws-hands-on", step="load-balancer").results} == {
        "pass"
    }


# --- Step 6 (redundancy): its CLI blocks, on top of Step 5's finished state -------------------------------------

REDUNDANCY_CLI_DIR = Path(settings.CONTENT_DIR) / "aws-hands-on" / "redundancy" / "cli"
REDUNDANCY_SECTIONS = ("before-you-start", "launch-second-instance", "register-target", "failover")


def _run(script: Path, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(["bash", "-e", str(script)], env=env, cwd=cwd, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"{script.name}: {done.stdout}\n{done.stderr}"
    return done


def _tutorial_instances(spec) -> list[dict]:
    ec2 = client_for(session_for(spec), "ec2", spec)
    reservations = ec2.describe_instances(
        Filters=[
            {"Name": "tag:CodeDeploy", "Values": ["aws-hands-on"]},
            {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]},
        ]
    )["Reservations"]
    return [i for r in reservations for i in r["Instances"]]


def _alb_zones_and_health(spec) -> tuple[set[str], dict[str, tuple[int, str]]]:
    elbv2 = client_for(session_for(spec), "elbv2", spec)
    lb = elbv2.describe_load_balancers(Names=["aws-hands-on"])["LoadBalancers"][0]
    tg_arn = elbv2.describe_target_groups(Names=["aws-hands-on"])["TargetGroups"][0]["TargetGroupArn"]
    health = elbv2.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]
    zones = {z["ZoneName"] for z in lb["AvailabilityZones"]}
    return zones, {h["Target"]["Id"]: (h["Target"]["Port"], h["TargetHealth"]["State"]) for h in health}


def test_every_redundancy_section_has_a_cli_file_with_both_languages():
    assert sorted(p.stem for p in REDUNDANCY_CLI_DIR.glob("*.sh")) == sorted(REDUNDANCY_SECTIONS)
    for section in REDUNDANCY_SECTIONS:
        text = (REDUNDANCY_CLI_DIR / f"{section}.sh").read_text(encoding="utf-8")
        assert "# ja: " in text and "# en: " in text, section


@pytest.mark.skipif(not AWS.exists() and shutil.which("aws") is None, reason="the aws CLI is not installed")
def test_redundancy_cli_files_build_two_healthy_instances_in_two_alb_zones_and_survive_a_stop(
    live_server, sandbox_spec, sandbox_account, tmp_path
):
    # The step's own prerequisites build Step 5's finished state; then each block makes its section's checks pass.
    step = {"tutorial": "aws-hands-on", "step": "redundancy"}
    sections = get_step(**step).sections
    assert tuple(sections) == REDUNDANCY_SECTIONS
    assert run_recipe(sandbox_spec, "prerequisites", **step).ok

    def assert_section_passes(section: str) -> None:
        results = {r.id: r for r in verify_step(sandbox_spec, **step).results}
        for check_id in sections[section]:
            assert results[check_id].status == "pass", (section, check_id, results[check_id].message)

    env = _learner_env(live_server, sandbox_account, tmp_path)
    first = _tutorial_instances(sandbox_spec)
    assert len(first) == 1

    out = _run(REDUNDANCY_CLI_DIR / "before-you-start.sh", env, tmp_path).stdout
    assert "active" in out and "HTTP" in out
    assert_section_passes("before-you-start")

    _run(REDUNDANCY_CLI_DIR / "launch-second-instance.sh", env, tmp_path)
    instances = _tutorial_instances(sandbox_spec)
    alb_zones, _health = _alb_zones_and_health(sandbox_spec)
    assert len(instances) == 2
    assert {i["State"]["Name"] for i in instances} == {"running"}
    zones = {i["Placement"]["AvailabilityZone"] for i in instances}
    assert len(zones) == 2 and zones <= alb_zones
    assert all([g["GroupName"] for g in i["SecurityGroups"]] == ["aws-hands-on-ec2"] for i in instances)
    second = next(i for i in instances if i["InstanceId"] != first[0]["InstanceId"])
    assert {t["Key"]: t["Value"] for t in second["Tags"]} == {"Name": "aws-hands-on-2", "CodeDeploy": "aws-hands-on"}
    assert second["ImageId"] == first[0]["ImageId"] and second["InstanceType"] == first[0]["InstanceType"]
    assert_section_passes("launch-second-instance")

    _run(REDUNDANCY_CLI_DIR / "register-target.sh", env, tmp_path)
    _zones, health = _alb_zones_and_health(sandbox_spec)
    assert health == {i["InstanceId"]: (8000, "healthy") for i in instances}
    assert_section_passes("register-target")

    out = _run(REDUNDANCY_CLI_DIR / "failover.sh", env, tmp_path).stdout
    # While the first instance was stopped its target was unused, the other healthy; both are healthy again now.
    assert f"{first[0]['InstanceId']}\tunused\tTarget.InvalidState" in out
    assert f"{second['InstanceId']}\thealthy" in out
    assert ".elb.amazonaws.com/" in out
    assert_section_passes("failover")
    _zones, health = _alb_zones_and_health(sandbox_spec)
    assert health == {i["InstanceId"]: (8000, "healthy") for i in instances}

    # Safe to paste again: still two instances, both registered and healthy.
    for section in REDUNDANCY_SECTIONS:
        _run(REDUNDANCY_CLI_DIR / f"{section}.sh", env, tmp_path)
    assert len(_tutorial_instances(sandbox_spec)) == 2
    _zones, health = _alb_zones_and_health(sandbox_spec)
    assert health == {i["InstanceId"]: (8000, "healthy") for i in instances}
    assert {r.status for r in verify_step(sandbox_spec, **step).results} == {"pass"}
