"""Step 6's checks: two instances of the app in two of the ALB's zones, all registered and healthy, still served.

They read Step 5's snapshot (the same seven calls) with the shared building blocks: security-group rules through
checks.sg_rules, the listener's forward through checks.listeners, target reason codes through checks.target_health,
the ALB's HTTP answer through checks.reachability. Every failure names the broken link and the fix.
"""

from __future__ import annotations

from provisioning.checks.base import CheckContext, Outcome, SandboxHelp, failed, passed, t
from provisioning.checks.listeners import forward_targets, forwards_to, tg_name_of
from provisioning.checks.reachability import alb_answer
from provisioning.checks.sg_rules import grants_for_port, world_grants
from provisioning.checks.target_health import explain
from provisioning.instances import state_of
from provisioning.steps.load_balancer.snapshot import sg_ids_of

STEP5_HINT = t(
    "ステップ5 を最後まで終えてから始めてください（このページの「準備する」ボタンでステップ5 を終えた状態を作ることも"
    "できます）。",
    "Finish Step 5 first (or press “Prepare” on this page, which builds Step 5's finished state).",
)
# Step 5's state missing: STEP5_HINT already says what "Prepare" builds, in the sandbox as on AWS; nothing to add.
STEP5_MISSING = SandboxHelp(solve=False)
LAUNCH_MORE = t(
    "EC2 コンソールで 1 台目のインスタンスを選び「アクション」→「イメージとテンプレート」→「同様のものを起動」で、"
    "ALB が有効な別のアベイラビリティーゾーンのサブネットを選んで 2 台目を起動してください（タグ {tag} と"
    "セキュリティグループ「{sg}」はそのまま引き継がれます）。",
    "In the EC2 console select the first instance and choose Actions → Images and templates → Launch more like this, "
    "and pick a subnet in another availability zone the ALB is enabled in (the tag {tag} and the security group {sg} "
    "are carried over).",
)


def _fmt(text: dict[str, str], **values: object) -> dict[str, str]:
    return {k: v.format(**values) for k, v in text.items()}


def _tag(ctx: CheckContext) -> str:
    return f"{ctx.params.instance_tag_key}={ctx.params.instance_tag_value}"


def _running(ctx: CheckContext) -> list[dict]:
    return [i for i in ctx.snapshot.live_instances if state_of(i) == "running"]


def _az(instance: dict) -> str:
    return str((instance.get("Placement") or {}).get("AvailabilityZone") or "?")


def _ids(instances: list[dict]) -> str:
    return ", ".join(str(i.get("InstanceId")) for i in instances)


def _alb_zones(ctx: CheckContext) -> list[str]:
    return sorted(z.get("ZoneName", "") for z in (ctx.snapshot.load_balancer or {}).get("AvailabilityZones") or [])


# --- before you start ---------------------------------------------------------------------------------------------


