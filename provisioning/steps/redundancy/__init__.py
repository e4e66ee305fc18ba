"""Step 6 of the AWS hands-on, 冗長化してみよう: a second instance in another zone behind Step 5's ALB.

It reads Step 5's snapshot (the same calls, the same IAM actions) and interprets it with its own checks
(catalog.py, checks.py); prerequisites build Step 5's finished state (recipes.py); teardown is Step 5's (every
tagged instance goes). The content pack is content/aws-hands-on/redundancy/.
"""

from __future__ import annotations

from provisioning.steps import load_balancer
from provisioning.steps.load_balancer import snapshot, teardown
from provisioning.steps.redundancy import catalog, diagram, recipes
from provisioning.steps.redundancy.params import Params
from provisioning.steps.spec import RecipeSpec, StepSpec

SPEC = StepSpec(
    tutorial="aws-hands-on",
    step="redundancy",
    params_class=Params,
    sections=catalog.SECTIONS,
    checks=catalog.CHECKS,
    sources=snapshot.SOURCES,
    collect=snapshot.collect_snapshot,
    architecture=snapshot.snapshot_architecture,
    probes={"http": load_balancer.http_probe},
    recipes=RecipeSpec(
        prerequisites=recipes.step5_finished,
        solve=recipes.SOLVE_STEPS,
        teardown=teardown.TEARDOWN_STEPS,
        billable=teardown.billable_left,
        labels=recipes.STEP_LABELS,
    ),
    diagram=diagram.diagram,
    billable_from_run=diagram.billable_from_run,
    sandbox_services=("ec2", "elasticloadbalancing"),
)
