"""Human names, in ja and en, for the steps of Step 5's recipes (keyed by the step name used in the step lists).

The step names (`target_group`, `create-alb/target_group` when solving several sections) stay the machine ids; these
labels are what a learner reads in a recipe's progress list. Like the checks' messages, they are plain bilingual data:
the provisioning layer still knows nothing of pages.
"""

from __future__ import annotations

# What "Prepare" (the prerequisites) builds: the state Step 5 starts from, which earlier steps built by hand.
PREPARES: dict[str, str] = {"ja": "インスタンスとセキュリティグループ", "en": "the instance and its security groups"}

STEP_LABELS: dict[str, dict[str, str]] = {
    # prerequisites and solve
    "default_vpc": {"ja": "デフォルト VPC", "en": "Default VPC"},
    "internet_gateway": {"ja": "インターネットゲートウェイ", "en": "Internet gateway"},
    "default_route": {"ja": "インターネットへのルート", "en": "Route to the internet"},
    "instance_security_group": {"ja": "EC2 のセキュリティグループ", "en": "EC2 security group"},
    "instance_security_group_rules": {
        "ja": "EC2 のセキュリティグループのルール",
        "en": "EC2 security group rules",
    },
    "instance": {"ja": "EC2 インスタンス", "en": "EC2 instance"},
    "instance_running": {"ja": "EC2 インスタンスの起動", "en": "EC2 instance running"},
    "alb_security_group": {"ja": "ロードバランサーのセキュリティグループ", "en": "Load balancer security group"},
    "alb_security_group_http": {
        "ja": "ロードバランサーへの HTTP (80) の許可",
        "en": "HTTP (80) allowed to the load balancer",
    },
    "target_group": {"ja": "ターゲットグループ", "en": "Target group"},
    "target_registered": {"ja": "ターゲットの登録", "en": "Target registered"},
    "load_balancer": {"ja": "ロードバランサー", "en": "Load balancer"},
    "listener": {"ja": "リスナー", "en": "Listener"},
    "load_balancer_active": {"ja": "ロードバランサーの状態 (active)", "en": "Load balancer active"},
    "health_check": {"ja": "ヘルスチェック", "en": "Health check"},
    "target_healthy": {"ja": "ターゲットの正常 (healthy) 確認", "en": "Target healthy"},
    "instance_security_group_from_alb_only": {
        "ja": "EC2 へのアクセスをロードバランサーからだけに制限",
        "en": "EC2 reachable from the load balancer only",
    },
    # teardown
    "listeners": {"ja": "リスナー", "en": "Listeners"},
    "instance_rules_referencing_alb_group": {
        "ja": "EC2 側の、ロードバランサーからの通信を許可するルール",
        "en": "EC2 rules letting the load balancer in",
    },
    "instances": {"ja": "EC2 インスタンス", "en": "EC2 instances"},
    "sandbox_internet_gateway": {
        "ja": "「準備する」で追加したインターネットゲートウェイ",
        "en": "Internet gateway that Prepare added",
    },
}
