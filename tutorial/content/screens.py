"""Console screens shared by the steps' figures, built from the primitives in svg.py.

A step's figure module (content/<tutorial>/<step>/figures.py) composes these with its own resource names and
values; nothing here knows a step. Every name, id and address on a screen is an argument.
"""

from __future__ import annotations

from .svg import (
    GREEN,
    HIGHLIGHT,
    INK,
    MUTED,
    NAVY,
    button,
    console,
    highlight,
    line,
    panel,
    rect,
    status,
    table,
    tabs,
    text,
)


def wizard_footer(back: bool, next_label: str, *, mark_next=False) -> str:
    """The bottom bar of the create-load-balancer wizard: [戻る] [キャンセル] [next_label]."""
    out = line(16, 620, 1184, 620)
    x = 1176
    nxt, w = button(0, 0, next_label, primary=True)
    x -= w
    nxt, _ = button(x, 630, next_label, primary=True, mark=mark_next)
    out += nxt
    cancel, cw = button(0, 0, "キャンセル")
    x -= cw + 12
    out += button(x, 630, "キャンセル")[0]
    if back:
        _b, bw = button(0, 0, "戻る")
        out += button(x - bw - 12, 630, "戻る")[0]
    return out


def arrow(x1, y1, x2, y2, colour=INK) -> str:
    """A line from (x1, y1) to (x2, y2) with a horizontal arrowhead at its end (left or right)."""
    direction = 1 if x2 > x1 else -1
    return line(x1, y1, x2, y2, stroke=colour, sw=2) + (
        f'<path d="M{x2} {y2} l{-10 * direction} -6 v12 z" fill="{colour}"/>'
    )


def arrow_down(x, y1, y2, colour=INK) -> str:
    """A vertical line from y1 down to y2 with an arrowhead at y2."""
    return line(x, y1, x, y2, stroke=colour, sw=2) + f'<path d="M{x} {y2} l-6 -10 h12 z" fill="{colour}"/>'


def pill(x, y, s) -> str:
    """A protocol:port label on an arrow of an architecture diagram."""
    return rect(x - 38, y - 16, 76, 22, fill="#fff", stroke=NAVY, rx=11) + text(
        x, y, s, size=12.5, anchor="middle", mono=True, weight="bold"
    )


def cloud_and_vpc(y, h, label: str, *, label_y, vpc_y, vpc_h, vpc_label: str) -> str:
    """The dashed AWS cloud frame (its region in `label`) and the VPC box inside it, of an architecture diagram."""
    out = rect(170, y, 1010, h, fill="none", stroke="#879596", rx=10, extra=' stroke-dasharray="8 6"')
    out += text(190, label_y, label, size=15, fill=MUTED, weight="bold")
    out += rect(190, vpc_y, 970, vpc_h, fill="#f7faf7", stroke=GREEN, rx=8)
    return out + text(206, vpc_y + 24, vpc_label, size=14, fill=GREEN, weight="bold")


def client_box(x, y) -> str:
    """The client (a screen on a stand) of an architecture diagram, 120 x 90 at (x, y)."""
    out = rect(x, y, 120, 90, fill="#fff", stroke=INK, rx=8)
    out += rect(x + 30, y + 16, 60, 40, fill="#e8edf2", stroke=INK, rx=3) + rect(x + 20, y + 58, 80, 6, fill=INK, rx=2)
    out += text(x + 60, y + 84, "クライアント", size=14, weight="bold", anchor="middle")
    return out + text(x + 60, y + 110, "Client", size=13, fill=MUTED, anchor="middle")


def security_group_frame(x, y, w, h, label: str, *, label_dy=22, size=13) -> str:
    """The dashed outline of a security group around what it guards, `label` (its rule) at its top left."""
    out = rect(x, y, w, h, fill="none", stroke=HIGHLIGHT, rx=8, extra=' stroke-dasharray="6 4"')
    return out + text(x + 10, y + label_dy, label, size=size, fill=HIGHLIGHT, weight="bold", mono=True)


