"""Create the ALB / target group: the target group exists, the instance is registered on the app port, and healthy.

`REASON_HINTS` gives every target-health reason code AWS documents its own message and hint; a health check answered
with 400 (Django rejecting the Host header: ALLOWED_HOSTS) gets its own hint on top of Target.ResponseCodeMismatch.
"""

from __future__ import annotations

import re

from provisioning.checks.base import CheckContext, Outcome, failed, passed, t


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


# reason code -> (message, hint, transient). Texts follow the ELB documentation of TargetHealth.Reason.
REASON_HINTS: dict[str, tuple[dict[str, str], dict[str, str], bool]] = {
    "Elb.RegistrationInProgress": (
        t("ターゲットを登録中です。", "The target is being registered."),
        t("1 分ほど待ってからもう一度確認してください。", "Wait a minute and check again."),
        True,
    ),
    "Elb.InitialHealthChecking": (
        t("最初のヘルスチェックを実行中です。", "The first health checks are running."),
        t("1〜2 分待ってからもう一度確認してください。", "Wait a minute or two and check again."),
        True,
    ),
    "Target.ResponseCodeMismatch": (
        t(
            "ヘルスチェックに想定外のステータスコードが返っています。",
            "The health check got an unexpected status code.",
        ),
        t(
            "ヘルスチェックのパスがアプリで 200 を返すか確認して"
            "ください（ターゲットグループの「ヘルスチェック」タブ）。",
            "Make sure the health check path returns 200 from the app (target group → Health checks tab).",
        ),
        False,
    ),
    "Target.Timeout": (
        t("ヘルスチェックがタイムアウトしています。", "The health check timed out."),
        t(
            "EC2 のセキュリティグループが ALB のセキュリティグループからのポート {port} を許可しているか、"
            "アプリが 0.0.0.0:{port} で起動しているかを確認してください。",
            "Check that the EC2 security group allows port {port} from the ALB's security group and that the app is "
            "running on 0.0.0.0:{port}.",
        ),
        False,
    ),
    "Target.FailedHealthChecks": (
        t("ヘルスチェックの接続に失敗しています。", "Health check connections are failing."),
        t(
            "インスタンスでアプリがポート {port} で起動しているか確認してください。"
            "`python manage.py runserver 0.0.0.0:{port}` のように 0.0.0.0 で待ち受ける必要があります。",
            "Check that the app is running on port {port} on the instance, listening on 0.0.0.0 "
            "(e.g. `python manage.py runserver 0.0.0.0:{port}`), not only on 127.0.0.1.",
        ),
        False,
    ),
    "Target.NotRegistered": (
        t("ターゲットがターゲットグループに登録されていません。", "The target is not registered in the target group."),
        t(
            "ターゲットタブの「ターゲットを登録」でインスタンスを登録してください。",
            "Register the instance on the Targets tab.",
        ),
        False,
    ),
    "Target.NotInUse": (
        t(
            "ターゲットグループがロードバランサーで使われていないか、インスタンスの AZ が ALB で有効になっていません。",
            "The target group is not used by the load balancer, or the instance's AZ is not enabled on the ALB.",
        ),
        t(
            "リスナーの転送先が「{tg}」か、インスタンスのアベイラビリティーゾーンが ALB のサブネットに含まれているかを"
            "確認してください。",
            "Check that the listener forwards to {tg} and that the instance's availability zone is enabled on the ALB.",
        ),
        False,
    ),
    "Target.DeregistrationInProgress": (
        t("ターゲットの登録解除中です。", "The target is being deregistered."),
        t(
            "意図していない場合は、解除が終わってから登録し直してください。",
            "If you did not mean to, register it again once deregistration ends.",
        ),
        False,
    ),
    "Target.InvalidState": (
        t(
            "インスタンスが停止しているなど、ヘルスチェックできない状態です。",
            "The instance is stopped or otherwise not usable.",
        ),
        t("インスタンスを起動し、アプリも起動してください。", "Start the instance and then the app."),
        False,
    ),
    "Target.IpUnusable": (
        t(
            "ターゲットの IP アドレスが使えません（ロードバランサーが使用中）。",
            "The target's IP address is unusable (in use by a load balancer).",
        ),
        t(
            "ターゲットタイプ「インスタンス」でインスタンス ID を登録してください。",
            "Register the instance by its instance id in a target group of type Instances.",
        ),
        False,
    ),
    "Target.HealthCheckDisabled": (
        t("ヘルスチェックが無効になっています。", "Health checks are disabled."),
        t(
            "ターゲットグループの「ヘルスチェック」タブで「編集」を押し、ヘルスチェックを有効にしてください。",
            "On the target group's Health checks tab choose Edit and enable health checks.",
        ),
        False,
    ),
    "Elb.InternalError": (
        t("ELB の内部エラーでヘルス状態がわかりません。", "An ELB internal error: health is unknown."),
        t("少し待ってからもう一度確認してください。", "Wait a little and check again."),
        False,
    ),
}

