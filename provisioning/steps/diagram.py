"""Builders that steps' diagrams share: the front of the request path (client -> ALB -> listener -> target group).

A step's diagram.py calls these with its own positions, fallback names and link checks; nothing here names a step,
a check id or a resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from provisioning.checks.base import t
from provisioning.steps.spec import DiagramLink, DiagramNode, Translated


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def short(value: Any, n: int = 22) -> str:
    text = str(value or "")
    return text if len(text) <= n else text[: n - 1] + "…"


def sg_names(arch: dict, ids: list | None) -> list[str]:
    groups = as_dict(arch.get("security_groups"))
    return [short(as_dict(groups.get(g)).get("name") or g) for g in ids or []]


def az_chips(alb: dict) -> tuple[str, ...]:
    return tuple(str(z)[-2:] if len(str(z)) > 2 else str(z) for z in alb.get("azs") or [])


def between(a: DiagramNode, b: DiagramNode) -> int:
    """The x of a label halfway along the gap from a's right edge to b's left edge."""
    return (a.x + a.w + b.x) // 2


# The request path's line (y) in the drawing; `dy` moves the whole front row down (a step that needs room above).
ROW = 158


def client_node(*, dy: int = 0) -> DiagramNode:
    return DiagramNode("client", 10, 130 + dy, 84, 56, t("クライアント", "Client"), (t("ブラウザー", "browser"),))


def alb_node(alb: dict, *, x: int, w: int, fallback_name: str, dy: int = 0) -> DiagramNode:
    return DiagramNode(
        "alb",
        x,
        100 + dy,
        w,
        116,
        t("ロードバランサー", "Load balancer"),
        (short(alb.get("name") or fallback_name), f"{alb.get('scheme') or '—'} · {alb.get('state') or '—'}"),
        chips=az_chips(alb),
        present=bool(alb),
    )


def listener_node(listener: dict, *, x: int, w: int, dy: int = 0) -> DiagramNode:
    return DiagramNode(
        "listener",
        x,
        130 + dy,
        w,
        56,
        t("リスナー", "Listener"),
        (f"{listener.get('protocol') or 'HTTP'}:{listener.get('port') or 80}",),
        present=bool(listener),
    )


def target_group_node(
    tg: dict, *, x: int, w: int, lines: tuple[str | Translated, ...], y: int = 122, h: int = 72
) -> DiagramNode:
    return DiagramNode("tg", x, y, w, h, t("ターゲットグループ", "Target group"), lines, present=bool(tg))


def label_above(y: int) -> int:
    """The baseline of a label over a horizontal line at `y`: its text box (1.45 em at 11 px) ends above the
    arrowhead (12 units wide, templates/learning/panels.html), so no label touches a line or an arrow."""
    return y - 13


def front_links(
    client: DiagramNode,
    alb: DiagramNode,
    listener: DiagramNode,
    tg: DiagramNode,
    checks: Mapping[str, tuple[str, ...]],
    *,
    dy: int = 0,
) -> list[DiagramLink]:
    """The links client-alb, alb-listener and listener-tg along y=ROW+dy, each coloured by `checks[<its key>]`."""
    row = ROW + dy
    return [
        DiagramLink(
            "client-alb",
            f"M{client.x + client.w},{row} L{alb.x},{row}",
            t("インターネットから HTTP :80", "HTTP :80 from the internet"),
            t("HTTP :80", "HTTP :80"),
            checks["client-alb"],
            between(client, alb),
            label_above(row),
        ),
        DiagramLink(
            "alb-listener",
            f"M{alb.x + alb.w},{row} L{listener.x},{row}",
            t("HTTP :80 を受ける", "takes HTTP :80"),
            t(":80", ":80"),
            checks["alb-listener"],
            between(alb, listener),
            label_above(row),
        ),
        DiagramLink(
            "listener-tg",
            f"M{listener.x + listener.w},{row} L{tg.x},{row}",
            t("HTTP を転送", "forwards HTTP"),
            t("転送", "forward"),
            checks["listener-tg"],
            between(listener, tg),
            label_above(row),
        ),
    ]
