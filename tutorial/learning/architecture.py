"""The learner's live architecture picture: boxes and links laid out from a run's snapshot, coloured by its checks.

`architecture_diagram(architecture=..., statuses=...)` returns plain data (coordinates, labels, statuses) that
templates/learning/_architecture.html draws as inline SVG, with a text list of the same links for screen readers.
The drawing tolerates missing keys: a resource the snapshot did not see is drawn dashed, "not found".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

# Each link of the request path and the checks that cover it (ids from provisioning.steps).
LINK_CHECKS: dict[str, tuple[str, ...]] = {
    "client-alb": ("alb.sg_allows_http", "alb.dns_reachable"),
    "alb-listener": ("listener.http80_forward",),
    "listener-tg": ("listener.http80_forward", "tg.exists"),
    "tg-instance": ("tg.instance_registered", "tg.target_port", "tg.target_healthy"),
    "albsg-ec2sg": ("ec2sg.app_port_from_alb_only",),
    "direct": ("ec2.direct_access_blocked", "ec2sg.no_public_ingress"),
}
STATUS_ORDER = ("fail", "error", "skipped", "pass")
SYMBOLS = {"pass": "✓", "fail": "✗", "error": "!", "skipped": "–", "unknown": "?"}
# Drawn as attributes, so the picture reads the same without the stylesheet (and in screenshots).
COLOURS = {"pass": "#1d8102", "fail": "#d13212", "error": "#8a5a00", "skipped": "#687078", "unknown": "#aab7b8"}


def link_status(statuses: dict[str, str], check_ids: tuple[str, ...]) -> str:
    """fail beats error beats skipped; pass only when every covering check passed; unknown when none ran."""
    seen = [statuses[c] for c in check_ids if c in statuses]
    if not seen:
        return "unknown"
    for status in ("fail", "error"):
        if status in seen:
            return status
    if all(s == "pass" for s in seen) and len(seen) == len(check_ids):
        return "pass"
    return "skipped" if "skipped" in seen else "unknown"


@dataclass
class Box:
    key: str
    x: int
    y: int
    w: int
    h: int
    title: str
    lines: list[str] = field(default_factory=list)
    chips: list[str] = field(default_factory=list)
    present: bool = True

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2

    @property
    def text_x(self) -> int:
        return self.x + 8

    def line_ys(self) -> list[tuple[int, str]]:
        return [(self.y + 36 + 14 * i, line) for i, line in enumerate(self.lines)]

    def chip_boxes(self) -> list[tuple[int, int, str]]:
        return [(self.x + 8 + 54 * i, self.y + self.h - 24, chip) for i, chip in enumerate(self.chips[:3])]


@dataclass
class Link:
    key: str
    path: str
    label: str
    status: str
    checks: tuple[str, ...]
    label_x: int
    label_y: int
    dashed: bool = False
    short: str = ""  # what is drawn beside the line (the full label is in the title and the text list)

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.status, "?")

    @property
    def colour(self) -> str:
        return COLOURS.get(self.status, COLOURS["unknown"])

    @property
    def status_text(self) -> str:
        return status_label(self.status)


@dataclass
class Diagram:
    boxes: list[Box]
    links: list[Link]
    width: int = 860
    height: int = 330
    has_run: bool = False

    @property
    def legend(self) -> list[tuple[str, str, str, str]]:
        return [(s, SYMBOLS[s], COLOURS[s], status_label(s)) for s in ("pass", "fail", "error", "skipped", "unknown")]

    @property
    def broken(self) -> list[Link]:
        return [link for link in self.links if link.status in ("fail", "error")]


def status_label(status: str) -> str:
    return {
        "pass": _("passing"),
        "fail": _("broken"),
        "error": _("could not check"),
        "skipped": _("not checked yet (an earlier check failed)"),
        "unknown": _("no result"),
    }.get(status, status)


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _short(value: Any, n: int = 22) -> str:
    text = str(value or "")
    return text if len(text) <= n else text[: n - 1] + "…"


def _sg_names(arch: dict, ids: list) -> list[str]:
    groups = _d(arch.get("security_groups"))
    return [_short(_d(groups.get(g)).get("name") or g) for g in ids or []]


def architecture_diagram(*, architecture: dict | None, statuses: dict[str, str]) -> Diagram:
    """Lay out the picture for one run's snapshot (`Run.architecture`) and its results (`check id -> status`)."""
    arch = _d(architecture)
    alb, listener, tg, inst = (_d(arch.get(k)) for k in ("alb", "listener", "target_group", "instance"))
    targets = [t for t in arch.get("targets") or [] if isinstance(t, dict)]
    target = targets[0] if targets else {}

    # One row for the request path; the label of each link sits in the gap before the next box.
    client = Box("client", 10, 130, 84, 56, _("Client"), [_("browser")])
    alb_box = Box(
        "alb",
        160,
        100,
        176,
        116,
        _("Load balancer"),
        [_short(alb.get("name") or "aws-hands-on"), f"{alb.get('scheme') or '—'} · {alb.get('state') or '—'}"],
        chips=[str(z)[-2:] if len(str(z)) > 2 else str(z) for z in alb.get("azs") or []],
        present=bool(alb),
    )
    lst_box = Box(
        "listener",
        392,
        130,
        92,
        56,
        _("Listener"),
        [f"{listener.get('protocol') or 'HTTP'}:{listener.get('port') or 80}"],
        present=bool(listener),
    )
    tg_box = Box(
        "tg",
        540,
        122,
        132,
        72,
        _("Target group"),
        [_short(tg.get("name") or "aws-hands-on", 19), f"{_('health')}: {target.get('health') or '—'}"],
        present=bool(tg),
    )
    inst_box = Box(
        "instance",
        734,
        122,
        120,
        72,
        _("EC2 instance"),
        [_short(inst.get("id") or "—", 17), f":{target.get('port') or 8000} · {inst.get('state') or '—'}"],
        present=bool(inst),
    )
    alb_sg = Box(
        "alb-sg",
        160,
        258,
        176,
        52,
        _("ALB security group"),
        [", ".join(_sg_names(arch, alb.get("security_groups"))) or "aws-hands-on-alb"],
        present=bool(alb.get("security_groups")),
    )
    ec2_sg = Box(
        "ec2-sg",
        684,
        258,
        170,
        52,
        _("EC2 security group"),
        [", ".join(_sg_names(arch, inst.get("security_groups"))) or "aws-hands-on-ec2"],
        present=bool(inst.get("security_groups")),
    )

    def link(key: str, path: str, label: str, short: str, lx: int, ly: int, dashed: bool = False) -> Link:
        checks = LINK_CHECKS[key]
        return Link(key, path, label, link_status(statuses, checks), checks, lx, ly, dashed, short)

    def between(a: Box, b: Box) -> int:
        return (a.x + a.w + b.x) // 2

    links = [
        link(
            "client-alb",
            f"M{client.x + client.w},158 L{alb_box.x},158",
            _("HTTP :80 from the internet"),
            "HTTP :80",
            between(client, alb_box),
            150,
        ),
        link(
            "alb-listener",
            f"M{alb_box.x + alb_box.w},158 L{lst_box.x},158",
            _("listener"),
            ":80",
            between(alb_box, lst_box),
            150,
        ),
        link(
            "listener-tg",
            f"M{lst_box.x + lst_box.w},158 L{tg_box.x},158",
            _("forward"),
            _("forward"),
            between(lst_box, tg_box),
            150,
        ),
        link(
            "tg-instance",
            f"M{tg_box.x + tg_box.w},158 L{inst_box.x},158",
            _("HTTP :8000"),
            ":8000",
            between(tg_box, inst_box),
            150,
        ),
        link(
            "albsg-ec2sg",
            f"M{alb_sg.x + alb_sg.w},284 L{ec2_sg.x},284",
            _("port 8000 only from the ALB SG"),
            _("port 8000 only from the ALB SG"),
            between(alb_sg, ec2_sg),
            276,
        ),
        link(
            "direct",
            f"M{client.cx},{client.y} C{client.cx},20 {inst_box.cx},20 {inst_box.cx},{inst_box.y}",
            _("direct access to :8000 (must be blocked)"),
            _("direct access to :8000 (must be blocked)"),
            (client.cx + inst_box.cx) // 2,
            36,
            dashed=True,
        ),
    ]
    return Diagram(boxes=[client, alb_box, lst_box, tg_box, inst_box, alb_sg, ec2_sg], links=links, has_run=bool(arch))
