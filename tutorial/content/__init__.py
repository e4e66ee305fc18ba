"""Tutorial content: packs under settings.CONTENT_DIR, validated, rendered once per process and cached.

Public API: `get_library()`, `get_tutorial(slug)`, `clear_cache()`, `ContentError`; `figures.figure_file()` finds
the file that serves a figure (an instructor's PNG override or the project's SVG).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings

from .errors import ContentError, ContentProblem
from .types import Library, Section, Step, StepVersion, Tutorial

__all__ = [
    "ContentError",
    "ContentProblem",
    "Library",
    "Section",
    "Step",
    "StepVersion",
    "Tutorial",
    "clear_cache",
    "get_library",
    "get_tutorial",
    "parse_count",
]

logger = logging.getLogger(__name__)

_lock = threading.Lock()
# content dir -> (signature of its files, library). The signature is a cheap walk of mtimes, so an edited pack is
# picked up without a restart while an unchanged one is never parsed again.
_cache: dict[Path, tuple[tuple, Library]] = {}
_parses = 0


def _signature(content_dir: Path) -> tuple:
    if not content_dir.is_dir():
        return ()
    return tuple(
        sorted(
            (str(p.relative_to(content_dir)), p.stat().st_mtime_ns, p.stat().st_size) for p in content_dir.rglob("*")
        )
    )


def get_library(content_dir: Path | None = None) -> Library:
    """The loaded packs. Parses only when the files changed; if a reload fails, keeps serving the last good one."""
    global _parses
    from .loader import load_library

    directory = Path(content_dir or settings.CONTENT_DIR).resolve()
    signature = _signature(directory)
    cached = _cache.get(directory)
    if cached is not None and cached[0] == signature:
        return cached[1]
    with _lock:
        cached = _cache.get(directory)
        if cached is not None and cached[0] == signature:
            return cached[1]
        _parses += 1
        try:
            library = load_library(directory)
        except ContentError as exc:
            if cached is None:
                raise
            logger.error("content reload failed, keeping the previous version:\n%s", exc)
            _cache[directory] = (signature, cached[1])
            return cached[1]
        _cache[directory] = (signature, library)
        return library


def get_tutorial(slug: str) -> Tutorial | None:
    return get_library().tutorial(slug)


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def parse_count() -> int:
    """How many times packs were parsed in this process (the tests pin caching down with it)."""
    return _parses
