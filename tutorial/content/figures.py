"""Which file serves a figure: an instructor's PNG in CONTENT_OVERRIDE_DIR, else the project's SVG.

Override lookup order: CONTENT_OVERRIDE_DIR/<tutorial>/<name>.png, then CONTENT_OVERRIDE_DIR/<name>.png (the seed's
original file names, so real screenshots can be dropped in as they are).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from .types import Figure, Tutorial


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def figure_file(*, tutorial: Tutorial, figure: Figure) -> tuple[Path, str]:
    """(path, content type) of the file to serve. Names are validated by the loader; paths are checked anyway."""
    override_root = Path(settings.CONTENT_OVERRIDE_DIR)
    for candidate in (override_root / tutorial.slug / f"{figure.name}.png", override_root / f"{figure.name}.png"):
        if candidate.is_file() and _inside(candidate, override_root):
            return candidate, "image/png"
    return figure.svg, "image/svg+xml"
