"""The dashboard's columns: for each verifiable step of a tutorial, its sections and their checks with short titles.

Which checks a step has, how they group into sections and their short titles (ja/en) are the step's own knowledge
(its spec, provisioning/steps/<step>/): `step_checks()` is the one place this app reads them. Section and step
titles are the reading side's (the content pack); when the pack cannot be loaded the slugs stand in.
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
    title: str  # the short title in the reader's language (the id is in a tooltip and the CSV)
    section: str
    step: str = ""
    titles: tuple[tuple[str, str], ...] = ()  # (lang, title) for the CSV in the other language

    def title_in(self, lang: str) -> str:
        return dict(self.titles).get(lang) or self.title


@dataclass(frozen=True)
class SectionColumns:
    slug: str
    title: str
    checks: tuple[CheckColumn, ...]
    step: str = ""


@dataclass(frozen=True)
class StepColumns:
    slug: str
    title: str
    sections: tuple[SectionColumns, ...]

    @property
    def width(self) -> int:
        return sum(len(s.checks) for s in self.sections)


def step_checks(tutorial: str, step: str) -> list[tuple[str, list[tuple[str, dict[str, str]]]]]:
    """A step's sections in page order, each with its checks: [(section, [(check id, {lang: short title})])].

    The one read of the step's spec (provisioning.steps: sections and check titles), so the dashboard declares
    none of it again and a new step (its own spec) gets its columns by being registered.
    """
    spec = step_catalog.get_step(tutorial, step)
    return [(slug, [(cid, dict(spec.check(cid).title)) for cid in ids]) for slug, ids in spec.sections.items()]


def tutorial_step_slugs(tutorial: str) -> list[str]:
    """The steps of `tutorial` the engine can verify (the step registry's order)."""
    return [s for _t, s in step_catalog.step_keys(tutorial)]


def tutorial_choices() -> list[tuple[str, str]]:
    """Tutorials a class can be on: those the step catalog can verify."""
    slugs = sorted(step_catalog.tutorials())
    return [(slug, _tutorial_title(slug) or slug) for slug in slugs]


def tutorial_steps(tutorial: str) -> list[str]:
    """The verifiable steps of a tutorial, in the pack's order when known."""
    steps = tutorial_step_slugs(tutorial)
    pack = _pack(tutorial)
    if pack is not None:
        order = [s.slug for s in pack.steps]
        steps.sort(key=lambda s: order.index(s) if s in order else len(order))
    return steps


def _lang(lang: str | None) -> str:
    return (lang or get_language() or "ja")[:2]


def step_columns(*, tutorial: str, step: str, lang: str | None = None) -> list[SectionColumns]:
    """Sections of one step in page order, each with its checks (id + short title in `lang`)."""
    lang = _lang(lang)
    pack = _pack(tutorial)
    section_titles: dict[str, str] = {}
    if pack is not None:
        pack_step = pack.step(step)
        if pack_step is not None:
            section_titles = {s.slug: s.title for s in pack_step.version(lang).sections}
    columns = []
    for slug, checks in step_checks(tutorial, step):
        cols = tuple(
            CheckColumn(
                id=cid,
                title=titles.get(lang) or titles.get("en") or cid,
                section=slug,
                step=step,
                titles=tuple(sorted(titles.items())),
            )
            for cid, titles in checks
        )
        columns.append(SectionColumns(slug=slug, title=section_titles.get(slug) or slug, checks=cols, step=step))
    return columns


def tutorial_columns(*, tutorial: str, lang: str | None = None) -> list[StepColumns]:
    """Every verifiable step of the tutorial (pack order), each with its sections and checks."""
    lang = _lang(lang)
    pack = _pack(tutorial)
    out = []
    for step in tutorial_steps(tutorial):
        title = step
        pack_step = pack.step(step) if pack is not None else None
        if pack_step is not None:
            title = getattr(pack_step.version(lang), "title", "") or step
        out.append(StepColumns(step, title, tuple(step_columns(tutorial=tutorial, step=step, lang=lang))))
    return out


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
