"""The step page's panels in the browser, with a real worker and the sandbox: only the pressed panel waits for its
result (the others refresh once, at the end), and with the page open a change made through the AWS CLI (the
gateway) re-checks the step by itself, turning the panels without a press. Japanese pages."""

from __future__ import annotations

import os
import re

import pytest

from provisioning.sandbox import learner_credentials
from provisioning.sandbox.credentials import new_account_id
from provisioning.sandbox.testing import (
    gateway_client,
    sandbox_server,  # noqa: F401 - fixture
)
from tutorial.learning.tests.conftest import make_connection

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.sandbox]

STEP_PATH = "/ja/tutorials/aws-hands-on/load-balancer/"
SLOW = 120_000


PASSWORD = "correct-horse-battery-9"  # noqa: S105 - a test user's


def _signed_in_and_prepared(page, live_server, django_user_model, password=PASSWORD):
    user = django_user_model.objects.create_user(username="kenji", email="kenji@example.com", password=password)
    account = new_account_id()
    make_connection(user, account=account)
    page.goto(live_server.url + "/ja/accounts/login/?next=" + STEP_PATH)
    page.fill("input[name=username]", "kenji")
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**" + STEP_PATH)
    page.locator("form[action$='/recipes/prerequisites/'] button").click()
    page.locator("#recipe-area-lab[data-recipe='prerequisites'][data-state='done']").wait_for(timeout=SLOW)
    # The finished recipe checks again by itself: the first section turns complete without a press.
    page.locator("#lc-before-you-start[data-state='complete']").wait_for(timeout=SLOW)
    # The contents column follows: a tick on the section, and how many sections are done.
    page.locator("[data-lc-toc='before-you-start'][data-state='complete']").wait_for(timeout=SLOW)
    assert page.locator("#lc-toc-progress").inner_text().strip() == "完了したセクション: 5 中 1"
    return user, account


def test_only_the_pressed_panel_waits_and_the_others_refresh_once_at_the_end(
    sandbox_server,  # noqa: F811
    celery_worker,
    live_server,
    page_on_failure,
    django_user_model,
):
    page = page_on_failure
    _signed_in_and_prepared(page, live_server, django_user_model)
    page.wait_for_timeout(1000)
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "/panel/" in r.url or "/architecture/" in r.url else None)
    before = page.locator("#lc-create-alb").get_attribute("data-run")
    page.locator("#lc-create-alb form[action$='/check/'] button").click()
    page.wait_for_function(
        "(before) => { const p = document.querySelector('#lc-create-alb');"
        " return p && p.dataset.run && p.dataset.run !== before && !p.querySelector('.lc-wait'); }",
        arg=before,
        timeout=SLOW,
    )
    page.locator("#lc-create-alb [data-check-id='alb.exists'][data-status='fail']").wait_for()
    page.wait_for_timeout(1500)
    waits = [u for u in seen if "/panel/create-alb/?wait=" in u]
    assert waits, seen
    assert not [u for u in seen if re.search(r"/panel/create-alb/($|\?(?!wait))", u)]  # no refetch of the pressed one
    first_other = min(i for i, u in enumerate(seen) if "/panel/create-alb/" not in u)
    assert first_other > seen.index(waits[-1])  # the others only after the result arrived ...
    for section in ("before-you-start", "target-group", "load-balancer", "restrict-ec2-sg"):
        assert sum(f"/panel/{section}/" in u for u in seen) == 1, (section, seen)  # ... once each
    assert sum("/architecture/" in u for u in seen) == 1
    runs = {page.locator(f"#lc-{s}").get_attribute("data-run") for s in ("create-alb", "before-you-start")}
    assert len(runs) == 1  # every panel shows the same, newest run


def test_a_change_through_the_cli_turns_the_panels_without_a_press(
    sandbox_server,  # noqa: F811
    celery_worker,
    live_server,
    page_on_failure,
    django_user_model,
    artifacts_dir,
):
    page = page_on_failure
    _user, account = _signed_in_and_prepared(page, live_server, django_user_model)
    assert page.locator("#lc-auto").is_checked()
    ec2 = gateway_client(live_server.url, "ec2", learner_credentials(account))
    instances = ec2.describe_instances(Filters=[{"Name": "tag:CodeDeploy", "Values": ["aws-hands-on"]}])
    instance_id = instances["Reservations"][0]["Instances"][0]["InstanceId"]
    page.wait_for_timeout(3500)  # the page has said it is open (its watcher's first look)

    ec2.stop_instances(InstanceIds=[instance_id])
    page.locator("#lc-before-you-start[data-state='failing']").wait_for(timeout=SLOW)
    ec2.start_instances(InstanceIds=[instance_id])
    page.locator("#lc-before-you-start[data-state='complete']").wait_for(timeout=SLOW)

    # Switched off, a change is not checked by itself.
    page.locator("#lc-auto").uncheck()
    page.wait_for_timeout(3500)
    ec2.stop_instances(InstanceIds=[instance_id])
    page.wait_for_timeout(5000)
    assert page.locator("#lc-before-you-start").get_attribute("data-state") == "complete"
