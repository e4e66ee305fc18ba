"""Views of classes: the instructor's classes, roster, live dashboard, drill-down, "check everyone", export; joining.

Access control is one call per view: `_classroom_for(request, pk)` answers 404 for a class the user does not teach
(another instructor's class is not revealed), `instructor_required` answers 403 to anyone who is not an instructor.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

from tutorial.learning.throttle import throttled

from . import selectors, services
from .catalog import tutorial_steps
from .exports import export_grades, export_progress
from .forms import ClassroomForm, JoinForm, LearnerNameFields, NoteForm
from .models import Classroom


def instructor_required(view):
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not selectors.user_is_instructor(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _classroom_for(request: HttpRequest, pk: int) -> Classroom:
    classroom = selectors.classroom_get_for_instructor(user=request.user, pk=pk)
    if classroom is None:
        raise Http404
    return classroom


def _enrollment_for(request: HttpRequest, pk: int, user_id: int):
    """(classroom, enrollment) of a student in one of this instructor's classes, or 404 for anyone else."""
    classroom = _classroom_for(request, pk)
    enrollment = selectors.enrollment_get_student(classroom=classroom, user_id=user_id)
    if enrollment is None:
        raise Http404
    return classroom, enrollment


def _step(request: HttpRequest, classroom: Classroom) -> str:
    step = request.GET.get("step", "")
    return step if step in tutorial_steps(classroom.tutorial) else selectors.classroom_default_step(classroom=classroom)


def _join_url(request: HttpRequest, classroom: Classroom) -> str:
    return request.build_absolute_uri(reverse("classes:join", args=[classroom.join_code]))


# --- classes --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def class_list(request: HttpRequest) -> HttpResponse:
    """An instructor's classes; for a learner, the classes they are in (names only, no other student)."""
    if selectors.user_is_instructor(request.user):
        classrooms = selectors.classroom_list_for_instructor(user=request.user)
        return render(request, "classes/list.html", {"classrooms": classrooms, "instructor": True})
    classrooms = selectors.classroom_list_for_learner(user=request.user)
    return render(request, "classes/list.html", {"classrooms": classrooms, "instructor": False})


@instructor_required
def class_create(request: HttpRequest) -> HttpResponse:
    form = ClassroomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        classroom = services.classroom_create(instructor=request.user, **form.cleaned_data)
        return redirect("classes:roster", pk=classroom.pk)
    return render(request, "classes/form.html", {"form": form})


@instructor_required
def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _classroom_for(request, pk)
    form = ClassroomForm(request.POST or None, instance=classroom)
    if request.method == "POST" and form.is_valid():
        # The form wrote onto the instance; the service applies the rules (reopening) and saves.
        services.classroom_update(classroom=classroom, **form.cleaned_data)
        messages.success(request, _("Class saved."))
        return redirect("classes:dashboard", pk=classroom.pk)
    return render(request, "classes/form.html", {"form": form, "classroom": classroom})


@instructor_required
@require_GET
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _classroom_for(request, pk)
    enrollments = classroom.enrollments.active().select_related("user", "user__aws_connection", "user__learner_profile")
    context = {
        "classroom": classroom,
        "enrollments": enrollments,
        "join_url": _join_url(request, classroom),
        "not_cleaned_up": selectors.class_not_cleaned_up(classroom=classroom) if classroom.is_closed else None,
    }
    return render(request, "classes/roster.html", context)


@instructor_required
@require_POST
def roster_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom, enrollment = _enrollment_for(request, pk, user_id)
    services.enrollment_remove(classroom=classroom, user_id=user_id, actor=request.user)
    name = selectors.display_name(enrollment.user)
    messages.success(request, _("%(name)s was removed from the class.") % {"name": name})
    return redirect("classes:roster", pk=classroom.pk)


# --- the dashboard --------------------------------------------------------------------------------------------


def _dashboard_context(request: HttpRequest, classroom: Classroom, *, version: str | None = None) -> dict:
    state = request.GET.get("state", "")
    sort = request.GET.get("sort", "name")
    step = _step(request, classroom)
    dashboard = selectors.class_dashboard(classroom=classroom, step=step, lang=get_language(), state=state, sort=sort)
    params = request.GET.copy()
    for key in POLL_PARAMS:
        params.pop(key, None)
    return {
        "classroom": classroom,
        "dashboard": dashboard,
        "version": version or selectors.class_dashboard_version(classroom=classroom, step=step),
        "minute": selectors.minute_of(dashboard.generated_at),
        "state": state if state in selectors.ROW_FILTERS else "",
        "sort": sort,
        "query": params.urlencode(),
        "filters": selectors.ROW_FILTERS,
        "steps": tutorial_steps(classroom.tutorial),
    }


