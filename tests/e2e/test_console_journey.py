"""Step 5 done by clicking through the sandbox console, in the tutorial's order, then checked: all 15 pass.

sign up -> connect the sandbox -> Prepare -> (console) load balancer list -> create ALB: name, three AZs ->
create its security group (HTTP 80 from anywhere) -> create the target group (HTTP 8000, /healthcheck) ->
register the instance on 8000 -> create -> target group healthy -> listener tab, DNS name answers the Django page ->
the instance's group: only 8000 from the ALB's group -> Check: every check passes.

Screenshots of each console page, in Japanese, laptop and phone, go to $E2E_ARTIFACTS/console/. A real Celery worker
runs Prepare and Check; the sandbox runs in threads of this process (the console's views call it directly).
"""

from __future__ import annotations

import os
import re

import pytest

from provisioning.sandbox.testing import sandbox_server  # noqa: F401 - fixture
from tests.e2e.journey import SLOW, STEP_PATH, connect_sandbox, prepare, sign_up

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.sandbox]

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
STEP5_CHECKS = 15


class Shots:
    """Saves each console page at laptop and phone width: console/<n>-<name>.ja.{laptop,phone}.png."""

    def __init__(self, page, directory) -> None:
        self.page = page
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, name: str) -> None:
        self.count += 1
        stem = f"{self.count:02d}-{name}.ja"
        self.page.screenshot(path=str(self.directory / f"{stem}.laptop.png"), full_page=True)
        self.page.set_viewport_size(PHONE)
        self.page.screenshot(path=str(self.directory / f"{stem}.phone.png"), full_page=True)
        self.page.set_viewport_size(LAPTOP)


def _sign_up_connect_prepare(page, base_url: str, username: str, *, step_path: str = STEP_PATH) -> None:
    sign_up(page, base_url, username)
    connect_sandbox(page)
    prepare(page, base_url, step_path=step_path)


def _open_from_step(page, base_url: str, section: str, fragment: str, *, step_path: str = STEP_PATH) -> None:
    """Follow the step text's console link of `section` (rewritten for a sandbox learner)."""
    page.goto(base_url + step_path)
    page.locator(f"#{section} a[data-sandbox-console='{fragment}']").first.click()


def _dns_name_serves_django(page, screenshot) -> None:
    """On a load balancer's page: its DNS name opens in a new tab with the Django page, saved to `screenshot`."""
    with page.context.expect_page() as opened:
        page.locator("[data-dns-name]").click()
    answer = opened.value
    answer.wait_for_load_state()
    assert "The install worked successfully!" in answer.content()
    answer.screenshot(path=str(screenshot))
    answer.close()


