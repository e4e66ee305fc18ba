"""The one helper that reads security-group rules. Every check that asks "does this SG allow X" goes through here.

It understands port ranges (FromPort..ToPort), protocol "-1" (all traffic, any port), "tcp" and its number "6",
IPv4 and IPv6 ranges (any /0 is "the whole internet"), prefix lists, and source security groups
(UserIdGroupPairs). Rules of several groups are flattened into `Grant`s: one source, one protocol, one port range.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}


def normalize_protocol(value: object) -> str:
    text = str(value).strip().lower()
    return _PROTOCOLS.get(text, text)


@dataclass(frozen=True)
class Grant:
    """One (group, protocol, ports, source) an ingress rule grants."""

    group_id: str
    protocol: str  # "tcp", "udp", "icmp", "-1" (all traffic), or another protocol number
    from_port: int | None
    to_port: int | None
    source_kind: str  # "cidr4" | "cidr6" | "sg" | "prefix_list"
    source: str

    def covers(self, port: int, protocol: str = "tcp") -> bool:
        if self.protocol == "-1":
            return True
        if self.protocol != normalize_protocol(protocol):
            return False
        low = self.from_port if self.from_port not in (None, -1) else 0
        high = self.to_port if self.to_port not in (None, -1) else 65535
        return low <= port <= high

    @property
    def is_world(self) -> bool:
        """From the whole internet: 0.0.0.0/0 or ::/0 (any /0)."""
        if self.source_kind not in ("cidr4", "cidr6"):
            return False
        try:
            return ipaddress.ip_network(self.source, strict=False).prefixlen == 0
        except ValueError:
            return False

    @property
    def may_admit_vpc(self) -> bool:
        """An address range that may hold the VPC's own addresses (the ALB's): the internet, a private range, or a
        prefix list we cannot see into. A grant like this can keep the request path working by itself."""
        if self.source_kind == "prefix_list" or self.is_world:
            return True
        if self.source_kind not in ("cidr4", "cidr6"):
            return False
        try:
            return ipaddress.ip_network(self.source, strict=False).is_private
        except ValueError:
            return False

    @property
    def is_cidr(self) -> bool:
        return self.source_kind in ("cidr4", "cidr6", "prefix_list")

    def ports_text(self) -> str:
        if self.protocol == "-1":
            return "all traffic"
        if self.from_port == self.to_port:
            return f"{self.protocol} {self.from_port}"
        return f"{self.protocol} {self.from_port}-{self.to_port}"

    def describe(self) -> str:
        return f"{self.group_id}: {self.ports_text()} from {self.source}"


def ingress_grants(groups: Iterable[dict]) -> list[Grant]:
    out: list[Grant] = []
    for group in groups:
        gid = group.get("GroupId", "?")
        for rule in group.get("IpPermissions") or []:
            proto = normalize_protocol(rule.get("IpProtocol", "-1"))
            low, high = rule.get("FromPort"), rule.get("ToPort")
            sources: list[tuple[str, str]] = [("cidr4", r["CidrIp"]) for r in rule.get("IpRanges") or []]
            sources += [("cidr6", r["CidrIpv6"]) for r in rule.get("Ipv6Ranges") or []]
            sources += [("prefix_list", p["PrefixListId"]) for p in rule.get("PrefixListIds") or []]
            sources += [("sg", p["GroupId"]) for p in rule.get("UserIdGroupPairs") or [] if p.get("GroupId")]
            out += [Grant(gid, proto, low, high, kind, src) for kind, src in sources]
    return out


def grants_for_port(groups: Iterable[dict], port: int, protocol: str = "tcp") -> list[Grant]:
    """The grants that let `protocol`/`port` in, whatever the source."""
    return [g for g in ingress_grants(groups) if g.covers(port, protocol)]


def world_grants(groups: Iterable[dict]) -> list[Grant]:
    """The grants open to the whole internet, on any port and protocol."""
    return [g for g in ingress_grants(groups) if g.is_world]
