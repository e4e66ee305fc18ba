"""Step 5's figures: the seed's 16 screenshot slots (see shared/seed/FIGURES.md) and the architecture diagram.

Each function draws one slot in a simplified Japanese AWS console, with the values a learner enters or should see;
the outline in the annotation colour marks what to click or check. `FIGURES` maps slot names to drawings; build
with `.venv/bin/python -m tutorial.content.figures_build` (the SVGs are committed, edit this file, not them).
"""

from __future__ import annotations

from tutorial.content.screens import (
    arrow,
    browser,
    client_box,
    cloud_and_vpc,
    django_welcome,
    load_balancer_box,
    load_balancer_page,
    pill,
    security_group_frame,
    success_banner,
    target_group_box,
    target_group_page,
    wizard_footer,
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
    SOFT,
    Drawing,
    button,
    callout,
    checkbox,
    console,
    field,
    highlight,
    panel,
    radio,
    rect,
    status,
    table,
    tabs,
    text,
    wizard,
)

LB = "aws-hands-on"
DNS = "aws-hands-on-1234567890.ap-northeast-1.elb.amazonaws.com"
INSTANCE = "i-0123456789abcdef0"
ALB_SG = "sg-0a1b2c3d4e5f60789"
EC2_SG = "sg-0fedcba9876543210"
VPC = "vpc-0abc1234"
TG_ARN = "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/aws-hands-on/0123456789abcdef"


def lb_create_01() -> str:
    body = [panel(232, 86, 950, 560)]
    body.append(text(252, 122, "ロードバランサー (0)", size=20, weight="bold"))
    b, w = button(0, 0, "ロードバランサーの作成", primary=True)
    b, _ = button(1162 - w, 100, "ロードバランサーの作成", primary=True, mark=True)
    body.append(b)
    act, aw = button(0, 0, "アクション ▼")
    body.append(button(1162 - w - aw - 14, 100, "アクション ▼")[0])
    body.append(callout(1162 - w - 4, 168, "① ここをクリック"))
    body.append(
        rect(252, 146, 520, 32, stroke="#879596", rx=2)
        + text(264, 167, "ロードバランサーをフィルタリング", size=14, fill="#879596")
    )
    cols = [
        ("名前", 150),
        ("DNS 名", 200),
        ("状態", 90),
        ("VPC ID", 130),
        ("アベイラビリティーゾーン", 210),
        ("タイプ", 100),
    ]
    body.append(table(252, 196, cols, [], checkbox_col=True))
    body.append(rect(252, 232, 916, 150, stroke=LINE))
    body.append(text(710, 296, "ロードバランサーがありません", size=16, weight="bold", anchor="middle"))
    body.append(
        text(710, 324, "このリージョンにはロードバランサーがありません。", size=14, fill=MUTED, anchor="middle")
    )
    body.append(text(252, 420, "リージョン: アジアパシフィック (東京) ap-northeast-1", size=14, fill=MUTED))
    return console("".join(body), nav="lb", crumbs=("EC2", "ロードバランサー"))


def lb_create_02() -> str:
    body = [text(232, 112, "ロードバランサーの種類の選択", size=22, weight="bold")]
    cards = [
        ("Application Load Balancer", "HTTP / HTTPS", "HTTP と HTTPS のトラフィックを扱う柔軟なアプリケーション", True),
        ("Network Load Balancer", "TCP / TLS / UDP", "超高パフォーマンスと静的 IP アドレスが必要な場合", False),
        (
            "Classic Load Balancer",
            "前世代 (HTTP / HTTPS / TCP)",
            "EC2-Classic ネットワークで構築された既存のアプリケーション",
            False,
        ),
    ]
    x = 232
    for title, protocols, desc, chosen in cards:
        body.append(panel(x, 140, 300, 420))
        body.append(text(x + 150, 190, title, size=17, weight="bold", anchor="middle"))
        body.append(rect(x + 100, 215, 100, 100, fill="#f1faff" if chosen else SOFT, rx=50))
        body.append(
            text(
                x + 150,
                274,
                "ALB" if chosen else ("NLB" if "Network" in title else "CLB"),
                size=24,
                fill=BLUE if chosen else MUTED,
                weight="bold",
                anchor="middle",
            )
        )
        body.append(text(x + 150, 350, protocols, size=14, fill=MUTED, weight="bold", anchor="middle"))
        words = [desc[i : i + 17] for i in range(0, len(desc), 17)]
        for i, part in enumerate(words):
            body.append(text(x + 150, 384 + 22 * i, part, size=13, fill=INK, anchor="middle"))
        b, w = button(0, 0, "作成", primary=True)
        body.append(button(x + 150 - w / 2, 490, "作成", primary=True, mark=chosen)[0])
        if chosen:
            body.append(highlight(x, 140, 300, 420))
            body.append(callout(x + 150 + w / 2 + 16, 512, "② 作成"))
        x += 320
    return console("".join(body), nav="lb", crumbs=("EC2", "ロードバランサー", "ロードバランサーの作成"))


