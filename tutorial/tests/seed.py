"""What the Step 5 seed contains, for the page tests (and a check that this list still matches the seed)."""

from __future__ import annotations

SEED_HEADINGS_JA = [
    "Step 5: ロードバランサーを利用してみよう",
    "アプリケーションロードバランサーと EC2 インスタンスの構成",
    "ロードバランサーの作成",
    "ターゲットグループの確認",
    "ロードバランサーの確認",
    "EC2 インスタンスのセキュリティーグループを制限しよう",
]
HEADINGS_EN = [
    "Step 5: Use a load balancer",
    "How the Application Load Balancer and the EC2 instance fit together",
    "Create the load balancer",
    "Check the target group",
    "Check the load balancer",
    "Restrict the EC2 instance's security group",
]
SLOTS = [
    "step5_lb_create_01",
    "step5_lb_create_02",
    "step5_lb_create_03",
    "step5_lb_create_04",
    "step5_lb_create_05",
    "step5_lb_create_06",
    "step5_lb_create_07",
    "step5_lb_target_group_01",
    "step5_lb_target_group_02",
    "step5_lb_target_group_03",
    "step5_lb_load_balancer_01",
    "step5_lb_load_balancer_02",
    "step5_security_group_01",
    "step5_security_group_02",
    "step5_security_group_03",
    "step5_security_group_04",
]
STEP_JA = "/ja/tutorials/aws-hands-on/load-balancer/"
STEP_EN = "/en/tutorials/aws-hands-on/load-balancer/"
