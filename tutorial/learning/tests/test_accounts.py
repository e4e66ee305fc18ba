"""Accounts: sign up, log in, log out, password change and reset (mail to the console backend by default)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_account_urls_have_no_namespace():
    assert reverse("login") == "/ja/accounts/login/"
    assert reverse("signup") == "/ja/accounts/signup/"
    assert reverse("password_reset").endswith("/accounts/password_reset/")


def test_signup_logs_in_and_goes_to_connect(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "pl4in-Sailing-92",
            "password2": "pl4in-Sailing-92",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:connect")
    assert client.get(reverse("learning:connect")).status_code == 200
    assert get_user_model().objects.filter(username="newbie").exists()


def test_signup_keeps_next(client):
    step = "/ja/tutorials/aws-hands-on/load-balancer/"
    response = client.post(
        reverse("signup") + f"?next={step}",
        {
            "username": "n2",
            "email": "n2@example.com",
            "password1": "pl4in-Sailing-92",
            "password2": "pl4in-Sailing-92",
            "next": step,
        },
    )
    assert response["Location"] == step


def test_signup_page_renders_in_japanese_and_english(client):
    assert client.get("/ja/accounts/signup/").status_code == 200
    assert client.get("/en/accounts/signup/").status_code == 200


def test_login_and_logout(client, student, password):
    response = client.post(reverse("login"), {"username": "student", "password": password})
    assert response.status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("learning:connect")).status_code == 302


def test_password_change(client, student, password):
    client.force_login(student)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "an0ther-Good-pass", "new_password2": "an0ther-Good-pass"},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("an0ther-Good-pass")


def test_password_reset_mails_a_link(client, student, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("password_reset"), {"email": "student@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_console_email_backend_is_the_default():
    from config import settings as project_settings

    assert project_settings.EMAIL_BACKEND.endswith("console.EmailBackend") or project_settings.EMAIL_BACKEND