def lb_create_03() -> str:
    b = [panel(16, 100, 1168, 510, "ステップ 1: ロードバランサーの設定")]
    b.append(text(36, 160, "基本的な設定", size=16, weight="bold"))
    b.append(field(36, 172, "名前", LB, w=300, label_w=150, mark=True))
    b.append(text(36, 240, "スキーム", size=14, weight="bold"))
    r1, _w1 = radio(186, 227, "インターネット向け (internet-facing)", on=True)
    r2, _ = radio(186, 255, "内部 (internal)")
    b.append(r1 + r2)
    b.append(field(36, 286, "IP アドレスタイプ", "ipv4", w=300, label_w=150, select=True))
    b.append(text(36, 356, "リスナー", size=16, weight="bold"))
    b.append(
        table(
            36,
            368,
            [("ロードバランサーのプロトコル", 260), ("ロードバランサーのポート", 220)],
            [["HTTP", "80"]],
            mark_rows=(0,),
            links=(),
        )
    )
    b.append(text(600, 160, "アベイラビリティーゾーン", size=16, weight="bold"))
    b.append(field(600, 172, "VPC", f"{VPC} (172.31.0.0/16) (デフォルト)", w=420, label_w=60, select=True))
    zones = [
        ("ap-northeast-1a", "subnet-0aa11aa11aa11aa11"),
        ("ap-northeast-1c", "subnet-0cc22cc22cc22cc22"),
        ("ap-northeast-1d", "subnet-0dd33dd33dd33dd33"),
    ]
    for i, (zone, subnet) in enumerate(zones):
        y = 232 + 40 * i
        b.append(checkbox(610, y))
        b.append(text(636, y + 13, zone, size=14, weight="bold", mono=True))
        b.append(text(790, y + 13, subnet, size=13, fill=MUTED, mono=True))
    b.append(highlight(604, 226, 560, 112))
    b.append(callout(1164, 370, "③ 3 つとも選択", anchor="end"))
    b.append(callout(350, 215, "名前: aws-hands-on"))
    b.append(wizard_footer(False, "次の手順: セキュリティ設定の構成", mark_next=True))
    return wizard(1, "".join(b))


def lb_create_04() -> str:
    b = [panel(16, 100, 1168, 510, "ステップ 3: セキュリティグループの設定")]
    b.append(text(36, 160, "セキュリティグループの割り当て:", size=14, weight="bold"))
    r1, w1 = radio(290, 147, "新しいセキュリティグループを作成する", on=True)
    r2, _ = radio(290 + w1, 147, "既存のセキュリティグループを選択する")
    b.append(r1 + r2)
    b.append(field(36, 184, "セキュリティグループ名", "aws-hands-on-alb", w=340, label_w=250, mark=True))
    b.append(field(36, 232, "説明", "aws-hands-on-alb", w=340, label_w=250))
    cols = [("タイプ", 200), ("プロトコル", 140), ("ポート範囲", 140), ("ソース", 360), ("説明", 220)]
    b.append(
        table(
            36,
            300,
            cols,
            [["HTTP ▼", "TCP", "80", "カスタム ▼   0.0.0.0/0", "インターネットから"]],
            mark_rows=(0,),
            links=(),
        )
    )
    b.append(button(36, 392, "ルールの追加")[0])
    b.append(callout(36 + 200 + 140 + 140, 420, "HTTP / TCP 80 / 0.0.0.0/0"))
    b.append(text(36, 470, "ALB はインターネットの誰からでも HTTP (80) を受け付けます。", size=14, fill=MUTED))
    b.append(wizard_footer(True, "次の手順: ルーティングの設定", mark_next=True))
    return wizard(3, "".join(b))


