"""Reading Step 5 in a real browser, in Japanese and English: headings, figure zoom, copy buttons, screenshots."""

from __future__ import annotations

import pytest

from tests.e2e.waits import wait_for_js

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = {
    "ja": {
        "path": "/ja/tutorials/aws-hands-on/load-balancer/",
        "h1": "Step 5: ロードバランサーを利用してみよう",
        "h2": "ロードバランサーの作成",
        "copied": "コピーしました",
    },
    "en": {
        "path": "/en/tutorials/aws-hands-on/load-balancer/",
        "h1": "Step 5: Use a load balancer",
        "h2": "Create the load balancer",
        "copied": "Copied",
    },
}


def load_all_images(page) -> None:
    """Lazy images below the fold would be blank in a full-page screenshot: load them all first."""
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; })")
    wait_for_js(page, "Array.from(document.images).every(img => img.complete && img.naturalWidth > 0)")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_read_step5(page, live_server, artifacts_dir, lang):
    expected = PAGES[lang]
    page.goto(live_server.url + expected["path"])
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").first.inner_text().strip() == expected["h1"]
    assert page.locator("h2", has_text=expected["h2"]).is_visible()
    assert page.locator("h2").count() >= 5
    assert page.locator("figure.figure").count() == 17

    # A figure enlarges in a dialog and Escape closes it, giving focus back to the figure.
    figure = page.locator("#figure-step5_lb_create_03 [data-figure-zoom]")
    figure.scroll_into_view_if_needed()
    figure.click()
    dialog = page.locator("#figure-dialog")
    page.wait_for_selector("#figure-dialog[open]")
    assert "step5_lb_create_03" in dialog.locator("img").get_attribute("src")
    page.keyboard.press("Escape")
    page.wait_for_selector("#figure-dialog:not([open])", state="attached")
    assert page.evaluate("document.activeElement.closest('figure')?.id") == "figure-step5_lb_create_03"

    # Keyboard only: Enter on a focused figure opens it too.
    page.locator("#figure-architecture [data-figure-zoom]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#figure-dialog[open]")
    page.keyboard.press("Escape")
    page.wait_for_selector("#figure-dialog:not([open])", state="attached")

    # The copy button copies the code block.
    button = page.locator("#architecture [data-copy-button]").first
    button.scroll_into_view_if_needed()
    button.click()
    page.wait_for_selector("#architecture [data-copy-button][data-copied]")
    assert button.get_attribute("data-copied") == "true"
    assert button.inner_text().strip() == expected["copied"]
    copied = page.evaluate("navigator.clipboard.readText()")
    assert ("<http:80>" in copied) and ("<http:8000>" in copied)

    page.evaluate("window.scrollTo(0, 0)")
    load_all_images(page)
    page.screenshot(path=str(artifacts_dir / f"step5-{lang}-laptop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / f"step5-{lang}-phone.png"), full_page=True)
    assert (artifacts_dir / f"step5-{lang}-laptop.png").stat().st_size > 10_000
