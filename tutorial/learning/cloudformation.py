"""The CloudFormation template a learner deploys to let the app check (and, opted in, provision) their account.

It creates one IAM role that trusts the app's AWS principal (settings.AWS_APP_PRINCIPAL_ARN) only with the
learner's ExternalId, carrying the read-only policy the checks need; the "do it for me" policy is attached only
when the stack parameter AllowProvisioning is "true" (a separate, explicit opt-in).

Two versions exist: the learner's own (their ExternalId as the default, downloaded behind login) and a generic one
with no learner data. CloudFormation's quick-create link accepts a templateURL only from S3, so the generic one is
uploaded to CFN_TEMPLATE_BUCKET when that is set (`published_template_url`); without a bucket the connect page
gives the download and the console's "Upload a template file" steps, and no quick-create link.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from typing import Any
from urllib.parse import quote, urlencode

import yaml
from django.conf import settings

STACK_NAME = "handson-lab-access"
logger = logging.getLogger(__name__)

# Fallback read-only policy when the engine's `provisioning.iam.checks_policy_document()` is not available.
_CHECKS_ACTIONS = [
    "ec2:DescribeInstances",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "sts:GetCallerIdentity",
]

# What the recipes (prerequisites / solve / teardown) call. Only ever attached with AllowProvisioning=true.
PROVISIONING_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "HandsOnEc2",
            "Effect": "Allow",
            "Action": [
                "ec2:Describe*",
                "ec2:CreateSecurityGroup",
                "ec2:DeleteSecurityGroup",
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:RevokeSecurityGroupIngress",
                "ec2:AuthorizeSecurityGroupEgress",
                "ec2:RevokeSecurityGroupEgress",
                "ec2:ModifyInstanceAttribute",
                "ec2:RunInstances",
                "ec2:StartInstances",
                "ec2:StopInstances",
                "ec2:TerminateInstances",
                "ec2:CreateTags",
                "ec2:CreateDefaultVpc",
                "ec2:CreateDefaultSubnet",
                "ssm:GetParameter",
                "ssm:GetParameters",
            ],
            "Resource": "*",
        },
        {
            "Sid": "HandsOnLoadBalancing",
            "Effect": "Allow",
            "Action": [
                "elasticloadbalancing:Describe*",
                "elasticloadbalancing:CreateLoadBalancer",
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets",
                "elasticloadbalancing:CreateTargetGroup",
                "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:RegisterTargets",
                "elasticloadbalancing:DeregisterTargets",
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddTags",
            ],
            "Resource": "*",
        },
        {
            "Sid": "ServiceLinkedRoleForElb",
            "Effect": "Allow",
            "Action": "iam:CreateServiceLinkedRole",
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}},
        },
    ],
}


def checks_policy() -> dict[str, Any]:
    """The read-only policy the checks need (the engine's document when it provides one)."""
    try:
        from provisioning.iam import checks_policy_document

        return checks_policy_document()
    except (ImportError, AttributeError):
        return {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "HandsOnChecks", "Effect": "Allow", "Action": _CHECKS_ACTIONS, "Resource": "*"}],
        }


def provisioning_policy() -> dict[str, Any]:
    """The opt-in policy for "do it for me" (the recipes' own document when they export one)."""
    try:
        from provisioning.recipes import provisioning_policy_document

        return provisioning_policy_document()
    except (ImportError, AttributeError):
        return PROVISIONING_POLICY


