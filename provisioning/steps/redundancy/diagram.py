"""Step 6's architecture diagram: the ALB in front of two (or more) instances, each in its zone, and what costs money.

client -> ALB (its zones) -> listener -> target group -> one box per tagged instance (zone, state, health), and the
instances' security groups below. Links name the checks covering them.
"""

from __future__ import annotations

from typing import Any

from provisioning.checks.base import t
from provisioning.steps import diagram as parts
from provisioning.steps.spec import DiagramLink, DiagramNode, DiagramSpec

LINK_CHECKS: dict[str, tuple[str, ...]] = {
    "client-alb": ("redundancy.dns_reachable",),
    "alb-listener": ("redundancy.alb_ready",),
    "listener-tg": ("redundancy.alb_ready",),
    "tg-instance": ("redundancy.all_registered", "redundancy.all_targets_healthy"),
    "zones": ("redundancy.two_instances_running", "redundancy.instances_in_alb_azs"),
    "albsg-ec2sg": ("redundancy.sg_restricted",),
}
MAX_INSTANCES = 3
HEALTH = t("ヘルス", "health")


def diagram(architecture: dict[str, Any]) -> DiagramSpec:
    arch = parts.as_dict(architecture)
    alb, listener, tg = (parts.as_dict(arch.get(k)) for k in ("alb", "listener", "target_group"))
    instances = [i for i in arch.get("instances") or [] if isinstance(i, dict)][:MAX_INSTANCES]
    health = {str(x.get("id")): x for x in arch.get("targets") or [] if isinstance(x, dict)}

    # The front row sits lower than Step 5's, leaving room above for the zones arc; the target group is tall enough
    # that each instance's arrow leaves it straight, at the instance's height (no label on a slanted line).
    dy = 20
    client = parts.client_node(dy=dy)
    alb_box = parts.alb_node(alb, x=160, w=170, fallback_name="aws-hands-on", dy=dy)
    lst_box = parts.listener_node(listener, x=370, w=76, dy=dy)
    count = len(health)
    tg_box = parts.target_group_node(
        tg,
        x=506,
        w=124,
        y=60,
        h=200,
        lines=(
            parts.short(tg.get("name") or "aws-hands-on", 18),
            {"ja": f"ターゲット {count} 件", "en": f"{count} target{'' if count == 1 else 's'}"},
        ),
    )
    slots = max(2, len(instances))
    step = min(110, (236 - 72) // (slots - 1))  # the boxes (72 high) between y=44 and the groups' box, 10 apart
    boxes = []
    for n in range(slots):
        inst = instances[n] if n < len(instances) else {}
        target = health.get(str(inst.get("id")), {})
        boxes.append(
            DiagramNode(
                f"instance-{n + 1}",
                690,
                44 + n * step,
                160,
                72,
                {"ja": f"EC2 インスタンス {n + 1}", "en": f"EC2 instance {n + 1}"},
                (
                    parts.short(inst.get("id") or "—", 20),
                    f"{inst.get('az') or '—'} · {inst.get('state') or '—'}",
                    {lang: f"{HEALTH[lang]}: {target.get('health') or '—'}" for lang in ("ja", "en")},
                ),
                present=bool(inst),
            )
        )
    groups = sorted({g for i in instances for g in i.get("security_groups") or []})
    ec2_sg = DiagramNode(
        "ec2-sg",
        506,
        290,
        344,
        48,
        t("EC2 のセキュリティグループ", "EC2 security groups"),
        (", ".join(parts.sg_names(arch, groups)) or "aws-hands-on-ec2",),
        present=bool(groups),
    )

    links = parts.front_links(client, alb_box, lst_box, tg_box, LINK_CHECKS, dy=dy)
    for box in boxes:
        y = box.y + box.h // 2
        links.append(
            DiagramLink(
                f"tg-{box.key}",
                f"M{tg_box.x + tg_box.w},{y} L{box.x},{y}",
                t("HTTP :8000（登録・healthy）", "HTTP :8000 (registered, healthy)"),
                t(":8000", ":8000"),
                LINK_CHECKS["tg-instance"],
                parts.between(tg_box, box),
                parts.label_above(y),
            )
        )
    first = boxes[0]
    top, end = alb_box.x + alb_box.w // 2, first.x + first.w // 2
    links.append(
        DiagramLink(
            "zones",
            f"M{top},{alb_box.y} C{top},10 {end},10 {end},{first.y}",
            t("2 つの AZ に 2 台（ALB が有効な AZ）", "two instances in two of the ALB's zones"),
            t("2 台 / 2 AZ", "2 instances / 2 AZs"),
            LINK_CHECKS["zones"],
            (top + end) // 2,
            18,
            dashed=True,
        )
    )
    sg_y = ec2_sg.y + ec2_sg.h // 2
    links.append(
        DiagramLink(
            "albsg-ec2sg",
            f"M{top},{alb_box.y + alb_box.h} L{top},{sg_y} L{ec2_sg.x},{sg_y}",
            t("ポート 8000 は ALB の SG からのみ", "port 8000 only from the ALB SG"),
            t("ポート 8000 は ALB の SG からのみ", "port 8000 only from the ALB SG"),
            LINK_CHECKS["albsg-ec2sg"],
            (top + ec2_sg.x) // 2,
            sg_y - 9,
        )
    )
    return DiagramSpec(nodes=(client, alb_box, lst_box, tg_box, *boxes, ec2_sg), links=tuple(links), height=350)


def billable_from_run(architecture: dict[str, Any], statuses: dict[str, str]) -> list[dict[str, Any]]:
    """What the latest run saw that costs money: the ALB and every tagged instance not terminated."""
    arch = parts.as_dict(architecture)
    out = []
    alb = parts.as_dict(arch.get("alb"))
    if alb:
        name = alb.get("name") or "aws-hands-on"
        out.append({"type": "load-balancer", "id": alb.get("id") or name, "name": name})
    for inst in arch.get("instances") or []:
        if isinstance(inst, dict) and inst.get("state") not in ("terminated", "shutting-down"):
            out.append({"type": "instance", "id": inst.get("id")})
    return out
