"""provisioning's one table: learners' sandbox CLI keys (stored, so one can be revoked alone).

Everything else provisioning returns is stored by its callers. A key names a sandbox account id only, no learner:
who owns that account is the caller's business (tutorial.learning's Connection).
"""

from __future__ import annotations

from django.db import models


class SandboxKey(models.Model):
    """A random access key of one sandbox account; its secret encrypted under SANDBOX_SECRET (credentials.py)."""

    account_id = models.CharField(max_length=12, db_index=True)
    access_key_id = models.CharField(max_length=20, unique=True)
    secret_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account_id"], condition=models.Q(revoked_at__isnull=True), name="one_active_sandbox_key"
            )
        ]

    def __repr__(self) -> str:  # never the secret
        return f"<SandboxKey {self.access_key_id} account={self.account_id} revoked={self.revoked_at is not None}>"

    __str__ = __repr__
