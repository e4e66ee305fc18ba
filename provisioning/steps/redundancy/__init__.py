"""Step 6 of the AWS hands-on, 冗長化してみよう: a second instance in another zone behind Step 5's ALB.

It reads Step 5's snapshot (the same calls, the same IAM actions) and interprets it with its own checks
(catalog.py, checks.py); prerequisites build Step 5's finished state (recipes.py); teardown is Step 5's (every
tagged instance goes). The content pack is content/aws-hands-on/redundancy/.

So `SPEC` is Step 5's spec with what differs replaced: the tutorial, the snapshot (sources, collect, architecture),
the teardown, the billable check after it and the sandbox services are Step 5's.
"""

from __future__ import annotations

import dataclasses

from provisioning.steps import load_balancer
from provisioning.steps.redundancy import catalog, diagram, recipes
from provisioning.steps.redundancy.params import Params

SPEC = dataclasses.replace(
    load_balancer.SPEC,
    step="redundancy",
    params_class=Params,
    sections=catalog.SECTIONS,
    checks=catalog.CHECKS,
    probes={"http": load_balancer.http_probe},
    recipes=dataclasses.replace(
        load_balancer.SPEC.recipes,
        prerequisites=recipes.step5_finished,
        solve=recipes.SOLVE_STEPS,
        labels=recipes.STEP_LABELS,
        prepares=recipes.PREPARES,
    ),
    diagram=diagram.diagram,
    billable_from_run=diagram.billable_from_run,
)
