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


def test_role_refused_because_the_app_has_no_aws_identity_says_so_not_wrong_keys(student, monkeypatch):
    from provisioning.errors import CredentialsProblem
    from tutorial.learning import connections
    from tutorial.learning.connections import ConnectionInvalid

    def no_identity(*args, **kwargs):
        raise CredentialsProblem("NoCredentialsError")

    monkeypatch.setattr("provisioning.sessions.session_for", no_identity)
    with pytest.raises(ConnectionInvalid) as info:
        connections.connection_save_role(
            user=student, role_arn="arn:aws:iam::123456789012:role/handson-lab-access", region="ap-northeast-1"
        )
    assert info.value.code == "app_credentials"


def test_unknown_page_answers_404_in_the_sites_layout(client, settings):
    settings.DEBUG = False
    response = client.get("/en/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html
    assert 'class="site-header"' in html


def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "問題が発生しました" in html


def test_login_from_a_class_join_link_says_it_leads_to_the_class(client):
    response = client.get(reverse("login") + "?next=/ja/classes/join/ABCDEF1234/")
    assert "/classes/join/ABCDEF1234/" in response.content.decode()
    assert 'class="lc-banner" role="status"' in response.content.decode()


def test_nav_offers_sign_up_to_visitors_and_password_change_to_learners(client, student):
    visitor = client.get(reverse("tutorial:home")).content.decode()
    assert reverse("signup") + "?next=" in visitor
    client.force_login(student)
    learner = client.get(reverse("tutorial:home")).content.decode()
    assert 'href="' + reverse("password_change") + '"' in learner


def test_nav_login_from_an_account_page_does_not_come_back_to_it(client):
    html = client.get(reverse("password_reset")).content.decode()
    assert "?next=" + reverse("password_reset") not in html
    assert "?next=" + reverse("tutorial:home") in html
