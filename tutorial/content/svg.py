"""Drawing primitives for the project's figures: a simplified AWS console in SVG.

Used by screens.py (shared console screens) and by each step's figure module (content/<tutorial>/<step>/figures.py).

Everything is plain SVG text with escaped strings; sizes are estimated from the characters (CJK wide, Latin
narrow) because the build runs without a font engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

FONT = (
    "'Noto Sans JP','Noto Sans CJK JP','Hiragino Sans','Hiragino Kaku Gothic ProN',Meiryo,'Segoe UI',Arial,sans-serif"
)
MONO = "'Noto Sans Mono','DejaVu Sans Mono',Consolas,monospace"
W, H = 1200, 675
NAVY = "#232f3e"
ORANGE = "#ec7211"
HIGHLIGHT = "#d13212"
BLUE = "#0073bb"
LINE = "#d5dbdb"
MUTED = "#545b64"
INK = "#16191f"
GREEN = "#1d8102"
SOFT = "#f2f3f3"


def text_width(s: str, size: float) -> float:
    return sum(size if ord(c) > 0x2E7F else size * 0.56 for c in s)


def text(x, y, s, *, size=14, fill=INK, weight="normal", anchor="start", mono=False, extra="") -> str:
    family = MONO if mono else FONT
    return (
        f'<text x="{x}" y="{y}" font-family="{family}" font-size="{size}" fill="{fill}" font-weight="{weight}" '
        f'text-anchor="{anchor}"{extra}>{escape(str(s))}</text>'
    )


def rect(x, y, w, h, *, fill="#fff", stroke="none", rx=0, sw=1, extra="") -> str:
    return (
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rx}" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{sw}"{extra}/>'
    )


def line(x1, y1, x2, y2, *, stroke=LINE, sw=1, extra="") -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{stroke}" stroke-width="{sw}"{extra}/>'


def highlight(x, y, w, h) -> str:
    """The annotation a screenshot would have: a thick outline around what the reader must see or click."""
    return rect(x - 5, y - 5, w + 10, h + 10, fill="none", stroke=HIGHLIGHT, rx=6, sw=3.5)


def callout(x, y, label: str, *, anchor="start") -> str:
    """A numbered-note bubble in the annotation colour."""
    w = text_width(label, 14) + 20
    left = x if anchor == "start" else x - w
    return rect(left, y - 19, w, 28, fill=HIGHLIGHT, rx=14) + text(
        left + w / 2, y, label, size=14, fill="#fff", weight="bold", anchor="middle"
    )


def button(x, y, label, *, primary=False, mark=False, size=14) -> tuple[str, float]:
    """A console button; returns (svg, width). `mark` adds the highlight outline."""
    w = text_width(label, size) + 28
    fill, stroke, ink = (ORANGE, ORANGE, "#fff") if primary else ("#fff", MUTED, INK)
    out = rect(x, y, w, 32, fill=fill, stroke=stroke, rx=16 if primary else 16) + text(
        x + w / 2, y + 21, label, size=size, fill=ink, weight="bold", anchor="middle"
    )
    if mark:
        out += highlight(x, y, w, 32)
    return out, w


def field(x, y, label, value, *, w=320, mark=False, select=False, label_w=None) -> str:
    """A labelled input (label on the left when label_w is given, else above)."""
    if label_w:
        out = text(x, y + 21, label, size=14, weight="bold")
        bx = x + label_w
        by = y
    else:
        out = text(x, y, label, size=14, weight="bold")
        bx, by = x, y + 8
    out += rect(bx, by, w, 32, fill="#fff", stroke="#879596", rx=2)
    out += text(bx + 10, by + 21, value, size=14, mono=not select and _looks_technical(value))
    if select:
        out += text(bx + w - 18, by + 21, "▼", size=11, fill=MUTED)
    if mark:
        out += highlight(bx, by, w, 32)
    return out


def _looks_technical(value: str) -> bool:
    return all(ord(c) < 0x2E80 for c in value) and any(c in value for c in "-./:0123456789")


def checkbox(x, y, *, checked=True) -> str:
    out = rect(x, y, 16, 16, fill=BLUE if checked else "#fff", stroke=BLUE if checked else "#879596", rx=2)
    if checked:
        out += f'<path d="M{x + 3} {y + 8} l4 4 l6 -8" fill="none" stroke="#fff" stroke-width="2.2"/>'
    return out


def radio(x, y, label, *, on=False) -> tuple[str, float]:
    colour, width = (BLUE, 4) if on else ("#879596", 1.5)
    out = f'<circle cx="{x + 8}" cy="{y + 8}" r="7.5" fill="#fff" stroke="{colour}" stroke-width="{width}"/>'
    out += text(x + 24, y + 13, label, size=14)
    return out, 24 + text_width(label, 14) + 24


def status(x, y, label, *, ok: bool | None = True) -> str:
    """A status with its icon: ok (green tick), not ok (red cross), or None for a neutral state (grey dash)."""
    colour = GREEN if ok else (MUTED if ok is None else HIGHLIGHT)
    mark = "✓" if ok else ("–" if ok is None else "✕")
    return (
        f'<circle cx="{x + 8}" cy="{y - 5}" r="8" fill="{colour}"/>'
        + text(x + 8, y - 1, mark, size=11, fill="#fff", weight="bold", anchor="middle")
        + text(x + 22, y, label, size=14, fill=colour, weight="bold")
    )


def table(
    x, y, columns, rows, *, selected=None, mark_rows=(), mark_cells=(), checkbox_col=False, row_h=36, links=(0,)
) -> str:
    """A console table. columns: [(header, width)]; rows: lists of cells (str); marks by row index / (row, col)."""
    total = sum(w for _h, w in columns) + (36 if checkbox_col else 0)
    out = rect(x, y, total, row_h, fill=SOFT, stroke=LINE)
    cx = x + (36 if checkbox_col else 0)
    for header, w in columns:
        out += text(cx + 10, y + 23, header, size=13, weight="bold", fill=MUTED)
        cx += w
    for r, row in enumerate(rows):
        ry = y + row_h * (r + 1)
        out += rect(x, ry, total, row_h, fill="#f1faff" if r == selected else "#fff", stroke=LINE)
        if checkbox_col:
            out += checkbox(x + 12, ry + 10, checked=(r == selected))
        cx = x + (36 if checkbox_col else 0)
        for c, (cell, (_header, w)) in enumerate(zip(row, columns, strict=False)):
            if isinstance(cell, tuple) and cell[0] == "status":
                out += status(cx + 10, ry + 24, cell[1], ok=cell[2])
            elif isinstance(cell, tuple) and cell[0] == "strike":
                out += text(cx + 10, ry + 24, cell[1], size=14, fill="#aab7b8", extra=' text-decoration="line-through"')
            else:
                is_link = c in links and cell not in ("", "-")
                out += text(
                    cx + 10,
                    ry + 24,
                    cell,
                    size=14,
                    fill=BLUE if is_link else INK,
                    mono=_looks_technical(str(cell)) and len(str(cell)) > 3,
                )
            if (r, c) in mark_cells:
                out += highlight(cx + 4, ry + 4, w - 8, row_h - 8)
            cx += w
        if r in mark_rows:
            out += highlight(x, ry, total, row_h)
    return out


def tabs(x, y, labels, active: int, *, width: int = 900) -> str:
    out = line(x, y + 34, x + width, y + 34)
    cx = x
    for i, label in enumerate(labels):
        w = text_width(label, 14) + 30
        colour = ORANGE if i == active else MUTED
        out += text(
            cx + 15,
            y + 22,
            label,
            size=14,
            fill=INK if i == active else MUTED,
            weight="bold" if i == active else "normal",
        )
        if i == active:
            out += rect(cx, y + 31, w, 4, fill=colour)
        cx += w
    return out


def panel(x, y, w, h, title=None) -> str:
    out = rect(x, y, w, h, fill="#fff", stroke=LINE, rx=4)
    if title:
        out += text(x + 18, y + 30, title, size=17, weight="bold")
    return out


NAV_ITEMS = [
    ("EC2 ダッシュボード", None),
    ("インスタンス", "h"),
    ("インスタンス", "ec2"),
    ("ネットワーク & セキュリティ", "h"),
    ("セキュリティグループ", "sg"),
    ("キーペア", None),
    ("ロードバランシング", "h"),
    ("ロードバランサー", "lb"),
    ("ターゲットグループ", "tg"),
    ("Auto Scaling", "h"),
    ("Auto Scaling グループ", None),
]


def console(body: str, *, nav: str | None = None, crumbs: tuple[str, ...] = (), alt_title: str = "") -> str:
    """Wrap a screen in the console's chrome: the top bar, the EC2 menu (nav = active item) and breadcrumbs."""
    out = [rect(0, 0, W, H, fill="#fafafa")]
    out.append(rect(0, 0, W, 42, fill=NAVY))
    out.append(text(18, 28, "aws", size=22, fill="#fff", weight="bold"))
    out.append(f'<path d="M20 33 q 18 8 36 0" fill="none" stroke="{ORANGE}" stroke-width="2.5"/>')
    out.append(text(80, 27, "サービス ▼", size=14, fill="#fff"))
    out.append(
        rect(180, 9, 360, 24, fill="#fff", rx=3)
        + text(192, 26, "サービス、機能、ブログ、およびドキュメントなどを検索", size=12, fill="#879596")
    )
    out.append(text(W - 20, 27, "東京 ▼   hands-on-user ▼", size=14, fill="#fff", anchor="end"))
    left = 16
    if nav is not None:
        out.append(rect(0, 42, 214, H - 42, fill="#fff", stroke=LINE))
        y = 74
        for label, key in NAV_ITEMS:
            if key == "h":
                out.append(text(16, y, label, size=12, fill=MUTED, weight="bold"))
            else:
                if key == nav:
                    out.append(rect(0, y - 18, 214, 26, fill="#f1faff") + rect(0, y - 18, 4, 26, fill=ORANGE))
                out.append(
                    text(
                        28,
                        y,
                        label,
                        size=14,
                        fill=ORANGE if key == nav else INK,
                        weight="bold" if key == nav else "normal",
                    )
                )
            y += 28
        left = 232
    if crumbs:
        cx = left
        for i, crumb in enumerate(crumbs):
            last = i == len(crumbs) - 1
            out.append(text(cx, 70, crumb, size=13, fill=MUTED if last else BLUE))
            cx += text_width(crumb, 13) + 6
            if not last:
                out.append(text(cx, 70, "›", size=13, fill=MUTED))
                cx += 14
    out.append(body)
    return "".join(out)


