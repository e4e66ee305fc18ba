"""Start the product exactly as docker-compose.yml does, without a Docker engine (CI has none).

Every service's `command` and `environment` are read from docker-compose.yml itself (YAML anchors and merge keys
resolved, `${VAR:-default}` / `${VAR:?error}` interpolated from a `.env`-like mapping, `$$` unescaped), so the test
cannot drift from what an instructor deploys. What differs is only what a container gives and a process on this
machine cannot have, each translated by name, and anything else naming a compose host is an error:

- the compose network's addresses (`postgres:5432`, `redis:6379`, `sandbox:5055/5056`, binds on `0.0.0.0`) become
  this machine's PostgreSQL (a fresh database), Redis and free loopback ports;
- the image's filesystem (`VAR_DIR`, `STATIC_ROOT`, what the Dockerfile's `collectstatic` wrote) becomes a
  temporary folder, prepared by the same `collectstatic` command with DEBUG off;
- TLS, which a proxy in front of compose terminates, is gunicorn's own here (GUNICORN_CMD_ARGS, gunicorn's
  variable, adds a self-signed certificate), so HTTPS settings (secure cookies, HSTS, redirect) really run.

The processes run from this interpreter's virtualenv (`python`, `gunicorn`, `celery` first on PATH) with no other
environment than PATH/HOME/LANG plus the compose environment: nothing of the test session leaks in.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import secrets
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

from tests.processes import NotReady, free_pair, free_port, stop_groups, tcp_open, wait_until

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
BIN = Path(sys.executable).parent
# The order compose starts them in (depends_on): migrate runs to completion first.
START_ORDER = ["migrate", "sandbox", "web", "worker", "beat"]

_VAR = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


class ComposeError(AssertionError):
    pass


def interpolate(value: str, dotenv: dict[str, str]) -> str:
    """Compose's variable substitution: ${V}, $V, ${V:-d}, ${V-d}, ${V:?err}, ${V?err}, and $$ for a dollar."""

    def one(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        op, arg = match.group(2), match.group(3)
        present = name in dotenv
        val = dotenv.get(name, "")
        if op in (":-", "-"):
            return val if (present and (val or op == "-")) else arg
        if op in (":?", "?"):
            if not present or (op == ":?" and not val):
                raise ComposeError(f"compose refuses to start: {arg}")
            return val
        return val

    return _VAR.sub(one, value)


def load_services(dotenv: dict[str, str]) -> dict[str, dict]:
    """The services of docker-compose.yml with their command (a string) and environment (interpolated)."""
    spec = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))  # resolves anchors and `<<:` merge keys
    services = {}
    for name, service in spec["services"].items():
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment)
        command = service.get("command")
        if isinstance(command, list):
            command = subprocess.list2cmdline(command)
        services[name] = {
            **service,
            "command": interpolate(command, dotenv) if command else None,
            "environment": {k: interpolate(str(v), dotenv) for k, v in environment.items()},
        }
    return services


@dataclass
class Loopback:
    """Where this machine offers what the compose network offers."""

    database_url: str
    redis_url: str
    web_port: int = field(default_factory=free_port)
    sandbox_port: int = field(default_factory=free_pair)

    def translate(self, name: str, value: str) -> str:
        parts = urlsplit(value) if "://" in value else None
        host = parts.hostname if parts else None
        if host == "postgres":
            return self.database_url
        if host == "redis":
            return self.redis_url
        if host == "sandbox":
            port = self.sandbox_port + (parts.port - 5055)  # 5055 -> moto, 5056 -> the data plane
            return urlunsplit((parts.scheme, f"127.0.0.1:{port}", parts.path, parts.query, parts.fragment))
        if name == "SANDBOX_PORT":
            return str(self.sandbox_port)
        if name == "GUNICORN_BIND":
            return f"127.0.0.1:{self.web_port}"
        if value == "0.0.0.0":  # noqa: S104 - a bind address of the compose file, made loopback here
            return "127.0.0.1"
        if re.search(r"\b(postgres|redis|sandbox):\d", value):
            raise ComposeError(f"{name}={value!r} names a compose host that this launcher does not translate")
        return value


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (what the TLS proxy in front of compose would present)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def dotenv_for_https(web_port: int) -> dict[str, str]:
    """What an instructor puts in `.env` for a class served over HTTPS (fresh random secrets)."""
    from cryptography.fernet import Fernet

    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SANDBOX_SECRET": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SITE_URL": f"https://127.0.0.1:{web_port}",
        "SECURE_COOKIES": "true",
        # Sized for a 2-core CI machine instead of a class VM.
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        "CELERY_WORKER_CONCURRENCY": "2",
    }


