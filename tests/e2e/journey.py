"""The learner's journey in the browser, in Japanese, as steps shared by the end-to-end tests.

sign up -> connect the sandbox -> prepare -> check (fails, with hints) -> do it for me -> check (passes) -> clean up.
`run_learner_journey` drives it against any running site (pytest-django's live_server with a test worker, or the
product exactly as `make run` starts it) and saves screenshots named `<prefix>-...png` under `artifacts_dir`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.e2e.waits import wait_for_js

STEP_PATH = "/ja/tutorials/aws-hands-on/load-balancer/"
SLOW = 240_000  # ms: a recipe or a run with re-checks on a busy CI machine
PASSWORD = "pl4in-Sailing-92"


def _wait_for_recipe(page, recipe: str, *, timeout: float = SLOW) -> None:
    """Wait until the lab's recipe area shows `recipe` finished (not an earlier job's finished state)."""
    page.locator(f"#recipe-area-lab[data-recipe='{recipe}'][data-state='done']").wait_for(timeout=timeout)


def _phone_shot(page, selector: str, path: Path) -> None:
    """A screenshot of `selector` at a phone's width (390 px), then back to the laptop size."""
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(selector).screenshot(path=str(path))
    page.set_viewport_size(size)


def sign_up(page, base_url: str, username: str) -> None:
    """Sign up on the Japanese pages as `username` (password PASSWORD), which lands on Connect AWS."""
    page.goto(base_url + "/ja/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.fill("input[name=username]", username)
    page.fill("input[name=email]", f"{username}@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form.lc-form button[type=submit]").click()
    page.wait_for_url("**/ja/learn/connect/")


def connect_sandbox(page) -> None:
    """On Connect AWS: choose the sandbox (one click) and wait until it is connected."""
    page.locator("form[action$='/connect/sandbox/'] button").click()
    page.locator("[data-connection=sandbox]").wait_for()


def sign_up_and_connect_sandbox(page, base_url: str, *, username: str) -> None:
    """Sign up (Japanese pages), which lands on Connect AWS, and connect the sandbox with one click."""
    sign_up(page, base_url, username)
    connect_sandbox(page)


def prepare(page, base_url: str, *, step_path: str = STEP_PATH, timeout: float = SLOW) -> None:
    """Press Prepare on the step page and wait until it is done."""
    page.goto(base_url + step_path)
    page.locator("form[action$='/recipes/prerequisites/'] button").click()
    _wait_for_recipe(page, "prerequisites", timeout=timeout)


def solve_whole_step(page, *, check_section: str) -> None:
    """On the open step page: Prepare, "Do the whole step for me", then Check `check_section`; returns once every
    panel of the page reads complete."""
    page.locator("form[action$='/recipes/prerequisites/'] button").click()
    _wait_for_recipe(page, "prerequisites")
    page.locator(".lc-toolbar form[action$='/recipes/solve/'] button").click()
    _wait_for_recipe(page, "solve")
    page.locator(f"#lc-{check_section} form[action$='/check/'] button").click()
    page.wait_for_function(
        "() => { const ps = [...document.querySelectorAll('.lc-panel[data-lc-section]')];"
        " return ps.length && ps.every((p) => p.dataset.state === 'complete'); }",
        timeout=SLOW,
    )


def run_learner_journey(
    page,
    base_url: str,
    artifacts_dir: Path,
    *,
    username: str,
    prefix: str,
    after_connect: Callable | None = None,
    before_cleanup: Callable | None = None,
) -> None:
    """The journey; `after_connect(page)` runs once the sandbox is connected (e.g. to join a class),
    `before_cleanup(page)` once every check passes (e.g. to look at a class dashboard)."""

    sign_up_and_connect_sandbox(page, base_url, username=username)
    page.screenshot(path=str(artifacts_dir / f"{prefix}-connect.ja.png"), full_page=True)
    if after_connect is not None:
        after_connect(page)

    # Prepare on the step page: progress bar, then done.
    page.goto(base_url + STEP_PATH)
    page.locator("form[action$='/recipes/prerequisites/'] button").click()
    _wait_for_recipe(page, "prerequisites")
    assert page.locator("#recipe-area-lab progress").get_attribute("value") == "100"

    # Check: fails, with hints, in Japanese; the panel updates in place (htmx) until done.
    page.locator("#lc-create-alb form[action$='/check/'] button").click()
    page.locator("#lc-create-alb [data-check-id='alb.exists'][data-status='fail']").wait_for(timeout=SLOW)
    wait_for_js(
        page,
        # Settled: the panel waits for no run any more (an automatic re-check after Prepare included).
        "() => { const p = document.querySelector('#lc-create-alb');"
        " return p && !p.querySelector('.lc-wait') && !p.querySelector('button[disabled]'); }",
        timeout=SLOW,
    )
    failing = page.locator("#lc-create-alb [data-check-id='alb.exists']")
    assert failing.locator(".lc-hint").inner_text().strip()
    # A sandbox learner's hint says where to do it here: the sandbox console's screen (a link), the CLI block, and
    # "before you start" says what Prepare builds.
    assert failing.locator(".lc-hint a[href='/ja/sandbox/console/load-balancers/']").count() == 1
    assert "代わりにやる" in failing.locator(".lc-hint").inner_text()
    assert "準備する" in page.locator("#before-you-start [data-sandbox-start]").inner_text()
    page.locator("aside[data-section='create-alb']").screenshot(
        path=str(artifacts_dir / f"{prefix}-panel-failing.ja.png")
    )
    _phone_shot(page, "aside[data-section='create-alb']", artifacts_dir / f"{prefix}-panel-failing.ja.phone.png")

    # Do it for me (the whole step), then check again: everything passes.
    page.locator(".lc-toolbar form[action$='/recipes/solve/'] button").click()
    _wait_for_recipe(page, "solve")
    page.locator("#lc-restrict-ec2-sg form[action$='/check/'] button").click()
    page.locator("#lc-restrict-ec2-sg[data-state='complete']").wait_for(timeout=SLOW)
    page.locator("#lc-create-alb[data-state='complete']").wait_for(timeout=SLOW)
    page.locator("#learning-architecture [data-link='tg-instance'][data-status='pass']").wait_for(timeout=SLOW)
    page.locator("aside[data-section='create-alb']").screenshot(
        path=str(artifacts_dir / f"{prefix}-panel-passing.ja.png")
    )
    _phone_shot(page, "aside[data-section='create-alb']", artifacts_dir / f"{prefix}-panel-passing.ja.phone.png")
    page.locator(".lc-lab").screenshot(path=str(artifacts_dir / f"{prefix}-architecture-passing.ja.png"))

    # The tutorial says to open the ALB's DNS name in a browser: the sandbox learner's link shows their ALB's page.
    href = page.locator("#load-balancer a[data-alb-page]").get_attribute("href")
    tab = page.context.new_page()
    tab.goto(base_url + href)
    assert "The install worked successfully!" in tab.content()
    tab.close()

    if before_cleanup is not None:
        before_cleanup(page)

    # Clean up asks first: a dialog lists what will be deleted, what costs money marked; Cancel changes nothing.
    page.locator("form[action$='/recipes/teardown/'] button").click()
    dialog = page.locator("#lc-cleanup-dialog")
    dialog.wait_for()
    assert "ロードバランサー" in dialog.locator(".lc-cleanup-list").inner_text()
    page.screenshot(path=str(artifacts_dir / f"{prefix}-cleanup-dialog.ja.png"))
    dialog.locator("[data-lc-dialog-close]").click()
    assert not dialog.is_visible()
    assert page.locator("#recipe-area-lab").get_attribute("data-recipe") == "solve"
    # Delete: ends with nothing billable left, the steps labelled as deleted, and no section shown as complete.
    page.locator("form[action$='/recipes/teardown/'] button").click()
    dialog.locator("[data-lc-confirmed]").click()
    page.locator("#recipe-area-lab [data-billable='none']").wait_for(timeout=SLOW)
    assert "削除しました" in page.locator("#recipe-area-lab .lc-job-steps").inner_text()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.lc-panel')].every((p) => p.dataset.state !== 'complete')",
        timeout=SLOW,
    )
    page.screenshot(path=str(artifacts_dir / f"{prefix}-step-after-cleanup.ja.png"), full_page=True)