def alb_ready(ctx: CheckContext) -> Outcome:
    """redundancy.alb_ready: Step 5's ALB is active and its HTTP listener forwards to the target group."""
    p, snap = ctx.params, ctx.snapshot
    lb = snap.load_balancer
    if lb is None:
        return failed(
            t(
                f"ステップ5 のロードバランサー「{p.lb_name}」がリージョン {ctx.region} にありません。",
                f"Step 5's load balancer {p.lb_name} is not in region {ctx.region}.",
            ),
            STEP5_HINT,
            sandbox=STEP5_MISSING,
            name=p.lb_name,
        )
    state = (lb.get("State") or {}).get("Code", "")
    evidence = {"state": state, "dns_name": lb.get("DNSName"), "zones": _alb_zones(ctx)}
    if state == "provisioning":
        return failed(
            t("ロードバランサーはまだ準備中（provisioning）です。", "The load balancer is still provisioning."),
            t("1 分ほど待ってからもう一度確認してください。", "Wait a minute and check again."),
            transient=True,
            **evidence,
        )
    if state != "active":
        return failed(
            t(f"ロードバランサーの状態が {state} です。", f"The load balancer's state is {state}."),
            t(
                "ステップ5 の「ロードバランサーの確認」に戻り、サブネットとセキュリティグループを確認してください。",
                "Go back to Step 5's 'Check the load balancer' and check its subnets and security groups.",
            ),
            **evidence,
        )
    if snap.target_group is None:
        return failed(
            t(f"ターゲットグループ「{p.tg_name}」がありません。", f"There is no target group {p.tg_name}."),
            STEP5_HINT,
            sandbox=STEP5_MISSING,
            **evidence,
        )
    listener = next((li for li in snap.listeners if li.get("Port") == p.listener_port), None)
    tg_arn = snap.target_group.get("TargetGroupArn")
    if (
        listener is None
        or listener.get("Protocol") != "HTTP"
        or max(forwards_to(listener, tg_arn, p.tg_name) or [0]) <= 0
    ):
        found = ", ".join(tg_name_of(a) for a, _w in forward_targets(listener or {})) or "—"
        return failed(
            t(
                f"HTTP:{p.listener_port} のリスナーが「{p.tg_name}」に転送していません（転送先: {found}）。",
                f"No HTTP:{p.listener_port} listener forwards to {p.tg_name} (forwards to: {found}).",
            ),
            t(
                f"ロードバランサーの「リスナーとルール」で HTTP:{p.listener_port} のデフォルトアクションを"
                f"「{p.tg_name} に転送」にしてください。",
                f"On the load balancer's Listeners and rules tab set the HTTP:{p.listener_port} default action to "
                f"Forward to {p.tg_name}.",
            ),
            **evidence,
        )
    return passed(
        t(
            f"ロードバランサー「{p.lb_name}」は active で、HTTP:{p.listener_port} リスナーが「{p.tg_name}」に"
            "転送しています。",
            f"Load balancer {p.lb_name} is active and its HTTP:{p.listener_port} listener forwards to {p.tg_name}.",
        ),
        **evidence,
    )


# --- launch a second instance -------------------------------------------------------------------------------------


def two_instances_running(ctx: CheckContext) -> Outcome:
    """redundancy.two_instances_running: at least `min_instances` tagged instances are running."""
    p = ctx.params
    live = ctx.snapshot.live_instances
    running = _running(ctx)
    need = p.min_instances
    evidence = {
        "running": [i.get("InstanceId") for i in running],
        "others": {str(i.get("InstanceId")): state_of(i) for i in live if i not in running},
        "required": need,
    }
    if len(running) >= need:
        return passed(
            t(
                f"タグ {_tag(ctx)} のインスタンスが {len(running)} 台起動しています（{_ids(running)}）。",
                f"{len(running)} instances tagged {_tag(ctx)} are running ({_ids(running)}).",
            ),
            **evidence,
        )
    pending = [i for i in live if state_of(i) == "pending"]
    stopped = [i for i in live if state_of(i) in ("stopped", "stopping")]
    message = t(
        f"タグ {_tag(ctx)} の起動中のインスタンスは {len(running)} 台です。{need} 台必要です。",
        f"Running instances tagged {_tag(ctx)}: {len(running)} of the {need} needed.",
    )
    if pending and len(running) + len(pending) >= need:
        return failed(
            message,
            t(
                f"{_ids(pending)} は起動処理中（pending）です。1 分ほど待ってからもう一度確認してください。",
                f"{_ids(pending)} is still starting (pending): wait a minute and check again.",
            ),
            transient=True,
            **evidence,
        )
    if stopped:
        hint = t(
            f"停止しているインスタンス {_ids(stopped)} を「インスタンスの状態」→「インスタンスを開始」で"
            "起動してください。"
            "まだ 2 台目がない場合は、次のように起動します：" + LAUNCH_MORE["ja"],
            ("Start the stopped instance " if len(stopped) == 1 else "Start the stopped instances ")
            + f"{_ids(stopped)} (Instance state → Start instance). "
            "If there is no second instance yet: " + LAUNCH_MORE["en"],
        )
    else:
        hint = LAUNCH_MORE
    # A stopped instance cuts its target off (unused); a second one not launched yet leaves the first one serving.
    return failed(message, _fmt(hint, tag=_tag(ctx), sg=p.ec2_sg_name), blocking=bool(stopped), **evidence)


