"""The Step 5 check catalog: an explicit mapping from check id to its function and metadata.

`needs` names the snapshot sources (provisioning.snapshot.SOURCES) a check reads: if one could not be read, the check
is `error` naming the IAM action. `depends` names checks that must pass first, else the check is `skipped`.
`probe` names the network probe whose result the check interprets. Titles are worded as the passing state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from provisioning.checks import alb, ec2_sg, listener, prereq, reachability, target_group
from provisioning.checks.base import CheckContext, Outcome, t
from provisioning.steps import STEP5_CHECK_IDS


@dataclass(frozen=True)
class CheckSpec:
    id: str
    run: Callable[[CheckContext], Outcome]
    title: dict[str, str]
    needs: tuple[str, ...] = ()
    depends: tuple[str, ...] = ()
    probe: str | None = None  # "http" | "tcp"


_LB, _TG, _TH, _INST, _SG, _LS = (
    "load_balancers",
    "target_groups",
    "target_health",
    "instances",
    "security_groups",
    "listeners",
)

CHECKS: dict[str, CheckSpec] = {
    c.id: c
    for c in (
        CheckSpec(
            "prereq.instance_running",
            prereq.instance_running,
            t("チュートリアルの EC2 インスタンスが起動している", "The tutorial's EC2 instance is running"),
            needs=(_INST,),
        ),
        CheckSpec(
            "alb.exists",
            alb.exists,
            t("ALB「aws-hands-on」がある", "An Application Load Balancer aws-hands-on exists"),
            needs=(_LB,),
        ),
        CheckSpec(
            "alb.internet_facing",
            alb.internet_facing,
            t("ALB がインターネット向け", "The ALB is internet-facing"),
            needs=(_LB,),
            depends=("alb.exists",),
        ),
        CheckSpec(
            "alb.three_azs",
            alb.three_azs,
            t("ALB が 3 つの AZ で有効", "The ALB is enabled in 3 availability zones"),
            needs=(_LB,),
            depends=("alb.exists",),
        ),
        CheckSpec(
            "alb.active",
            alb.active,
            t("ALB の状態が active", "The ALB is active"),
            needs=(_LB,),
            depends=("alb.exists",),
        ),
        CheckSpec(
            "alb.sg_allows_http",
            alb.sg_allows_http,
            t("ALB の SG がインターネットからの HTTP を許可", "The ALB's security group allows HTTP from the internet"),
            needs=(_LB, _SG),
            depends=("alb.exists",),
        ),
        CheckSpec(
            "tg.exists",
            target_group.exists,
            t("ターゲットグループ「aws-hands-on」がある", "Target group aws-hands-on exists"),
            needs=(_TG,),
        ),
        CheckSpec(
            "tg.instance_registered",
            target_group.instance_registered,
            t("インスタンスがターゲットに登録されている", "The instance is a registered target"),
            needs=(_TG, _TH, _INST),
            depends=("tg.exists", "prereq.instance_running"),
        ),
        CheckSpec(
            "tg.target_port",
            target_group.target_port,
            t("ターゲットにポート 8000 で届く", "Targets are reached on port 8000"),
            needs=(_TH,),
            depends=("tg.instance_registered",),
        ),
        CheckSpec(
            "listener.http80_forward",
            listener.http80_forward,
            t("HTTP:80 リスナーが aws-hands-on に転送", "The HTTP:80 listener forwards to aws-hands-on"),
            needs=(_LB, _LS),
            depends=("alb.exists",),
        ),
        CheckSpec(
            "tg.target_healthy",
            target_group.target_healthy,
            t("ターゲットが healthy", "The target is healthy"),
            needs=(_TH,),
            depends=("tg.instance_registered",),
        ),
        CheckSpec(
            "alb.dns_reachable",
            reachability.dns_reachable,
            t("ALB の DNS 名でアプリが表示される", "The app answers at the ALB's DNS name"),
            needs=(_LB,),
            depends=("alb.exists",),
            probe="http",
        ),
        CheckSpec(
            "ec2sg.app_port_from_alb_only",
            ec2_sg.app_port_from_alb_only,
            t("ポート 8000 は ALB の SG からのみ許可", "Port 8000 is allowed only from the ALB's security group"),
            needs=(_LB, _SG, _INST),
            depends=("alb.exists",),
        ),
        CheckSpec(
            "ec2sg.no_public_ingress",
            ec2_sg.no_public_ingress,
            t("EC2 の SG はインターネットに開いていない", "The instance's security group is closed to the internet"),
            needs=(_SG, _INST),
        ),
        CheckSpec(
            "ec2.direct_access_blocked",
            reachability.direct_access_blocked,
            t("インスタンスに直接アクセスできない", "The instance cannot be reached directly"),
            needs=(_INST,),
            depends=("prereq.instance_running",),
            probe="tcp",
        ),
    )
}

assert tuple(CHECKS) == STEP5_CHECK_IDS, "the registry must list the catalog's ids in catalog order"