def template_document(*, external_id: str | None) -> dict[str, Any]:
    """The template as a dict. With `external_id`, it is the parameter's default (the learner's own download)."""
    external_param: dict[str, Any] = {
        "Type": "String",
        "MinLength": 8,
        "Description": "Your ExternalId, shown on the app's Connect AWS page (keeps other apps from using this role).",
    }
    if external_id:
        external_param["Default"] = external_id
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "AWS hands-on lab: a role the lab app assumes to check your work (read-only), "
        "and optionally to build it for you (AllowProvisioning=true).",
        "Parameters": {
            "ExternalId": external_param,
            "AllowProvisioning": {
                "Type": "String",
                "AllowedValues": ["false", "true"],
                "Default": "false",
                "Description": "true also lets the app create and delete the tutorial's resources (do it for me).",
            },
        },
        "Conditions": {"Provisioning": {"Fn::Equals": [{"Ref": "AllowProvisioning"}, "true"]}},
        "Resources": {
            "LabAccessRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "Description": "Assumed by the AWS hands-on lab app to check the tutorial's resources",
                    "MaxSessionDuration": 3600,
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": settings.AWS_APP_PRINCIPAL_ARN},
                                "Action": "sts:AssumeRole",
                                "Condition": {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}},
                            }
                        ],
                    },
                    "Policies": [{"PolicyName": "handson-checks-read-only", "PolicyDocument": checks_policy()}],
                },
            },
            "ProvisioningPolicy": {
                "Type": "AWS::IAM::RolePolicy",
                "Condition": "Provisioning",
                "Properties": {
                    "RoleName": {"Ref": "LabAccessRole"},
                    "PolicyName": "handson-do-it-for-me",
                    "PolicyDocument": provisioning_policy(),
                },
            },
        },
        "Outputs": {
            "RoleArn": {
                "Description": "Paste this on the app's Connect AWS page",
                "Value": {"Fn::GetAtt": ["LabAccessRole", "Arn"]},
            }
        },
    }


def template_yaml(*, external_id: str | None) -> str:
    return yaml.safe_dump(template_document(external_id=external_id), sort_keys=False, allow_unicode=True)


def quick_create_url(*, template_url: str, external_id: str, region: str, allow_provisioning: bool = False) -> str:
    """The console link that opens "Quick create stack" with the template and the learner's ExternalId filled in."""
    fragment = "/stacks/quickcreate?" + urlencode(
        {
            "templateURL": template_url,
            "stackName": STACK_NAME,
            "param_ExternalId": external_id,
            "param_AllowProvisioning": "true" if allow_provisioning else "false",
        },
        quote_via=quote,
    )
    return f"https://console.aws.amazon.com/cloudformation/home?region={quote(region)}#{fragment}"


# --- the quick-create link: CloudFormation takes a templateURL only from S3 -------------------------------------

TEMPLATE_PREFIX = "handson-lab-access/"
_RETRY_AFTER = 300  # seconds before trying S3 again after a failed upload (the page must not wait on it each time)
_published: dict[tuple[str, str], float] = {}  # (bucket, key) -> 0.0 when uploaded, else when it last failed
_publish_lock = threading.Lock()


def _s3_client():
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=3, read_timeout=5, retries={"max_attempts": 1})
    return boto3.client("s3", region_name=settings.CFN_TEMPLATE_BUCKET_REGION, config=config)


def published_template_url() -> str | None:
    """The S3 URL of the shared template (no learner data: the ExternalId is a parameter), uploaded once per
    content and bucket; None when no bucket is configured or the upload failed (the page then offers download and
    upload steps instead of a link that cannot work). The key carries a hash of the content, so a changed template
    (a new app principal, a new policy) is a new object and a cached old one is never served."""
    bucket = settings.CFN_TEMPLATE_BUCKET
    if not bucket:
        return None
    body = template_yaml(external_id=None).encode()
    key = f"{TEMPLATE_PREFIX}{hashlib.sha256(body).hexdigest()[:16]}.yaml"
    region = settings.CFN_TEMPLATE_BUCKET_REGION
    url = f"https://{bucket}.s3.{region}.amazonaws.com/{key}"
    with _publish_lock:
        state = _published.get((bucket, key))
        if state == 0.0:
            return url
        if state is not None and time.monotonic() - state < _RETRY_AFTER:
            return None
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            _s3_client().put_object(Bucket=bucket, Key=key, Body=body, ContentType="text/yaml")
        except (BotoCoreError, ClientError) as exc:
            # The error's class only: its text can quote request details.
            logger.warning(
                "could not upload the CloudFormation template to s3://%s/%s: %s", bucket, key, type(exc).__name__
            )
            _published[(bucket, key)] = time.monotonic()
            return None
        _published[(bucket, key)] = 0.0
    return url
