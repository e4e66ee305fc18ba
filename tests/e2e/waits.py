"""Browser helpers that work under the site's Content-Security-Policy: waiting for a condition, console errors."""

from __future__ import annotations

import time


def wait_for_js(page, expression: str, *, timeout: float = 15_000) -> None:
    """Wait until the JavaScript `expression` (an arrow function or an expression) is true in the page.

    Playwright's `wait_for_function` compiles its predicate with eval inside the page, which the site's
    Content-Security-Policy refuses; `page.evaluate` goes through the DevTools protocol, which the CSP does not
    govern, so this polls with it.
    """
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout / 1000:.0f} s waiting for: {expression}")
        page.wait_for_timeout(100)


def watch_console(page) -> list[str]:
    """Collect the page's console errors and uncaught exceptions (CSP violations are console errors)."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: errors.append(f"{msg.text} ({msg.location.get('url', '')})") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    return errors
