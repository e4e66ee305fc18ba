"""Step 6's sections and checks, in page order, with their titles (worded as the passing state)."""

from __future__ import annotations

from provisioning.checks.base import t
from provisioning.steps.load_balancer.catalog import DNS_REACHABLE_TITLE
from provisioning.steps.load_balancer.snapshot import INST, LB, LS, SG, TG, TH
from provisioning.steps.redundancy import checks
from provisioning.steps.spec import CheckSpec, SandboxHelp

# What a sandbox learner does instead of the AWS console: the sandbox console's screen of each check's fix.
_INSTANCES, _SGS, _LBS, _TGS = (
    SandboxHelp(screen=s) for s in ("Instances", "SecurityGroups", "LoadBalancers", "TargetGroups")
)
_ELSEWHERE = SandboxHelp()  # no sandbox console screen makes this fix (a listener's action): the CLI block does

CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "redundancy.alb_ready",
        checks.alb_ready,
        t(
            "ステップ5 のロードバランサー aws-hands-on が active で、HTTP:80 リスナーが aws-hands-on へ転送する",
            "Step 5's load balancer aws-hands-on is active and its HTTP:80 listener forwards to aws-hands-on",
        ),
        needs=(LB, LS, TG),
        sandbox=_ELSEWHERE,
    ),
    CheckSpec(
        "redundancy.two_instances_running",
        checks.two_instances_running,
        t(
            "タグ CodeDeploy=aws-hands-on のインスタンスが 2 台以上起動している",
            "At least two instances tagged CodeDeploy=aws-hands-on are running",
        ),
        needs=(INST,),
        sandbox=_INSTANCES,
    ),
    CheckSpec(
        "redundancy.instances_in_alb_azs",
        checks.instances_in_alb_azs,
        t(
            "インスタンスが ALB で有効な 2 つ以上のアベイラビリティーゾーンにある",
            "The instances are in at least two availability zones enabled on the ALB",
        ),
        needs=(INST, LB),
        depends=("redundancy.alb_ready", "redundancy.two_instances_running"),
        sandbox=_INSTANCES,
    ),
    CheckSpec(
        "redundancy.sg_restricted",
        checks.sg_restricted,
        t(
            "どのインスタンスもポート 8000 を ALB のセキュリティグループからのみ許可している",
            "Every instance allows port 8000 only from the ALB's security group",
        ),
        needs=(INST, SG, LB),
        depends=("redundancy.alb_ready",),
        sandbox=_SGS,
    ),
    CheckSpec(
        "redundancy.all_registered",
        checks.all_registered,
        t(
            "起動中のインスタンスがすべてポート 8000 でターゲットに登録されている",
            "Every running instance is a registered target on port 8000",
        ),
        needs=(TG, TH, INST),
        depends=("redundancy.alb_ready", "redundancy.two_instances_running"),
        sandbox=_TGS,
    ),
    CheckSpec(
        "redundancy.all_targets_healthy",
        checks.all_targets_healthy,
        t("すべてのターゲットのヘルスステータスが healthy である", "Every target's health status is healthy"),
        needs=(TH, INST),
        depends=("redundancy.alb_ready",),  # not all_registered: a stopped instance must show here, as unused
        # Upstream of a target's health, nearest the client first: its zone enabled on the ALB, its registered port,
        # its SG letting the ALB in, the instance running.
        causes=(
            "redundancy.instances_in_alb_azs",
            "redundancy.all_registered",
            "redundancy.sg_restricted",
            "redundancy.two_instances_running",
        ),
        sandbox=_TGS,
    ),
    CheckSpec(
        "redundancy.dns_reachable",
        checks.dns_reachable,
        DNS_REACHABLE_TITLE,
        needs=(LB,),
        depends=("redundancy.alb_ready",),
        probe="http",
        causes=("redundancy.all_targets_healthy",),
        sandbox=_LBS,
    ),
)

SECTIONS: dict[str, tuple[str, ...]] = {
    "before-you-start": ("redundancy.alb_ready",),
    "launch-second-instance": (
        "redundancy.two_instances_running",
        "redundancy.instances_in_alb_azs",
        "redundancy.sg_restricted",
    ),
    "register-target": ("redundancy.all_registered", "redundancy.all_targets_healthy"),
    "failover": ("redundancy.dns_reachable",),
}
