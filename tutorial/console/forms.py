"""Forms of the sandbox console. Choices come from the learner's own account (passed in by the view).

The inbound rules editor is a list of rows posted as parallel lists (`rule_type`, `port_range`, ...), so that
"add rule" and "delete" work as plain submit buttons without JavaScript; Django formsets would need their
management form renumbered on every delete, which is more code for the same rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from provisioning.console import (
    ANYWHERE_V4,
    ANYWHERE_V6,
    RULE_TYPES,
    Rule,
    SecurityGroup,
    Subnet,
    TargetGroup,
    Vpc,
    rule_from_type,
)

ELB_NAME_RE = re.compile(r"^(?!-)(?!internal-)[A-Za-z0-9-]{1,32}(?<!-)$")
RULE_TYPE_LABELS = {
    "custom-tcp": _("Custom TCP"),
    "custom-udp": _("Custom UDP"),
    "all-tcp": _("All TCP"),
    "all-udp": _("All UDP"),
    "all-traffic": _("All traffic"),
    "ssh": "SSH",
    "http": "HTTP",
    "https": "HTTPS",
}
SOURCE_TYPES = (
    ("custom", _("Custom")),
    ("anywhere-ipv4", _("Anywhere-IPv4")),
    ("anywhere-ipv6", _("Anywhere-IPv6")),
)
PROTOCOL_LABELS = {"tcp": "TCP", "udp": "UDP", "icmp": "ICMP", "-1": pgettext_lazy("protocol", "All")}
MAX_RULE_ROWS = 60  # AWS's default quota of inbound rules per group


def vpc_label(vpc: Vpc) -> str:
    label = f"{vpc.id} ({vpc.cidr})"
    return "{} ({})".format(label, _("default")) if vpc.is_default else label


def subnet_label(subnet: Subnet) -> str:
    return f"{subnet.id} | {subnet.zone} | {subnet.cidr}"


def group_label(group: SecurityGroup) -> str:
    return f"{group.id} / {group.name}"


# --- inbound rule rows ---------------------------------------------------------------------------------------------


@dataclass
class RuleRow:
    rule_type: str = "custom-tcp"
    port_range: str = ""
    source_type: str = "custom"
    cidr: str = ""
    source_group: str = ""
    description: str = ""
    error: str = ""

    @property
    def protocol_label(self) -> str:
        protocol = next((p for key, p, _ports in RULE_TYPES if key == self.rule_type), "tcp")
        return str(PROTOCOL_LABELS.get(protocol, protocol))

    @property
    def port_fixed(self) -> bool:
        return next((ports is not None for key, _p, ports in RULE_TYPES if key == self.rule_type), False)

    @classmethod
    def from_rule(cls, rule: Rule) -> RuleRow:
        row = cls(rule_type=rule.rule_type, port_range=rule.port_range, description=rule.description)
        if rule.source_kind == "sg":
            row.source_group = rule.source
        elif rule.source == ANYWHERE_V4:
            row.source_type = "anywhere-ipv4"
        elif rule.source == ANYWHERE_V6:
            row.source_type = "anywhere-ipv6"
        else:
            row.cidr = rule.source
        if rule.protocol == "-1":
            row.port_range = ""
        elif rule.rule_type in ("all-tcp", "all-udp"):
            row.port_range = "0-65535"
        return row

    def to_rule(self, group_ids: set[str]) -> Rule:
        """The row as a Rule; ValueError with the learner-facing reason when the row is not complete."""
        if self.rule_type not in RULE_TYPE_LABELS:
            raise ValueError(_("Pick a rule type."))
        if self.source_type == "anywhere-ipv4":
            kind, source = "cidr", ANYWHERE_V4
        elif self.source_type == "anywhere-ipv6":
            kind, source = "cidr", ANYWHERE_V6
        elif self.source_group and self.cidr.strip():
            raise ValueError(_("Give either a CIDR block or a security group as the source, not both."))
        elif self.source_group:
            if self.source_group not in group_ids:
                raise ValueError(_("Pick a security group of this VPC as the source."))
            kind, source = "sg", self.source_group
        else:
            kind, source = "cidr", self.cidr
        try:
            return rule_from_type(
                self.rule_type,
                port_range=self.port_range,
                source_kind=kind,
                source=source,
                description=self.description,
            )
        except ValueError:
            if kind == "cidr":
                # Which part is wrong: the port range (for types that take one) or the CIDR block.
                try:
                    rule_from_type(self.rule_type, port_range=self.port_range, source_kind="cidr", source="0.0.0.0/0")
                except ValueError:
                    raise ValueError(_("Enter a port (8000) or a port range (8000-8010).")) from None
                raise ValueError(
                    _("Enter a CIDR block (such as 203.0.113.0/24 or 0.0.0.0/0), or pick a security group.")
                ) from None
            raise ValueError(_("Enter a port (8000) or a port range (8000-8010).")) from None


def rows_from_post(data) -> list[RuleRow]:
    # POST name -> RuleRow field ("rule_description": the group's own form has a "description" too)
    columns = {
        "rule_type": "rule_type",
        "port_range": "port_range",
        "source_type": "source_type",
        "cidr": "cidr",
        "source_group": "source_group",
        "rule_description": "description",
    }
    lists = {c: data.getlist(c) for c in columns}
    count = min(max((len(v) for v in lists.values()), default=0), MAX_RULE_ROWS)
    rows = []
    for i in range(count):
        values = {field: (lists[c][i] if i < len(lists[c]) else "").strip()[:255] for c, field in columns.items()}
        rows.append(RuleRow(**values))
    return rows


def edit_rows(data, rows: list[RuleRow]) -> bool:
    """Apply "add rule" / "delete" buttons to `rows` in place. True when one was pressed (then do not save)."""
    if "add_rule" in data:
        if len(rows) < MAX_RULE_ROWS:
            rows.append(RuleRow())
        return True
    delete = data.get("delete_row", "")
    if delete.isdigit():
        index = int(delete)
        if 0 <= index < len(rows):
            del rows[index]
        return True
    return False


def rules_from_rows(rows: list[RuleRow], group_ids: set[str]) -> list[Rule] | None:
    """The rules of the rows, or None when a row is wrong (each wrong row then carries its error)."""
    rules: list[Rule] = []
    ok = True
    for row in rows:
        try:
            rules.append(row.to_rule(group_ids))
            row.error = ""
        except ValueError as error:
            row.error = str(error)
            ok = False
    return rules if ok else None


# --- forms ---------------------------------------------------------------------------------------------------------


def _elb_name(value: str) -> str:
    value = (value or "").strip()
    if not ELB_NAME_RE.match(value):
        raise forms.ValidationError(
            _(
                "Use up to 32 letters, digits and hyphens; the name may not begin or end with a hyphen "
                "or begin with “internal-”."
            )
        )
    return value


class SecurityGroupForm(forms.Form):
    name = forms.CharField(label=_("Security group name"), max_length=255)
    description = forms.CharField(label=_("Description"), max_length=255)
    vpc = forms.ChoiceField(label="VPC")

    def __init__(self, *args, vpcs: list[Vpc], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vpc"].choices = [(v.id, vpc_label(v)) for v in vpcs]


class TargetGroupForm(forms.Form):
    target_type = forms.ChoiceField(
        label=_("Target type"),
        choices=[("instance", _("Instances")), ("ip", _("IP addresses"))],
        initial="instance",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Target group name"), max_length=32)
    protocol = forms.ChoiceField(label=_("Protocol"), choices=[("HTTP", "HTTP"), ("HTTPS", "HTTPS")], initial="HTTP")
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=80)
    vpc = forms.ChoiceField(label="VPC")
    health_check_protocol = forms.ChoiceField(
        label=_("Health check protocol"), choices=[("HTTP", "HTTP"), ("HTTPS", "HTTPS")], initial="HTTP"
    )
    health_check_path = forms.CharField(label=_("Health check path"), max_length=1024, initial="/")

    def __init__(self, *args, vpcs: list[Vpc], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vpc"].choices = [(v.id, vpc_label(v)) for v in vpcs]

    def clean_name(self) -> str:
        return _elb_name(self.cleaned_data["name"])

    def clean_health_check_path(self) -> str:
        path = self.cleaned_data["health_check_path"].strip()
        if not path.startswith("/"):
            raise forms.ValidationError(_("The path begins with a slash, such as /healthcheck."))
        return path


class LoadBalancerForm(forms.Form):
    """ロードバランサーの作成 (Application Load Balancer) for one VPC: per-AZ tick boxes with a subnet each."""

    name = forms.CharField(label=_("Load balancer name"), max_length=32)
    scheme = forms.ChoiceField(
        label=_("Scheme"),
        choices=[("internet-facing", _("Internet-facing")), ("internal", _("Internal"))],
        initial="internet-facing",
        widget=forms.RadioSelect,
    )
    ip_address_type = forms.ChoiceField(
        label=_("IP address type"),
        choices=[("ipv4", "IPv4"), ("dualstack", _("Dualstack"))],
        initial="ipv4",
        widget=forms.RadioSelect,
    )
    security_groups = forms.MultipleChoiceField(
        label=_("Security groups"), required=False, widget=forms.CheckboxSelectMultiple
    )
    listener_port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=80)
    target_group = forms.ChoiceField(label=_("Forward to"), required=False)

    def __init__(
        self,
        *args,
        subnets: list[Subnet],
        groups: list[SecurityGroup],
        target_groups: list[TargetGroup],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zones: dict[str, list[Subnet]] = {}
        for subnet in subnets:
            self.zones.setdefault(subnet.zone, []).append(subnet)
        for zone, zone_subnets in sorted(self.zones.items()):
            self.fields[f"zone_{zone}"] = forms.BooleanField(label=zone, required=False)
            self.fields[f"subnet_{zone}"] = forms.ChoiceField(
                label=_("Subnet"), required=False, choices=[(s.id, subnet_label(s)) for s in zone_subnets]
            )
        self.fields["security_groups"].choices = [(g.id, group_label(g)) for g in groups]
        self.fields["target_group"].choices = [("", _("Select a target group"))] + [
            (t.arn, f"{t.name} ({t.protocol}:{t.port})") for t in target_groups
        ]

    @property
    def zone_rows(self) -> list[tuple]:
        """(zone, tick box, subnet select) per AZ, for the ネットワークマッピング table."""
        return [(zone, self[f"zone_{zone}"], self[f"subnet_{zone}"]) for zone in sorted(self.zones)]

    def clean_name(self) -> str:
        return _elb_name(self.cleaned_data["name"])

    def clean(self) -> dict:
        data = super().clean()
        chosen = [data.get(f"subnet_{z}") for z in sorted(self.zones) if data.get(f"zone_{z}")]
        if len([s for s in chosen if s]) < 2:
            raise forms.ValidationError(_("Select at least two Availability Zones, with one subnet in each."))
        data["subnet_ids"] = tuple(s for s in chosen if s)
        if not data.get("security_groups"):
            self.add_error("security_groups", _("Select at least one security group."))
        if not data.get("target_group"):
            self.add_error("target_group", _("Select the target group the listener forwards to, or create one."))
        return data


class LaunchMoreForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    subnet = forms.ChoiceField(label=_("Subnet"))

    def __init__(self, *args, subnets: list[Subnet], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subnet"].choices = [(s.id, subnet_label(s)) for s in subnets]


class RegisterTargetsForm(forms.Form):
    instances = forms.MultipleChoiceField(label=_("Instances"), widget=forms.CheckboxSelectMultiple)
    port = forms.IntegerField(label=_("Ports for the selected instances"), min_value=1, max_value=65535)

    def __init__(self, *args, instance_ids: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instances"].choices = [(i, i) for i in instance_ids]
        self.fields["instances"].error_messages["required"] = _("Select at least one instance.")
