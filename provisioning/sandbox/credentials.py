"""Sandbox account ids and learners' sandbox CLI keys.

Keys are random and stored (provisioning.models.SandboxKey), one active key per sandbox account: nothing about a
key can be computed from anything public, and one learner's key can be revoked alone (`revoke_key(account)`; the
next `learner_credentials(account)` issues a new one). The secret is kept encrypted (Fernet, via `cryptography`)
under a key derived from settings.SANDBOX_SECRET with HKDF; the gateway decrypts it to check a SigV4 signature.

Rotating SANDBOX_SECRET: put the old value first in SANDBOX_PREVIOUS_SECRETS (comma-separated), set the new
SANDBOX_SECRET, restart, run `manage.py sandbox --reencrypt-keys`, then drop the old value. Learners' keys do not
change. (To change every learner's key instead, `manage.py sandbox --revoke-key all`.)
"""

from __future__ import annotations

import base64
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

KEY_PREFIX = "ASBX"  # 4 + 16 random base32 characters = 20, like an AWS access key id
_KEY_RE = re.compile(r"^ASBX[A-Z2-7]{16}$")
_FORBIDDEN_ACCOUNTS = {"123456789012", "000000000000", "111111111111"}


def is_account_id(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{12}", value or ""))


def new_account_id() -> str:
    """A random 12-digit sandbox account id: not moto's default, not guessable from another learner's id."""
    while True:
        candidate = str(100_000_000_000 + secrets.randbelow(900_000_000_000))
        if candidate in _FORBIDDEN_ACCOUNTS or len(set(candidate)) < 4:
            continue
        if candidate in "01234567890123456789" or candidate in "98765432109876543210":
            continue
        return candidate


# --- encryption at rest -----------------------------------------------------------------------------------------


def _fernet_key(secret: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"handson-sandbox-keys", info=b"sandbox-key-secret")
    return base64.urlsafe_b64encode(hkdf.derive(str(secret).encode()))


def _fernet():  # noqa: ANN202 - cryptography's MultiFernet
    from cryptography.fernet import Fernet, MultiFernet

    previous = [s.strip() for s in str(getattr(settings, "SANDBOX_PREVIOUS_SECRETS", "") or "").split(",")]
    secrets_in_order = [str(settings.SANDBOX_SECRET)] + [s for s in previous if s]
    return MultiFernet([Fernet(_fernet_key(s)) for s in secrets_in_order])


def _encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def _decrypt(token: str) -> str | None:
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None


# --- keys -------------------------------------------------------------------------------------------------------


def _new_key_id() -> str:
    return KEY_PREFIX + "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def _new_secret() -> str:
    return base64.b64encode(secrets.token_bytes(30)).decode().replace("+", "A").replace("/", "B")[:40]


def learner_credentials(account: str) -> tuple[str, str]:
    """(access key id, secret access key) of sandbox account `account`: its active key, made on first use."""
    from provisioning.models import SandboxKey

    if not is_account_id(account):
        raise ValueError("a sandbox account is a 12-digit id")
    for _ in range(3):
        key = SandboxKey.objects.filter(account_id=account, revoked_at__isnull=True).first()
        if key is not None:
            secret = _decrypt(key.secret_encrypted)
            if secret is None:
                raise RuntimeError("a sandbox key cannot be decrypted: SANDBOX_SECRET changed without rotation")
            return key.access_key_id, secret
        key_id, secret = _new_key_id(), _new_secret()
        try:
            with transaction.atomic():
                SandboxKey.objects.create(account_id=account, access_key_id=key_id, secret_encrypted=_encrypt(secret))
        except IntegrityError:  # made at the same moment by another request: use that one
            continue
        return key_id, secret
    raise RuntimeError("could not make a sandbox key")


def _active(key_id: str):  # noqa: ANN202 - a SandboxKey or None
    from provisioning.models import SandboxKey

    if not _KEY_RE.fullmatch(key_id or ""):
        return None
    return SandboxKey.objects.filter(access_key_id=key_id, revoked_at__isnull=True).first()


def account_for_access_key_id(key_id: str) -> str | None:
    """The account an active sandbox key belongs to, or None."""
    key = _active(key_id)
    return key.account_id if key is not None else None


def secret_for_access_key_id(key_id: str) -> str | None:
    """The secret an active sandbox key must sign with, or None for anything else."""
    key = _active(key_id)
    return _decrypt(key.secret_encrypted) if key is not None else None


def credentials_for_access_key_id(key_id: str) -> tuple[str, str] | None:
    """(account, secret) of an active sandbox key, in one lookup, or None."""
    key = _active(key_id)
    if key is None:
        return None
    secret = _decrypt(key.secret_encrypted)
    return (key.account_id, secret) if secret is not None else None


def revoke_key(account: str) -> int:
    """Revoke the active key of `account` (it stops working at once). Returns how many keys were revoked."""
    from provisioning.models import SandboxKey

    return SandboxKey.objects.filter(account_id=account, revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_all_keys() -> int:
    from provisioning.models import SandboxKey

    return SandboxKey.objects.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def reencrypt_keys() -> int:
    """Re-encrypt every stored secret under the current SANDBOX_SECRET (after a rotation). Returns rows rewritten."""
    from provisioning.models import SandboxKey

    fernet = _fernet()
    count = 0
    for key in SandboxKey.objects.filter(revoked_at__isnull=True).only("pk", "secret_encrypted"):
        rotated = fernet.rotate(key.secret_encrypted.encode()).decode()
        SandboxKey.objects.filter(pk=key.pk).update(secret_encrypted=rotated)
        count += 1
    return count
