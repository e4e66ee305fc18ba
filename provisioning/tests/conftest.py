"""Fixtures for the verification engine's tests: moto in-process and the complete Step 5 state."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from provisioning.tests.builders import build_step5_state


@pytest.fixture
def moto_aws():
    with mock_aws():
        yield


@pytest.fixture
def step5_state(moto_aws) -> dict:
    return build_step5_state(boto3.Session(region_name="ap-northeast-1"))
