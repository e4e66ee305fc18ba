"""The shape of a step plug-in: one `StepSpec` carries everything the engine knows of a tutorial step.

A step package (provisioning/steps/<step>/) exports `SPEC`, built from these types. The engine (verify, the recipe
runner, the IAM policy, the sandbox gateway, the content loader, the dashboard, the clean-up banner, the diagram)
reads only the spec; it never names a step, a check id or a resource. Texts are plain bilingual dicts
({"ja": ..., "en": ...}): the provisioning layer knows nothing of pages or gettext.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from provisioning.checks.base import SandboxHelp

Translated = dict[str, str]
__all__ = ["CheckSpec", "DiagramLink", "DiagramNode", "DiagramSpec", "RecipeSpec", "SandboxHelp", "StepSpec"]


@dataclass(frozen=True)
class CheckSpec:
    """One check: its function and its metadata, next to each other.

    `title` is worded as the passing state ("The ALB is active"); the pages, the CLI, the dashboard and the skip
    messages all use it. `needs` names the snapshot sources (StepSpec.sources) it reads: if one could not be read,
    the check is `error` naming the IAM action. `depends` names checks that must pass first, else it is `skipped`.
    `probe` names the network probe (StepSpec.probes) whose result the check interprets.

    `causes` names the checks upstream of this one on the request path, nearest the client first: when this check
    fails and one of them failed in a way that breaks the path (Outcome.blocking), that one is the first broken
    link, and this check's hint becomes its message and hint (followed to its own first cause). `sandbox` says what
    a sandbox learner does here instead of the AWS console (no console of theirs, no earlier step's account): the
    engine adds it to the hint of a failure for a sandbox connection only.
    """

    id: str
    run: Callable[[Any], Any]  # (CheckContext) -> Outcome
    title: Translated
    needs: tuple[str, ...] = ()
    depends: tuple[str, ...] = ()
    probe: str | None = None
    causes: tuple[str, ...] = ()
    sandbox: SandboxHelp | None = None


# A recipe step: ("name", fn(RecipeContext) -> StepOutcome). Names are stable machine ids; labels are for learners.
RecipeStep = tuple[str, Callable[[Any], Any]]


@dataclass(frozen=True)
class RecipeSpec:
    """What "do it for me" runs: prerequisites (the state the step starts from), solve per section, teardown."""

    prerequisites: Callable[[Any], list[RecipeStep]]  # (RecipeContext) -> steps (may depend on real AWS or not)
    solve: Mapping[str, list[RecipeStep]]  # section slug -> steps, for every section that has checks
    teardown: list[RecipeStep]
    billable: Callable[[Any], list[dict[str, Any]]]  # (RecipeContext) -> what still costs money, after teardown
    labels: Mapping[str, Translated]  # step name -> its label in ja and en
    prepares: Translated | None = None  # what prerequisites builds, in a few words ("the instance and its SGs")


@dataclass(frozen=True)
class DiagramNode:
    """A box of the architecture diagram. `lines` are language-neutral text or {"ja", "en"} dicts."""

    key: str
    x: int
    y: int
    w: int
    h: int
    title: Translated
    lines: tuple[str | Translated, ...] = ()
    chips: tuple[str, ...] = ()
    present: bool = True


@dataclass(frozen=True)
class DiagramLink:
    """A link of the request path: an SVG path, its labels, and the checks whose statuses colour it.

    The path starts and ends on the boxes it joins (the text version names them from there). `states` words a
    status for this link where the general word would mislead (status -> text: a path that must stay blocked is
    "blocked" when it passes, not "working").
    """

    key: str
    path: str
    label: Translated
    short: Translated
    checks: tuple[str, ...]
    label_x: int
    label_y: int
    dashed: bool = False
    states: Mapping[str, Translated] = field(default_factory=dict)


@dataclass(frozen=True)
class DiagramSpec:
    nodes: tuple[DiagramNode, ...]
    links: tuple[DiagramLink, ...]
    width: int = 860
    height: int = 330


@dataclass(frozen=True)
class StepSpec:
    """Everything about one tutorial step. Built once per process; validated on construction."""

    tutorial: str
    step: str
    params_class: type  # a frozen dataclass: the step's resource names and ports (a content pack may override)
    # Section slug (the page heading's {#slug}) -> the checks its checkpoint runs, in page order. Sections of the page
    # that run no check (an explanation, a diagram) need not be listed.
    sections: Mapping[str, tuple[str, ...]]
    checks: tuple[CheckSpec, ...]  # in catalog order (the order of the sections)
    sources: Mapping[str, str]  # snapshot source -> the one IAM action that reads it
    collect: Callable[..., Any]  # (session, connection spec, params, *, max_workers, counter) -> snapshot
    architecture: Callable[[Any], dict[str, Any]]  # snapshot -> JSON-able picture (Run.architecture)
    probes: Mapping[str, Callable[[Any, Any, Any], Any]]  # name -> (snapshot, params, ProbeConfig) -> result
    recipes: RecipeSpec
    diagram: Callable[[dict[str, Any]], DiagramSpec]  # Run.architecture -> nodes and links
    billable_from_run: Callable[[dict[str, Any], dict[str, str]], list[dict[str, Any]]]  # (arch, statuses) -> items
    sandbox_services: tuple[str, ...]  # SigV4 service names the sandbox gateway must let through for this step
    _by_id: dict[str, CheckSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {c.id: c for c in self.checks})
        problems = _problems(self)
        if problems:
            raise ValueError(f"step {self.tutorial}/{self.step}: " + "; ".join(problems))

    # --- the questions the engine asks ---------------------------------------------------------------------------

    @property
    def key(self) -> str:
        return f"{self.tutorial}/{self.step}"

    @property
    def check_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.checks)

    @property
    def section_of(self) -> dict[str, str]:
        return {cid: slug for slug, ids in self.sections.items() for cid in ids}

    def check(self, check_id: str) -> CheckSpec:
        return self._by_id[check_id]

    def has_check(self, check_id: str) -> bool:
        return check_id in self._by_id

    def check_titles(self) -> dict[str, Translated]:
        return {c.id: dict(c.title) for c in self.checks}

    def default_params(self, **overrides: Any) -> Any:
        return self.params_class(**overrides)

    def params_from_mapping(self, values: Mapping[str, Any]) -> Any:
        """The step's parameters with a content pack's overrides. ValueError names unknown keys and this step."""
        known = {f.name for f in fields(self.params_class)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(
                f"step '{self.step}' has no parameter(s) {', '.join(unknown)} (it has: {', '.join(sorted(known))})"
            )
        return self.params_class(**dict(values))


def _problems(spec: StepSpec) -> list[str]:
    """Why a spec is inconsistent (the sections, the checks and the recipes must agree by construction)."""
    out: list[str] = []
    in_sections = [cid for ids in spec.sections.values() for cid in ids]
    if in_sections != [c.id for c in spec.checks]:
        out.append("checks must be listed in the order of the sections, each section's checks once")
        return out
    slugs = list(spec.sections)
    ids = set(spec._by_id)
    for check in spec.checks:
        if not check.title.get("ja") or not check.title.get("en"):
            out.append(f"{check.id} needs a title in ja and en")
        for dep in check.depends:
            if dep not in ids:
                out.append(f"{check.id} depends on unknown check {dep}")
            elif check.probe is None and (
                spec._by_id[dep].probe is not None or in_sections.index(dep) > in_sections.index(check.id)
            ):
                out.append(f"{check.id} depends on {dep}, which is decided later")
        for cause in check.causes:
            if cause not in ids:
                out.append(f"{check.id} names unknown cause {cause}")
        for source in check.needs:
            if source not in spec.sources:
                out.append(f"{check.id} needs unknown source {source}")
        if check.probe is not None and check.probe not in spec.probes:
            out.append(f"{check.id} reads unknown probe {check.probe}")
    cycle = _cause_cycle(spec)
    if cycle:
        out.append("causes form a cycle: " + " -> ".join(cycle))
    for slug in spec.recipes.solve:
        if slug not in slugs:
            out.append(f"solve names unknown section {slug}")
    for slug, ids in spec.sections.items():
        if ids and slug not in spec.recipes.solve:
            out.append(f"section {slug} has checks but no solve recipe")
    for name, _fn in [s for steps in spec.recipes.solve.values() for s in steps] + list(spec.recipes.teardown):
        if name.rsplit("/", 1)[-1] not in spec.recipes.labels:
            out.append(f"recipe step {name} has no label")
    return out


def _cause_cycle(spec: StepSpec) -> list[str]:
    """A cycle of `causes` (a check that is its own upstream), or [] when they form a tree."""
    causes = {c.id: [x for x in c.causes if x in spec._by_id] for c in spec.checks}

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        for nxt in causes[node]:
            found = visit(nxt, [*path, node])
            if found:
                return found
        return []

    for check in spec.checks:
        found = visit(check.id, [])
        if found:
            return found
    return []
