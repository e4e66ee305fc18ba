"""The learner's live architecture picture: boxes and links laid out from a run's snapshot, coloured by its checks.

`architecture_diagram(architecture=..., statuses=..., tutorial=..., step=...)` asks the step's spec
(provisioning.steps) for its nodes and links, and returns plain data (coordinates, labels in the page's language,
statuses) that templates/learning/panels.html draws as inline SVG, and as its text version from the same data: each
link named by the boxes its path joins, its state in words and symbol. The text version is what screen readers get on
every width, and what a phone shows instead of the picture. The drawing tolerates missing keys: a resource the
snapshot did not see is drawn dashed, "not found".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

STATUS_ORDER = ("fail", "error", "skipped", "pass")
SYMBOLS = {"pass": "✓", "fail": "✗", "error": "!", "skipped": "–", "unknown": "?", "not_built": "…"}
# Drawn as attributes, so the picture reads the same without the stylesheet (and in screenshots).
COLOURS = {
    "pass": "#1d8102",
    "fail": "#d13212",
    "error": "#8a5a00",
    "skipped": "#687078",
    "unknown": "#aab7b8",
    "not_built": "#8d99a6",
}


def link_status(statuses: dict[str, str], check_ids: tuple[str, ...]) -> str:
    """fail beats error beats skipped; pass only when every covering check passed; unknown when none ran."""
    seen = [statuses[c] for c in check_ids if c in statuses]
    if not seen:
        return "unknown"
    for status in ("fail", "error"):
        if status in seen:
            return status
    if all(s == "pass" for s in seen) and len(seen) == len(check_ids):
        return "pass"
    return "skipped" if "skipped" in seen else "unknown"


@dataclass
class Box:
    key: str
    x: int
    y: int
    w: int
    h: int
    title: str
    lines: list[str] = field(default_factory=list)
    chips: list[str] = field(default_factory=list)
    present: bool = True

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2

    @property
    def text_x(self) -> int:
        return self.x + 8

    def line_ys(self) -> list[tuple[int, str]]:
        return [(self.y + 36 + 14 * i, line) for i, line in enumerate(self.lines)]

    def chip_boxes(self) -> list[tuple[int, int, str]]:
        return [(self.x + 8 + 54 * i, self.y + self.h - 24, chip) for i, chip in enumerate(self.chips[:3])]

    @property
    def description(self) -> str:
        """What the box says, as one line of the text version (its lines, then its zones)."""
        parts = [line for line in self.lines if line]
        if self.chips:
            parts.append(_("AZs %(zones)s") % {"zones": ", ".join(self.chips)})
        return ", ".join(parts)


@dataclass
class Link:
    key: str
    path: str
    label: str
    status: str
    checks: tuple[str, ...]
    label_x: int
    label_y: int
    dashed: bool = False
    short: str = ""  # what is drawn beside the line (the full label is in the title and the text list)
    source: str = ""  # the titles of the boxes the path starts and ends on ("" when it ends on none)
    target: str = ""
    states: dict[str, str] = field(default_factory=dict)  # this link's own word for a status, in the page's language

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.status, "?")

    @property
    def colour(self) -> str:
        return COLOURS.get(self.status, COLOURS["unknown"])

    @property
    def status_text(self) -> str:
        return self.states.get(self.status) or status_label(self.status)

    @property
    def drawn_label(self) -> str:
        """What the picture writes beside the line: the short label, and the link's own state word if it has one."""
        text = self.short or self.label
        own = self.states.get(self.status)
        return f"{self.symbol} {text}: {own}" if own else f"{self.symbol} {text}"

    @property
    def route(self) -> str:
        """ "Client → Load balancer": where the link goes, for the text version."""
        if self.source and self.target:
            return _("%(source)s → %(target)s") % {"source": self.source, "target": self.target}
        return self.source or self.target


