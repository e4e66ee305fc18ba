"""Sandbox account ids and learners' sandbox CLI keys.

Keys are stateless: the access key id carries the account id and a short tag, and the secret is an HMAC of the
key id under settings.SANDBOX_SECRET. The gateway therefore needs no database to authenticate a learner, and one
learner's key can never be turned into another account's (forging a key id needs the server-side secret).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from django.conf import settings

KEY_PREFIX = "ASBX"  # 4 + 12-digit account + 4-char tag = 20 characters, like an AWS access key id
_KEY_RE = re.compile(r"^ASBX(?P<account>[0-9]{12})(?P<tag>[A-Z2-7]{4})$")
_FORBIDDEN_ACCOUNTS = {"123456789012", "000000000000", "111111111111"}


def _mac(purpose: str, message: str) -> bytes:
    key = str(settings.SANDBOX_SECRET).encode()
    return hmac.new(key, f"{purpose}:{message}".encode(), hashlib.sha256).digest()


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


def _tag(account: str) -> str:
    return base64.b32encode(_mac("sandbox-key-id", account)).decode()[:4]


def access_key_id_for(account: str) -> str:
    if not is_account_id(account):
        raise ValueError("a sandbox account is a 12-digit id")
    return f"{KEY_PREFIX}{account}{_tag(account)}"


def _secret_for_key_id(key_id: str) -> str:
    return base64.b64encode(_mac("sandbox-key-secret", key_id)).decode().replace("+", "A").replace("/", "B")[:40]


def learner_credentials(account: str) -> tuple[str, str]:
    """(access key id, secret access key) of the learner who owns sandbox account `account`."""
    key_id = access_key_id_for(account)
    return key_id, _secret_for_key_id(key_id)


def account_for_access_key_id(key_id: str) -> str | None:
    """The account a well-formed, genuine sandbox key id belongs to, or None."""
    match = _KEY_RE.match(key_id or "")
    if not match:
        return None
    account = match.group("account")
    if not hmac.compare_digest(match.group("tag"), _tag(account)):
        return None
    return account


def secret_for_access_key_id(key_id: str) -> str | None:
    """The secret a genuine sandbox key id must sign with, or None for anything else."""
    if account_for_access_key_id(key_id) is None:
        return None
    return _secret_for_key_id(key_id)