def instances_in_alb_azs(ctx: CheckContext) -> Outcome:
    """redundancy.instances_in_alb_azs: the running instances are in `min_azs` distinct zones, each on the ALB."""
    p = ctx.params
    zones = _alb_zones(ctx)
    running = _running(ctx)
    where = {str(i.get("InstanceId")): _az(i) for i in running}
    evidence = {"alb_zones": zones, "instance_zones": where, "required": p.min_azs}
    outside = [i for i in running if _az(i) not in zones]
    if outside:
        listed = ", ".join(f"{i.get('InstanceId')} ({_az(i)})" for i in outside)
        return failed(
            t(
                f"ALB が有効になっていないアベイラビリティーゾーンにインスタンスがあります：{listed}。"
                "ALB はこのインスタンスにリクエストを送りません。",
                f"Instances in an availability zone the ALB is not enabled in: {listed}. "
                "The ALB sends them no requests.",
            ),
            t(
                "ロードバランサーの「ネットワークマッピング」→「サブネットを編集」でそのゾーンのサブネットを追加するか、"
                f"ALB が有効なゾーン（{', '.join(zones)}）のサブネットでインスタンスを起動し直してください。",
                "On the load balancer's Network mapping tab choose Edit subnets and add that zone's subnet, or launch "
                f"the instance again in a subnet of a zone the ALB is enabled in ({', '.join(zones)}).",
            ),
            # The ALB sends nothing there: that instance's target is unused. (All in one zone still serves.)
            **evidence,
        )
    used = sorted(set(where.values()))
    if len(used) >= p.min_azs:
        return passed(
            t(
                f"起動中のインスタンスは {len(used)} つのアベイラビリティーゾーン（{', '.join(used)}）にあり、"
                "どれも ALB で有効です。",
                f"The running instances are in {len(used)} availability zones ({', '.join(used)}), "
                "all enabled on the ALB.",
            ),
            **evidence,
        )
    others = [z for z in zones if z not in used]
    return failed(
        t(
            f"起動中のインスタンスはすべて {', '.join(used)} にあります。このゾーンで障害が起きると、ページを"
            "表示できるインスタンスがなくなります。",
            f"Every running instance is in {', '.join(used)}: if that zone fails, no instance can serve the page.",
        ),
        t(
            f"2 台目は別のゾーン（{', '.join(others) or 'ALB が有効な別のゾーン'}）のサブネットを選んで"
            "起動してください。"
            "起動済みのインスタンスのゾーンは変えられないので、同じゾーンの 2 台目は終了して起動し直します。",
            "Launch the second instance in a subnet of another zone "
            f"({', '.join(others) or 'one the ALB is enabled in'})."
            " A running instance cannot change zones: terminate the one in the same zone and launch it again.",
        ),
        blocking=False,  # every instance still serves; only a zone failure would stop them
        **evidence,
    )


