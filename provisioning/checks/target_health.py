"""Target health, read once for every step: AWS's reason codes, each with its own message and hint.

`REASON_HINTS` gives every target-health reason code AWS documents its own message and hint; a health check answered
with 400 (Django rejecting the Host header: ALLOWED_HOSTS), 404, 3xx or 5xx gets its own hint on top of
Target.ResponseCodeMismatch. `explain(...)` turns one TargetHealthDescription into (message, hint, transient, error).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from provisioning.checks.base import t

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


def _response_code_hint(codes: list[int], path: str, private_ip: str | None) -> dict[str, str] | None:
    private_ip = private_ip or "<private IP>"
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


@dataclass
class TargetVerdict:
    """Why one registered target is not healthy, in both languages."""

    message: dict[str, str]
    hint: dict[str, str]
    transient: bool
    aws_error: bool  # AWS could not tell (Elb.InternalError): not the learner's fault
    evidence: dict[str, Any] = field(default_factory=dict)


def explain(
    description: dict[str, Any], *, app_port: int, tg_name: str, health_check_path: str, private_ip: str | None
) -> TargetVerdict:
    """The message and hint for one target that is not healthy (its reason code, or its state when there is none)."""
    health = description.get("TargetHealth") or {}
    target_id = (description.get("Target") or {}).get("Id")
    state, reason, desc = health.get("State", ""), health.get("Reason", ""), health.get("Description", "")
    message, hint, transient = REASON_HINTS.get(
        reason,
        (
            t(f"ターゲットの状態が {state} です。", f"The target's state is {state}."),
            t("少し待ってからもう一度確認してください。", "Wait a little and check again."),
            state == "initial",
        ),
    )
    fmt = {"port": app_port, "tg": tg_name}
    hint = {k: v.format(**fmt) for k, v in hint.items()}
    evidence: dict[str, Any] = {}
    if reason == "Target.ResponseCodeMismatch":
        codes = _codes(desc)
        evidence["codes"] = codes
        hint = _response_code_hint(codes, health_check_path, private_ip) or hint
    prefix = t(
        f"ターゲット {target_id} は {state}（{reason or '理由なし'}）：",
        f"Target {target_id} is {state} ({reason or 'no reason'}): ",
    )
    full = {k: prefix[k] + message[k] for k in ("ja", "en")}
    return TargetVerdict(full, hint, transient or state == "initial", reason == "Elb.InternalError", evidence)