def load_balancer_box(x, y, w, h, name: str, *, title_y, listener_y, listener_w) -> str:
    """An Application Load Balancer named `name` with its HTTP:80 listener, centred in a w x h box at (x, y)."""
    cx = x + w // 2
    out = rect(x, y, w, h, fill="#f4ecff", stroke="#8c4fff", rx=8)
    out += text(cx, title_y, "アプリケーション", size=15, weight="bold", anchor="middle")
    out += text(cx, title_y + 20, "ロードバランサー", size=15, weight="bold", anchor="middle")
    out += text(cx, title_y + 42, f"Application Load Balancer \u201c{name}\u201d", size=12, fill=MUTED, anchor="middle")
    out += rect(cx - listener_w // 2, listener_y, listener_w, 56, fill="#fff", stroke="#8c4fff", rx=6)
    out += text(cx, listener_y + 24, "HTTP:80 リスナー", size=14, weight="bold", anchor="middle")
    return out + text(cx, listener_y + 44, "HTTP:80 listener", size=12, fill=MUTED, anchor="middle")


def target_group_box(x, y, name: str) -> str:
    """A target group named `name`, 190 x 100 at (x, y)."""
    out = rect(x, y, 190, 100, fill="#fff", stroke="#8c4fff", rx=8)
    out += text(x + 95, y + 34, "ターゲットグループ", size=15, weight="bold", anchor="middle")
    out += text(x + 95, y + 54, "Target group", size=12, fill=MUTED, anchor="middle")
    return out + text(x + 95, y + 80, name, size=14, anchor="middle", mono=True)


def browser(x, y, w, h, url: str, *, mark_url=True) -> str:
    """A browser window (title bar, traffic lights, address bar showing `url`)."""
    out = rect(x, y, w, h, fill="#fff", stroke="#879596", rx=8)
    out += rect(x, y, w, 40, fill="#dee1e6", rx=8) + rect(x, y + 24, w, 16, fill="#dee1e6")
    for i, colour in enumerate(("#ff5f57", "#febc2e", "#28c840")):
        out += f'<circle cx="{x + 18 + i * 18}" cy="{y + 20}" r="5" fill="{colour}"/>'
    out += rect(x + 8, y + 46, w - 16, 30, fill="#f1f3f4", rx=15) + text(x + 22, y + 66, url, size=11.5, mono=True)
    if mark_url:
        out += highlight(x + 8, y + 46, w - 16, 30)
    return out


def django_welcome(x, y, w) -> str:
    """Django's "The install worked successfully!" page, drawn inside a browser window whose top is at y."""
    mid = x + w // 2
    out = rect(x + 1, y + 84, w - 2, 60, fill="#0c4b33")
    out += text(x + 24, y + 124, "django", size=28, fill="#fff", weight="bold")
    out += text(mid, y + 214, "The install worked successfully!", size=17, weight="bold", anchor="middle")
    out += text(mid, y + 240, "Congratulations!", size=17, weight="bold", anchor="middle")
    out += text(mid, y + 294, "You are seeing this page because DEBUG=True", size=13, fill=MUTED, anchor="middle")
    return out


TARGET_GROUP_TABS = ["詳細", "ターゲット", "モニタリング", "ヘルスチェック", "属性", "タグ"]


def target_group_page(name: str, arn: str, active: int, content: str) -> str:
    """A target group's page in the EC2 console, tab `active` (see TARGET_GROUP_TABS) showing `content`."""
    body = [panel(232, 86, 950, 560)]
    body.append(text(252, 122, name, size=20, weight="bold"))
    body.append(text(252, 146, arn, size=12, fill=MUTED, mono=True))
    body.append(tabs(252, 160, TARGET_GROUP_TABS, active))
    body.append(content)
    return console("".join(body), nav="tg", crumbs=("EC2", "ターゲットグループ", name))


def load_balancer_page(name: str, dns: str, active_tab: int, content: str, *, width=950, x=232, nav="lb") -> str:
    """The load balancer list with one (selected) load balancer and its detail tabs below, tab `active_tab`."""
    body = [panel(x, 86, width, 560)]
    body.append(text(x + 20, 122, "ロードバランサー (1)", size=20, weight="bold"))
    cols = [("名前", 130), ("DNS 名", 450), ("状態", 90), ("タイプ", 110), ("スキーム", 130)]
    body.append(
        table(
            x + 20,
            140,
            cols,
            [[name, dns, ("status", "active", True), "application", "internet-facing"]],
            checkbox_col=True,
            selected=0,
        )
    )
    body.append(text(x + 20, 252, f"ロードバランサー: {name}", size=16, weight="bold"))
    body.append(tabs(x + 20, 262, ["説明", "リスナー", "モニタリング", "統合サービス", "タグ"], active_tab))
    body.append(content)
    return console("".join(body), nav=nav, crumbs=("EC2", "ロードバランサー"))


def success_banner(message: str, *, x=232, w=950) -> str:
    """The green banner the console shows at the top after a change was saved."""
    return rect(x, 50, w, 30, fill="#f2f8f0", stroke=GREEN, rx=3) + status(x + 12, 70, message, ok=True)


def menu(x, y, w, items: list[str], *, mark: int | None = None, row_h=30) -> str:
    """An open drop-down menu (items ending in ▸ open a submenu); `mark` outlines one item."""
    out = rect(x + 3, y + 3, w, row_h * len(items) + 8, fill="#00000022", rx=4)
    out += rect(x, y, w, row_h * len(items) + 8, fill="#fff", stroke="#879596", rx=4)
    for i, item in enumerate(items):
        iy = y + 4 + row_h * i
        label, submenu = (item[:-1].rstrip(), True) if item.endswith("▸") else (item, False)
        if i == mark:
            out += rect(x + 1, iy, w - 2, row_h, fill="#f1faff")
        out += text(x + 14, iy + 20, label, size=14, weight="bold" if i == mark else "normal")
        if submenu:
            out += text(x + w - 14, iy + 20, "▸", size=12, fill=MUTED, anchor="end")
        if i == mark:
            out += highlight(x + 1, iy, w - 2, row_h)
    return out