def sg_restricted(ctx: CheckContext) -> Outcome:
    """redundancy.sg_restricted: every tagged instance lets the app port in from the ALB's groups only, and nothing
    from the internet (0.0.0.0/0, ::/0): as restricted as Step 5 left the first one."""
    p, snap = ctx.params, ctx.snapshot
    alb_sgs = set(snap.alb_sg_ids)
    alb_text = ", ".join(sorted(alb_sgs)) or p.alb_sg_name
    problems: list[tuple[str, dict[str, str]]] = []  # (kind, message)
    per_instance: dict[str, dict] = {}
    for inst in snap.live_instances:
        iid = str(inst.get("InstanceId"))
        ids = sg_ids_of(inst)
        groups = snap.groups(ids)
        grants = grants_for_port(groups, p.app_port)
        good = [g for g in grants if g.source_kind == "sg" and g.source in alb_sgs]
        bad = [g for g in grants if g not in good]
        public = world_grants(groups)
        per_instance[iid] = {
            "security_groups": ids,
            "allowed_from_alb": [g.describe() for g in good],
            "other_sources": [g.describe() for g in bad],
            "public_rules": [g.describe() for g in public],
        }
        open_ = sorted({g.describe() for g in (*bad, *public)})
        if open_:
            problems.append(
                (
                    "open",
                    t(
                        f"{iid} が ALB 以外にも開いています：{'; '.join(open_)}",
                        f"{iid} is open to more than the ALB: {'; '.join(open_)}",
                    ),
                )
            )
        elif not good:
            problems.append(
                (
                    "closed",
                    t(
                        f"{iid} のセキュリティグループ（{', '.join(ids) or 'なし'}）が ALB からのポート {p.app_port} を"
                        "許可していないため、ALB から届きません。",
                        f"{iid}'s security groups ({', '.join(ids) or 'none'}) do not allow port {p.app_port} from "
                        "the ALB, so the ALB cannot reach it.",
                    ),
                )
            )
    evidence = {"alb_security_groups": sorted(alb_sgs), "instances": per_instance}
    if not problems:
        return passed(
            t(
                f"タグ付きのインスタンス {len(per_instance)} 台のセキュリティグループは、ポート {p.app_port} を ALB の"
                f"セキュリティグループ（{alb_text}）からだけ許可し、インターネットには開いていません。",
                f"The security groups of all {len(per_instance)} tagged instances allow port {p.app_port} only from "
                f"the ALB's security group ({alb_text}) and nothing from the internet.",
            ),
            **evidence,
        )
    message = {lang: " ".join(m[lang] for _k, m in problems) for lang in ("ja", "en")}
    hint = t(
        f"どのインスタンスにも、ステップ5 で制限したセキュリティグループ「{p.ec2_sg_name}」だけを付けてください"
        "（インスタンスの「アクション」→「セキュリティ」→「セキュリティグループを変更」）。「同様のものを起動」で"
        f"別のグループが選ばれていないか、そのグループにポート {p.app_port} を ALB のセキュリティグループ"
        f"（{alb_text}）から許可するルールだけがあるかを確認してください。",
        f"Give every instance only the security group {p.ec2_sg_name} you restricted in Step 5 (instance Actions → "
        "Security → Change security groups). Check that Launch more like this did not pick another group, and that "
        f"the group allows port {p.app_port} only from the ALB's security group ({alb_text}).",
    )
    # Only an instance the ALB cannot reach is a broken link; one open too widely still serves.
    return failed(message, hint, blocking=any(kind == "closed" for kind, _m in problems), **evidence)


# --- register the target ------------------------------------------------------------------------------------------


def all_registered(ctx: CheckContext) -> Outcome:
    """redundancy.all_registered: every running tagged instance is a target of the group on the app port."""
    p, snap = ctx.params, ctx.snapshot
    ports: dict[str, list[int]] = {}
    for d in snap.target_health:
        target = d.get("Target") or {}
        ports.setdefault(str(target.get("Id")), []).append(int(target.get("Port") or 0))
    running = _running(ctx)
    missing = [i for i in running if str(i.get("InstanceId")) not in ports]
    wrong = [i for i in running if i not in missing and p.app_port not in ports[str(i.get("InstanceId"))]]
    registered = sorted(f"{iid}:{port}" for iid, ps in ports.items() for port in ps)
    evidence = {"registered": registered, "running": [i.get("InstanceId") for i in running]}
    if not missing and not wrong:
        return passed(
            t(
                f"起動中のインスタンス {len(running)} 台（{_ids(running)}）はすべてポート {p.app_port} で"
                "登録されています。",
                f"All {len(running)} running instances ({_ids(running)}) are registered on port {p.app_port}.",
            ),
            **evidence,
        )
    if missing:
        return failed(
            t(
                f"インスタンス {_ids(missing)} がターゲットグループ「{p.tg_name}」に登録されていません"
                f"（登録済み: {', '.join(registered) or 'なし'}）。",
                f"Not registered in target group {p.tg_name}: {_ids(missing)} "
                f"(registered: {', '.join(registered) or 'none'}).",
            ),
            t(
                f"ターゲットグループの「ターゲット」タブ→「ターゲットを登録」で {_ids(missing)} を選び、ポート "
                f"{p.app_port} で「保留中として以下を含める」→「保留中のターゲットを登録」をクリックしてください。",
                f"On the target group's Targets tab choose Register targets, select {_ids(missing)}, "
                f"port {p.app_port}, "
                "Include as pending below, then Register pending targets.",
            ),
            blocking=False,  # an instance not registered yet leaves the registered ones serving
            **evidence,
        )
    listed = ", ".join(f"{i.get('InstanceId')}:{'/'.join(map(str, ports[str(i.get('InstanceId'))]))}" for i in wrong)
    return failed(
        t(
            f"ポート {p.app_port} 以外で登録されています：{listed}。アプリはポート {p.app_port} で待ち受けています。",
            f"Registered on another port than {p.app_port}: {listed}. The app listens on port {p.app_port}.",
        ),
        t(
            f"「ターゲット」タブでその登録を解除し、ポート {p.app_port} で登録し直してください。",
            f"On the Targets tab deregister it and register the instance again on port {p.app_port}.",
        ),
        **evidence,
    )


