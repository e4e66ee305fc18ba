"""Bad input to any form is a form error (a 200/400 page naming the field), never a 500 and never stored.

Each form of the site is posted the inputs an attacker (or a clumsy paste) sends: a 10,000-character value,
full-width digits where ASCII is meant, a NUL byte, `..`, dates at the ends of the calendar. Run against
PostgreSQL too (DATABASE_URL), where an over-long value that slipped past a form would be a DataError (500).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tutorial.classes.models import Classroom
from tutorial.learning.models import Connection

LONG = "a" * 10_000
WIDE_LONG = "あ" * 10_000
NUL = "ap-north\x00east-1"


def _no_aws_call(spec):
    raise AssertionError(f"bad input reached AWS: {spec.kind} {spec.region!r}")


def _assert_form_error(response, field: str | None = None) -> str:
    assert response.status_code in (200, 400), response.status_code
    body = response.content.decode()
    assert 'class="error' in body or "errorlist" in body or 'role="alert"' in body, body[:2000]
    if field:
        assert f'name="{field}"' in body  # the page shows the form again with the field to correct
    return body


# --- classes: the class form --------------------------------------------------------------------------------


def _class_data(**overrides) -> dict:
    data = {"name": "月曜クラス", "tutorial": "aws-hands-on", "region": "ap-northeast-1", "ends_at": ""}
    data.update(overrides)
    return data


CLASS_FORM_ATTACKS = [
    pytest.param({"ends_at": "0001-01-01T00:00"}, "ends_at", id="end-date-year-1"),  # OverflowError in UTC
    pytest.param({"ends_at": "0001-01-01T08:59"}, "ends_at", id="end-date-year-1-morning"),
    pytest.param({"ends_at": "9999-12-31T23:59"}, "ends_at", id="end-date-year-9999"),
    pytest.param({"ends_at": "１２０２６-01-01T00:00"}, "ends_at", id="end-date-full-width"),
    pytest.param({"ends_at": LONG}, "ends_at", id="end-date-10000-chars"),
    pytest.param({"region": ".."}, "region", id="region-dotdot"),
    pytest.param({"region": "ap-northeast-１"}, "region", id="region-full-width-digit"),
    pytest.param({"region": LONG}, "region", id="region-10000-chars"),
    pytest.param({"region": NUL}, "region", id="region-nul"),
    pytest.param({"name": LONG}, "name", id="name-10000-chars"),
    pytest.param({"name": WIDE_LONG}, "name", id="name-10000-wide-chars"),
    pytest.param({"name": "a\x00b"}, "name", id="name-nul"),
    pytest.param({"name": "   "}, "name", id="name-blank"),
    pytest.param({"tutorial": LONG}, "tutorial", id="tutorial-10000-chars"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field"), CLASS_FORM_ATTACKS)
def test_class_create_form_turns_bad_input_into_a_form_error(client, instructor, overrides, field):
    client.force_login(instructor)
    response = client.post(reverse("classes:create"), _class_data(**overrides))
    _assert_form_error(response, field)
    assert not Classroom.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field"), CLASS_FORM_ATTACKS)
def test_class_edit_form_turns_bad_input_into_a_form_error(client, instructor, overrides, field):
    from tutorial.classes.services import classroom_create

    classroom = classroom_create(instructor=instructor, name="月曜", tutorial="aws-hands-on", region="ap-northeast-1")
    client.force_login(instructor)
    response = client.post(reverse("classes:edit", args=[classroom.pk]), _class_data(**overrides))
    _assert_form_error(response, field)
    classroom.refresh_from_db()
    assert (classroom.name, classroom.region, classroom.ends_at) == ("月曜", "ap-northeast-1", None)


@pytest.mark.django_db
def test_class_region_accepts_only_ascii_region_names(client, instructor):
    """`\\d` matches any Unicode digit: the region pattern is ASCII-only, so `ap-northeast-１` is refused."""
    from tutorial.classes.forms import ClassroomForm

    for region in ("ap-northeast-1", "us-gov-west-1", "eu-central-2"):
        assert ClassroomForm(_class_data(region=region)).is_valid(), region
    for region in ("ap-northeast-１", "ap-northeast-٣", "ａｐ-northeast-1", "ap-northeast-1\nx", "..", "xx-nowhere-1"):
        assert not ClassroomForm(_class_data(region=region)).is_valid(), region


# --- classes: joining ------------------------------------------------------------------------------------------


JOIN_CODES = [
    pytest.param(LONG, id="10000-chars"),
    pytest.param("ABC\x00DEF", id="nul"),
    pytest.param("..", id="dotdot"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("code", JOIN_CODES)
def test_join_form_turns_bad_codes_into_a_form_error(client, student, code):
    client.force_login(student)
    response = client.post(reverse("classes:join_form"), {"code": code})
    assert response.status_code in (200, 400, 404)
    assert 'role="alert"' in response.content.decode() or "errorlist" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("code", [pytest.param(LONG, id="10000-chars"), pytest.param("..", id="dotdot")])
def test_join_link_with_a_bad_code_is_a_not_found_page(client, student, code):
    client.force_login(student)
    response = client.get(f"/ja/classes/join/{code}/")
    assert response.status_code == 404


# --- learning: connecting AWS ----------------------------------------------------------------------------------


FULL_WIDTH_ARN = "arn:aws:iam::１２３４５６７８９０１２:role/handson-lab-access"
ROLE_ATTACKS = [
    pytest.param({"role_arn": FULL_WIDTH_ARN}, "role_arn", id="arn-full-width"),
    pytest.param({"role_arn": "arn:aws:iam::123456789012:role/ｈａｎｄｓｏｎ"}, "role_arn", id="arn-full-width-name"),
    pytest.param({"role_arn": "arn:aws:iam::123456789012:role/x\ny"}, "role_arn", id="arn-embedded-newline"),
    pytest.param({"role_arn": LONG}, "role_arn", id="arn-10000-chars"),
    pytest.param({"role_arn": "arn:aws:iam::123456789012:role/" + "a" * 10_000}, "role_arn", id="arn-10000-name"),
    pytest.param({"role_arn": "arn:aws:iam::123456789012:role/a\x00"}, "role_arn", id="arn-nul"),
    pytest.param({"region": ".."}, "region", id="region-dotdot"),
    pytest.param({"region": "../../etc"}, "region", id="region-path"),
    pytest.param({"region": LONG}, "region", id="region-10000-chars"),
    pytest.param({"region": NUL}, "region", id="region-nul"),
    pytest.param({"region": "ap-northeast-１"}, "region", id="region-full-width"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field"), ROLE_ATTACKS)
def test_role_connect_form_turns_bad_input_into_a_form_error(client, student, overrides, field, monkeypatch):
    """Refused by the form or the pattern, before any call to AWS (which would answer something else)."""
    monkeypatch.setattr("tutorial.learning.connections._identify", _no_aws_call)
    client.force_login(student)
    data = {"role_arn": "arn:aws:iam::123456789012:role/handson-lab-access", "region": "ap-northeast-1"}
    data.update(overrides)
    response = client.post(reverse("learning:connect_role"), data)
    _assert_form_error(response, field)
    assert not Connection.objects.filter(user=student, kind="role").exists()


KEYS_ATTACKS = [
    pytest.param({"access_key_id": "ＡＫＩＡ１２３４５６７８９０ＡＢＣＤ"}, "access_key_id", id="key-id-full-width"),
    pytest.param({"access_key_id": LONG}, "access_key_id", id="key-id-10000-chars"),
    pytest.param({"access_key_id": "AKIA\x001234567890AB"}, "access_key_id", id="key-id-nul"),
    pytest.param({"secret_access_key": LONG}, "secret_access_key", id="secret-10000-chars"),
    pytest.param({"secret_access_key": "s\x00"}, "secret_access_key", id="secret-nul"),
    pytest.param({"region": ".."}, "region", id="region-dotdot"),
    pytest.param({"region": LONG}, "region", id="region-10000-chars"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field"), KEYS_ATTACKS)
def test_keys_connect_form_turns_bad_input_into_a_form_error(client, student, overrides, field, monkeypatch):
    monkeypatch.setattr("tutorial.learning.connections._identify", _no_aws_call)
    client.force_login(student)
    data = {"access_key_id": "AKIA1234567890ABCDEF", "secret_access_key": "x" * 40, "region": "ap-northeast-1"}
    data.update(overrides)
    response = client.post(reverse("learning:connect_keys"), data)
    _assert_form_error(response, field)
    assert not Connection.objects.filter(user=student, kind="keys").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("region", ["..", LONG, NUL, "ap-northeast-１"])
def test_sandbox_connect_form_turns_bad_regions_into_a_form_error(client, student, region):
    """The sandbox form carries the region in a hidden field: its error must still be shown, not a bare 400."""
    client.force_login(student)
    response = client.post(reverse("learning:connect_sandbox"), {"region": region})
    body = _assert_form_error(response, "region")
    banner = body.split('id="sandbox-title"')[1].split("</section>")[0]
    assert 'role="alert"' in banner
    assert not Connection.objects.filter(user=student, validated_at__isnull=False).exists()


@pytest.mark.django_db
def test_role_arn_and_key_id_patterns_are_ascii_only_and_whole():
    from tutorial.learning.connections import ACCESS_KEY_ID_RE, ROLE_ARN_RE

    assert ROLE_ARN_RE.fullmatch("arn:aws:iam::123456789012:role/handson-lab-access")
    assert ROLE_ARN_RE.fullmatch("arn:aws-cn:iam::123456789012:role/path/to/Role_Name+=,.@-")
    assert not ROLE_ARN_RE.fullmatch("arn:aws:iam::１２３４５６７８９０１２:role/handson-lab-access")
    assert not ROLE_ARN_RE.fullmatch("arn:aws:iam::123456789012:role/ｈａｎｄｓｏｎ")
    assert not ROLE_ARN_RE.fullmatch("arn:aws:iam::123456789012:role/handson\n")
    assert not ACCESS_KEY_ID_RE.fullmatch("AKIA1234567890ABCDE\n")
    assert not ACCESS_KEY_ID_RE.fullmatch("ＡＫＩＡ1234567890ABCDEF")


# --- accounts --------------------------------------------------------------------------------------------------


SIGNUP_ATTACKS = [
    pytest.param({"username": LONG}, "username", id="username-10000-chars"),
    pytest.param({"username": "a\x00b"}, "username", id="username-nul"),
    pytest.param({"email": "a" * 10_000 + "@example.com"}, "email", id="email-10000-chars"),
    pytest.param({"email": "x@" + "a" * 300 + ".com"}, "email", id="email-over-254"),
    pytest.param({"email": "a\x00@example.com"}, "email", id="email-nul"),
    pytest.param({"password1": LONG, "password2": LONG}, "password1", id="password-10000-chars"),
    pytest.param({"password1": "pw\x00pw-Long-92", "password2": "pw\x00pw-Long-92"}, "password1", id="password-nul"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field"), SIGNUP_ATTACKS)
def test_signup_form_turns_bad_input_into_a_form_error(client, django_user_model, overrides, field):
    data = {"username": "ayumi", "email": "ayumi@example.com", "password1": "pl4in-Sailing-92"}
    data["password2"] = data["password1"]
    data.update(overrides)
    response = client.post(reverse("signup"), data)
    _assert_form_error(response, field)
    assert not django_user_model.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"username": LONG, "password": "x"}, id="username-10000-chars"),
        pytest.param({"username": "student", "password": LONG}, id="password-10000-chars"),
        pytest.param({"username": "a\x00", "password": "x"}, id="username-nul"),
    ],
)
def test_login_form_turns_bad_input_into_a_form_error(client, student, data):
    response = client.post(reverse("login"), data)
    _assert_form_error(response)


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["a" * 10_000 + "@example.com", "a\x00@example.com", ".."])
def test_password_reset_form_turns_bad_input_into_a_form_error(client, student, email, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": email})
    _assert_form_error(response, "email")
    assert mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "new",
    [pytest.param(LONG, id="10000-chars"), pytest.param("pw\x00pw-Long-92", id="nul")],
)
def test_password_change_form_turns_bad_input_into_a_form_error(client, student, password, new):
    client.force_login(student)
    data = {"old_password": password, "new_password1": new, "new_password2": new}
    response = client.post(reverse("password_change"), data)
    _assert_form_error(response, "new_password1")
    student.refresh_from_db()
    assert student.check_password(password)
