"""Template tags of classes: the learner's banners (the slot at the top of every page) and query-string links."""

from __future__ import annotations

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("classes/_banner_list.html", takes_context=True)
def class_banners(context) -> dict:
    """Banners for the signed-in learner: "your class has ended: clean up", with what still costs money."""
    request = context.get("request")
    user = getattr(request, "user", None)
    banners = selectors.learner_cleanup_banners(user=user) if user is not None else []
    return {"banners": banners, "request": request}


@register.inclusion_tag("classes/_student_notes.html", takes_context=True)
def class_notes(context, tutorial: str) -> dict:
    """Notes the learner's instructors left them (the step page shows them above the step)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"notes": selectors.learner_notes(user=user, tutorial=tutorial) if user is not None else []}


@register.filter
def learner_name(user) -> str:
    """How a learner appears to instructors: display name, else full name, else username."""
    return selectors.display_name(user)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (empty value: removed), for sort/filter links."""
    request = context["request"]
    params = request.GET.copy()
    for key in ("v", "since", "o", "m"):  # the poll's own: a link carrying them would get "204 unchanged"
        params.pop(key, None)
    for key, value in changes.items():
        if value in ("", None):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_toggle(context, key: str) -> str:
    """`key`, or `-key` when the list is already sorted by `key` (a second click reverses)."""
    current = context.get("sort", "name")
    return f"-{key}" if current == key else key