# The poll's own parameters: the fingerprint (v), when the page was made (since), its rows' order (o), its minute (m).
POLL_PARAMS = ("v", "since", "o", "m")
POLL_OVERLAP_SECONDS = 2  # rows changed this close before the last poll are sent again (clocks, commit order)


@instructor_required
@require_GET
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _classroom_for(request, pk)
    context = _dashboard_context(request, classroom)
    latest = selectors.class_check_latest(classroom=classroom)
    context["check_progress"] = selectors.class_check_progress(class_check=latest) if latest else None
    template = "classes/dashboard.html#grid" if request.htmx else "classes/dashboard.html"
    return render(request, template, context)


def _poll_since(request: HttpRequest):
    """The `since` of the poll (an epoch second), or None when absent or malformed (then the whole grid)."""
    try:
        since = float(request.GET.get("since", ""))
    except ValueError:
        return None
    if not (0 < since < 1e11):
        return None
    from datetime import UTC, datetime, timedelta

    return datetime.fromtimestamp(since, tz=UTC) - timedelta(seconds=POLL_OVERLAP_SECONDS)


@instructor_required
@require_GET
def dashboard_grid(request: HttpRequest, pk: int) -> HttpResponse:
    """What the dashboard polls. 204 when nothing changed; only the changed rows (swapped in place) when the rows
    shown and their order are as before in the same minute; else the whole grid."""
    classroom = _classroom_for(request, pk)
    version = selectors.class_dashboard_version(classroom=classroom, step=_step(request, classroom))
    if request.htmx and request.GET.get("v") == version:
        return HttpResponse(status=204)
    context = _dashboard_context(request, classroom, version=version)
    dashboard_ = context["dashboard"]
    since = _poll_since(request)
    same_page = (
        request.htmx
        and since is not None
        and request.GET.get("o") == dashboard_.order
        and request.GET.get("m") == str(context["minute"])
    )
    if same_page:
        context["changed_rows"] = [r for r in dashboard_.rows if r.changed_at is None or r.changed_at >= since]
        return render(request, "classes/dashboard.html#delta", context)
    response = render(request, "classes/dashboard.html#grid", context)
    if request.htmx and request.GET.get("since"):
        # The poll targets its poller; the whole grid replaces the grid instead.
        response["HX-Retarget"] = "#class-grid"
        response["HX-Reswap"] = "outerHTML"
    return response


