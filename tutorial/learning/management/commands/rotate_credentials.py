"""`manage.py rotate_credentials`: re-encrypt every stored AWS secret with the newest FIELD_ENCRYPTION_KEYS key.

Rotation: generate a key (`--new-key` prints one), prepend it to FIELD_ENCRYPTION_KEYS everywhere, restart, run
this command, then drop the old key.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tutorial.learning import crypto
from tutorial.learning.connections import connection_rotate_keys


class Command(BaseCommand):
    help = "Re-encrypt stored AWS credentials with the newest key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--new-key", action="store_true", help="print a fresh Fernet key and exit")

    def handle(self, *args, **options) -> None:
        if options["new_key"]:
            self.stdout.write(crypto.generate_key())
            return
        try:
            count = connection_rotate_keys()
        except crypto.CredentialDecryptError as exc:
            raise CommandError(f"{exc}; keep the old key in FIELD_ENCRYPTION_KEYS until rotation is done") from None
        self.stdout.write(f"re-encrypted {count} connection(s) with the newest key")
