"""Settings come from the environment, strictly, and `.env.example` lists every variable they read."""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
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


SECRETS = {"SECRET_KEY", "DEBUG", "FIELD_ENCRYPTION_KEYS", "SANDBOX_SECRET", "VAR_DIR"}
PRINT_SECRETS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECRET_KEY, s.SANDBOX_SECRET, ','.join(s.FIELD_ENCRYPTION_KEYS))"
)


def _import_settings(code: str = "import django; django.setup()", **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run(
        [sys.executable, "-c", code],
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
    key = Fernet.generate_key().decode()
    proc = _import_settings(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), FIELD_ENCRYPTION_KEYS=key)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    "name, value",
    [
        ("SECRET_KEY", "change-me-in-dot-env"),
        ("SECRET_KEY", "insecure-local-only-secret-key-change-me"),
        ("SECRET_KEY", "django-insecure-abc123"),
        ("SANDBOX_SECRET", "change-me"),
        ("FIELD_ENCRYPTION_KEYS", "Jq0cOKp0mJxqWm5X1Bq0oTg3c1b3mGz0nXk9Z8p5Y2E="),
    ],
)
@pytest.mark.parametrize("debug", ["true", "false"])
def test_a_published_placeholder_secret_is_refused_with_debug_on_or_off(tmp_path, name, value, debug):
    env = {
        "DEBUG": debug,
        "VAR_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        name: value,
    }
    proc = _import_settings(**env)
    assert proc.returncode != 0
    assert f"{name} is a published placeholder" in proc.stderr
    assert value not in proc.stderr.split("ImproperlyConfigured")[-1]  # the message does not echo the value


def test_with_debug_on_missing_secrets_are_random_kept_in_var_dir_0600_and_shared_by_every_process(tmp_path):
    first = _import_settings(PRINT_SECRETS, DEBUG="true", VAR_DIR=str(tmp_path / "a"))
    again = _import_settings(PRINT_SECRETS, DEBUG="true", VAR_DIR=str(tmp_path / "a"))
    elsewhere = _import_settings(PRINT_SECRETS, DEBUG="true", VAR_DIR=str(tmp_path / "b"))
    assert first.returncode == 0, first.stderr
    secret_key, sandbox_secret, fernet_key = first.stdout.split()
    assert again.stdout == first.stdout  # the second start (or the worker beside the web) reads the same file
    assert set(elsewhere.stdout.split()).isdisjoint({secret_key, sandbox_secret, fernet_key})  # random, not derived
    assert len(secret_key) >= 50 and sandbox_secret != secret_key
    Fernet(fernet_key.encode())  # a real Fernet key
    stored = tmp_path / "a" / "local-secrets.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert json.loads(stored.read_text()) == {
        "SECRET_KEY": secret_key,
        "SANDBOX_SECRET": sandbox_secret,
        "FIELD_ENCRYPTION_KEY": fernet_key,
    }


def test_processes_starting_together_agree_on_the_generated_secrets(tmp_path):
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PRINT_SECRETS],
            cwd=ROOT,
            env={
                **{k: v for k, v in os.environ.items() if k not in SECRETS},
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DEBUG": "true",
                "VAR_DIR": str(tmp_path),
            },
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = {proc.communicate(timeout=60)[0] for proc in procs}
    assert len(outputs) == 1 and outputs != {""}
    assert not list(tmp_path.glob(".local-secrets.*"))  # no temporary file left behind


def test_a_secrets_file_readable_by_others_is_refused(tmp_path):
    assert _import_settings(DEBUG="true", VAR_DIR=str(tmp_path)).returncode == 0
    (tmp_path / "local-secrets.json").chmod(0o644)
    proc = _import_settings(DEBUG="true", VAR_DIR=str(tmp_path))
    assert proc.returncode != 0 and "chmod 600" in proc.stderr


def test_an_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("SOME_URL", "")
    assert env_str("SOME_URL", "filesystem://") == "filesystem://"


def test_the_worker_keeps_its_database_connections_between_tasks():
    from config.celery import app

    assert (app.conf.get("CELERY_DB_REUSE_MAX") or 0) >= 1  # else Celery reconnects to the database for every run


@pytest.mark.parametrize("signal_name", ["worker_ready", "worker_process_init"])
def test_a_started_worker_takes_its_startup_objects_out_of_the_garbage_collectors_scans(signal_name):
    import gc

    from celery import signals

    import config.celery  # noqa: F401  (connects the handlers)

    gc.unfreeze()
    try:
        getattr(signals, signal_name).send(sender=None)
        assert gc.get_freeze_count() > 1000  # Django, Celery, this test run: all frozen
    finally:
        gc.unfreeze()
