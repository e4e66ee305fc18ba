"""One log line per run for operators: ids, duration, AWS calls, status counts; never a secret."""

from __future__ import annotations

import logging

import pytest

from tutorial.learning import crypto, services

from .conftest import STEP, TUTORIAL, make_connection, report

pytestmark = pytest.mark.django_db


def _run_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("run finished")]


def test_each_run_logs_one_line_with_its_ids_duration_calls_and_status_counts(connected_student, queue, engine, caplog):
    engine.answers.append(report({"alb.active": "fail", "alb.exists": "error"}))
    run = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP, section="create-alb")
    with caplog.at_level(logging.INFO, logger="tutorial.learning.services"):
        services.run_execute(run_id=run.pk)
        services.run_execute(run_id=run.pk)  # a redelivered message: no second line
    (line,) = _run_lines(caplog)
    assert f"run={run.pk} learner={connected_student.pk} " in line
    assert "state=done" in line and "section=create-alb" in line and "trigger=learner" in line
    assert "duration_ms=42 aws_calls=7 pass=13 fail=1 error=1 skipped=0" in line


def test_a_run_that_could_not_check_logs_its_error_code_and_no_secret(student, queue, monkeypatch, caplog):
    make_connection(
        student,
        kind="keys",
        access_key_id_encrypted=crypto.encrypt("AKIAIOSFODNN7EXAMPLE"),
        secret_access_key_encrypted=crypto.encrypt("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    )

    def leaky_engine(spec, **kwargs):
        raise RuntimeError(f"boom with {spec.secret_access_key}")

    monkeypatch.setattr(services, "_verify", leaky_engine)
    run = services.run_start(user=student, tutorial=TUTORIAL, step=STEP)
    with caplog.at_level(logging.INFO):
        services.run_execute(run_id=run.pk)
    (line,) = _run_lines(caplog)
    assert "state=error error_code=engine_error" in line and "pass=0 fail=0" in line
    assert "wJalrXUtnFEMI" not in caplog.text and "AKIAIOSFODNN7EXAMPLE" not in caplog.text
