"""The least-privilege, read-only IAM policy the checks need, generated from what the snapshots call.

`checks_policy_document()` builds it from the `sources` of every registered step (one IAM action per snapshot
source, provisioning.steps); the committed file policies/checks-readonly.json must equal it (a test compares), and
the learner side embeds it in the CloudFormation template of the cross-account role. Regenerate with
`python -m provisioning.iam > <file>`.
"""

from __future__ import annotations

import json
from pathlib import Path

from provisioning.steps import all_steps

POLICY_FILE = Path(__file__).with_name("policies") / "checks-readonly.json"


def checks_actions() -> list[str]:
    return sorted({action for step in all_steps() for action in step.sources.values()})


def checks_policy_document() -> dict:
    """IAM policy document allowing exactly the read-only calls of a verification run.

    Describe* calls of EC2 and ELBv2 do not support resource-level permissions, hence Resource "*".
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "HandsOnChecksReadOnly",
                "Effect": "Allow",
                "Action": checks_actions(),
                "Resource": "*",
            }
        ],
    }


def render() -> str:
    return json.dumps(checks_policy_document(), indent=2) + "\n"


if __name__ == "__main__":
    print(render(), end="")
