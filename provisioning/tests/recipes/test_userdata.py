"""The real-AWS user data: its embedded Django app answers / and /healthcheck for any Host (run in a subprocess)."""

from __future__ import annotations

import re
import subprocess
import sys

from provisioning.steps.load_balancer.recipes import USERDATA_PATH

CHECK = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
app = importlib.util.module_from_spec(spec); sys.modules["app"] = app; spec.loader.exec_module(app)
import django; django.setup()
from django.test import Client
c = Client()
h = c.get("/healthcheck", HTTP_HOST="172.31.5.6")
p = c.get("/", HTTP_HOST="aws-hands-on-1.ap-northeast-1.elb.amazonaws.com")
m = c.get("/missing", HTTP_HOST="203.0.113.9")
welcome = b"The install worked successfully" in p.content
print(h.status_code, h.content.decode().strip(), p.status_code, welcome, m.status_code)
"""


def test_userdata_app_serves_the_welcome_page_and_healthcheck_for_any_host(tmp_path):
    script = USERDATA_PATH.read_text(encoding="utf-8")
    app = re.search(r"<<'PY'\n(.*?)\nPY\n", script, re.S).group(1)
    (tmp_path / "app.py").write_text(app, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(tmp_path / "app.py")], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.stdout.split() == ["200", "ok", "200", "True", "404"], done.stderr
    assert "0.0.0.0:8000" in script and "systemctl enable --now" in script
