"""The sandbox console's pages: who may use them, each screen's action through the learner's own sandbox session,
AWS's own errors shown, POST + CSRF for every change. The sandbox runs in threads (moto server + data plane)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from provisioning.console import Console
from provisioning.recipes import run_recipe
from provisioning.sandbox import spec_for
from provisioning.sandbox.testing import sandbox_server  # noqa: F401 - fixture
from provisioning.sessions import session_for
from tutorial.console.tests.support import connect

pytestmark = [pytest.mark.django_db, pytest.mark.sandbox]


@pytest.fixture(autouse=True)
def _japanese():
    # The test client's LocaleMiddleware leaves the last request's language active; reverse() in Japanese.
    translation.activate("ja")
    yield
    translation.activate("ja")


def _console(account: str) -> Console:
    spec = spec_for(account, "ap-northeast-1")
    return Console(session_for(spec), region=spec.region, endpoint_url=spec.endpoint_url)


def _prepared(user, client: Client) -> Client:
    """`client` signed in as `user`, whose sandbox account (`client.account`) is in Step 5's starting state (Prepare
    pressed)."""
    connection = connect(user)
    assert run_recipe(
        spec_for(connection.sandbox_account, "ap-northeast-1"),
        "prerequisites",
        tutorial="aws-hands-on",
        step="load-balancer",
    ).ok
    client.force_login(user)
    client.account = connection.sandbox_account
    return client


@pytest.fixture
def learner(sandbox_server, student, client):  # noqa: F811
    """A signed-in student whose sandbox account is in Step 5's starting state (Prepare pressed)."""
    return _prepared(student, client)


def _url(view: str, **kwargs) -> str:
    return reverse(f"console:{view}", kwargs=kwargs or None)


def _instance_id(account: str) -> str:
    return _console(account).instances()[0].id


def _group_id(account: str, name: str) -> str:
    return next(g.id for g in _console(account).security_groups() if g.name == name)


# --- who may use it -------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/ja/sandbox/console/instances/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_learner_without_a_connection_is_sent_to_connect_and_back(student, client):
    client.force_login(student)
    response = client.get("/en/sandbox/console/load-balancers/")
    assert response.status_code == 302
    assert response["Location"] == "/en/learn/connect/?next=%2Fen%2Fsandbox%2Fconsole%2Fload-balancers%2F"


def test_a_real_aws_learner_is_told_to_use_the_aws_console(student, client):
    connect(student, kind="role")
    client.force_login(student)
    response = client.get("/en/sandbox/console/")
    assert response.status_code == 403
    assert b'data-console-unavailable="real_aws"' in response.content


def test_when_the_sandbox_is_down_the_page_says_so_without_an_error(student, client, settings):
    connect(student)
    settings.SANDBOX_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    client.force_login(student)
    response = client.get("/ja/sandbox/console/instances/")
    assert response.status_code == 503
    assert b'data-console-unavailable="sandbox_down"' in response.content


def test_another_learners_instance_is_not_found_in_my_console(learner, sandbox_server, other_student):  # noqa: F811
    mine = _instance_id(learner.account)
    other = _prepared(other_student, Client())

    response = other.get(_url("instance", instance_id=mine))

    assert response.status_code == 404
    assert b"InvalidInstanceID.NotFound" in response.content
    listed = other.get(_url("instances")).content.decode()
    assert mine not in listed and _instance_id(other.account) in listed


