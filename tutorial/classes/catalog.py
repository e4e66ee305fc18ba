"""The dashboard's columns: a step's sections and check ids with their titles (the step's spec, provisioning.steps).

The step's spec is the source of truth for which checks exist and their titles; the content pack lends the section
titles, and when it cannot be loaded (a broken pack, tests without content) the slugs stand in for them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils.translation import get_language

from provisioning import steps as step_catalog

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckColumn:
    id: str
    title: str
    section: str


@dataclass(frozen=True)
class SectionColumns:
    slug: str
    title: str
    checks: tuple[CheckColumn, ...]


def tutorial_choices() -> list[tuple[str, str]]:
    """Tutorials a class can be on: those the step catalog can verify."""
    slugs = sorted(step_catalog.tutorials())
    return [(slug, _tutorial_title(slug) or slug) for slug in slugs]


def tutorial_steps(tutorial: str) -> list[str]:
    """The verifiable steps of a tutorial, in the pack's order when known."""
    steps = [s for _t, s in step_catalog.step_keys(tutorial)]
    pack = _pack(tutorial)
    if pack is not None:
        order = [s.slug for s in pack.steps]
        steps.sort(key=lambda s: order.index(s) if s in order else len(order))
    return steps


def step_columns(*, tutorial: str, step: str, lang: str | None = None) -> list[SectionColumns]:
    """Sections of the step in page order, each with its checks (id + title in `lang`)."""
    lang = (lang or get_language() or "ja")[:2]
    spec = step_catalog.get_step(tutorial, step)
    pack = _pack(tutorial)
    section_titles: dict[str, str] = {}
    if pack is not None:
        pack_step = pack.step(step)
        if pack_step is not None:
            section_titles = {s.slug: s.title for s in pack_step.version(lang).sections}
    columns = []
    for slug, ids in spec.sections.items():
        checks = tuple(CheckColumn(id=cid, title=spec.check(cid).title.get(lang) or cid, section=slug) for cid in ids)
        columns.append(SectionColumns(slug=slug, title=section_titles.get(slug) or slug, checks=checks))
    return columns


def _tutorial_title(slug: str) -> str:
    pack = _pack(slug)
    if pack is None:
        return ""
    lang = (get_language() or "ja")[:2]
    return pack.title.get(lang) or next(iter(pack.title.values()), "")


def _pack(slug: str):
    try:
        from tutorial.content import get_tutorial
    except ImportError:  # the content loader is optional for this app
        return None
    try:
        return get_tutorial(slug)
    except Exception:  # a broken pack must not take the dashboard down; the ids still work
        logger.warning("content pack %s could not be loaded; showing check ids", slug, exc_info=True)
        return None
