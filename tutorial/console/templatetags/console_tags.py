"""Labels of the sandbox console's values, in the AWS console's words."""

from django import template

from tutorial.console.forms import PROTOCOL_LABELS, RULE_TYPE_LABELS

register = template.Library()


@register.filter
def rule_type_label(key: str) -> str:
    return str(RULE_TYPE_LABELS.get(key, key))


@register.filter
def protocol_label(protocol: str) -> str:
    return str(PROTOCOL_LABELS.get(protocol, protocol))


@register.filter
def console_links(section_html, learning):
    """A step section's HTML, pointing into the sandbox console when the learner is connected to the sandbox."""
    connection = getattr(learning, "connection", None)
    if connection is None or not connection.is_connected or not connection.is_sandbox:
        return section_html
    from tutorial.console.links import sandbox_console_html

    return sandbox_console_html(str(section_html), load_balancer=_load_balancer_name(learning))


def _load_balancer_name(learning) -> str | None:
    """The name of the step's load balancer (its parameter lb_name, as the content pack may set it), if it has one."""
    from provisioning.steps import get_step
    from tutorial.content import get_tutorial

    try:
        pack = get_tutorial(learning.tutorial)
        params = getattr(pack.step(learning.step), "parameters", None) if pack is not None else None
        params = params or get_step(learning.tutorial, learning.step).default_params()
    except Exception:  # a pack that does not load shows no link, as the page shows the problem elsewhere
        return None
    return getattr(params, "lb_name", None)
