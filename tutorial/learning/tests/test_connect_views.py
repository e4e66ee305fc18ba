"""Connect AWS page: three choices, each validated on save, its message shown, secrets never shown back."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse
from django.utils.html import escape
from moto import mock_aws

from tutorial.learning import connections
from tutorial.learning.connections import ConnectionInvalid
from tutorial.learning.models import Connection

pytestmark = pytest.mark.django_db

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def test_connect_page_offers_the_three_choices_with_the_learners_external_id(student_client, student):
    response = student_client.get(reverse("learning:connect"))
    html = response.content.decode()
    assert response.status_code == 200
    for url in ("connect_sandbox", "connect_role", "connect_keys"):
        assert reverse(f"learning:{url}") in html
    external_id = Connection.objects.get(user=student).external_id
    assert external_id in html
    # No template bucket here: the console's "Create stack" page and the download with the ExternalId filled in
    # (the quick-create link needs S3: tests/test_real_aws_setup.py).
    assert "console.aws.amazon.com/cloudformation/home?region=ap-northeast-1#/stacks/create" in html
    assert reverse("learning:cloudformation_template") in html


def test_connect_sandbox_in_one_click(student_client, student, monkeypatch):
    monkeypatch.setattr(connections, "_identify", lambda spec: spec.sandbox_account)
    response = student_client.post(reverse("learning:connect_sandbox"), {"region": "ap-northeast-1"})
    assert response.status_code == 302
    connection = Connection.objects.get(user=student)
    assert connection.kind == "sandbox" and connection.is_connected
    page = student_client.get(response["Location"]).content.decode()
    assert connection.sandbox_account in page


def test_connect_sandbox_returns_to_next(student_client, monkeypatch):
    monkeypatch.setattr(connections, "_identify", lambda spec: spec.sandbox_account)
    step = "/ja/tutorials/aws-hands-on/load-balancer/"
    response = student_client.post(reverse("learning:connect_sandbox"), {"region": "ap-northeast-1", "next": step})
    assert response["Location"] == step


def test_connect_refuses_a_next_on_another_site(student_client, monkeypatch):
    monkeypatch.setattr(connections, "_identify", lambda spec: spec.sandbox_account)
    response = student_client.post(
        reverse("learning:connect_sandbox"), {"region": "ap-northeast-1", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("learning:connect")


@pytest.mark.parametrize("code", ["malformed_arn", "cannot_assume", "wrong_region", "no_provisioning_policy"])
def test_role_failure_shows_its_own_message(student_client, monkeypatch, code):
    def fail(**kwargs):
        raise ConnectionInvalid(code, region="xx-nowhere-1")

    monkeypatch.setattr("tutorial.learning.views.connection_save_role", fail)
    response = student_client.post(
        reverse("learning:connect_role"), {"role_arn": "arn:aws:iam::123456789012:role/x", "region": "ap-northeast-1"}
    )
    assert response.status_code == 400
    assert escape(ConnectionInvalid(code, region="xx-nowhere-1").message) in response.content.decode()


def test_malformed_arn_through_the_real_service(student_client):
    response = student_client.post(reverse("learning:connect_role"), {"role_arn": "nope", "region": "ap-northeast-1"})
    assert response.status_code == 400
    assert escape(ConnectionInvalid("malformed_arn").message) in response.content.decode()


@pytest.mark.parametrize("code", ["invalid_keys", "expired", "access_denied", "wrong_region"])
def test_keys_failure_shows_its_own_message_and_never_the_secret(student_client, monkeypatch, code):
    def fail(**kwargs):
        raise ConnectionInvalid(code, region="ap-northeast-1")

    monkeypatch.setattr("tutorial.learning.views.connection_save_keys", fail)
    response = student_client.post(
        reverse("learning:connect_keys"),
        {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": SECRET, "region": "ap-northeast-1"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert escape(ConnectionInvalid(code, region="ap-northeast-1").message) in html
    assert SECRET not in html


def test_connected_keys_are_never_shown_back(student_client, student):
    with mock_aws():
        response = student_client.post(
            reverse("learning:connect_keys"),
            {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": SECRET, "region": "ap-northeast-1"},
        )
    assert response.status_code == 302
    for url in (reverse("learning:connect"), "/ja/tutorials/aws-hands-on/load-balancer/"):
        html = student_client.get(url).content.decode()
        assert SECRET not in html
        assert "AKIAIOSFODNN7EXAMPLE" not in html


def test_sandbox_cli_credentials_are_shown_on_request_with_endpoint_url(student_client, student, monkeypatch, settings):
    settings.SITE_URL = "https://lab.example"
    monkeypatch.setattr(connections, "_identify", lambda spec: spec.sandbox_account)
    student_client.post(reverse("learning:connect_sandbox"), {"region": "ap-northeast-1"})
    assert (
        "aws configure set aws_secret_access_key"
        not in student_client.get(reverse("learning:connect")).content.decode()
    )
    response = student_client.post(reverse("learning:sandbox_credentials"))
    html = response.content.decode()
    key_id, secret = connections.connection_sandbox_credentials(connection=Connection.objects.get(user=student))
    assert f"aws configure set aws_access_key_id {key_id}" in html
    assert secret in html
    # The profile carries the endpoint, so no command can reach a real account by accident.
    assert "aws configure set endpoint_url https://lab.example/sandbox-aws/ --profile handson-sandbox" in html
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_sandbox_cli_blocks_have_the_reading_pages_copy_button(student_client, student, monkeypatch):
    monkeypatch.setattr(connections, "_identify", lambda spec: spec.sandbox_account)
    student_client.post(reverse("learning:connect_sandbox"), {"region": "ap-northeast-1"})
    html = student_client.post(reverse("learning:sandbox_credentials")).content.decode()
    assert html.count('<div class="code-block"><button type="button" class="copy-button" data-copy-button') == 2


def test_cloudformation_template_trusts_the_app_with_the_learners_external_id(student_client, student, settings):
    settings.AWS_APP_PRINCIPAL_ARN = "arn:aws:iam::999988887777:role/handson-app"
    response = student_client.get(reverse("learning:cloudformation_template"))
    document = yaml.safe_load(response.content)
    external_id = Connection.objects.get(user=student).external_id
    role = document["Resources"]["LabAccessRole"]["Properties"]
    statement = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::999988887777:role/handson-app"}
    assert statement["Condition"]["StringEquals"]["sts:ExternalId"] == {"Ref": "ExternalId"}
    assert document["Parameters"]["ExternalId"]["Default"] == external_id
    read_only = role["Policies"][0]["PolicyDocument"]["Statement"]
    actions = [a for s in read_only for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]
    assert "elasticloadbalancing:DescribeTargetHealth" in actions
    assert not any(a.split(":")[1].startswith(("Create", "Delete", "Run", "Terminate")) for a in actions)
    # The "do it for me" policy is a separate, opt-in resource.
    assert document["Resources"]["ProvisioningPolicy"]["Condition"] == "Provisioning"
    assert document["Parameters"]["AllowProvisioning"]["Default"] == "false"


def test_public_template_for_quick_create_has_no_learner_data(client):
    document = yaml.safe_load(client.get(reverse("learning:cloudformation_public")).content)
    assert "Default" not in document["Parameters"]["ExternalId"]
