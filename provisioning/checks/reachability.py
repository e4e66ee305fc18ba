"""The ALB answers over HTTP: the one reading of an HTTP probe to a load balancer's DNS name, for every step.

By the probe's outcome:
- DNS name does not resolve yet: `fail`, transient (a new ALB takes a few minutes to appear in DNS).
- resolves only to private/loopback/link-local addresses: `error` (we refuse to probe there; not the learner's fault
  that we cannot tell).
- connection timed out: `fail` — an ALB whose security group does not let the listener port in drops packets.
- connection refused: `fail` — nothing listens on the port (no listener).
- other socket errors: `error`.
- answered: an ALB error page (Server awselb/2.0 or its HTML) or any status >= 500 fails, each 502/503/504 with its own
  hint; Django's "Bad Request (400)" fails with the ALLOWED_HOSTS hint; anything else below 500 passes.
"""

from __future__ import annotations

from provisioning.checks.base import CheckContext, Outcome, failed, passed, t
from provisioning.probes import HttpProbeResult, ProbeSkipped

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
            "リスナーが「{tg}」に転送していること、インスタンスがターゲットとして登録されて healthy であることを"
            "確認してください（ターゲットグループの「ターゲット」タブ）。",
            "Check that the listener forwards to {tg} and that the instances are registered and healthy "
            "(the target group's Targets tab).",
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


def skipped(probe: ProbeSkipped) -> Outcome:
    return Outcome("skipped", probe.message)


def alb_answer(ctx: CheckContext, probe_name: str = "http") -> Outcome:
    """GET http://<the ALB's DNS name>/ is answered by the app; the probe's outcome read as the module docstring says.

    Every step that asks "does the ALB serve the app" uses this one reading (ctx.params: listener_port, app_port,
    tg_name).
    """
    probe = ctx.probes.get(probe_name)
    if isinstance(probe, ProbeSkipped):
        return skipped(probe)
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
