"""Restrict the EC2 SG: the app port is open only to the ALB's security group, and nothing to the internet.

The instance's security groups are all the groups attached to the tutorial's instance (several count together);
without an instance, the group named aws-hands-on-ec2 stands in for them.
"""

from __future__ import annotations

from provisioning.checks.base import CheckContext, Outcome, failed, passed, t
from provisioning.checks.sg_rules import grants_for_port, world_grants
from provisioning.steps.load_balancer.checks.prereq import PREPARE


def _instance_groups(ctx: CheckContext) -> tuple[list[str], list[dict]]:
    snap = ctx.snapshot
    ids = snap.instance_sg_ids if snap.instance else [g["GroupId"] for g in snap.groups_named(ctx.params.ec2_sg_name)]
    return ids, snap.groups(ids)


def _named(snap, group_id: str) -> str:
    """A security group as the console shows it: its name and its id."""
    for group in snap.groups([group_id]) or []:
        if group.get("GroupName"):
            return f"{group['GroupName']} ({group_id})"
    return group_id


def _no_groups(ctx: CheckContext) -> Outcome:
    name = ctx.params.ec2_sg_name
    return failed(
        t(
            f"インスタンスのセキュリティグループ（{name}）が見つかりません。",
            f"The instance's security group ({name}) was not found.",
        ),
        t(
            f"前のステップで作成したセキュリティグループ「{name}」がインスタンスに付いているか確認してください。",
            f"Check that the security group {name} from the earlier steps is attached to the instance.",
        ),
        sandbox=PREPARE,
        name=name,
    )


def app_port_from_alb_only(ctx: CheckContext) -> Outcome:
    """ec2sg.app_port_from_alb_only: the app port is allowed from an SG attached to the ALB and from no CIDR."""
    p, snap = ctx.params, ctx.snapshot
    ids, groups = _instance_groups(ctx)
    if not groups:
        return _no_groups(ctx)
    alb_sgs = set(snap.alb_sg_ids)
    grants = grants_for_port(groups, p.app_port)
    good = [g for g in grants if g.source_kind == "sg" and g.source in alb_sgs]
    bad = [g for g in grants if g not in good]
    evidence = {
        "instance_security_groups": ids,
        "alb_security_groups": sorted(alb_sgs),
        "allowed_from_alb": [g.describe() for g in good],
        "other_sources": [g.describe() for g in bad],
    }
    if good and not bad:
        return passed(
            t(
                f"ポート {p.app_port} は ALB のセキュリティグループ {good[0].source} からだけ許可されています。",
                f"Port {p.app_port} is allowed only from the ALB's security group {good[0].source}.",
            ),
            **evidence,
        )
    alb_text = ", ".join(_named(snap, g) for g in sorted(alb_sgs)) or p.alb_sg_name
    if bad and good:
        listed = "; ".join(g.describe() for g in bad)
        return failed(
            t(
                f"ポート {p.app_port} が ALB 以外にも開いています：{listed}",
                f"Port {p.app_port} is open to more than the ALB: {listed}",
            ),
            t(
                "「インバウンドルールを編集」で上のルールを削除し、ポート"
                f" {p.app_port} のソースを ALB のセキュリティグループ"
                f"（{alb_text}）だけにしてください。「すべてのトラフィック」のルールも対象です。",
                "Edit inbound rules: delete the rules above and keep"
                f" port {p.app_port} open only to the ALB's security "
                f"group ({alb_text}). 'All traffic' rules count too.",
            ),
            blocking=False,  # the ALB gets through: too open, not cut off
            **evidence,
        )
    # The first broken link: port 8000 is not open to the ALB's group (whatever else it is open to).
    sources = sorted({_named(snap, g.source) if g.source_kind == "sg" else g.source for g in bad})
    now_ja = f"いまのソースは {', '.join(sources)} です。" if sources else ""
    now_en = f" Its source now: {', '.join(sources)}." if sources else ""
    return failed(
        t(
            f"インスタンスのセキュリティグループが ALB のセキュリティグループ（{alb_text}）からのポート {p.app_port} を"
            f"許可していないため、ALB からアプリに届きません。{now_ja}",
            f"The instance's security group does not allow port {p.app_port} from the ALB's security group "
            f"({alb_text}), so the ALB cannot reach the app.{now_en}",
        ),
        t(
            f"「インバウンドルールを編集」でカスタム TCP {p.app_port}、ソースに「{p.alb_sg_name}」（{alb_text}）を"
            "指定したルールを追加してください。",
            f"Edit inbound rules: add Custom TCP {p.app_port} with source {p.alb_sg_name} ({alb_text}).",
        ),
        blocking=not any(g.may_admit_vpc for g in bad),  # 0.0.0.0/0 still lets the ALB in: not the broken link
        **evidence,
    )


def no_public_ingress(ctx: CheckContext) -> Outcome:
    """ec2sg.no_public_ingress: no rule of the instance's SGs lets anything in from 0.0.0.0/0 or ::/0."""
    ids, groups = _instance_groups(ctx)
    if not groups:
        return _no_groups(ctx)
    open_ = world_grants(groups)
    evidence = {"instance_security_groups": ids, "public_rules": [g.describe() for g in open_]}
    if not open_:
        return passed(
            t(
                "インスタンスのセキュリティグループはインターネット（0.0.0.0/0, ::/0）からの通信を許可していません。",
                "The instance's security groups allow nothing from the internet (0.0.0.0/0, ::/0).",
            ),
            **evidence,
        )
    listed = "; ".join(g.describe() for g in open_)
    return failed(
        t(f"インスタンスがインターネットに開いています：{listed}", f"The instance is open to the internet: {listed}"),
        t(
            "「インバウンドルールを編集」で、ソースが 0.0.0.0/0 または ::/0 のルールを削除してください"
            "（IPv6 のルールも含みます）。",
            "Edit inbound rules and delete the rules whose source is 0.0.0.0/0 or ::/0 (IPv6 rules too).",
        ),
        blocking=False,  # too open: nothing downstream breaks because of it
        **evidence,
    )
