"""The English side as an English-speaking learner sees it, in headless Chromium: sign up, connect the sandbox,
Step 5 and Step 6 (failing after Prepare + Check, passing after "Do it for me"), the completion page, the sandbox
console (instances, security groups and the inbound rule editor, load balancers and their tabs, target groups) and
the instructor's class dashboard. On every page no Japanese is visible (Hiragana, Katakana, CJK ideographs, full-width
forms), except the language switch's "日本語" and the step text's bracketed glosses of console labels ("Create load
balancer (ロードバランサーの作成)", as the figures show them). Screenshots (laptop 1280 and phone 390x844) go to
$E2E_ARTIFACTS/en/ (var/e2e-artifacts/en/).
"""

from __future__ import annotations

import json
import os

import pytest
from django.conf import settings
from django.test import Client

from provisioning.sandbox.testing import sandbox_server  # noqa: F401 - fixture
from tests.e2e.journey import PASSWORD, SLOW
from tests.e2e.layout import WIDER_THAN_VIEWPORT
from tests.e2e.waits import wait_for_js

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.sandbox]

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
STEP5 = "/en/tutorials/aws-hands-on/load-balancer/"
STEP6 = "/en/tutorials/aws-hands-on/redundancy/"
CONSOLE = "/en/sandbox/console/"

# Visible Japanese: Hiragana, Katakana, CJK ideographs (and extension A), CJK punctuation, full-width forms.
JAPANESE_IN_VISIBLE_TEXT = r"""() => {
  const allowed = ["日本語"];
  let text = document.body.innerText + "\n" + document.title;
  for (const word of allowed) text = text.split(word).join("");
  // What a screen reader says and a tooltip shows counts as visible text too.
  for (const el of document.querySelectorAll("[alt], [title], [aria-label], [placeholder]")) {
    for (const name of ["alt", "title", "aria-label", "placeholder"]) {
      if (el.hasAttribute(name)) text += "\n" + el.getAttribute(name);
    }
  }
  // The step text names a console label in English and then, in brackets, as the figures (drawn from the Japanese
  // console) show it: "Click the Create load balancer (ロードバランサーの作成) button". That gloss is meant.
  text = text.replace(/([A-Za-z0-9)] )\((?=[^()]*[\u3040-\u30ff\u4e00-\u9fff])[^()\n]*\)/g, "$1");
  const found = [];
  for (const line of text.split("\n")) {
    if (/[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]/.test(line)) found.push(line.trim());
  }
  return found;
}"""


