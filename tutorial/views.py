"""Reading pages. Reading needs no login; the learning side adds its context (checks, progress) via selectors."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from tutorial.learning import selectors as learning

from .content import get_library, get_tutorial
from .content.figures import figure_file
from .content.types import Step, Tutorial


def _get_tutorial_or_404(slug: str) -> Tutorial:
    tutorial = get_tutorial(slug)
    if tutorial is None:
        raise Http404("no such tutorial")
    return tutorial


def _get_step_or_404(tutorial: Tutorial, slug: str) -> Step:
    step = tutorial.step(slug)
    if step is None:
        raise Http404("no such step")
    return step


def _lang() -> str:
    return (get_language() or "ja").split("-")[0]


def _resume(place, lang: str) -> dict | None:
    """The "continue where you left off" link of a learner's place: its URL and the step's and section's titles."""
    url = learning.place_url(place)
    pack = get_tutorial(place.tutorial) if url else None
    page_step = pack.step(place.step) if pack else None
    if page_step is None:
        return None
    version = page_step.version(lang)
    section = version.section(place.section) if place.section else None
    return {
        "url": url,
        "tutorial": pack,
        "step_title": version.title,
        "section_title": section.title if section else "",
    }


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    tutorials = list(get_library().tutorials.values())
    lang = _lang()
    place = learning.place_get(user=request.user)
    context = {"tutorials": tutorials, "lang": lang, "resume": _resume(place, lang) if place else None}
    return render(request, "tutorial/home.html", context)


@require_safe
def overview(request: HttpRequest, tutorial: str) -> HttpResponse:
    pack = _get_tutorial_or_404(tutorial)
    lang = _lang()
    context = {
        "tutorial": pack,
        "tutorial_slug": pack.slug,
        "lang": lang,
        "steps": [(step, step.version(lang)) for step in pack.steps],
    }
    context.update(learning.overview_page_context(user=request.user, tutorial=pack.slug))
    place = context.get("resume_place")
    context["resume"] = _resume(place, lang) if place else None
    return render(request, "tutorial/overview.html", context)


@require_safe
def step(request: HttpRequest, tutorial: str, step: str) -> HttpResponse:
    pack = _get_tutorial_or_404(tutorial)
    current = _get_step_or_404(pack, step)
    lang = _lang()
    previous, following = pack.neighbours(current.slug)
    version = current.version(lang)
    context = {
        "tutorial": pack,
        "tutorial_slug": pack.slug,
        "step": current,
        "step_slug": current.slug,
        "version": version,
        "sections": version.sections,
        # Each section with the one after it, for the "next section" link at its end.
        "section_pairs": list(zip(version.sections, (*version.sections[1:], None), strict=True)),
        "lab_slug": _lab_section(version.sections),
        "lang": lang,
        "previous_step": previous.version(lang) if previous else None,
        "previous_slug": previous.slug if previous else None,
        "next_step": following.version(lang) if following else None,
        "next_slug": following.slug if following else None,
    }
    context.update(learning.step_page_context(user=request.user, tutorial=pack.slug, step=current.slug))
    context["minutes_left"] = learning.minutes_left(learning=context["learning"], sections=version.sections)
    return render(request, "tutorial/step.html", context)


def _lab_section(sections) -> str | None:
    """Where the lab (the live diagram, Prepare, Do it for me, Clean up) sits: the first section without a
    checkpoint (an overview, such as Step 5's architecture), else the first section, so every step has one."""
    for section in sections:
        if not section.checks:
            return section.slug
    return sections[0].slug if sections else None


@require_safe
def figure(request: HttpRequest, tutorial: str, step: str, name: str) -> FileResponse:
    """A figure is content, not a static file: only names the step declares are served (no paths at all)."""
    pack = _get_tutorial_or_404(tutorial)
    current = _get_step_or_404(pack, step)
    fig = current.figures.get(name)
    if fig is None:
        raise Http404("no such figure")
    path, content_type = figure_file(tutorial=pack, figure=fig)
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=300"
    # An SVG opened on its own must not run anything, whatever ends up in it.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response
