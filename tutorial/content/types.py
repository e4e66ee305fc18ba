"""The loaded shape of a content pack: tutorials, steps, sections, figures (immutable, built once per process)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.utils.safestring import SafeString

# A text in every UI language: {"ja": ..., "en": ...}.
Translated = dict[str, str]


@dataclass(frozen=True)
class CheckRef:
    """One check a section's checkpoint runs, with its title (worded as the passing state) in one language."""

    id: str
    title: str


@dataclass(frozen=True)
class Section:
    """One section of a step in one language: its heading, rendered body and checkpoint."""

    slug: str
    title: str  # short title for navigation
    heading_html: SafeString  # the heading's inline content (the seed's heading text)
    level: int  # 1 for the step's opening section (the page's h1), 2 otherwise
    checks: tuple[CheckRef, ...]
    html: SafeString  # the sanitised body, figures and copy buttons included
    cli: str | None  # the AWS CLI equivalent for this language, if the pack has one
    line: int  # where the section starts in its Markdown file
    minutes: int | None = None  # the pack's estimate of the time the section takes (front matter `minutes:`)


@dataclass(frozen=True)
class StepVersion:
    """A step in one language."""

    lang: str
    title: str
    sections: tuple[Section, ...]
    source: Path

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)

    @property
    def total_minutes(self) -> int:
        """The step's estimated time: the sum of its sections' estimates (0 when the pack gives none)."""
        return sum(s.minutes or 0 for s in self.sections)


@dataclass(frozen=True)
class Figure:
    """A figure slot: the seed's file name (without .png) and its project-made SVG."""

    name: str
    alt: Translated
    caption: Translated
    svg: Path
    number: int = 0  # order of appearance in the step, 1-based
    shows: str = ""  # what the picture is of, when a sandbox learner can open the real thing (loader.FIGURE_SHOWS)


@dataclass(frozen=True)
class Step:
    slug: str
    order: int
    tutorial_slug: str
    directory: Path
    parameters: object  # the step's params dataclass (provisioning/steps/<step>/), with the pack's overrides
    versions: dict[str, StepVersion]
    figures: dict[str, Figure]

    def version(self, lang: str) -> StepVersion:
        """The step in `lang`, falling back to the first language the pack has."""
        return self.versions.get(lang) or next(iter(self.versions.values()))


@dataclass(frozen=True)
class Tutorial:
    slug: str
    title: Translated
    description: Translated
    region: str
    check_titles: dict[str, Translated]  # every step's check titles, from the step specs (provisioning.steps)
    steps: tuple[Step, ...]
    directory: Path

    def step(self, slug: str) -> Step | None:
        return next((s for s in self.steps if s.slug == slug), None)

    def neighbours(self, slug: str) -> tuple[Step | None, Step | None]:
        """The steps before and after `slug` (None at either end)."""
        slugs = [s.slug for s in self.steps]
        i = slugs.index(slug)
        return (self.steps[i - 1] if i > 0 else None, self.steps[i + 1] if i + 1 < len(self.steps) else None)


@dataclass(frozen=True)
class Library:
    """Every tutorial pack under the content directory."""

    tutorials: dict[str, Tutorial] = field(default_factory=dict)

    def tutorial(self, slug: str) -> Tutorial | None:
        return self.tutorials.get(slug)
