"""The label a learner reads for a recipe step, from the labels of the step specs (provisioning.steps).

Step names (`target_group`, `create-alb/target_group` when solving several sections) stay the machine ids; each
step spec lends their labels in ja and en. A name no spec labels is shown as itself.
"""

from __future__ import annotations

from functools import cache


@cache
def _labels(tutorial: str | None, step: str | None) -> dict[str, dict[str, str]]:
    from provisioning.steps import all_steps, get_step

    specs = [get_step(tutorial, step)] if tutorial and step else all_steps(tutorial)
    merged: dict[str, dict[str, str]] = {}
    for spec in reversed(specs):  # the first registered step's wording wins for a shared name
        merged.update({name: dict(label) for name, label in spec.recipes.labels.items()})
    return merged


def step_label(name: str, lang: str, *, tutorial: str | None = None, step: str | None = None) -> str:
    """The label of step `name` ("section/step" or "step") in `lang` (ja unless "en"); the name itself if unknown."""
    bare = name.rsplit("/", 1)[-1]
    try:
        labels = _labels(tutorial, step).get(bare)
    except LookupError:
        labels = None
    if labels is None:
        return name
    return labels["en"] if lang == "en" else labels["ja"]
