"""Log in, sign up, password reset and class join are throttled per address and per account (django-ratelimit)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tutorial.classes.models import Enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_counting_window(monkeypatch):
    """django-ratelimit counts in fixed windows: hold the clock so a slow test never straddles two of them."""
    import time
    import types

    import django.core.cache.backends.base
    import django.core.cache.backends.locmem
    import django_ratelimit.core

    now = time.time()
    frozen = types.SimpleNamespace(time=lambda: now)
    # The counters' expiry too (the cache's own clock), or a slow machine would see them expire mid-test.
    for module in (django_ratelimit.core, django.core.cache.backends.base, django.core.cache.backends.locmem):
        monkeypatch.setattr(module, "time", frozen)


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_the_eleventh_wrong_password_in_a_minute_is_refused_even_when_the_password_is_then_right(student, password):
    client = Client()
    for _ in range(10):
        response = _login(client, "student", "wrong-password")
        assert response.status_code == 200  # the form again, "wrong user name or password"
    response = _login(client, "student", password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert 'data-throttled="login"' in response.content.decode()
    assert response["Retry-After"] == "60"


def test_the_account_limit_holds_from_another_address_and_another_spelling(student, password):
    for i in range(10):
        _login(Client(REMOTE_ADDR=f"10.0.0.{i + 1}"), "student", "wrong")
    response = _login(Client(REMOTE_ADDR="10.0.1.1"), " STUDENT ", password)
    assert response.status_code == 429


def test_an_account_has_an_hourly_budget_across_minute_windows(student, password, monkeypatch):
    """Fixed windows let 10 through per minute window; 30 an hour bound the guessing whatever the timing."""
    import types

    import django.core.cache.backends.base
    import django.core.cache.backends.locmem
    import django_ratelimit.core

    # A fixed instant, not the real clock: django-ratelimit's hourly window ends at a per-key offset, so from a
    # random start one run in twenty would see the hour roll over inside these four minutes (a flaky test).
    # Far in the future, so no counter stored at real time is still live then.
    start = 4_000_000_000
    codes = []
    for minute in range(4):
        clock = types.SimpleNamespace(time=lambda m=minute: start + 61 * m)
        for module in (django_ratelimit.core, django.core.cache.backends.base, django.core.cache.backends.locmem):
            monkeypatch.setattr(module, "time", clock)
        codes += [_login(Client(), "student", "wrong").status_code for _ in range(10)]
    assert codes[:30] == [200] * 30 and set(codes[30:]) == {429}
    assert _login(Client(), "student", password).status_code == 429


def test_another_account_from_the_same_address_still_logs_in(student, other_student, password):
    client = Client()
    for _ in range(10):
        _login(client, "student", "wrong")
    response = _login(client, "other_student", password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other_student.pk)


def test_one_address_is_limited_across_accounts(django_user_model, password):
    client = Client(REMOTE_ADDR="203.0.113.9")
    codes = [_login(client, f"nobody{i}", "wrong").status_code for i in range(61)]
    assert codes[:60] == [200] * 60 and codes[60] == 429


def test_the_lock_out_message_is_in_japanese_and_english(student):
    client = Client()
    for _ in range(10):
        _login(client, "student", "wrong")
    ja = client.post("/ja/accounts/login/", {"username": "student", "password": "x"}).content.decode()
    en = client.post("/en/accounts/login/", {"username": "student", "password": "x"}).content.decode()
    assert "サインインの試行が多すぎます" in ja
    assert "Too many sign-in attempts" in en


def test_sign_up_is_limited_per_address():
    client = Client(REMOTE_ADDR="198.51.100.7")
    codes = []
    for i in range(21):
        data = {"username": f"u{i}", "email": f"u{i}@example.com", "password1": "pl4in-Sailing-92"}
        data["password2"] = data["password1"]
        codes.append(client.post(reverse("signup"), data).status_code)
        client.logout()
    assert codes[:20] == [302] * 20 and codes[20] == 429
    assert get_user_model().objects.count() == 20
    assert "登録の試行が多すぎます" in client.post(reverse("signup"), {}).content.decode()


def test_password_reset_is_limited_per_account_and_per_address(student, mailoutbox):
    for i in range(4):
        Client(REMOTE_ADDR=f"10.1.0.{i + 1}").post(reverse("password_reset"), {"email": "student@example.com"})
    assert len(mailoutbox) == 3  # the fourth within the hour is refused, whatever the address
    client = Client(REMOTE_ADDR="10.2.0.1")
    codes = [client.post(reverse("password_reset"), {"email": f"x{i}@example.com"}).status_code for i in range(11)]
    assert codes[:10] == [302] * 10 and codes[10] == 429
    assert "パスワード再設定の依頼が多すぎます" in client.post(reverse("password_reset"), {}).content.decode()


def test_guessing_join_codes_is_limited_per_account(student):
    client = Client()
    client.force_login(student)
    codes = [client.post(reverse("classes:join_form"), {"code": f"GUESS{i:05d}"}).status_code for i in range(11)]
    assert codes[:10] == [404] * 10 and codes[10] == 429
    assert "参加の試行が多すぎます" in client.post(reverse("classes:join_form"), {"code": "X"}).content.decode()


def test_joining_is_limited_too_and_a_limited_post_enrolls_no_one(student, instructor):
    from tutorial.classes.services import classroom_create

    classroom = classroom_create(instructor=instructor, name="c", tutorial="aws-hands-on", region="ap-northeast-1")
    client = Client()
    client.force_login(student)
    for i in range(10):
        client.post(reverse("classes:join_form"), {"code": f"GUESS{i:05d}"})
    assert client.post(reverse("classes:join", args=[classroom.join_code])).status_code == 429
    assert not Enrollment.objects.exists()
    assert client.get(reverse("classes:join", args=[classroom.join_code])).status_code == 200  # GETs never count


def test_pages_are_not_counted_when_read():
    client = Client()
    for _ in range(70):
        assert client.get(reverse("login")).status_code == 200
