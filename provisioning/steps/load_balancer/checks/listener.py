"""Create the ALB: the HTTP:80 listener forwards to the tutorial's target group.

Weighted forwards (ForwardConfig.TargetGroups) count when the tutorial's target group has a weight above 0: some
traffic then reaches the instance, which is what the tutorial asks. The evidence lists every weight.
"""

from __future__ import annotations

from provisioning.checks.base import CheckContext, Outcome, failed, passed, t
from provisioning.checks.listeners import forward_targets, forwards_to, tg_name_of


def http80_forward(ctx: CheckContext) -> Outcome:
    """listener.http80_forward: an HTTP:80 listener whose default action forwards to aws-hands-on."""
    p, snap = ctx.params, ctx.snapshot
    ports = sorted(f"{li.get('Protocol')}:{li.get('Port')}" for li in snap.listeners)
    listener = next((li for li in snap.listeners if li.get("Port") == p.listener_port), None)
    if listener is None:
        return failed(
            t(
                f"ロードバランサーにポート {p.listener_port} のリスナーがあ"
                f"りません（あるもの: {', '.join(ports) or 'なし'}）。",
                f"The load balancer has no listener on port {p.listener_port} (found: {', '.join(ports) or 'none'}).",
            ),
            t(
                f"ロードバランサーの「リスナーとルール」→「リスナーの追加」で HTTP:{p.listener_port} を追加し、"
                f"デフォルトアクションを「{p.tg_name} に転送」にしてください。",
                f"On the load balancer's Listeners and rules tab choose Add listener: HTTP:{p.listener_port}, "
                f"default action Forward to {p.tg_name}.",
            ),
            listeners=ports,
        )
    proto = listener.get("Protocol")
    targets = forward_targets(listener)
    tg_arn = (snap.target_group or {}).get("TargetGroupArn")
    evidence = {
        "listener_arn": listener.get("ListenerArn"),
        "protocol": proto,
        "forwards_to": [{"target_group": tg_name_of(arn), "weight": w} for arn, w in targets],
    }
    if proto != "HTTP":
        return failed(
            t(
                f"ポート {p.listener_port} のリスナーのプロトコルが {proto} です（HTTP が必要です）。",
                f"The port {p.listener_port} listener uses {proto}; HTTP is needed.",
            ),
            t(
                "リスナーを編集してプロトコルを HTTP にしてください。",
                "Edit the listener and set its protocol to HTTP.",
            ),
            **evidence,
        )
    ours = forwards_to(listener, tg_arn, p.tg_name)
    if ours and max(ours) > 0:
        return passed(
            t(
                f"HTTP:{p.listener_port} リスナーが「{p.tg_name}」に転送しています。",
                f"The HTTP:{p.listener_port} listener forwards to {p.tg_name}.",
            ),
            **evidence,
        )
    if ours:
        why = t(f"「{p.tg_name}」への重みが 0 です。", f"its weight for {p.tg_name} is 0.")
    elif targets:
        names = ", ".join(tg_name_of(a) for a, _ in targets)
        why = t(f"転送先が「{names}」です。", f"it forwards to {names}.")
    else:
        kinds = ", ".join(a.get("Type", "?") for a in listener.get("DefaultActions") or [])
        why = t(
            f"デフォルトアクションが転送ではありません（{kinds}）。", f"its default action is not a forward ({kinds})."
        )
    return failed(
        t(
            f"HTTP:{p.listener_port} リスナーが「{p.tg_name}」に転送していません：{why['ja']}",
            f"The HTTP:{p.listener_port} listener does not forward to {p.tg_name}: {why['en']}",
        ),
        t(
            f"リスナーのデフォルトアクションを編集し「ターゲットグループへ転送」で「{p.tg_name}」を選んでください。",
            f"Edit the listener's default action: Forward to target group {p.tg_name}.",
        ),
        **evidence,
    )