def test_step5_by_clicking_through_the_sandbox_console(
    sandbox_server,  # noqa: F811
    celery_worker,
    live_server,
    page_on_failure,
    artifacts_dir,
):
    page, base = page_on_failure, live_server.url
    shot = Shots(page, artifacts_dir / "console")
    _sign_up_connect_prepare(page, base, "console-learner")

    # ロードバランサーの作成: the step's link opens the sandbox console's load balancer list.
    page.goto(base + STEP_PATH)
    section = page.locator("#create-alb")
    assert section.locator("[data-try-console]").count() >= 1
    section.screenshot(path=str(shot.directory / "00-step-text-points-into-the-console.ja.laptop.png"))
    _open_from_step(page, base, "create-alb", "LoadBalancers")
    page.wait_for_url("**/ja/sandbox/console/load-balancers/")
    assert page.locator("h1").inner_text().startswith("ロードバランサー")
    shot("load-balancers-empty")
    page.get_by_role("link", name="ロードバランサーの作成").click()
    shot("load-balancer-types")
    page.locator("[data-create-alb]").click()

    # Name and three Availability Zones.
    page.fill("input[name=name]", "aws-hands-on")
    zones = page.locator(".cs-zone input[type=checkbox]")
    assert zones.count() == 3
    for i in range(3):
        zones.nth(i).check()
    shot("load-balancer-create")

    # The ALB's security group: created from the form, HTTP 80 from anywhere; back with it ticked.
    page.locator("[data-goto=security_group]").click()
    page.wait_for_url("**/security-groups/create/**")
    page.fill("input[name=name]", "aws-hands-on-alb")
    page.fill("input[name=description]", "aws-hands-on-alb")
    page.locator("[data-add-rule]").click()
    row = page.locator("[data-rule-row='0']")
    row.locator("select[name=rule_type]").select_option("http")
    row.locator("select[name=source_type]").select_option("anywhere-ipv4")
    shot("security-group-create")
    page.get_by_role("button", name="セキュリティグループを作成").click()
    page.wait_for_url("**/load-balancers/create/application/?sg=*")
    assert page.locator("input[name=name]").input_value() == "aws-hands-on"
    alb_sg = page.locator("input[name=security_groups]:checked")
    assert alb_sg.count() == 1
    assert all(page.locator(".cs-zone input[type=checkbox]").nth(i).is_checked() for i in range(3))

    # The target group: HTTP 8000, health check /healthcheck, then register the instance on 8000.
    page.locator("[data-goto=target_group]").click()
    page.wait_for_url("**/target-groups/create/**")
    page.fill("input[name=name]", "aws-hands-on")
    page.fill("input[name=port]", "8000")
    page.fill("input[name=health_check_path]", "/healthcheck")
    shot("target-group-create")
    page.get_by_role("button", name="次へ").click()
    page.wait_for_url("**/target-groups/aws-hands-on/register/**")
    page.locator("input[name=instances]").first.check()
    assert page.locator("input[name=port]").input_value() == "8000"
    shot("register-targets")
    page.locator("[data-add-to-registered]").click()
    page.locator("[data-registered] tr[data-target]").wait_for()
    shot("register-targets-registered")
    page.locator("[data-next]").click()

    # Back on the form, everything kept and the target group chosen: create.
    assert page.locator("select[name=target_group] option:checked").inner_text().startswith("aws-hands-on")
    page.get_by_role("button", name="ロードバランサーの作成").click()
    page.wait_for_url("**/load-balancers/aws-hands-on/")
    assert page.locator("[data-zones] li").count() == 3
    shot("load-balancer-description")

    # ターゲットグループの確認: healthy, from the step's link.
    _open_from_step(page, base, "target-group", "TargetGroups")
    shot("target-groups")
    page.locator("tr[data-target-group='aws-hands-on'] td:first-child a").click()
    page.locator("tr[data-target-state='healthy']").wait_for()
    shot("target-group-targets")
    page.locator("[data-tab=health]").click()
    assert "/healthcheck" in page.locator("[data-health-check]").inner_text()
    shot("target-group-health-checks")

    # ロードバランサーの確認: the listener forwards to aws-hands-on; the DNS name serves the Django page.
    _open_from_step(page, base, "load-balancer", "LoadBalancers")
    shot("load-balancers")
    page.locator("tr[data-load-balancer='aws-hands-on'] td:first-child a").click()
    page.locator("[data-tab=listeners]").click()
    assert page.locator("[data-listener='HTTP:80'] [data-forward-to='aws-hands-on']").count() == 1
    shot("load-balancer-listeners")
    page.get_by_role("link", name="説明").click()
    _dns_name_serves_django(page, shot.directory / "dns-name-answer.ja.laptop.png")

    # セキュリティーグループの制限: 8000 from the ALB's group only.
    _open_from_step(page, base, "restrict-ec2-sg", "SecurityGroups")
    shot("security-groups")
    page.locator("tr[data-group-name='aws-hands-on-ec2'] a").click()
    shot("security-group-ec2-before")
    page.get_by_role("link", name="インバウンドルールを編集").click()
    shot("inbound-rules-before")
    for port in ("80", "8001"):
        rows = page.locator("[data-rule-row]")
        index = next(
            i for i in range(rows.count()) if rows.nth(i).locator("input[name=port_range]").input_value() == port
        )
        rows.nth(index).get_by_role("button", name=re.compile("削除")).click()
        page.wait_for_load_state()
    rows = page.locator("[data-rule-row]")
    assert rows.count() == 1
    rows.first.locator("select[name=source_type]").select_option("custom")
    rows.first.locator("input[name=cidr]").fill("")
    group_select = rows.first.locator("select[name=source_group]")
    alb_option = group_select.locator("option", has_text=re.compile(r"/ aws-hands-on-alb$"))
    group_select.select_option(alb_option.get_attribute("value"))
    shot("inbound-rules-edit")
    page.get_by_role("button", name="ルールを保存").click()
    page.wait_for_url("**/security-groups/sg-*/")
    rules = page.locator("[data-inbound-rules] tbody tr")
    assert rules.count() == 1 and "aws-hands-on-alb" in rules.first.inner_text()
    shot("security-group-ec2-after")

    # Check: all of Step 5 passes.
    page.goto(base + STEP_PATH)
    page.locator("#lc-restrict-ec2-sg form[action$='/check/'] button").click()
    for section in ("before-you-start", "create-alb", "target-group", "load-balancer", "restrict-ec2-sg"):
        page.locator(f"#lc-{section}[data-state='complete']").wait_for(timeout=SLOW)
    passing = page.locator(".lc-result[data-check-id][data-status='pass']")
    assert passing.count() == STEP5_CHECKS, passing.count()
    assert page.locator(".lc-result[data-check-id]:not([data-status='pass'])").count() == 0
    page.screenshot(path=str(artifacts_dir / "console" / "step5-checked.ja.laptop.png"), full_page=True)


REDUNDANCY_PATH = "/ja/tutorials/aws-hands-on/redundancy/"
REDUNDANCY_CHECKS = 7
REDUNDANCY_SECTIONS = ("before-you-start", "launch-second-instance", "register-target", "failover")


