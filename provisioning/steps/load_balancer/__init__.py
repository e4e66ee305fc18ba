"""Step 5 of the AWS hands-on, ロードバランサーを利用してみよう: an ALB in front of the app's EC2 instance.

`SPEC` is everything the engine knows of this step: parameters (params.py), sections and checks (catalog.py, checks/),
how its snapshot is collected and with which IAM actions (snapshot.py), the probes, the recipes (recipes.py,
teardown.py, labels.py), the diagram and the billable resources (diagram.py), and the sandbox services it needs.
"""

from __future__ import annotations

from typing import Any

from provisioning.probes import probe_http, probe_tcp
from provisioning.steps.load_balancer import catalog, diagram, labels, recipes, snapshot, teardown
from provisioning.steps.load_balancer.params import Params
from provisioning.steps.spec import RecipeSpec, StepSpec


def http_probe(snap: snapshot.Snapshot, params: Params, config: Any) -> Any:
    """GET http://<the ALB's DNS name>:<listener port>/ from the internet."""
    return probe_http((snap.load_balancer or {}).get("DNSName", ""), config=config, port=params.listener_port)


def _tcp_probe(snap: snapshot.Snapshot, params: Params, config: Any) -> Any:
    """A TCP connect to the instance's public address on the app port (it must not succeed)."""
    return probe_tcp((snap.instance or {}).get("PublicIpAddress"), params.app_port, config=config)


SPEC = StepSpec(
    tutorial="aws-hands-on",
    step="load-balancer",
    params_class=Params,
    sections=catalog.SECTIONS,
    checks=catalog.CHECKS,
    sources=snapshot.SOURCES,
    collect=snapshot.collect_snapshot,
    architecture=snapshot.snapshot_architecture,
    probes={"http": http_probe, "tcp": _tcp_probe},
    recipes=RecipeSpec(
        prerequisites=recipes.prerequisite_steps,
        solve=recipes.SOLVE_STEPS,
        teardown=teardown.TEARDOWN_STEPS,
        billable=teardown.billable_left,
        labels=labels.STEP_LABELS,
        prepares=labels.PREPARES,
    ),
    diagram=diagram.diagram,
    billable_from_run=diagram.billable_from_run,
    sandbox_services=("ec2", "elasticloadbalancing"),
)
