"""Views of the sandbox console: thin over provisioning.console, one screen each.

Every view goes through `console_view`: sign-in, a sandbox connection (else the connect page, or a page saying the
console is for the sandbox), and a `Console` over the learner's own sandbox session, built exactly as checks and
recipes build it (`connection_spec` -> `session_for`), so the account pin holds. State changes are POST only (CSRF
on, as everywhere); when AWS refuses, the page shows AWS's own code and message.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from provisioning.console import Console, ConsoleError, LoadBalancerSpec, TargetGroupSpec
from provisioning.errors import CredentialsProblem
from tutorial.learning.models import Connection

from . import forms

ALB_DRAFT = "console:alb-draft"  # session key: the ALB form while the learner creates a group or target group


class Unavailable(Exception):
    """The learner's sandbox session could not be made (the sandbox is down)."""


def _connection(request: HttpRequest) -> Connection | None:
    return Connection.objects.filter(user=request.user).first()


def _make_console(connection: Connection) -> Console:
    from provisioning.sessions import session_for
    from tutorial.learning.connections import connection_spec

    spec = connection_spec(connection=connection)
    try:
        session = session_for(spec)
    except (CredentialsProblem, BotoCoreError, ClientError, ValueError) as exc:
        raise Unavailable(type(exc).__name__) from None
    return Console(session, region=spec.region, endpoint_url=spec.endpoint_url)


def console_view(view: Callable) -> Callable:
    """Sign-in, a sandbox connection, and `console` as the view's second argument."""

    @functools.wraps(view)
    @never_cache
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        connection = _connection(request)
        if connection is None or not connection.is_connected:
            return HttpResponseRedirect(
                reverse("learning:connect") + "?" + urlencode({"next": request.get_full_path()})
            )
        if not connection.is_sandbox:
            return render(request, "console/unavailable.html", {"reason": "real_aws"}, status=403)
        request.sandbox_connection = connection  # the console's header shows the account and region
        try:
            console = _make_console(connection)
            response = view(request, console, *args, **kwargs)
            wrote = not getattr(request, "console_no_write", False)
            if request.method == "POST" and 300 <= response.status_code < 400 and wrote:
                _changed(connection.sandbox_account, view.__name__)
            return response
        except Unavailable:
            return render(request, "console/unavailable.html", {"reason": "sandbox_down"}, status=503)
        except ConsoleError as error:
            # A read failed (a name that does not exist, the sandbox gone mid-request): AWS's words, never a 500.
            status = 404 if error.code.endswith(("NotFound", "NotFoundException")) else 502
            return render(request, "console/error.html", {"error": error}, status=status)

    return wrapper


def _changed(account: str, action: str) -> None:
    """A console write succeeded: the same hook as the gateway's (an open step page re-checks itself)."""
    from provisioning.sandbox.gateway import account_changed

    account_changed(account, "console", action)


