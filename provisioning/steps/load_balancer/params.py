"""Resource names and ports of Step 5 (ロードバランサーを利用してみよう); a content pack may override them."""

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
    listener_port: int = 80
    app_port: int = 8000
    health_check_path: str = "/healthcheck"
    min_azs: int = 3
    region: str = "ap-northeast-1"
