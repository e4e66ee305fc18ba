"""A learner's kept session and clients (sessions.py) against the sandbox server: the same run as with new ones."""

from __future__ import annotations

from provisioning.sessions import client_for, session_for


def test_a_run_reports_the_same_results_and_calls_with_kept_clients_as_with_new_ones(sandbox_server, sandbox_spec):
    from provisioning import sessions
    from provisioning.recipes import run_recipe
    from provisioning.verify import verify_step

    run_recipe(sandbox_spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer")

    def run():
        report = verify_step(sandbox_spec, tutorial="aws-hands-on", step="load-balancer")
        return [(r.id, r.status, r.message["en"]) for r in report.results], report.aws_api_calls

    sessions.forget_credentials()
    first = run()  # assumes the role, builds the session and clients
    kept = client_for(session_for(sandbox_spec), "ec2", sandbox_spec)
    second = run()  # through the kept ones
    assert client_for(session_for(sandbox_spec), "ec2", sandbox_spec) is kept
    assert second[0] == first[0]
    assert second[1] == first[1] - 1  # the same calls, less the AssumeRole
