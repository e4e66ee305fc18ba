"""Strict helpers that read settings from the environment.

`X_FILE` (a path whose content is the value) wins over `X`, so secrets can come from mounted files.
An empty variable counts as unset. Booleans accept only true/false style words; anything else is a
configuration error, not a silent False.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    value = os.environ.get(name, "")
    return value if value != "" else default  # an empty variable counts as unset (e.g. a blank line in .env)


def env_bool(name: str, default: bool = False) -> bool:
    raw = env_str(name, "true" if default else "false").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env_str(name, str(default)).strip()
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# --- secrets ----------------------------------------------------------------------------------------------------
# Values that are public (in this repository, its docs, or common templates) and so are no secret at all. The
# settings refuse them whatever DEBUG says: a key anyone can read lets anyone forge sessions, recompute learners'
# sandbox keys and decrypt stored access keys.
PLACEHOLDER_SECRETS = frozenset(
    {
        "insecure-local-only-secret-key-change-me",  # this project's old built-in default
        "change-me-in-dot-env",  # the old docker-compose default
        "change-me",
        "changeme",
        "secret",
        "secret-key",
        "your-secret-key",
        "replace-me",
        "Jq0cOKp0mJxqWm5X1Bq0oTg3c1b3mGz0nXk9Z8p5Y2E=",  # the Fernet key an old test printed
    }
)


def is_placeholder_secret(value: str) -> bool:
    value = value.strip()
    return value in PLACEHOLDER_SECRETS or value.lower().startswith(("django-insecure", "change-me", "changeme"))


def refuse_placeholder(name: str, value: str) -> str:
    if value and is_placeholder_secret(value):
        raise ImproperlyConfigured(f"{name} is a published placeholder, not a secret: generate a random one.")
    return value


def local_secrets(var_dir: Path) -> dict[str, str]:
    """Random secrets for the embedded default, made on first start and kept in VAR_DIR/local-secrets.json (0600).

    web, worker, beat and the sandbox start at the same time under `make run` and must agree, so the file is
    written whole to a temporary name and then hard-linked into place: exactly one process wins, the others read
    the winner's file (never a half-written one).
    """
    path = var_dir / "local-secrets.json"
    try:
        return _read_secrets(path)
    except FileNotFoundError:
        pass
    from cryptography.fernet import Fernet

    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SANDBOX_SECRET": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    var_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=var_dir, prefix=".local-secrets.")  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(values, fh)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return _read_secrets(path)  # another process won the race: use its secrets
    finally:
        os.unlink(tmp)
    return values


def _read_secrets(path: Path) -> dict[str, str]:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ImproperlyConfigured(f"{path} is readable by others (mode {mode:o}): chmod 600 it.")
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)
