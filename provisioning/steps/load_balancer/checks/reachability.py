"""The two checks that read network probes: the ALB answers over HTTP, and the instance is not reachable directly.

alb.dns_reachable, by the probe's outcome:
- DNS name does not resolve yet: `fail`, transient (a new ALB takes a few minutes to appear in DNS).
- resolves only to private/loopback/link-local addresses: `error` (we refuse to probe there; not the learner's fault
  that we cannot tell).
- connection timed out: `fail` — an ALB whose security group does not let port 80 in drops packets silently.
- connection refused: `fail` — nothing listens on port 80 (no HTTP:80 listener).
- other socket errors: `error`.
- answered: an ALB error page (Server awselb/2.0 or its HTML) or any status >= 500 fails, each 502/503/504 with its own
  hint; Django's "Bad Request (400)" fails with the ALLOWED_HOSTS hint; anything else below 500 passes.
ec2.direct_access_blocked: refused or timed out = pass (blocked); connected = fail; no public IP = pass; probes we
refused or could not interpret = error.
"""

from __future__ import annotations

from provisioning.checks.base import CheckContext, Outcome, failed, passed, t
from provisioning.probes import HttpProbeResult, ProbeSkipped, TcpProbeResult

_ALB_PAGES: dict[int, tuple[dict[str, str], dict[str, str]]] = {
    502: (
        t(
            "ALB がターゲットから正しい応答を受け取れませんでした（502 Bad Gateway）。",
            "The ALB got no valid answer from the target (502 Bad Gateway).",
        ),
        t(
            "インスタンスで Django アプリがポート {port} "
            "で動いているか（途中で接続を切っていないか）確認してください。",
            "Check that the Django app is running on port {port} on the instance and does not drop connections.",
        ),
    ),
    503: (
        t(
            "ALB に転送できる正常なターゲットがありません（503 Service Unavailable）。",
            "The ALB has no healthy target to send to (503 Service Unavailable).",
        ),
        t(
            "リスナーが「{tg}」に転送していること、インスタンスが登録されて healthy であることを確認してください"
            "（tg.target_healthy の結果を参照）。",
            "Check that the listener forwards to {tg} and that the instance is registered and healthy "
            "(see tg.target_healthy).",
        ),
    ),
    504: (
        t(
            "ターゲットが時間内に応答しませんでした（504 Gateway Timeout）。",
            "The target did not answer in time (504 Gateway Timeout).",
        ),
        t(
            "EC2 のセキュリティグループが ALB のセキュリティグルー"
            "プからのポート {port} を許可しているか確認してください。",
            "Check that the EC2 security group allows port {port} from the ALB's security group.",
        ),
    ),
}


def _skipped(probe: ProbeSkipped) -> Outcome:
    return Outcome("skipped", probe.message)


