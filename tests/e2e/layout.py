"""Layout measurements for browser tests: JavaScript functions (tests/e2e/js/*.js) run in the page through
page.evaluate (which the CSP allows), returning what overlaps or overflows, so a test asserts the list is empty and
prints it when it is not."""

from __future__ import annotations

from pathlib import Path

_JS = Path(__file__).resolve().parent / "js"

# The architecture diagram: labels against lines, arrowheads, boxes and each other; box text inside its box.
DIAGRAM_OVERLAPS = (_JS / "diagram_overlaps.js").read_text(encoding="utf-8")
# {scrollWidth, viewport, wide: [elements wider than the viewport, outside any scrolling box]}
WIDER_THAN_VIEWPORT = (_JS / "wider_than_viewport.js").read_text(encoding="utf-8")


def rects_meet(a: dict, b: dict) -> bool:
    """Whether two bounding boxes ({x, y, width, height}) overlap (touching edges do not)."""
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )
