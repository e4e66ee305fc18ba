"""Views of the learner's side: sign up, connect AWS, check, progress partials, recipes, history.

Thin function views: decorators say who may call them, `_get_*_for_user` helpers make access control one call,
services do the work. htmx requests get a named partial (`template.html#name`); the same URLs work without
JavaScript (forms post and redirect back to the step page).
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseStopPolling, reswap, retarget, trigger_client_event

from . import cloudformation, selectors, services
from .architecture import architecture_diagram
from .connections import (
    ConnectionInvalid,
    available_regions,
    connection_get_or_create,
    connection_sandbox_credentials,
    connection_save_keys,
    connection_save_role,
    connection_save_sandbox,
)
from .forms import COMMON_REGIONS, KeysConnectForm, RoleConnectForm, SandboxConnectForm, SignupForm
from .throttle import throttled

PANELS = "learning/panels.html"
RUN_FINISHED = "learning:run-finished"


# --- helpers ---------------------------------------------------------------------------------------------------


def _get_step_or_404(tutorial: str, step: str):
    from provisioning.steps import get_step

    try:
        return get_step(tutorial, step)
    except LookupError:
        raise Http404("no such step") from None


def _section_for_page(tutorial: str, step: str, slug: str):
    """The page's section (slug, title, checks with titles) in the current language, from the content pack."""
    from tutorial.content import get_tutorial

    pack = get_tutorial(tutorial)
    page_step = pack.step(step) if pack else None
    section = page_step.version(selectors._lang()).section(slug) if page_step else None
    if section is None:
        raise Http404("no such section")
    return section


def _step_url(tutorial: str, step: str, anchor: str = "") -> str:
    url = reverse("tutorial:step", kwargs={"tutorial": tutorial, "step": step})
    return f"{url}#{anchor}" if anchor else url


def _render_panel(
    request: HttpRequest, *, tutorial: str, step: str, slug: str, notice: str = "", waiting: bool = False
) -> tuple[HttpResponse, selectors.StepLearning]:
    learning = selectors.step_learning(user=request.user, tutorial=tutorial, step=step)
    context = {
        "learning": learning,
        "section": _section_for_page(tutorial, step, slug),
        "tutorial_slug": tutorial,
        "step_slug": step,
        "notice": notice,
        "waiting": waiting,
        "wait": selectors.wait_view(run=learning.active_run, attempt=0),
        # The learner pressed Check here and this brings the result: focus goes to its summary (learning.js).
        "focus_summary": waiting and learning.active_run is None,
    }
    return render(request, f"{PANELS}#checkpoint", context), learning


def _announce_finished(response: HttpResponse, run_id: int | None, section: str = "") -> HttpResponse:
    """Tell the page a run finished: learning.js refreshes the other panels and the picture once (not `section`,
    which this response itself brings), and the page's watcher learns it has seen this run."""
    trigger_client_event(response, RUN_FINISHED, {"run": run_id, "section": section})
    return response


# --- accounts --------------------------------------------------------------------------------------------------


