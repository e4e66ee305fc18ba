"""The ALB's page from the step text: where the tutorial says to open the DNS name in a browser, a sandbox learner
gets a link to the page their own sandbox ALB serves (or its 502/503/504), through the sandbox data plane."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from provisioning.recipes import run_recipe
from provisioning.sandbox import spec_for
from provisioning.sandbox.testing import sandbox_server  # noqa: F401 - fixture
from tutorial.console.links import sandbox_console_html
from tutorial.console.tests.support import connect

pytestmark = pytest.mark.django_db
OPEN = "/ja/sandbox/console/load-balancers/aws-hands-on/open/"


@pytest.fixture(autouse=True)
def _japanese():
    translation.activate("ja")
    yield
    translation.activate("ja")


def _figure(html: str, name: str) -> str:
    start = html.index(f'id="figure-{name}"')
    return html[start : html.index("</figure>", start)]


@pytest.mark.parametrize(
    ("step", "figure"), [("load-balancer", "step5_lb_load_balancer_02"), ("redundancy", "step6_browser_still_served")]
)
def test_the_browser_figure_links_a_sandbox_learner_to_their_own_albs_page(client, student, step, figure):
    connect(student)
    client.force_login(student)
    html = client.get(f"/ja/tutorials/aws-hands-on/{step}/").content.decode()
    found = _figure(html, figure)
    assert f'<a href="{OPEN}" data-alb-page target="_blank" rel="noopener">' in found
    assert "サンドボックスのロードバランサーの DNS 名（aws-hands-on）をブラウザで開く" in found
    assert html.count("data-alb-page") == 1  # only where the tutorial says to open it


def test_a_real_aws_learner_keeps_the_tutorial_as_it_is(client, student):
    connect(student, kind="role")
    client.force_login(student)
    html = client.get("/ja/tutorials/aws-hands-on/load-balancer/").content.decode()
    assert "data-alb-page" not in html
    assert 'data-shows="alb-page"' in html  # the figure says what it shows; nothing else changes
    # The tutorial's own words, as the seed has them.
    assert (
        "説明タブにある <code>DNS名</code> を使って、ブラウザからアクセスしてみると、Django のページが見れるはず"
        in html
    )


def test_a_figure_that_shows_no_alb_page_gets_no_link():
    source = (
        '<figure class="figure" id="figure-a"></figure>'
        '<figure class="figure" id="figure-b" data-shows="alb-page"></figure>'
    )
    out = str(sandbox_console_html(source, load_balancer="my-alb"))
    assert out.count("data-alb-page") == 1
    assert re.search(
        r'id="figure-b" data-shows="alb-page"><p class="figure-console-link"><a href="[^"]*/my-alb/open/"', out
    )
    assert str(sandbox_console_html(source)) == source  # no load balancer named: left alone


@pytest.mark.sandbox
def test_the_link_shows_the_learners_own_alb_and_another_learners_name_is_not_found(
    sandbox_server,  # noqa: F811
    student,
    other_student,
    client,
):
    mine = connect(student)
    spec = spec_for(mine.sandbox_account, "ap-northeast-1")
    assert run_recipe(spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
    assert run_recipe(spec, "solve", tutorial="aws-hands-on", step="load-balancer").ok
    client.force_login(student)
    page = client.get(OPEN)
    assert page.status_code == 200 and "The install worked successfully!" in page.content.decode()
    assert "sandbox" in page["Content-Security-Policy"]

    # The same name from another learner's account: their sandbox has no such ALB.
    connect(other_student)
    other = Client()
    other.force_login(other_student)
    response = other.get(OPEN)
    assert response.status_code == 404
    assert "The install worked successfully!" not in response.content.decode()


@pytest.mark.sandbox
def test_the_link_shows_the_albs_own_503_when_no_target_is_healthy(sandbox_server, student, client):  # noqa: F811
    from provisioning.sessions import client_for, session_for

    mine = connect(student)
    spec = spec_for(mine.sandbox_account, "ap-northeast-1")
    assert run_recipe(spec, "prerequisites", tutorial="aws-hands-on", step="load-balancer").ok
    assert run_recipe(spec, "solve", tutorial="aws-hands-on", step="load-balancer").ok
    ec2 = client_for(session_for(spec), "ec2", spec)
    iid = ec2.describe_instances(Filters=[{"Name": "tag:CodeDeploy", "Values": ["aws-hands-on"]}])["Reservations"][0][
        "Instances"
    ][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[iid])
    client.force_login(student)
    page = client.get(OPEN)
    assert page.status_code == 503 and "503" in page.content.decode()