@instructor_required
@require_GET
def big_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The projector view: per section, how many are done, who is stuck and who works on it, in large type."""
    classroom = _classroom_for(request, pk)
    context = _dashboard_context(request, classroom)
    template = "classes/big_screen.html#board" if request.htmx else "classes/big_screen.html"
    return render(request, template, context)


@instructor_required
@require_GET
def student_detail(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom, enrollment = _enrollment_for(request, pk, user_id)
    step = _step(request, classroom)
    detail = selectors.class_student_detail(classroom=classroom, enrollment=enrollment, step=step)
    # The learner side's one way of showing results and drawing the architecture, reused as is.
    from tutorial.learning.architecture import architecture_diagram
    from tutorial.learning.selectors import result_view

    run = detail.latest_run
    context = {
        "classroom": classroom,
        "detail": detail,
        "run": run,
        "results": [result_view(r) for r in detail.results],
        "diagram": architecture_diagram(
            architecture=run.architecture if run else None,
            statuses={r.check_id: r.status for r in detail.results},
            tutorial=run.tutorial if run else None,
            step=run.step if run else None,
        ),
        "note_form": NoteForm(initial={"text": detail.note.text if detail.note else ""}),
        "sections": selectors.step_sections(classroom=classroom, step=step),
        "stuck": selectors.class_student_stuck(classroom=classroom, user_id=user_id),
        "recipes_allowed": selectors.recipes_allowed_for(classroom=classroom, user=enrollment.user),
    }
    return render(request, "classes/student.html", context)


ACTION_ERRORS = {
    "not_connected": _lazy("This student has not connected AWS yet."),
    "queue_unavailable": _lazy("The task queue could not be reached. Try again in a moment."),
    "class_forbids": _lazy('This class does not allow "do it for me" on real AWS.'),
    "no_opt_in_policy": _lazy("The student's role does not carry the optional provisioning policy."),
    "unknown_section": _lazy("Unknown section."),
    "unknown_recipe": _lazy("Unknown action."),
}


def _back_to_student(classroom: Classroom, user_id: int, step: str) -> HttpResponse:
    url = reverse("classes:student", args=[classroom.pk, user_id])
    return redirect(f"{url}?step={step}")


@instructor_required
@require_POST
def student_recheck(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom, enrollment = _enrollment_for(request, pk, user_id)
    step = _step_from_post(request, classroom)
    try:
        services.student_recheck(classroom=classroom, actor=request.user, user=enrollment.user, step=step)
    except services.ActionRefused as exc:
        if request.htmx:
            return HttpResponse(str(ACTION_ERRORS.get(exc.reason, exc.reason)), status=409)
        messages.error(request, ACTION_ERRORS.get(exc.reason, exc.reason))
        return _back_to_student(classroom, user_id, step)
    if request.htmx:
        return HttpResponse(status=204)  # the row shows "checking" on the next poll
    messages.success(request, _("A check of %(name)s was started.") % {"name": selectors.display_name(enrollment.user)})
    return _back_to_student(classroom, user_id, step)


@instructor_required
@require_POST
def student_recipe(request: HttpRequest, pk: int, user_id: int, recipe: str) -> HttpResponse:
    classroom, enrollment = _enrollment_for(request, pk, user_id)
    step = _step_from_post(request, classroom)
    section = request.POST.get("section", "")
    try:
        services.student_recipe(
            classroom=classroom, actor=request.user, user=enrollment.user, step=step, recipe=recipe, section=section
        )
    except services.ActionRefused as exc:
        messages.error(request, ACTION_ERRORS.get(exc.reason, exc.reason))
    else:
        name = selectors.display_name(enrollment.user)
        if recipe == "solve":
            messages.success(request, _('"Do it for me" was started for %(name)s.') % {"name": name})
        else:
            messages.success(request, _("Clean up was started for %(name)s.") % {"name": name})
    return _back_to_student(classroom, user_id, step)


@instructor_required
@require_POST
def student_note(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom, enrollment = _enrollment_for(request, pk, user_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("text", [])))
    else:
        note = services.student_note_set(
            classroom=classroom, actor=request.user, user=enrollment.user, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Note saved.") if note else _("Note removed."))
    return _back_to_student(classroom, user_id, _step_from_post(request, classroom))


@instructor_required
@require_POST
def stuck_dismiss(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom, enrollment = _enrollment_for(request, pk, user_id)
    key = request.POST.get("section", "")
    if key not in selectors.section_keys(classroom=classroom):
        return HttpResponse(_("Unknown section."), status=400)
    services.stuck_dismiss(classroom=classroom, actor=request.user, user=enrollment.user, section_key=key)
    if request.htmx:
        return HttpResponse(status=204)
    if request.POST.get("next_") == "student":
        return redirect("classes:student", pk=pk, user_id=user_id)
    return redirect("classes:dashboard", pk=pk)


def _step_from_post(request: HttpRequest, classroom: Classroom) -> str:
    step = request.POST.get("step", "") or request.GET.get("step", "")
    return step if step in tutorial_steps(classroom.tutorial) else selectors.classroom_default_step(classroom=classroom)


@instructor_required
@require_POST
def check_everyone(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _classroom_for(request, pk)
    class_check = services.class_check_start(
        classroom=classroom, step=_step(request, classroom), started_by=request.user
    )
    if request.htmx:
        progress = selectors.class_check_progress(class_check=class_check)
        return render(request, "classes/dashboard.html#progress", {"classroom": classroom, "check_progress": progress})
    return redirect("classes:dashboard", pk=classroom.pk)


@instructor_required
@require_GET
def check_progress(request: HttpRequest, pk: int, check_pk: int) -> HttpResponse:
    classroom = _classroom_for(request, pk)
    class_check = classroom.checks.filter(pk=check_pk).first()
    if class_check is None:
        raise Http404
    progress = selectors.class_check_progress(class_check=class_check)
    context = {"classroom": classroom, "check_progress": progress}
    response = render(request, "classes/dashboard.html#progress", context)
    if progress.complete and request.htmx:
        # 286 ends htmx polling; the body still replaces the bar with its finished state.
        stop = HttpResponseStopPolling()
        stop.content = response.content
        return stop
    return response


# --- export ---------------------------------------------------------------------------------------------------


@instructor_required
@require_GET
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The class progress as CSV, in the reader's language (see exports.py)."""
    classroom = _classroom_for(request, pk)
    dashboard_ = selectors.class_dashboard(classroom=classroom, step=_step(request, classroom), lang=get_language())
    return export_progress(classroom=classroom, dashboard=dashboard_, lang=get_language())


@instructor_required
@require_GET
def export_grades_csv(request: HttpRequest, pk: int, lms: str) -> HttpResponse:
    """Grades per student in the column layout Moodle's or Canvas's grade import takes (see exports.py)."""
    classroom = _classroom_for(request, pk)
    if lms not in ("moodle", "canvas"):
        raise Http404
    dashboard_ = selectors.class_dashboard(classroom=classroom, lang=get_language())
    return export_grades(classroom=classroom, dashboard=dashboard_, lms=lms)