def _targets_tab(page, base_url: str) -> None:
    page.goto(base_url + "/ja/sandbox/console/target-groups/aws-hands-on/?tab=targets")


def test_redundancy_by_clicking_through_the_sandbox_console(
    sandbox_server,  # noqa: F811
    celery_worker,
    live_server,
    page_on_failure,
    artifacts_dir,
):
    """Step 6 from Prepare (Step 5 finished): launch more like this into another AZ, register it through the pending
    list, both healthy; stop one: unused, the DNS name still answers; start it again; Check: every check passes."""
    page, base = page_on_failure, live_server.url
    shot = Shots(page, artifacts_dir / "console" / "redundancy")
    # Step 5 finished: Prepare and "do it for me" on its page (Step 6's page has no Prepare button of its own yet).
    _sign_up_connect_prepare(page, base, "console-redundancy")
    page.locator(".lc-toolbar form[action$='/recipes/solve/'] button").click()
    page.locator("#recipe-area-lab[data-recipe='solve'][data-state='done']").wait_for(timeout=SLOW)

    # 2台目のインスタンスを起動する: from the step's link, the instance, アクション → 同様のものを起動.
    _open_from_step(page, base, "launch-second-instance", "Instances", step_path=REDUNDANCY_PATH)
    page.wait_for_url("**/ja/sandbox/console/instances/")
    shot("instances-one")
    first_zone = page.locator("tr[data-instance-id] td:nth-child(5)").first.inner_text()
    page.locator("tr[data-instance-id] td:nth-child(2) a").first.click()
    shot("instance")
    actions = page.locator("[data-menu=actions] summary")
    actions.focus()
    page.keyboard.press("Enter")  # the menus open from the keyboard
    page.get_by_role("link", name="同様のものを起動").click()
    page.fill("input[name=name]", "aws-hands-on-2")
    chosen = page.locator("select[name=subnet] option:checked").inner_text()
    assert first_zone not in chosen  # another AZ is proposed
    shot("launch-more-like-this")
    page.get_by_role("button", name="インスタンスを起動").click()
    page.wait_for_url("**/ja/sandbox/console/instances/")
    assert page.locator("tr[data-instance-id] [data-state=running]").count() == 2
    shot("instances-two-running")

    # ターゲットに登録する: ターゲットを登録, 以下を保留中として含める, 保留中のターゲットを登録.
    _open_from_step(page, base, "register-target", "TargetGroups", step_path=REDUNDANCY_PATH)
    page.locator("tr[data-target-group='aws-hands-on'] td:first-child a").click()
    page.get_by_role("link", name="ターゲットを登録").click()
    second = page.locator("tr[data-instance-id]", has_text="aws-hands-on-2")
    second.locator("input[name=instances]").check()
    page.locator("[data-include-pending]").click()
    page.locator("[data-pending] tr").first.wait_for()
    shot("register-targets-pending")
    page.locator("[data-register-pending]").click()
    _targets_tab(page, base)
    assert page.locator("tr[data-target-state='healthy']").count() == 2
    shot("targets-two-healthy")

    # 1台を止めてみる: stop the first; unused (stopped); the DNS name still serves the page; start it again.
    page.goto(base + "/ja/sandbox/console/instances/")
    page.locator("tr[data-instance-id]", has_text=first_zone).locator("td:nth-child(2) a").first.click()
    page.locator("[data-menu=instance-state] summary").click()
    page.get_by_role("button", name="インスタンスを停止").click()
    page.locator("[data-state=stopped]").wait_for()
    _targets_tab(page, base)
    stopped = page.locator("tr[data-target-state='unused']")
    assert stopped.count() == 1 and "Target is in the stopped state" in stopped.inner_text()
    shot("target-unused-stopped")
    page.goto(base + "/ja/sandbox/console/load-balancers/aws-hands-on/")
    _dns_name_serves_django(page, shot.directory / "dns-name-still-served.ja.laptop.png")
    page.goto(base + "/ja/sandbox/console/instances/")
    page.locator("tr[data-instance-id]:has([data-state=stopped]) td:nth-child(2) a").click()
    page.locator("[data-menu=instance-state] summary").click()
    page.get_by_role("button", name="インスタンスを開始").click()
    page.locator("[data-state=running]").wait_for()
    _targets_tab(page, base)
    assert page.locator("tr[data-target-state='healthy']").count() == 2

    # Check: all of Step 6 passes.
    page.goto(base + REDUNDANCY_PATH)
    page.locator("#lc-failover form[action$='/check/'] button").click()
    for section in REDUNDANCY_SECTIONS:
        page.locator(f"#lc-{section}[data-state='complete']").wait_for(timeout=SLOW)
    passing = page.locator(".lc-result[data-check-id][data-status='pass']")
    assert passing.count() == REDUNDANCY_CHECKS, passing.count()
    assert page.locator(".lc-result[data-check-id]:not([data-status='pass'])").count() == 0
    page.screenshot(path=str(shot.directory / "step6-checked.ja.laptop.png"), full_page=True)
