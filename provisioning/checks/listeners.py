"""The one reading of a listener's forward action and of target group ARNs (checks, snapshots, the sandbox)."""

from __future__ import annotations

from typing import Any


def forward_targets(listener_or_action: dict[str, Any]) -> list[tuple[str, int]]:
    """(target group ARN, weight) a listener's default forward action (or one action) sends to; [] if none.

    Weighted forwards (ForwardConfig.TargetGroups) list every group with its weight; a plain forward has weight 1.
    """
    actions = listener_or_action.get("DefaultActions")
    if actions is None:
        actions = [listener_or_action]
    for action in sorted(actions or [], key=lambda a: a.get("Order", 0) or 0):
        if action.get("Type") != "forward":
            continue
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
        if groups:
            return [(g["TargetGroupArn"], int(g.get("Weight", 1) or 0)) for g in groups]
        if action.get("TargetGroupArn"):
            return [(action["TargetGroupArn"], 1)]
    return []


def tg_name_of(arn: str) -> str:
    """arn:aws:elasticloadbalancing:...:targetgroup/<name>/<id> -> <name>."""
    return arn.split(":targetgroup/")[-1].split("/")[0] if ":targetgroup/" in arn else arn


def forwards_to(listener: dict[str, Any], tg_arn: str | None, tg_name: str) -> list[int]:
    """The weights with which `listener` forwards to the target group (by ARN, or by name when the ARN is unknown)."""
    return [w for arn, w in forward_targets(listener) if arn == tg_arn or tg_name_of(arn) == tg_name]
