"""The two checks that read network probes: the ALB answers over HTTP, and the instance is not reachable directly.

alb.dns_reachable is the shared reading of the HTTP probe (provisioning.checks.reachability.alb_answer).
ec2.direct_access_blocked: refused or timed out = pass (blocked); connected = fail; no public IP = pass; probes we
refused or could not interpret = error.
"""

from __future__ import annotations

from provisioning.checks.base import CheckContext, Outcome, failed, passed, t
from provisioning.checks.reachability import alb_answer, skipped
from provisioning.probes import ProbeSkipped, TcpProbeResult


def dns_reachable(ctx: CheckContext) -> Outcome:
    """alb.dns_reachable: GET http://<ALB DNS name>/ is answered by the app."""
    return alb_answer(ctx, "http")


def direct_access_blocked(ctx: CheckContext) -> Outcome:
    """ec2.direct_access_blocked: a TCP connect to the instance's public address on the app port does not succeed."""
    probe = ctx.probes.get("tcp")
    if isinstance(probe, ProbeSkipped):
        return skipped(probe)
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
