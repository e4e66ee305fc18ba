"""The tutorial points into the sandbox console for a sandbox learner; real-AWS learners keep the AWS links."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tutorial.console.links import sandbox_console_html
from tutorial.learning.models import Connection

pytestmark = pytest.mark.django_db

STEP = "/ja/tutorials/aws-hands-on/load-balancer/"
AWS_LB_LINK = "https://ap-northeast-1.console.aws.amazon.com/ec2/v2/home?region=ap-northeast-1#LoadBalancers:sort=loadBalancerName"


def _connect(user, kind: str) -> None:
    Connection.objects.create(
        user=user,
        kind=kind,
        region="ap-northeast-1",
        sandbox_account="123456789012" if kind == "sandbox" else None,
        role_arn="arn:aws:iam::123456789012:role/handson-lab-access" if kind == "role" else "",
        account_id="123456789012",
        validated_at=timezone.now(),
    )


def test_a_sandbox_learners_console_links_open_the_sandbox_console(student, client):
    _connect(student, "sandbox")
    client.force_login(student)
    html = client.get(STEP).content.decode()

    assert AWS_LB_LINK not in html
    assert 'href="/ja/sandbox/console/load-balancers/" data-sandbox-console="LoadBalancers"' in html
    assert 'href="/ja/sandbox/console/target-groups/" data-sandbox-console="TargetGroups"' in html
    assert 'href="/ja/sandbox/console/security-groups/" data-sandbox-console="SecurityGroups"' in html
    assert "サンドボックスコンソール: ロードバランサー" in html


def test_figures_after_a_console_link_offer_to_try_it_there(student, client):
    _connect(student, "sandbox")
    client.force_login(student)
    html = client.get("/en" + STEP[3:]).content.decode()

    create_01 = html.index('id="figure-step5_lb_create_01"')
    offer = html.index("data-try-console", create_01)
    assert html.rindex("<a href=", 0, offer) > create_01
    assert '<a href="/en/sandbox/console/load-balancers/" data-try-console>Try it in the sandbox console</a>' in html
    sg_figure = html.index('id="figure-step5_security_group_03"')
    assert html.index('href="/en/sandbox/console/security-groups/" data-try-console', sg_figure) > sg_figure
    # The architecture diagram is not a console screen: no offer between it and the next section.
    architecture = html.index('id="figure-architecture"')
    assert "data-try-console" not in html[architecture : html.index('id="create-alb"')]


@pytest.mark.parametrize("kind", ["role", None])
def test_real_aws_learners_and_readers_keep_the_aws_links(student, client, kind):
    if kind:
        _connect(student, kind)
        client.force_login(student)
    html = client.get(STEP).content.decode()
    assert f'href="{AWS_LB_LINK}"' in html
    assert "data-sandbox-console" not in html and "data-try-console" not in html


def test_other_links_and_markup_are_left_exactly_as_they_were():
    source = (
        '<p><a href="https://docs.aws.amazon.com/x" rel="noopener noreferrer">docs</a></p>'
        '<p><a href="https://console.aws.amazon.com/ec2/home#Volumes:" rel="noopener noreferrer">v</a></p>'
        '<figure class="figure" id="figure-a"></figure>'
    )
    assert sandbox_console_html(source) == source


def test_a_link_with_its_own_text_keeps_the_text():
    source = (
        '<a href="https://ap-northeast-1.console.aws.amazon.com/ec2/home#TargetGroups:" rel="noopener noreferrer">'
        "the <b>list</b></a>"
    )
    assert sandbox_console_html(source).endswith('data-sandbox-console="TargetGroups">the <b>list</b></a>')


def test_the_connect_page_of_a_sandbox_learner_opens_the_console(student, client):
    _connect(student, "sandbox")
    client.force_login(student)
    html = client.get("/ja/learn/connect/").content.decode()
    assert '<a href="/ja/sandbox/console/" data-open-console>サンドボックスコンソールを開く</a>' in html
