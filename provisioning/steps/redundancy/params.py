"""Resource names and ports of Step 6 (冗長化してみよう): Step 5's, plus how many instances and zones it needs."""

from __future__ import annotations

from dataclasses import dataclass

from provisioning.steps.load_balancer import params as step5


@dataclass(frozen=True)
class Params(step5.Params):
    min_instances: int = 2
    min_azs: int = 2
