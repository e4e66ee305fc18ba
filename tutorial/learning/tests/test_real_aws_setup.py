"""Connecting a real AWS account works against real AWS: a quick-create link only to a template in S3, otherwise
download-and-upload steps; the placeholder principal never reaches production; the app can tell its own identity."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
import pytest
import yaml
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import reverse
from moto import mock_aws

from tutorial.learning import cloudformation
from tutorial.learning.models import Connection

ROOT = Path(__file__).resolve().parents[3]
BUCKET = "lab-templates-example"


@pytest.fixture(autouse=True)
def _forget_uploads():
    cloudformation._published.clear()
    yield
    cloudformation._published.clear()


def _connect_page(client, lang="ja") -> str:
    return client.get(f"/{lang}/learn/connect/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_without_a_template_bucket_there_is_no_quick_create_link_but_upload_steps(student_client, settings, lang):
    settings.CFN_TEMPLATE_BUCKET = ""
    html = _connect_page(student_client, lang)
    assert "quickcreate" not in html and "data-quick-create" not in html
    assert "data-upload-steps" in html
    assert reverse("learning:cloudformation_template") in html  # the download
    assert "#/stacks/create" in html
    expected = {"ja": "テンプレートファイルのアップロード", "en": "Upload a template file"}[lang]
    assert expected in html


@pytest.mark.django_db
def test_with_a_template_bucket_the_app_uploads_the_template_and_links_quick_create_to_s3(
    student_client, student, settings
):
    settings.CFN_TEMPLATE_BUCKET = BUCKET
    settings.CFN_TEMPLATE_BUCKET_REGION = "ap-northeast-1"
    settings.AWS_APP_PRINCIPAL_ARN = "arn:aws:iam::999988887777:role/handson-app"
    with mock_aws():
        s3 = boto3.client("s3", region_name="ap-northeast-1")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
        html = _connect_page(student_client)
        _connect_page(student_client)  # a second page view does not upload again
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
        (key,) = keys
        stored = yaml.safe_load(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    assert key.startswith("handson-lab-access/") and key.endswith(".yaml")
    assert "Default" not in stored["Parameters"]["ExternalId"]  # shared: no learner's data in it
    principal = stored["Resources"]["LabAccessRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert principal["Principal"] == {"AWS": "arn:aws:iam::999988887777:role/handson-app"}
    link = next(part.split('"')[0] for part in html.split('href="')[1:] if "quickcreate" in part)
    fragment = parse_qs(urlsplit(unquote(link.replace("&amp;", "&"))).fragment.split("?", 1)[1])
    assert fragment["templateURL"] == [f"https://{BUCKET}.s3.ap-northeast-1.amazonaws.com/{key}"]
    assert fragment["param_ExternalId"] == [Connection.objects.get(user=student).external_id]  # a parameter
    assert "data-upload-steps" not in html


@pytest.mark.django_db
def test_when_the_upload_fails_the_page_gives_the_upload_steps_instead_of_a_broken_link(student_client, settings):
    settings.CFN_TEMPLATE_BUCKET = "no-such-bucket-here"
    with mock_aws():
        html = _connect_page(student_client)
    assert "quickcreate" not in html and "data-upload-steps" in html


@pytest.mark.django_db
def test_the_template_key_changes_with_its_content(settings):
    settings.CFN_TEMPLATE_BUCKET = BUCKET
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings.CFN_TEMPLATE_BUCKET_REGION = "us-east-1"
        first = cloudformation.published_template_url()
        settings.AWS_APP_PRINCIPAL_ARN = "arn:aws:iam::444455556666:role/another-app"
        second = cloudformation.published_template_url()
    assert first and second and first != second


@pytest.mark.django_db
def test_without_an_app_principal_role_connections_show_as_not_configured(student_client, settings):
    settings.AWS_ROLE_CONNECTIONS_CONFIGURED = False
    html = _connect_page(student_client, "en")
    assert 'data-roles="not-configured"' in html and "quickcreate" not in html
    response = student_client.post(
        reverse("learning:connect_role"),
        {"role_arn": "arn:aws:iam::210987654321:role/handson-lab-access", "region": "ap-northeast-1"},
    )
    assert response.status_code == 400
    assert "not set up on this site" in response.content.decode()


def _settings_with(**env: str) -> subprocess.CompletedProcess:
    base = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "AWS_APP_PRINCIPAL_ARN", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    base.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        **env,
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s; print(s.AWS_ROLE_CONNECTIONS_CONFIGURED)"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60)


def test_with_debug_off_the_placeholder_principal_refuses_to_start():
    proc = _settings_with(DEBUG="false", AWS_APP_PRINCIPAL_ARN="arn:aws:iam::111122223333:root")
    assert proc.returncode != 0 and "AWS_APP_PRINCIPAL_ARN is the documentation placeholder" in proc.stderr


def test_with_debug_off_and_no_principal_role_connections_are_not_configured():
    proc = _settings_with(DEBUG="false")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
    assert (
        _settings_with(DEBUG="false", AWS_APP_PRINCIPAL_ARN="arn:aws:iam::999988887777:role/app").stdout.strip()
        == "True"
    )


def test_aws_identity_prints_the_apps_own_principal_for_the_trust_policy():
    out = io.StringIO()
    with mock_aws():
        call_command("aws_identity", "--json", stdout=out)
    identity = json.loads(out.getvalue())
    assert identity["Account"] == "123456789012"
    assert identity["Arn"].startswith("arn:aws:sts::123456789012:")
    assert identity["AWS_APP_PRINCIPAL_ARN"].startswith("arn:aws:iam::123456789012:")
