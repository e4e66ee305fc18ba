"""Issue 9, point 10: the sandbox keeps learners' work across a restart.

The restart is real: `manage.py sandbox` is started, given a class's work, stopped (SIGTERM, as honcho and
docker stop it) and started again; `verify` says the same before and after.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from provisioning.recipes import run_recipe
from provisioning.sandbox import spec_for
from provisioning.sandbox.credentials import new_account_id
from provisioning.sandbox.persistence import StateStore, _backend_dicts
from provisioning.sessions import client_for, session_for
from provisioning.verify import verify_step
from tests.processes import NotReady, free_pair, tcp_open, wait_until

pytestmark = pytest.mark.sandbox


def _statuses(spec) -> dict[str, str]:
    return {r.id: r.status for r in verify_step(spec, tutorial="aws-hands-on", step="load-balancer").results}


def _start(port: int, state_dir: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "SANDBOX_STATE_DIR": str(state_dir), "SANDBOX_SAVE_INTERVAL": "1", "PYTHONUNBUFFERED": "1"}
    handle = log.open("ab")
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "sandbox", "--port", str(port)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: tcp_open(port + 1), "the sandbox", processes={"the sandbox": proc}, timeout=60, interval=0.2)
    except NotReady as exc:
        proc.kill()
        raise AssertionError(f"{exc}: {log.read_text()}") from None
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.fixture
def restartable_sandbox(tmp_path, settings):
    port = free_pair()
    settings.SANDBOX_URL = f"http://127.0.0.1:{port}"
    settings.SANDBOX_DATAPLANE_URL = f"http://127.0.0.1:{port + 1}"
    state = tmp_path / "state"
    log = tmp_path / "sandbox.log"
    procs: list[subprocess.Popen] = []

    class Sandbox:
        state_dir = state
        log_file = log

        def start(self) -> None:
            procs.append(_start(port, state, log))

        def stop(self) -> None:
            _stop(procs[-1])

    try:
        yield Sandbox()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)


def test_a_restart_mid_class_keeps_every_learners_work(restartable_sandbox):
    restartable_sandbox.start()
    solved, halfway = spec_for(new_account_id(), "ap-northeast-1"), spec_for(new_account_id(), "ap-northeast-1")
    assert run_recipe(solved, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
    assert run_recipe(solved, "solve", tutorial="aws-hands-on", step="load-balancer").ok
    assert run_recipe(halfway, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
    before = {"solved": _statuses(solved), "halfway": _statuses(halfway)}
    assert set(before["solved"].values()) == {"pass"}
    assert "fail" in before["halfway"].values() and "pass" in before["halfway"].values()

    restartable_sandbox.stop()
    restartable_sandbox.start()

    assert {"solved": _statuses(solved), "halfway": _statuses(halfway)} == before
    # and the restored sandbox goes on taking work
    assert run_recipe(halfway, "solve", tutorial="aws-hands-on", step="load-balancer").ok
    assert set(_statuses(halfway).values()) == {"pass"}


def test_a_corrupt_state_file_does_not_stop_the_sandbox(restartable_sandbox):
    restartable_sandbox.state_dir.mkdir(parents=True)
    broken = restartable_sandbox.state_dir / f"{new_account_id()}.pickle"
    broken.write_bytes(b"\x80\x05\x95 truncated")
    restartable_sandbox.start()
    spec = spec_for(new_account_id(), "ap-northeast-1")
    assert client_for(session_for(spec), "sts", spec).get_caller_identity()["Account"] == spec.sandbox_account
    restartable_sandbox.stop()
    assert not broken.exists()
    assert list(restartable_sandbox.state_dir.glob(f"{broken.name}.corrupt-*"))
    assert "could not restore" in restartable_sandbox.log_file.read_text()


def _forget(account: str) -> None:
    """What a new process would have: nothing of `account` in moto's memory."""
    for backends in _backend_dicts().values():
        dict.pop(backends, account, None)


def test_state_round_trips_and_a_partial_file_is_moved_aside(sandbox_server, tmp_path, caplog):
    account, other = new_account_id(), new_account_id()
    spec = spec_for(account, "ap-northeast-1")
    ec2 = client_for(session_for(spec), "ec2", spec)
    group = ec2.create_security_group(GroupName="kept", Description="x")["GroupId"]
    store = StateStore(tmp_path)
    store.save(account)
    (tmp_path / f"{other}.pickle").write_bytes((tmp_path / f"{account}.pickle").read_bytes()[:100])
    assert oct((tmp_path / f"{account}.pickle").stat().st_mode & 0o777) == "0o600"
    _forget(account)

    with caplog.at_level(logging.WARNING, logger="provisioning.sandbox.persistence"):
        assert StateStore(tmp_path).restore_all() == [account]
    assert "could not restore" in caplog.text
    assert list(tmp_path.glob(f"{other}.pickle.corrupt-*"))
    ec2 = client_for(session_for(spec), "ec2", spec)
    assert ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]["GroupName"] == "kept"
