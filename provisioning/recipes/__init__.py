"""Provisioning recipes: `prerequisites`, `solve` (per section, or all in page order) and `teardown`.

`run_recipe(spec, recipe, tutorial=..., step=..., params=..., section=..., progress=...)` is the one entry point;
the `provision` and `selftest` commands and the learner side's Celery tasks all call it. The steps of each recipe
come from the step's spec (provisioning.steps); every step is idempotent: see `provisioning/recipes/base.py`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from provisioning.types import ConnectionSpec, RecipeReport

RECIPES = ("prerequisites", "solve", "teardown")

__all__ = ["RECIPES", "run_recipe", "recipe_steps"]


def recipe_steps(step_spec: Any, ctx: Any, recipe: str, section: str | None) -> list[tuple[str, Callable]]:
    """The ordered (name, step) list of a recipe; names are prefixed with the section when solving several."""
    recipes = step_spec.recipes
    if recipe == "prerequisites":
        return list(recipes.prerequisites(ctx))
    if recipe == "teardown":
        return list(recipes.teardown)
    if recipe == "solve":
        # "Do it for me" works from any state: a section's solve first builds what it stands on (the prerequisites,
        # then every earlier section), so it never leaves half a setup behind. A step shared by two lists runs once.
        order = [slug for slug in step_spec.sections if slug in recipes.solve]
        order += [slug for slug in recipes.solve if slug not in order]
        if section is not None:
            if section not in recipes.solve:
                raise ValueError(f"unknown section: {section} (one of {', '.join(recipes.solve)})")
            order = order[: order.index(section) + 1]
        steps: list[tuple[str, Callable]] = []
        seen: set[Callable] = set()
        for name, fn in recipes.prerequisites(ctx):
            steps.append((name, fn))
            seen.add(fn)
        for slug in order:
            for name, fn in recipes.solve[slug]:
                if fn not in seen:
                    steps.append((f"{slug}/{name}", fn))
                    seen.add(fn)
        return steps
    raise ValueError(f"unknown recipe: {recipe} (one of {', '.join(RECIPES)})")


def run_recipe(
    spec: ConnectionSpec,
    recipe: str,
    *,
    tutorial: str,
    step: str,
    params: Any = None,
    section: str | None = None,
    progress: Callable[[dict], None] | None = None,
    counter: Any = None,
) -> RecipeReport:
    """Run one recipe of one step against the account of `spec`. ValueError for an unknown recipe or section,
    LookupError for an unknown step.

    Credential problems (CredentialsProblem from sessions) and exceptions raised by `progress` propagate; AWS
    refusing a step ends the recipe with ok=False and the step's error.
    """
    from provisioning.recipes.base import RecipeContext, run_steps
    from provisioning.steps import get_step

    step_spec = get_step(tutorial, step)
    if section is not None and recipe != "solve":
        raise ValueError("--section applies to the solve recipe only")
    params = params or step_spec.default_params(region=spec.region)
    ctx = RecipeContext(spec=spec, params=params, counter=counter)
    with counter.counting() if counter is not None else contextlib.nullcontext():
        steps = recipe_steps(step_spec, ctx, recipe, section)
        report = run_steps(ctx, recipe, section, steps, progress)
        if recipe == "teardown":
            report.billable_left = step_spec.recipes.billable(ctx)
    return report
