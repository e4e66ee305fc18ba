"""Accessible on a phone and from the keyboard, measured in a real browser (bounding boxes, computed styles).

The architecture diagram becomes its text version on a phone (and is that text for screen readers on every width);
its labels overlap no line, arrowhead or box on a laptop; help text stays clear of its input; the language switch
keeps the section being read; the copy button covers no code; Tab goes through the results before "次へ"; nothing
is wider than a phone's screen. Screenshots (ja, phone 390x844 and laptop) go to var/e2e-artifacts/.
"""

from __future__ import annotations

import pytest

from provisioning.steps import get_step
from provisioning.types import CheckResult, RunReport
from tests.e2e.layout import DIAGRAM_OVERLAPS, WIDER_THAN_VIEWPORT, rects_meet
from tests.e2e.waits import wait_for_js
from tutorial.learning import services
from tutorial.learning.models import Run
from tutorial.learning.tests.conftest import make_connection, report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STEP5 = "/ja/tutorials/aws-hands-on/load-balancer/"
STEP6 = "/ja/tutorials/aws-hands-on/redundancy/"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
PASSWORD = "qu1et-Harbour-47"  # noqa: S105 - a test user's
FAILING = {"tg.target_healthy": "fail", "ec2.direct_access_blocked": "fail"}


def _store_run(user, step: str, rep: RunReport) -> None:
    run = Run.objects.create(user=user, tutorial="aws-hands-on", step=step, state=Run.State.RUNNING)
    services.run_store_report(run=run, report=rep)


def _step6_report(failing: str = "redundancy.all_targets_healthy") -> RunReport:
    spec = get_step("aws-hands-on", "redundancy")
    results = [
        CheckResult(
            id=c.id,
            section=spec.section_of[c.id],
            status="fail" if c.id == failing else "pass",
            message={"ja": "…", "en": "…"},
            hint={"ja": "", "en": ""},
            evidence={},
        )
        for c in spec.checks
    ]
    instances = [
        {"id": f"i-0{n}abc", "az": f"ap-northeast-1{z}", "state": "running", "security_groups": ["sg-ec2"]}
        for n, z in ((1, "a"), (2, "c"))
    ]
    architecture = {
        "alb": {"name": "aws-hands-on", "scheme": "internet-facing", "state": "active", "azs": ["ap-northeast-1a"]},
        "listener": {"port": 80, "protocol": "HTTP"},
        "target_group": {"name": "aws-hands-on"},
        "instances": instances,
        "targets": [{"id": "i-01abc", "health": "healthy"}, {"id": "i-02abc", "health": "unhealthy"}],
        "security_groups": {"sg-ec2": {"name": "aws-hands-on-ec2"}},
    }
    return RunReport(
        tutorial="aws-hands-on",
        step="redundancy",
        duration_ms=1,
        aws_api_calls=1,
        results=results,
        architecture=architecture,
    )


@pytest.fixture
def learner(django_user_model):
    """A learner on the sandbox whose latest Step 5 check failed on the target's health and the direct path."""
    user = django_user_model.objects.create_user(username="aoi", email="aoi@example.com", password=PASSWORD)
    make_connection(user)
    _store_run(user, "load-balancer", report(FAILING))
    return user