_CODES = re.compile(r"\[([\d,\s]+)\]")


def _codes(description: str) -> list[int]:
    """'Health checks failed with these codes: [400]' -> [400]."""
    match = _CODES.search(description or "")
    return [int(c) for c in match.group(1).replace(" ", "").split(",") if c] if match else []


def _response_code_hint(codes: list[int], ctx: CheckContext) -> dict[str, str] | None:
    path = (ctx.snapshot.target_group or {}).get("HealthCheckPath") or ctx.params.health_check_path
    private_ip = (ctx.snapshot.instance or {}).get("PrivateIpAddress") or "<private IP>"
    if 400 in codes:
        return t(
            "Django がヘルスチェックの Host ヘッダーを拒否しています（400 Bad Request）。ALB はインスタンスの"
            f"プライベート IP（{private_ip}）を Host にして送るので、settings.py の ALLOWED_HOSTS に {private_ip} を"
            f"追加するか、{path} をホスト検証なしで応答するようにしてください。",
            "Django rejected the health check's Host header (400 Bad Request). The ALB sends the instance's private "
            f"IP ({private_ip}) as Host: add {private_ip} to ALLOWED_HOSTS in settings.py, or answer {path} without "
            "host validation.",
        )
    if 404 in codes:
        return t(
            f"ヘルスチェックのパス {path} がアプリにありません（404）。アプリが 200 を返すパスに変更してください。",
            f"The health check path {path} does not exist in the app (404): set a path the app answers with 200.",
        )
    if any(300 <= c < 400 for c in codes):
        return t(
            f"ヘルスチェックのパス {path} がリダイレクトしています。リダイレクトしないパスにするか、"
            "成功コードに 3xx を含めてください。",
            f"The health check path {path} redirects: use a path that does not, or add 3xx to the success codes.",
        )
    if any(c >= 500 for c in codes):
        return t(
            f"アプリが {path} でエラー（5xx）を返しています。インスタンスでアプリのログを確認してください。",
            f"The app answers {path} with a server error (5xx): check the app's log on the instance.",
        )
    return None


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
    health = bad[0]
    state, reason, desc = health.get("State", ""), health.get("Reason", ""), health.get("Description", "")
    message, hint, transient = REASON_HINTS.get(
        reason,
        (
            t(f"ターゲットの状態が {state} です。", f"The target's state is {state}."),
            t("少し待ってからもう一度確認してください。", "Wait a little and check again."),
            state == "initial",
        ),
    )
    fmt = {"port": ctx.params.app_port, "tg": ctx.params.tg_name}
    hint = {k: v.format(**fmt) for k, v in hint.items()}
    if reason == "Target.ResponseCodeMismatch":
        codes = _codes(desc)
        evidence["codes"] = codes
        hint = _response_code_hint(codes, ctx) or hint
    wrong_ports = sorted({(d.get("Target") or {}).get("Port") for d in regs} - {ctx.params.app_port, None}, key=str)
    if wrong_ports:
        # The first broken link upstream: the target is registered on another port than the app's, so the health
        # check asks a port nothing listens on. That is the thing to fix, not "is Django running".
        port, app_port = wrong_ports[0], ctx.params.app_port
        hint = t(
            f"ターゲットがポート {port} で登録されています。アプリはポート {app_port} で待っているので、"
            f"ターゲットグループでポート {port} の登録を解除し、ポート {app_port} で登録し直してください。",
            f"The target is registered on port {port}, but the app listens on port {app_port}: deregister it from "
            f"the target group and register it again on port {app_port}.",
        )
        evidence["registered_ports"] = wrong_ports
    prefix = t(
        f"ターゲット {iid} は {state}（{reason or '理由なし'}）：",
        f"Target {iid} is {state} ({reason or 'no reason'}): ",
    )
    full = {k: prefix[k] + message[k] for k in ("ja", "en")}
    if reason == "Elb.InternalError":
        return Outcome("error", full, hint, evidence)  # AWS could not tell us: not the learner's fault
    return failed(full, hint, transient=transient or state == "initial", **evidence)
