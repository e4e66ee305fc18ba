"""Template filters for the learner's side: read per-section and per-step data by slug."""

from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def panel(learning: Any, slug: str):
    """`learning|panel:section.slug` -> SectionPanel (None outside a step page)."""
    return learning.panel(slug) if hasattr(learning, "panel") else None


@register.filter
def get(mapping: Any, key: Any):
    """`mapping|get:key` for dicts keyed by a variable (check ids, slugs)."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def step_progress(progress: Any, step_slug: str):
    """`learning_progress|step_progress:step.slug` -> StepProgressView or None."""
    return progress.get(step_slug) if isinstance(progress, dict) else None


@register.filter
def section_state(step_view: Any, section_slug: str) -> str:
    sections = getattr(step_view, "sections", None) or {}
    return sections.get(section_slug, "")


@register.filter
def as_json(value: Any) -> str:
    """Evidence as readable JSON (autoescaped by the template)."""
    try:
        return json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return str(value)


@register.filter
def describe_item(item: Any) -> str:
    """One "still billable" entry of a teardown, whatever its shape ({type, id, name, ...} or text)."""
    if isinstance(item, dict):
        parts = [str(item.get(k)) for k in ("type", "kind", "name", "id", "detail") if item.get(k)]
        return " ".join(parts) or json.dumps(item, ensure_ascii=False, default=str)
    return str(item)


@register.filter
def within_a_minute(moment: Any) -> bool:
    """True when `moment` is less than a minute ago: "0 minutes ago" reads as a bug, so templates say "just now"."""
    from django.utils import timezone

    if moment is None:
        return False
    return (timezone.now() - moment).total_seconds() < 60


@register.filter
def recipe_step_label(name: Any) -> str:
    """A recipe step's human label in the active language (`create-alb/target_group` -> "ターゲットグループ")."""
    from django.utils.translation import get_language

    from provisioning.recipes.labels import step_label

    return step_label(str(name), "en" if (get_language() or "").startswith("en") else "ja")


@register.filter
def recipe_step_detail(detail: Any) -> str:
    """A recipe step's detail for the page: the recipes write it in English, so other languages get only
    identifiers (an ID, ARN or DNS name: one word), not English sentences such as "1 listener(s)"."""
    from django.utils.translation import get_language

    text = str(detail or "").strip()
    if (get_language() or "").startswith("en") or len(text.split()) <= 1:
        return text
    return ""


# A recipe's progress: look again soon (the first steps are quick), then every 2 s (recipes take up to minutes).
RECIPE_POLL_DELAYS_MS = (300, 400, 600, 800, 1000, 1500)


@register.filter
def poll_delay(attempt: Any) -> int:
    """`n|poll_delay`: milliseconds before the n-th look at a recipe's progress."""
    try:
        n = max(0, int(attempt))
    except (TypeError, ValueError):
        n = 0
    return RECIPE_POLL_DELAYS_MS[n] if n < len(RECIPE_POLL_DELAYS_MS) else 2000


@register.filter
def hint_markdown(text: Any):
    """A hint's inline Markdown (`code`, **bold**, links) as sanitised HTML: the reading pages' renderer.

    An EC2 console link in a hint comes only from what the engine adds for a sandbox learner (CheckSpec.sandbox):
    it opens the matching page of the sandbox console."""
    from tutorial.console.links import sandbox_console_html
    from tutorial.content.rendering import render_inline

    html = render_inline(str(text or ""))
    return sandbox_console_html(html) if "console.aws.amazon.com" in html else html


@register.filter
def skipped_message(result: Any, tutorial: str) -> str:
    """Why a check was not run yet, naming the check it waits for by its title on the page (no check id)."""
    from django.utils.translation import get_language

    from tutorial.learning.services import _check_titles

    lang = "en" if (get_language() or "").startswith("en") else "ja"
    waits = list((getattr(result, "evidence", None) or {}).get("waits_for") or [])
    titles = _check_titles(tutorial)
    named = [(titles.get(cid) or {}).get(lang) for cid in waits]
    named = [n for n in named if n]
    if not named:
        return getattr(result, "message", "") or ""
    first, rest = named[0], len(named) - 1
    if lang == "en":
        return f"Checked once this passes: {first}" + (f" (and {rest} more)." if rest else ".")
    return f"「{first}」が合格したら確認します" + (f"（ほか {rest} 件）。" if rest else "。")


@register.filter
def check_title(check_id: Any, tutorial: str) -> str:
    """A check's title on the page, in the active language (its id only if the pack does not name it)."""
    from django.utils.translation import get_language

    from tutorial.learning.services import _check_titles

    lang = "en" if (get_language() or "").startswith("en") else "ja"
    return (_check_titles(tutorial).get(str(check_id)) or {}).get(lang) or str(check_id)


@register.filter
def failed_step(steps: Any):
    """The step a recipe stopped at (the last one marked failed), or None."""
    for entry in reversed(list(steps or [])):
        if isinstance(entry, dict) and entry.get("status") == "failed":
            return entry
    return None


@register.filter
def recipe_error_text(code: Any) -> str:
    from tutorial.learning.views import _recipe_error_text

    return _recipe_error_text(str(code or ""))


SANDBOX_PROFILE = "handson-sandbox"


@register.filter
def cli_for(code: Any, learning: Any) -> str:
    """A CLI block as this learner runs it. Sandbox: every command goes through the profile whose `aws configure`
    lines (the connect page) set the sandbox key and endpoint_url, so the block can never reach a real account.
    Real AWS: the block names the connection's region."""
    from django.utils.translation import gettext as _

    code = str(code or "")
    connection = getattr(learning, "connection", None)
    if connection is None or not getattr(learning, "connected", False):
        return code
    if connection.is_sandbox:
        head = [
            "# " + _("Runs as it is in your sandbox: the profile's endpoint is the sandbox, never a real account."),
            f"export AWS_PROFILE={SANDBOX_PROFILE}",
        ]
    else:
        head = ["# " + _("Runs in your AWS account, in this region:"), f"export AWS_REGION={connection.region}"]
    return "\n".join(head) + "\n\n" + code