def _log_in(page, live_server, next_path: str) -> None:
    page.goto(live_server.url + "/ja/accounts/login/?next=" + next_path)
    page.fill("input[name=username]", "aoi")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**" + next_path)


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_on_a_phone_the_diagram_is_its_text_version_and_nothing_is_wider_than_the_screen(
    page, live_server, learner, artifacts_dir
):
    page.set_viewport_size(PHONE)
    _log_in(page, live_server, STEP5)
    figure = page.locator("#learning-architecture")
    figure.scroll_into_view_if_needed()
    # The drawing would be 390/860 of its size (11 px text at ~5 px): the text version replaces it.
    assert page.locator(".lc-arch-svg").is_hidden()
    text = page.locator("[data-lc-arch-text]")
    assert text.is_visible()
    size = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('[data-arch-link=\"client-alb\"]')).fontSize)"
    )
    assert size >= 11
    links = text.locator("[data-arch-link]")
    assert links.count() == 6
    for n in range(links.count()):
        assert links.nth(n).is_visible()
        assert links.nth(n).bounding_box()["width"] > 100  # laid out as lines of text, not clipped
    # Its state in words and symbol, not only in colour; where the link goes, from the boxes its path joins.
    broken = text.locator("[data-arch-link='tg-instance']").inner_text()
    assert broken.startswith("✗ 壊れている") and "ターゲットグループ → EC2 インスタンス" in broken
    direct = text.locator("[data-arch-link='direct']").inner_text()
    assert direct.startswith("✗ 届いてしまいます") and "直接アクセス" in direct
    assert "i-0abc" in text.locator("[data-arch-box='instance']").inner_text()
    figure.screenshot(path=str(artifacts_dir / "accessible-diagram-phone.ja.png"))

    # Nothing sticks out sideways, with every CLI block open and the results shown.
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    measured = page.evaluate(WIDER_THAN_VIEWPORT)
    assert measured["wide"] == [] and measured["scrollWidth"] <= PHONE["width"], measured

    # The copy button sits outside the code: its box meets no code block's text, even scrolled to the far right.
    blocks = page.locator(".cli-block .code-block")
    assert blocks.count() >= 4
    scrolled = 0
    for n in range(blocks.count()):
        block = blocks.nth(n)
        block.scroll_into_view_if_needed()
        pre = block.locator("pre")
        assert pre.evaluate("p => getComputedStyle(p).overflowX") == "auto"
        if pre.evaluate("p => p.scrollWidth > p.clientWidth"):
            scrolled += 1
            pre.evaluate("p => { p.scrollLeft = p.scrollWidth; }")
        button = block.locator("[data-copy-button]").bounding_box()
        code = block.locator("pre code").bounding_box()
        visible_text = pre.evaluate(
            "p => { const r = p.getBoundingClientRect(), s = getComputedStyle(p);"
            " return {x: r.x + parseFloat(s.paddingLeft), y: r.y + parseFloat(s.paddingTop),"
            " width: r.width - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight),"
            " height: r.height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)}; }"
        )
        assert not rects_meet(button, code), (n, button, code)
        assert not rects_meet(button, visible_text), (n, button, visible_text)
    assert scrolled >= 1  # long lines scroll inside their block (not wrapped under the button, not off the page)
    blocks.first.screenshot(path=str(artifacts_dir / "accessible-copy-button-phone.ja.png"))

    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = false; })")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts_dir / "accessible-step5-phone.ja.png"), full_page=True)


def test_on_a_laptop_diagram_labels_overlap_no_arrow_or_box_and_screen_readers_get_the_text_version(
    page, live_server, learner, artifacts_dir
):
    page.set_viewport_size(LAPTOP)
    _log_in(page, live_server, STEP5)
    svg = page.locator(".lc-arch-svg")
    assert svg.is_visible()
    # The picture is decoration for assistive technology; its text version, visually hidden here, is what is read.
    assert svg.get_attribute("aria-hidden") == "true"
    hidden_but_read = page.evaluate(
        "() => { const t = document.querySelector('[data-lc-arch-text]'), s = getComputedStyle(t);"
        " return s.display !== 'none' && s.visibility !== 'hidden' && t.getAttribute('aria-hidden') === null; }"
    )
    assert hidden_but_read
    tree = page.locator("#learning-architecture").aria_snapshot()
    assert "ターゲットグループ → EC2 インスタンス" in tree and "届いてしまいます" in tree
    assert "✓ 正常" in tree

    for label in ("failing", "passing"):
        problems = page.evaluate(DIAGRAM_OVERLAPS)
        assert problems == [], (label, problems)
        direct = page.locator("g.lc-link[data-link='direct'] text").text_content()
        assert direct.endswith("遮断されています" if label == "passing" else "届いてしまいます"), direct
        page.locator("#learning-architecture").screenshot(
            path=str(artifacts_dir / f"accessible-diagram-laptop-{label}.ja.png")
        )
        _store_run(learner, "load-balancer", report())
        page.reload()

    # English labels are longer: the same rule holds.
    page.goto(live_server.url + STEP5.replace("/ja/", "/en/"))
    assert page.evaluate(DIAGRAM_OVERLAPS) == []

    # Step 6 draws two instances side by side with straight arrows: the same rule holds.
    _store_run(learner, "redundancy", _step6_report())
    page.goto(live_server.url + STEP6.replace("/ja/", "/en/"))
    assert page.evaluate(DIAGRAM_OVERLAPS) == []
    page.goto(live_server.url + STEP6)
    assert page.evaluate(DIAGRAM_OVERLAPS) == []
    shot = artifacts_dir / "accessible-diagram-step6-laptop.ja.png"
    page.locator("#learning-architecture").screenshot(path=str(shot))
    page.set_viewport_size(PHONE)
    assert page.locator(".lc-arch-svg").is_hidden() and page.locator("[data-arch-link='tg-instance-2']").is_visible()
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    measured = page.evaluate(WIDER_THAN_VIEWPORT)
    assert measured["wide"] == [] and measured["scrollWidth"] <= PHONE["width"], measured


