"""Provisioning recipes: `prerequisites`, `solve` (per section, or all in page order) and `teardown`.

`run_recipe(spec, recipe, params=..., section=..., progress=...)` is the one entry point; the `provision` command and
the learner side's Celery tasks both call it. Every step is idempotent: see `provisioning/recipes/base.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from provisioning.steps import STEP5_SECTIONS, Step5Params
from provisioning.types import ConnectionSpec, RecipeReport

RECIPES = ("prerequisites", "solve", "teardown")

__all__ = ["RECIPES", "run_recipe", "recipe_steps"]


def recipe_steps(ctx: Any, recipe: str, section: str | None) -> list[tuple[str, Callable]]:
    """The ordered (name, step) list of a recipe; names are prefixed with the section when solving several."""
    from provisioning.recipes import step5, teardown

    if recipe == "prerequisites":
        return step5.prerequisite_steps(ctx)
    if recipe == "teardown":
        return list(teardown.TEARDOWN_STEPS)
    if recipe == "solve":
        if section is not None:
            if section not in step5.SOLVE_STEPS:
                raise ValueError(f"unknown section: {section} (one of {', '.join(STEP5_SECTIONS)})")
            return list(step5.SOLVE_STEPS[section])
        steps: list[tuple[str, Callable]] = []
        for slug in STEP5_SECTIONS:
            steps.extend((f"{slug}/{name}", fn) for name, fn in step5.SOLVE_STEPS[slug])
        return steps
    raise ValueError(f"unknown recipe: {recipe} (one of {', '.join(RECIPES)})")


def run_recipe(
    spec: ConnectionSpec,
    recipe: str,
    *,
    params: Step5Params | None = None,
    section: str | None = None,
    progress: Callable[[dict], None] | None = None,
) -> RecipeReport:
    """Run one recipe against the account of `spec`. ValueError for an unknown recipe or section.

    Credential problems (CredentialsProblem from sessions) and exceptions raised by `progress` propagate; AWS
    refusing a step ends the recipe with ok=False and the step's error.
    """
    from provisioning.recipes.base import RecipeContext, run_steps
    from provisioning.recipes.teardown import billable_left

    if section is not None and recipe != "solve":
        raise ValueError("--section applies to the solve recipe only")
    params = params or Step5Params(region=spec.region)
    ctx = RecipeContext(spec=spec, params=params)
    steps = recipe_steps(ctx, recipe, section)
    report = run_steps(ctx, recipe, section, steps, progress)
    if recipe == "teardown":
        report.billable_left = billable_left(ctx)
    return report