@throttled("signup")
def signup(request: HttpRequest) -> HttpResponse:
    """Self-paced attendees need nothing more than this to start; progress is kept per user."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return HttpResponseRedirect(next_url or reverse("learning:connect"))
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


class LoginView(auth_views.LoginView):
    """Django's log-in; without an explicit (safe) `next` it returns the learner to where they left off: the step
    page they last had open, at the section they last acted on."""

    def get_default_redirect_url(self) -> str:
        place = selectors.place_get(user=self.request.user)
        return selectors.place_url(place) or super().get_default_redirect_url()


# --- connecting AWS ----------------------------------------------------------------------------------------------


def _connect_context(request: HttpRequest, **forms) -> dict:
    connection = connection_get_or_create(user=request.user)
    template_url = cloudformation.published_template_url()  # None without an S3 bucket: no quick-create link
    quick_create = {}
    if template_url:
        for name, allow in (("quick_create_url", False), ("quick_create_provisioning_url", True)):
            quick_create[name] = cloudformation.quick_create_url(
                template_url=template_url,
                external_id=connection.external_id,
                region=connection.region,
                allow_provisioning=allow,
            )
    return {
        "connection": connection,
        "sandbox_form": forms.get("sandbox_form") or SandboxConnectForm(initial={"region": connection.region}),
        "role_form": forms.get("role_form")
        or RoleConnectForm(initial={"region": connection.region, "role_arn": connection.role_arn}),
        "keys_form": forms.get("keys_form") or KeysConnectForm(initial={"region": connection.region}),
        "open": forms.get("open", ""),
        "regions": sorted(set(COMMON_REGIONS) | set(available_regions())),
        "app_principal": settings.AWS_APP_PRINCIPAL_ARN,
        "roles_configured": settings.AWS_ROLE_CONNECTIONS_CONFIGURED,
        "create_stack_url": "https://console.aws.amazon.com/cloudformation/home?region="
        + quote(connection.region)
        + "#/stacks/create",
        **quick_create,
        "sandbox_enabled": settings.SANDBOX_ENABLED,
        "next": request.GET.get("next") or request.POST.get("next") or "",
    }


@never_cache
@login_required
@require_safe
def connect(request: HttpRequest) -> HttpResponse:
    return render(request, "learning/connect.html", _connect_context(request))


def _after_connect(request: HttpRequest, connection) -> HttpResponse:
    messages.success(
        request,
        _("Connected to AWS account %(account)s (%(region)s).")
        % {"account": connection.account_id, "region": connection.region},
    )
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(next_url)
    return redirect("learning:connect")


# The three ways to connect: the form that validates the POST and the service that checks and saves it.
_CONNECT_KINDS = {
    "sandbox": (SandboxConnectForm, lambda user, data: connection_save_sandbox(user=user, region=data["region"])),
    "role": (
        RoleConnectForm,
        lambda user, data: connection_save_role(
            user=user,
            role_arn=data["role_arn"],
            region=data["region"],
            allows_provisioning=data["allows_provisioning"],
        ),
    ),
    "keys": (
        KeysConnectForm,
        lambda user, data: connection_save_keys(
            user=user,
            access_key_id=data["access_key_id"],
            secret_access_key=data["secret_access_key"],
            region=data["region"],
        ),
    ),
}


def _connect(request: HttpRequest, which: str) -> HttpResponse:
    """Validate and save one kind of connection; on failure the connect page again, its form carrying the reason."""
    form_class, save = _CONNECT_KINDS[which]
    form = form_class(request.POST)
    if which == "role" and not settings.AWS_ROLE_CONNECTIONS_CONFIGURED:
        form.is_valid()
        form.add_error(
            None,
            _(
                "Connecting through an IAM role is not set up on this site yet. "
                "Use the sandbox or access keys, or ask the site's operator."
            ),
        )
    elif form.is_valid():
        try:
            return _after_connect(request, save(request.user, form.cleaned_data))
        except ConnectionInvalid as error:
            form.add_error(None, error.message)
    context = _connect_context(request, **{f"{which}_form": form, "open": which})
    return render(request, "learning/connect.html", context, status=400)


@login_required
@require_POST
def connect_sandbox(request: HttpRequest) -> HttpResponse:
    return _connect(request, "sandbox")


@login_required
@require_POST
def connect_role(request: HttpRequest) -> HttpResponse:
    return _connect(request, "role")


@login_required
@require_POST
def connect_keys(request: HttpRequest) -> HttpResponse:
    return _connect(request, "keys")


@never_cache
@login_required
@require_POST
def sandbox_credentials(request: HttpRequest) -> HttpResponse:
    """The learner's own sandbox CLI keys, shown on request (POST, never cached), with the lines to use them."""
    from provisioning.sandbox import gateway_url

    connection = connection_get_or_create(user=request.user)
    try:
        key_id, secret = connection_sandbox_credentials(connection=connection)
    except ConnectionInvalid:
        messages.error(request, _("Connect the sandbox first."))
        return redirect("learning:connect")
    context = {
        "connection": connection,
        "access_key_id": key_id,
        "secret_access_key": secret,
        "endpoint_url": gateway_url(settings.SITE_URL),
    }
    template = f"{PANELS}#sandbox-credentials" if request.htmx else "learning/sandbox_credentials.html"
    return render(request, template, context)


