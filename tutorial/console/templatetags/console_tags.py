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
