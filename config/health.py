"""`/healthz`: is this process able to serve? Database, broker and sandbox AWS reachable; cheap; no secrets.

Answered by a middleware placed first, before the host check and the HTTPS redirect, so a load balancer or
compose's healthcheck can call it by IP over plain HTTP whatever ALLOWED_HOSTS and SECURE_SSL_REDIRECT say.
200 with `{"status": "ok", ...}` when every part answers, 503 with the failing part named otherwise. It never shows
a URL, host name or error text (they may hold credentials): only `ok`, `down` or `off` per part.
`manage.py healthz` prints the same report (compose's worker healthcheck).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.http import HttpResponse

PATH = "/healthz"
TIMEOUT = 2.0  # seconds per part: a health check that hangs is worse than one that says "down"


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _tcp(url: str, default_port: int) -> str:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=TIMEOUT):
        return "ok"


def _broker() -> str:
    url = str(settings.CELERY_BROKER_URL)
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
        try:
            client.ping()
        finally:
            client.close()
        return "ok"
    if url.startswith("filesystem"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        return "ok" if folder.is_dir() else "down"
    return _tcp(url, 5672)


def _sandbox() -> str:
    if not settings.SANDBOX_ENABLED:
        return "off"
    return _tcp(str(settings.SANDBOX_URL), 80)


CHECKS = {"database": _database, "broker": _broker, "sandbox": _sandbox}


def report() -> dict:
    parts = {}
    for name, check in CHECKS.items():
        try:
            parts[name] = check()
        except Exception:  # noqa: BLE001 - any failure is "down"; the error text may hold a URL with a password
            parts[name] = "down"
    healthy = all(state in ("ok", "off") for state in parts.values())
    return {"status": "ok" if healthy else "down", **parts}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.rstrip("/") != PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        body = report()
        response = HttpResponse(
            json.dumps(body), content_type="application/json", status=200 if body["status"] == "ok" else 503
        )
        response["Cache-Control"] = "no-store"
        return response
