"""Shared fixtures for browser tests: headless Debian chromium via Playwright, against pytest-django live_server.

Fixtures: `browser` (session), `page` (fresh context and page per test), `artifacts_dir` ($E2E_ARTIFACTS, default
var/e2e-artifacts). Tests here are marked `e2e` automatically. Without chromium the tests are skipped, unless
REQUIRE_E2E=1 (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.e2e.waits import watch_console

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
E2E_DIR = Path(__file__).resolve().parent


def e2e_required() -> bool:
    return os.environ.get("REQUIRE_E2E", "").strip().lower() in ("1", "true", "yes")


def _unavailable(reason: str) -> None:
    if e2e_required():
        pytest.fail(f"REQUIRE_E2E is set but {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = Path(os.environ.get("E2E_ARTIFACTS") or Path(settings.BASE_DIR) / "var" / "e2e-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        _unavailable(f"chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements-dev.txt
        _unavailable("the playwright package is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:  # noqa: BLE001 - any launch failure means "no browser here"
        playwright.stop()
        _unavailable(f"chromium did not start: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser) -> Iterator:
    """A fresh context (cookies, storage) and page per test, laptop-sized, clipboard allowed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = watch_console(page)
    yield page
    context.close()
    # Every browser test doubles as a Content-Security-Policy test: a blocked script, style or eval, an uncaught
    # exception or a failed load shows up here (the site must work under its CSP, see config/settings.py).
    assert not errors, "console errors in the browser:\n" + "\n".join(errors)


@pytest.fixture
def page_on_failure(page, artifacts_dir, request):
    """`page`, plus a screenshot and the HTML of where it stopped when the test failed (`<test name>-failure.*`)."""
    yield page
    report = getattr(request.node, "rep_call", None)  # set by tests/plugins/worker.py's report hook
    if report is not None and report.failed:
        name = request.node.name
        page.screenshot(path=str(artifacts_dir / f"{name}-failure.png"), full_page=True)
        (artifacts_dir / f"{name}-failure.html").write_text(page.content(), encoding="utf-8")
