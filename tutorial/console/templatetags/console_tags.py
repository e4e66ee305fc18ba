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

    return sandbox_console_html(str(section_html))
