"""Create the ALB: it exists, is internet-facing, spans enough AZs, is active, and its SG lets HTTP in."""

from __future__ import annotations

from provisioning.checks.base import CheckContext, Outcome, failed, passed, t
from provisioning.checks.sg_rules import grants_for_port


def _lb(ctx: CheckContext) -> dict:
    assert ctx.snapshot.load_balancer is not None  # guaranteed by the dependency on alb.exists
    return ctx.snapshot.load_balancer


def exists(ctx: CheckContext) -> Outcome:
    """alb.exists: an application load balancer named aws-hands-on exists."""
    name = ctx.params.lb_name
    lb = ctx.snapshot.load_balancer
    if lb is None:
        return failed(
            t(
                f"ロードバランサー「{name}」がリージョン {ctx.region} にありません。",
                f"There is no load balancer named {name} in region {ctx.region}.",
            ),
            t(
                f"EC2 コンソールの「ロードバランサー」→「ロードバランサーの作成」で Application Load Balancer を"
                f"名前「{name}」で作成してください（リージョン {ctx.region}）。",
                f"In the EC2 console choose Load Balancers → Create load balancer and create an Application "
                f"Load Balancer named {name} (region {ctx.region}).",
            ),
            name=name,
            region=ctx.region,
        )
    evidence = {"arn": lb.get("LoadBalancerArn"), "type": lb.get("Type"), "dns_name": lb.get("DNSName")}
    if lb.get("Type", "application") != "application":
        return failed(
            t(
                f"「{name}」は {lb.get('Type')} ロードバランサーです。Application Load Balancer が必要です。",
                f"{name} is a {lb.get('Type')} load balancer, not an Application Load Balancer.",
            ),
            t(
                "種類は後から変えられません。削除して Application Load Balancer として作り直してください。",
                "The type cannot be changed: delete it and create an Application Load Balancer.",
            ),
            **evidence,
        )
    return passed(
        t(f"Application Load Balancer「{name}」があります。", f"Application Load Balancer {name} exists."),
        **evidence,
    )


def internet_facing(ctx: CheckContext) -> Outcome:
    """alb.internet_facing: the scheme is internet-facing (an internal ALB has no public address)."""
    lb = _lb(ctx)
    scheme = lb.get("Scheme")
    if scheme == "internet-facing":
        return passed(
            t("スキームはインターネット向け（internet-facing）です。", "Scheme is internet-facing."), scheme=scheme
        )
    return failed(
        t(
            f"スキームが {scheme} になっていて、インターネットから届きません。",
            f"The scheme is {scheme}, so it cannot be reached from the internet.",
        ),
        t(
            "スキームは後から変更できません。ロードバランサーを削除し、スキーム「インターネット向け」で作り直してください。",
            "The scheme cannot be changed: delete the load balancer and create it again with scheme Internet-facing.",
        ),
        scheme=scheme,
    )


def three_azs(ctx: CheckContext) -> Outcome:
    """alb.three_azs: enabled in at least `min_azs` (3) availability zones."""
    lb = _lb(ctx)
    zones = sorted(z.get("ZoneName", "") for z in lb.get("AvailabilityZones") or [])
    need = ctx.params.min_azs
    if len(zones) >= need:
        return passed(
            t(f"{len(zones)} つのアベイラビリティーゾーンで有効です。", f"Enabled in {len(zones)} availability zones."),
            zones=zones,
        )
    # Only an ALB that leaves out the instance's own zone cuts the instance off (its target is then unused).
    instance_zone = ((ctx.snapshot.instance or {}).get("Placement") or {}).get("AvailabilityZone")
    return failed(
        t(
            f"有効なアベイラビリティーゾーンが {len(zones)} つ"
            f"（{', '.join(zones) or 'なし'}）です。{need} つ必要です。",
            f"Enabled in {len(zones)} of the {need} availability zones needed ({', '.join(zones) or 'none'}).",
        ),
        t(
            "ロードバランサーの「ネットワークマッピング」→「サブネットを編集」で、残りのアベイラビリティーゾーンの"
            "サブネットを選択してください。",
            "On the load balancer's Network mapping tab choose Edit subnets and select a subnet in the missing zones.",
        ),
        blocking=bool(instance_zone) and instance_zone not in zones,
        zones=zones,
        required=need,
    )


def active(ctx: CheckContext) -> Outcome:
    """alb.active: state is active; `provisioning` is a transient fail ("wait a minute")."""
    state = (_lb(ctx).get("State") or {}).get("Code", "")
    if state == "active":
        return passed(t("状態は active です。", "State is active."), state=state)
    if state == "provisioning":
        return failed(
            t("ロードバランサーはまだ準備中（provisioning）です。", "The load balancer is still provisioning."),
            t(
                "作成には数分かかります。1 分ほど待ってからもう一度確認してください。",
                "This takes a few minutes: wait a minute and check again.",
            ),
            transient=True,
            state=state,
        )
    return failed(
        t(f"ロードバランサーの状態が {state} です。", f"The load balancer's state is {state}."),
        t(
            "サブネットとセキュリティグループの設定を確認してください。直らない場合は削除して作り直してください。",
            "Check its subnets and security groups; if it does not recover, delete it and create it again.",
        ),
        state=state,
    )


def sg_allows_http(ctx: CheckContext) -> Outcome:
    """alb.sg_allows_http: a security group attached to the ALB allows TCP 80 from 0.0.0.0/0 (any IPv4 /0)."""
    snap, p = ctx.snapshot, ctx.params
    attached = snap.alb_sg_ids
    groups = snap.groups(attached)
    ok = [g for g in grants_for_port(groups, p.listener_port) if g.is_world and g.source_kind == "cidr4"]
    named = [g["GroupId"] for g in snap.groups_named(p.alb_sg_name)]
    evidence = {"alb_security_groups": attached, "matching_rules": [g.describe() for g in ok]}
    if ok:
        return passed(
            t(
                f"ALB のセキュリティグループ {ok[0].group_id} が 0.0.0"
                f".0/0 からの TCP {p.listener_port} を許可しています。",
                f"ALB security group {ok[0].group_id} allows TCP {p.listener_port} from 0.0.0.0/0.",
            ),
            **evidence,
        )
    if named and not set(named) & set(attached):
        hint = t(
            f"セキュリティグループ「{p.alb_sg_name}」（{', '.join(named)}）が ALB に付いていません。"
            "ロードバランサーの「セキュリティ」タブ→「編集」で付け替えてください。",
            f"Security group {p.alb_sg_name} ({', '.join(named)}) is not attached to the ALB: "
            "on the load balancer's Security tab choose Edit and attach it.",
        )
    else:
        hint = t(
            f"ALB のセキュリティグループ（{', '.join(attached) or 'なし'}）のインバウンドルールに"
            f"「HTTP / TCP {p.listener_port} / ソース 0.0.0.0/0」を追加してください。",
            f"Add an inbound rule HTTP (TCP {p.listener_port}) from 0.0.0.0/0 to the ALB's security group "
            f"({', '.join(attached) or 'none attached'}).",
        )
    return failed(
        t(
            "ALB のセキュリティグループが、インターネット（0.0.0.0/0）"
            f"からの TCP {p.listener_port} を許可していません。",
            f"No security group on the ALB allows TCP {p.listener_port} from the internet (0.0.0.0/0).",
        ),
        hint,
        **evidence,
    )
