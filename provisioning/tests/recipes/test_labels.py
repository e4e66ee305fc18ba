"""Every recipe step has a human label in ja and en."""

from provisioning.recipes.labels import step_label
from provisioning.steps.load_balancer import recipes as step5
from provisioning.steps.load_balancer import teardown
from provisioning.steps.load_balancer.labels import STEP_LABELS


def _all_step_names() -> set[str]:
    names = {name for name, _ in step5.PREREQUISITE_STEPS}
    names |= {name for steps in step5.SOLVE_STEPS.values() for name, _ in steps}
    names |= {name for name, _ in teardown.TEARDOWN_STEPS}
    return names


def test_every_recipe_step_has_a_label_in_japanese_and_english():
    labels = {name: STEP_LABELS.get(name, {}) for name in _all_step_names()}
    missing = sorted(name for name, label in labels.items() if not (label.get("ja") and label.get("en")))
    assert missing == []


def test_step_label_ignores_the_section_prefix_and_falls_back_to_the_name():
    assert step_label("create-alb/target_group", "ja") == "ターゲットグループ"
    assert step_label("target_group", "en") == "Target group"
    assert step_label("something_new", "ja") == "something_new"