def lb_create_05() -> str:
    b = [panel(16, 100, 1168, 510, "ステップ 4: ルーティングの設定")]
    b.append(text(36, 156, "ターゲットグループ", size=16, weight="bold"))
    b.append(field(36, 168, "ターゲットグループ", "新しいターゲットグループ", w=300, label_w=200, select=True))
    b.append(field(36, 210, "名前", "aws-hands-on", w=300, label_w=200, mark=True))
    b.append(text(36, 274, "ターゲットの種類", size=14, weight="bold"))
    x = 236
    for label, on in (("インスタンス", True), ("IP", False), ("Lambda 関数", False)):
        r, w = radio(x, 261, label, on=on)
        b.append(r)
        x += w
    b.append(highlight(232, 256, 130, 26))
    b.append(field(36, 294, "プロトコル", "HTTP", w=300, label_w=200, select=True))
    b.append(field(36, 336, "ポート", "8000", w=300, label_w=200, mark=True))
    b.append(callout(560, 360, "ポート 8000 (Django のポート)"))
    b.append(text(36, 412, "ヘルスチェック", size=16, weight="bold"))
    b.append(field(36, 424, "プロトコル", "HTTP", w=300, label_w=200, select=True))
    b.append(field(36, 466, "パス", "/healthcheck", w=300, label_w=200, mark=True))
    b.append(callout(560, 490, "アプリが 200 を返すパス"))
    b.append(wizard_footer(True, "次の手順: ターゲットの登録", mark_next=True))
    return wizard(4, "".join(b))


TARGET_COLS = [
    ("インスタンス", 200),
    ("名前", 130),
    ("ポート", 80),
    ("状態", 110),
    ("セキュリティグループ", 190),
    ("ゾーン", 160),
]
INSTANCE_COLS = [
    ("インスタンス", 200),
    ("名前", 130),
    ("状態", 110),
    ("セキュリティグループ", 190),
    ("ゾーン", 160),
    ("タグ", 280),
]


def register_targets(registered: bool) -> str:
    b = [panel(16, 100, 1168, 510, "ステップ 5: ターゲットの登録")]
    b.append(text(36, 160, "登録済みターゲット", size=16, weight="bold"))
    if registered:
        b.append(
            table(
                36,
                172,
                TARGET_COLS,
                [[INSTANCE, "aws-hands-on", "8000", "running", "aws-hands-on-ec2", "ap-northeast-1a"]],
                mark_rows=(0,),
            )
        )
        b.append(callout(920, 200, "ポート 8000 で登録済み"))
    else:
        b.append(table(36, 172, TARGET_COLS, []))
        b.append(
            rect(36, 208, 870, 40, stroke=LINE)
            + text(471, 234, "登録済みのターゲットはありません", size=14, fill=MUTED, anchor="middle")
        )
    b.append(text(36, 296, "インスタンス", size=16, weight="bold"))
    b.append(text(190, 296, "ポート", size=14, weight="bold"))
    b.append(rect(244, 277, 90, 30, stroke="#879596", rx=2) + text(256, 297, "8000", size=14, mono=True))
    add, _w = button(350, 276, "登録済に追加", mark=not registered)
    b.append(add)
    if not registered:
        b.append(highlight(244, 277, 90, 30))
        b.append(callout(520, 298, "④ チェックしてポート 8000 で追加"))
    rows = [
        [INSTANCE, "aws-hands-on", "running", "aws-hands-on-ec2", "ap-northeast-1a", "CodeDeploy=aws-hands-on"],
    ]
    b.append(
        table(
            36,
            318,
            INSTANCE_COLS,
            rows,
            checkbox_col=True,
            selected=None if registered else 0,
            mark_rows=() if registered else (0,),
        )
    )
    b.append(wizard_footer(True, "次の手順: 確認", mark_next=registered))
    return wizard(5, "".join(b))


def lb_create_06() -> str:
    return register_targets(False)


