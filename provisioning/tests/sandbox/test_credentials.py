"""Sandbox account ids and learners' stateless CLI keys."""

from __future__ import annotations

from provisioning.sandbox import gateway_url, learner_credentials, new_account_id, spec_for
from provisioning.sandbox.credentials import account_for_access_key_id, secret_for_access_key_id


def test_new_account_ids_are_random_12_digit_and_never_motos_default():
    ids = {new_account_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) == 12 and i.isdigit() and i != "123456789012" for i in ids)


def test_learner_key_maps_back_to_its_account_and_secret():
    key_id, secret = learner_credentials("482913305716")
    assert len(key_id) == 20 and len(secret) == 40
    assert account_for_access_key_id(key_id) == "482913305716"
    assert secret_for_access_key_id(key_id) == secret
    assert learner_credentials("482913305716") == (key_id, secret)


def test_key_ids_cannot_be_forged_for_another_account():
    key_id, _ = learner_credentials("482913305716")
    forged = key_id.replace("482913305716", "482913305717")
    assert account_for_access_key_id(forged) is None
    assert secret_for_access_key_id("AKIAIOSFODNN7EXAMPLE") is None


def test_secrets_change_with_the_server_secret(settings):
    _, before = learner_credentials("482913305716")
    settings.SANDBOX_SECRET = "another-secret"
    assert learner_credentials("482913305716")[1] != before


def test_spec_and_gateway_url_come_from_settings(settings):
    settings.SANDBOX_URL = "http://127.0.0.1:5055"
    settings.SITE_URL = "https://lab.example.com/"
    spec = spec_for("482913305716", "us-east-1")
    assert (spec.kind, spec.sandbox_account, spec.endpoint_url, spec.region) == (
        "sandbox",
        "482913305716",
        "http://127.0.0.1:5055",
        "us-east-1",
    )
    assert gateway_url() == "https://lab.example.com/sandbox-aws/"
    assert gateway_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000/sandbox-aws/"