def _help_text_clear_of_inputs(page) -> list[str]:
    """Each label, help text and error list against its field's input as drawn when focused (outline and halo)."""
    problems = []
    inputs = page.locator(".lc-form input:visible:not([type=hidden]):not([type=checkbox])")
    for n in range(inputs.count()):
        field = inputs.nth(n)
        field.focus()
        grow = field.evaluate(
            "i => { const s = getComputedStyle(i);"
            " const spread = (s.boxShadow.match(/(-?[\\d.]+)px(?!.*px)/) || [0, 0])[1];"
            " return Math.max(parseFloat(s.outlineWidth) + parseFloat(s.outlineOffset), parseFloat(spread)); }"
        )
        box = field.bounding_box()
        drawn = {"x": box["x"] - grow, "y": box["y"] - grow, "width": box["width"] + 2 * grow}
        drawn["height"] = box["height"] + 2 * grow
        group = field.locator("xpath=ancestor::div[1]")
        notes = group.locator("label, .helptext, .errorlist")
        for m in range(notes.count()):
            note = notes.nth(m).bounding_box()
            if note and rects_meet(note, drawn):
                problems.append(f"{field.get_attribute('name')}: {notes.nth(m).inner_text()[:40]!r} under the input")
        assert notes.count() >= 1  # the field's own group: at least its label
    return problems


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_help_text_and_errors_are_never_hidden_under_their_input(page, live_server, learner, artifacts_dir, viewport):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/ja/accounts/signup/")
    assert page.locator(".lc-form .helptext").count() >= 3
    assert _help_text_clear_of_inputs(page) == []
    page.screenshot(path=str(artifacts_dir / f"accessible-signup-{viewport['width']}.ja.png"), full_page=True)
    # With errors: each field's error list above its input, clear of it too.
    page.fill("input[name=username]", "aoi")
    page.fill("input[name=password1]", "short")
    page.fill("input[name=password2]", "other")
    page.locator("form.lc-form button[type=submit]").click()
    page.locator(".lc-form .errorlist").first.wait_for()
    assert _help_text_clear_of_inputs(page) == []
    # The other account forms with help text: changing the password.
    _log_in(page, live_server, "/ja/accounts/password_change/")
    assert page.locator(".lc-form .helptext").count() >= 1
    assert _help_text_clear_of_inputs(page) == []


def test_the_language_switch_keeps_the_section_being_read_its_path_and_query(page, live_server, learner):
    page.set_viewport_size(LAPTOP)
    _log_in(page, live_server, STEP5)
    page.goto(live_server.url + STEP5 + "?from=toc")
    page.locator(".section-nav a[href='#target-group']").click()
    wait_for_js(page, "() => location.hash === '#target-group'")
    page.locator(".language-switch button[value=en]").click()
    page.wait_for_url("**/en/tutorials/aws-hands-on/load-balancer/?from=toc#target-group")
    assert page.locator("html").get_attribute("lang") == "en"
    wait_for_js(
        page,
        "() => { const r = document.getElementById('target-group-heading').getBoundingClientRect();"
        " return r.top >= -2 && r.top < window.innerHeight / 2; }",
    )
    # And back, from a section reached by the page's own "Next" link.
    page.locator("#target-group .next-section a").click()
    wait_for_js(page, "() => location.hash === '#load-balancer'")
    page.locator(".language-switch button[value=ja]").click()
    page.wait_for_url("**/ja/tutorials/aws-hands-on/load-balancer/?from=toc#load-balancer")


def test_tab_goes_through_the_results_before_next(page, live_server, learner):
    page.set_viewport_size(LAPTOP)
    _log_in(page, live_server, STEP5)
    panel = "#lc-target-group"
    assert page.locator(f"{panel} [data-check-id='tg.target_healthy'][data-status='fail']").is_visible()
    # What Tab should reach inside the results, in the page's order, then the section's "次へ".
    expected = page.evaluate(
        "(sel) => { const p = document.querySelector(sel), s = p.querySelector('.lc-summary');"
        " const all = [...p.querySelectorAll('a[href], button:not([disabled]), summary, input:not([type=hidden])')];"
        " return all.filter(e => s.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING && e.offsetParent)"
        ".map(e => e.outerHTML.slice(0, 60)); }",
        panel,
    )
    assert expected, "the failing result has something to reach (its details, the run's page)"
    page.locator(f"{panel} .lc-summary").focus()  # where focus lands after Check
    reached = []
    for _ in range(len(expected) + 3):
        page.keyboard.press("Tab")
        here = page.evaluate("() => document.activeElement.outerHTML.slice(0, 60)")
        if page.evaluate("() => !!document.activeElement.closest('.next-section')"):
            break
        reached.append(here)
    else:
        pytest.fail(f"Tab never reached 次へ; it went through {reached}")
    assert reached == expected
    assert page.evaluate("() => document.activeElement.textContent").startswith("次へ")