def lb_create_07() -> str:
    return register_targets(True)


def tg_01() -> str:
    body = [panel(232, 86, 950, 560)]
    body.append(text(252, 122, "ターゲットグループ (1)", size=20, weight="bold"))
    b, w = button(0, 0, "ターゲットグループの作成", primary=True)
    body.append(button(1162 - w, 100, "ターゲットグループの作成", primary=True)[0])
    cols = [
        ("名前", 140),
        ("ポート", 70),
        ("プロトコル", 90),
        ("ターゲットタイプ", 130),
        ("ロードバランサー", 140),
        ("VPC ID", 130),
    ]
    body.append(
        table(
            252,
            150,
            cols,
            [["aws-hands-on", "8000", "HTTP", "instance", "aws-hands-on", VPC]],
            checkbox_col=True,
            mark_cells=((0, 0),),
            links=(0, 4),
        )
    )
    body.append(callout(270, 250, "⑤ aws-hands-on をクリック"))
    body.append(text(252, 300, "ARN", size=13, weight="bold", fill=MUTED))
    body.append(text(252, 322, TG_ARN, size=13, mono=True))
    return console("".join(body), nav="tg", crumbs=("EC2", "ターゲットグループ"))


def tg_02() -> str:
    pairs = [
        ("プロトコル", "HTTP"),
        ("パス", "/healthcheck"),
        ("ポート", "traffic-port"),
        ("正常のしきい値", "5 回連続の成功"),
        ("非正常のしきい値", "2 回連続の失敗"),
        ("タイムアウト", "5 秒"),
        ("間隔", "30 秒"),
        ("成功コード", "200"),
    ]
    c = [text(252, 230, "ヘルスチェックの設定", size=16, weight="bold")]
    for i, (k, v) in enumerate(pairs):
        x = 252 + (i % 4) * 230
        y = 264 + (i // 4) * 64
        c.append(text(x, y, k, size=13, fill=MUTED, weight="bold"))
        c.append(text(x, y + 26, v, size=16, mono=v.isascii()))
    c.append(highlight(246, 246, 930, 124))
    # How the check works, drawn under the settings.
    c.append(
        text(
            252,
            420,
            "ロードバランサーは定期的にターゲットへ HTTP リクエストを送り、応答を見ています",
            size=14,
            fill=MUTED,
        )
    )
    c.append(
        rect(272, 450, 210, 70, fill="#f1faff", stroke=BLUE, rx=6)
        + text(377, 492, "ロードバランサー", size=15, weight="bold", anchor="middle")
    )
    c.append(
        rect(812, 450, 230, 70, fill="#fff7ec", stroke=ORANGE, rx=6)
        + text(927, 482, "EC2 インスタンス", size=15, weight="bold", anchor="middle")
        + text(927, 506, ":8000 (Django)", size=13, anchor="middle", mono=True)
    )
    c.append(arrow(482, 472, 812, 472) + text(647, 464, "GET /healthcheck", size=13, anchor="middle", mono=True))
    c.append(
        arrow(812, 500, 482, 500)
        + text(647, 528, "200 OK → healthy", size=13, fill=GREEN, weight="bold", anchor="middle", mono=True)
    )
    return target_group_page(LB, TG_ARN, 3, "".join(c))


def tg_03() -> str:
    c = [text(252, 230, "登録済みターゲット (1)", size=16, weight="bold")]
    cols = [
        ("インスタンス ID", 200),
        ("名前", 130),
        ("ポート", 80),
        ("ゾーン", 150),
        ("ヘルスステータス", 170),
        ("ヘルスステータスの詳細", 180),
    ]
    c.append(
        table(
            252,
            244,
            cols,
            [[INSTANCE, "aws-hands-on", "8000", "ap-northeast-1a", ("status", "healthy", True), "-"]],
            mark_cells=((0, 4),),
        )
    )
    c.append(callout(870, 346, "healthy になれば OK", anchor="end"))
    c.append(
        text(
            252,
            400,
            "unhealthy のときは「ヘルスステータスの詳細」に理由が出ます"
            " (例: Health checks failed with these codes: [400])",
            size=13,
            fill=MUTED,
        )
    )
    return target_group_page(LB, TG_ARN, 1, "".join(c))


def lb_01() -> str:
    c = [button(252, 316, "リスナーの追加")[0], button(400, 316, "編集")[0]]
    cols = [("リスナー ID", 180), ("セキュリティポリシー", 180), ("SSL 証明書", 160), ("ルール", 380)]
    c.append(
        table(
            252,
            366,
            cols,
            [["HTTP : 80", "該当なし", "該当なし", "デフォルト: 転送先 aws-hands-on"]],
            mark_cells=((0, 0), (0, 3)),
            links=(3,),
        )
    )
    c.append(callout(772, 460, "転送先 = ターゲットグループ aws-hands-on"))
    return load_balancer_page(LB, DNS, 1, "".join(c))


def lb_02() -> str:
    pairs = [
        ("名前", LB),
        ("DNS 名", DNS),
        ("状態", "active"),
        ("タイプ", "application"),
        ("スキーム", "internet-facing"),
        ("IP アドレスタイプ", "ipv4"),
        ("VPC", VPC),
        ("アベイラビリティーゾーン", "ap-northeast-1a, ap-northeast-1c, ap-northeast-1d"),
    ]
    body = [panel(16, 86, 640, 560, "説明")]
    body.append(tabs(36, 126, ["説明", "リスナー", "モニタリング", "タグ"], 0, width=600))
    for i, (k, v) in enumerate(pairs):
        y = 196 + i * 50
        body.append(text(36, y, k, size=13, fill=MUTED, weight="bold"))
        if k == "状態":
            body.append(status(36, y + 26, v, ok=True))
        else:
            body.append(text(36, y + 24, v, size=14 if len(v) < 52 else 12.5, mono=v.isascii(), fill=INK))
    body.append(highlight(30, 228, 610, 44))
    body.append(text(36, 630, "(A レコード) この名前をブラウザで開く →", size=13, fill=HIGHLIGHT, weight="bold"))
    # The browser beside the console, at the DNS name.
    bx = 680
    body.append(browser(bx, 86, 504, 560, f"http://{DNS}/"))
    body.append(django_welcome(bx, 86, 504))
    body.append(
        text(
            bx + 252,
            490,
            "ロードバランサー経由で Django のページが表示された",
            size=14,
            fill=GREEN,
            weight="bold",
            anchor="middle",
        )
    )
    return console("".join(body), crumbs=())


SG_ROWS = [
    ["-", "sg-0123abcd4567ef890", "default", VPC, "default VPC security group"],
    ["-", ALB_SG, "aws-hands-on-alb", VPC, "aws-hands-on-alb"],
    ["-", EC2_SG, "aws-hands-on-ec2", VPC, "aws-hands-on-ec2"],
]
SG_COLS = [
    ("Name", 70),
    ("セキュリティグループ ID", 200),
    ("セキュリティグループ名", 190),
    ("VPC ID", 130),
    ("説明", 290),
]
RULE_COLS = [("タイプ", 150), ("プロトコル", 100), ("ポート範囲", 100), ("ソース", 400), ("説明", 120)]


def sg_page(tab: int, content: str, *, selected_mark=False) -> str:
    body = [panel(232, 86, 950, 560)]
    body.append(text(252, 122, "セキュリティグループ (3)", size=20, weight="bold"))
    body.append(
        table(
            252,
            140,
            SG_COLS,
            SG_ROWS,
            checkbox_col=True,
            selected=2,
            mark_rows=(2,) if selected_mark else (),
            links=(1,),
        )
    )
    body.append(text(252, 318, f"{EC2_SG} - aws-hands-on-ec2", size=16, weight="bold"))
    body.append(tabs(252, 328, ["詳細", "インバウンドルール", "アウトバウンドルール", "タグ"], tab))
    body.append(content)
    return console("".join(body), nav="sg", crumbs=("EC2", "セキュリティグループ"))


def sg_01() -> str:
    pairs = [
        ("セキュリティグループ名", "aws-hands-on-ec2"),
        ("セキュリティグループ ID", EC2_SG),
        ("説明", "aws-hands-on-ec2"),
        ("VPC ID", VPC),
    ]
    c = []
    for i, (k, v) in enumerate(pairs):
        x = 252 + i * 230
        c.append(text(x, 400, k, size=13, fill=MUTED, weight="bold") + text(x, 426, v, size=14, mono=v.isascii()))
    c.append(callout(1164, 222, "⑥ aws-hands-on-ec2 を選択", anchor="end"))
    return sg_page(0, "".join(c), selected_mark=True)


def sg_02() -> str:
    c = [text(252, 394, "インバウンドルール (3)", size=15, weight="bold")]
    edit, w = button(0, 0, "インバウンドルールを編集")
    c.append(button(1162 - w, 372, "インバウンドルールを編集", mark=True)[0])
    rows = [
        ["HTTP", "TCP", "80", "0.0.0.0/0", "-"],
        ["カスタム TCP", "TCP", "8000", "0.0.0.0/0", "-"],
        ["カスタム TCP", "TCP", "8001", "0.0.0.0/0", "-"],
    ]
    c.append(table(252, 414, RULE_COLS, rows, mark_cells=((0, 3), (1, 3), (2, 3)), links=()))
    c.append(
        text(
            252,
            580,
            "0.0.0.0/0 = インターネットの誰からでも。このままではインスタンスに直接アクセスできてしまう",
            size=13,
            fill=HIGHLIGHT,
            weight="bold",
        )
    )
    return sg_page(1, "".join(c))


def sg_03() -> str:
    b = [panel(16, 86, 1168, 560, "インバウンドルールを編集")]
    b.append(
        text(
            36,
            140,
            f"インバウンドルールは、インスタンスに到達できる受信トラフィックを制御します。 {EC2_SG} - aws-hands-on-ec2",
            size=13,
            fill=MUTED,
        )
    )
    cols = [("タイプ", 190), ("プロトコル", 110), ("ポート範囲", 120), ("ソース", 470), ("説明", 150), ("", 80)]
    b.append(rect(36, 160, 1120, 36, fill=SOFT, stroke=LINE))
    x = 36
    for header, w in cols:
        b.append(text(x + 10, 183, header, size=13, weight="bold", fill=MUTED))
        x += w
    y = 208
    b.append(
        rect(46, y, 170, 32, stroke="#879596", rx=2)
        + text(56, y + 21, "カスタム TCP", size=14)
        + text(200, y + 21, "▼", size=11, fill=MUTED, anchor="end")
    )
    b.append(text(236, y + 21, "TCP", size=14))
    b.append(rect(346, y, 100, 32, stroke="#879596", rx=2) + text(356, y + 21, "8000", size=14, mono=True))
    b.append(rect(456, y, 110, 32, stroke="#879596", rx=2) + text(466, y + 21, "カスタム ▼", size=14))
    b.append(
        rect(576, y, 340, 32, stroke="#879596", rx=2) + rect(582, y + 5, 330, 22, fill="#f1faff", stroke=BLUE, rx=3)
    )
    b.append(text(590, y + 21, f"{ALB_SG} / aws-hands-on-alb  ×", size=12.5, mono=True))
    b.append(button(1066, y, "削除")[0])
    b.append(highlight(46, y, 870, 32))
    b.append(callout(580, y + 70, "ソース: ALB のセキュリティグループ aws-hands-on-alb"))
    # The rules open to the internet are deleted (shown struck through, as they go).
    for i, (kind, port) in enumerate((("HTTP", "80"), ("カスタム TCP", "8001"))):
        yy = 320 + 44 * i
        b.append(rect(36, yy, 1120, 40, fill="#fdf3f1", stroke=LINE))
        b.append(
            text(
                56,
                yy + 26,
                f"{kind}   TCP   {port}   0.0.0.0/0",
                size=14,
                fill="#aab7b8",
                mono=True,
                extra=' text-decoration="line-through"',
            )
        )
        b.append(text(1140, yy + 26, "削除しました", size=13, fill=HIGHLIGHT, weight="bold", anchor="end"))
    b.append(text(36, 440, "0.0.0.0/0 からのルール (80、8001) は削除する", size=14, fill=HIGHLIGHT, weight="bold"))
    b.append(button(36, 470, "ルールを追加")[0])
    save, w = button(0, 0, "ルールの保存", primary=True)
    b.append(button(1164 - w, 596, "ルールの保存", primary=True, mark=True)[0])
    b.append(button(1164 - w - 120, 596, "キャンセル")[0])
    return console("".join(b), crumbs=("EC2", "セキュリティグループ", EC2_SG, "インバウンドルールを編集"))


def sg_04() -> str:
    c = [text(252, 394, "インバウンドルール (1)", size=15, weight="bold")]
    edit, w = button(0, 0, "インバウンドルールを編集")
    c.append(button(1162 - w, 372, "インバウンドルールを編集")[0])
    rows = [["カスタム TCP", "TCP", "8000", f"{ALB_SG} / aws-hands-on-alb", "-"]]
    c.append(table(252, 414, RULE_COLS, rows, mark_rows=(0,), links=(3,)))
    c.append(
        text(
            252,
            530,
            "ルールは 1 つだけ: TCP 8000 を aws-hands-on-alb (ロードバランサー) からのみ許可",
            size=14,
            fill=GREEN,
            weight="bold",
        )
    )
    page = sg_page(1, "".join(c))
    banner = success_banner("セキュリティグループのルールが正常に変更されました")
    return page + banner


def architecture() -> str:
    out = [rect(0, 0, 1200, 500, fill="#fff")]
    out.append(
        cloud_and_vpc(
            30,
            440,
            "AWS クラウド / AWS Cloud — ap-northeast-1 (東京 / Tokyo)",
            label_y=58,
            vpc_y=80,
            vpc_h=370,
            vpc_label="VPC (デフォルト / default)",
        )
    )
    out.append(client_box(24, 246))
    # ALB with its security group
    out.append(security_group_frame(236, 140, 300, 220, "SG aws-hands-on-alb: 80 ← 0.0.0.0/0"))
    out.append(load_balancer_box(256, 176, 260, 168, LB, title_y=204, listener_y=264, listener_w=204))
    out.append(target_group_box(600, 196, LB))
    # EC2 with its security group
    out.append(security_group_frame(856, 140, 290, 220, "SG aws-hands-on-ec2: 8000 ← ALB"))
    out.append(rect(876, 176, 250, 168, fill="#fff7ec", stroke=ORANGE, rx=8))
    out.append(text(1001, 212, "EC2 インスタンス", size=15, weight="bold", anchor="middle"))
    out.append(text(1001, 232, "EC2 instance", size=12, fill=MUTED, anchor="middle"))
    out.append(text(1001, 262, "Django :8000", size=14, anchor="middle", mono=True))
    out.append(text(1001, 290, "CodeDeploy=aws-hands-on", size=12.5, fill=MUTED, anchor="middle", mono=True))
    # arrows with the protocol:port labels of the seed
    out.append(arrow(144, 292, 284, 292, NAVY) + pill(200, 280, "http:80"))
    out.append(arrow(488, 292, 600, 246, NAVY))
    out.append(arrow(790, 246, 876, 246, NAVY) + pill(833, 232, "http:8000"))
    out.append(
        text(
            680,
            420,
            "クライアント → ALB (HTTP:80 リスナー) → ターゲットグループ → EC2 インスタンス (8000)",
            size=15,
            anchor="middle",
            weight="bold",
        )
    )
    return "".join(out)


FIGURES = {
    "architecture": Drawing(architecture, 1200, 500),
    "step5_lb_create_01": Drawing(lb_create_01),
    "step5_lb_create_02": Drawing(lb_create_02),
    "step5_lb_create_03": Drawing(lb_create_03),
    "step5_lb_create_04": Drawing(lb_create_04),
    "step5_lb_create_05": Drawing(lb_create_05),
    "step5_lb_create_06": Drawing(lb_create_06),
    "step5_lb_create_07": Drawing(lb_create_07),
    "step5_lb_target_group_01": Drawing(tg_01),
    "step5_lb_target_group_02": Drawing(tg_02),
    "step5_lb_target_group_03": Drawing(tg_03),
    "step5_lb_load_balancer_01": Drawing(lb_01),
    "step5_lb_load_balancer_02": Drawing(lb_02),
    "step5_security_group_01": Drawing(sg_01),
    "step5_security_group_02": Drawing(sg_02),
    "step5_security_group_03": Drawing(sg_03),
    "step5_security_group_04": Drawing(sg_04),
}