@login_required
@require_safe
def cloudformation_template(request: HttpRequest) -> HttpResponse:
    """The learner's own template: their ExternalId is the parameter's default."""
    connection = connection_get_or_create(user=request.user)
    response = HttpResponse(
        cloudformation.template_yaml(external_id=connection.external_id), content_type="application/x-yaml"
    )
    response["Content-Disposition"] = 'attachment; filename="handson-lab-access.yaml"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def cloudformation_public(request: HttpRequest) -> HttpResponse:
    """The generic template (no ExternalId default) that the console's quick-create link fetches without a login."""
    return HttpResponse(cloudformation.template_yaml(external_id=None), content_type="text/plain; charset=utf-8")


# --- checking ----------------------------------------------------------------------------------------------------


@login_required
@require_POST
def check(request: HttpRequest, tutorial: str, step: str) -> HttpResponse:
    """Start a run of the step (a burst of presses makes one run) and answer with the pressed section's panel,
    which then waits for the run by itself (`panel` with ?wait=): only the pressed panel waits."""
    step_spec = _get_step_or_404(tutorial, step)
    section = request.POST.get("section", "")
    if section not in step_spec.sections:
        section = next(iter(step_spec.sections))
    notice = ""
    services.place_record(user=request.user, tutorial=tutorial, step=step, section=section)
    try:
        services.run_start(user=request.user, tutorial=tutorial, step=step, section=section)
    except services.CheckingUnavailable:
        notice = "unavailable"
    except services.NotConnected:
        notice = "not_connected"
    if not request.htmx:
        if notice == "unavailable":
            messages.error(request, _("Checking is unavailable right now. Your work is safe; try again in a minute."))
        elif notice == "not_connected":
            messages.error(request, _("Connect AWS (or the sandbox) before checking."))
        return redirect(_step_url(tutorial, step, section))
    response, learning = _render_panel(request, tutorial=tutorial, step=step, slug=section, notice=notice, waiting=True)
    if not notice and learning.active_run is None and learning.last_run is not None:
        # The worker was quicker than this answer: the panel already shows the result; the others refresh now.
        _announce_finished(response, learning.last_run.pk, section)
    return response


@never_cache
@login_required
@require_safe
def panel(request: HttpRequest, tutorial: str, step: str, section: str) -> HttpResponse:
    """One section's checkpoint panel for the learner's latest run.

    With `?wait=<run id>&n=<attempt>` (the pressed panel waiting for its run) the answer is cheap while the run is
    active: the small waiting element again, looking once more after a longer delay (150 ms, then backing off to
    2 s). Once the run is over it is the whole panel, swapped in place of the old one, announcing the end.
    """
    step_spec = _get_step_or_404(tutorial, step)
    if section not in step_spec.sections:
        raise Http404("no such section")
    wait = selectors.wait_lookup(user=request.user, run_id=request.GET.get("wait"), attempt=request.GET.get("n"))
    if wait is not None and wait.active and not wait.overdue:
        context = {"wait": wait, "tutorial_slug": tutorial, "step_slug": step, "section": {"slug": section}}
        return render(request, f"{PANELS}#wait", context)
    services.run_expire_stale(user=request.user)
    response, learning = _render_panel(request, tutorial=tutorial, step=step, slug=section, waiting=wait is not None)
    if wait is not None:
        retarget(response, f"#lc-{section}")
        reswap(response, "outerHTML")
        if wait.run_id and (learning.active_run is None or learning.active_run.pk != wait.run_id):
            _announce_finished(response, wait.run_id, section)
    return response