class EnglishPages:
    """Saves each page at laptop and phone width (en/<n>-<name>.{laptop,phone}.png) and collects, per page, the
    visible lines with Japanese in them and the elements wider than a phone's screen."""

    def __init__(self, page, directory) -> None:
        self.page = page
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.japanese: dict[str, list[str]] = {}
        self.too_wide: dict[str, list] = {}

    def __call__(self, name: str, selector: str | None = None) -> None:
        self.count += 1
        stem = f"{self.count:02d}-{name}"
        page = self.page
        assert page.locator("html").get_attribute("lang") == "en", page.url
        if found := page.evaluate(JAPANESE_IN_VISIBLE_TEXT):
            self.japanese[f"{stem} {page.url}"] = found
        target = page.locator(selector) if selector else None
        for label, size in (("laptop", LAPTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            path = str(self.directory / f"{stem}.{label}.png")
            if target is not None:
                target.screenshot(path=path)
            else:
                page.screenshot(path=path, full_page=True)
            if label == "phone":
                wide = page.evaluate(WIDER_THAN_VIEWPORT)["wide"]
                if wide:
                    self.too_wide[f"{stem} {page.url}"] = wide
        page.set_viewport_size(LAPTOP)


def _wait_for_recipe(page, recipe: str) -> None:
    page.locator(f"#recipe-area-lab[data-recipe='{recipe}'][data-state='done']").wait_for(timeout=SLOW)


def _settled(page, section: str) -> None:
    wait_for_js(
        page,
        f"() => {{ const p = document.querySelector('#lc-{section}');"
        " return p && !p.querySelector('.lc-wait') && !p.querySelector('button[disabled]'); }",
        timeout=SLOW,
    )


def _instructor_page(browser, live_server, user):
    context = browser.new_context(viewport=LAPTOP, locale="en-US")
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return context, context.new_page()


@pytest.mark.django_db(transaction=True)
def test_the_english_pages_show_no_japanese_and_fit_a_phone(
    sandbox_server,  # noqa: F811
    celery_worker,
    live_server,
    page_on_failure,
    browser,
    artifacts_dir,
    django_user_model,
):
    page, base = page_on_failure, live_server.url
    shot = EnglishPages(page, artifacts_dir / "en")

    page.goto(base + "/en/tutorials/aws-hands-on/")
    shot("tutorial-index")

    # Sign up in English: lands on Connect AWS; the sandbox connects with one click.
    page.goto(base + "/en/accounts/signup/")
    shot("signup")
    page.fill("input[name=username]", "emma")
    page.fill("input[name=email]", "emma@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form.lc-form button[type=submit]").click()
    page.wait_for_url("**/en/learn/connect/")
    shot("connect")
    page.locator("form[action$='/connect/sandbox/'] button").click()
    page.locator("[data-connection=sandbox]").wait_for()
    shot("connected")

    # Step 5: Prepare, Check: failing panels with hints.
    page.goto(base + STEP5)
    page.locator("form[action$='/recipes/prerequisites/'] button").click()
    _wait_for_recipe(page, "prerequisites")
    page.locator("#lc-create-alb form[action$='/check/'] button").click()
    page.locator("#lc-create-alb [data-check-id='alb.exists'][data-status='fail']").wait_for(timeout=SLOW)
    _settled(page, "create-alb")
    shot("step5-prepared-checked")
    shot("step5-panel-failing", "aside[data-section='create-alb']")

    # Step 6 before Step 5 is done: its checks fail.
    page.goto(base + STEP6)
    page.locator("#lc-launch-second-instance form[action$='/check/'] button").click()
    page.locator("#lc-launch-second-instance [data-status='fail']").first.wait_for(timeout=SLOW)
    _settled(page, "launch-second-instance")
    shot("step6-checked-failing")
    shot("step6-panel-failing", "aside[data-section='launch-second-instance']")

    # The sandbox console, with Step 5 prepared (the instance and its group, nothing else yet).
    page.goto(base + CONSOLE + "instances/")
    shot("console-instances")
    page.locator("tr[data-instance-id] td:nth-child(2) a").first.click()
    shot("console-instance")
    # Open on a phone, the instance's menus stay on the screen.
    page.set_viewport_size(PHONE)
    for menu in ("instance-state", "actions"):
        page.locator(f"[data-menu={menu}] summary").click()
        page.screenshot(path=str(shot.directory / f"{shot.count:02d}-console-instance-{menu}-menu.phone.png"))
        assert page.evaluate(WIDER_THAN_VIEWPORT)["wide"] == [], menu
        page.locator(f"[data-menu={menu}] summary").click()
    page.set_viewport_size(LAPTOP)
    page.goto(base + CONSOLE + "security-groups/")
    shot("console-security-groups")
    page.locator("tr[data-group-name='aws-hands-on-ec2'] a").click()
    shot("console-security-group")
    page.locator("a[href$='/inbound/']").first.click()
    shot("console-inbound-rules-editor")
    page.goto(base + CONSOLE + "load-balancers/")
    shot("console-load-balancers-empty")

    # Do it for me (the whole of Step 5), Check: passing panels; the console now has a load balancer.
    page.goto(base + STEP5)
    page.locator(".lc-toolbar form[action$='/recipes/solve/'] button").click()
    _wait_for_recipe(page, "solve")
    page.locator("#lc-restrict-ec2-sg form[action$='/check/'] button").click()
    page.locator("#lc-restrict-ec2-sg[data-state='complete']").wait_for(timeout=SLOW)
    page.locator("#lc-create-alb[data-state='complete']").wait_for(timeout=SLOW)
    shot("step5-passing")
    shot("step5-panel-passing", "aside[data-section='create-alb']")

    page.goto(base + "/en/learn/aws-hands-on/load-balancer/complete/")
    page.locator(".lc-complete[data-complete='done']").wait_for()
    shot("step5-complete")

    page.goto(base + CONSOLE + "load-balancers/")
    shot("console-load-balancers")
    page.locator("tr[data-load-balancer='aws-hands-on'] td:first-child a").click()
    shot("console-load-balancer-description")
    for tab in ("listeners", "monitoring", "tags"):
        link = page.locator(f"[data-tab={tab}]")
        if link.count():
            link.click()
            shot(f"console-load-balancer-{tab}")
    page.goto(base + CONSOLE + "target-groups/")
    shot("console-target-groups")
    page.locator("tr[data-target-group='aws-hands-on'] td:first-child a").click()
    page.locator("tr[data-target-state='healthy']").wait_for(timeout=SLOW)
    shot("console-target-group-targets")
    page.locator("[data-tab=health]").click()
    shot("console-target-group-health-checks")

    # Step 6: Do it for me, Check: passing.
    page.goto(base + STEP6)
    page.locator(".lc-toolbar form[action$='/recipes/solve/'] button").click()
    _wait_for_recipe(page, "solve")
    page.locator("#lc-failover form[action$='/check/'] button").click()
    page.wait_for_function(
        "() => { const ps = [...document.querySelectorAll('.lc-panel[data-lc-section]')];"
        " return ps.length && ps.every((p) => p.dataset.state === 'complete'); }",
        timeout=SLOW,
    )
    shot("step6-passing")
    shot("step6-panel-passing", "aside[data-section='launch-second-instance']")
    page.goto(base + "/en/learn/aws-hands-on/redundancy/complete/")
    page.locator(".lc-complete[data-complete='done']").wait_for()
    shot("step6-complete")
    # The last step's page does not send the learner on to a next step's Prepare.
    assert page.locator("[data-last-step-cleanup]").is_visible()
    assert "next step" not in page.locator("#lc-complete-cleanup").inner_text()

    # The instructor's class dashboard, with this learner in the class.
    from django.contrib.auth.models import Permission

    from tutorial.classes.models import Enrollment
    from tutorial.classes.services import classroom_create

    instructor = django_user_model.objects.create_user(username="ms-taylor")
    instructor.user_permissions.add(Permission.objects.get(codename="add_classroom"))
    classroom = classroom_create(
        instructor=instructor, name="Cloud basics, Monday", tutorial="aws-hands-on", region="ap-northeast-1"
    )
    Enrollment.objects.create(classroom=classroom, user=django_user_model.objects.get(username="emma"))
    context, teacher = _instructor_page(browser, live_server, instructor)
    try:
        shot.page = teacher
        teacher.goto(base + "/en/classes/")
        shot("classes")
        teacher.goto(base + f"/en/classes/{classroom.pk}/")
        shot("class-dashboard")
        teacher.goto(base + f"/en/classes/{classroom.pk}/students/{Enrollment.objects.get().user_id}/")
        shot("class-student")
    finally:
        context.close()

    findings = {"japanese": shot.japanese, "too_wide_at_390": shot.too_wide}
    (shot.directory / "findings.json").write_text(json.dumps(findings, ensure_ascii=False, indent=1), encoding="utf-8")
    assert shot.japanese == {}, shot.japanese
    assert shot.too_wide == {}, shot.too_wide
