"""A step to its completion page in headless Chromium, in Japanese: sign up, connect the sandbox, "Do it for me",
check; the last panel links to the completion page, which shows what was built (every link passing), the time it
took, the clean-up reminder (its Clean up works from there) and the next step; signing in again returns to where
the learner left off.

Screenshots (desktop and phone 390x844) go to $E2E_ARTIFACTS. Needs chromium, PostgreSQL + Redis for the worker.
"""

from __future__ import annotations

import os

import pytest

from provisioning.sandbox.testing import sandbox_server  # noqa: F401 - fixture
from tests.e2e.journey import PASSWORD, SLOW, STEP_PATH, sign_up_and_connect_sandbox, solve_whole_step
from tests.e2e.waits import wait_for_js

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.sandbox]


def test_a_step_done_for_me_ends_on_its_completion_page_with_the_next_step(
    sandbox_server,  # noqa: F811
    celery_worker,
    live_server,
    page_on_failure,
    artifacts_dir,
):
    page, base = page_on_failure, live_server.url
    sign_up_and_connect_sandbox(page, base, username="kenji")
    page.goto(base + STEP_PATH)
    assert "全体で約 48 分" in page.locator("#toc-time").inner_text()
    assert page.locator("#lc-toc-complete").is_hidden()

    solve_whole_step(page, check_section="restrict-ec2-sg")

    # Done: the contents say so and what is left is nothing; the last section's panel links to the completion page.
    wait_for_js(page, "() => !document.getElementById('lc-toc-complete').hidden", timeout=SLOW)
    assert page.locator("#toc-time-left").inner_text() == "すべて終わりました"
    page.locator(".section-nav").screenshot(path=str(artifacts_dir / "completion-contents.ja.png"))
    link = page.locator("#lc-restrict-ec2-sg [data-lc-complete-link] a")
    link.wait_for(timeout=SLOW)
    link.click()
    page.wait_for_url("**/ja/learn/aws-hands-on/load-balancer/complete/")

    completion = page.locator(".lc-complete[data-complete='done']")
    completion.wait_for()
    assert "「Step 5: ロードバランサーを利用してみよう」を完了しました" in page.locator("h1").inner_text()
    statuses = page.locator("#learning-architecture .lc-link").evaluate_all("(gs) => gs.map((g) => g.dataset.status)")
    assert statuses and set(statuses) == {"pass"}
    assert page.locator("[data-duration]").inner_text().strip()
    billable = page.locator("#lc-complete-cleanup [data-billable-items]").inner_text()
    assert "ロードバランサー" in billable
    assert page.locator("#lc-complete-cleanup button[data-lc-confirm]").is_visible()
    next_link = page.locator("[data-next-step='redundancy']")
    assert "Step 6: 冗長化してみよう" in next_link.inner_text()
    page.screenshot(path=str(artifacts_dir / "completion.ja.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "completion.ja.phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Clean up from here asks first, then says nothing billable is left; the page still shows the completion.
    page.locator("#lc-complete-cleanup button[data-lc-confirm]").click()
    page.locator("#lc-cleanup-dialog [data-lc-confirmed]").click()
    page.locator("#recipe-area-complete [data-billable='none']").wait_for(timeout=SLOW)
    page.reload()
    page.locator(".lc-complete[data-complete='done'] [data-since='cleaned']").wait_for()

    # The next step's link opens it; that page is now where the learner is.
    next_link.click()
    page.wait_for_url("**/ja/tutorials/aws-hands-on/redundancy/")
    page.wait_for_timeout(500)  # the page tells its place as it opens (learning.js)

    # Log out, then log in from the tutorial list: back on the step where the learner left off.
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.goto(base + "/ja/")
    page.locator("a[href^='/ja/accounts/login/']").first.click()
    page.fill("input[name=username]", "kenji")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/ja/tutorials/aws-hands-on/redundancy/**")
    page.goto(base + "/ja/tutorials/aws-hands-on/")
    assert "redundancy" in page.locator("[data-resume] a").get_attribute("href")
