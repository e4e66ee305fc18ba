"""Read and validate content packs (content/<tutorial>/), and build the rendered, immutable Library.

Every problem is collected with its file and line (see errors.py) and raised together as one ContentError, so
`manage.py load_content` can show an author everything that is wrong in one go. The format is in content/README.md.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import fields
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from provisioning import steps as step_catalog

from . import rendering
from .errors import ContentError, ContentProblem, LineDict, LineList, load_yaml
from .types import CheckRef, Figure, Library, Section, Step, StepVersion, Tutorial

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A section starts at a heading ending in {#slug}: `## ロードバランサーの作成 {#create-alb}`.
SECTION_HEADING_RE = re.compile(r"^(#{1,2})\s+(.+?)\s*\{#([^}\s]*)\}\s*$")
FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")
TUTORIAL_KEYS = {"slug", "title", "description", "region", "steps"}
STEP_ENTRY_KEYS = {"slug", "parameters"}
FRONT_MATTER_KEYS = {"title", "order", "slug", "sections"}
SECTION_KEYS = {"slug", "title", "checks", "minutes"}
# A section's estimated time (`minutes:`): a whole number of minutes, at most this (a typo such as 300 is caught).
MAX_SECTION_MINUTES = 180
FIGURE_KEYS = {"alt", "caption"}
# `shows:` what a figure is a picture of, when a sandbox learner can see the real thing instead: "alb-page" is what
# a browser gets at the load balancer's DNS name (tutorial/console/links.py links their own ALB's page after it).
FIGURE_SHOWS = {"alb-page"}
SVG_SIZE_RE = re.compile(r'viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"')


def languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


class _Problems:
    """Collects problems while validation goes on, so one run reports them all."""

    def __init__(self) -> None:
        self.items: list[ContentProblem] = []

    def add(self, file: Path, line: int, message: str) -> None:
        self.items.append(ContentProblem(file, line, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentError(self.items)


def _line(container, key) -> int:
    return container.line_of(key) if isinstance(container, LineDict | LineList) else 1


def _read_yaml_file(path: Path, problems: _Problems):
    try:
        return load_yaml(path.read_text(encoding="utf-8"), file=path)
    except ContentError as exc:
        problems.items.extend(exc.problems)
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(path, 1, f"cannot read: {exc.__class__.__name__}")
    return None


def _check_keys(data: LineDict, allowed: set[str], required: set[str], file: Path, problems: _Problems, what: str):
    for key in data:
        if key not in allowed:
            problems.add(
                file, _line(data, key), f"unknown key '{key}' in {what} (allowed: {', '.join(sorted(allowed))})"
            )
    for key in sorted(required - set(data)):
        problems.add(file, data.line, f"missing '{key}' in {what}")


def _translated(value, *, file: Path, line: int, what: str, problems: _Problems) -> dict[str, str]:
    """A {ja: ..., en: ...} text: every UI language present and non-empty."""
    if not isinstance(value, dict):
        problems.add(file, line, f"{what} must be a mapping of languages ({', '.join(languages())}) to text")
        return {}
    out = {}
    for lang in languages():
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.add(file, _line(value, lang) if lang in value else line, f"{what} has no '{lang}' text")
        else:
            out[lang] = text.strip()
    for lang in value:
        if lang not in languages():
            problems.add(file, _line(value, lang), f"{what}: unknown language '{lang}'")
    return out


# --- entry point ----------------------------------------------------------------------------------------------


def load_library(content_dir: Path) -> Library:
    """Validate and render every pack under `content_dir`; raise ContentError listing every problem found."""
    problems = _Problems()
    tutorials: dict[str, Tutorial] = {}
    if not content_dir.is_dir():
        problems.add(content_dir, 1, "content directory does not exist")
        problems.raise_if_any()
    for directory in sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        tutorial = _load_tutorial(directory, problems)
        if tutorial is not None:
            tutorials[tutorial.slug] = tutorial
    problems.raise_if_any()
    return Library(tutorials=tutorials)


def _load_tutorial(directory: Path, problems: _Problems) -> Tutorial | None:
    path = directory / "tutorial.yaml"
    if not path.is_file():
        problems.add(path, 1, "missing tutorial.yaml (every directory under content/ is a tutorial pack)")
        return None
    data = _read_yaml_file(path, problems)
    if data is None:
        return None
    if not isinstance(data, LineDict):
        problems.add(path, 1, "tutorial.yaml must be a mapping")
        return None
    before = len(problems.items)
    retired = {"checks", "parameters"}  # reported below with where they belong now
    _check_keys(
        data, TUTORIAL_KEYS | retired, {"slug", "title", "description", "steps"}, path, problems, "tutorial.yaml"
    )
    slug = data.get("slug")
    if "slug" in data and slug != directory.name:
        problems.add(path, _line(data, "slug"), f"slug '{slug}' must match the directory name '{directory.name}'")
    title = _translated(data.get("title"), file=path, line=_line(data, "title"), what="title", problems=problems)
    description = _translated(
        data.get("description"), file=path, line=_line(data, "description"), what="description", problems=problems
    )
    region = data.get("region", settings.AWS_DEFAULT_REGION)
    if not isinstance(region, str) or not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-[0-9]", region, re.ASCII):
        problems.add(path, _line(data, "region"), f"region '{region}' is not an AWS region name")

    for key, why in (
        ("checks", "check titles live in the step's spec (provisioning/steps/<step>/), not in the pack"),
        ("parameters", "parameters are per step: put them under the step in steps: (- slug: ... / parameters:)"),
    ):
        if key in data:
            problems.add(path, _line(data, key), f"'{key}' is not a tutorial.yaml key: {why}")

    step_entries = data.get("steps", [])
    if not isinstance(step_entries, list) or not step_entries:
        problems.add(path, _line(data, "steps"), "steps must be a non-empty list of step directory names")
        step_entries = LineList()
    loaded: list[Step] = []
    check_titles: dict[str, dict[str, str]] = {}
    seen: set[str] = set()
    for index, entry in enumerate(step_entries):
        line = _line(step_entries, index)
        step_slug, raw_params = _step_entry(entry, path, line, problems)
        if step_slug is None:
            continue
        if step_slug in seen:
            problems.add(path, line, f"duplicate step '{step_slug}'")
            continue
        seen.add(step_slug)
        spec = _step_spec(directory.name, step_slug)
        if spec is None:
            problems.add(path, line, f"step '{step_slug}' is not in the step registry (provisioning/steps/__init__.py)")
            continue
        params = _parameters(raw_params, region, spec, path, line, problems)
        step_dir = directory / step_slug
        if not step_dir.is_dir():
            problems.add(path, line, f"step '{step_slug}' has no directory {step_dir.name}/")
            continue
        step = _load_step(step_dir, directory.name, spec, params, path, problems)
        if step is not None:
            loaded.append(step)
            check_titles.update(spec.check_titles())
    if len(problems.items) > before:
        return None
    return Tutorial(
        slug=directory.name,
        title=title,
        description=description,
        region=region,
        check_titles=check_titles,
        steps=tuple(sorted(loaded, key=lambda s: s.order)),
        directory=directory,
    )


def _step_spec(tutorial: str, step: str) -> step_catalog.StepSpec | None:
    try:
        return step_catalog.get_step(tutorial, step)
    except LookupError:
        return None


def _step_entry(entry, path: Path, line: int, problems: _Problems) -> tuple[str | None, object]:
    """A `steps:` item: a step slug, or a mapping {slug, parameters} (parameters override the step's defaults)."""
    raw_params: object = LineDict()
    if isinstance(entry, LineDict):
        _check_keys(entry, STEP_ENTRY_KEYS, {"slug"}, path, problems, "step entry")
        raw_params = entry.get("parameters", LineDict())
        entry = entry.get("slug")
    if not isinstance(entry, str) or not SLUG_RE.match(entry):
        problems.add(path, line, f"step '{entry}' is not a slug (lowercase letters, digits and dashes)")
        return None, raw_params
    return entry, raw_params


def _parameters(raw, region: str, spec: step_catalog.StepSpec, path: Path, line: int, problems: _Problems):
    """The step's parameters with the pack's overrides, validated by the step's params class."""
    if not isinstance(raw, dict):
        problems.add(path, line, f"parameters of step '{spec.step}' must be a mapping")
        return None
    known = {f.name: f for f in fields(spec.params_class)}
    for key, value in raw.items():
        if key not in known:
            problems.add(
                path,
                _line(raw, key),
                f"unknown parameter '{key}' for step '{spec.step}' (known: {', '.join(sorted(known))})",
            )
        elif known[key].type in ("int", int) and (not isinstance(value, int) or isinstance(value, bool)):
            problems.add(path, _line(raw, key), f"parameter '{key}' of step '{spec.step}' must be a whole number")
        elif known[key].type in ("str", str) and not isinstance(value, str):
            problems.add(path, _line(raw, key), f"parameter '{key}' of step '{spec.step}' must be text")
    values = {k: v for k, v in raw.items() if k in known}
    if "region" in known and "region" not in values:
        values["region"] = region
    try:
        return spec.params_from_mapping(values)
    except (ValueError, TypeError) as exc:
        problems.add(path, line, f"invalid parameters: {exc}")
        return None


# --- steps ----------------------------------------------------------------------------------------------------


def _split_front_matter(path: Path, problems: _Problems) -> tuple[object, list[str], int] | None:
    """(front matter data, body lines, line number of the first body line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(path, 1, f"cannot read: {exc.__class__.__name__}")
        return None
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        problems.add(path, 1, "missing front matter: the file must start with a line '---'")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.add(path, 1, "front matter is not closed by a line '---'")
        return None
    try:
        data = load_yaml("\n".join(lines[1:end]), file=path, line_offset=1)
    except ContentError as exc:
        problems.items.extend(exc.problems)
        return None
    return data, lines[end + 1 :], end + 2


def _load_step(step_dir: Path, tutorial_slug: str, spec, params, tutorial_path: Path, problems: _Problems):
    check_titles = spec.check_titles()
    before = len(problems.items)
    figures = _load_figures(step_dir, problems)
    cli_scripts = _load_cli(step_dir, problems)
    versions: dict[str, StepVersion] = {}
    reference: tuple[Path, list] | None = None  # the first language's sections, which the others must match
    order = 0
    for lang in languages():
        path = step_dir / f"step.{lang}.md"
        if not path.is_file():
            problems.add(path, 1, f"missing the {lang} version of step '{step_dir.name}'")
            continue
        parsed = _split_front_matter(path, problems)
        if parsed is None:
            continue
        front, body, body_start = parsed
        meta = _front_matter(front, path, step_dir.name, spec, problems)
        if meta is None:
            continue
        order = meta["order"]
        if reference is None:
            reference = (path, meta["sections"])
        else:
            _same_sections(reference, path, meta["sections"], problems)
        chunks = _split_sections(body, body_start, meta["sections"], path, problems)
        if chunks is None:
            continue
        for chunk in chunks:
            for slot in rendering.find_slots("\n".join(chunk["lines"])):
                if slot.name not in figures:
                    problems.add(
                        path,
                        chunk["body_line"] + slot.line,
                        f"figure '{slot.name}' has no entry in figures.yaml or no file figures/{slot.name}.svg",
                    )
        versions[lang] = (path, meta, chunks)  # rendered below, once everything is known to be valid
    for stem, (cli_path, _script) in cli_scripts.items():
        if reference is not None and stem not in {s["slug"] for s in reference[1]}:
            problems.add(cli_path, 1, f"cli/{cli_path.name} does not name a section of this step")
    if len(problems.items) > before:
        return None
    numbered = _number_figures(figures, versions)
    rendered = {
        lang: _render_version(
            lang, tutorial_slug, step_dir.name, path, meta, chunks, numbered, cli_scripts, check_titles
        )
        for lang, (path, meta, chunks) in versions.items()
    }
    return Step(
        slug=step_dir.name,
        order=order,
        tutorial_slug=tutorial_slug,
        directory=step_dir,
        parameters=params,
        versions=rendered,
        figures=numbered,
    )


def _front_matter(front, path: Path, step_slug: str, spec, problems: _Problems) -> dict | None:
    if not isinstance(front, LineDict):
        problems.add(path, 2, "front matter must be a mapping")
        return None
    before = len(problems.items)
    _check_keys(front, FRONT_MATTER_KEYS, FRONT_MATTER_KEYS, path, problems, "front matter")
    title = front.get("title")
    if "title" in front and (not isinstance(title, str) or not title.strip()):
        problems.add(path, _line(front, "title"), "title must be non-empty text")
    order = front.get("order")
    if "order" in front and (not isinstance(order, int) or isinstance(order, bool)):
        problems.add(path, _line(front, "order"), "order must be a whole number")
    if "slug" in front and front.get("slug") != step_slug:
        problems.add(path, _line(front, "slug"), f"slug '{front.get('slug')}' must match the directory '{step_slug}'")
    raw_sections = front.get("sections")
    sections: list[dict] = []
    if "sections" in front and (not isinstance(raw_sections, list) or not raw_sections):
        problems.add(path, _line(front, "sections"), "sections must be a non-empty list")
        raw_sections = []
    seen_sections: set[str] = set()
    seen_checks: set[str] = set()
    for index, item in enumerate(raw_sections or []):
        line = _line(raw_sections, index)
        if not isinstance(item, LineDict):
            problems.add(path, line, "a section must be a mapping with slug, title and checks")
            continue
        _check_keys(item, SECTION_KEYS, {"slug", "title"}, path, problems, "section")
        slug = item.get("slug")
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            problems.add(path, _line(item, "slug"), f"section slug '{slug}' is not a slug")
            continue
        if slug in seen_sections:
            problems.add(path, _line(item, "slug"), f"duplicate section slug '{slug}'")
            continue
        seen_sections.add(slug)
        if "title" in item and (not isinstance(item["title"], str) or not item["title"].strip()):
            problems.add(path, _line(item, "title"), f"section '{slug}' needs a title")
        minutes = _minutes(item, slug, path, problems)
        declared = spec.sections.get(slug, ())
        if "checks" in item:  # optional: the spec says which checks a section runs; a pack that says so must agree
            checks = item.get("checks")
            if not isinstance(checks, list):
                problems.add(path, _line(item, "checks"), f"checks of section '{slug}' must be a list of check ids")
                checks = LineList()
            for cindex, check_id in enumerate(checks):
                message = _check_problem(check_id, slug, spec, seen_checks)
                if message:
                    problems.add(path, _line(checks, cindex), message)
                seen_checks.add(check_id)
            missing = [cid for cid in declared if cid not in checks]
            if missing:
                problems.add(
                    path,
                    _line(item, "checks"),
                    f"section '{slug}' runs {', '.join(missing)} too in the step's spec "
                    f"(provisioning/steps/): list every one of its checks, or leave 'checks' out",
                )
        sections.append(
            {
                "slug": slug,
                "title": str(item.get("title", "")),
                "checks": list(declared),
                "minutes": minutes,
                "minutes_line": _line(item, "minutes") if "minutes" in item else line,
                "line": line,
            }
        )
    listed = [s["slug"] for s in sections]
    for slug in spec.sections:
        if slug not in listed and "sections" in front:
            problems.add(
                path,
                _line(front, "sections"),
                f"section '{slug}' of step '{step_slug}' (it runs {', '.join(spec.sections[slug]) or 'no check'}) "
                "is missing from sections",
            )
    in_spec = [slug for slug in listed if slug in spec.sections]
    if in_spec != [slug for slug in spec.sections if slug in listed]:
        problems.add(
            path, _line(front, "sections"), f"sections must come in the step's order: {', '.join(spec.sections)}"
        )
    if len(problems.items) > before:
        return None
    return {"title": title.strip(), "order": order, "sections": sections}


def _minutes(item: LineDict, slug: str, path: Path, problems: _Problems) -> int | None:
    """A section's estimated time in minutes (optional): a whole number from 1 to MAX_SECTION_MINUTES."""
    if "minutes" not in item:
        return None
    value = item["minutes"]
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_SECTION_MINUTES:
        problems.add(
            path,
            _line(item, "minutes"),
            f"minutes of section '{slug}' must be a whole number from 1 to {MAX_SECTION_MINUTES}, not {value!r}",
        )
        return None
    return value


def _check_problem(check_id, section_slug: str, spec, seen: set[str]) -> str | None:
    """Why a check id cannot be listed in this section, or None. Ids and sections come from the step's spec."""
    if not isinstance(check_id, str):
        return f"check id must be text, not {check_id!r}"
    known = spec.section_of
    if check_id not in known:
        return f"unknown check id '{check_id}' for {spec.tutorial}/{spec.step}"
    if known[check_id] != section_slug:
        return f"check '{check_id}' belongs to section '{known[check_id]}' in the step's spec, not '{section_slug}'"
    if check_id in seen:
        return f"check '{check_id}' is used twice in this step"
    return None


def _same_sections(reference: tuple[Path, list], path: Path, sections: list[dict], problems: _Problems) -> None:
    ref_path, ref = reference
    if [(s["slug"], s["checks"]) for s in ref] != [(s["slug"], s["checks"]) for s in sections]:
        line = sections[0]["line"] if sections else 1
        problems.add(path, line, f"sections and their checks must be the same as in {ref_path.name}")
        return
    for mine, theirs in zip(sections, ref, strict=True):
        if mine["minutes"] != theirs["minutes"]:
            problems.add(
                path,
                mine["minutes_line"],
                f"minutes of section '{mine['slug']}' is {mine['minutes']} here but {theirs['minutes']} in "
                f"{ref_path.name}: every language shares a section's estimated time",
            )


def _split_sections(body: list[str], body_start: int, sections: list[dict], path: Path, problems: _Problems):
    """Cut the body at `{#slug}` headings; each front-matter section has exactly one, in the same order."""
    declared = [s["slug"] for s in sections]
    chunks: list[dict] = []
    in_fence = False
    before = len(problems.items)
    for offset, text in enumerate(body):
        line = body_start + offset
        if FENCE_RE.match(text):
            in_fence = not in_fence
        match = None if in_fence else SECTION_HEADING_RE.match(text)
        if match:
            hashes, heading, slug = match.groups()
            if slug not in declared:
                problems.add(path, line, f"heading names section '{slug}', which the front matter does not declare")
            elif any(c["slug"] == slug for c in chunks):
                problems.add(path, line, f"section '{slug}' has a second heading")
            chunks.append(
                {
                    "slug": slug,
                    "level": len(hashes),
                    "heading": heading,
                    "line": line,
                    "body_line": line + 1,
                    "lines": [],
                }
            )
        elif chunks:
            chunks[-1]["lines"].append(text)
        elif text.strip():
            problems.add(path, line, "text before the first section heading (`# Title {#section-slug}`)")
    found = [c["slug"] for c in chunks]
    for section in sections:
        if section["slug"] not in found:
            problems.add(
                path, section["line"], f"section '{section['slug']}' has no heading `## ... {{#{section['slug']}}}`"
            )
    if len(problems.items) == before and found != declared:
        problems.add(path, chunks[0]["line"] if chunks else 1, "section headings are not in front-matter order")
    return None if len(problems.items) > before else chunks


# --- figures and CLI ------------------------------------------------------------------------------------------


def _load_figures(step_dir: Path, problems: _Problems) -> dict[str, Figure]:
    path = step_dir / "figures.yaml"
    if not path.is_file():
        return {}
    data = _read_yaml_file(path, problems)
    if data is None:
        return {}
    if not isinstance(data, LineDict):
        problems.add(path, 1, "figures.yaml must map figure names to alt and caption")
        return {}
    figures = {}
    for name, entry in data.items():
        line = _line(data, name)
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            problems.add(path, line, f"figure name '{name}' may only use letters, digits, '_' and '-'")
            continue
        if not isinstance(entry, LineDict):
            problems.add(path, line, f"figure '{name}' needs alt and caption")
            continue
        _check_keys(entry, FIGURE_KEYS | {"shows"}, FIGURE_KEYS, path, problems, f"figure '{name}'")
        shows = entry.get("shows", "")
        if shows and shows not in FIGURE_SHOWS:
            problems.add(
                path,
                _line(entry, "shows"),
                f"figure '{name}' shows '{shows}', which is not one of: {', '.join(sorted(FIGURE_SHOWS))}",
            )
            shows = ""
        alt = _translated(
            entry.get("alt"), file=path, line=_line(entry, "alt"), what=f"alt of '{name}'", problems=problems
        )
        caption = _translated(
            entry.get("caption"),
            file=path,
            line=_line(entry, "caption"),
            what=f"caption of '{name}'",
            problems=problems,
        )
        svg = step_dir / "figures" / f"{name}.svg"
        if not svg.is_file():
            problems.add(path, line, f"figure '{name}' has no file figures/{name}.svg")
            continue
        figures[name] = Figure(name=name, alt=alt, caption=caption, svg=svg, shows=str(shows))
    return figures


def _load_cli(step_dir: Path, problems: _Problems) -> dict[str, tuple[Path, str]]:
    """cli/<section-slug>.sh: the AWS CLI equivalent of a section (written by the sandbox side)."""
    scripts = {}
    for path in sorted((step_dir / "cli").glob("*.sh")):
        try:
            scripts[path.stem] = (path, path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            problems.add(path, 1, f"cannot read: {exc.__class__.__name__}")
    return scripts


def _number_figures(figures: dict[str, Figure], versions: dict) -> dict[str, Figure]:
    """Number figures in order of appearance (the first language's order), keeping unused ones unnumbered."""
    order: list[str] = []
    for _path, _meta, chunks in list(versions.values())[:1]:
        for chunk in chunks:
            for slot in rendering.find_slots("\n".join(chunk["lines"])):
                if slot.name not in order:
                    order.append(slot.name)
    return {
        name: dataclasses.replace(f, number=order.index(name) + 1 if name in order else 0)
        for name, f in figures.items()
    }


def svg_size(svg: Path) -> tuple[str, str]:
    match = SVG_SIZE_RE.search(svg.read_text(encoding="utf-8")[:2000])
    return (match.group(1), match.group(2)) if match else ("800", "450")


def _render_version(
    lang, tutorial_slug, step_slug, path, meta, chunks, figures, cli_scripts, check_titles
) -> StepVersion:
    """Render one language of a step (inside that language, so URLs and labels come out in it)."""
    with translation.override(lang):
        sizes = {name: svg_size(f.svg) for name, f in figures.items()}

        def figure_html(name: str) -> str:
            figure = figures[name]
            url = reverse("tutorial:figure", kwargs={"tutorial": tutorial_slug, "step": step_slug, "name": name})
            width, height = sizes[name]
            return format_html(
                '<figure class="figure" id="figure-{name}"{shows}>'
                '<button type="button" class="figure-zoom" data-figure-zoom>'
                '<img src="{url}" alt="{alt}" width="{w}" height="{h}" loading="lazy" decoding="async">'
                '<span class="visually-hidden">{enlarge}</span></button>'
                '<figcaption><span class="figure-number">{label}</span> {caption}</figcaption></figure>',
                name=name,
                shows=format_html(' data-shows="{}"', figure.shows) if figure.shows else "",
                url=url,
                alt=figure.alt[lang],
                w=width,
                h=height,
                enlarge=_("(enlarge)"),
                label=_("Figure %(number)s") % {"number": figure.number},
                caption=figure.caption[lang],
            )

        by_slug = {s["slug"]: s for s in meta["sections"]}
        sections = []
        for chunk in chunks:
            declared = by_slug[chunk["slug"]]
            script = cli_scripts.get(chunk["slug"])
            sections.append(
                Section(
                    slug=chunk["slug"],
                    title=declared["title"],
                    heading_html=rendering.render_inline(chunk["heading"]),
                    level=chunk["level"],
                    checks=tuple(CheckRef(id=cid, title=check_titles[cid][lang]) for cid in declared["checks"]),
                    html=rendering.render_markdown("\n".join(chunk["lines"]), figure_html=figure_html),
                    cli=rendering.cli_for_language(script[1], lang, languages()) if script else None,
                    line=chunk["line"],
                    minutes=declared["minutes"],
                )
            )
    return StepVersion(lang=lang, title=meta["title"], sections=tuple(sections), source=path)
