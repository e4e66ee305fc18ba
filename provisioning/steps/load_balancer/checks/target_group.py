"""Create the ALB / target group: the target group exists, the instance is registered on the app port, and healthy.

Reason codes and their hints are the shared reading of target health (provisioning.checks.target_health).
"""

from __future__ import annotations

from provisioning.checks.base import CheckContext, Outcome, failed, passed, t
from provisioning.checks.target_health import REASON_HINTS, explain

__all__ = ["REASON_HINTS", "exists", "instance_registered", "target_healthy", "target_port"]


def _registrations(ctx: CheckContext) -> list[dict]:
    """The target group's registrations of the tutorial's instance."""
    inst = ctx.snapshot.instance or {}
    iid = inst.get("InstanceId")
    return [d for d in ctx.snapshot.target_health if (d.get("Target") or {}).get("Id") == iid]


def exists(ctx: CheckContext) -> Outcome:
    """tg.exists: target group aws-hands-on exists, target type instance, protocol HTTP."""
    name = ctx.params.tg_name
    tg = ctx.snapshot.target_group
    if tg is None:
        return failed(
            t(f"ターゲットグループ「{name}」がありません。", f"There is no target group named {name}."),
            t(
                "EC2 コンソールの「ターゲットグループ」→「ターゲッ"
                "トグループの作成」で、ターゲットタイプ「インスタンス」、"
                f"プロトコル HTTP、ポート {ctx.params.app_port}、名前「{name}」で作成してください。",
                f"In the EC2 console choose Target Groups → Create target group: target type Instances, "
                f"protocol HTTP, port {ctx.params.app_port}, name {name}.",
            ),
            name=name,
        )
    ttype, proto = tg.get("TargetType"), tg.get("Protocol")
    evidence = {"arn": tg.get("TargetGroupArn"), "target_type": ttype, "protocol": proto, "port": tg.get("Port")}
    if ttype != "instance" or proto != "HTTP":
        return failed(
            t(
                f"ターゲットグループ「{name}」のターゲットタイプが {ttype}、プロトコルが {proto} です"
                "（instance と HTTP が必要です）。",
                f"Target group {name} has target type {ttype} and protocol {proto} (instance and HTTP are needed).",
            ),
            t(
                "ターゲットタイプとプロトコルは後から変更できません。削除して「インスタンス」「HTTP」で作り直してください。",
                "Target type and protocol cannot be changed: delete it and create it again with Instances and HTTP.",
            ),
            **evidence,
        )
    return passed(
        t(
            f"ターゲットグループ「{name}」（instance / HTTP）があります。",
            f"Target group {name} (instance, HTTP) exists.",
        ),
        **evidence,
    )


def instance_registered(ctx: CheckContext) -> Outcome:
    """tg.instance_registered: the tutorial's instance is a registered target of the target group."""
    iid = (ctx.snapshot.instance or {}).get("InstanceId")
    registered = [(d.get("Target") or {}).get("Id") for d in ctx.snapshot.target_health]
    if _registrations(ctx):
        return passed(
            t(f"インスタンス {iid} がターゲットとして登録されています。", f"Instance {iid} is a registered target."),
            instance_id=iid,
            registered=registered,
        )
    return failed(
        t(
            f"インスタンス {iid} がターゲットグループ「{ctx.params.tg_name}」に登録されていません"
            f"（登録済み: {', '.join(registered) or 'なし'}）。",
            f"Instance {iid} is not registered in target group {ctx.params.tg_name} "
            f"(registered: {', '.join(registered) or 'none'}).",
        ),
        t(
            "ターゲットグループの「ターゲット」タブ→「ターゲットを登録」で"
            f" {iid} を選び、ポート {ctx.params.app_port} で"
            "「保留中として以下を含める」→「保留中のターゲットを登録」をクリックしてください。",
            f"On the target group's Targets tab choose Register targets, select {iid}, port {ctx.params.app_port}, "
            "Include as pending below, then Register pending targets.",
        ),
        instance_id=iid,
        registered=registered,
    )


def target_port(ctx: CheckContext) -> Outcome:
    """tg.target_port: traffic reaches the instance on the app port: the *registered* port counts, not the nominal."""
    app = ctx.params.app_port
    nominal = (ctx.snapshot.target_group or {}).get("Port")
    ports = sorted({(d.get("Target") or {}).get("Port") for d in _registrations(ctx)}, key=lambda x: x or 0)
    evidence = {"registered_ports": ports, "target_group_port": nominal}
    if ports == [app]:
        return passed(
            t(f"インスタンスにはポート {app} で届きます。", f"Traffic reaches the instance on port {app}."), **evidence
        )
    wrong = [p for p in ports if p != app]
    return failed(
        t(
            f"インスタンスがポート {', '.join(map(str, wrong))}"
            f" で登録されています。アプリはポート {app} で待ち受けています。",
            f"The instance is registered on port {', '.join(map(str, wrong))}; the app listens on port {app}.",
        ),
        t(
            f"ターゲットタブでポート {', '.join(map(str, wrong))}"
            f" の登録を解除し、ポート {app} で登録し直してください。",
            f"On the Targets tab deregister the port {', '.join(map(str, wrong))} registration and register the "
            f"instance again on port {app}.",
        ),
        **evidence,
    )


def target_healthy(ctx: CheckContext) -> Outcome:
    """tg.target_healthy: the registered instance is healthy; every reason code has its own hint."""
    regs = _registrations(ctx)
    iid = (ctx.snapshot.instance or {}).get("InstanceId")
    states = [(d.get("TargetHealth") or {}) for d in regs]
    evidence = {
        "instance_id": iid,
        "targets": [
            {
                "port": (d.get("Target") or {}).get("Port"),
                "state": h.get("State"),
                "reason": h.get("Reason"),
                "description": h.get("Description"),
            }
            for d, h in zip(regs, states, strict=True)
        ],
    }
    bad = [h for h in states if h.get("State") != "healthy"]
    if not bad:
        return passed(t(f"ターゲット {iid} は healthy です。", f"Target {iid} is healthy."), **evidence)
    verdict = explain(
        next(d for d in regs if (d.get("TargetHealth") or {}).get("State") != "healthy"),
        app_port=ctx.params.app_port,
        tg_name=ctx.params.tg_name,
        health_check_path=(ctx.snapshot.target_group or {}).get("HealthCheckPath") or ctx.params.health_check_path,
        private_ip=(ctx.snapshot.instance or {}).get("PrivateIpAddress"),
    )
    evidence.update(verdict.evidence)
    hint = verdict.hint  # a target on the wrong port is blamed on tg.target_port (catalog: causes)
    if verdict.aws_error:  # AWS could not tell us: not the learner's fault
        return Outcome("error", verdict.message, hint, evidence)
    return failed(verdict.message, hint, transient=verdict.transient, **evidence)
