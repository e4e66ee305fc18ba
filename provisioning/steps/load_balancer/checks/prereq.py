"""Before you start: the tutorial's instance (from the earlier steps) exists and is running."""

from __future__ import annotations

from provisioning.checks.base import CheckContext, Outcome, SandboxHelp, failed, passed, t
from provisioning.steps.load_balancer.labels import PREPARES

# For a sandbox learner, where a hint says "the earlier steps": their sandbox has no account from those steps.
PREPARE = SandboxHelp(
    text=t(
        "サンドボックスには前のステップで作ったものがありません。このページの「準備する」を押すと、このステップを"
        f"始める状態（{PREPARES['ja']}）を作ります。",
        "Your sandbox has nothing from the earlier steps: press “Prepare” on this page, which builds the state this "
        f"step starts from ({PREPARES['en']}).",
    ),
    solve=False,
)


def instance_running(ctx: CheckContext) -> Outcome:
    """prereq.instance_running: the instance tagged CodeDeploy=aws-hands-on exists and is running."""
    p = ctx.params
    tag = f"{p.instance_tag_key}={p.instance_tag_value}"
    inst = ctx.snapshot.instance
    if inst is None:
        return failed(
            t(
                f"タグ {tag} の EC2 インスタンスがリージョン {ctx.region} に見つかりません。",
                f"No EC2 instance tagged {tag} in region {ctx.region}.",
            ),
            t(
                "前のステップで作成したインスタンスにタグ "
                f"{tag} が付いているか、リージョンが {ctx.region} で合っているかを確認してください。",
                f"Check that the instance from the earlier steps has the tag {tag} "
                f"and that you are looking at region {ctx.region}.",
            ),
            sandbox=PREPARE,
            tag=tag,
            region=ctx.region,
        )
    iid = inst.get("InstanceId")
    state = (inst.get("State") or {}).get("Name", "")
    evidence = {"instance_id": iid, "state": state, "public_ip": inst.get("PublicIpAddress")}
    if state == "running":
        return passed(t(f"インスタンス {iid} は起動中です。", f"Instance {iid} is running."), **evidence)
    if state == "pending":
        return failed(
            t(f"インスタンス {iid} は起動処理中（pending）です。", f"Instance {iid} is still starting (pending)."),
            t("1 分ほど待ってからもう一度確認してください。", "Wait a minute and check again."),
            transient=True,
            **evidence,
        )
    if state in ("terminated", "shutting-down"):
        return failed(
            t(f"インスタンス {iid} は終了（{state}）しています。", f"Instance {iid} is {state}."),
            t(
                "終了したインスタンスは元に戻せません。前のステップに戻ってインスタンスを作り直してください。",
                "A terminated instance cannot come back: go back to the earlier steps and create it again.",
            ),
            sandbox=PREPARE,
            **evidence,
        )
    return failed(
        t(f"インスタンス {iid} が停止（{state}）しています。", f"Instance {iid} is not running ({state})."),
        t(
            "EC2 コンソールでインスタンスを選び「インスタンスの状態」→「インスタンスを開始」で起動してください。"
            "起動後に Django アプリ（ポート 8000）も起動してください。",
            "In the EC2 console select the instance and choose Instance state → Start instance, "
            "then start the Django app (port 8000) again.",
        ),
        **evidence,
    )