@dataclass
class Diagram:
    boxes: list[Box]
    links: list[Link]
    width: int = 860
    height: int = 330
    has_run: bool = False

    @property
    def legend(self) -> list[tuple[str, str, str, str]]:
        shown = ("pass", "fail", "error", "skipped", "not_built", "unknown")
        return [(s, SYMBOLS[s], COLOURS[s], status_label(s)) for s in shown]

    @property
    def broken(self) -> list[Link]:
        return [link for link in self.links if link.status in ("fail", "error")]

    @property
    def broken_texts(self) -> list[str]:
        """The broken links in words: each label (with the link's own state word, if any); a label that several
        broken links share names where each goes."""
        labels = [link.label for link in self.broken]
        out = []
        for link in self.broken:
            text = link.label
            if labels.count(link.label) > 1 and link.target:
                text = _("%(label)s to %(target)s") % {"label": text, "target": link.target}
            if link.states.get(link.status):
                text = _("%(label)s: %(state)s") % {"label": text, "state": link.states[link.status]}
            out.append(text)
        return out


def status_label(status: str) -> str:
    return {
        "pass": _("passing"),
        "fail": _("broken"),
        "error": _("could not check"),
        "skipped": _("not checked yet (an earlier check failed)"),
        "unknown": _("no result"),
        "not_built": _("not built yet"),
    }.get(status, status)


_POINT = re.compile(r"(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)")


def _end_boxes(path: str, boxes: list[Box]) -> tuple[Box | None, Box | None]:
    """The boxes a link's path starts and ends on (read from its end points, so it holds for any step's drawing)."""
    points = _POINT.findall(path)
    if not points:
        return None, None

    def at(point: tuple[str, str]) -> Box | None:
        px, py = float(point[0]), float(point[1])
        for box in boxes:
            if box.x - 3 <= px <= box.x + box.w + 3 and box.y - 3 <= py <= box.y + box.h + 3:
                return box
        return None

    return at(points[0]), at(points[-1])


def _ends_at_missing_box(path: str, boxes: list[Box]) -> bool:
    """Whether the link's path starts or ends at a box that is not there."""
    return any(box is not None and not box.present for box in _end_boxes(path, boxes))


def _text(value: Any, lang: str) -> str:
    """A node's or link's text: language-neutral, or {"ja", "en"} picked for the page's language."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or next(iter(value.values()), ""))
    return str(value)


def _step_spec(tutorial: str | None, step: str | None, statuses: dict[str, str]):
    from provisioning.steps import all_steps, find_check, get_step

    if tutorial and step:
        return get_step(tutorial, step)
    owner = next((find_check(cid) for cid in statuses), None)  # callers that did not say: the step of the results
    return owner or all_steps()[0]


def architecture_diagram(
    *, architecture: dict | None, statuses: dict[str, str], tutorial: str | None = None, step: str | None = None
) -> Diagram:
    """Lay out the picture for one run's snapshot (`Run.architecture`) and its results (`check id -> status`)."""
    arch = architecture if isinstance(architecture, dict) else {}
    lang = "en" if (get_language() or "").startswith("en") else "ja"
    spec = _step_spec(tutorial, step, statuses).diagram(arch)
    boxes = [
        Box(
            n.key,
            n.x,
            n.y,
            n.w,
            n.h,
            _text(n.title, lang),
            [_text(line, lang) for line in n.lines],
            chips=list(n.chips),
            present=n.present,
        )
        for n in spec.nodes
    ]
    links = [
        Link(
            link.key,
            link.path,
            _text(link.label, lang),
            link_status(statuses, link.checks),
            link.checks,
            link.label_x,
            link.label_y,
            link.dashed,
            _text(link.short, lang),
            *(box.title if box else "" for box in _end_boxes(link.path, boxes)),
            {status: _text(text, lang) for status, text in (link.states or {}).items()},
        )
        for link in spec.links
    ]
    if arch:
        # A link to something not built yet is grey ("not built"), not red: nothing is broken, it is still to do.
        for link in links:
            if link.status in ("fail", "skipped", "unknown") and _ends_at_missing_box(link.path, boxes):
                link.status = "not_built"
    return Diagram(boxes=boxes, links=links, width=spec.width, height=spec.height, has_run=bool(arch))