# --- showing the class how to join ------------------------------------------------------------------------------


@instructor_required
@require_GET
def show_join(request: HttpRequest, pk: int) -> HttpResponse:
    """The "show to the class" page: the join code, link and a QR code in large type, for the projector."""
    import segno

    classroom = _classroom_for(request, pk)
    join_url = _join_url(request, classroom)
    # segno (maintained, pure Python) draws the QR code as inline SVG: no image file, no request for it.
    qr = segno.make(join_url, error="m").svg_inline(scale=10, border=2, dark="#000", light="#fff", omitsize=True)
    return render(request, "classes/show.html", {"classroom": classroom, "join_url": join_url, "qr_svg": qr})


@instructor_required
@require_POST
def rotate_join_code(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _classroom_for(request, pk)
    services.classroom_rotate_join_code(classroom=classroom, actor=request.user)
    messages.success(request, _("New join code: the old code and link no longer work."))
    return redirect("classes:show" if request.POST.get("next_") == "show" else "classes:roster", pk=pk)


@instructor_required
@require_POST
def set_joins(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _classroom_for(request, pk)
    open_ = request.POST.get("open") == "1"
    services.classroom_set_joins_open(classroom=classroom, actor=request.user, open_=open_)
    messages.success(request, _("The class is open to joins.") if open_ else _("The class is closed to joins."))
    return redirect("classes:roster", pk=pk)


# --- joining --------------------------------------------------------------------------------------------------
# A GET never enrolls anyone: the join link (or the code form) opens a confirmation page that shows the class, its
# instructor and what the instructor will see of the learner's work; only its POST ("Join", CSRF) enrolls.


def _name_form(request: HttpRequest, data=None) -> LearnerNameFields:
    """The confirmation page's name fields, filled with what the learner gave before."""
    profile = selectors.learner_profile(user=request.user)
    initial = {"display_name": profile.display_name, "student_number": profile.student_number} if profile else {}
    if not initial.get("display_name"):
        initial["display_name"] = (request.user.get_full_name() or "").strip()
    return LearnerNameFields(data, initial=initial)


def _join_page(
    request: HttpRequest, classroom: Classroom | None, *, error: str | None = None, name_form=None
) -> HttpResponse:
    if classroom is None:
        return render(request, "classes/join.html", {"form": JoinForm(), "error": "unknown"}, status=404)
    refusal = error or services.enrollment_join_refusal(classroom=classroom, user=request.user)
    member = selectors.enrollment_is_active(classroom=classroom, user=request.user)
    context = {
        "classroom": classroom,
        "instructor_name": classroom.instructor.get_full_name() or classroom.instructor.get_username(),
        "error": refusal,
        "member": member,
        "name_form": name_form or _name_form(request),
    }
    status = 403 if refusal else (400 if name_form is not None and name_form.errors else 200)
    return render(request, "classes/join.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@throttled("join")
def join(request: HttpRequest, code: str) -> HttpResponse:
    """The join link: GET shows the confirmation page (signed in; else after login/signup, which come back here);
    POST from that page enrolls the learner, with the name (and student number) the instructor will see."""
    classroom = selectors.classroom_by_join_code(code=code)
    if request.method != "POST" or classroom is None:
        return _join_page(request, classroom)
    name_form = _name_form(request, request.POST)
    if not name_form.is_valid():
        return _join_page(request, classroom, name_form=name_form)
    try:
        _enrollment, created = services.enrollment_join(classroom=classroom, user=request.user)
    except services.JoinRefused as exc:
        return _join_page(request, classroom, error=exc.reason)
    if "display_name" in request.POST or "student_number" in request.POST:
        services.learner_profile_set(
            user=request.user,
            display_name=name_form.cleaned_data.get("display_name", ""),
            student_number=name_form.cleaned_data.get("student_number", ""),
        )
    if created:
        messages.success(request, _("You joined the class %(name)s.") % {"name": classroom.name})
    else:
        messages.info(request, _("You are in the class %(name)s.") % {"name": classroom.name})
    return redirect("tutorial:overview", tutorial=classroom.tutorial)


@login_required
@throttled("join")
def join_form(request: HttpRequest) -> HttpResponse:
    """Typing the code: a valid one leads to the same confirmation page as the link (nothing is joined yet)."""
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        classroom = selectors.classroom_by_join_code(code=form.cleaned_data["code"])
        if classroom is None:
            return _join_page(request, None)
        return redirect("classes:join", code=classroom.join_code)
    return render(request, "classes/join.html", {"form": form})
