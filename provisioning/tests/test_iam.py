"""The read-only checks policy: committed file equals the generated one, and the snapshot calls nothing outside it."""

from __future__ import annotations

import json

from provisioning.iam import POLICY_FILE, checks_policy_document
from provisioning.sessions import CallCounter, session_for
from provisioning.steps.load_balancer.params import Params as Step5Params
from provisioning.steps.load_balancer.snapshot import collect_snapshot
from provisioning.types import ConnectionSpec


def test_committed_policy_file_equals_the_generated_policy():
    assert json.loads(POLICY_FILE.read_text()) == checks_policy_document()


def test_policy_is_read_only():
    actions = checks_policy_document()["Statement"][0]["Action"]
    assert all(a.split(":")[1].startswith("Describe") for a in actions)


def test_snapshot_calls_nothing_outside_the_policy(step5_state):
    spec = ConnectionSpec(kind="ambient")
    counter = CallCounter()
    collect_snapshot(session_for(spec), spec, Step5Params(), counter=counter)
    allowed = set(checks_policy_document()["Statement"][0]["Action"])
    assert counter.actions and set(counter.actions) <= allowed