class Product:
    """The compose services as processes; `env(service)` is exactly what each one was started with."""

    def __init__(self, workdir: Path, loopback: Loopback, dotenv: dict[str, str]) -> None:
        self.workdir = workdir
        self.loopback = loopback
        self.dotenv = dotenv
        self.services = load_services(dotenv)
        self.processes: dict[str, subprocess.Popen] = {}
        self.cert, self.key = self_signed_certificate(workdir)
        self.base_url = f"https://127.0.0.1:{loopback.web_port}"

    def env(self, service: str) -> dict[str, str]:
        env = {
            "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.workdir),
            "LANG": "C.UTF-8",
            "HOSTNAME": socket.gethostname(),  # a container has it; the worker's healthcheck uses it
            "PYTHONUNBUFFERED": "1",
        }
        for name, value in self.services[service]["environment"].items():
            env[name] = self.loopback.translate(name, value)
        env["VAR_DIR"] = str(self.workdir / "var")  # the container's /app/var
        env["STATIC_ROOT"] = str(self.workdir / "staticfiles")  # the image's /app/staticfiles (Dockerfile ENV)
        if service == "web":
            env["GUNICORN_CMD_ARGS"] = f"--certfile={self.cert} --keyfile={self.key}"  # the TLS proxy's part
        return env

    def log(self, service: str) -> str:
        path = self.workdir / f"{service}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def logs(self, tail: int = 3000) -> str:
        return "\n".join(f"--- {name} ---\n{self.log(name)[-tail:]}" for name in self.services if self.log(name))

    def run(self, service: str, command: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """`docker-compose run SERVICE COMMAND`: a one-off command in that service's environment."""
        return subprocess.run(
            ["sh", "-c", command],
            cwd=ROOT,
            env=self.env(service),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def build(self) -> None:
        """The Dockerfile's build step that matters at run time: collectstatic with DEBUG off."""
        proc = self.run("web", "python manage.py collectstatic --noinput -v 0")
        if proc.returncode != 0:
            raise ComposeError(f"collectstatic failed:\n{proc.stdout}{proc.stderr}")

    def start(self, service: str) -> None:
        log = (self.workdir / f"{service}.log").open("wb")
        self.processes[service] = subprocess.Popen(  # noqa: S603 - the compose file's own command
            ["sh", "-c", self.services[service]["command"]],
            cwd=ROOT,
            env=self.env(service),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def up(self, timeout: float = 180) -> None:
        self.build()
        for service in START_ORDER:
            self.start(service)
            if service == "migrate":
                if self.processes["migrate"].wait(timeout=timeout) != 0:
                    raise ComposeError(f"migrate failed:\n{self.log('migrate')[-3000:]}")
            elif service == "sandbox":
                self._wait(lambda: tcp_open(self.loopback.sandbox_port), "the sandbox", timeout)
            elif service == "web":
                self._wait(self._healthy, "web's /healthz", timeout)
            elif service == "worker":
                self._wait(lambda: "ready." in self.log("worker"), "the worker", timeout)

    def _healthy(self) -> bool:
        import ssl

        context = ssl.create_default_context(cafile=str(self.cert))
        try:
            with urllib.request.urlopen(self.base_url + "/healthz", timeout=5, context=context) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            return False

    def _wait(self, predicate, what: str, timeout: float) -> None:
        running = {name: proc for name, proc in self.processes.items() if name != "migrate"}
        try:
            wait_until(predicate, what, processes=running, timeout=timeout)
        except NotReady as exc:
            raise ComposeError(f"{exc}:\n{self.logs()}") from None

    def down(self) -> None:
        stop_groups(reversed(list(self.processes.values())), timeout=30)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            kids = [int(k) for k in fh.read().split()]
    except OSError:
        return []
    return kids + [grandchild for kid in kids for grandchild in _children(kid)]


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024
    except (OSError, StopIteration):
        return 0.0


def memory_report(product: Product) -> dict[str, list[float]]:
    """Resident memory (MB) of each service's processes (a `sh -c` wrapper left out): for docs/deploy.md."""
    report = {}
    for name, proc in product.processes.items():
        if proc.poll() is None:
            pids = [pid for pid in [proc.pid, *_children(proc.pid)] if _comm(pid) not in ("sh", "dash", "")]
            report[name] = [round(_rss_mb(pid), 1) for pid in pids]
    return report


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as fh:
            return fh.read().strip()
    except OSError:
        return ""
