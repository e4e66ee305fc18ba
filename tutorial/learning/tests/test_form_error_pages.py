"""Forms sent back with errors come back as an HTML page (status 400), each error shown once."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["connect_role", "connect_keys"])
def test_connect_form_with_missing_fields_comes_back_as_html_with_status_400(student_client, name):
    response = student_client.post(reverse(f"learning:{name}"), {})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert 'class="errorlist' in response.content.decode()


def test_failed_login_shows_its_message_once(client, student):
    response = client.post(reverse("login"), {"username": student.username, "password": "not-the-password"})
    html = response.content.decode()
    assert response.status_code == 200
    message = html.split('role="alert">', 1)[1].split("</div>", 1)[0].strip()
    assert message
    assert html.count(message) == 1