def wizard(step: int, body: str) -> str:
    """The classic create-load-balancer wizard: six numbered steps across the top, `step` (1-6) current."""
    labels = [
        "1. ロードバランサーの設定",
        "2. セキュリティ設定の構成",
        "3. セキュリティグループの設定",
        "4. ルーティングの設定",
        "5. ターゲットの登録",
        "6. 確認",
    ]
    out = [rect(16, 50, W - 32, 40, fill="#fff", stroke=LINE)]
    x = 28
    for i, label in enumerate(labels, start=1):
        current = i == step
        out.append(
            text(
                x,
                76,
                label,
                size=13,
                fill=ORANGE if current else (INK if i < step else "#879596"),
                weight="bold" if current else "normal",
            )
        )
        x += text_width(label, 13) + 26
    out.append(body)
    return console("".join(out))


def svg_document(body: str, *, title: str, desc: str, width: int = W, height: int = H) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="t d">\n<title id="t">{escape(title)}</title>\n'
        f'<desc id="d">{escape(desc)}</desc>\n'
        f"{body}\n</svg>\n"
    )


@dataclass(frozen=True)
class Drawing:
    """One figure of a step: `draw()` returns the SVG body; the document is width x height (the console's size)."""

    draw: Callable[[], str]
    width: int = W
    height: int = H