def _next_url(request: HttpRequest) -> str:
    """A `next` that stays inside the console (anything else is dropped)."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    if value.startswith(reverse("console:home")) and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}
    ):
        return value
    return ""


def _with_query(url: str, **params: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


# --- home and instances ----------------------------------------------------------------------------------------


@console_view
@require_safe
def home(request: HttpRequest, console: Console) -> HttpResponse:
    context = {
        "counts": {
            "instances": len([i for i in console.instances() if i.state == "running"]),
            "security_groups": len(console.security_groups()),
            "load_balancers": len(console.load_balancers()),
            "target_groups": len(console.target_groups()),
        },
        "nav": "home",
    }
    return render(request, "console/home.html", context)


@console_view
@require_safe
def instances(request: HttpRequest, console: Console) -> HttpResponse:
    return render(request, "console/instances.html", {"instances": console.instances(), "nav": "instances"})


@console_view
@require_safe
def instance_detail(request: HttpRequest, console: Console, instance_id: str) -> HttpResponse:
    return render(request, "console/instance.html", {"instance": console.instance(instance_id), "nav": "instances"})


@console_view
@require_POST
def instance_state(request: HttpRequest, console: Console, instance_id: str) -> HttpResponse:
    action = request.POST.get("action")
    try:
        if action == "stop":
            console.stop_instance(instance_id)
            messages.success(request, _("Successfully stopped %(id)s") % {"id": instance_id})
        elif action == "start":
            console.start_instance(instance_id)
            messages.success(request, _("Successfully started %(id)s") % {"id": instance_id})
        else:
            messages.error(request, _("Choose stop or start."))
    except ConsoleError as error:
        messages.error(request, f"{error.code}: {error.message}")
    return redirect(_next_url(request) or reverse("console:instance", args=[instance_id]))


@console_view
@require_http_methods(["GET", "HEAD", "POST"])
def launch_more(request: HttpRequest, console: Console, instance_id: str) -> HttpResponse:
    source = console.instance(instance_id)
    subnets = console.subnets(source.vpc_id)
    # Today's console proposes another subnet than the source's; so do we (the redundancy step's point).
    other = next((s.id for s in subnets if s.zone != source.zone), source.subnet_id)
    form = forms.LaunchMoreForm(request.POST or None, subnets=subnets, initial={"name": source.name, "subnet": other})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            new_id = console.launch_more_like_this(
                instance_id, subnet_id=form.cleaned_data["subnet"], name=form.cleaned_data["name"]
            )
        except ConsoleError as exc:
            error = exc
        else:
            messages.success(request, _("Successfully initiated launch of instance (%(id)s)") % {"id": new_id})
            return redirect("console:instances")
    context = {"source": source, "form": form, "error": error, "nav": "instances"}
    return render(request, "console/launch_more.html", context, status=400 if request.method == "POST" else 200)


# --- security groups ------------------------------------------------------------------------------------------------


@console_view
@require_safe
def security_groups(request: HttpRequest, console: Console) -> HttpResponse:
    context = {"groups": console.security_groups(), "nav": "security_groups"}
    return render(request, "console/security_groups.html", context)


@console_view
@require_safe
def security_group_detail(request: HttpRequest, console: Console, group_id: str) -> HttpResponse:
    context = {"group": console.security_group(group_id), "nav": "security_groups"}
    return render(request, "console/security_group.html", context)


def _rule_editor_context(console: Console, vpc_id: str, rows: list[forms.RuleRow]) -> dict:
    return {
        "rows": rows,
        "rule_types": list(forms.RULE_TYPE_LABELS.items()),
        "source_types": forms.SOURCE_TYPES,
        "source_groups": [(g.id, forms.group_label(g)) for g in console.security_groups(vpc_id)],
    }


@console_view
@require_http_methods(["GET", "HEAD", "POST"])
def security_group_create(request: HttpRequest, console: Console) -> HttpResponse:
    vpcs = console.vpcs()
    form = forms.SecurityGroupForm(request.POST or None, vpcs=vpcs, initial={"vpc": console.default_vpc_id()})
    rows = forms.rows_from_post(request.POST) if request.method == "POST" else []
    error = None
    status = 200
    if request.method == "POST" and not forms.edit_rows(request.POST, rows):
        status = 400
        if form.is_valid():
            vpc_id = form.cleaned_data["vpc"]
            group_ids = {g.id for g in console.security_groups(vpc_id)}
            rules = forms.rules_from_rows(rows, group_ids)
            if rules is not None:
                try:
                    group_id = console.create_security_group(
                        name=form.cleaned_data["name"],
                        description=form.cleaned_data["description"],
                        vpc_id=vpc_id,
                        inbound=rules,
                    )
                except ConsoleError as exc:
                    error = exc
                else:
                    messages.success(
                        request,
                        _("Security group (%(id)s | %(name)s) was created successfully")
                        % {"id": group_id, "name": form.cleaned_data["name"]},
                    )
                    next_url = _next_url(request)
                    if next_url:
                        return redirect(_with_query(next_url, sg=group_id))
                    return redirect("console:security_group", group_id=group_id)
    vpc_id = form["vpc"].value() or console.default_vpc_id()
    context = {"form": form, "error": error, "next": _next_url(request), "nav": "security_groups"}
    context.update(_rule_editor_context(console, vpc_id, rows))
    return render(request, "console/security_group_create.html", context, status=status)


@console_view
@require_http_methods(["GET", "HEAD", "POST"])
def inbound_rules_edit(request: HttpRequest, console: Console, group_id: str) -> HttpResponse:
    group = console.security_group(group_id)
    error = None
    status = 200
    if request.method == "POST":
        rows = forms.rows_from_post(request.POST)
        if not forms.edit_rows(request.POST, rows):
            status = 400
            group_ids = {g.id for g in console.security_groups(group.vpc_id)}
            rules = forms.rules_from_rows(rows, group_ids)
            if rules is not None:
                try:
                    console.set_inbound_rules(group_id, rules)
                except ConsoleError as exc:
                    error = exc
                else:
                    messages.success(
                        request,
                        _("Inbound security group rules successfully modified on security group (%(id)s | %(name)s)")
                        % {"id": group.id, "name": group.name},
                    )
                    return redirect("console:security_group", group_id=group_id)
    else:
        rows = [forms.RuleRow.from_rule(r) for r in group.inbound]
    context = {"group": group, "error": error, "nav": "security_groups"}
    context.update(_rule_editor_context(console, group.vpc_id, rows))
    return render(request, "console/inbound_rules.html", context, status=status)


# --- load balancers -------------------------------------------------------------------------------------------------


@console_view
@require_safe
def load_balancers(request: HttpRequest, console: Console) -> HttpResponse:
    context = {"load_balancers": console.load_balancers(), "nav": "load_balancers"}
    return render(request, "console/load_balancers.html", context)


@console_view
@require_safe
def load_balancer_types(request: HttpRequest, console: Console) -> HttpResponse:
    return render(request, "console/load_balancer_types.html", {"nav": "load_balancers"})


def _draft_to_querydict(draft: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in draft.items():
        data.setlist(key, [str(v) for v in values])
    return data


@console_view
@require_http_methods(["GET", "HEAD", "POST"])
def load_balancer_create(request: HttpRequest, console: Console) -> HttpResponse:
    """The ALB form. "Create new security group" / "Create target group" keep what was typed (in the session) and
    come back here with the new one selected."""
    vpcs = console.vpcs()
    vpc_ids = [v.id for v in vpcs]
    source = request.POST if request.method == "POST" else None
    if source is None and ALB_DRAFT in request.session:
        source = _draft_to_querydict(request.session[ALB_DRAFT])
        if request.GET.get("sg"):
            source.appendlist("security_groups", request.GET["sg"])
        if request.GET.get("tg"):
            source["target_group"] = request.GET["tg"]
    vpc_id = (source.get("vpc") if source is not None else request.GET.get("vpc")) or console.default_vpc_id()
    if vpc_id not in vpc_ids:
        vpc_id = console.default_vpc_id()
    here = reverse("console:load_balancer_create")

    goto = request.POST.get("goto") if request.method == "POST" else None
    request.console_no_write = bool(goto) or request.POST.get("change_vpc") is not None  # only the form moves
    if goto in ("security_group", "target_group"):
        request.session[ALB_DRAFT] = {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}
        target = "console:security_group_create" if goto == "security_group" else "console:target_group_create"
        return redirect(_with_query(reverse(target), next=here, vpc=vpc_id))
    if request.method == "POST" and request.POST.get("change_vpc") is not None:
        request.session[ALB_DRAFT] = {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}
        return redirect(here)

    initial = {"scheme": "internet-facing", "ip_address_type": "ipv4", "listener_port": 80}
    initial.update(security_groups=request.GET.getlist("sg"), target_group=request.GET.get("tg", ""))
    form = forms.LoadBalancerForm(
        source,
        subnets=console.subnets(vpc_id),
        groups=console.security_groups(vpc_id),
        target_groups=[t for t in console.target_groups() if t.vpc_id == vpc_id],
        initial=initial,
    )
    error = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            spec = LoadBalancerSpec(
                name=data["name"],
                scheme=data["scheme"],
                ip_address_type=data["ip_address_type"],
                subnet_ids=data["subnet_ids"],
                security_group_ids=tuple(data["security_groups"]),
                listener_port=data["listener_port"],
                target_group_arn=data["target_group"],
            )
            try:
                lb = console.create_load_balancer(spec)
            except ConsoleError as exc:
                error = exc
            else:
                request.session.pop(ALB_DRAFT, None)
                messages.success(request, _("Successfully created load balancer: %(name)s") % {"name": lb.name})
                return redirect("console:load_balancer", name=lb.name)
    context = {
        "form": form,
        "bound_quietly": request.method != "POST",  # a restored draft: show its values, not its errors
        "error": error,
        "vpcs": [(v.id, forms.vpc_label(v)) for v in vpcs],
        "vpc_id": vpc_id,
        "nav": "load_balancers",
    }
    return render(request, "console/load_balancer_create.html", context, status=status)


@console_view
@require_safe
def load_balancer_detail(request: HttpRequest, console: Console, name: str) -> HttpResponse:
    lb = console.load_balancer(name)
    tab = request.GET.get("tab", "description")
    if tab not in ("description", "listeners"):
        tab = "description"
    context = {
        "lb": lb,
        "tab": tab,
        "listeners": console.listeners(lb.arn) if tab == "listeners" else [],
        "nav": "load_balancers",
    }
    return render(request, "console/load_balancer.html", context)


@console_view
@require_safe
def load_balancer_open(request: HttpRequest, console: Console, name: str) -> HttpResponse:
    """What a browser gets at the ALB's DNS name: the sandbox data plane's answer for this learner's account.

    The answer is served as it came (status, type, body) under a CSP that lets it run nothing, like a figure;
    when no answer would come at all, a browser-like error page says so.
    """
    from provisioning.probes import probe_http
    from provisioning.sandbox import probe_config_for
    from tutorial.learning.connections import connection_spec

    lb = console.load_balancer(name)
    spec = connection_spec(connection=_connection(request))
    result = probe_http(lb.dns_name, config=probe_config_for(spec), path="/")
    if result.outcome != "answered":
        context = {"lb": lb, "outcome": result.outcome, "nav": "load_balancers"}
        return render(request, "console/browser_error.html", context, status=504)
    content_type = "text/html; charset=utf-8" if result.body.lstrip().startswith("<") else "text/plain; charset=utf-8"
    response = HttpResponse(result.body, status=result.status or 200, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["X-Sandbox-DNS-Name"] = lb.dns_name
    return response


# --- target groups ----------------------------------------------------------------------------------------------------


@console_view
@require_safe
def target_groups(request: HttpRequest, console: Console) -> HttpResponse:
    context = {"target_groups": console.target_groups(), "nav": "target_groups"}
    return render(request, "console/target_groups.html", context)


@console_view
@require_safe
def target_group_detail(request: HttpRequest, console: Console, name: str) -> HttpResponse:
    tg = console.target_group(name)
    tab = request.GET.get("tab", "targets")
    if tab not in ("targets", "health", "details"):
        tab = "targets"
    context = {"tg": tg, "tab": tab, "targets": console.targets(tg.arn), "nav": "target_groups"}
    return render(request, "console/target_group.html", context)


@console_view
@require_http_methods(["GET", "HEAD", "POST"])
def target_group_create(request: HttpRequest, console: Console) -> HttpResponse:
    vpcs = console.vpcs()
    vpc_id = request.GET.get("vpc") if request.GET.get("vpc") in {v.id for v in vpcs} else console.default_vpc_id()
    form = forms.TargetGroupForm(request.POST or None, vpcs=vpcs, initial={"vpc": vpc_id})
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tg = console.create_target_group(
                TargetGroupSpec(
                    name=data["name"],
                    vpc_id=data["vpc"],
                    target_type=data["target_type"],
                    protocol=data["protocol"],
                    port=data["port"],
                    health_check_protocol=data["health_check_protocol"],
                    health_check_path=data["health_check_path"],
                )
            )
        except ConsoleError as exc:
            error = exc
        else:
            messages.success(request, _("Successfully created target group: %(name)s") % {"name": tg.name})
            register = reverse("console:register_targets", kwargs={"name": tg.name})
            next_url = _next_url(request)
            return redirect(_with_query(register, next=_with_query(next_url, tg=tg.arn)) if next_url else register)
    context = {"form": form, "error": error, "next": _next_url(request), "nav": "target_groups"}
    return render(request, "console/target_group_create.html", context, status=400 if request.method == "POST" else 200)


@console_view
@require_http_methods(["GET", "HEAD", "POST"])
def register_targets(request: HttpRequest, console: Console, name: str) -> HttpResponse:
    """ターゲットを登録, in both consoles' ways: "登録済に追加" registers the ticked instances at once (Step 5's
    wizard); "以下を保留中として含める" adds them to a pending list (kept in hidden fields, no JavaScript) that
    "保留中のターゲットを登録" registers (today's console)."""
    tg = console.target_group(name)
    candidates = [i for i in console.instances() if i.vpc_id == tg.vpc_id and i.state != "terminated"]
    ids = {i.id for i in candidates}
    pending = _pending_targets(request.POST.getlist("pending"), ids)
    action = request.POST.get("action", "register")
    data = request.POST if request.method == "POST" and action in ("register", "pending") else None
    form = forms.RegisterTargetsForm(data, instance_ids=sorted(ids), initial={"port": tg.port})
    error = None
    status = 200
    if request.method == "POST":
        status = 400
        remove = request.POST.get("remove_pending", "")
        if remove:
            pending = [p for p in pending if f"{p[0]}:{p[1]}" != remove]
            status = 200
        elif action == "pending" and form.is_valid():
            port = form.cleaned_data["port"]
            pending += [(i, port) for i in form.cleaned_data["instances"] if (i, port) not in pending]
            form = forms.RegisterTargetsForm(None, instance_ids=sorted(ids), initial={"port": port})
            status = 200
        elif action in ("register", "register_pending") and (action == "register_pending" or form.is_valid()):
            wanted = (
                pending
                if action == "register_pending"
                else [(i, form.cleaned_data["port"]) for i in form.cleaned_data["instances"]]
            )
            try:
                for port in sorted({p for _i, p in wanted}):
                    console.register_targets(tg.arn, [i for i, p in wanted if p == port], port)
            except ConsoleError as exc:
                error = exc
            else:
                messages.success(
                    request, _("%(count)s target(s) registered in %(name)s") % {"count": len(wanted), "name": tg.name}
                )
                here = reverse("console:register_targets", kwargs={"name": tg.name})
                next_url = _next_url(request)
                return redirect(_with_query(here, next=next_url) if next_url else here)
    context = {
        "tg": tg,
        "form": form,
        "candidates": candidates,
        "pending": pending,
        "names": {i.id: i.name for i in candidates},
        "registered": console.targets(tg.arn),
        "error": error,
        "next": _next_url(request),
        "nav": "target_groups",
    }
    return render(request, "console/register_targets.html", context, status=status)


def _pending_targets(values: list[str], instance_ids: set[str]) -> list[tuple[str, int]]:
    """The pending list posted back as "i-...:port" values: only this VPC's instances and real ports."""
    out: list[tuple[str, int]] = []
    for value in values[:100]:
        instance_id, _sep, port = value.partition(":")
        valid = instance_id in instance_ids and port.isdigit() and 1 <= int(port) <= 65535
        if valid and (instance_id, int(port)) not in out:
            out.append((instance_id, int(port)))
    return out


@console_view
@require_POST
def deregister_targets(request: HttpRequest, console: Console, name: str) -> HttpResponse:
    tg = console.target_group(name)
    wanted = set(request.POST.getlist("target"))
    targets = [(t.id, t.port) for t in console.targets(tg.arn) if f"{t.id}:{t.port}" in wanted]
    try:
        console.deregister_targets(tg.arn, targets)
    except ConsoleError as error:
        messages.error(request, f"{error.code}: {error.message}")
    else:
        if targets:
            messages.success(request, _("%(count)s target(s) deregistered") % {"count": len(targets)})
    return redirect(_with_query(reverse("console:target_group", kwargs={"name": name}), tab="targets"))
