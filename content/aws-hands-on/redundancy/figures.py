"""Step 6's figures: the console screens of "make it redundant" and the two-instance architecture diagram.

Same console and values as Step 5's figures (load-balancer/figures.py): the first instance, the load balancer, the
target group and the security groups keep the ids shown there, so the two steps read as one account. The outline
in the annotation colour marks what to click or check. Build with `.venv/bin/python -m tutorial.content.figures_build`.
"""

from __future__ import annotations

from tutorial.content.screens import (
    arrow,
    browser,
    client_box,
    cloud_and_vpc,
    django_welcome,
    load_balancer_box,
    menu,
    pill,
    security_group_frame,
    target_group_box,
    target_group_page,
)
from tutorial.content.svg import (
    BLUE,
    GREEN,
    HIGHLIGHT,
    INK,
    LINE,
    MUTED,
    NAVY,
    ORANGE,
    Drawing,
    button,
    callout,
    console,
    field,
    highlight,
    line,
    panel,
    radio,
    rect,
    table,
    text,
)

# The same sample values as Step 5's figures.
LB = "aws-hands-on"
DNS = "aws-hands-on-1234567890.ap-northeast-1.elb.amazonaws.com"
VPC = "vpc-0abc1234"
EC2_SG = "sg-0fedcba9876543210"
TG_ARN = "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/aws-hands-on/0123456789abcdef"
TAG = "CodeDeploy=aws-hands-on"
# The first instance (Step 5's) and the second one this step launches, in another AZ.
FIRST = {
    "id": "i-0123456789abcdef0",
    "name": "aws-hands-on",
    "az": "ap-northeast-1a",
    "subnet": "subnet-0aa11aa11aa11aa11",
    "ip": "203.0.113.10",
}
SECOND = {
    "id": "i-0456789abcdef0123",
    "name": "aws-hands-on-2",
    "az": "ap-northeast-1c",
    "subnet": "subnet-0cc22cc22cc22cc22",
    "ip": "203.0.113.25",
}
AMI = "ami-0abcdef1234567890"

RUNNING = ("status", "実行中", True)
STOPPED = ("status", "停止済み", False)
INSTANCE_COLS = [
    ("Name", 140),
    ("インスタンス ID", 180),
    ("インスタンスの状態", 140),
    ("インスタンスタイプ", 130),
    ("アベイラビリティーゾーン", 180),
    ("パブリック IPv4", 120),
]


def _instance_row(instance: dict, state=RUNNING) -> list:
    return [instance["name"], instance["id"], state, "t3.micro", instance["az"], instance["ip"]]


def instances_page(
    title: str, rows: list, *, selected=None, mark_rows=(), mark_cells=(), mark_actions=False, extra=""
) -> str:
    """The EC2 console's instance list (the newer console: Instances under the EC2 menu)."""
    body = [panel(232, 86, 950, 560)]
    body.append(text(252, 122, title, size=20, weight="bold"))
    launch, lw = button(0, 0, "インスタンスを起動", primary=True)
    body.append(button(1162 - lw, 100, "インスタンスを起動", primary=True)[0])
    _a, aw = button(0, 0, "アクション ▼")
    body.append(button(1162 - lw - aw - 12, 100, "アクション ▼", mark=mark_actions)[0])
    _s, sw = button(0, 0, "インスタンスの状態 ▼")
    body.append(button(1162 - lw - aw - sw - 24, 100, "インスタンスの状態 ▼")[0])
    body.append(
        rect(252, 146, 420, 32, stroke="#879596", rx=2)
        + text(264, 167, "インスタンスを検索: tag:CodeDeploy = aws-hands-on", size=13, fill="#879596")
    )
    body.append(
        table(
            252,
            196,
            INSTANCE_COLS,
            rows,
            checkbox_col=True,
            selected=selected,
            mark_rows=mark_rows,
            mark_cells=mark_cells,
            links=(1,),
        )
    )
    body.append(extra)
    return console("".join(body), nav="ec2", crumbs=("EC2", "インスタンス"))


