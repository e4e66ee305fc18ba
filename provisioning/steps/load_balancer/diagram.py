"""Step 5's architecture diagram (nodes and links, laid out from a run's picture) and its billable resources.

One row for the request path (client -> ALB -> listener -> target group -> instance), the two security groups
below it, and the direct path to the instance that must stay blocked. Each link names the checks covering it.
"""

from __future__ import annotations

from typing import Any

from provisioning.checks.base import t
from provisioning.steps import diagram as parts
from provisioning.steps.spec import DiagramLink, DiagramNode, DiagramSpec

# Each link of the request path and the checks that cover it.
LINK_CHECKS: dict[str, tuple[str, ...]] = {
    "client-alb": ("alb.sg_allows_http", "alb.dns_reachable"),
    "alb-listener": ("listener.http80_forward",),
    "listener-tg": ("listener.http80_forward", "tg.exists"),
    "tg-instance": ("tg.instance_registered", "tg.target_port", "tg.target_healthy"),
    "albsg-ec2sg": ("ec2sg.app_port_from_alb_only",),
    "direct": ("ec2.direct_access_blocked", "ec2sg.no_public_ingress"),
}


def diagram(architecture: dict[str, Any]) -> DiagramSpec:
    arch = parts.as_dict(architecture)
    alb, listener, tg, inst = (parts.as_dict(arch.get(k)) for k in ("alb", "listener", "target_group", "instance"))
    targets = [x for x in arch.get("targets") or [] if isinstance(x, dict)]
    target = targets[0] if targets else {}
    health = t("ヘルス", "health")

    client = parts.client_node()
    alb_box = parts.alb_node(alb, x=160, w=176, fallback_name="aws-hands-on")
    lst_box = parts.listener_node(listener, x=392, w=92)
    tg_box = parts.target_group_node(
        tg,
        x=540,
        w=132,
        lines=(
            parts.short(tg.get("name") or "aws-hands-on", 19),
            {lang: f"{health[lang]}: {target.get('health') or '—'}" for lang in ("ja", "en")},
        ),
    )
    inst_box = DiagramNode(
        "instance",
        734,
        122,
        120,
        72,
        t("EC2 インスタンス", "EC2 instance"),
        (parts.short(inst.get("id") or "—", 17), f":{target.get('port') or 8000} · {inst.get('state') or '—'}"),
        present=bool(inst),
    )
    alb_sg = DiagramNode(
        "alb-sg",
        160,
        258,
        176,
        52,
        t("ALB のセキュリティグループ", "ALB security group"),
        (", ".join(parts.sg_names(arch, alb.get("security_groups"))) or "aws-hands-on-alb",),
        present=bool(alb.get("security_groups")),
    )
    ec2_sg = DiagramNode(
        "ec2-sg",
        684,
        258,
        170,
        52,
        t("EC2 のセキュリティグループ", "EC2 security group"),
        (", ".join(parts.sg_names(arch, inst.get("security_groups"))) or "aws-hands-on-ec2",),
        present=bool(inst.get("security_groups")),
    )

    def cx(n: DiagramNode) -> int:
        return n.x + n.w // 2

    only_alb = t("ポート 8000 は ALB の SG からのみ", "port 8000 only from the ALB SG")
    direct = t(
        "インターネットから EC2 の :8000 への直接アクセス", "direct access from the internet to the instance's :8000"
    )
    direct_short = t("インターネットから :8000 へ直接", "from the internet straight to :8000")
    # The one link that must NOT carry traffic: its states say so ("blocked" when it passes).
    direct_states = {"pass": t("遮断されています", "blocked"), "fail": t("届いてしまいます", "reachable")}
    links = (
        *parts.front_links(client, alb_box, lst_box, tg_box, LINK_CHECKS),
        DiagramLink(
            "tg-instance",
            f"M{tg_box.x + tg_box.w},158 L{inst_box.x},158",
            t("HTTP :8000", "HTTP :8000"),
            t(":8000", ":8000"),
            LINK_CHECKS["tg-instance"],
            parts.between(tg_box, inst_box),
            parts.label_above(158),
        ),
        DiagramLink(
            "albsg-ec2sg",
            f"M{alb_sg.x + alb_sg.w},284 L{ec2_sg.x},284",
            only_alb,
            only_alb,
            LINK_CHECKS["albsg-ec2sg"],
            parts.between(alb_sg, ec2_sg),
            276,
        ),
        DiagramLink(
            "direct",
            f"M{cx(client)},{client.y} C{cx(client)},20 {cx(inst_box)},20 {cx(inst_box)},{inst_box.y}",
            direct,
            direct_short,
            LINK_CHECKS["direct"],
            (cx(client) + cx(inst_box)) // 2,
            34,
            dashed=True,
            states=direct_states,
        ),
    )
    return DiagramSpec(nodes=(client, alb_box, lst_box, tg_box, inst_box, alb_sg, ec2_sg), links=links)


def billable_from_run(architecture: dict[str, Any], statuses: dict[str, str]) -> list[dict[str, Any]]:
    """What the latest run saw that costs money, when no teardown has listed it (the ALB and the instance)."""
    arch = parts.as_dict(architecture)
    out = []
    if statuses.get("alb.exists") == "pass":
        alb = parts.as_dict(arch.get("alb") or arch.get("load_balancer"))
        name = alb.get("name") or alb.get("LoadBalancerName") or "aws-hands-on"
        out.append({"type": "load-balancer", "id": alb.get("arn") or name, "name": name})
    if statuses.get("prereq.instance_running") == "pass":
        inst = parts.as_dict(arch.get("instance"))
        iid = inst.get("id") or inst.get("instance_id") or inst.get("InstanceId") or "CodeDeploy=aws-hands-on"
        out.append({"type": "instance", "id": iid})
    return out