def dns_reachable(ctx: CheckContext) -> Outcome:
    """alb.dns_reachable: GET http://<ALB DNS name>/ is answered by the app (see the module docstring)."""
    probe = ctx.probes.get("http")
    if isinstance(probe, ProbeSkipped):
        return _skipped(probe)
    assert isinstance(probe, HttpProbeResult)
    p = ctx.params
    host, ev = probe.host, probe.evidence()
    fmt = {"port": p.app_port, "tg": p.tg_name}
    if probe.outcome == "dns_unresolved":
        return failed(
            t(f"DNS 名 {host} がまだ名前解決できません。", f"The DNS name {host} does not resolve yet."),
            t(
                "作成したばかりの ALB は DNS に反映されるまで数分かかります。少し待ってからもう一度確認してください。",
                "A new ALB takes a few minutes to appear in DNS: wait a little and check again.",
            ),
            transient=True,
            **ev,
        )
    if probe.outcome == "private_address":
        return Outcome(
            "error",
            t(
                f"{host} がプライベートアドレス（{', '.join(probe.ips)}"
                "）を返したため、確認のための接続を行いませんでした。",
                f"{host} resolved to private addresses ({', '.join(probe.ips)}); we do not probe those.",
            ),
            t(
                "ALB のスキームがインターネット向けか確認してください。",
                "Check that the ALB's scheme is internet-facing.",
            ),
            ev,
        )
    if probe.outcome == "timeout":
        return failed(
            t(f"http://{host}/ に接続しましたが時間内に応答がありません。", f"http://{host}/ did not answer in time."),
            t(
                f"ALB のセキュリティグループが 0.0.0.0/0 からの TCP {p.listener_port} を許可しているか、"
                f"HTTP:{p.listener_port} のリスナーがあるかを確認してください。",
                f"Check that the ALB's security group allows TCP {p.listener_port} from 0.0.0.0/0 and that an "
                f"HTTP:{p.listener_port} listener exists.",
            ),
            **ev,
        )
    if probe.outcome == "refused":
        return failed(
            t(f"http://{host}/ への接続が拒否されました。", f"The connection to http://{host}/ was refused."),
            t(
                f"ロードバランサーに HTTP:{p.listener_port} のリスナーを追加してください。",
                f"Add an HTTP:{p.listener_port} listener to the load balancer.",
            ),
            **ev,
        )
    if probe.outcome != "answered" or probe.status is None:
        return Outcome(
            "error",
            t(
                f"http://{host}/ への接続でエラーが起きました（{probe.detail}）。",
                f"Connecting to http://{host}/ failed ({probe.detail}).",
            ),
            t("しばらくしてからもう一度確認してください。", "Check again in a while."),
            ev,
        )
    status = probe.status
    if probe.is_alb_error_page or status >= 500:
        message, hint = _ALB_PAGES.get(
            status,
            (
                t(f"http://{host}/ がエラー {status} を返しました。", f"http://{host}/ answered with error {status}."),
                t(
                    "インスタンスでアプリのログを確認してください。",
                    "Check the app's log on the instance.",
                )
                if not probe.is_alb_error_page
                else t("リスナーのルールを確認してください。", "Check the listener's rules."),
            ),
        )
        return failed(message, {k: v.format(**fmt) for k, v in hint.items()}, **ev)
    if probe.is_django_bad_host:
        return failed(
            t(
                f"Django が Host ヘッダー {host} を拒否しました（400 Bad Request）。",
                f"Django rejected the Host header {host} (400 Bad Request).",
            ),
            t(
                f"settings.py の ALLOWED_HOSTS に ALB の DNS 名 {host}（または '.elb.amazonaws.com'）を追加し、"
                "アプリを再起動してください。",
                f"Add the ALB's DNS name {host} (or '.elb.amazonaws.com') to ALLOWED_HOSTS in settings.py and restart "
                "the app.",
            ),
            **ev,
        )
    return passed(
        t(f"http://{host}/ にアプリが応答しました（{status}）。", f"The app answered http://{host}/ ({status})."), **ev
    )


def direct_access_blocked(ctx: CheckContext) -> Outcome:
    """ec2.direct_access_blocked: a TCP connect to the instance's public address on the app port does not succeed."""
    probe = ctx.probes.get("tcp")
    if isinstance(probe, ProbeSkipped):
        return _skipped(probe)
    assert isinstance(probe, TcpProbeResult)
    ev, target = probe.evidence(), f"{probe.ip}:{probe.port}"
    if probe.outcome == "no_public_ip":
        return passed(
            t(
                "インスタンスにパブリック IP がないため、直接アクセスできません。",
                "The instance has no public IP, so it cannot be reached directly.",
            ),
            **ev,
        )
    if probe.outcome in ("refused", "timeout"):
        return passed(
            t(f"{target} への直接アクセスは遮断されています。", f"Direct access to {target} is blocked."), **ev
        )
    if probe.outcome == "connected":
        return failed(
            t(
                f"インスタンスに直接アクセスできてしまいます（{target}）。",
                f"The instance can still be reached directly at {target}.",
            ),
            t(
                f"EC2 のセキュリティグループから、ポート {probe.port} をインターネット（0.0.0.0/0, ::/0）に開いている"
                "ルールを削除してください。",
                f"Delete the EC2 security group rules that open port {probe.port} to the internet (0.0.0.0/0, ::/0).",
            ),
            **ev,
        )
    return Outcome(
        "error",
        t(
            f"{target} への接続を確認できませんでした（{probe.outcome}）。",
            f"Could not test a connection to {target} ({probe.outcome}).",
        ),
        t("しばらくしてからもう一度確認してください。", "Check again in a while."),
        ev,
    )
