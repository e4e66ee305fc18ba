"""The step text, for a sandbox learner: AWS console links open the sandbox console, figures offer "try it".

`sandbox_console_html(html)` takes a section's rendered HTML (already sanitised by nh3, whose output spells every
link as `<a href="..." rel="noopener noreferrer">`) and returns it with
- each EC2 console link (`https://<region>.console.aws.amazon.com/ec2/...#LoadBalancers...`, `#TargetGroups:`,
  `#SecurityGroups:`, `#Instances:`) pointing at the matching sandbox console page, its text saying so;
- each figure that follows such a link in the section offering "try it in the sandbox console" on that page
  (a figure with no console link before it, like an architecture diagram, is left alone);
- each figure of what a browser gets at the load balancer's DNS name (`data-shows="alb-page"`, from figures.yaml's
  `shows:`) followed by a link that opens the page the learner's own sandbox ALB serves (or its 502/503/504),
  through the sandbox data plane (console:load_balancer_open, scoped to their account).

Regular expressions suffice because the input is nh3's normalised output and the figures are the project's own
markup (tutorial/content/loader.py); anything that does not match is left exactly as it was. Real-AWS learners
never get here: the template applies this only for a sandbox connection.
"""

from __future__ import annotations

import html
import re

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# The console page of each fragment the AWS console uses (the part before ':' or '?').
FRAGMENT_VIEWS = {
    "LoadBalancers": "console:load_balancers",
    "TargetGroups": "console:target_groups",
    "SecurityGroups": "console:security_groups",
    "Instances": "console:instances",
    "Home": "console:home",
}
_CONSOLE_LINK_RE = re.compile(
    r'<a href="(?P<href>https://(?:[a-z0-9-]+\.)?console\.aws\.amazon\.com/ec2/[^"#]*#(?P<fragment>[A-Za-z]+)[^"]*)"'
    r"(?P<attrs>[^>]*)>(?P<text>.*?)</a>",
    re.S,
)
_FIGURE_END = "</figure>"
_ALB_PAGE_FIGURE_RE = re.compile(r'<figure class="figure" id="[^"]*" data-shows="alb-page">')


def _labels() -> dict[str, str]:
    return {
        "console:load_balancers": _("Load Balancers"),
        "console:target_groups": _("Target Groups"),
        "console:security_groups": _("Security Groups"),
        "console:instances": _("Instances"),
        "console:home": _("EC2 Dashboard"),
    }


def sandbox_console_html(section_html: str, *, load_balancer: str | None = None) -> SafeString:
    """The section for a sandbox learner; `load_balancer` names the step's ALB, whose page the learner can open."""
    labels = _labels()
    out: list[str] = []
    current: str | None = None  # the console page of the last console link seen
    alb_page_ends = {section_html.find(_FIGURE_END, m.end()) for m in _ALB_PAGE_FIGURE_RE.finditer(section_html)}
    pos = 0
    tokens = sorted(
        [(m.start(), m.end(), m) for m in _CONSOLE_LINK_RE.finditer(section_html)]
        + [(i, i + len(_FIGURE_END), None) for i in _find_all(section_html, _FIGURE_END)],
        key=lambda t: t[0],
    )
    for start, end, match in tokens:
        if start < pos:
            continue
        out.append(section_html[pos:start])
        if match is not None:
            view = FRAGMENT_VIEWS.get(match.group("fragment"))
            if view is None:
                out.append(match.group(0))
            else:
                current = view
                text = match.group("text")
                if html.unescape(text) == html.unescape(match.group("href")):
                    text = format_html("{}: {}", _("Sandbox console"), labels[view])
                out.append(
                    format_html(
                        '<a href="{}" data-sandbox-console="{}">{}</a>',
                        reverse(view),
                        match.group("fragment"),
                        mark_safe(text),  # noqa: S308 (the link text as nh3 left it, or our own escaped label)
                    )
                )
        else:
            if start in alb_page_ends and load_balancer:
                out.append(
                    format_html(
                        '<p class="figure-console-link"><a href="{}" data-alb-page target="_blank" rel="noopener">'
                        "{}</a></p>",
                        reverse("console:load_balancer_open", kwargs={"name": load_balancer}),
                        _("Open your sandbox load balancer's DNS name (%(name)s) in the browser")
                        % {"name": load_balancer},
                    )
                )
            elif current is not None:
                out.append(
                    format_html(
                        '<p class="figure-console-link"><a href="{}" data-try-console>{}</a></p>',
                        reverse(current),
                        _("Try it in the sandbox console"),
                    )
                )
            out.append(_FIGURE_END)
        pos = end
    out.append(section_html[pos:])
    return mark_safe("".join(out))  # noqa: S308 (sanitised input, only project markup added)


def _find_all(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start >= 0:
        found.append(start)
        start = text.find(needle, start + 1)
    return found
