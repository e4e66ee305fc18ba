"""Fixtures of the learner's side: a recorded task queue, connections made without AWS, engine reports."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from provisioning.steps.load_balancer.catalog import CHECK_IDS as STEP5_CHECK_IDS
from provisioning.steps.load_balancer.catalog import SECTION_OF as SECTION_OF_CHECK
from provisioning.types import CheckResult, RunReport
from tutorial.learning import services
from tutorial.learning.models import Connection

TUTORIAL, STEP = "aws-hands-on", "load-balancer"


@dataclass
class Queue:
    """What would have been sent to the broker."""

    sent: list[tuple[str, int, int | None]] = field(default_factory=list)

    def ids(self, task: str = "verify") -> list[int]:
        return [job_id for name, job_id, _ in self.sent if name == task]


@pytest.fixture(autouse=True)
def _fresh_cache_and_japanese():
    # The test client's LocaleMiddleware leaves the last request's language active; start each test in Japanese.
    translation.activate("ja")
    cache.clear()
    yield
    cache.clear()
    translation.activate("ja")


@pytest.fixture
def queue(monkeypatch) -> Queue:
    """Replace publishing with a recorder (and say the broker is up), so no test needs a broker."""
    recorded = Queue()

    def publish(task_name: str, job_id: int, *, countdown: int | None = None) -> str:
        recorded.sent.append((task_name, job_id, countdown))
        return f"task-{task_name}-{job_id}-{len(recorded.sent)}"

    monkeypatch.setattr(services, "_publish", publish)
    monkeypatch.setattr("tutorial.learning.selectors.checking_available", lambda: True)
    return recorded


def make_connection(user, *, kind: str = "sandbox", account: str = "210987654321", **extra) -> Connection:
    values = {
        "kind": kind,
        "region": "ap-northeast-1",
        "external_id": "ext-" + user.username,
        "account_id": account,
        "validated_at": timezone.now(),
        "allows_provisioning": kind == "sandbox",
    }
    if kind == "sandbox":
        values["sandbox_account"] = account
    values.update(extra)
    return Connection.objects.create(user=user, **values)


@pytest.fixture
def connected_student(student):
    make_connection(student)
    return student


@pytest.fixture
def connected_other_student(other_student):
    make_connection(other_student, account="310987654322")
    return other_student


def report(statuses: dict[str, str] | None = None, *, transient: set[str] = frozenset(), default: str = "pass"):
    """A RunReport where every Step 5 check has `default` status unless `statuses` says otherwise."""
    statuses = statuses or {}
    results = []
    for cid in STEP5_CHECK_IDS:
        status = statuses.get(cid, default)
        results.append(
            CheckResult(
                id=cid,
                section=SECTION_OF_CHECK[cid],
                status=status,
                message={"ja": f"{cid} は {status} です", "en": f"{cid} is {status}"},
                hint={"ja": f"{cid} のヒント", "en": f"hint for {cid}"} if status != "pass" else {"ja": "", "en": ""},
                evidence={"check": cid},
                transient=cid in transient,
            )
        )
    architecture = {
        "alb": {
            "name": "aws-hands-on",
            "scheme": "internet-facing",
            "state": "active",
            "azs": ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
            "security_groups": ["sg-alb"],
        },
        "listener": {"port": 80, "protocol": "HTTP", "forwards_to": [{"target_group": "aws-hands-on", "weight": 1}]},
        "target_group": {"name": "aws-hands-on", "port": 80, "protocol": "HTTP"},
        "targets": [{"id": "i-0abc", "port": 8000, "health": "healthy", "reason": None}],
        "instance": {"id": "i-0abc", "state": "running", "security_groups": ["sg-ec2"]},
        "security_groups": {"sg-alb": {"name": "aws-hands-on-alb"}, "sg-ec2": {"name": "aws-hands-on-ec2"}},
    }
    return RunReport(
        tutorial=TUTORIAL, step=STEP, duration_ms=42, aws_api_calls=7, results=results, architecture=architecture
    )


@pytest.fixture
def engine(monkeypatch):
    """Make the engine answer with the next queued report (default: everything passes)."""
    answers: list[RunReport] = []
    calls: list = []

    def fake_verify(spec, *, tutorial, step, params):
        calls.append(spec)
        return answers.pop(0) if answers else report()

    monkeypatch.setattr(services, "_verify", fake_verify)
    fake_verify.answers = answers
    fake_verify.calls = calls
    return fake_verify