def all_targets_healthy(ctx: CheckContext) -> Outcome:
    """redundancy.all_targets_healthy: every registered target is healthy; each reason code has its own hint."""
    p, snap = ctx.params, ctx.snapshot
    by_id = {str(i.get("InstanceId")): i for i in snap.instances}
    targets = [
        {
            "id": (d.get("Target") or {}).get("Id"),
            "port": (d.get("Target") or {}).get("Port"),
            "state": (d.get("TargetHealth") or {}).get("State"),
            "reason": (d.get("TargetHealth") or {}).get("Reason"),
        }
        for d in snap.target_health
    ]
    evidence: dict = {"targets": targets}
    if not targets:
        return failed(
            t(
                f"ターゲットグループ「{p.tg_name}」にターゲットが登録されていません。",
                f"Target group {p.tg_name} has no registered targets.",
            ),
            t(
                "「ターゲット」タブ→「ターゲットを登録」で起動中のインスタンスをポート"
                f" {p.app_port} で登録してください。",
                f"On the Targets tab choose Register targets and register the running instances on port {p.app_port}.",
            ),
            **evidence,
        )
    bad = [d for d in snap.target_health if (d.get("TargetHealth") or {}).get("State") != "healthy"]
    if not bad:
        names = ", ".join(f"{x['id']}:{x['port']}" for x in targets)
        return passed(
            t(
                f"登録されたターゲット {len(targets)} 件（{names}）はすべて healthy です。",
                f"All {len(targets)} registered targets ({names}) are healthy.",
            ),
            **evidence,
        )
    path = (snap.target_group or {}).get("HealthCheckPath") or p.health_check_path
    verdicts = [
        explain(
            d,
            app_port=p.app_port,
            tg_name=p.tg_name,
            health_check_path=path,
            private_ip=(by_id.get(str((d.get("Target") or {}).get("Id"))) or {}).get("PrivateIpAddress"),
        )
        for d in bad
    ]
    for verdict in verdicts:
        evidence.update(verdict.evidence)
    first = verdicts[0]
    more = len(verdicts) - 1
    message = {
        "ja": first.message["ja"] + (f"（ほか {more} 件も healthy ではありません）" if more else ""),
        "en": first.message["en"] + (f" ({more} more not healthy)" if more else ""),
    }
    if all(v.aws_error for v in verdicts):
        return Outcome("error", message, first.hint, evidence)
    return failed(message, first.hint, transient=all(v.transient for v in verdicts), **evidence)


# --- stop one instance --------------------------------------------------------------------------------------------


def dns_reachable(ctx: CheckContext) -> Outcome:
    """redundancy.dns_reachable: GET http://<the ALB's DNS name>/ is answered by the app (any healthy instance)."""
    return alb_answer(ctx, "http")
