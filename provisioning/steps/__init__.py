"""The registry of tutorial steps: one explicit dict from step id to the dotted path of its spec.

Every step is a plug-in package under provisioning/steps/<package>/ exporting `SPEC` (a `StepSpec`, see spec.py).
The engine asks this module for specs and never names a step. A spec is imported on first use, so listing the
steps costs nothing. Check ids are stable: the CLI, the tests and the dashboard use them.
"""

from __future__ import annotations

import importlib
import threading

from provisioning.steps.spec import StepSpec

# "<tutorial>/<step>" -> "<module>:<attribute>", in the tutorial's order.
REGISTRY: dict[str, str] = {
    "aws-hands-on/load-balancer": "provisioning.steps.load_balancer:SPEC",
    "aws-hands-on/redundancy": "provisioning.steps.redundancy:SPEC",
}

_lock = threading.Lock()
_loaded: dict[str, StepSpec] = {}


def _load(key: str) -> StepSpec:
    spec = _loaded.get(key)
    if spec is not None:
        return spec
    with _lock:
        if key not in _loaded:
            module, _, attr = REGISTRY[key].partition(":")
            spec = getattr(importlib.import_module(module), attr or "SPEC")
            if not isinstance(spec, StepSpec) or spec.key != key:
                raise TypeError(f"{REGISTRY[key]} is not the StepSpec of {key}")
            _loaded[key] = spec
    return _loaded[key]


def step_keys(tutorial: str | None = None) -> list[tuple[str, str]]:
    """(tutorial, step) of every registered step (of `tutorial` only, if given), in registry order; imports nothing."""
    pairs = [tuple(key.split("/", 1)) for key in REGISTRY]
    return [(t, s) for t, s in pairs if tutorial is None or t == tutorial]


def tutorials() -> list[str]:
    return list(dict.fromkeys(t for t, _s in step_keys()))


def get_step(tutorial: str, step: str) -> StepSpec:
    """The spec of one step; LookupError names the unknown step."""
    key = f"{tutorial}/{step}"
    if key not in REGISTRY:
        raise LookupError(f"unknown tutorial step: {tutorial} {step}")
    return _load(key)


def all_steps(tutorial: str | None = None) -> list[StepSpec]:
    return [get_step(t, s) for t, s in step_keys(tutorial)]


def find_check(check_id: str) -> StepSpec | None:
    """The step that owns `check_id` (ids are unique across steps), or None."""
    return next((spec for spec in all_steps() if spec.has_check(check_id)), None)