@never_cache
@login_required
@require_safe
def watch(request: HttpRequest, tutorial: str, step: str) -> HttpResponse:
    """What the step page's watcher (learning.js) asks every few seconds: the newest finished and the active run.

    `?auto=1` also says "I have this step open with auto-check on", which lets a sandbox write re-check it;
    `?auto=0` withdraws that. A small JSON answer of one or two queries.
    """
    _get_step_or_404(tutorial, step)
    auto = request.GET.get("auto")
    if auto == "1":
        services.watch_heartbeat(user=request.user, tutorial=tutorial, step=step)
    elif auto == "0":
        services.watch_stop(user=request.user)
    latest, active = selectors.run_latest_ids(user=request.user, tutorial=tutorial, step=step)
    return JsonResponse({"latest": latest, "active": active})


@login_required
@require_POST
def auto_check(request: HttpRequest, tutorial: str, step: str) -> HttpResponse:
    """The page's periodic re-check on real AWS (learning.js, on its budget; the server keeps its own limit)."""
    _get_step_or_404(tutorial, step)
    try:
        run = services.auto_check_start(user=request.user, tutorial=tutorial, step=step)
    except services.CheckingUnavailable:
        return JsonResponse({"run": None, "error": "unavailable"}, status=503)
    except services.NotConnected:
        return JsonResponse({"run": None, "error": "not_connected"}, status=409)
    return JsonResponse({"run": run.pk if run else None})


@login_required
@require_POST
def place(request: HttpRequest, tutorial: str, step: str) -> HttpResponse:
    """The step page says where the learner is (learning.js: the section they scrolled to, on a budget)."""
    _get_step_or_404(tutorial, step)
    section = request.POST.get("section", "")
    if section:
        try:
            _section_for_page(tutorial, step, section)
        except Http404:
            return JsonResponse({"error": "no such section"}, status=400)
    services.place_record(user=request.user, tutorial=tutorial, step=step, section=section)
    return HttpResponse(status=204)


@never_cache
@login_required
@require_safe
def complete(request: HttpRequest, tutorial: str, step: str) -> HttpResponse:
    """The learner's own completion page: what they built (their diagram), how long it took, the next step, and
    the reminder to clean up what costs money. Before they are done: what is left, with links to it."""
    from tutorial.content import get_tutorial

    _get_step_or_404(tutorial, step)
    pack = get_tutorial(tutorial)
    page_step = pack.step(step) if pack else None
    if page_step is None:
        raise Http404("no such step")
    lang = selectors._lang()
    version = page_step.version(lang)
    completion = selectors.completion_view(user=request.user, tutorial=tutorial, step=step)
    _previous, following = pack.neighbours(step)
    left = [version.section(slug) for slug in completion.left]
    context = {
        "tutorial": pack,
        "tutorial_slug": tutorial,
        "step_slug": step,
        "version": version,
        "lang": lang,
        "completion": completion,
        "learning": completion.learning,
        "duration": _duration_text(completion.seconds),
        "left": [s for s in left if s is not None],
        "next_step": following.version(lang) if following else None,
        "next_slug": following.slug if following else None,
        "step_url": _step_url(tutorial, step),
    }
    return render(request, "learning/complete.html", context)


def _duration_text(seconds: int | None) -> str:
    """How long something took, in words ("1 時間 5 分" / "1 hour 5 minutes"), to the minute."""
    from django.utils.translation import ngettext

    if seconds is None:
        return ""
    if seconds < 60:
        return _("less than a minute")
    minutes = seconds // 60
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if mins and not days:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", mins) % {"n": mins})
    return " ".join(parts)


@never_cache
@login_required
@require_safe
def architecture(request: HttpRequest, tutorial: str, step: str) -> HttpResponse:
    _get_step_or_404(tutorial, step)
    learning = selectors.step_learning(user=request.user, tutorial=tutorial, step=step)
    context = {"learning": learning, "diagram": learning.diagram, "tutorial_slug": tutorial, "step_slug": step}
    return render(request, f"{PANELS}#architecture", context)


