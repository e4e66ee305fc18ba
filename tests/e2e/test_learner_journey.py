"""The learner's journey in headless Chromium, in Japanese: sign up, connect the sandbox, prepare, check (fails,
with hints), do it for me, check (passes), clean up. A real Celery worker runs the checks and recipes.

Screenshots of the failing and the passing checkpoint panel (and the architecture picture) go to $E2E_ARTIFACTS.
Needs chromium (see conftest.py) and PostgreSQL + Redis for the worker (tests/plugins/worker.py); skipped with the
reason otherwise (failing instead under REQUIRE_E2E=1 / REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import os

import pytest

from provisioning.sandbox.testing import sandbox_server  # noqa: F401 - fixture

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.sandbox]

STEP_PATH = "/ja/tutorials/aws-hands-on/load-balancer/"
SLOW = 240_000  # ms: a recipe or a run with re-checks on a busy CI machine


def _wait_for_recipe(page, recipe: str) -> None:
    """Wait until the lab's recipe area shows `recipe` finished (not an earlier job's finished state)."""
    page.locator(f"#recipe-area-lab[data-recipe='{recipe}'][data-state='done']").wait_for(timeout=SLOW)


@pytest.fixture
def page_on_failure(page, artifacts_dir, request):
    """Keep a screenshot and the HTML of the page when the journey fails, to see where it stopped."""
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        page.screenshot(path=str(artifacts_dir / "learner-journey-failure.png"), full_page=True)
        (artifacts_dir / "learner-journey-failure.html").write_text(page.content(), encoding="utf-8")


def test_learner_journey_in_japanese(
    sandbox_server,  # noqa: F811
    celery_worker,
    live_server,
    page_on_failure,
    artifacts_dir,
):
    page = page_on_failure
    # Sign up (Japanese pages), which lands on Connect AWS.
    page.goto(live_server.url + "/ja/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.fill("input[name=username]", "hanako")
    page.fill("input[name=email]", "hanako@example.com")
    page.fill("input[name=password1]", "pl4in-Sailing-92")
    page.fill("input[name=password2]", "pl4in-Sailing-92")
    page.locator("form.lc-form button[type=submit]").click()
    page.wait_for_url("**/ja/learn/connect/")

    # Connect the sandbox with one click.
    page.locator("form[action$='/connect/sandbox/'] button").click()
    page.locator("[data-connection=sandbox]").wait_for()
    page.screenshot(path=str(artifacts_dir / "learner-connect.ja.png"), full_page=True)

    # Prepare on the step page: progress bar, then done.
    page.goto(live_server.url + STEP_PATH)
    page.locator("form[action$='/recipes/prerequisites/'] button").click()
    _wait_for_recipe(page, "prerequisites")
    assert page.locator("#recipe-area-lab progress").get_attribute("value") == "100"

    # Check: fails, with hints, in Japanese; the panel updates in place (htmx) until done.
    panel = page.locator("#lc-create-alb")
    panel.locator("form[action$='/check/'] button").click()
    panel = page.locator("#lc-create-alb")
    page.locator("#lc-create-alb [data-check-id='alb.exists'][data-status='fail']").wait_for(timeout=SLOW)
    page.wait_for_function(
        "() => !document.querySelector('#lc-create-alb').hasAttribute('hx-trigger') || "
        "document.querySelector('#lc-create-alb').getAttribute('hx-trigger').indexOf('every') < 0",
        timeout=SLOW,
    )
    failing = page.locator("#lc-create-alb [data-check-id='alb.exists']")
    assert failing.locator(".lc-hint").inner_text().strip()
    page.locator("aside[data-section='create-alb']").screenshot(
        path=str(artifacts_dir / "learner-panel-failing.ja.png")
    )

    # Do it for me (the whole step), then check again: everything passes.
    page.locator(".lc-toolbar form[action$='/recipes/solve/'] button").click()
    _wait_for_recipe(page, "solve")
    page.locator("#lc-restrict-ec2-sg form[action$='/check/'] button").click()
    page.locator("#lc-restrict-ec2-sg[data-state='complete']").wait_for(timeout=SLOW)
    page.locator("#lc-create-alb[data-state='complete']").wait_for(timeout=SLOW)
    page.locator("#learning-architecture [data-link='tg-instance'][data-status='pass']").wait_for(timeout=SLOW)
    page.locator("aside[data-section='create-alb']").screenshot(
        path=str(artifacts_dir / "learner-panel-passing.ja.png")
    )
    page.locator(".lc-lab").screenshot(path=str(artifacts_dir / "learner-architecture-passing.ja.png"))

    # Clean up: ends with nothing billable left.
    page.locator("form[action$='/recipes/teardown/'] button").click()
    page.locator("#recipe-area-lab [data-billable='none']").wait_for(timeout=SLOW)
    page.screenshot(path=str(artifacts_dir / "learner-step-after-cleanup.ja.png"), full_page=True)
