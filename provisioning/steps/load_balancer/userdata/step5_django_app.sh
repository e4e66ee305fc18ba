#!/bin/bash
# User data for the tutorial's instance on real AWS (Amazon Linux 2023), written by this project.
# It installs a small Django app that serves the welcome page on port 8000 and answers /healthcheck with "ok"
# (without Host validation, so the load balancer's health checks by private address pass), and runs it as a
# systemd service so it survives reboots. The provisioning recipe `prerequisites` passes this file as user data.
set -euxo pipefail

dnf install -y python3 python3-pip
python3 -m venv /opt/handson/venv
/opt/handson/venv/bin/pip install --quiet "Django>=5.2,<5.3"

mkdir -p /opt/handson/app
cat > /opt/handson/app/app.py <<'PY'
"""The tutorial's app: Django's welcome page on /, "ok" on /healthcheck."""
import sys

from django.conf import settings
from django.core.management import execute_from_command_line
from django.http import HttpResponse
from django.urls import path
from django.views.debug import default_urlconf

settings.configure(
    DEBUG=False,
    SECRET_KEY="aws-hands-on-not-secret",  # the page has no sessions or forms
    ALLOWED_HOSTS=["*"],  # reached by the ALB's DNS name, the public address and the health checker's private one
    ROOT_URLCONF=__name__,
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
)


def healthcheck(request):
    return HttpResponse("ok\n", content_type="text/plain")


def home(request):
    return default_urlconf(request)


urlpatterns = [path("", home), path("healthcheck", healthcheck)]

if __name__ == "__main__":
    execute_from_command_line(sys.argv)
PY

cat > /etc/systemd/system/handson-app.service <<'UNIT'
[Unit]
Description=aws-hands-on Django app on port 8000
After=network-online.target

[Service]
WorkingDirectory=/opt/handson/app
ExecStart=/opt/handson/venv/bin/python app.py runserver 0.0.0.0:8000 --noreload
Restart=always
User=nobody

[Install]
WantedBy=multi-user.target
UNIT

systemctl daemon-reload
systemctl enable --now handson-app.service