@never_cache
@login_required
@require_safe
def history(request: HttpRequest, tutorial: str, step: str) -> HttpResponse:
    _get_step_or_404(tutorial, step)
    runs = selectors.run_history(user=request.user, tutorial=tutorial, step=step)
    context = {"runs": runs, "tutorial_slug": tutorial, "step_slug": step, "step_url": _step_url(tutorial, step)}
    return render(request, "learning/history.html", context)


@never_cache
@login_required
@require_safe
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    services.run_expire_stale(user=request.user)
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    context = {
        "run": run,
        "results": selectors.run_results(run=run),
        "step_url": _step_url(run.tutorial, run.step),
        "diagram": architecture_diagram(
            architecture=run.architecture,
            statuses={r.check_id: r.status for r in run.results.all()},
            tutorial=run.tutorial,
            step=run.step,
        ),
    }
    if request.htmx:
        response = render(request, f"{PANELS}#run-status", context)
        return HttpResponseStopPolling(response.content) if not run.is_active else response
    return render(request, "learning/run.html", context)


# --- recipes -----------------------------------------------------------------------------------------------------


@login_required
@require_POST
def recipe(request: HttpRequest, tutorial: str, step: str, recipe: str) -> HttpResponse:
    """Start prepare / do it for me / clean up on the worker; answer with the progress partial."""
    _get_step_or_404(tutorial, step)
    if recipe not in services.RECIPES:
        raise Http404("no such recipe")
    section = request.POST.get("section", "") if recipe == "solve" else ""
    where = request.POST.get("where", "lab")
    error = ""
    job = None
    if section in _get_step_or_404(tutorial, step).sections:
        services.place_record(user=request.user, tutorial=tutorial, step=step, section=section)
    try:
        job = services.recipe_start(user=request.user, tutorial=tutorial, step=step, recipe=recipe, section=section)
    except services.ProvisioningNotAllowed as exc:
        error = exc.reason
    except services.NotConnected:
        error = "not_connected"
    except services.CheckingUnavailable:
        error = "unavailable"
    except LookupError:
        raise Http404("no such section") from None
    # One job at a time per learner and step: a press while another one runs gets that one back. Say so, or the
    # learner who pressed "Do it for me" during "Prepare" would think it ran.
    busy = job is not None and (job.recipe, job.section) != (recipe, section)
    error_text = _recipe_busy_text(job) if busy else _recipe_error_text(error)
    if not request.htmx:
        if error or busy:
            messages.error(request, error_text)
        return redirect(_step_url(tutorial, step, section))
    context = {"job": job, "error": error or ("busy" if busy else ""), "error_text": error_text, "where": where}
    return render(request, f"{PANELS}#recipe-job", context)


def _recipe_busy_text(running) -> str:
    label = {"prerequisites": _("Prepare"), "teardown": _("Clean up")}.get(running.recipe, _("Do it for me"))
    return _("“%(running)s” is still running. Press the button again when it has finished.") % {"running": label}


def _recipe_error_text(code: str) -> str:
    return {
        "": "",
        "not_connected": _("Connect AWS (or the sandbox) first."),
        "class_forbids": _("Your class does not allow “do it for me” on real AWS. Use the sandbox, or do it by hand."),
        "no_opt_in_policy": _(
            "Your role lacks the opt-in “do it for me” policy: update the stack with AllowProvisioning=true "
            "and connect again."
        ),
        "unavailable": _("This cannot start right now. Your work is safe; try again in a minute."),
    }.get(code, code)


@never_cache
@login_required
@require_safe
def recipe_job(request: HttpRequest, job_id: int) -> HttpResponse:
    services.run_expire_stale(user=request.user)
    job = selectors.recipe_job_get_for_user(user=request.user, job_id=job_id)
    try:
        attempt = max(0, min(int(request.GET.get("n") or 0), 10_000))
    except ValueError:
        attempt = 0
    context = {"job": job, "error": "", "where": request.GET.get("where", "lab"), "n": attempt}
    response = render(request, f"{PANELS}#recipe-job", context)
    if request.htmx and not job.is_active:
        # Done: the account changed, and the worker is already checking it again; the page's watcher looks soon.
        trigger_client_event(response, "learning:kick")
    return response
