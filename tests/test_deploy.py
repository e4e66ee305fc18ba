"""Production settings: `check --deploy` is clean with HTTPS on, the CSP holds, /healthz answers cheaply and safely.

The browser side of the CSP (every page works with it, no console error) is tests/e2e/test_production.py.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent


def production_env(**extra: str) -> dict[str, str]:
    # Not the test session's own switches (the e2e conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG", "DJANGO_ALLOW_ASYNC"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        SANDBOX_SECRET=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="lab.example.com",
        SITE_URL="https://lab.example.com",
    )
    env.update(extra)
    return env


def check_deploy(**extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_no_warning_when_https_is_on():
    proc = check_deploy(SECURE_COOKIES="true", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues" in proc.stdout


def test_check_deploy_names_what_is_missing_when_https_is_off():
    proc = check_deploy(SECURE_COOKIES="false")
    assert proc.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in proc.stderr


def test_https_settings_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(
            SECURE_COOKIES="true", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", SECURE_HSTS_SECONDS="60"
        ),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split(maxsplit=2)
    assert out[0] == "True" and out[1] == "60"
    assert out[2].strip() == "('HTTP_X_FORWARDED_PROTO', 'https') True"


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_script_or_eval(client):
    response = client.get("/ja/tutorials/aws-hands-on/")
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe" not in policy["script-src"] + policy["style-src"]


@pytest.mark.django_db
def test_htmx_comes_from_django_htmx_and_is_told_not_to_eval(client):
    html = client.get("/ja/tutorials/aws-hands-on/").content.decode()
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js" defer>', html)
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html).group(1))
    assert config == {"allowEval": False, "allowScriptTags": False, "includeIndicatorStyles": False}
    assert "vendor/htmx" not in html


TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted(ROOT.glob("*/templates/**/*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_an_inline_script_or_event_handler(path):
    """The CSP forbids them (they would silently not run): behaviour goes in static/js/ as a listener."""
    source = path.read_text(encoding="utf-8")
    inline_scripts = [m for m in re.findall(r"<script\b[^>]*>", source) if "src=" not in m and "json" not in m]
    assert not inline_scripts, inline_scripts
    assert not re.findall(r"\son[a-z]+\s*=", source), "inline event handler"
    assert "javascript:" not in source
    # htmx filters ("every 2s [cond]") and hx-on need eval, which htmx is told not to do.
    assert not re.search(r'hx-trigger="[^"]*\[', source), "htmx trigger filter (needs eval)"
    assert "hx-on" not in source


@pytest.mark.django_db
def test_healthz_reports_each_part_without_a_host_or_secret(client, settings):
    settings.ALLOWED_HOSTS = ["lab.example.com"]  # a load balancer calls it by IP: no host check
    settings.SECURE_SSL_REDIRECT = True  # and over plain HTTP: no redirect
    settings.CELERY_BROKER_URL = "redis://:hunter2-password@127.0.0.1:1/0"
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")
    body = response.json()
    assert set(body) == {"status", "database", "broker", "sandbox"}
    assert body["database"] == "ok" and body["broker"] == "down"
    assert response.status_code == 503 and body["status"] == "down"
    assert "hunter2" not in response.content.decode() and "127.0.0.1" not in response.content.decode()
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_is_ok_when_every_part_answers_and_costs_one_query(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    settings.SANDBOX_ENABLED = False
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "sandbox": "off"}
    assert len(queries) == 1
