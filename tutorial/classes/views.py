"""Views of classes: the instructor's classes, roster, live dashboard, drill-down, "check everyone", export; joining.

Access control is one call per view: `_classroom_for(request, pk)` answers 404 for a class the user does not teach
(another instructor's class is not revealed), `instructor_required` answers 403 to anyone who is not an instructor.
"""

from __future__ import annotations

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

from tutorial.learning.throttle import throttled

from . import selectors, services
from .catalog import tutorial_steps
from .forms import ClassroomForm, JoinForm
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
    enrollments = classroom.enrollments.active().select_related("user", "user__aws_connection")
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
    services.enrollment_remove(classroom=classroom, user_id=user_id)
    messages.success(request, _("%(name)s was removed from the class.") % {"name": enrollment.user.get_username()})
    return redirect("classes:roster", pk=classroom.pk)


# --- the dashboard --------------------------------------------------------------------------------------------


def _dashboard_context(request: HttpRequest, classroom: Classroom, *, version: str | None = None) -> dict:
    state = request.GET.get("state", "")
    sort = request.GET.get("sort", "name")
    step = _step(request, classroom)
    dashboard = selectors.class_dashboard(classroom=classroom, step=step, lang=get_language(), state=state, sort=sort)
    params = request.GET.copy()
    params.pop("v", None)
    return {
        "classroom": classroom,
        "dashboard": dashboard,
        "version": version or selectors.class_dashboard_version(classroom=classroom, step=step),
        "state": state if state in selectors.ROW_FILTERS else "",
        "sort": sort,
        "query": params.urlencode(),
        "filters": selectors.ROW_FILTERS,
    }


@instructor_required
@require_GET
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _classroom_for(request, pk)
    context = _dashboard_context(request, classroom)
    latest = selectors.class_check_latest(classroom=classroom)
    context["check_progress"] = selectors.class_check_progress(class_check=latest) if latest else None
    template = "classes/dashboard.html#grid" if request.htmx else "classes/dashboard.html"
    return render(request, template, context)


@instructor_required
@require_GET
def dashboard_grid(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid and summary alone: what the dashboard polls. 204 (htmx keeps the grid) when nothing changed."""
    classroom = _classroom_for(request, pk)
    version = selectors.class_dashboard_version(classroom=classroom, step=_step(request, classroom))
    if request.htmx and request.GET.get("v") == version:
        return HttpResponse(status=204)
    return render(request, "classes/dashboard.html#grid", _dashboard_context(request, classroom, version=version))


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
    }
    return render(request, "classes/student.html", context)


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


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in user-controlled text (a name starting with = + - @)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@instructor_required
@require_GET
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The class progress as CSV: UTF-8 with a BOM, so a spreadsheet opens Japanese names correctly."""
    classroom = _classroom_for(request, pk)
    dashboard = selectors.class_dashboard(classroom=classroom, step=_step(request, classroom), lang=get_language())
    filename = f"{classroom.name}-{dashboard.step}-{timezone.localdate():%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response.write("\ufeff")
    writer = csv.writer(response)
    check_ids = [c.id for s in dashboard.columns for c in s.checks]
    writer.writerow(["name", "username", "status", "sections_done", "completed_at", "last_checked_at", *check_ids])
    for row in dashboard.rows:
        writer.writerow(
            [
                _csv_safe(row.name),
                _csv_safe(row.username),
                row.state,
                row.done_count,
                timezone.localtime(row.completed_at).isoformat() if row.completed_at else "",
                timezone.localtime(row.last_checked_at).isoformat() if row.last_checked_at else "",
                *(cell.status for cell in row.cells),
            ]
        )
    return response


# --- joining --------------------------------------------------------------------------------------------------
# A GET never enrolls anyone: the join link (or the code form) opens a confirmation page that shows the class, its
# instructor and what the instructor will see of the learner's work; only its POST ("Join", CSRF) enrolls.


def _join_page(request: HttpRequest, classroom: Classroom | None, *, error: str | None = None) -> HttpResponse:
    if classroom is None:
        return render(request, "classes/join.html", {"form": JoinForm(), "error": "unknown"}, status=404)
    refusal = error or services.enrollment_join_refusal(classroom=classroom, user=request.user)
    member = selectors.enrollment_is_active(classroom=classroom, user=request.user)
    context = {
        "classroom": classroom,
        "instructor_name": classroom.instructor.get_full_name() or classroom.instructor.get_username(),
        "error": refusal,
        "member": member,
    }
    return render(request, "classes/join.html", context, status=403 if refusal else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@throttled("join")
def join(request: HttpRequest, code: str) -> HttpResponse:
    """The join link: GET shows the confirmation page (signed in; else after login/signup, which come back here);
    POST from that page enrolls the learner."""
    classroom = selectors.classroom_by_join_code(code=code)
    if request.method != "POST" or classroom is None:
        return _join_page(request, classroom)
    try:
        _enrollment, created = services.enrollment_join(classroom=classroom, user=request.user)
    except services.JoinRefused as exc:
        return _join_page(request, classroom, error=exc.reason)
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
