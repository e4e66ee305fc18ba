"""Encryption of credentials at rest (Fernet, several keys so they can be rotated).

FIELD_ENCRYPTION_KEYS lists Fernet keys, newest first: the newest encrypts, every key decrypts. Rotation is
"prepend a new key, run `manage.py rotate_credentials`, then drop the old key". Settings always provide one: from
the environment, or (DEBUG on) a random key made on first start in VAR_DIR; no key is ever derived from another
value, so no public constant can lead to it.
Nothing here ever puts a plaintext or a key into an exception message or a log line.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CredentialDecryptError(Exception):
    """A stored secret could not be decrypted with any configured key (the key was dropped too early?)."""


def _keys() -> list[bytes]:
    keys = [k.encode() for k in getattr(settings, "FIELD_ENCRYPTION_KEYS", []) if k]
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: no key to encrypt credentials with")
    return keys


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except ValueError:
        # Don't echo the key: say which setting is wrong.
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key") from None


def encrypt(plaintext: str) -> str:
    """Encrypt with the newest key. The empty string stays empty (nothing stored, nothing to hide)."""
    if not plaintext:
        return ""
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise CredentialDecryptError("stored credential cannot be decrypted with the configured keys") from None


def rotate(token: str) -> str:
    """Re-encrypt a token with the newest key (no-op for the empty string)."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise CredentialDecryptError("stored credential cannot be decrypted with the configured keys") from None


def generate_key() -> str:
    """A fresh Fernet key, for operators (`manage.py rotate_credentials --new-key`)."""
    return Fernet.generate_key().decode()
