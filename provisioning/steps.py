"""The steps provisioning can verify and provision, with their parameters and check ids.

The content pack (content/<tutorial>/) names these ids in its front matter and may override the parameters;
the loader rejects unknown ids. Check ids are stable: the CLI, the tests and the dashboard use them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Step5Params:
    """Resource names and ports of Step 5 (ロードバランサーを利用してみよう)."""

    lb_name: str = "aws-hands-on"
    tg_name: str = "aws-hands-on"
    alb_sg_name: str = "aws-hands-on-alb"
    ec2_sg_name: str = "aws-hands-on-ec2"
    instance_tag_key: str = "CodeDeploy"
    instance_tag_value: str = "aws-hands-on"
    listener_port: int = 80
    app_port: int = 8000
    health_check_path: str = "/healthcheck"
    min_azs: int = 3
    region: str = "ap-northeast-1"

    @classmethod
    def from_mapping(cls, values: dict) -> Step5Params:
        """Build from a content pack's `parameters:`; unknown keys are an error (ValueError names them)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown parameter(s): {', '.join(unknown)}")
        return cls(**values)


# Section slugs of Step 5, in page order, and the checks each section's checkpoint runs.
STEP5_SECTIONS: dict[str, tuple[str, ...]] = {
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

STEP5_CHECK_IDS: tuple[str, ...] = tuple(cid for ids in STEP5_SECTIONS.values() for cid in ids)
SECTION_OF_CHECK: dict[str, str] = {cid: sec for sec, ids in STEP5_SECTIONS.items() for cid in ids}


@dataclass(frozen=True)
class StepSpec:
    tutorial: str
    step: str
    sections: dict[str, tuple[str, ...]]
    params_class: type


STEPS: dict[tuple[str, str], StepSpec] = {
    ("aws-hands-on", "load-balancer"): StepSpec(
        tutorial="aws-hands-on", step="load-balancer", sections=STEP5_SECTIONS, params_class=Step5Params
    ),
}


def get_step(tutorial: str, step: str) -> StepSpec:
    try:
        return STEPS[(tutorial, step)]
    except KeyError:
        raise LookupError(f"unknown tutorial step: {tutorial} {step}") from None
