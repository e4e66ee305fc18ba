"""Settings come from the environment, strictly, and `.env.example` lists every variable they read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

ROOT = Path(__file__).resolve().parent.parent


def _settings_variables() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))


def test_env_example_lists_every_variable_the_settings_read():
    listed = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M))
    missing = _settings_variables() - listed
    assert not missing, f".env.example does not list: {sorted(missing)}"


def test_a_boolean_setting_rejects_anything_but_true_or_false(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be true or false"):
        env_bool("SOME_FLAG")
    monkeypatch.setenv("SOME_FLAG", "off")
    assert env_bool("SOME_FLAG", True) is False


def test_an_integer_setting_rejects_words(monkeypatch):
    monkeypatch.setenv("SOME_PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="SOME_PORT must be an integer"):
        env_int("SOME_PORT", 80)


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("SOME_SECRET", "from-the-environment")
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret))
    assert env_str("SOME_SECRET") == "from-a-file"


def _import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "FIELD_ENCRYPTION_KEYS"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_refuses_to_start_with_the_default_secret_key():
    proc = _import_settings(DEBUG="false")
    assert proc.returncode != 0
    assert "SECRET_KEY" in proc.stderr


def test_debug_off_starts_with_a_secret_key_and_encryption_keys():
    key = "Jq0cOKp0mJxqWm5X1Bq0oTg3c1b3mGz0nXk9Z8p5Y2E="
    proc = _import_settings(DEBUG="false", SECRET_KEY="a-real-secret-for-this-test", FIELD_ENCRYPTION_KEYS=key)
    assert proc.returncode == 0, proc.stderr


def test_an_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("SOME_URL", "")
    assert env_str("SOME_URL", "filesystem://") == "filesystem://"
