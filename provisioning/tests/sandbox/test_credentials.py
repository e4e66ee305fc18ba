"""Sandbox account ids and learners' CLI keys: random, stored, revocable one by one, encrypted under SANDBOX_SECRET."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from provisioning.models import SandboxKey
from provisioning.sandbox import gateway_url, learner_credentials, new_account_id, spec_for
from provisioning.sandbox.credentials import account_for_access_key_id, secret_for_access_key_id

pytestmark = pytest.mark.django_db


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


def test_keys_are_random_not_derived_from_the_account_or_the_server_secret(settings):
    key_id, secret = learner_credentials("482913305716")
    assert "482913305716" not in key_id
    SandboxKey.objects.all().delete()
    assert learner_credentials("482913305716") != (key_id, secret)  # a new key, not the same one recomputed


def test_the_secret_is_stored_encrypted_and_never_in_repr():
    key_id, secret = learner_credentials("482913305716")
    row = SandboxKey.objects.get(access_key_id=key_id)
    assert secret not in row.secret_encrypted and secret not in repr(row) and secret not in str(row)


def test_one_learners_key_is_revoked_alone():
    mine, other = learner_credentials("482913305716"), learner_credentials("482913305717")
    call_command("sandbox", "--revoke-key", "482913305716")
    assert account_for_access_key_id(mine[0]) is None and secret_for_access_key_id(mine[0]) is None
    assert account_for_access_key_id(other[0]) == "482913305717"
    fresh = learner_credentials("482913305716")
    assert fresh[0] != mine[0] and account_for_access_key_id(fresh[0]) == "482913305716"


def test_rotating_sandbox_secret_keeps_every_key(settings):
    key_id, secret = learner_credentials("482913305716")
    settings.SANDBOX_PREVIOUS_SECRETS, settings.SANDBOX_SECRET = settings.SANDBOX_SECRET, "a-brand-new-secret-value"
    assert secret_for_access_key_id(key_id) == secret  # still readable during the rotation
    call_command("sandbox", "--reencrypt-keys")
    settings.SANDBOX_PREVIOUS_SECRETS = ""
    assert secret_for_access_key_id(key_id) == secret  # and after it, under the new secret only
    assert learner_credentials("482913305716") == (key_id, secret)


def test_unknown_and_malformed_key_ids_have_no_secret():
    assert secret_for_access_key_id("AKIAIOSFODNN7EXAMPLE") is None
    assert account_for_access_key_id("ASBX482913305716ABCD") is None


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
