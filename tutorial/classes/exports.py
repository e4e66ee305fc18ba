"""CSV exports of a class: the progress grid (for people) and grades (for an LMS's grade import).

Progress CSV: UTF-8 with a BOM (a spreadsheet then opens Japanese correctly), headers and statuses in the reader's
language, check columns headed "short title (check id)", local times as "YYYY-MM-DD HH:MM:SS" (no microseconds, no
offset: the class's time zone, TIME_ZONE).

Grades CSV (UTF-8 without BOM: both importers read the header row literally), one row per student:
- Moodle ("Import grades from CSV", Grades > Import > CSV file): "Email address", "ID number", "Full name",
  then the grade column "<class> sections done" (0..N) and "<class> completed at". Map "Email address" (or
  "ID number" = the student number) to the user field and the grade column to a grade item (or "new grade item");
  "completed at" can be mapped to that item's feedback.
- Canvas (Grades > Import): "Student", "ID", "SIS User ID", "SIS Login ID", "Section", then one assignment column
  "<class> sections done"; the second row is "Points Possible". Canvas matches a student by "SIS User ID" (the
  student number) or "SIS Login ID" (the email) when "ID" (the Canvas id, unknown here) is empty, and creates the
  assignment on import.
Text a learner typed (names, numbers) is neutralised against spreadsheet formulas.
"""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import override

from .selectors import DONE, IN_PROGRESS, NOT_STARTED, STUCK, Dashboard

LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in user-controlled text (a value starting with = + - @ tab or CR)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def local_time(moment) -> str:
    return timezone.localtime(moment).strftime(LOCAL_TIME_FORMAT) if moment else ""


def _state_word(state: str) -> str:
    return {
        DONE: _("Done"),
        STUCK: _("Stuck"),
        IN_PROGRESS: _("In progress"),
        NOT_STARTED: _("Not started"),
    }.get(state, state)


def _status_word(status: str) -> str:
    return {
        "pass": _("pass"),
        "fail": _("fail"),
        "error": _("could not check"),
        "skipped": _("skipped"),
        "": _("not yet"),
    }.get(status, status)


def _csv_response(filename: str, *, bom: bool) -> tuple[HttpResponse, csv.writer]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    if bom:
        response.write("\ufeff")
    return response, csv.writer(response)


def export_progress(*, classroom, dashboard: Dashboard, lang: str) -> HttpResponse:
    """The dashboard as CSV in `lang`: one row per student, one column per check."""
    with override(lang):
        filename = f"{classroom.name}-{timezone.localdate():%Y%m%d}.csv"
        response, writer = _csv_response(filename, bom=True)
        checks = [c for section in dashboard.columns for c in section.checks]
        writer.writerow(
            [
                _("Name"),
                _("Student number"),
                _("Username"),
                _("Status"),
                _("Sections done"),
                _("Sections"),
                _("Completed at"),
                _("Last checked"),
                _("Stuck on"),
                *(f"{c.title_in(lang)} ({c.id})" for c in checks),
            ]
        )
        total = len(dashboard.columns)
        for row in dashboard.rows:
            writer.writerow(
                [
                    csv_safe(row.name),
                    csv_safe(row.student_number),
                    csv_safe(row.username),
                    _state_word(row.state),
                    row.done_count,
                    total,
                    local_time(row.completed_at),
                    local_time(row.last_checked_at),
                    "; ".join(f"{r.section_title}: {', '.join(r.check_titles)}" for r in row.stuck),
                    *(_status_word(cell.status) for cell in row.cells),
                ]
            )
    return response


def export_grades(*, classroom, dashboard: Dashboard, lms: str) -> HttpResponse:
    """Grades in the layout of Moodle's or Canvas's grade import (see the module docstring)."""
    total = len(dashboard.columns)
    item = f"{classroom.name} sections done"
    response, writer = _csv_response(f"{classroom.name}-grades-{lms}-{timezone.localdate():%Y%m%d}.csv", bom=False)
    rows = sorted(dashboard.rows, key=lambda r: (r.name.casefold(), r.user_id))
    emails = _emails(dashboard)
    if lms == "moodle":
        writer.writerow(["Email address", "ID number", "Full name", item, f"{classroom.name} completed at"])
        for row in rows:
            writer.writerow(
                [
                    csv_safe(emails.get(row.user_id, "")),
                    csv_safe(row.student_number),
                    csv_safe(row.name),
                    row.done_count,
                    local_time(row.completed_at),
                ]
            )
    else:
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", item])
        writer.writerow(["    Points Possible", "", "", "", "", total])
        for row in rows:
            writer.writerow(
                [
                    csv_safe(row.name),
                    "",
                    csv_safe(row.student_number),
                    csv_safe(emails.get(row.user_id, "")),
                    csv_safe(classroom.name),
                    row.done_count,
                ]
            )
    return response


def _emails(dashboard: Dashboard) -> dict[int, str]:
    """user id -> email, one query for the whole class."""
    from django.contrib.auth import get_user_model

    ids = [r.user_id for r in dashboard.rows]
    return dict(get_user_model().objects.filter(id__in=ids).values_list("id", "email"))
