"""Credentials at rest: Fernet with rotation; the command re-encrypts with the newest key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection as db

from tutorial.learning import crypto
from tutorial.learning.models import Connection

from .conftest import make_connection


def test_encrypt_round_trips_and_hides_the_plaintext(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    token = crypto.encrypt("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert "wJalrXUtnFEMI" not in token
    assert crypto.decrypt(token) == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def test_without_configured_keys_nothing_is_encrypted_with_a_derived_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.encrypt("s3cret")


def test_old_key_still_decrypts_after_a_new_key_is_prepended(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    token = crypto.encrypt("s3cret")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert crypto.decrypt(token) == "s3cret"


def test_dropped_key_gives_an_error_that_does_not_contain_the_token(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    token = crypto.encrypt("s3cret")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.CredentialDecryptError) as info:
        crypto.decrypt(token)
    assert token not in str(info.value)


@pytest.mark.django_db
def test_rotate_credentials_reencrypts_with_the_newest_key_so_the_old_key_can_go(settings, student):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    make_connection(
        student,
        kind="keys",
        access_key_id_encrypted=crypto.encrypt("AKIAEXAMPLE123456789"),
        secret_access_key_encrypted=crypto.encrypt("secret-value-1234567890"),
    )
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_credentials")
    settings.FIELD_ENCRYPTION_KEYS = [new]
    row = Connection.objects.get(user=student)
    assert crypto.decrypt(row.secret_access_key_encrypted) == "secret-value-1234567890"
    assert crypto.decrypt(row.access_key_id_encrypted) == "AKIAEXAMPLE123456789"
    with db.cursor() as cursor:
        cursor.execute("select secret_access_key_encrypted from learning_connection")
        (raw,) = cursor.fetchone()
    assert "secret-value" not in raw
