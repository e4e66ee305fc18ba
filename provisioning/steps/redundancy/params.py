"""Resource names and ports of Step 6 (冗長化してみよう): Step 5's, plus how many instances and zones it needs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Params:
    lb_name: str = "aws-hands-on"
    tg_name: str = "aws-hands-on"
    alb_sg_name: str = "aws-hands-on-alb"
    ec2_sg_name: str = "aws-hands-on-ec2"
    instance_tag_key: str = "CodeDeploy"
    instance_tag_value: str = "aws-hands-on"
    app_port: int = 8000
    listener_port: int = 80
    health_check_path: str = "/healthcheck"
    region: str = "ap-northeast-1"
    min_instances: int = 2
    min_azs: int = 2