def launch_more_like_this() -> str:
    extra = [callout(300, 300, "① 1 台目のインスタンスを選択")]
    # The instance's details under the list: what "launch more like this" will copy.
    extra.append(text(252, 480, f"インスタンス: {FIRST['id']} ({FIRST['name']})", size=16, weight="bold"))
    pairs = [
        ("AMI ID", AMI),
        ("インスタンスタイプ", "t3.micro"),
        ("セキュリティグループ", "aws-hands-on-ec2"),
        ("タグ", TAG),
        ("サブネット ID", FIRST["subnet"]),
    ]
    for i, (k, v) in enumerate(pairs):
        x = 252 + (i % 3) * 300
        y = 516 + (i // 3) * 64
        extra.append(text(x, y, k, size=13, fill=MUTED, weight="bold") + text(x, y + 26, v, size=14, mono=True))
    # The open Actions menu and its "Image and templates" submenu.
    menu_x, menu_y, menu_w = 866, 136, 316
    extra.append(
        menu(
            menu_x,
            menu_y,
            menu_w,
            [
                "接続",
                "インスタンスの詳細を表示",
                "インスタンスの設定 ▸",
                "ネットワーキング ▸",
                "セキュリティ ▸",
                "イメージとテンプレート ▸",
                "モニタリングとトラブルシューティング ▸",
            ],
            mark=5,
        )
    )
    sub_y = menu_y + 4 + 30 * 5
    extra.append(
        menu(
            menu_x - 300,
            sub_y,
            292,
            ["イメージを作成", "インスタンスからテンプレートを作成", "同様のものを起動"],
            mark=2,
        )
    )
    extra.append(callout(menu_x - 8, sub_y + 130, "② イメージとテンプレート → 同様のものを起動", anchor="end"))
    return instances_page(
        "インスタンス (1)", [_instance_row(FIRST)], selected=0, mark_rows=(0,), mark_actions=True, extra="".join(extra)
    )


def _section(x, y, w, h, title: str, *, edit=False) -> str:
    out = panel(x, y, w, h, title)
    if edit:
        out += button(x + w - 70, y + 10, "編集")[0]
    return out


def choose_subnet() -> str:
    b = [text(16, 106, "インスタンスを起動", size=22, weight="bold")]
    b.append(text(230, 106, f"(同様のものを起動: {FIRST['id']} の設定をコピー済み)", size=13, fill=MUTED))
    # Name and tags
    b.append(_section(16, 120, 808, 96, "名前とタグ"))
    b.append(field(34, 162, "名前", SECOND["name"], w=300, label_w=60, mark=True))
    b.append(rect(420, 166, 250, 26, fill="#f1faff", stroke=BLUE, rx=13) + text(434, 184, TAG, size=13, mono=True))
    b.append(text(684, 184, "コピーされたタグ", size=13, fill=MUTED))
    # AMI and instance type, as copied
    b.append(_section(16, 224, 400, 84, "アプリケーションおよび OS イメージ (AMI)"))
    b.append(text(34, 290, f"Amazon Linux 2023 AMI  {AMI}", size=13, mono=True))
    b.append(_section(424, 224, 400, 84, "インスタンスタイプ"))
    b.append(text(442, 290, "t3.micro", size=14, mono=True))
    # Network settings, being edited
    b.append(_section(16, 316, 808, 344, "ネットワーク設定", edit=True))
    b.append(field(34, 362, "VPC", f"{VPC} (デフォルト)", w=480, label_w=220, select=True))
    b.append(
        field(34, 406, "サブネット", f"{SECOND['subnet']}  {SECOND['az']}", w=480, label_w=220, select=True, mark=True)
    )
    b.append(field(34, 450, "パブリック IP の自動割り当て", "有効化", w=200, label_w=220, select=True))
    b.append(text(34, 516, "ファイアウォール (セキュリティグループ)", size=14, weight="bold"))
    r1, w1 = radio(34, 530, "セキュリティグループを作成")
    r2, _ = radio(34 + w1, 530, "既存のセキュリティグループを選択する", on=True)
    b.append(r1 + r2)
    b.append(
        rect(254, 566, 480, 32, stroke="#879596", rx=2)
        + rect(260, 571, 300, 22, fill="#f1faff", stroke=BLUE, rx=3)
        + text(268, 587, f"aws-hands-on-ec2  {EC2_SG}  ×", size=12.5, mono=True)
    )
    b.append(text(34, 587, "共通のセキュリティグループ", size=14, weight="bold"))
    b.append(highlight(254, 566, 480, 32))
    b.append(callout(736, 460, "③ 1 台目 (1a) と別の AZ (1c)", anchor="end"))
    b.append(callout(742, 640, "aws-hands-on-ec2 のまま", anchor="end"))
    # Summary and the launch button
    b.append(panel(840, 120, 344, 540, "概要"))
    summary = [
        ("インスタンス数", "1"),
        ("ソフトウェアイメージ (AMI)", "Amazon Linux 2023"),
        ("インスタンスタイプ", "t3.micro"),
        ("ファイアウォール", "aws-hands-on-ec2"),
        ("サブネット", SECOND["az"]),
    ]
    for i, (k, v) in enumerate(summary):
        y = 180 + i * 60
        b.append(text(860, y, k, size=13, fill=MUTED, weight="bold"))
        b.append(text(860, y + 24, v, size=14, mono=v.isascii()))
    launch, lw = button(0, 0, "インスタンスを起動", primary=True)
    b.append(button(1164 - lw, 560, "インスタンスを起動", primary=True, mark=True)[0])
    b.append(button(1164 - lw - 112, 560, "キャンセル")[0])
    b.append(callout(1164, 630, "④ インスタンスを起動", anchor="end"))
    return console("".join(b), crumbs=("EC2", "インスタンス", "インスタンスを起動"))


def instances_two_running() -> str:
    rows = [_instance_row(FIRST), _instance_row(SECOND)]
    extra = [callout(1010, 336, "別々の AZ で 2 台とも実行中", anchor="end")]
    extra.append(
        text(
            252,
            380,
            f"どちらもタグ {TAG}、セキュリティグループ aws-hands-on-ec2 のインスタンスです",
            size=14,
            fill=MUTED,
        )
    )
    extra.append(
        text(252, 420, "2 台目の状態が「保留中」のときは、「実行中」になるまで少し待ちます", size=14, fill=MUTED)
    )
    return instances_page("インスタンス (2)", rows, mark_cells=((0, 2), (1, 2), (0, 4), (1, 4)), extra="".join(extra))


def register_targets() -> str:
    b = [panel(232, 86, 950, 560)]
    b.append(text(252, 122, "ターゲットを登録", size=20, weight="bold"))
    b.append(text(252, 146, "ターゲットグループ: aws-hands-on (HTTP: 8000)", size=13, fill=MUTED))
    b.append(text(252, 182, "利用可能なインスタンス (2)", size=16, weight="bold"))
    cols = [("インスタンス ID", 200), ("名前", 160), ("状態", 110), ("セキュリティグループ", 200), ("ゾーン", 180)]
    rows = [
        [FIRST["id"], FIRST["name"], "実行中", "aws-hands-on-ec2", FIRST["az"]],
        [SECOND["id"], SECOND["name"], "実行中", "aws-hands-on-ec2", SECOND["az"]],
    ]
    b.append(table(252, 194, cols, rows, checkbox_col=True, selected=1, mark_rows=(1,), links=()))
    b.append(callout(1162, 320, "⑤ 2 台目にチェック", anchor="end"))
    b.append(field(252, 344, "選択したインスタンスのポート", "8000", w=120, label_w=230, mark=True))
    b.append(button(620, 344, "以下を保留中として含める", mark=True)[0])
    b.append(callout(842, 366, "⑥ ポート 8000 で含める"))
    b.append(text(252, 430, "ターゲットの確認", size=16, weight="bold"))
    review = [("ヘルスステータス", 150), ("インスタンス ID", 200), ("名前", 150), ("ポート", 90), ("ゾーン", 170)]
    b.append(
        table(
            252,
            442,
            review,
            [[("status", "保留中", None), SECOND["id"], SECOND["name"], "8000", SECOND["az"]]],
            mark_cells=((0, 3),),
            links=(),
        )
    )
    b.append(callout(1162, 540, "ポート 8000 で保留中に入った", anchor="end"))
    register, rw = button(0, 0, "保留中のターゲットを登録", primary=True)
    b.append(button(1162 - rw, 598, "保留中のターゲットを登録", primary=True, mark=True)[0])
    b.append(button(1162 - rw - 112, 598, "キャンセル")[0])
    b.append(callout(1162 - rw - 124, 620, "⑦ 登録", anchor="end"))
    return console("".join(b), nav="tg", crumbs=("EC2", "ターゲットグループ", LB, "ターゲットを登録"))


TARGET_COLS = [
    ("インスタンス ID", 180),
    ("名前", 140),
    ("ポート", 70),
    ("ゾーン", 150),
    ("ヘルスステータス", 130),
    ("ヘルスステータスの詳細", 240),
]


def _targets_tab(rows: list, *, marks, note: str, note_colour=MUTED, callout_text: str, callout_y: int) -> str:
    c = [text(252, 230, "登録済みターゲット (2)", size=16, weight="bold")]
    reg, w = button(0, 0, "ターゲットを登録")
    c.append(button(1162 - w, 206, "ターゲットを登録")[0])
    c.append(button(1162 - w - 112, 206, "登録解除")[0])
    c.append(table(252, 254, TARGET_COLS, rows, mark_cells=marks, links=(0,)))
    c.append(callout(1162, callout_y, callout_text, anchor="end"))
    c.append(text(252, 430, note, size=14, fill=note_colour, weight="bold"))
    return target_group_page(LB, TG_ARN, 1, "".join(c))


def targets_two_healthy() -> str:
    rows = [
        [FIRST["id"], FIRST["name"], "8000", FIRST["az"], ("status", "healthy", True), "-"],
        [SECOND["id"], SECOND["name"], "8000", SECOND["az"], ("status", "healthy", True), "-"],
    ]
    return _targets_tab(
        rows,
        marks=((0, 4), (1, 4)),
        note="ロードバランサーは healthy な 2 台にリクエストを振り分けます",
        note_colour=GREEN,
        callout_text="2 台とも healthy",
        callout_y=394,
    )


def target_unused_stopped() -> str:
    rows = [
        [FIRST["id"], FIRST["name"], "8000", FIRST["az"], ("status", "unused", None), "Target is in the stopped state"],
        [SECOND["id"], SECOND["name"], "8000", SECOND["az"], ("status", "healthy", True), "-"],
    ]
    page = _targets_tab(
        rows,
        marks=((0, 4), (0, 5), (1, 4)),
        note="停止した 1 台目は使われず、リクエストはすべて healthy な 2 台目 (ap-northeast-1c) に届きます",
        callout_text="停止したターゲットは unused",
        callout_y=394,
    )
    note = "止まるまでの間は unhealthy や draining と表示されることもあります"
    return page + text(252, 466, note, size=13, fill=MUTED)


def browser_still_served() -> str:
    body = [panel(16, 86, 640, 560, "インスタンス (2)")]
    cols = [("Name", 140), ("インスタンスの状態", 150), ("ゾーン", 160), ("ターゲット", 150)]
    rows = [
        [FIRST["name"], STOPPED, FIRST["az"], ("status", "unused", None)],
        [SECOND["name"], RUNNING, SECOND["az"], ("status", "healthy", True)],
    ]
    body.append(table(36, 140, cols, rows, mark_rows=(0,), links=()))
    body.append(text(36, 290, "1 台目を停止: ターゲットは unused", size=14, fill=HIGHLIGHT, weight="bold"))
    body.append(text(36, 318, "2 台目は実行中: ターゲットは healthy", size=14, fill=GREEN, weight="bold"))
    # The request path as it is now.
    body.append(rect(56, 380, 170, 56, fill="#f4ecff", stroke="#8c4fff", rx=6))
    body.append(text(141, 414, "ロードバランサー", size=14, weight="bold", anchor="middle"))
    body.append(rect(420, 350, 200, 44, fill="#f2f3f3", stroke=LINE, rx=6))
    body.append(text(520, 378, f"{FIRST['name']} (停止)", size=13, fill=MUTED, anchor="middle"))
    body.append(rect(420, 420, 200, 44, fill="#fff7ec", stroke=ORANGE, rx=6))
    body.append(text(520, 448, SECOND["name"], size=13, weight="bold", anchor="middle", mono=True))
    body.append(
        line(226, 398, 420, 372, stroke="#aab7b8", sw=2, extra=' stroke-dasharray="6 5"')
        + text(323, 391, "×", size=18, fill=HIGHLIGHT, weight="bold", anchor="middle")
    )
    body.append(arrow(226, 420, 420, 442, NAVY))
    body.append(text(36, 520, "ロードバランサーは healthy なターゲットだけに", size=14))
    body.append(text(36, 546, "リクエストを送ります", size=14))
    # The browser, reloaded at the DNS name.
    bx = 680
    body.append(browser(bx, 86, 504, 560, f"http://{DNS}/"))
    body.append(django_welcome(bx, 86, 504))
    body.append(text(bx + 252, 470, "再読み込みしても表示される", size=14, fill=INK, anchor="middle"))
    body.append(
        text(
            bx + 252,
            500,
            "1 台を止めても Django のページが表示された",
            size=14,
            fill=GREEN,
            weight="bold",
            anchor="middle",
        )
    )
    return console("".join(body), crumbs=())


def _instance_box(x, y, instance: dict, label: str) -> str:
    out = security_group_frame(x, y, 280, 164, "SG aws-hands-on-ec2: 8000 ← ALB", label_dy=20, size=12.5)
    out += rect(x + 16, y + 32, 248, 122, fill="#fff7ec", stroke=ORANGE, rx=8)
    out += text(x + 140, y + 58, f"EC2 インスタンス {label}", size=15, weight="bold", anchor="middle")
    out += text(x + 140, y + 78, f"EC2 instance {label} — {instance['name']}", size=12, fill=MUTED, anchor="middle")
    out += text(x + 140, y + 102, "Django :8000", size=14, anchor="middle", mono=True)
    out += text(x + 140, y + 124, TAG, size=12.5, fill=MUTED, anchor="middle", mono=True)
    out += text(x + 140, y + 144, instance["subnet"], size=12.5, fill=BLUE, anchor="middle", mono=True)
    return out


def architecture() -> str:
    out = [rect(0, 0, 1200, 600, fill="#fff")]
    out.append(
        cloud_and_vpc(
            20,
            560,
            "AWS クラウド / AWS Cloud — ap-northeast-1 (東京 / Tokyo)",
            label_y=46,
            vpc_y=62,
            vpc_h=500,
            vpc_label="VPC (デフォルト / default)",
        )
    )
    # One band per Availability Zone, each with its subnet; the ALB has a node in every enabled AZ.
    for i, zone in enumerate((FIRST["az"], SECOND["az"])):
        y = 100 + i * 226
        out.append(rect(206, y, 938, 210, fill="none", stroke=BLUE, rx=8, extra=' stroke-dasharray="4 4"'))
        out.append(
            text(
                1134,
                y + 22,
                f"アベイラビリティーゾーン / AZ {zone}",
                size=13,
                fill=BLUE,
                weight="bold",
                anchor="end",
            )
        )
    out.append(
        text(
            1130,
            550,
            "ALB は ap-northeast-1a・1c・1d で有効 / enabled in 1a, 1c, 1d",
            size=12.5,
            fill=MUTED,
            anchor="end",
        )
    )
    out.append(client_box(24, 266))
    # ALB across both AZs, with its security group
    out.append(security_group_frame(236, 136, 290, 354, "SG aws-hands-on-alb: 80 ← 0.0.0.0/0", label_dy=20))
    out.append(load_balancer_box(256, 170, 250, 306, LB, title_y=214, listener_y=284, listener_w=200))
    out.append(text(381, 390, "healthy なターゲットに", size=13, anchor="middle"))
    out.append(text(381, 410, "リクエストを振り分ける", size=13, anchor="middle"))
    out.append(text(381, 434, "spreads requests over", size=12, fill=MUTED, anchor="middle"))
    out.append(text(381, 452, "the healthy targets", size=12, fill=MUTED, anchor="middle"))
    out.append(target_group_box(590, 262, LB))
    # the two instances, one per AZ
    out.append(_instance_box(846, 132, FIRST, "1"))
    out.append(_instance_box(846, 358, SECOND, "2"))
    # arrows
    out.append(arrow(144, 312, 281, 312, NAVY) + pill(206, 300, "http:80"))
    out.append(arrow(481, 312, 590, 312, NAVY))
    out.append(arrow(780, 290, 862, 226, NAVY) + pill(812, 236, "http:8000"))
    out.append(arrow(780, 334, 862, 444, NAVY) + pill(812, 416, "http:8000"))
    out.append(
        text(
            680,
            594,
            "クライアント → ALB (HTTP:80) → ターゲットグループ → 別々の AZ にある 2 台の EC2 インスタンス (8000)",
            size=14,
            anchor="middle",
            weight="bold",
        )
    )
    return "".join(out)


FIGURES = {
    "step6_architecture": Drawing(architecture, 1200, 610),
    "step6_launch_more_like_this": Drawing(launch_more_like_this),
    "step6_choose_subnet": Drawing(choose_subnet),
    "step6_instances_two_running": Drawing(instances_two_running),
    "step6_register_targets": Drawing(register_targets),
    "step6_targets_two_healthy": Drawing(targets_two_healthy),
    "step6_target_unused_stopped": Drawing(target_unused_stopped),
    "step6_browser_still_served": Drawing(browser_still_served),
}
