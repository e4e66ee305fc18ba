"""Step 5's check catalog and sections: each check id with its function and metadata, in page order.

`needs` names the snapshot sources (snapshot.SOURCES) a check reads: if one could not be read, the check is `error`
naming the IAM action. `depends` names checks that must pass first, else the check is `skipped`. `probe` names the
network probe whose result the check interprets. Titles are worded as the passing state; they are the one source
the pages, the CLI, the dashboard and the skip messages use.
"""

from __future__ import annotations

from provisioning.checks.base import t
from provisioning.steps.load_balancer.checks import alb, ec2_sg, listener, prereq, reachability, target_group
from provisioning.steps.load_balancer.snapshot import INST, LB, LS, SG, TG, TH
from provisioning.steps.spec import CheckSpec, SandboxHelp

# What a sandbox learner does instead of the AWS console: the sandbox console's screen of each check's fix (a failure
# that says "the earlier steps" adds prereq.PREPARE itself).
_INSTANCES = SandboxHelp(screen="Instances", solve=False)
_LBS, _TGS, _SGS = (SandboxHelp(screen=s) for s in ("LoadBalancers", "TargetGroups", "SecurityGroups"))
_ELSEWHERE = SandboxHelp()  # no sandbox console screen makes this fix: the CLI block or "Do it for me" does

# Step 6 checks the same answer at the DNS name, under its own id.
DNS_REACHABLE_TITLE = t(
    "ロードバランサーの DNS 名で Django のページが表示される", "The load balancer's DNS name serves the Django page"
)

CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "prereq.instance_running",
        prereq.instance_running,
        t(
            "タグ CodeDeploy=aws-hands-on の EC2 インスタンスが起動している",
            "The EC2 instance tagged CodeDeploy=aws-hands-on is running",
        ),
        needs=(INST,),
        sandbox=_INSTANCES,
    ),
    CheckSpec(
        "alb.exists",
        alb.exists,
        t(
            "アプリケーションロードバランサー aws-hands-on が存在する",
            "The Application Load Balancer aws-hands-on exists",
        ),
        needs=(LB,),
        sandbox=_LBS,
    ),
    CheckSpec(
        "alb.internet_facing",
        alb.internet_facing,
        t(
            "ロードバランサーのスキームがインターネット向け (internet-facing) である",
            "The load balancer's scheme is internet-facing",
        ),
        needs=(LB,),
        depends=("alb.exists",),
        sandbox=_ELSEWHERE,
    ),
    CheckSpec(
        "alb.three_azs",
        alb.three_azs,
        t(
            "ロードバランサーが 3 つのアベイラビリティーゾーンで有効になっている",
            "The load balancer is enabled in three Availability Zones",
        ),
        needs=(LB,),
        depends=("alb.exists",),
        sandbox=_ELSEWHERE,
    ),
    CheckSpec(
        "alb.active",
        alb.active,
        t("ロードバランサーの状態が active である", "The load balancer's state is active"),
        needs=(LB,),
        depends=("alb.exists",),
        sandbox=_ELSEWHERE,
    ),
    CheckSpec(
        "alb.sg_allows_http",
        alb.sg_allows_http,
        t(
            "ロードバランサーのセキュリティグループが 0.0.0.0/0 からの TCP 80 を許可している",
            "The load balancer's security group allows TCP 80 from 0.0.0.0/0",
        ),
        needs=(LB, SG),
        depends=("alb.exists",),
        sandbox=_SGS,
    ),
    CheckSpec(
        "tg.exists",
        target_group.exists,
        t(
            "ターゲットグループ aws-hands-on (インスタンス, HTTP) が存在する",
            "The target group aws-hands-on (instance, HTTP) exists",
        ),
        needs=(TG,),
        sandbox=_TGS,
    ),
    CheckSpec(
        "tg.instance_registered",
        target_group.instance_registered,
        t("インスタンスがターゲットグループに登録されている", "The instance is registered in the target group"),
        needs=(TG, TH, INST),
        depends=("tg.exists", "prereq.instance_running"),
        sandbox=_TGS,
    ),
    CheckSpec(
        "tg.target_port",
        target_group.target_port,
        t("ターゲットがポート 8000 で登録されている", "The target is registered on port 8000"),
        needs=(TH,),
        depends=("tg.instance_registered",),
        sandbox=_TGS,
    ),
    CheckSpec(
        "listener.http80_forward",
        listener.http80_forward,
        t("HTTP:80 リスナーが aws-hands-on に転送", "The HTTP:80 listener forwards to aws-hands-on"),
        needs=(LB, LS),
        depends=("alb.exists",),
        causes=("tg.exists",),  # a listener can forward only to a target group that exists
        sandbox=_ELSEWHERE,
    ),
    CheckSpec(
        "tg.target_healthy",
        target_group.target_healthy,
        t("ターゲットのヘルスステータスが healthy である", "The target's health status is healthy"),
        needs=(TH,),
        depends=("tg.instance_registered",),
        # The request path up to the target, nearest the client first: the listener (else the target is unused),
        # the instance's zone enabled on the ALB (else unused too), the registered port, the instance's SG letting
        # the ALB in.
        causes=("listener.http80_forward", "alb.three_azs", "tg.target_port", "ec2sg.app_port_from_alb_only"),
        sandbox=_TGS,
    ),
    CheckSpec(
        "alb.dns_reachable",
        reachability.dns_reachable,
        DNS_REACHABLE_TITLE,
        needs=(LB,),
        depends=("alb.exists",),
        probe="http",
        causes=(
            "alb.internet_facing",
            "alb.active",
            "alb.sg_allows_http",
            "listener.http80_forward",
            "tg.exists",
            "tg.instance_registered",
            "tg.target_port",
            "prereq.instance_running",
            "tg.target_healthy",
        ),
        sandbox=_LBS,
    ),
    CheckSpec(
        "ec2sg.app_port_from_alb_only",
        ec2_sg.app_port_from_alb_only,
        t("ポート 8000 は ALB の SG からのみ許可", "Port 8000 is allowed only from the ALB's security group"),
        needs=(LB, SG, INST),
        depends=("alb.exists",),
        sandbox=_SGS,
    ),
    CheckSpec(
        "ec2sg.no_public_ingress",
        ec2_sg.no_public_ingress,
        t("EC2 の SG はインターネットに開いていない", "The instance's security group is closed to the internet"),
        needs=(SG, INST),
        sandbox=_SGS,
    ),
    CheckSpec(
        "ec2.direct_access_blocked",
        reachability.direct_access_blocked,
        t("インスタンスのポート 8000 へ直接アクセスできない", "The instance's port 8000 cannot be reached directly"),
        needs=(INST,),
        depends=("prereq.instance_running",),
        probe="tcp",
        sandbox=_SGS,
    ),
)

# Section slugs of Step 5, in page order, and the checks each section's checkpoint runs.
SECTIONS: dict[str, tuple[str, ...]] = {
    "before-you-start": ("prereq.instance_running",),
    "create-alb": (
        "alb.exists",
        "alb.internet_facing",
        "alb.three_azs",
        "alb.active",
        "alb.sg_allows_http",
        "tg.exists",
        "tg.instance_registered",
        "tg.target_port",
        "listener.http80_forward",
    ),
    "target-group": ("tg.target_healthy",),
    "load-balancer": ("alb.dns_reachable",),
    "restrict-ec2-sg": (
        "ec2sg.app_port_from_alb_only",
        "ec2sg.no_public_ingress",
        "ec2.direct_access_blocked",
    ),
}

CHECK_IDS: tuple[str, ...] = tuple(cid for ids in SECTIONS.values() for cid in ids)
SECTION_OF: dict[str, str] = {cid: sec for sec, ids in SECTIONS.items() for cid in ids}