def test_every_change_is_a_csrf_protected_post(learner, student):
    instance = _instance_id(learner.account)
    assert learner.get(_url("instance_state", instance_id=instance)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(student)
    response = strict.post(_url("instance_state", instance_id=instance), {"action": "stop"})
    assert response.status_code == 403
    assert _console(learner.account).instance(instance).state == "running"


# --- instances ------------------------------------------------------------------------------------------------------


def test_instances_list_in_japanese_with_the_console_columns(learner):
    html = learner.get("/ja/sandbox/console/instances/").content.decode()
    for label in ("インスタンス ID", "インスタンスの状態", "アベイラビリティーゾーン", "パブリック IPv4 アドレス"):
        assert label in html
    assert 'data-state="running"' in html and "aws-hands-on-ec2" in html


def test_a_console_write_is_announced_like_a_gateway_write(learner, monkeypatch):
    from provisioning.sandbox.signals import account_changed

    heard = []

    def receiver(sender, **kwargs):
        heard.append(kwargs)

    account_changed.connect(receiver, dispatch_uid="console-test")
    try:
        learner.post(_url("instance_state", instance_id=_instance_id(learner.account)), {"action": "stop"})
        learner.get(_url("instances"))
    finally:
        account_changed.disconnect(dispatch_uid="console-test")
    assert heard == [
        {"account": learner.account, "service": "console", "action": "instance_state", "signal": account_changed}
    ]


def test_stop_and_start_from_the_instance_page(learner):
    instance = _instance_id(learner.account)
    response = learner.post(_url("instance_state", instance_id=instance), {"action": "stop"})
    assert response.status_code == 302
    assert _console(learner.account).instance(instance).state == "stopped"
    page = learner.get(_url("instance", instance_id=instance)).content.decode()
    assert 'value="stop" class="cs-menu-item" disabled' in page and 'value="start" class="cs-menu-item">' in page
    learner.post(_url("instance_state", instance_id=instance), {"action": "start"})
    assert _console(learner.account).instance(instance).state == "running"


def test_launch_more_like_this_into_a_chosen_subnet(learner):
    console = _console(learner.account)
    first = console.instances()[0]
    subnet = next(s for s in console.subnets(first.vpc_id) if s.zone != first.zone)
    page = learner.get(_url("launch_more", instance_id=first.id)).content.decode()
    assert subnet.id in page

    assert f'<option value="{subnet.id}" selected>' in page  # another AZ than the source's is proposed

    response = learner.post(_url("launch_more", instance_id=first.id), {"subnet": subnet.id, "name": "aws-hands-on-2"})

    assert response.status_code == 302
    second = next(i for i in console.instances() if i.id != first.id)
    assert (second.zone, second.name, dict(second.tags)["CodeDeploy"]) == (
        subnet.zone,
        "aws-hands-on-2",
        "aws-hands-on",
    )


def test_register_targets_through_the_pending_list(learner):
    console = _console(learner.account)
    first = console.instances()[0]
    subnet = next(s for s in console.subnets(first.vpc_id) if s.zone != first.zone)
    second = console.launch_more_like_this(first.id, subnet_id=subnet.id)
    from provisioning.console import TargetGroupSpec

    tg = console.create_target_group(TargetGroupSpec(name="tg", vpc_id=first.vpc_id, port=8000))
    url = _url("register_targets", name="tg")

    listed = learner.post(url, {"instances": [first.id, second], "port": "8000", "action": "pending"})
    assert listed.status_code == 200
    html = listed.content.decode()
    assert f'data-pending-target="{first.id}:8000"' in html and f'data-pending-target="{second}:8000"' in html
    assert console.targets(tg.arn) == []  # pending only
    removed = learner.post(
        url, {"pending": [f"{first.id}:8000", f"{second}:8000"], "remove_pending": f"{first.id}:8000"}
    )
    assert f'data-pending-target="{first.id}:8000"' not in removed.content.decode()

    done = learner.post(url, {"pending": [f"{second}:8000", "i-0notmine:8000"], "action": "register_pending"})

    assert done.status_code == 302
    assert [(t.id, t.port) for t in console.targets(tg.arn)] == [(second, 8000)]


def test_a_sandbox_quota_is_aws_own_error_on_the_launch_page(learner):
    console = _console(learner.account)
    first = console.instances()[0]
    for _ in range(9):  # the sandbox allows 10 instances per account
        console.launch_more_like_this(first.id, subnet_id=first.subnet_id)

    response = learner.post(_url("launch_more", instance_id=first.id), {"subnet": first.subnet_id})

    assert response.status_code == 400
    assert b'data-aws-error="InstanceLimitExceeded"' in response.content
    assert len(console.instances()) == 10


# --- security groups ------------------------------------------------------------------------------------------------


def _rows(*rows: dict) -> dict:
    """POST data of the rule editor: parallel lists, one entry per row."""
    columns = ("rule_type", "port_range", "source_type", "cidr", "source_group", "rule_description")
    return {c: [r.get(c, "") for r in rows] for c in columns}


def test_create_security_group_with_an_http_rule(learner):
    console = _console(learner.account)
    data = {"name": "aws-hands-on-alb", "description": "alb", "vpc": console.default_vpc_id(), "save": "1"}
    data.update(_rows({"rule_type": "http", "source_type": "anywhere-ipv4"}))

    response = learner.post(_url("security_group_create"), data)

    group_id = _group_id(learner.account, "aws-hands-on-alb")
    assert response.status_code == 302 and response["Location"].endswith(f"/{group_id}/")
    assert [r.key() for r in console.security_group(group_id).inbound] == [("tcp", 80, 80, "cidr4", "0.0.0.0/0")]


def test_a_duplicate_group_name_shows_aws_own_error(learner):
    data = {"name": "aws-hands-on-ec2", "description": "again", "vpc": _console(learner.account).default_vpc_id()}
    data["save"] = "1"
    response = learner.post("/en/sandbox/console/security-groups/create/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-aws-error="InvalidGroup.Duplicate"' in html
    assert "aws-hands-on-ec2" in html and "already exists" in html


def test_add_rule_and_delete_buttons_change_the_rows_without_saving(learner):
    group_id = _group_id(learner.account, "aws-hands-on-ec2")
    url = _url("inbound_rules", group_id=group_id)
    page = learner.get(url).content.decode()
    assert page.count("data-rule-row=") == 3

    rows = _rows(
        *[{"rule_type": "custom-tcp", "port_range": str(p), "source_type": "anywhere-ipv4"} for p in (80, 8000)]
    )
    added = learner.post(url, {**rows, "add_rule": "1"}).content.decode()
    deleted = learner.post(url, {**rows, "delete_row": "0"}).content.decode()

    assert added.count("data-rule-row=") == 3
    assert deleted.count("data-rule-row=") == 1 and 'value="8000"' in deleted
    assert len(_console(learner.account).security_group(group_id).inbound) == 3  # nothing saved


def test_save_inbound_rules_with_the_alb_group_as_source(learner):
    console = _console(learner.account)
    alb = console.create_security_group(name="aws-hands-on-alb", description="alb", vpc_id=console.default_vpc_id())
    group_id = _group_id(learner.account, "aws-hands-on-ec2")
    assert f"{alb} / aws-hands-on-alb" in learner.get(_url("inbound_rules", group_id=group_id)).content.decode()

    response = learner.post(
        _url("inbound_rules", group_id=group_id),
        {**_rows({"rule_type": "custom-tcp", "port_range": "8000", "source_group": alb}), "save": "1"},
    )

    assert response.status_code == 302
    [rule] = console.security_group(group_id).inbound
    assert rule.key() == ("tcp", 8000, 8000, "sg", alb)
    detail = learner.get(response["Location"]).content.decode()
    assert "aws-hands-on-alb" in detail and "インバウンドルールを編集" in detail


@pytest.mark.parametrize(
    "row, message",
    [
        ({"rule_type": "custom-tcp", "port_range": "80000", "source_type": "anywhere-ipv4"}, "port"),
        ({"rule_type": "custom-tcp", "port_range": "8000", "cidr": "10.0.0.999/8"}, "CIDR"),
        ({"rule_type": "custom-tcp", "port_range": "8000", "source_group": "sg-0notmine"}, "security group"),
    ],
)
def test_a_wrong_row_is_explained_and_nothing_is_saved(learner, row, message):
    group_id = _group_id(learner.account, "aws-hands-on-ec2")
    response = learner.post(f"/en/sandbox/console/security-groups/{group_id}/inbound/", {**_rows(row), "save": "1"})
    assert response.status_code == 400
    assert re.search(r'class="cs-field-error" role="alert">[^<]*' + message, response.content.decode())
    assert len(_console(learner.account).security_group(group_id).inbound) == 3


# --- target groups and the load balancer ------------------------------------------------------------------------------


def test_alb_wizard_keeps_the_form_while_creating_a_group_and_a_target_group(learner):
    console = _console(learner.account)
    vpc = console.default_vpc_id()
    zones = {}
    for subnet in console.subnets(vpc):
        zones.setdefault(subnet.zone, subnet.id)
    form = {"name": "aws-hands-on", "scheme": "internet-facing", "ip_address_type": "ipv4", "vpc": vpc}
    form.update({f"zone_{z}": "on" for z in zones} | {f"subnet_{z}": s for z, s in zones.items()})
    form["listener_port"] = "80"

    # "Create new security group": away and back, the typed name kept and the new group ticked.
    away = learner.post(_url("load_balancer_create"), {**form, "goto": "security_group"})
    assert away.status_code == 302 and away["Location"].startswith(_url("security_group_create"))
    sg_form = {"name": "aws-hands-on-alb", "description": "alb", "vpc": vpc, "next": _url("load_balancer_create")}
    sg_form.update(_rows({"rule_type": "http", "source_type": "anywhere-ipv4"}), save="1")
    back = learner.post(_url("security_group_create"), sg_form)
    alb_sg = _group_id(learner.account, "aws-hands-on-alb")
    assert back["Location"] == f"{_url('load_balancer_create')}?sg={alb_sg}"
    page = learner.get(back["Location"]).content.decode()
    assert 'value="aws-hands-on"' in page and re.search(rf'value="{alb_sg}"[^>]*checked', page)

    # "Create target group" -> register targets -> back to the load balancer form.
    draft = {**form, "security_groups": alb_sg}
    away = learner.post(_url("load_balancer_create"), {**draft, "goto": "target_group"})
    tg_form = {
        "target_type": "instance",
        "name": "aws-hands-on",
        "protocol": "HTTP",
        "port": "8000",
        "vpc": vpc,
        "health_check_protocol": "HTTP",
        "health_check_path": "/healthcheck",
        "next": _url("load_balancer_create"),
    }
    created = learner.post(_url("target_group_create"), tg_form)
    register_url = created["Location"]
    assert register_url.startswith(_url("register_targets", name="aws-hands-on"))
    instance = _instance_id(learner.account)
    registered = learner.post(
        register_url, {"instances": [instance], "port": "8000", "next": tg_form["next"] + "?tg=x"}
    )
    assert registered.status_code == 302
    tg = console.target_group("aws-hands-on")
    assert [(t.id, t.port) for t in console.targets(tg.arn)] == [(instance, 8000)]

    # Create: the ALB with three AZs, its group, and HTTP:80 forwarding to the target group.
    response = learner.post(_url("load_balancer_create"), {**draft, "target_group": tg.arn, "create": "1"})
    assert response.status_code == 302
    lb = console.load_balancer("aws-hands-on")
    assert len(lb.zones) == len(zones) and [g.id for g in lb.security_groups] == [alb_sg]
    listeners = learner.get(_url("load_balancer", name="aws-hands-on") + "?tab=listeners").content.decode()
    assert 'data-listener="HTTP:80"' in listeners and 'data-forward-to="aws-hands-on"' in listeners
    assert "転送先" in listeners

    # The targets tab: healthy (the instance group still lets 8000 in from everywhere).
    targets = learner.get(_url("target_group", name="aws-hands-on")).content.decode()
    assert 'data-target-state="healthy"' in targets

    # The DNS name opens what a browser would get: the app's page, unable to run anything.
    opened = learner.get(_url("load_balancer_open", name="aws-hands-on"))
    assert opened.status_code == 200
    assert "The install worked successfully!" in opened.content.decode()
    assert "sandbox" in opened["Content-Security-Policy"]


def test_alb_form_errors_are_explained_and_nothing_is_created(learner):
    console = _console(learner.account)
    vpc = console.default_vpc_id()
    zone = console.subnets(vpc)[0]
    data = {"name": "-bad-", "scheme": "internet-facing", "ip_address_type": "ipv4", "vpc": vpc, "listener_port": "80"}
    data.update({f"zone_{zone.zone}": "on", f"subnet_{zone.zone}": zone.id, "create": "1"})
    response = learner.post("/en/sandbox/console/load-balancers/create/application/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "at least two Availability Zones" in html and "32 letters" in html
    assert console.load_balancers() == []


def test_unhealthy_target_shows_aws_reason_and_the_dns_name_a_504(learner):
    console = _console(learner.account)
    vpc = console.default_vpc_id()
    from provisioning.console import LoadBalancerSpec, TargetGroupSpec, rule_from_type

    alb = console.create_security_group(
        name="alb",
        description="alb",
        vpc_id=vpc,
        inbound=[rule_from_type("http", source_kind="cidr", source="0.0.0.0/0")],
    )
    tg = console.create_target_group(
        TargetGroupSpec(name="tg", vpc_id=vpc, port=8000, health_check_path="/healthcheck")
    )
    console.register_targets(tg.arn, [_instance_id(learner.account)], 8000)
    subnets = {}
    for s in console.subnets(vpc):
        subnets.setdefault(s.zone, s.id)
    console.create_load_balancer(
        LoadBalancerSpec(
            name="lb", subnet_ids=tuple(subnets.values()), security_group_ids=(alb,), target_group_arn=tg.arn
        )
    )
    console.set_inbound_rules(_group_id(learner.account, "aws-hands-on-ec2"), [])  # nothing reaches the instance

    targets = learner.get("/en/sandbox/console/target-groups/tg/").content.decode()
    assert 'data-target-state="unhealthy"' in targets and "Target.Timeout" in targets
    assert learner.get(_url("load_balancer_open", name="lb")).status_code == 504


def test_an_unknown_load_balancer_is_aws_not_found(learner):
    response = learner.get(_url("load_balancer", name="nothing-here"))
    assert response.status_code == 404
    assert b"LoadBalancerNotFound" in response.content
