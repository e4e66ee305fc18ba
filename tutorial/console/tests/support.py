"""What the console's tests share: a learner's connection, made directly (no STS round trip)."""

from __future__ import annotations

from django.utils import timezone

from provisioning.sandbox.credentials import new_account_id
from tutorial.learning.models import Connection


def connect(user, account: str | None = None, kind: str = "sandbox") -> Connection:
    """A validated connection of `kind` (sandbox or role) for `user`, in a new account unless one is given."""
    account = account or new_account_id()
    return Connection.objects.create(
        user=user,
        kind=kind,
        region="ap-northeast-1",
        sandbox_account=account if kind == "sandbox" else None,
        account_id=account,
        role_arn=f"arn:aws:iam::{account}:role/handson-lab-access" if kind == "role" else "",
        validated_at=timezone.now(),
    )
