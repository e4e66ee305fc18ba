"""Throttles on the doors an attacker knocks on: log in, sign up, password reset, joining a class.

Built on django-ratelimit (counters in the "ratelimit" cache, see settings). Each door counts its POSTs per address
and per account (the user name tried, the e-mail a reset is asked for, the signed-in learner), each with its own
rate; over any of them the POST is refused with 429 and a message, before the view runs, so even the right
password is refused once the limit is reached. GETs are never counted.

Per-address rates are generous because a whole class often signs in from one school address at the start.
"""

from __future__ import annotations

import logging
from functools import wraps

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)


def _lower_post(field: str):
    def key(group, request) -> str:
        return (request.POST.get(field) or "").strip().lower()[:254]

    return key


def _user(group, request) -> str:
    return str(request.user.pk) if request.user.is_authenticated else ""


# door -> [(key, rate)]: limits that all apply. Rates as django-ratelimit reads them ("count/period").
RATES: dict[str, list[tuple]] = {
    # django-ratelimit counts in fixed windows: across a window's edge up to twice a per-minute limit gets through,
    # so an account also has an hourly budget that bounds guessing whatever the timing.
    "login": [("ip", "60/m"), (_lower_post("username"), "10/m"), (_lower_post("username"), "30/h")],
    "signup": [("ip", "20/m"), ("ip", "100/h")],
    "password-reset": [("ip", "10/m"), (_lower_post("email"), "3/h")],
    "join": [("ip", "60/m"), (_user, "10/m")],
}

MESSAGES = {
    "login": _(
        "Too many sign-in attempts for this account or from this address. Wait a minute, then try again. "
        "If you forgot your password, reset it."
    ),
    "signup": _("Too many sign-ups from this address. Wait a minute, then try again."),
    "password-reset": _("Too many password reset requests. Wait a while, then try again."),
    "join": _("Too many join attempts. Wait a minute, then try again."),
}


def limited(request, door: str) -> bool:
    """Count this POST against every limit of `door`; True when any is exceeded. Fails open if the cache is away."""
    over = False
    for key, rate in RATES[door]:
        try:
            if is_ratelimited(request, group=f"handson.{door}", key=key, rate=rate, method="POST", increment=True):
                over = True
        except Exception as exc:  # the counters' cache (Redis) is down: do not lock everyone out
            logger.warning("throttle %s not counted: %s", door, type(exc).__name__)
    if over:
        logger.warning("throttled %s from %s", door, request.META.get("REMOTE_ADDR", "?"))
    return over


def throttled(door: str, template: str = "registration/throttled.html"):
    """Decorator: a POST over the door's limits gets a 429 page with the door's message; the view never runs."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and limited(request, door):
                response = render(request, template, {"message": MESSAGES[door], "door": door}, status=429)
                response["Retry-After"] = "60"
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
